//! The IAM side of a plan, built once: every role (pod or target) with its typed trust and
//! permissions documents and resolved settings, grouped by account; the OIDC providers the
//! pod role's account needs; the EKS Pod Identity associations. Every renderer maps this
//! model, and so does `kubectl irsa bind --iam`.

use crate::arn::{AccountId, Partition, PolicyArn, RoleArn};
use crate::eks;
use crate::policy::{OneOrMany, PolicyDocument, Principal, Statement};
use crate::spec::{RoleSettings, Spec, Target, defaults};

mod merge;
pub use merge::LiveTrust;

/// Name of the inline policy irsa puts on each role.
pub const INLINE_POLICY_NAME: &str = "irsa";
/// The service principal of EKS Pod Identity.
pub const POD_IDENTITY_SERVICE: &str = "pods.eks.amazonaws.com";
/// Every trust statement irsa writes has a `Sid` starting with this: what `bind --iam`
/// replaces in a role's trust policy, leaving every other statement as it is.
pub const SID_PREFIX: &str = "Irsa";

/// The IAM side of a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Iam {
    pub pod: Role,
    /// One per entry of `assume`, in the spec's order.
    pub targets: Vec<Role>,
    /// The providers of the clusters' issuers, in the pod role's account (none under Pod
    /// Identity).
    pub oidc_providers: Vec<OidcProvider>,
    /// Under Pod Identity with a cluster name: one per service account.
    pub associations: Vec<Association>,
}

