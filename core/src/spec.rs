//! The spec: the user's few lines, read from a [`Node`] tree into checked values.
//!
//! Every value is checked here, where its field path is known; rules that relate several
//! fields (partitions, role resolution, sizes) live in [`crate::plan`].

use crate::arn::{AccountId, Partition, PolicyArn, RoleArn};
use crate::diagnostic::{Code, Diagnostic, Diagnostics, field};
use crate::issuer::Issuer;
use crate::names;
use crate::node::Node;
use crate::policy::{Conditions, Effect, OneOrMany, Scalar, Statement};
use crate::reader::{self, Fields, wrong_type};

/// A value with the field path it was read from, for diagnostics found later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct At<T> {
    pub field: String,
    pub value: T,
}

/// Documented defaults.
pub mod defaults {
    pub const POD_PROFILE: &str = "default";
    pub const MOUNT_PATH: &str = "/etc/irsa";
    pub const TRUST_POLICY_QUOTA: u64 = 2048;
    pub const ROLE_PATH: &str = "/";
    pub const MAX_SESSION_DURATION: u64 = 3600;
    /// The module in this repository, at the version that generated the call.
    pub const TERRAFORM_MODULE_SOURCE: &str = concat!(
        "git::https://github.com/irsa-dev/irsa.git//terraform/irsa?ref=v",
        env!("CARGO_PKG_VERSION")
    );
}

#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    pub account: Option<At<AccountId>>,
    pub clusters: Vec<At<Issuer>>,
    pub service_accounts: Vec<At<Subject>>,
    pub role: At<RoleRef>,
    pub pod: RoleSettings,
    pub targets: Vec<Target>,
    pub partition: Option<At<Partition>>,
    pub pod_profile: String,
    pub config_map_name: Option<String>,
    pub mount_path: String,
    pub role_session_name: Option<String>,
    pub duration_seconds: Option<At<u64>>,
    pub regional_sts: bool,
    pub token_expiration: Option<u64>,
    pub trust_policy_quota: u64,
    pub subject_patterns: bool,
    pub workloads: Vec<At<Workload>>,
    /// Whether the Terraform forms create the clusters' OIDC providers.
    pub create_oidc_provider: bool,
    /// The EKS cluster's name, for the eksctl ClusterConfig.
    pub cluster_name: Option<At<String>>,
    /// The EKS cluster's region, where no EKS issuer tells it (EKS Pod Identity).
    pub region: Option<At<String>>,
    /// EKS Pod Identity instead of IRSA: the EKS service is trusted, associations bind
    /// the service accounts, and the pods' profiles use the container credentials.
    pub pod_identity: bool,
    /// Where the generated module call finds the irsa Terraform module.
    pub terraform_module_source: String,
}

/// A role as the user named it: a bare name (in `account`, under `path`) or a full ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoleRef {
    Name(String),
    Arn(RoleArn),
}

/// A Kubernetes service account, or a pattern of them when `subjectPatterns` allows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    pub namespace: String,
    pub name: String,
}

impl Subject {
    pub fn is_pattern(&self) -> bool {
        is_pattern(&self.namespace) || is_pattern(&self.name)
    }

    /// The `sub` claim of this service account's projected token.
    pub fn sub(&self) -> String {
        format!("system:serviceaccount:{}:{}", self.namespace, self.name)
    }
}

fn is_pattern(s: &str) -> bool {
    s.contains(['*', '?'])
}

/// Settings every role can carry: where it lives and what it may do.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RoleSettings {
    pub path: Option<String>,
    pub managed_policies: Vec<PolicyArn>,
    pub statements: Vec<Statement>,
    pub permissions_boundary: Option<PolicyArn>,
    pub max_session_duration: Option<u64>,
    pub tags: Vec<(String, String)>,
}

/// One entry of `assume`: a profile that chains from the pod role into another role.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub profile: String,
    pub field: String,
    pub role: At<RoleRef>,
    pub external_id: Option<String>,
    pub duration_seconds: Option<u64>,
    pub role_session_name: Option<String>,
    pub settings: RoleSettings,
}

crate::wire::wire_enum! {
    /// A workload's `kind`, as Kubernetes names it.
    pub enum WorkloadKind {
        Deployment => "Deployment",
        StatefulSet => "StatefulSet",
        DaemonSet => "DaemonSet",
        Job => "Job",
        CronJob => "CronJob",
    }
}

