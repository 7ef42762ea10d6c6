//! Rendering a [`Plan`] into the artifacts of the bundle, in a stable order: IAM first (it
//! must exist before pods can use it), then the AWS config file, then Kubernetes objects.

pub mod aws_cli;
pub mod aws_config;
pub mod cloudformation;
pub mod diagram;
pub mod eksctl;
pub mod hcl;
pub mod iam;
pub mod kubernetes;
pub mod pod_identity;
pub mod terraform;

use crate::arn::RoleArn;
use crate::bundle::{Artifact, Kind};
use crate::diagnostic::{Code, Diagnostic, Diagnostics, field};
use crate::plan::Plan;
use crate::policy::PolicyDocument;
use crate::spec::{RoleSettings, Subject};

/// IAM's limit on the inline policies of one role, counted without whitespace.
const INLINE_POLICY_QUOTA: usize = 10_240;
/// Share of the trust-policy quota above which a warning says room is running out.
const NEAR_QUOTA_PERCENT: usize = 90;

/// One role's policies, rendered once and shared by the artifacts and the IAM script.
#[derive(Debug)]
pub struct RoleDocs<'a> {
    pub arn: &'a RoleArn,
    pub settings: &'a RoleSettings,
    pub trust: String,
    pub permissions: Option<String>,
}

/// The pod role first (target trusts name it, so it must exist first), then the targets.
fn role_docs<'a>(plan: &'a Plan, diags: &mut Diagnostics) -> Vec<RoleDocs<'a>> {
    let trust = iam::pod_trust(plan);
    check_trust_size(plan, &trust, diags);
    let permissions = iam::pod_permissions(plan);
    if let Some(doc) = &permissions {
        check_inline_size(doc, "permissions", diags);
    }
    let pod = RoleDocs {
        arn: &plan.pod_role,
        settings: &plan.spec.pod,
        trust: trust.to_pretty_json(),
        permissions: permissions.map(|d| d.to_pretty_json()),
    };
    let targets = plan.targets.iter().map(|(target, arn)| {
        let permissions = iam::target_permissions(&target.settings);
        if let Some(doc) = &permissions {
            check_inline_size(doc, &field(&target.field, "permissions"), diags);
        }
        RoleDocs {
            arn,
            settings: &target.settings,
            trust: iam::target_trust(&plan.pod_role, target.external_id.as_deref())
                .to_pretty_json(),
            permissions: permissions.map(|d| d.to_pretty_json()),
        }
    });
    std::iter::once(pod)
        .chain(targets.collect::<Vec<_>>())
        .collect()
}

pub fn artifacts(plan: &Plan, diags: &mut Diagnostics) -> Vec<Artifact> {
    let roles = role_docs(plan, diags);
    let mut out = Vec::new();
    // Same-named roles in two accounts get the account in their file names.
    let iam_path = |arn: &RoleArn, what: &str| {
        if roles.iter().filter(|r| r.arn.name == arn.name).count() > 1 {
            format!("iam/{}-{}.{what}.json", arn.account, arn.name)
        } else {
            format!("iam/{}.{what}.json", arn.name)
        }
    };
    for role in &roles {
        let docs = std::iter::once((Kind::TrustPolicy, "trust", &role.trust)).chain(
            role.permissions
                .iter()
                .map(|p| (Kind::PermissionsPolicy, "permissions", p)),
        );
        for (kind, what, content) in docs {
            out.push(Artifact {
                path: iam_path(role.arn, what),
                kind,
                role: Some(role.arn.name.clone()),
                content: content.clone(),
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
        content: terraform::standalone(plan, &roles),
    });
    for (path, content) in cloudformation::templates(plan, &roles) {
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
    if let Some(content) = roles
        .first()
        .and_then(|pod| eksctl::cluster_config(plan, pod))
    {
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
        content: aws_cli::render(plan, &roles),
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

/// The trust policy against IAM's `ACLSizePerRole` quota, counted as IAM counts it.
fn check_trust_size(plan: &Plan, trust: &PolicyDocument, diags: &mut Diagnostics) {
    let size = trust.quota_size();
    let quota = usize::try_from(plan.spec.trust_policy_quota).unwrap_or(usize::MAX);
    if size > quota {
        let message = format!(
            "the pod role's trust policy is {size} characters, {} over the quota of {quota}",
            size - quota
        );
        let help = "split the service accounts or clusters over several roles, or raise the IAM quota `Role trust policy length` and set `trustPolicyQuota`";
        diags.push(
            Diagnostic::error(Code::TrustPolicyTooLarge, "serviceAccount", message).with_help(help),
        );
    } else if size * 100 >= quota * NEAR_QUOTA_PERCENT {
        let message =
            format!("the pod role's trust policy is {size} characters, near the quota of {quota}");
        diags.push(Diagnostic::warning(
            Code::TrustPolicyNearQuota,
            "serviceAccount",
            message,
        ));
    }
}

fn check_inline_size(doc: &PolicyDocument, at: &str, diags: &mut Diagnostics) {
    let size = doc.quota_size();
    if size > INLINE_POLICY_QUOTA {
        let message = format!(
            "the inline permissions are {size} characters; IAM allows {INLINE_POLICY_QUOTA} per role"
        );
        let help =
            "move statements into a customer managed policy and list it in `managedPolicies`";
        diags.push(Diagnostic::error(Code::PolicyTooLarge, at, message).with_help(help));
    }
}
