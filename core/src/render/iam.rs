//! IAM policy documents: trust and permissions of the pod role and of each target role.

use crate::arn::RoleArn;
use crate::plan::Plan;
use crate::policy::{OneOrMany, PolicyDocument, Principal, Statement};
use crate::spec::RoleSettings;

/// The audience the EKS pod identity webhook requests, in every partition.
pub const AUDIENCE: &str = "sts.amazonaws.com";

/// The pod role's trust: per cluster, one statement for the listed service accounts
/// (`StringEquals` on `sub` and `aud`) and, only for opted-in patterns, one with
/// `StringLike` on `sub`. They are separate statements because conditions in one
/// statement are AND-ed.
pub fn pod_trust(plan: &Plan) -> PolicyDocument {
    if plan.spec.pod_identity {
        return pod_identity_trust(plan);
    }
    let (patterns, exact): (Vec<_>, Vec<_>) = plan.subjects().partition(|s| s.is_pattern());
    let exact: Vec<String> = exact.iter().map(|s| s.sub()).collect();
    let patterns: Vec<String> = patterns.iter().map(|s| s.sub()).collect();
    let mut statements = Vec::new();
    for issuer in plan.issuers() {
        let principal =
            Principal::Federated(issuer.provider_arn(plan.partition, &plan.pod_role.account));
        let statement = |operator: &str, subs: &[String]| {
            let mut s = Statement::allow("sts:AssumeRoleWithWebIdentity")
                .with_condition(
                    "StringEquals",
                    &format!("{}:aud", issuer.id),
                    vec![AUDIENCE.to_owned()],
                )
                .with_condition(operator, &format!("{}:sub", issuer.id), subs.to_vec());
            s.principal = Some(principal.clone());
            s
        };
        if !exact.is_empty() {
            statements.push(statement("StringEquals", &exact));
        }
        if !patterns.is_empty() {
            statements.push(statement("StringLike", &patterns));
        }
    }
    PolicyDocument::new(statements)
}

/// EKS Pod Identity: the EKS Auth service assumes the role and tags the session with the
/// cluster, namespace and service account. Without conditions any association in the
/// account (any cluster, namespace or service account) could use the role; one statement
/// per service account names exactly who may (EKS user guide, "Pod Identity: setting
/// conditions"), on the session tags the associations irsa writes keep enabled.
fn pod_identity_trust(plan: &Plan) -> PolicyDocument {
    let cluster = plan.spec.cluster_name.as_ref().map(|c| c.value.clone());
    let statements = plan
        .subjects()
        .map(|subject| {
            let mut statement = Statement::allow("sts:AssumeRole")
                .with_condition(
                    "StringEquals",
                    "aws:SourceAccount",
                    vec![plan.pod_role.account.clone()],
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
            if let Some(cluster) = &cluster {
                statement = statement.with_condition(
                    "StringEquals",
                    "aws:RequestTag/eks-cluster-name",
                    vec![cluster.clone()],
                );
            }
            statement.action = Some(OneOrMany::Many(vec![
                "sts:AssumeRole".to_owned(),
                "sts:TagSession".to_owned(),
            ]));
            statement.principal = Some(Principal::Service(POD_IDENTITY_SERVICE.to_owned()));
            statement
        })
        .collect();
    PolicyDocument::new(statements)
}

/// The service principal of EKS Pod Identity.
pub const POD_IDENTITY_SERVICE: &str = "pods.eks.amazonaws.com";

/// The pod role's permissions: `sts:AssumeRole` on exactly the target roles, then its own
/// statements. `None` when it has neither.
pub fn pod_permissions(plan: &Plan) -> Option<PolicyDocument> {
    let targets: Vec<String> = plan
        .targets
        .iter()
        .map(|(_, arn)| arn.to_string())
        .collect();
    let mut statements = Vec::new();
    if !targets.is_empty() {
        let mut assume = Statement::allow("sts:AssumeRole");
        assume.resource = Some(OneOrMany::from_vec(targets));
        statements.push(assume);
    }
    statements.extend(plan.spec.pod.statements.iter().cloned());
    (!statements.is_empty()).then(|| PolicyDocument::new(statements))
}

/// A target role's trust: the pod role may assume it, with the external ID when one is set.
pub fn target_trust(pod_role: &RoleArn, external_id: Option<&str>) -> PolicyDocument {
    let mut statement = Statement::allow("sts:AssumeRole");
    statement.principal = Some(Principal::Aws(pod_role.to_string()));
    if let Some(id) = external_id {
        statement = statement.with_condition("StringEquals", "sts:ExternalId", vec![id.to_owned()]);
    }
    PolicyDocument::new(vec![statement])
}

/// A target role's own inline permissions, if the spec gives any.
pub fn target_permissions(settings: &RoleSettings) -> Option<PolicyDocument> {
    (!settings.statements.is_empty()).then(|| PolicyDocument::new(settings.statements.clone()))
}