impl WorkloadKind {
    /// The names kubectl also accepts for the kind, lower case: its plural and short name.
    pub fn aliases(self) -> &'static [&'static str] {
        match self {
            Self::Deployment => &["deployments", "deploy"],
            Self::StatefulSet => &["statefulsets", "sts"],
            Self::DaemonSet => &["daemonsets", "ds"],
            Self::Job => &["jobs"],
            Self::CronJob => &["cronjobs", "cj"],
        }
    }

    /// Accepts the kind, its plural and kubectl's short name, in any case.
    pub fn parse(s: &str) -> Option<Self> {
        let lower = s.to_ascii_lowercase();
        Self::ALL.iter().copied().find(|kind| {
            kind.as_str().eq_ignore_ascii_case(&lower) || kind.aliases().contains(&lower.as_str())
        })
    }

    pub fn api_version(self) -> &'static str {
        match self {
            Self::Deployment | Self::StatefulSet | Self::DaemonSet => "apps/v1",
            Self::Job | Self::CronJob => "batch/v1",
        }
    }
}

/// A workload to wire to a service account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workload {
    pub kind: WorkloadKind,
    pub name: String,
    /// Defaults to the workload's name.
    pub container: String,
    /// `namespace/name` of one of the spec's service accounts; defaults to the only one.
    pub service_account: Option<Subject>,
    /// The profile this container acts as by default, for every AWS SDK but Java v1: a
    /// profile of `assume` or the pod profile.
    pub profile: Option<At<String>>,
}

/// The keys of a workload entry written as a map.
const WORKLOAD: &[&str] = &["kind", "name", "container", "serviceAccount", "profile"];

const TOP_LEVEL: &[&str] = &[
    "account",
    "cluster",
    "serviceAccount",
    "role",
    "assume",
    "partition",
    "path",
    "permissions",
    "permissionsBoundary",
    "maxSessionDuration",
    "tags",
    "podProfile",
    "configMap",
    "roleSessionName",
    "durationSeconds",
    "regionalSts",
    "tokenExpiration",
    "trustPolicyQuota",
    "subjectPatterns",
    "workload",
    "createOidcProvider",
    "clusterName",
    "region",
    "podIdentity",
    "terraformModuleSource",
];

const TARGET: &[&str] = &[
    "role",
    "externalId",
    "durationSeconds",
    "roleSessionName",
    "path",
    "permissions",
    "permissionsBoundary",
    "maxSessionDuration",
    "tags",
];

/// Reads a spec. `None` when any error was found; every diagnostic is in `diags`.
pub fn read(node: &Node, diags: &mut Diagnostics) -> Option<Spec> {
    if *node == Node::Null {
        diags.push(Diagnostic::error(
            Code::WrongType,
            "",
            "the spec is empty: it needs at least `cluster`, `serviceAccount` and `role`",
        ));
        return None;
    }
    let mut f = Fields::of(node, "", diags)?;
    let account = f.take("account").and_then(|(at, n)| {
        let value = reader::string(n, &at, diags)?;
        check(AccountId::parse(&value), Code::AccountId, &at, diags)
            .map(|value| At { field: at, value })
    });
    let subject_patterns = f
        .take("subjectPatterns")
        .and_then(|(at, n)| reader::boolean(n, &at, diags));
    let subject_patterns = subject_patterns.unwrap_or(false);
    let pod_identity = f
        .take("podIdentity")
        .and_then(|(at, n)| reader::boolean(n, &at, diags))
        .unwrap_or(false);
    // EKS Pod Identity trusts the EKS service, not the cluster's issuer.
    let clusters = if pod_identity {
        f.take("cluster")
    } else {
        f.required(
            "cluster",
            "the cluster's OIDC issuer URL, or a list of them",
            diags,
        )
    }
    .map(|(at, n)| read_clusters(n, &at, diags))
    .unwrap_or_default();
    let service_accounts = f
        .required(
            "serviceAccount",
            "`namespace/name` of the service account, or a list of them",
            diags,
        )
        .map(|(at, n)| read_subjects(n, &at, subject_patterns, diags))
        .unwrap_or_default();
    let role = f
        .required("role", "the pod role's name or ARN", diags)
        .and_then(|(at, n)| read_role_ref(n, &at, diags));
    let targets = f
        .take("assume")
        .map(|(at, n)| read_targets(n, &at, diags))
        .unwrap_or_default();
    let partition = f.take("partition").and_then(|(at, n)| {
        let value = reader::string(n, &at, diags)?;
        check(Partition::parse(&value), Code::Partition, &at, diags)
            .map(|value| At { field: at, value })
    });
    let pod = read_role_settings(&mut f, diags);
    let pod_profile = f
        .take("podProfile")
        .and_then(|(at, n)| {
            let value = reader::string(n, &at, diags)?;
            check(names::profile_name(&value), Code::ProfileName, &at, diags).map(|()| value)
        })
        .unwrap_or_else(|| defaults::POD_PROFILE.to_owned());
    let (config_map_name, mount_path) = f
        .take("configMap")
        .map(|(at, n)| read_config_map(n, &at, diags))
        .unwrap_or_default();
    let role_session_name = f
        .take("roleSessionName")
        .and_then(|(at, n)| read_session_name(n, &at, diags));
    let duration_seconds = f.take("durationSeconds").and_then(|(at, n)| {
        reader::integer(n, &at, (900, 43_200), Code::Duration, diags)
            .map(|value| At { field: at, value })
    });
    let regional_sts = f
        .take("regionalSts")
        .and_then(|(at, n)| reader::boolean(n, &at, diags));
    let token_expiration = f.take("tokenExpiration").and_then(|(at, n)| {
        reader::integer(
            n,
            &at,
            (600, u64::from(u32::MAX)),
            Code::TokenExpiration,
            diags,
        )
    });
    let trust_policy_quota = f
        .take("trustPolicyQuota")
        .and_then(|(at, n)| reader::integer(n, &at, (1, 8192), Code::Quota, diags))
        .unwrap_or(defaults::TRUST_POLICY_QUOTA);
    let cluster_name = f.take("clusterName").and_then(|(at, n)| {
        let value = reader::string(n, &at, diags)?;
        check(names::cluster_name(&value), Code::ClusterName, &at, diags)
            .map(|()| At { field: at, value })
    });
    let region = f.take("region").and_then(|(at, n)| {
        let value = reader::string(n, &at, diags)?;
        check(names::region(&value), Code::Region, &at, diags).map(|()| At { field: at, value })
    });
    let create_oidc_provider = f
        .take("createOidcProvider")
        .and_then(|(at, n)| reader::boolean(n, &at, diags));
    let terraform_module_source = f.take("terraformModuleSource").and_then(|(at, n)| {
        let value = reader::string(n, &at, diags)?;
        let rule = if value.is_empty() || value.contains(['"', '\\', '\n']) || value.contains("${")
        {
            Err(format!("`{value}` is not a Terraform module source"))
        } else {
            Ok(())
        };
        check(rule, Code::ModuleSource, &at, diags).map(|()| value)
    });
    let workloads = f
        .take("workload")
        .map(|(at, n)| read_workloads(n, &at, diags))
        .unwrap_or_default();
    f.finish(TOP_LEVEL, diags);

    if diags.has_errors() {
        return None;
    }
    Some(Spec {
        account,
        clusters,
        service_accounts,
        role: role?,
        pod,
        targets,
        partition,
        pod_profile,
        config_map_name,
        mount_path: mount_path.unwrap_or_else(|| defaults::MOUNT_PATH.to_owned()),
        role_session_name,
        duration_seconds,
        regional_sts: regional_sts.unwrap_or(false),
        token_expiration,
        trust_policy_quota,
        subject_patterns,
        workloads,
        create_oidc_provider: create_oidc_provider.unwrap_or(false),
        cluster_name,
        region,
        pod_identity,
        terraform_module_source: terraform_module_source
            .unwrap_or_else(|| defaults::TERRAFORM_MODULE_SOURCE.to_owned()),
    })
}

