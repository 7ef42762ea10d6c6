//! Every command's output for people and for machines: bundles, diagnostics, applied
//! objects, doctor's checks, the IAM side's dry run. Writers only: callers choose stdout
//! or stderr, tests read the strings.

use crate::iam::Change;
use irsa_core::cluster::doctor::{Check, Level};
use irsa_core::cluster::objects as k8s;
use irsa_core::finding::Visible;
use irsa_core::{Artifact, Bundle, Diagnostic, Kind};
use serde_json::Value;
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
        Format::Yaml => irsa_core::node::to_yaml_of(bundle),
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
                "workload wiring: kubectl apply --server-side --field-manager=kubectl-irsa -f"
                    .to_owned()
            }
            (Kind::AwsCli, _) => "creates or updates the IAM side: bash".to_owned(),
            (Kind::Terraform, _) => "Terraform: terraform init && terraform apply".to_owned(),
            (Kind::Cloudformation, _) => {
                "CloudFormation template: aws cloudformation deploy".to_owned()
            }
            (Kind::Eksctl, _) => "eksctl ClusterConfig: its header names the commands".to_owned(),
            (Kind::PodIdentity, _) => "EKS Pod Identity associations: bash".to_owned(),
            (Kind::Diagram, _) => "the chain as an SVG picture: --out-dir writes it".to_owned(),
            (kind, _) => format!("{kind:?}"),
        };
        out.push_str(&format!("# {} ({what})\n", artifact.path));
        // SVG markup is not for reading on a terminal; the other artifacts are.
        if artifact.kind != Kind::Diagram {
            out.push_str(&artifact.content);
        }
    }
    out
}

/// Diagnostics as `error[code] path: message` lines with their help.
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
        Format::Yaml => irsa_core::node::to_yaml_of(value),
    }
}

/// `kind/name word` for one applied object, as kubectl prints it.
pub fn applied(object: &Value, word: &str, dry_run: bool) -> String {
    let suffix = if dry_run { " (server dry run)" } else { "" };
    let slash = k8s::slash(k8s::text(object, "/kind"), k8s::name(object));
    format!("{slash} {word}{suffix}")
}

/// Objects as a YAML stream or a JSON `List`, as `kubectl get -o` prints several.
pub fn objects(objects: &[Value], format: Format) -> String {
    match format {
        Format::Json => value(
            &serde_json::json!({"apiVersion": "v1", "kind": "List", "items": objects}),
            Format::Json,
        ),
        Format::Yaml => objects
            .iter()
            .map(irsa_core::node::to_yaml_of)
            .collect::<Vec<_>>()
            .join("---\n"),
    }
}

/// doctor's `PASS  message` lines, each with its help when it has one. Values read from
/// the cluster are escaped: a pod's env or a ConfigMap cannot drive the terminal.
pub fn checks(checks: &[Check]) -> String {
    let mut out = String::new();
    for Check { finding, .. } in checks {
        let word = match finding.severity {
            Level::Pass => "PASS",
            Level::Skip => "SKIP",
            Level::Warn => "WARN",
            Level::Fail => "FAIL",
        };
        out.push_str(&format!("{word}  {}\n", Visible(&finding.message)));
        if let Some(help) = &finding.help {
            out.push_str(&format!("      help: {}\n", Visible(help)));
        }
    }
    out
}

/// The IAM side's dry run: each object's line, then what would change.
pub fn iam_dry_run(changes: &[Change], out: &mut dyn Write) {
    for change in changes {
        let word = if change.word == "unchanged" {
            "unchanged".to_owned()
        } else {
            format!("would be {}", change.word)
        };
        let _ = writeln!(
            out,
            "iam {} {word} (account {}, dry run)",
            change.object, change.account
        );
        for line in &change.detail {
            let _ = writeln!(out, "    {line}");
        }
    }
}
