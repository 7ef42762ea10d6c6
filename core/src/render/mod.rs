//! Rendering a [`Plan`] into the artifacts of the bundle, in a stable order: IAM first (it
//! must exist before pods can use it), then the AWS config file, then Kubernetes objects.

pub mod aws_cli;
pub mod aws_config;
pub mod cloudformation;
pub mod diagram;
pub mod eksctl;
pub mod hcl;
pub mod kubernetes;
pub mod pod_identity;
pub mod terraform;

use crate::bundle::{Artifact, Kind};
use crate::plan::Plan;
use crate::spec::Subject;

/// Every artifact of a plan. Infallible: every rule was checked when the plan was made.
pub fn artifacts(plan: &Plan) -> Vec<Artifact> {
    let iam = &plan.iam;
    let mut out = Vec::new();
    // Same-named roles in two accounts get the account in their file names.
    let iam_path = |arn: &crate::arn::RoleArn, what: &str| {
        if iam.roles().filter(|r| r.arn.name == arn.name).count() > 1 {
            format!("iam/{}-{}.{what}.json", arn.account, arn.name)
        } else {
            format!("iam/{}.{what}.json", arn.name)
        }
    };
    for role in iam.roles() {
        let docs = std::iter::once((Kind::TrustPolicy, "trust", &role.trust)).chain(
            role.permissions
                .iter()
                .map(|p| (Kind::PermissionsPolicy, "permissions", p)),
        );
        for (kind, what, doc) in docs {
            out.push(Artifact {
                path: iam_path(&role.arn, what),
                kind,
                role: Some(role.arn.name.clone()),
                content: doc.to_pretty_json(),
            });
        }
    }
    // The module speaks IRSA only; under Pod Identity the plain resources carry it.
    if !plan.spec.pod_identity {
        out.push(Artifact {
            path: "terraform/module/main.tf".to_owned(),
            kind: Kind::Terraform,
            role: None,
            content: terraform::module_call(plan),
        });
    }
    out.push(Artifact {
        path: "terraform/standalone/main.tf".to_owned(),
        kind: Kind::Terraform,
        role: None,
        content: terraform::standalone(plan),
    });
    for (path, content) in cloudformation::templates(plan) {
        out.push(Artifact {
            path,
            kind: Kind::Cloudformation,
            role: None,
            content,
        });
    }
    if let Some(content) = pod_identity::associations_script(plan) {
        out.push(Artifact {
            path: "pod-identity/associations.sh".to_owned(),
            kind: Kind::PodIdentity,
            role: None,
            content,
        });
    }
    if let Some(content) = eksctl::cluster_config(plan) {
        out.push(Artifact {
            path: "eksctl/cluster-config.yaml".to_owned(),
            kind: Kind::Eksctl,
            role: None,
            content,
        });
    }
    out.push(Artifact {
        path: "diagram.svg".to_owned(),
        kind: Kind::Diagram,
        role: None,
        content: diagram::render(plan),
    });
    out.push(Artifact {
        path: "aws-cli/create-iam.sh".to_owned(),
        kind: Kind::AwsCli,
        role: None,
        content: aws_cli::render(plan),
    });

    let aws_config = plan.has_profiles().then(|| aws_config::render(plan));
    if let Some(config) = &aws_config {
        out.push(Artifact {
            path: "aws/config".to_owned(),
            kind: Kind::AwsConfig,
            role: None,
            content: config.clone(),
        });
    }
    // Patterns name no single object: their service accounts are annotated by hand.
    let subjects: Vec<&Subject> = plan.subjects().filter(|s| !s.is_pattern()).collect();
    for subject in &subjects {
        let dir = format!("kubernetes/{}", subject.namespace);
        out.push(Artifact {
            path: format!("{dir}/serviceaccount-{}.yaml", subject.name),
            kind: Kind::ServiceAccount,
            role: None,
            content: kubernetes::service_account(plan, subject),
        });
        if let Some(config) = &aws_config {
            out.push(Artifact {
                path: format!("{dir}/configmap-{}.yaml", plan.config_map_name(subject)),
                kind: Kind::ConfigMap,
                role: None,
                content: kubernetes::config_map(plan, subject, config),
            });
        }
    }
    for workload in &plan.workloads {
        out.push(Artifact {
            path: format!(
                "kubernetes/{}/{}-{}.patch.yaml",
                workload.subject.namespace,
                workload.kind.as_str().to_ascii_lowercase(),
                workload.name
            ),
            kind: Kind::WorkloadPatch,
            role: None,
            content: kubernetes::workload_patch(plan, workload),
        });
    }
    out
}

/// A CloudFormation stack name (eksctl's included) from a role name: lower-case letters,
/// digits and `-`.
fn stack_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}