/// Turns a rule's verdict into a diagnostic at `field`.
fn check<T>(
    result: Result<T, String>,
    code: Code,
    field: &str,
    diags: &mut Diagnostics,
) -> Option<T> {
    result
        .map_err(|message| diags.push(Diagnostic::error(code, field, message)))
        .ok()
}

/// More than these could never fit one trust policy (IAM's largest is 8,192 characters,
/// about 100 service accounts or 20 clusters); a longer list is refused before it is
/// read, which keeps each list's duplicate check (quadratic) cheap.
const MAX_LISTED: usize = 1000;

/// The list's items, or none and an error when it holds more than [`MAX_LISTED`].
fn bounded(node: &Node, path: &str, what: &str, diags: &mut Diagnostics) -> Vec<(String, String)> {
    if let Node::Seq(items) = node
        && items.len() > MAX_LISTED
    {
        diags.push(Diagnostic::error(
            Code::TrustPolicyTooLarge,
            path,
            format!(
                "{} {what} are listed; one trust policy holds far fewer (IAM's limit is 8,192 characters), and more than {MAX_LISTED} are not read",
                items.len()
            ),
        ));
        return Vec::new();
    }
    reader::string_or_list(node, path, diags)
}

fn read_clusters(node: &Node, path: &str, diags: &mut Diagnostics) -> Vec<At<Issuer>> {
    let mut clusters: Vec<At<Issuer>> = Vec::new();
    for (at, url) in bounded(node, path, "cluster issuers", diags) {
        let Some((issuer, shape)) = check(Issuer::parse(&url), Code::Issuer, &at, diags) else {
            continue;
        };
        if let Some(shape) = shape {
            diags.push(
                Diagnostic::warning(Code::EksIssuerShape, &at, shape.0)
                    .with_help("copy the issuer from `aws eks describe-cluster --query cluster.identity.oidc.issuer`"),
            );
        }
        if let Some(first) = clusters.iter().find(|c| c.value.id == issuer.id) {
            let message = format!("`{url}` is listed twice (first at `{}`)", first.field);
            diags.push(Diagnostic::error(Code::Duplicate, &at, message));
            continue;
        }
        clusters.push(At {
            field: at,
            value: issuer,
        });
    }
    if clusters.is_empty() && !diags.has_errors() {
        diags.push(Diagnostic::error(
            Code::MissingField,
            path,
            "at least one cluster issuer is required",
        ));
    }
    clusters
}

