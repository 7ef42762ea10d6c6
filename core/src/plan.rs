//! Cross-field rules: resolve every role to an ARN in one partition, and check what only
//! the whole spec can tell (duplicates, durations, which service account a workload uses).

use crate::arn::{Partition, RoleArn};
use crate::diagnostic::{Code, Diagnostic, Diagnostics, field};
use crate::iam::Iam;
use crate::issuer::Issuer;
use crate::names;
use crate::policy::{OneOrMany, PolicyDocument};
use crate::spec::{
    At, RoleRef, RoleSettings, Spec, Subject, Target, Workload, WorkloadKind, defaults,
};

/// A spec whose roles are resolved and whose rules all hold: ready to render.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub spec: Spec,
    pub partition: Partition,
    pub pod_role: RoleArn,
    /// One per entry of `assume`, in the spec's order.
    pub targets: Vec<(Target, RoleArn)>,
    /// The workloads to wire, one per pod template, in the spec's order.
    pub workloads: Vec<WiredWorkload>,
    /// The IAM side, built once for every renderer and for `bind --iam`.
    pub iam: Iam,
}

/// One workload's pod template: the service account it runs as and the containers to wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WiredWorkload {
    pub kind: WorkloadKind,
    pub name: String,
    pub subject: Subject,
    pub containers: Vec<WiredContainer>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WiredContainer {
    pub name: String,
    /// The profile it acts as by default; `None` keeps the webhook's wiring.
    pub profile: Option<String>,
}

impl WiredWorkload {
    /// Containers that act as a profile of their own.
    pub fn own_profiles(&self) -> impl Iterator<Item = &WiredContainer> {
        self.containers.iter().filter(|c| c.profile.is_some())
    }

    /// The containers the webhook must leave alone (`eks.amazonaws.com/skip-containers`):
    /// under IRSA, those with a profile of their own; under Pod Identity none, since every
    /// SDK takes a profile before the agent's credentials.
    pub fn skipped(&self, pod_identity: bool) -> Vec<&str> {
        if pod_identity {
            return Vec::new();
        }
        self.own_profiles().map(|c| c.name.as_str()).collect()
    }
}

impl Plan {
    /// The clusters' issuers, in the spec's order.
    pub fn issuers(&self) -> impl Iterator<Item = &Issuer> {
        self.spec.clusters.iter().map(|c| &c.value)
    }

    pub fn subjects(&self) -> impl Iterator<Item = &Subject> {
        self.spec.service_accounts.iter().map(|s| &s.value)
    }

    /// Name of the ConfigMap holding the AWS config file for `subject`.
    pub fn config_map_name(&self, subject: &Subject) -> String {
        self.spec
            .config_map_name
            .clone()
            .unwrap_or_else(|| crate::k8s::default_config_map_name(&subject.name))
    }

    /// Path of the AWS config file inside the pod.
    pub fn config_file_path(&self) -> String {
        format!("{}/config", self.spec.mount_path)
    }

    /// Whether the pods need the AWS config file: the flow chains into target roles, or a
    /// container acts as the pod role's profile by name.
    pub fn has_profiles(&self) -> bool {
        has_profiles(&self.spec, !self.targets.is_empty(), &self.workloads)
    }

    /// The region of the spec's clusters: `region`, else the one every EKS issuer names
    /// when they agree. What eksctl and the associations script target, and what the
    /// webhook would set as `AWS_REGION` in the pods.
    pub fn region(&self) -> Option<&str> {
        region(&self.spec)
    }
}

/// [`Plan::has_profiles`], for what is checked before the plan.
fn has_profiles(spec: &Spec, has_targets: bool, workloads: &[WiredWorkload]) -> bool {
    has_targets || (!spec.pod_identity && own_profiles(workloads))
}

fn own_profiles(workloads: &[WiredWorkload]) -> bool {
    workloads.iter().any(|w| w.own_profiles().next().is_some())
}

/// [`Plan::region`], for what is built before the plan.
pub(crate) fn region(spec: &Spec) -> Option<&str> {
    if let Some(region) = &spec.region {
        return Some(&region.value);
    }
    let mut regions = spec
        .clusters
        .iter()
        .filter_map(|c| c.value.eks.as_ref())
        .map(|e| e.region.as_str());
    let first = regions.next()?;
    regions.all(|r| r == first).then_some(first)
}

