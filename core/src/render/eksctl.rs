//! eksctl: the `iam.serviceAccounts` (IRSA) or `iam.podIdentityAssociations` entries of a
//! ClusterConfig. eksctl can create the pod
//! role itself only for one service account with a plain role (no path, no session
//! setting); otherwise each entry attaches the role the other artifacts create. Target
//! roles stay separate IAM artifacts: eksctl cannot chain roles.

use crate::node::{self, Node};
use crate::plan::Plan;
use crate::render::RoleDocs;
use crate::render::kubernetes::{MANAGED_BY, REGIONAL_STS_ANNOTATION, TOKEN_EXPIRATION_ANNOTATION};
use crate::spec::{Subject, defaults};

/// The ClusterConfig, when the spec names its one EKS cluster.
pub fn cluster_config(plan: &Plan, pod: &RoleDocs<'_>) -> Option<String> {
    let name = plan.spec.cluster_name.as_ref()?;
    let region = plan.issuers().find_map(|i| i.eks.as_ref())?.region.clone();
    let subjects: Vec<&Subject> = plan.subjects().filter(|s| !s.is_pattern()).collect();
    let settings = &plan.spec.pod;
    let creates = subjects.len() == 1
        && plan.subjects().count() == 1
        && plan.pod_role.path == defaults::ROLE_PATH
        && settings.max_session_duration.is_none()
        && (pod.permissions.is_some() || !settings.managed_policies.is_empty());
    let entries = subjects
        .iter()
        .map(|subject| {
            let mut metadata = vec![
                ("name".to_owned(), Node::Str(subject.name.clone())),
                ("namespace".to_owned(), Node::Str(subject.namespace.clone())),
                (
                    "labels".to_owned(),
                    Node::Map(vec![(
                        MANAGED_BY.0.to_owned(),
                        Node::Str(MANAGED_BY.1.to_owned()),
                    )]),
                ),
            ];
            let mut annotations = Vec::new();
            if plan.spec.regional_sts {
                annotations.push((REGIONAL_STS_ANNOTATION.to_owned(), Node::Str("true".into())));
            }
            if let Some(seconds) = plan.spec.token_expiration {
                annotations.push((
                    TOKEN_EXPIRATION_ANNOTATION.to_owned(),
                    Node::Str(seconds.to_string()),
                ));
            }
            if !annotations.is_empty() {
                metadata.push(("annotations".to_owned(), Node::Map(annotations)));
            }
            let mut entry = vec![("metadata".to_owned(), Node::Map(metadata))];
            if creates {
                entry.push(("roleName".to_owned(), Node::Str(plan.pod_role.name.clone())));
                if !settings.managed_policies.is_empty() {
                    let arns = settings
                        .managed_policies
                        .iter()
                        .map(|a| Node::Str(a.clone()))
                        .collect();
                    entry.push(("attachPolicyARNs".to_owned(), Node::Seq(arns)));
                }
                if let Some(policy) = &pod.permissions {
                    entry.push((
                        "attachPolicy".to_owned(),
                        node::parse(policy).unwrap_or(Node::Null),
                    ));
                }
                if let Some(boundary) = &settings.permissions_boundary {
                    entry.push((
                        "permissionsBoundary".to_owned(),
                        Node::Str(boundary.clone()),
                    ));
                }
                if !settings.tags.is_empty() {
                    let tags = settings
                        .tags
                        .iter()
                        .map(|(k, v)| (k.clone(), Node::Str(v.clone())))
                        .collect();
                    entry.push(("tags".to_owned(), Node::Map(tags)));
                }
            } else {
                entry.push((
                    "attachRoleARN".to_owned(),
                    Node::Str(plan.pod_role.to_string()),
                ));
            }
            Node::Map(entry)
        })
        .collect();
    let iam = if plan.spec.pod_identity {
        let associations = subjects
            .iter()
            .map(|subject| {
                Node::Map(vec![
                    ("namespace".to_owned(), Node::Str(subject.namespace.clone())),
                    (
                        "serviceAccountName".to_owned(),
                        Node::Str(subject.name.clone()),
                    ),
                    ("roleARN".to_owned(), Node::Str(plan.pod_role.to_string())),
                ])
            })
            .collect();
        Node::Map(vec![(
            "podIdentityAssociations".to_owned(),
            Node::Seq(associations),
        )])
    } else {
        Node::Map(vec![
            ("withOIDC".to_owned(), Node::Bool(true)),
            ("serviceAccounts".to_owned(), Node::Seq(entries)),
        ])
    };
    let config = Node::Map(vec![
        (
            "apiVersion".to_owned(),
            Node::Str("eksctl.io/v1alpha5".into()),
        ),
        ("kind".to_owned(), Node::Str("ClusterConfig".into())),
        (
            "metadata".to_owned(),
            Node::Map(vec![
                ("name".to_owned(), Node::Str(name.value.clone())),
                ("region".to_owned(), Node::Str(region)),
            ]),
        ),
        ("iam".to_owned(), iam),
    ]);
    let (command, how) = if plan.spec.pod_identity {
        (
            "create podidentityassociation",
            "eksctl creates the Pod Identity associations; the pod role comes from the IAM artifacts.",
        )
    } else if creates {
        (
            "create iamserviceaccount",
            "eksctl creates the pod role (trusting this service account only) and the ServiceAccount.",
        )
    } else {
        (
            "create iamserviceaccount",
            "The pod role comes from the IAM artifacts (eksctl cannot express its settings or share\n# one role between service accounts); eksctl creates the annotated ServiceAccounts.",
        )
    };
    Some(format!(
        "# Generated by irsa: eksctl {command} --config-file cluster-config.yaml\n# {how}\n# Target roles are the separate IAM artifacts: eksctl cannot chain roles.\n{}",
        node::to_yaml(&config)
    ))
}
