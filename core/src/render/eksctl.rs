//! eksctl: the `iam.serviceAccounts` (IRSA) or `iam.podIdentityAssociations` entries of a
//! ClusterConfig, with a header that says which commands act on it and what they need.
//! eksctl can create the pod role itself only for one service account with a plain role
//! (no path, no session setting); otherwise each entry attaches the role the other
//! artifacts create. Target roles stay separate IAM artifacts: irsa chains them through
//! the AWS config's profiles, which take any number of them.

use crate::eks::{REGIONAL_STS_ANNOTATION, TOKEN_EXPIRATION_ANNOTATION};
use crate::node::{self, Node};
use crate::plan::Plan;
use crate::spec::{Subject, defaults};

/// The ClusterConfig, when the spec names its one EKS cluster.
pub fn cluster_config(plan: &Plan) -> Option<String> {
    let pod = &plan.iam.pod;
    let name = plan.spec.cluster_name.as_ref()?;
    let region = plan.region()?.to_owned();
    let creates = plan.subjects().count() == 1
        && plan.pod_role.path == defaults::ROLE_PATH
        && pod.max_session_duration == defaults::MAX_SESSION_DURATION
        && (pod.permissions.is_some() || !pod.managed_policies.is_empty());
    // A pattern names no ServiceAccount: eksctl can only create the role that trusts it
    // (subjectPattern, role only); where the role comes from the IAM artifacts there is
    // nothing for eksctl to do about it.
    let subjects: Vec<&Subject> = plan
        .subjects()
        .filter(|s| creates || !s.is_pattern())
        .collect();
    let patterns: Vec<String> = plan
        .subjects()
        .filter(|s| s.is_pattern())
        .map(|s| format!("{}/{}", s.namespace, s.name))
        .collect();
    let entries = subjects
        .iter()
        .map(|subject| {
            // No managed-by label: eksctl sets its own on the ServiceAccounts it creates.
            // A pattern's entry is named for its role (the name only names eksctl's stack).
            let name = if subject.is_pattern() {
                super::stack_name(&plan.pod_role.name)
            } else {
                subject.name.clone()
            };
            let mut metadata = vec![
                ("name".to_owned(), Node::Str(name)),
                ("namespace".to_owned(), Node::Str(subject.namespace.clone())),
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
            if subject.is_pattern() {
                entry.push(("subjectPattern".to_owned(), Node::Str(subject.name.clone())));
                entry.push(("roleOnly".to_owned(), Node::Bool(true)));
            }
            if creates {
                entry.push(("roleName".to_owned(), Node::Str(plan.pod_role.name.clone())));
                if !pod.managed_policies.is_empty() {
                    let arns = pod
                        .managed_policies
                        .iter()
                        .map(|a| Node::Str(a.to_string()))
                        .collect();
                    entry.push(("attachPolicyARNs".to_owned(), Node::Seq(arns)));
                }
                if let Some(policy) = &pod.permissions {
                    entry.push(("attachPolicy".to_owned(), policy.to_node()));
                }
                if let Some(boundary) = &pod.permissions_boundary {
                    entry.push((
                        "permissionsBoundary".to_owned(),
                        Node::Str(boundary.to_string()),
                    ));
                }
                if !pod.tags.is_empty() {
                    let tags = pod
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
    let config = match config {
        // The associations need the agent on the nodes; eksctl creates it from `addons`.
        Node::Map(mut entries) if plan.spec.pod_identity => {
            entries.push((
                "addons".to_owned(),
                Node::Seq(vec![Node::Map(vec![(
                    "name".to_owned(),
                    Node::Str("eks-pod-identity-agent".into()),
                )])]),
            ));
            Node::Map(entries)
        }
        other => other,
    };
    let header = if plan.spec.pod_identity {
        "# Generated by irsa. The associations need the eks-pod-identity-agent add-on, then:\n\
         #   eksctl create addon --config-file cluster-config.yaml\n\
         #   eksctl create podidentityassociation --config-file cluster-config.yaml\n\
         # The pod role is an IAM artifact (aws-cli/create-iam.sh), and so are the target roles:\n\
         # irsa chains them through the AWS config's profiles, any number of them (eksctl's\n\
         # targetRoleARN would take one per association).\n"
            .to_owned()
    } else {
        let role = if creates && !patterns.is_empty() {
            "eksctl (0.222 or later, for subjectPattern) creates the pod role, trusting the service\n\
             # accounts the pattern matches (StringLike on sub); annotate each of them with it."
        } else if creates {
            "eksctl creates the pod role (trusting this service account only) and the ServiceAccount."
        } else if !patterns.is_empty() {
            &format!(
                "The pod role comes from the IAM artifacts and also trusts {}: eksctl has no\n\
                 # ServiceAccount to create for a pattern; annotate each one it matches with the role.",
                patterns.join(", ")
            )
        } else {
            "The pod role comes from the IAM artifacts (eksctl cannot express its settings or share\n\
             # one role between service accounts); eksctl creates the annotated ServiceAccounts."
        };
        format!(
            "# Generated by irsa. Once per cluster, the IAM OIDC provider, then the service accounts:\n\
             #   eksctl utils associate-iam-oidc-provider --config-file cluster-config.yaml --approve\n\
             #   eksctl create iamserviceaccount --config-file cluster-config.yaml --approve\n\
             # {role}\n\
             # eksctl skips ServiceAccounts that already exist (and then creates no role for them)\n\
             # unless given --override-existing-serviceaccounts. Take one route for them: these\n\
             # entries, or irsa's manifests (kubectl irsa bind), not both. Target roles are the\n\
             # separate IAM artifacts: irsa chains them through the AWS config's profiles.\n"
        )
    };
    Some(format!("{header}{}", node::to_yaml(&config)))
}