pub fn resolve(spec: Spec, diags: &mut Diagnostics) -> Option<Plan> {
    let partition = partition(&spec, diags);
    let pod_role = resolve_role(&spec, &spec.role, &spec.pod, partition, diags);
    check_settings(&spec.pod, "", partition, diags);
    let mut targets = Vec::new();
    for target in &spec.targets {
        check_settings(&target.settings, &target.field, partition, diags);
        if target.profile == spec.pod_profile {
            let message = format!(
                "profile `{}` is already the pod role's profile (`podProfile`)",
                target.profile
            );
            diags.push(Diagnostic::error(Code::ProfileName, &target.field, message));
        }
        let Some(arn) = resolve_role(&spec, &target.role, &target.settings, partition, diags)
        else {
            continue;
        };
        if let Some(pod) = pod_role.as_ref().filter(|pod| pod.same_role(&arn)) {
            let d = Diagnostic::error(
                Code::SelfAssume,
                &target.role.field,
                format!("`{arn}` is the pod role itself (`role`: `{pod}`): one account has one role of a name, whatever its path or case"),
            )
            .with_help("the pod already acts as this role; drop the profile");
            diags.push(d);
            continue;
        }
        if let Some((first, _)) = targets
            .iter()
            .find(|(_, a): &&(Target, RoleArn)| a.same_role(&arn))
        {
            let message = format!(
                "`{arn}` is the role profile `{}` already assumes (`{}`): one account has one role of a name, whatever its path or case",
                first.profile, first.field
            );
            diags.push(Diagnostic::error(
                Code::Duplicate,
                &target.role.field,
                message,
            ));
            continue;
        }
        let cross_account = pod_role
            .as_ref()
            .is_some_and(|pod| pod.account != arn.account);
        if cross_account && target.external_id.is_none() {
            let message = format!(
                "`{arn}` is in another account and its trust policy has no external ID condition"
            );
            let help = format!(
                "set `{}` to the value agreed with that account's owner",
                field(&target.field, "externalId")
            );
            diags.push(
                Diagnostic::warning(Code::CrossAccountWithoutExternalId, &target.field, message)
                    .with_help(help),
            );
        }
        targets.push((target.clone(), arn));
    }
    check_pod_duration(&spec, diags);
    let workloads = wired_workloads(&spec, diags);
    check_profile_settings(&spec, !targets.is_empty(), &workloads, diags);
    check_config_map_names(&spec, diags);
    check_cluster_name(&spec, diags);
    check_region(&spec, diags);
    check_pod_identity(&spec, diags);
    if diags.has_errors() {
        return None;
    }
    let pod_role = pod_role?;
    let iam = Iam::build(&spec, partition, &pod_role, &targets);
    check_quotas(&spec, &iam, diags);
    if diags.has_errors() {
        return None;
    }
    Some(Plan {
        partition,
        pod_role,
        targets,
        workloads,
        spec,
        iam,
    })
}

/// What only the AWS config file and the containers acting as profiles carry, where the
/// spec writes neither: settings that would silently do nothing, and the region the
/// webhook no longer sets.
fn check_profile_settings(
    spec: &Spec,
    has_targets: bool,
    workloads: &[WiredWorkload],
    diags: &mut Diagnostics,
) {
    let writes_config = has_profiles(spec, has_targets, workloads);
    let unused = |key: &str, at: &str, message: String, diags: &mut Diagnostics| {
        diags.push(
            Diagnostic::warning(Code::UnusedSetting, at, message)
                .with_help(format!("drop `{key}`: it has nowhere to go")),
        );
    };
    // The pod role's profile is written under IRSA, where there are profiles at all.
    if let Some(d) = spec.duration_seconds.as_ref() {
        if spec.pod_identity {
            let message = "`durationSeconds` sets the pod role's profile, which EKS Pod Identity has none of (the agent makes the pod role's sessions): it changes nothing".to_owned();
            unused("durationSeconds", &d.field, message, diags);
        } else if !writes_config {
            let message = "`durationSeconds` goes into the pod role's profile of the AWS config file, which a spec without `assume` does not write: it changes nothing".to_owned();
            unused("durationSeconds", &d.field, message, diags);
        }
    }
    // Every profile takes it, the targets' too.
    if spec.role_session_name.is_some() && !writes_config {
        let message = "`roleSessionName` goes into the profiles of the AWS config file, which a spec without `assume` does not write: it changes nothing".to_owned();
        unused("roleSessionName", "roleSessionName", message, diags);
    }
    // The webhook leaves a container acting as a profile alone, AWS_REGION included.
    if !spec.pod_identity && own_profiles(workloads) && region(spec).is_none() {
        let message = "containers acting as a profile get no AWS_REGION from the webhook, and the clusters name no single region for irsa to set: Go v2, Java v2, JavaScript v3 and Rust find none and fail";
        diags.push(
            Diagnostic::warning(Code::Region, "region", message)
                .with_help("set `region` to the clusters' region, or AWS_REGION in the containers"),
        );
    }
}