fn read_subjects(
    node: &Node,
    path: &str,
    patterns: bool,
    diags: &mut Diagnostics,
) -> Vec<At<Subject>> {
    let mut subjects: Vec<At<Subject>> = Vec::new();
    for (at, text) in bounded(node, path, "service accounts", diags) {
        let Some(subject) = parse_subject(&text, &at, patterns, diags) else {
            continue;
        };
        if let Some(first) = subjects.iter().find(|s| s.value == subject) {
            let message = format!("`{text}` is listed twice (first at `{}`)", first.field);
            diags.push(Diagnostic::error(Code::Duplicate, &at, message));
            continue;
        }
        // `*`, `?*`: a part every name matches.
        let any = |part: &str| part.contains('*') && part.chars().all(|c| c == '*' || c == '?');
        if any(&subject.namespace) && any(&subject.name) {
            let message = format!(
                "`{text}` matches every service account of the cluster: the same as a trust with no `sub` condition"
            );
            diags.push(
                Diagnostic::error(Code::SubjectPattern, &at, message)
                    .with_help("list the service accounts, or one namespace's (`payments/*`)"),
            );
            continue;
        }
        if any(&subject.namespace) {
            let message = format!(
                "`{text}` matches `{}` in every namespace, also those created later: whoever may create a namespace can assume the role",
                subject.name
            );
            diags.push(
                Diagnostic::warning(Code::SubjectPattern, &at, message)
                    .with_help("name the namespaces"),
            );
        } else if subject.is_pattern() {
            let message = format!(
                "`{text}` is a pattern: every service account it matches can assume the role"
            );
            diags.push(Diagnostic::warning(Code::SubjectPattern, &at, message));
        } else if subject.name == "default" {
            let message = format!(
                "`{text}` is the namespace's default service account: every pod that names no service account gets this role"
            );
            diags.push(
                Diagnostic::warning(Code::DefaultServiceAccount, &at, message)
                    .with_help("create a dedicated service account for the workload"),
            );
        }
        subjects.push(At {
            field: at,
            value: subject,
        });
    }
    if subjects.is_empty() && !diags.has_errors() {
        diags.push(Diagnostic::error(
            Code::MissingField,
            path,
            "at least one service account is required",
        ));
    }
    subjects
}

/// `namespace/name`, each checked by the Kubernetes rule for its kind of name.
pub(crate) fn parse_subject(
    text: &str,
    at: &str,
    patterns: bool,
    diags: &mut Diagnostics,
) -> Option<Subject> {
    if let Some(rest) = text.strip_prefix("system:serviceaccount:") {
        let hint = rest.replacen(':', "/", 1);
        let d = Diagnostic::error(
            Code::ServiceAccount,
            at,
            format!("`{text}` is a token subject, not a service account"),
        )
        .with_help(format!("write `{hint}`"));
        diags.push(d);
        return None;
    }
    let Some((namespace, name)) = text.split_once('/').filter(|(_, name)| !name.contains('/'))
    else {
        let d = Diagnostic::error(
            Code::ServiceAccount,
            at,
            format!("`{text}` must be `namespace/name`"),
        )
        .with_help("for example `payments/api`");
        diags.push(d);
        return None;
    };
    let subject = Subject {
        namespace: namespace.to_owned(),
        name: name.to_owned(),
    };
    if subject.is_pattern() {
        if !patterns {
            let d = Diagnostic::error(Code::PatternNotAllowed, at, format!("`{text}` contains `*` or `?`"))
                .with_help("list the service accounts, or set `subjectPatterns: true` to allow a pattern on purpose");
            diags.push(d);
            return None;
        }
        let strip = |s: &str| s.replace(['*', '?'], "a");
        let ok_ns = check(
            names::dns_label(&strip(namespace)).map_err(|_| {
                format!("namespace pattern `{namespace}` can never match a namespace")
            }),
            Code::Namespace,
            at,
            diags,
        );
        let ok_name = check(
            names::dns_subdomain(&strip(name))
                .map_err(|_| format!("name pattern `{name}` can never match a service account")),
            Code::ServiceAccountName,
            at,
            diags,
        );
        return ok_ns.and(ok_name).map(|()| subject);
    }
    let ok_ns = check(
        names::dns_label(namespace).map_err(|r| format!("namespace {r}")),
        Code::Namespace,
        at,
        diags,
    );
    let ok_name = check(
        names::dns_subdomain(name).map_err(|r| format!("service account name {r}")),
        Code::ServiceAccountName,
        at,
        diags,
    );
    ok_ns.and(ok_name).map(|()| subject)
}

