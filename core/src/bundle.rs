//! The bundle: every artifact of a spec plus its diagnostics, the one shape all front ends share.

use crate::diagnostic::Diagnostic;
use serde::Serialize;

crate::wire::wire_enum! {
    /// Artifact kinds. The vocabulary is stable: front ends and users key on it.
    pub enum Kind {
        TrustPolicy => "trust-policy",
        PermissionsPolicy => "permissions-policy",
        ServiceAccount => "service-account",
        ConfigMap => "config-map",
        AwsConfig => "aws-config",
        WorkloadPatch => "workload-patch",
        AwsCli => "aws-cli",
        Diagram => "diagram",
        Terraform => "terraform",
        Cloudformation => "cloudformation",
        Eksctl => "eksctl",
        PodIdentity => "pod-identity",
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
