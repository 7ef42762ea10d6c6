//! The bundle: every artifact of a spec plus its diagnostics, the one shape all front ends share.

use crate::diagnostic::Diagnostic;
use serde::Serialize;

/// Artifact kinds. The vocabulary is stable: front ends and users key on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    TrustPolicy,
    PermissionsPolicy,
    ServiceAccount,
    ConfigMap,
    AwsConfig,
    WorkloadPatch,
    AwsCli,
    Diagram,
    Terraform,
    Cloudformation,
    Eksctl,
    PodIdentity,
}

impl Kind {
    pub const ALL: [Kind; 12] = [
        Kind::TrustPolicy,
        Kind::PermissionsPolicy,
        Kind::ServiceAccount,
        Kind::ConfigMap,
        Kind::AwsConfig,
        Kind::WorkloadPatch,
        Kind::AwsCli,
        Kind::Diagram,
        Kind::Terraform,
        Kind::Cloudformation,
        Kind::Eksctl,
        Kind::PodIdentity,
    ];

    /// The kind's name in the bundle (`trust-policy`, `aws-cli`, ...).
    pub fn name(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct Artifact {
    /// Relative path under `--out-dir`; stable so the output can be committed.
    pub path: String,
    pub kind: Kind,
    /// The IAM role an IAM artifact belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub role: Option<String>,
    pub content: String,
}

/// Artifacts and diagnostics. When any diagnostic is an error there are no artifacts:
/// a partial bundle is never presented as complete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct Bundle {
    pub artifacts: Vec<Artifact>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Bundle {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The bundle as JSON (two-space indentation, final newline).
    pub fn to_json(&self) -> String {
        let mut out = serde_json::to_string_pretty(self).unwrap_or_default();
        out.push('\n');
        out
    }
}
