//! Rendering bundles and diagnostics for people and for machines. Writers only: callers
//! choose stdout or stderr, tests read the strings.

use irsa_core::{Artifact, Bundle, Diagnostic, Kind};
use std::io::Write;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Json,
    Yaml,
}

/// The bundle as machine-readable data, diagnostics included.
pub fn bundle(bundle: &Bundle, format: Format) -> String {
    match format {
        Format::Json => bundle.to_json(),
        Format::Yaml => serde_saphyr::to_string(bundle).unwrap_or_default(),
    }
}

/// Each artifact under a header naming its path and what it is for.
pub fn text(artifacts: &[Artifact]) -> String {
    let mut out = String::new();
    for artifact in artifacts {
        if !out.is_empty() {
            out.push('\n');
        }
        let what = match (&artifact.kind, &artifact.role) {
            (Kind::TrustPolicy, Some(role)) => format!("trust policy of role {role}"),
            (Kind::PermissionsPolicy, Some(role)) => format!("permissions of role {role}"),
            (Kind::ServiceAccount, _) => "ServiceAccount: kubectl apply -f".to_owned(),
            (Kind::ConfigMap, _) => {
                "ConfigMap with the AWS config file: kubectl apply -f".to_owned()
            }
            (Kind::AwsConfig, _) => "AWS config file, read through AWS_CONFIG_FILE".to_owned(),
            (Kind::WorkloadPatch, _) => {
                "workload wiring: kubectl apply --server-side -f".to_owned()
            }
            (Kind::AwsCli, _) => "creates or updates the IAM side: bash".to_owned(),
            (Kind::Terraform, _) => "Terraform: terraform init && terraform apply".to_owned(),
            (Kind::Cloudformation, _) => {
                "CloudFormation template: aws cloudformation deploy".to_owned()
            }
            (Kind::Eksctl, _) => "eksctl ClusterConfig: its header names the commands".to_owned(),
            (Kind::PodIdentity, _) => "EKS Pod Identity associations: bash".to_owned(),
            (Kind::Diagram, _) => "the chain as a picture: SVG".to_owned(),
            (kind, _) => format!("{kind:?}"),
        };
        out.push_str(&format!("# {} ({what})\n", artifact.path));
        out.push_str(&artifact.content);
    }
    out
}

/// Diagnostics as `error[code] field: message` lines with their help.
pub fn diagnostics(diagnostics: &[Diagnostic], out: &mut impl Write) {
    for d in diagnostics {
        // A closed stderr leaves nowhere to report to; the exit code still tells.
        let _ = writeln!(out, "{d}");
    }
}

/// Any report as pretty JSON or YAML, ending with a newline.
pub fn value<T: serde::Serialize>(value: &T, format: Format) -> String {
    match format {
        Format::Json => {
            let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
            text.push('\n');
            text
        }
        Format::Yaml => serde_saphyr::to_string(value).unwrap_or_default(),
    }
}