fn read_role_ref(node: &Node, at: &str, diags: &mut Diagnostics) -> Option<At<RoleRef>> {
    let text = reader::string(node, at, diags)?;
    let value = if text.starts_with("arn:") {
        RoleRef::Arn(check(RoleArn::parse(&text), Code::RoleArn, at, diags)?)
    } else {
        check(names::role_name(&text), Code::RoleName, at, diags)?;
        RoleRef::Name(text)
    };
    Some(At {
        field: at.to_owned(),
        value,
    })
}

fn read_targets(node: &Node, path: &str, diags: &mut Diagnostics) -> Vec<Target> {
    let mut targets = Vec::new();
    for (at, profile, value) in reader::entries(node, path, diags) {
        let profile_ok = check(names::profile_name(profile), Code::ProfileName, &at, diags);
        let target = match value {
            Node::Map(_) => read_target_object(value, &at, profile, diags),
            _ => read_role_ref(value, &at, diags).map(|role| Target {
                profile: profile.to_owned(),
                field: at.clone(),
                role,
                external_id: None,
                duration_seconds: None,
                role_session_name: None,
                settings: RoleSettings::default(),
            }),
        };
        if let (Some(()), Some(target)) = (profile_ok, target) {
            targets.push(target);
        }
    }
    targets
}

fn read_target_object(
    node: &Node,
    at: &str,
    profile: &str,
    diags: &mut Diagnostics,
) -> Option<Target> {
    let mut f = Fields::of(node, at, diags)?;
    let role = f
        .required("role", "the role's name or ARN", diags)
        .and_then(|(at, n)| read_role_ref(n, &at, diags));
    let external_id = f.take("externalId").and_then(|(at, n)| {
        let value = reader::string(n, &at, diags)?;
        check(names::external_id(&value), Code::ExternalId, &at, diags).map(|()| value)
    });
    let duration_seconds = f
        .take("durationSeconds")
        .and_then(|(at, n)| read_chained_duration(n, &at, diags));
    let role_session_name = f
        .take("roleSessionName")
        .and_then(|(at, n)| read_session_name(n, &at, diags));
    let settings = read_role_settings(&mut f, diags);
    f.finish(TARGET, diags);
    Some(Target {
        profile: profile.to_owned(),
        field: at.to_owned(),
        role: role?,
        external_id,
        duration_seconds,
        role_session_name,
        settings,
    })
}

/// A chained assumption (pod role credentials -> target role) lasts at most an hour.
fn read_chained_duration(node: &Node, at: &str, diags: &mut Diagnostics) -> Option<u64> {
    match node {
        Node::Int(i) if *i > 3600 && *i <= 43_200 => {
            let d = Diagnostic::error(Code::ChainedDuration, at, format!("`{i}` seconds is over the 1 hour limit of role chaining"))
                .with_help("STS refuses a DurationSeconds above 3600 for a role assumed with another role's credentials");
            diags.push(d);
            None
        }
        _ => reader::integer(node, at, (900, 3600), Code::Duration, diags),
    }
}

fn read_session_name(node: &Node, at: &str, diags: &mut Diagnostics) -> Option<String> {
    let value = reader::string(node, at, diags)?;
    check(names::session_name(&value), Code::SessionName, at, diags).map(|()| value)
}

/// The keys every role shares: `path`, `permissions`, `permissionsBoundary`,
/// `maxSessionDuration`, `tags`.
fn read_role_settings(f: &mut Fields<'_>, diags: &mut Diagnostics) -> RoleSettings {
    let path = f.take("path").and_then(|(at, n)| {
        let value = reader::string(n, &at, diags)?;
        check(names::role_path(&value), Code::RolePath, &at, diags).map(|()| value)
    });
    let (managed_policies, statements) = f
        .take("permissions")
        .map(|(at, n)| read_permissions(n, &at, diags))
        .unwrap_or_default();
    let permissions_boundary = f
        .take("permissionsBoundary")
        .and_then(|(at, n)| read_policy_arn(n, &at, diags));
    let max_session_duration = f
        .take("maxSessionDuration")
        .and_then(|(at, n)| reader::integer(n, &at, (3600, 43_200), Code::Duration, diags));
    let tags = f
        .take("tags")
        .map(|(at, n)| read_tags(n, &at, diags))
        .unwrap_or_default();
    RoleSettings {
        path,
        managed_policies,
        statements,
        permissions_boundary,
        max_session_duration,
        tags,
    }
}

fn read_policy_arn(node: &Node, at: &str, diags: &mut Diagnostics) -> Option<PolicyArn> {
    let value = reader::string(node, at, diags)?;
    PolicyArn::parse(&value)
        .map_err(|rule| {
            let d = Diagnostic::error(Code::PolicyArn, at, rule);
            diags.push(d.with_help(
                "managed policies are named by ARN, like `arn:aws:iam::aws:policy/ReadOnlyAccess`",
            ));
        })
        .ok()
}