/// IAM's limit on the inline policies of one role, counted without whitespace.
const INLINE_POLICY_QUOTA: usize = 10_240;
/// Share of the trust-policy quota above which a warning says room is running out.
const NEAR_QUOTA_PERCENT: usize = 90;

/// The documents against IAM's quotas, counted as IAM counts them: the pod role's trust
/// against `ACLSizePerRole` (`trustPolicyQuota`), every inline policy against 10,240.
fn check_quotas(spec: &Spec, iam: &Iam, diags: &mut Diagnostics) {
    let size = iam.pod.trust.quota_size();
    let quota = usize::try_from(spec.trust_policy_quota).unwrap_or(usize::MAX);
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
    let fields = std::iter::once("").chain(spec.targets.iter().map(|t| t.field.as_str()));
    for (role, at) in iam.roles().zip(fields) {
        if let Some(doc) = &role.permissions {
            check_inline_size(doc, &field(at, "permissions"), diags);
        }
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

/// The partition of every ARN: from the EKS issuers (which must agree), else `region`'s,
/// else `partition`, else `aws`; `partition` must agree with the first two.
fn partition(spec: &Spec, diags: &mut Diagnostics) -> Partition {
    let mut derived: Option<(Partition, &str)> = None;
    for cluster in &spec.clusters {
        let Some(eks) = &cluster.value.eks else {
            continue;
        };
        match derived {
            None => derived = Some((eks.partition, &cluster.field)),
            Some((p, first)) if p != eks.partition => {
                let message = format!(
                    "this cluster is in partition `{}` but `{first}` is in `{p}`; one role cannot span partitions",
                    eks.partition
                );
                diags.push(Diagnostic::error(
                    Code::PartitionMismatch,
                    &cluster.field,
                    message,
                ));
            }
            Some(_) => {}
        }
    }
    // Without an EKS issuer the region tells it (cn-north-1 is aws-cn's); with one,
    // check_region holds `region` to the issuer's.
    let derived = derived.or_else(|| {
        let region = spec.region.as_ref()?;
        Some((
            Partition::of_region_name(&region.value),
            region.field.as_str(),
        ))
    });
    match (&spec.partition, derived) {
        (Some(given), Some((p, first))) if given.value != p => {
            let message = format!(
                "`{}` contradicts the partition `{p}` of `{first}`",
                given.value
            );
            diags.push(Diagnostic::error(
                Code::PartitionMismatch,
                &given.field,
                message,
            ));
            p
        }
        (Some(given), _) => given.value,
        (None, Some((p, _))) => p,
        (None, None) => Partition::Aws,
    }
}

/// What put the roles in `partition`, as [`partition`] decides (EKS issuers, else
/// `region`, else `partition`), and whether anything did rather than the default.
fn partition_source(spec: &Spec, partition: Partition) -> (String, bool) {
    if spec.clusters.iter().any(|c| c.value.eks.is_some()) {
        (
            format!("the clusters' EKS issuers are in `{partition}`"),
            true,
        )
    } else if spec.region.is_some() {
        (format!("`region` is in `{partition}`"), true)
    } else if spec.partition.is_some() {
        (format!("`partition` is `{partition}`"), true)
    } else {
        (
            format!(
                "nothing in the spec names a partition (no EKS issuer, no `region`), so the roles are in `{partition}`"
            ),
            false,
        )
    }
}

fn resolve_role(
    spec: &Spec,
    role: &At<RoleRef>,
    settings: &RoleSettings,
    partition: Partition,
    diags: &mut Diagnostics,
) -> Option<RoleArn> {
    match &role.value {
        RoleRef::Name(name) => {
            let Some(account) = &spec.account else {
                let d = Diagnostic::error(
                    Code::MissingField,
                    "account",
                    format!(
                        "`account` is required: `{}` names role `{name}` without its account",
                        role.field
                    ),
                )
                .with_help("add `account: \"111122223333\"` or give the role as an ARN");
                diags.push(d);
                return None;
            };
            let path = settings
                .path
                .clone()
                .unwrap_or_else(|| defaults::ROLE_PATH.to_owned());
            Some(RoleArn {
                partition,
                account: account.value.clone(),
                path,
                name: name.clone(),
            })
        }
        RoleRef::Arn(arn) => {
            if arn.partition != partition {
                let (source, decided) = partition_source(spec, partition);
                let message = format!("`{arn}` is in partition `{}` but {source}", arn.partition);
                // Only where nothing decided it would `partition` agree with the ARN.
                let help = if decided {
                    format!("name a role of `{partition}`")
                } else {
                    format!("set `partition: {}`", arn.partition)
                };
                diags.push(
                    Diagnostic::error(Code::PartitionMismatch, &role.field, message)
                        .with_help(help),
                );
                return None;
            }
            if let Some(path) = settings.path.as_ref().filter(|p| **p != arn.path) {
                let message = format!("the ARN's path `{}` contradicts `path: {path}`", arn.path);
                diags.push(Diagnostic::error(Code::RolePath, &role.field, message));
                return None;
            }
            Some(arn.clone())
        }
    }
}

/// Where an Allow statement grants far more than a pod needs: every action or every
/// resource not listed, every action, or passing and assuming any role (a way to every
/// permission in the account). Action patterns match as IAM matches them (`iam:Pass*`).
fn broad(statement: &crate::policy::Statement) -> Option<(&'static str, String)> {
    if statement.effect != crate::policy::Effect::Allow {
        return None;
    }
    if statement.not_action.is_some() {
        return Some((
            "NotAction",
            "Allow with `NotAction` grants every action it does not list".to_owned(),
        ));
    }
    if statement.not_resource.is_some() {
        return Some((
            "NotResource",
            "Allow with `NotResource` grants every resource it does not list".to_owned(),
        ));
    }
    let actions = statement
        .action
        .as_ref()
        .map_or(&[][..], OneOrMany::as_slice);
    if actions.iter().any(|a| a == "*") {
        return Some((
            "Action",
            "`*` grants every action of every service".to_owned(),
        ));
    }
    let any_resource = statement
        .resource
        .as_ref()
        .is_some_and(|r| r.as_slice().iter().any(|r| r == "*"));
    let escalating = ["iam:passrole", "sts:assumerole"];
    let risky = actions.iter().find(|a| {
        let pattern = a.to_ascii_lowercase();
        escalating
            .iter()
            .any(|action| crate::audit::like(&pattern, action))
    });
    match risky {
        Some(action) if any_resource => Some((
            "Resource",
            format!(
                "`{action}` on `*` lets the pod pass or assume any role, and so get any permission"
            ),
        )),
        _ => None,
    }
}

/// Managed policies and the boundary must be in the roles' partition; a statement's
/// resource ARN in another partition can never match (IAM takes it, so a warning).
fn check_settings(
    settings: &RoleSettings,
    at: &str,
    partition: Partition,
    diags: &mut Diagnostics,
) {
    let managed = settings
        .managed_policies
        .iter()
        .map(|a| (a, field(&field(at, "permissions"), "managedPolicies")));
    let boundary = settings
        .permissions_boundary
        .iter()
        .map(|a| (a, field(at, "permissionsBoundary")));
    for (policy, path) in managed.chain(boundary) {
        let p = policy.partition();
        if p != partition {
            let message =
                format!("`{policy}` is in partition `{p}` but the roles are in `{partition}`");
            diags.push(Diagnostic::error(Code::PartitionMismatch, path, message));
        }
    }
    let statements = field(&field(at, "permissions"), "statements");
    for (i, statement) in settings.statements.iter().enumerate() {
        if let Some((key, message)) = broad(statement) {
            let d = Diagnostic::warning(
                Code::BroadPermissions,
                format!("{statements}[{i}].{key}"),
                message,
            )
            .with_help("name the actions and the resources the pod needs");
            diags.push(d);
        }
        let resources = [
            ("Resource", &statement.resource),
            ("NotResource", &statement.not_resource),
        ];
        for (key, list) in resources {
            for resource in list.iter().flat_map(OneOrMany::as_slice) {
                let named = resource
                    .split(':')
                    .nth(1)
                    .and_then(|p| Partition::parse(p).ok());
                if let Some(p) = named.filter(|p| *p != partition) {
                    let message = format!(
                        "`{resource}` is in partition `{p}` but the role is in `{partition}`: it can never match"
                    );
                    let path = format!("{statements}[{i}].{key}");
                    diags.push(
                        Diagnostic::warning(Code::PartitionMismatch, path, message)
                            .with_help(format!("write it as `arn:{partition}:…`")),
                    );
                }
            }
        }
    }
}

/// The pod role's own session may last up to its maximum session duration.
fn check_pod_duration(spec: &Spec, diags: &mut Diagnostics) {
    let max = spec
        .pod
        .max_session_duration
        .unwrap_or(defaults::MAX_SESSION_DURATION);
    if let Some(d) = spec.duration_seconds.as_ref().filter(|d| d.value > max) {
        let d = Diagnostic::error(
            Code::Duration,
            &d.field,
            format!(
                "`{}` seconds is over the pod role's maximum session duration of {max}",
                d.value
            ),
        )
        .with_help("raise `maxSessionDuration` (up to 43200) or lower `durationSeconds`");
        diags.push(d);
    }
}

/// Groups the spec's workload entries by pod template, checking that each names a profile
/// the AWS config file has and that one pod template runs as one service account.
fn wired_workloads(spec: &Spec, diags: &mut Diagnostics) -> Vec<WiredWorkload> {
    let mut known = vec![spec.pod_profile.as_str()];
    known.extend(spec.targets.iter().map(|t| t.profile.as_str()));
    let mut out: Vec<WiredWorkload> = Vec::new();
    for entry in &spec.workloads {
        let Some((workload, subject)) = workload_subject(spec, entry, diags) else {
            continue;
        };
        if let Some(profile) = &workload.profile {
            if !known.contains(&profile.value.as_str()) {
                let names: Vec<String> = known.iter().map(|n| format!("`{n}`")).collect();
                let message = format!(
                    "`{}` is not a profile of this spec; it has {}",
                    profile.value,
                    names.join(", ")
                );
                diags.push(
                    Diagnostic::error(Code::ProfileName, &profile.field, message)
                        .with_help("name a profile of `assume`, or the pod profile (`podProfile`)"),
                );
                continue;
            }
        }
        // The pod profile is what the webhook's wiring gives anyway: no skip, no AWS_PROFILE.
        let container = WiredContainer {
            name: workload.container,
            profile: workload
                .profile
                .map(|p| p.value)
                .filter(|p| *p != spec.pod_profile),
        };
        let same = |w: &&mut WiredWorkload| {
            w.kind == workload.kind
                && w.name == workload.name
                && w.subject.namespace == subject.namespace
        };
        match out.iter_mut().find(same) {
            Some(w) if w.subject != subject => {
                let message = format!(
                    "`{}/{}` already runs as `{}/{}`: a pod has one service account",
                    workload.kind.as_str(),
                    workload.name,
                    w.subject.namespace,
                    w.subject.name
                );
                diags.push(Diagnostic::error(Code::Workload, &entry.field, message));
            }
            Some(w) => w.containers.push(container),
            None => out.push(WiredWorkload {
                kind: workload.kind,
                name: workload.name,
                subject,
                containers: vec![container],
            }),
        }
    }
    out
}

fn workload_subject(
    spec: &Spec,
    workload: &At<Workload>,
    diags: &mut Diagnostics,
) -> Option<(Workload, Subject)> {
    let concrete: Vec<&Subject> = spec
        .service_accounts
        .iter()
        .map(|s| &s.value)
        .filter(|s| !s.is_pattern())
        .collect();
    let subject = match (&workload.value.service_account, concrete.as_slice()) {
        (Some(sa), _) if concrete.contains(&sa) => sa.clone(),
        (Some(sa), _) => {
            let message = format!(
                "`{}/{}` is not one of the spec's service accounts",
                sa.namespace, sa.name
            );
            diags.push(Diagnostic::error(
                Code::Workload,
                field(&workload.field, "serviceAccount"),
                message,
            ));
            return None;
        }
        (None, [only]) => (*only).clone(),
        (None, _) => {
            let d = Diagnostic::error(Code::Workload, &workload.field, "the spec has several service accounts (or only patterns); say which one this workload uses")
                .with_help("write the workload as `{kind: Deployment, name: api, serviceAccount: payments/api}`");
            diags.push(d);
            return None;
        }
    };
    Some((workload.value.clone(), subject))
}

fn check_config_map_names(spec: &Spec, diags: &mut Diagnostics) {
    let profiles =
        !spec.targets.is_empty() || spec.workloads.iter().any(|w| w.value.profile.is_some());
    if spec.config_map_name.is_some() || !profiles {
        return;
    }
    for sa in spec
        .service_accounts
        .iter()
        .filter(|s| !s.value.is_pattern())
    {
        let name = crate::k8s::default_config_map_name(&sa.value.name);
        if let Err(rule) = names::dns_subdomain(&name) {
            let d = Diagnostic::error(
                Code::ConfigMapName,
                &sa.field,
                format!("the default ConfigMap name {rule}"),
            )
            .with_help("set `configMap.name`");
            diags.push(d);
        }
    }
}

/// A cluster name says which cluster eksctl configures: one EKS cluster, whose region the
/// issuer tells.
fn check_cluster_name(spec: &Spec, diags: &mut Diagnostics) {
    let Some(name) = &spec.cluster_name else {
        if spec.pod_identity {
            let message =
                "`clusterName` is required with `podIdentity`: associations are made per cluster";
            diags.push(Diagnostic::error(
                Code::MissingField,
                "clusterName",
                message,
            ));
        }
        return;
    };
    let eks = spec
        .clusters
        .iter()
        .filter(|c| c.value.eks.is_some())
        .count();
    let pod_identity_without_issuer = spec.pod_identity && spec.clusters.is_empty();
    if !pod_identity_without_issuer && (spec.clusters.len() != 1 || eks != 1) {
        let d = Diagnostic::error(
            Code::ClusterName,
            &name.field,
            "`clusterName` needs exactly one cluster, with an EKS issuer",
        )
        .with_help("drop `clusterName`, or generate one spec per cluster");
        diags.push(d);
    }
}

/// `region` must agree with every EKS issuer; eksctl and the Pod Identity associations
/// need a region, which only `region` gives where no EKS issuer does.
fn check_region(spec: &Spec, diags: &mut Diagnostics) {
    let eks: Vec<&At<Issuer>> = spec
        .clusters
        .iter()
        .filter(|c| c.value.eks.is_some())
        .collect();
    match &spec.region {
        Some(region) => {
            for cluster in &eks {
                let theirs = cluster.value.eks.as_ref().map(|e| e.region.as_str());
                if theirs != Some(region.value.as_str()) {
                    let message = format!(
                        "`{}` differs from the region of the issuer at `{}` (`{}`)",
                        region.value,
                        cluster.field,
                        theirs.unwrap_or_default()
                    );
                    diags.push(
                        Diagnostic::error(Code::Region, &region.field, message)
                            .with_help("drop `region`: the EKS issuer tells it"),
                    );
                }
            }
        }
        None if spec.cluster_name.is_some() && eks.is_empty() => {
            let d = Diagnostic::warning(
                Code::Region,
                "region",
                "no EKS issuer tells the cluster's region: no eksctl ClusterConfig is written, the associations script uses the AWS CLI's default region, and a Pod Identity trust names the cluster by name only (any region), not by ARN",
            )
            .with_help("set `region` to the EKS cluster's region");
            diags.push(d);
        }
        None => {}
    }
}

/// EKS Pod Identity associates exact service accounts, one by one.
fn check_pod_identity(spec: &Spec, diags: &mut Diagnostics) {
    if !spec.pod_identity {
        return;
    }
    for sa in spec
        .service_accounts
        .iter()
        .filter(|s| s.value.is_pattern())
    {
        let d = Diagnostic::error(
            Code::PatternNotAllowed,
            &sa.field,
            format!(
                "`{}/{}` is a pattern, but EKS Pod Identity associates exact service accounts",
                sa.value.namespace, sa.value.name
            ),
        )
        .with_help("list the service accounts");
        diags.push(d);
    }
}