/// Which of the plan's roles this is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoleKind {
    Pod,
    /// A role the pod role chains into, reached through this profile.
    Target {
        profile: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Role {
    pub kind: RoleKind,
    pub arn: RoleArn,
    pub trust: PolicyDocument,
    /// The inline policy [`INLINE_POLICY_NAME`], when the role has permissions of its own.
    pub permissions: Option<PolicyDocument>,
    pub max_session_duration: u64,
    /// Whether the spec sets it: only then does `bind --iam` change an existing role's.
    pub max_session_duration_set: bool,
    pub permissions_boundary: Option<PolicyArn>,
    pub managed_policies: Vec<PolicyArn>,
    pub tags: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcProvider {
    pub arn: String,
    /// `https://` and the issuer, as IAM's `CreateOpenIDConnectProvider` takes it.
    pub url: String,
    pub client_id: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Association {
    pub cluster: String,
    pub namespace: String,
    pub service_account: String,
}

/// The roles of one account, the pod role's account first.
#[derive(Debug)]
pub struct Account<'a> {
    pub id: &'a AccountId,
    pub roles: Vec<&'a Role>,
}

impl Iam {
    /// Builds the model from a spec whose roles are resolved.
    pub fn build(
        spec: &Spec,
        partition: Partition,
        pod_role: &RoleArn,
        targets: &[(Target, RoleArn)],
    ) -> Self {
        let pod = Role::new(
            RoleKind::Pod,
            pod_role,
            &spec.pod,
            pod_trust(spec, partition, pod_role),
            pod_permissions(spec, targets),
        );
        let targets = targets
            .iter()
            .map(|(target, arn)| {
                Role::new(
                    RoleKind::Target {
                        profile: target.profile.clone(),
                    },
                    arn,
                    &target.settings,
                    target_trust(pod_role, target.external_id.as_deref(), spec.pod_identity),
                    target_permissions(&target.settings),
                )
            })
            .collect();
        let oidc_providers = if spec.pod_identity {
            Vec::new()
        } else {
            spec.clusters
                .iter()
                .map(|c| OidcProvider {
                    arn: c.value.provider_arn(partition, pod_role.account.as_str()),
                    url: c.value.url(),
                    client_id: eks::TOKEN_AUDIENCE,
                })
                .collect()
        };
        let associations = match &spec.cluster_name {
            Some(cluster) if spec.pod_identity => spec
                .service_accounts
                .iter()
                .map(|s| Association {
                    cluster: cluster.value.clone(),
                    namespace: s.value.namespace.clone(),
                    service_account: s.value.name.clone(),
                })
                .collect(),
            _ => Vec::new(),
        };
        Iam {
            pod,
            targets,
            oidc_providers,
            associations,
        }
    }

    /// The pod role, then the targets: the order IAM needs, since target trusts name the
    /// pod role.
    pub fn roles(&self) -> impl Iterator<Item = &Role> {
        std::iter::once(&self.pod).chain(&self.targets)
    }

    /// The roles grouped by account, the pod role's account first, each in [`Self::roles`]
    /// order.
    pub fn accounts(&self) -> Vec<Account<'_>> {
        let mut out: Vec<Account<'_>> = Vec::new();
        for role in self.roles() {
            match out.iter_mut().find(|a| *a.id == role.arn.account) {
                Some(account) => account.roles.push(role),
                None => out.push(Account {
                    id: &role.arn.account,
                    roles: vec![role],
                }),
            }
        }
        out
    }

    /// Whether a role lives in another account than the pod role.
    pub fn is_remote(&self, role: &Role) -> bool {
        role.arn.account != self.pod.arn.account
    }
}

impl Role {
    fn new(
        kind: RoleKind,
        arn: &RoleArn,
        settings: &RoleSettings,
        trust: PolicyDocument,
        permissions: Option<PolicyDocument>,
    ) -> Self {
        Role {
            kind,
            arn: arn.clone(),
            trust,
            permissions,
            max_session_duration_set: settings.max_session_duration.is_some(),
            max_session_duration: settings
                .max_session_duration
                .unwrap_or(defaults::MAX_SESSION_DURATION),
            permissions_boundary: settings.permissions_boundary.clone(),
            managed_policies: settings.managed_policies.clone(),
            tags: settings.tags.clone(),
        }
    }

    pub fn is_pod(&self) -> bool {
        self.kind == RoleKind::Pod
    }
}

/// The pod role's trust: per cluster, one statement for the listed service accounts
/// (`StringEquals` on `sub` and `aud`) and, only for opted-in patterns, one with
/// `StringLike` on `sub`. They are separate statements because conditions in one
/// statement are AND-ed.
fn pod_trust(spec: &Spec, partition: Partition, pod_role: &RoleArn) -> PolicyDocument {
    if spec.pod_identity {
        return pod_identity_trust(spec, pod_role);
    }
    let (patterns, exact): (Vec<_>, Vec<_>) = spec
        .service_accounts
        .iter()
        .map(|s| &s.value)
        .partition(|s| s.is_pattern());
    let exact: Vec<String> = exact.iter().map(|s| s.sub()).collect();
    let patterns: Vec<String> = patterns.iter().map(|s| s.sub()).collect();
    let mut statements = Vec::new();
    for (n, issuer) in spec.clusters.iter().map(|c| &c.value).enumerate() {
        let principal =
            Principal::Federated(issuer.provider_arn(partition, pod_role.account.as_str()));
        let statement = |sid: &str, operator: &str, subs: &[String]| {
            let mut s = Statement::allow("sts:AssumeRoleWithWebIdentity")
                .with_condition(
                    "StringEquals",
                    &format!("{}:aud", issuer.id),
                    vec![eks::TOKEN_AUDIENCE.to_owned()],
                )
                .with_condition(operator, &format!("{}:sub", issuer.id), subs.to_vec());
            s.sid = Some(format!("{SID_PREFIX}{sid}{}", n + 1));
            s.principal = Some(principal.clone());
            s
        };
        if !exact.is_empty() {
            statements.push(statement("WebIdentity", "StringEquals", &exact));
        }
        if !patterns.is_empty() {
            statements.push(statement("WebIdentityPattern", "StringLike", &patterns));
        }
    }
    PolicyDocument::new(statements)
}

/// EKS Pod Identity: the EKS Auth service assumes the role and tags the session with the
/// cluster, namespace and service account. Without conditions any association in the
/// account (any cluster, namespace or service account) could use the role; one statement
/// per service account names exactly who may (EKS user guide, "Pod Identity: setting
/// conditions"), on the session tags the associations irsa writes keep enabled.
///
/// The cluster is named by its ARN where its region is known: names are unique per
/// region only, so `eks-cluster-name` would admit a same-named cluster elsewhere. The
/// cluster's account is the pod role's: an association names a role of its own account.
fn pod_identity_trust(spec: &Spec, pod_role: &RoleArn) -> PolicyDocument {
    let cluster = spec
        .cluster_name
        .as_ref()
        .map(|c| match crate::plan::region(spec) {
            Some(region) => (
                "aws:RequestTag/eks-cluster-arn",
                format!(
                    "arn:{}:eks:{region}:{}:cluster/{}",
                    pod_role.partition, pod_role.account, c.value
                ),
            ),
            None => ("aws:RequestTag/eks-cluster-name", c.value.clone()),
        });
    let statements = spec
        .service_accounts
        .iter()
        .map(|s| &s.value)
        .enumerate()
        .map(|(n, subject)| {
            let mut statement = Statement::allow("sts:AssumeRole")
                .with_condition(
                    "StringEquals",
                    "aws:SourceAccount",
                    vec![pod_role.account.to_string()],
                )
                .with_condition(
                    "StringEquals",
                    "aws:RequestTag/kubernetes-namespace",
                    vec![subject.namespace.clone()],
                )
                .with_condition(
                    "StringEquals",
                    "aws:RequestTag/kubernetes-service-account",
                    vec![subject.name.clone()],
                );
            if let Some((key, cluster)) = &cluster {
                statement = statement.with_condition("StringEquals", key, vec![cluster.clone()]);
            }
            statement.action = Some(OneOrMany::Many(vec![
                "sts:AssumeRole".to_owned(),
                "sts:TagSession".to_owned(),
            ]));
            statement.sid = Some(format!("{SID_PREFIX}PodIdentity{}", n + 1));
            statement.principal = Some(Principal::Service(POD_IDENTITY_SERVICE.to_owned()));
            statement
        })
        .collect();
    PolicyDocument::new(statements)
}

/// What assuming a target role takes. Under Pod Identity also `sts:TagSession`: the
/// session tags EKS puts on the pod role's session are transitive, so every AssumeRole
/// from it passes them on, and STS refuses that without TagSession on both sides (EKS user
/// guide, pod-id-abac, "Cross-account tags"; aws/eks-pod-identity-agent#80).
fn assume_target(pod_identity: bool) -> Statement {
    let mut statement = Statement::allow("sts:AssumeRole");
    if pod_identity {
        statement.action = Some(OneOrMany::Many(vec![
            "sts:AssumeRole".to_owned(),
            "sts:TagSession".to_owned(),
        ]));
    }
    statement
}

/// The pod role's permissions: assuming exactly the target roles, then its own statements.
/// `None` when it has neither.
fn pod_permissions(spec: &Spec, targets: &[(Target, RoleArn)]) -> Option<PolicyDocument> {
    let targets: Vec<String> = targets.iter().map(|(_, arn)| arn.to_string()).collect();
    let mut statements = Vec::new();
    if !targets.is_empty() {
        let mut assume = assume_target(spec.pod_identity);
        assume.resource = Some(OneOrMany::from_vec(targets));
        statements.push(assume);
    }
    statements.extend(spec.pod.statements.iter().cloned());
    (!statements.is_empty()).then(|| PolicyDocument::new(statements))
}

/// A target role's trust: the pod role may assume it, with the external ID when one is set.
fn target_trust(
    pod_role: &RoleArn,
    external_id: Option<&str>,
    pod_identity: bool,
) -> PolicyDocument {
    let mut statement = assume_target(pod_identity);
    statement.sid = Some(format!("{SID_PREFIX}PodRole1"));
    statement.principal = Some(Principal::Aws(pod_role.to_string()));
    if let Some(id) = external_id {
        statement = statement.with_condition("StringEquals", "sts:ExternalId", vec![id.to_owned()]);
    }
    PolicyDocument::new(vec![statement])
}

/// A target role's own inline permissions, if the spec gives any.
fn target_permissions(settings: &RoleSettings) -> Option<PolicyDocument> {
    (!settings.statements.is_empty()).then(|| PolicyDocument::new(settings.statements.clone()))
}