/// `permissions: { managedPolicies: [ARN…], statements: [IAM statement…] }`.
fn read_permissions(
    node: &Node,
    path: &str,
    diags: &mut Diagnostics,
) -> (Vec<PolicyArn>, Vec<Statement>) {
    let Some(mut f) = Fields::of(node, path, diags) else {
        return Default::default();
    };
    let managed: Vec<PolicyArn> = f
        .take("managedPolicies")
        .map(|(at, n)| {
            reader::items(n, &at)
                .into_iter()
                .filter_map(|(at, n)| read_policy_arn(n, &at, diags))
                .collect()
        })
        .unwrap_or_default();
    // IAM's `Managed policies per role`: 10 unless the account raised it, 25 at most.
    if managed.len() > 25 {
        let message = format!(
            "{} managed policies; IAM attaches at most 25 to a role, with the quota raised",
            managed.len()
        );
        diags.push(
            Diagnostic::error(
                Code::TooManyManagedPolicies,
                field(path, "managedPolicies"),
                message,
            )
            .with_help("merge some into one customer managed policy"),
        );
    } else if managed.len() > 10 {
        let message = format!(
            "{} managed policies; IAM attaches 10 to a role unless the account's quota `Managed policies per role` was raised (to 25 at most)",
            managed.len()
        );
        diags.push(
            Diagnostic::warning(
                Code::TooManyManagedPolicies,
                field(path, "managedPolicies"),
                message,
            )
            .with_help("raise the quota, or merge some into one customer managed policy"),
        );
    }
    let statements = f
        .take("statements")
        .map(|(at, n)| {
            reader::items(n, &at)
                .into_iter()
                .filter_map(|(at, n)| read_statement(n, &at, diags))
                .collect()
        })
        .unwrap_or_default();
    f.finish(&["managedPolicies", "statements"], diags);
    (managed, statements)
}

/// An identity-policy statement in IAM's own grammar (`Effect`, `Action`, `Resource`, …).
fn read_statement(node: &Node, path: &str, diags: &mut Diagnostics) -> Option<Statement> {
    const KEYS: &[&str] = &[
        "Sid",
        "Effect",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Condition",
    ];
    let mut f = Fields::of(node, path, diags)?;
    if let Some((at, _)) = f.take("Principal").or_else(|| f.take("NotPrincipal")) {
        let d = Diagnostic::error(
            Code::Statement,
            at,
            "a permissions statement takes no `Principal`",
        )
        .with_help("who may assume the role is the trust policy's job, which irsa writes");
        diags.push(d);
    }
    let sid = f.take("Sid").and_then(|(at, n)| {
        let sid = reader::string(n, &at, diags)?;
        let ok = sid.chars().all(|c| c.is_ascii_alphanumeric());
        let rule = if ok {
            Ok(())
        } else {
            Err(format!("`{sid}`: a Sid is letters and digits only"))
        };
        check(rule, Code::Statement, &at, diags).map(|()| sid)
    });
    let effect = match f.take("Effect") {
        None => Some(Effect::Allow),
        Some((at, n)) => match reader::string(n, &at, diags).as_deref() {
            Some("Allow") => Some(Effect::Allow),
            Some("Deny") => Some(Effect::Deny),
            Some(other) => {
                diags.push(Diagnostic::error(
                    Code::Statement,
                    at,
                    format!("`{other}` is not an effect: use `Allow` or `Deny`"),
                ));
                None
            }
            None => None,
        },
    };
    let mut text_list = |key: &str| f.take(key).map(|(at, n)| policy_strings(n, &at, diags));
    let action = text_list("Action");
    let not_action = text_list("NotAction");
    let resource = text_list("Resource");
    let not_resource = text_list("NotResource");
    let condition = f
        .take("Condition")
        .and_then(|(at, n)| read_condition(n, &at, diags))
        .unwrap_or_default();
    f.finish(KEYS, diags);
    let mut exactly_one =
        |a: &Option<OneOrMany<String>>, b: &Option<OneOrMany<String>>, key: &str| {
            if a.is_some() == b.is_some() {
                let message = format!("a statement needs exactly one of `{key}` and `Not{key}`");
                diags.push(Diagnostic::error(Code::Statement, path, message));
            }
        };
    exactly_one(&action, &not_action, "Action");
    exactly_one(&resource, &not_resource, "Resource");
    Some(Statement {
        sid,
        effect: effect?,
        principal: None,
        action,
        not_action,
        resource,
        not_resource,
        condition,
    })
}

/// A string or non-empty list of strings in IAM's character set.
fn policy_strings(node: &Node, at: &str, diags: &mut Diagnostics) -> OneOrMany<String> {
    let values: Vec<String> = reader::string_or_list(node, at, diags)
        .into_iter()
        .filter_map(|(at, s)| {
            check(names::policy_text(&s), Code::PolicyText, &at, diags).map(|()| s)
        })
        .collect();
    if values.is_empty() {
        diags.push(Diagnostic::error(
            Code::Statement,
            at,
            "must name at least one value",
        ));
    }
    match node {
        Node::Seq(_) => OneOrMany::Many(values),
        _ => OneOrMany::from_vec(values),
    }
}

/// `Condition: { Operator: { key: value | [values] } }`, values kept as written.
fn read_condition(node: &Node, at: &str, diags: &mut Diagnostics) -> Option<Conditions> {
    let mut conditions = Conditions::new();
    for (op_at, operator, keys) in reader::entries(node, at, diags) {
        if check(
            names::condition_operator(operator),
            Code::Statement,
            &op_at,
            diags,
        )
        .is_none()
        {
            continue;
        }
        for (key_at, key, values) in reader::entries(keys, &op_at, diags) {
            if check(names::condition_key(key), Code::Statement, &key_at, diags).is_none() {
                continue;
            }
            let scalar = |n: &Node| match n {
                Node::Str(s) => names::policy_text(s).ok().map(|()| Scalar::Str(s.clone())),
                Node::Bool(b) => Some(Scalar::Bool(*b)),
                Node::Int(i) => Some(Scalar::Int(*i)),
                _ => None,
            };
            let parsed = match values {
                Node::Seq(items) => items
                    .iter()
                    .map(scalar)
                    .collect::<Option<Vec<_>>>()
                    .map(OneOrMany::Many),
                one => scalar(one).map(OneOrMany::One),
            };
            match parsed {
                Some(v) => {
                    conditions.set(operator, key, v);
                }
                None => diags.push(wrong_type(
                    &key_at,
                    "a condition value or list of them",
                    values,
                )),
            }
        }
    }
    Some(conditions)
}

fn read_tags(node: &Node, path: &str, diags: &mut Diagnostics) -> Vec<(String, String)> {
    let entries = reader::entries(node, path, diags);
    if entries.len() > 50 {
        diags.push(Diagnostic::error(
            Code::TooManyTags,
            path,
            format!("{} tags; IAM allows at most 50 per role", entries.len()),
        ));
    }
    entries
        .into_iter()
        .filter_map(|(at, key, value)| {
            let value = reader::string(value, &at, diags)?;
            check(names::tag(key, &value), Code::Tag, &at, diags).map(|()| (key.to_owned(), value))
        })
        .collect()
}

fn read_config_map(
    node: &Node,
    path: &str,
    diags: &mut Diagnostics,
) -> (Option<String>, Option<String>) {
    let Some(mut f) = Fields::of(node, path, diags) else {
        return (None, None);
    };
    let name = f.take("name").and_then(|(at, n)| {
        let value = reader::string(n, &at, diags)?;
        check(
            names::dns_subdomain(&value).map_err(|r| format!("the ConfigMap name {r}")),
            Code::ConfigMapName,
            &at,
            diags,
        )
        .map(|()| value)
    });
    let mount_path = f.take("mountPath").and_then(|(at, n)| {
        let value = reader::string(n, &at, diags)?;
        check(mount_path(&value), Code::MountPath, &at, diags).map(|()| value)
    });
    f.finish(&["name", "mountPath"], diags);
    (name, mount_path)
}

/// An absolute directory path with no `:` (Kubernetes rejects it in mount paths), no
/// `..`, and hiding nothing the pod needs: not the webhook's token directory, a system
/// directory or the CA certificates'.
fn mount_path(s: &str) -> Result<(), String> {
    if !s.starts_with('/') || s.len() < 2 || s.ends_with('/') {
        return Err(format!(
            "`{s}` must be an absolute directory path like `/etc/irsa`, without a trailing `/`"
        ));
    }
    if s.contains(':') || s.split('/').any(|seg| seg == ".." || seg == ".") || s.contains("//") {
        return Err(format!(
            "`{s}` must not contain `:`, `.` or `..` segments, or `//`"
        ));
    }
    if s.contains("$(") {
        // Kubernetes expands `$(VAR)` in env values: AWS_CONFIG_FILE would then name
        // another path than the mount.
        return Err(format!(
            "`{s}` must not contain `$(`: Kubernetes expands `$(VAR)` in the AWS_CONFIG_FILE value"
        ));
    }
    if s.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(format!(
            "`{s}` must not contain spaces or control characters"
        ));
    }
    // A mount hides what the image has at its path: the system's own directories, the
    // CA certificates TLS to AWS needs, the pod's Kubernetes token.
    const SYSTEM: [&str; 19] = [
        "/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib32", "/lib64", "/opt", "/proc",
        "/root", "/run", "/sbin", "/sys", "/tmp", "/usr", "/var", "/var/lib", "/var/run",
    ];
    const UNDER: [&str; 8] = [
        "/dev",
        "/proc",
        "/sys",
        "/etc/ssl",
        "/etc/pki",
        "/etc/ca-certificates",
        "/var/run/secrets",
        "/run/secrets",
    ];
    // `a` is `b` or a directory under it.
    let within = |a: &str, b: &str| {
        a.strip_prefix(b)
            .is_some_and(|r| r.is_empty() || r.starts_with('/'))
    };
    let token = "/var/run/secrets/eks.amazonaws.com";
    if within(s, token) || within(token, s) {
        return Err(format!(
            "`{s}` would hide or collide with the web identity token the webhook mounts"
        ));
    }
    if SYSTEM.contains(&s) || UNDER.iter().any(|p| within(s, p) || within(p, s)) {
        return Err(format!(
            "`{s}` would hide what the image has there (system files, CA certificates or the pod's service account token): mount the config in a directory of its own, like `/etc/irsa`"
        ));
    }
    Ok(())
}

fn read_workloads(node: &Node, path: &str, diags: &mut Diagnostics) -> Vec<At<Workload>> {
    let mut workloads: Vec<At<Workload>> = Vec::new();
    for (at, item) in reader::items(node, path) {
        let Some(workload) = read_workload(item, &at, diags) else {
            continue;
        };
        // One workload may be listed once per container, each with its own profile.
        let same = |w: &At<Workload>| {
            w.value.kind == workload.kind
                && w.value.name == workload.name
                && w.value.service_account == workload.service_account
                && w.value.container == workload.container
        };
        if let Some(first) = workloads.iter().find(|w| same(w)) {
            let message = format!(
                "container `{}` of workload `{}/{}` is listed twice (first at `{}`)",
                workload.container,
                workload.kind.as_str(),
                workload.name,
                first.field
            );
            diags.push(Diagnostic::error(Code::Duplicate, &at, message));
            continue;
        }
        workloads.push(At {
            field: at,
            value: workload,
        });
    }
    workloads
}

/// `kind/name` or `{kind, name, container, serviceAccount, profile}`.
fn read_workload(node: &Node, at: &str, diags: &mut Diagnostics) -> Option<Workload> {
    let (kind_name, container, service_account, profile) = match node {
        Node::Map(_) => {
            let mut f = Fields::of(node, at, diags)?;
            let kind = f.required(
                "kind",
                "Deployment, StatefulSet, DaemonSet, Job or CronJob",
                diags,
            );
            let name = f.required("name", "the workload's name", diags);
            let container = f.take("container").and_then(|(at, n)| {
                let value = reader::string(n, &at, diags)?;
                check(
                    names::dns_label(&value).map_err(|r| format!("container name {r}")),
                    Code::Workload,
                    &at,
                    diags,
                )
                .map(|()| value)
            });
            let service_account = f.take("serviceAccount").and_then(|(at, n)| {
                let text = reader::string(n, &at, diags)?;
                parse_subject(&text, &at, false, diags)
            });
            // Whether the profile exists is a cross-field rule, checked by the plan.
            let profile = f.take("profile").and_then(|(at, n)| {
                let value = reader::string(n, &at, diags)?;
                check(names::profile_name(&value), Code::ProfileName, &at, diags)
                    .map(|()| At { field: at, value })
            });
            f.finish(WORKLOAD, diags);
            let kind = kind.and_then(|(at, n)| reader::string(n, &at, diags).map(|k| (at, k)));
            let name = name.and_then(|(at, n)| reader::string(n, &at, diags).map(|v| (at, v)));
            (kind.zip(name), container, service_account, profile)
        }
        other => {
            let text = reader::string(other, at, diags)?;
            match text.split_once('/') {
                Some((kind, name)) => (
                    Some((
                        (at.to_owned(), kind.to_owned()),
                        (at.to_owned(), name.to_owned()),
                    )),
                    None,
                    None,
                    None,
                ),
                None => {
                    let d = Diagnostic::error(
                        Code::Workload,
                        at,
                        format!("`{text}` must be `kind/name`"),
                    )
                    .with_help("for example `deployment/api`");
                    diags.push(d);
                    (None, None, None, None)
                }
            }
        }
    };
    let ((kind_at, kind), (name_at, name)) = kind_name?;
    let Some(kind) = WorkloadKind::parse(&kind) else {
        let message = if kind.is_empty() {
            "the workload's kind is empty".to_owned()
        } else {
            format!("`{kind}` is not a workload kind irsa can wire")
        };
        let d = Diagnostic::error(Code::Workload, kind_at, message)
            .with_help("use Deployment, StatefulSet, DaemonSet, Job or CronJob");
        diags.push(d);
        return None;
    };
    check(
        names::dns_subdomain(&name).map_err(|r| format!("workload name {r}")),
        Code::Workload,
        &name_at,
        diags,
    )?;
    let container = match container {
        Some(c) => c,
        None => {
            // The container defaults to the workload's name, which must then be a valid container name.
            check(
                names::dns_label(&name)
                    .map_err(|_| format!("`{name}` cannot name a container; set `container`")),
                Code::Workload,
                &name_at,
                diags,
            )?;
            name.clone()
        }
    };
    Some(Workload {
        kind,
        name,
        container,
        service_account,
        profile,
    })
}
