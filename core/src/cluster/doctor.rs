//! `kubectl irsa doctor`: why a pod does or does not get its role, as pass/warn/fail
//! checks that each say how to fix what they find.

use super::objects::{
    array, containers, env_value, name, owner, pod_spec, role_annotation, service_account_of,
    slash, text, token_audience, volume_audience,
};
use super::{Inventory, pods};
use crate::audit::{ParseError, Report, Risk, Rule};
use crate::credentials::{self, Answer, Identity, Sdk};
use crate::eks::{AUDIENCE_ANNOTATION, ROLE_ARN_ANNOTATION, TOKEN_AUDIENCE, TOKEN_VOLUME};
use crate::eks::{
    CONTAINER_URI_ENV, ROLE_ARN_ENV, SKIP_CONTAINERS_ANNOTATION, SKIP_POD_LABEL, TOKEN_FILE_ENV,
};
use crate::finding::Finding;
use crate::k8s::CONFIG_KEY;
use crate::profiles;
use crate::spec::WorkloadKind;
use crate::webhook::{self, Injection, skipped};
use serde::Serialize;
use serde_json::Value;

/// The webhook's MutatingWebhookConfiguration, as EKS and the upstream manifests name it.
pub const WEBHOOK: &str = "pod-identity-webhook";
/// Env that makes the webhook skip a container.
const PRESET: [&str; 2] = [ROLE_ARN_ENV, TOKEN_FILE_ENV];

crate::wire::wire_enum! {
    /// A check's result (its `severity` in JSON).
    pub enum Level {
        Pass => "pass",
        Skip => "skip",
        Warn => "warning",
        Fail => "fail",
    }
}

crate::wire::wire_enum! {
    /// What a check examines (`code` in JSON). Renaming one is a breaking change.
    pub enum CheckCode {
        ServiceAccount => "service-account",
        RoleAnnotation => "role-annotation",
        Webhook => "webhook",
        SkipLabel => "skip-label",
        PresetEnv => "preset-env",
        AwsConfig => "aws-config",
        Profile => "profile",
        Sdk => "sdk",
        FsGroup => "fs-group",
        Pods => "pods",
        TrustPolicy => "trust-policy",
        Audience => "audience",
    }
}

/// One check: a finding whose severity is its result and whose path is what it examined
/// (`serviceaccount/api`, `deployment/api container app`, `trust.json Statement[0]`).
#[derive(Debug, Serialize)]
pub struct Check {
    #[serde(flatten)]
    pub finding: Finding<CheckCode, Level>,
    /// For a finding of the trust policy's audit: the rule it breaks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<Rule>,
    /// For a container: the identity each AWS SDK family gets in it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sdks: Vec<Answer>,
}

impl Check {
    fn new(
        level: Level,
        code: CheckCode,
        path: &str,
        message: String,
        help: Option<String>,
    ) -> Self {
        Check {
            finding: Finding {
                help,
                ..Finding::new(level, code, path, message)
            },
            rule: None,
            sdks: Vec::new(),
        }
    }
}

/// What to examine: a service account, or a workload (and through it its service account).
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    pub namespace: &'a str,
    pub name: &'a str,
    pub workload: Option<WorkloadKind>,
}

/// Whether the webhook's configuration could be read.
#[derive(Debug)]
pub enum Webhook {
    Configured,
    Missing,
    /// Not visible, with the reason (RBAC, an error).
    Unknown(String),
}

/// A trust policy to check against the service account, as the plugin could read it.
#[derive(Debug)]
pub enum Trust {
    /// `file` names where the policy came from: a path, or `iam:ROLE_ARN`.
    Analysed {
        report: Report,
        issuer: String,
        file: String,
    },
    Unreadable {
        file: String,
        error: ParseError,
    },
    /// The issuer could not be found; the reason.
    NoIssuer(String),
    /// IAM has no role by the annotated ARN.
    NoRole(String),
}

#[derive(Debug, Default)]
struct Checks(Vec<Check>);

impl Checks {
    fn add(
        &mut self,
        level: Level,
        code: CheckCode,
        path: &str,
        message: String,
        help: Option<String>,
    ) {
        self.0.push(Check::new(level, code, path, message, help));
    }

    fn pass(&mut self, code: CheckCode, path: &str, message: String) {
        self.add(Level::Pass, code, path, message, None);
    }
}

/// The workload doctor was asked about is not in the cluster: no check can run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotFound {
    pub kind: WorkloadKind,
    pub name: String,
    pub namespace: String,
}

impl std::fmt::Display for NotFound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let object = slash(self.kind.as_str(), &self.name);
        write!(f, "{object} not found in namespace \"{}\"", self.namespace)
    }
}

/// Every check of a target, or that the workload named is missing.
pub fn diagnose(
    inventory: &Inventory,
    target: Target<'_>,
    webhook: &Webhook,
    trust: Option<Trust>,
) -> Result<Vec<Check>, NotFound> {
    let ns = target.namespace;
    let workload = match target.workload {
        Some(kind) => Some(
            inventory
                .workload(ns, kind, target.name)
                .ok_or_else(|| NotFound {
                    kind,
                    name: target.name.to_owned(),
                    namespace: ns.to_owned(),
                })?,
        ),
        None => None,
    };
    let sa = match workload.and_then(|(_, w)| pod_spec(w)) {
        Some(spec) => service_account_of(spec),
        None => target.name,
    };
    let mut checks = Checks::default();
    // EKS Pod Identity binds the role with an association instead, invisible from here;
    // its pods carry the agent's credentials URI.
    let pod_identity = inventory
        .pods_of(ns, sa)
        .filter_map(|p| p.get("spec"))
        .flat_map(containers)
        .any(|c| env_value(c, CONTAINER_URI_ENV).is_some());
    let role = service_account(&mut checks, inventory, ns, sa, pod_identity);
    let workloads: Vec<&(WorkloadKind, Value)> = match workload {
        Some(w) => vec![w],
        None => inventory.workloads_of(ns, sa).collect(),
    };
    let audiences = match role {
        Some(_) => token_audiences(inventory, ns, sa, &workloads),
        None => Vec::new(),
    };
    for (audience, source) in &audiences {
        if *audience != TOKEN_AUDIENCE {
            checks.0.push(audience_check(ns, source, audience));
        }
    }
    for (kind, w) in workloads {
        let wiring = Wiring {
            role,
            pod_identity,
            ns,
            sa,
        };
        workload_checks(&mut checks, inventory, *kind, w, &wiring);
    }
    pod_checks(&mut checks, inventory, workload, ns, sa, role);
    let webhook_path = format!("mutatingwebhookconfiguration/{WEBHOOK}");
    match webhook {
        Webhook::Configured => checks.pass(
            CheckCode::Webhook,
            &webhook_path,
            format!("the {WEBHOOK} admission webhook is configured"),
        ),
        Webhook::Missing => checks.add(
            Level::Warn,
            CheckCode::Webhook,
            &webhook_path,
            format!(
                "no MutatingWebhookConfiguration {WEBHOOK}: without it pods get no credentials"
            ),
            Some(
                "EKS installs it; on other clusters install aws/amazon-eks-pod-identity-webhook"
                    .to_owned(),
            ),
        ),
        Webhook::Unknown(reason) => checks.add(
            Level::Skip,
            CheckCode::Webhook,
            &webhook_path,
            format!("cannot see the {WEBHOOK} configuration: {reason}"),
            None,
        ),
    }
    if let Some(trust) = trust {
        let audiences: Vec<&str> = match audiences.is_empty() {
            true => vec![TOKEN_AUDIENCE],
            false => audiences.iter().map(|(a, _)| *a).collect(),
        };
        trust_checks(&mut checks, trust, ns, sa, &audiences);
    }
    Ok(checks.0)
}

/// The audiences of the tokens `ns/sa`'s pods present, each with the object it was read
/// from: the running pods' own token volumes; where no pod has one yet, each workload's
/// template's, or for a template without one what the ServiceAccount gives new pods.
fn token_audiences<'a>(
    inventory: &'a Inventory,
    ns: &'a str,
    sa: &'a str,
    workloads: &[&'a (WorkloadKind, Value)],
) -> Vec<(&'a str, String)> {
    let mut found: Vec<(&str, String)> = Vec::new();
    let mut add = |audience: &'a str, source: String| {
        if !found.iter().any(|(a, _)| *a == audience) {
            found.push((audience, source));
        }
    };
    let pods: Vec<(&str, &str)> = inventory
        .pods_of(ns, sa)
        .filter_map(|p| Some((p.get("spec").and_then(volume_audience)?, name(p))))
        .collect();
    for (audience, pod) in &pods {
        add(audience, format!("pod/{pod}"));
    }
    if !pods.is_empty() {
        return found;
    }
    let new_pods = inventory
        .service_account(ns, sa)
        .map_or(TOKEN_AUDIENCE, token_audience);
    for (kind, w) in workloads {
        match pod_spec(w).and_then(volume_audience) {
            Some(audience) => add(audience, slash(kind.as_str(), name(w))),
            None => add(new_pods, format!("serviceaccount/{sa}")),
        }
    }
    if workloads.is_empty() {
        add(new_pods, format!("serviceaccount/{sa}"));
    }
    found
}

/// Tokens for another audience than STS's, read from `source` (the ServiceAccount's
/// annotation, or a pod's or template's token volume): legitimate only where the cluster's
/// OIDC provider lists it as a client ID and the trust allows it, never what irsa writes;
/// an empty one is the API server's own, which STS never takes. Doctor says it; bind too,
/// for the ServiceAccounts it applied.
pub fn audience_check(ns: &str, source: &str, audience: &str) -> Check {
    let (from, fix) = match source.strip_prefix("serviceaccount/") {
        Some(sa) => (
            format!("{source} sets {AUDIENCE_ANNOTATION} `{audience}`: its new pods' tokens"),
            format!(
                "kubectl annotate serviceaccount {sa} -n {ns} {AUDIENCE_ANNOTATION}- (then restart its pods)"
            ),
        ),
        None => (
            format!("{source} has its own {TOKEN_VOLUME} volume: its tokens"),
            format!("set the volume's audience to {TOKEN_AUDIENCE} in {source}"),
        ),
    };
    if audience.is_empty() {
        return Check::new(
            Level::Fail,
            CheckCode::Audience,
            source,
            format!(
                "{from} are for the API server's own audience (none named): STS takes none of them"
            ),
            Some(fix),
        );
    }
    Check::new(
        Level::Warn,
        CheckCode::Audience,
        source,
        format!(
            "{from} are for `{audience}`, not `{TOKEN_AUDIENCE}`: STS takes them only where the cluster's OIDC provider lists `{audience}` as a client ID and the trust policy allows that `aud`"
        ),
        Some(format!("unless the provider lists it: {fix}")),
    )
}

/// The ServiceAccount and its annotation; the annotated role.
fn service_account<'a>(
    checks: &mut Checks,
    inventory: &'a Inventory,
    ns: &str,
    sa: &str,
    pod_identity: bool,
) -> Option<&'a str> {
    let bind = format!("kubectl irsa bind {ns}/{sa} --role ROLE");
    let object_path = format!("serviceaccount/{sa}");
    let Some(object) = inventory.service_account(ns, sa) else {
        checks.add(
            Level::Fail,
            CheckCode::ServiceAccount,
            &object_path,
            format!("serviceaccount/{sa} does not exist in namespace {ns}"),
            Some(bind),
        );
        return None;
    };
    let role = role_annotation(object);
    if role.is_empty() && pod_identity {
        checks.pass(CheckCode::RoleAnnotation, &object_path, format!(
            "serviceaccount/{sa} has no role annotation; its pods get credentials from EKS Pod Identity"
        ));
        return None;
    }
    if role.is_empty() {
        checks.add(
            Level::Fail,
            CheckCode::RoleAnnotation,
            &object_path,
            format!(
                "serviceaccount/{sa} has no {ROLE_ARN_ANNOTATION} annotation: its pods get no role"
            ),
            Some(bind),
        );
        return None;
    }
    match crate::arn::RoleArn::parse(role) {
        Ok(_) => checks.pass(
            CheckCode::RoleAnnotation,
            &object_path,
            format!("serviceaccount/{sa} is annotated with {role}"),
        ),
        Err(reason) => checks.add(
            Level::Fail,
            CheckCode::RoleAnnotation,
            &object_path,
            format!("serviceaccount/{sa}: the {ROLE_ARN_ANNOTATION} annotation is wrong: {reason}"),
            Some(format!("{bind} --overwrite")),
        ),
    }
    Some(role)
}

/// What a workload's pods are bound to: the annotated role, or EKS Pod Identity.
#[derive(Debug, Clone, Copy)]
pub struct Wiring<'a> {
    pub role: Option<&'a str>,
    pub pod_identity: bool,
    pub ns: &'a str,
    pub sa: &'a str,
}

/// Per container of a workload's pod template: the identity each AWS SDK family gets once
/// the webhook has mutated it, against the one it asks for. `configs` holds the AWS config
/// text each container reads (by container name). Doctor reports these; bind prints the
/// ones that go astray for the workloads it wires.
pub fn sdk_checks(
    kind: WorkloadKind,
    workload: &Value,
    wiring: &Wiring<'_>,
    configs: &[(&str, &str)],
) -> Vec<Check> {
    let mut checks = Checks::default();
    let Some(spec) = pod_spec(workload) else {
        return checks.0;
    };
    if wiring.role.is_none() && !wiring.pod_identity {
        return checks.0;
    }
    let slashed = slash(kind.as_str(), name(workload));
    let skip = workload
        .pointer("/spec/template/metadata/annotations")
        .or_else(|| workload.pointer("/spec/jobTemplate/spec/template/metadata/annotations"))
        .and_then(|a| a.get(SKIP_CONTAINERS_ANNOTATION))
        .and_then(Value::as_str)
        .unwrap_or_default();
    for container in containers(spec) {
        sdk_check(
            &mut checks,
            container,
            &skipped(skip),
            configs,
            wiring,
            &slashed,
        );
    }
    checks.0
}

fn workload_checks(
    checks: &mut Checks,
    inventory: &Inventory,
    kind: WorkloadKind,
    workload: &Value,
    wiring: &Wiring<'_>,
) {
    let Wiring { role, ns, sa, .. } = *wiring;
    let Some(spec) = pod_spec(workload) else {
        return;
    };
    let slashed = slash(kind.as_str(), name(workload));
    let template = workload
        .pointer("/spec/template/metadata")
        .or_else(|| workload.pointer("/spec/jobTemplate/spec/template/metadata"));
    let opted_out = template
        .and_then(|m| m.pointer("/labels"))
        .and_then(|l| l.get(SKIP_POD_LABEL))
        .and_then(Value::as_str)
        == Some("true");
    if opted_out {
        checks.add(
            Level::Fail,
            CheckCode::SkipLabel,
            &slashed,
            format!("{slashed} labels its pods {SKIP_POD_LABEL}=true, so the webhook injects nothing into them"),
            Some(format!("remove the {SKIP_POD_LABEL} label from the pod template")),
        );
    }
    for container in containers(spec) {
        let cname = text(container, "/name");
        for var in PRESET {
            if env_value(container, var).is_some() {
                checks.add(
                    Level::Fail,
                    CheckCode::PresetEnv,
                    &format!("{slashed} container {cname}"),
                    format!("{slashed} container {cname} sets {var} itself, so the webhook injects nothing into it"),
                    Some(format!("remove {} from its env; the webhook sets them", PRESET.join(" and "))),
                );
            }
        }
    }
    let rebind = format!("kubectl irsa bind {ns}/{sa} --role ROLE --workload {slashed}");
    let readers: Vec<(&str, &str)> = containers(spec)
        .filter_map(|c| Some((text(c, "/name"), env_value(c, "AWS_CONFIG_FILE")?)))
        .collect();
    let mut configs: Vec<(&str, &str)> = Vec::new();
    for (cname, file) in &readers {
        match config_source(spec, cname, file, inventory, ns) {
            Ok((config_map, config)) => {
                checks.pass(
                    CheckCode::AwsConfig,
                    &format!("{slashed} container {cname}"),
                    format!("{slashed} container {cname} reads {file} from configmap/{config_map}"),
                );
                profile_checks(checks, config, role, config_map);
                configs.push((cname, config));
            }
            Err(problem) => checks.add(
                Level::Fail,
                CheckCode::AwsConfig,
                &format!("{slashed} container {cname}"),
                format!("{slashed} container {cname}: {problem}"),
                Some(rebind.clone()),
            ),
        }
    }
    if readers.is_empty() {
        if let Some(config_map) = inventory.config_map_of(ns, sa) {
            checks.add(
                Level::Warn,
                CheckCode::AwsConfig,
                &slashed,
                format!(
                    "configmap/{} holds profiles, but {slashed} does not set AWS_CONFIG_FILE",
                    name(config_map)
                ),
                Some(rebind),
            );
        }
    }
    if !opted_out {
        checks
            .0
            .extend(sdk_checks(kind, workload, wiring, &configs));
    }
    let setting = |c: &Value, key: &str| c.pointer(&format!("/securityContext/{key}")).cloned();
    let non_root = |c: &Value| {
        setting(c, "runAsNonRoot") == Some(Value::Bool(true))
            || setting(c, "runAsUser")
                .and_then(|u| u.as_u64())
                .is_some_and(|u| u > 0)
    };
    if (non_root(spec) || containers(spec).any(non_root)) && setting(spec, "fsGroup").is_none() {
        checks.add(
            Level::Warn,
            CheckCode::FsGroup,
            &slashed,
            format!("{slashed} runs as non-root without fsGroup: older clusters mount the token file with mode 0600, unreadable to it"),
            Some("set spec.securityContext.fsGroup in the pod template (e.g. 65534)".to_owned()),
        );
    }
}

/// Which identity each AWS SDK family gets in a container of the pod template, once the
/// webhook has mutated it, against the one the container asks for: its AWS_PROFILE's
/// role, else the pod's. Where they differ, the SDKs that go astray are named.
fn sdk_check(
    checks: &mut Checks,
    container: &Value,
    skip: &[&str],
    configs: &[(&str, &str)],
    wiring: &Wiring<'_>,
    slashed: &str,
) {
    let cname = text(container, "/name");
    // A value from a Secret or a field is set, though doctor cannot read it.
    let own: Vec<(String, String)> = array(container, "/env")
        .iter()
        .map(|e| {
            let value = match e.get("valueFrom") {
                Some(_) => "(valueFrom)".to_owned(),
                None => text(e, "/value").to_owned(),
            };
            (text(e, "/name").to_owned(), value)
        })
        .collect();
    let injection = Injection {
        role_arn: wiring.role.map(str::to_owned),
        pod_identity: wiring.pod_identity && wiring.role.is_none(),
        ..Injection::default()
    };
    let env = webhook::mutate(cname, &own, skip, &injection);
    let config = configs
        .iter()
        .find(|(c, _)| *c == cname)
        .map(|(_, text)| profiles::read(text))
        .unwrap_or_default();
    let answers = credentials::resolve(&credentials::Container {
        env: &env,
        config: &config,
        container_role: None,
    });
    let profile = own
        .iter()
        .find(|(k, v)| k == "AWS_PROFILE" && !v.is_empty())
        .map(|(_, v)| v.as_str());
    let asked = match profile {
        Some(p) => config
            .iter()
            .find(|c| c.name == p)
            .and_then(|c| c.role_arn())
            .map(|arn| Identity::Role {
                arn: arn.to_owned(),
            }),
        None => match wiring.role {
            Some(role) => Some(Identity::Role {
                arn: role.to_owned(),
            }),
            None => Some(Identity::PodIdentityRole),
        },
    };
    let what = format!("{slashed} container {cname}");
    let who = match profile {
        Some(p) => format!("{what} (AWS_PROFILE={p})"),
        None => what.clone(),
    };
    // An SDK that cannot chain this way (it fails, or falls through to the node's role on
    // its own) is said as a caveat: no wiring mends it. Another identity is the trap.
    let (limited, rest): (Vec<Answer>, Vec<Answer>) = answers
        .iter()
        .cloned()
        .partition(|a| a.fell_through() || matches!(a.identity, Identity::Fails { .. }));
    let groups = credentials::by_identity(&rest);
    let limited_groups = credentials::by_identity(&limited);
    let failing: Vec<_> = limited_groups.iter().collect();
    let wrong: Vec<_> = groups
        .iter()
        .filter(|(identity, _)| Some(*identity) != asked.as_ref())
        .collect();
    let describe = |groups: &[&(&Identity, Vec<Sdk>)]| -> String {
        let parts: Vec<String> = groups
            .iter()
            .map(|(identity, sdks)| {
                let names = named(sdks);
                let verb = if names.len() == 1 { "gets" } else { "get" };
                format!("{} {verb} {identity}", list(&names))
            })
            .collect();
        parts.join("; ")
    };
    let (result, message, fix) = match &asked {
        // What irsa cannot wire around: an SDK that cannot chain this way fails loudly.
        Some(asked) if wrong.is_empty() && !groups.is_empty() => {
            // Falling through to the node's role is another identity, maybe a broader
            // one: the way to make it fail loudly instead is said with it.
            let imds = if failing.iter().any(|(i, _)| matches!(i, Identity::Node)) {
                ": keep pods off it (IMDSv2, hop limit 1) and it fails instead"
            } else {
                ""
            };
            let caveat = if failing.is_empty() {
                String::new()
            } else {
                format!(", except that {}{imds}", describe(&failing))
            };
            (
                Level::Pass,
                format!("{who} acts as {asked} in every AWS SDK{caveat}"),
                None,
            )
        }
        // Silently another identity: the trap doctor exists for.
        Some(asked) if !wrong.is_empty() => {
            let all: Vec<_> = wrong.iter().chain(&failing).copied().collect();
            let fix = profile.map(|p| {
                format!(
                    "give its workload entry `profile: {p}` in the spec, or kubectl irsa bind {}/{} --role ROLE --workload {slashed} --container {cname} --profile {p}: the webhook then leaves the container alone",
                    wiring.ns, wiring.sa
                )
            });
            (
                Level::Warn,
                format!("{who} asks for {asked}, but {}", describe(&all)),
                fix,
            )
        }
        Some(asked) => (
            Level::Fail,
            format!("{who} asks for {asked}, but {}", describe(&failing)),
            None,
        ),
        None => (
            Level::Fail,
            format!(
                "{who}: profile `{}` is not in its AWS config file",
                profile.unwrap_or_default()
            ),
            None,
        ),
    };
    checks.0.push(Check {
        sdks: answers,
        ..Check::new(result, CheckCode::Sdk, &what, message, fix)
    });
}

/// The SDKs' names; an SDK's older versions go unsaid where its newer ones are there too
/// (they fare alike).
fn named(sdks: &[Sdk]) -> Vec<&'static str> {
    sdks.iter()
        .filter(|s| !s.newer().is_some_and(|newer| sdks.contains(&newer)))
        .map(|s| s.label())
        .collect()
}

/// `a, b and c`.
fn list(labels: &[&str]) -> String {
    match labels.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => labels.join(""),
    }
}

/// The ConfigMap and text behind a container's AWS_CONFIG_FILE, or what is missing.
fn config_source<'a>(
    spec: &'a Value,
    container: &str,
    file: &str,
    inventory: &'a Inventory,
    ns: &str,
) -> Result<(&'a str, &'a str), String> {
    let (dir, key) = file
        .rsplit_once('/')
        .ok_or(format!("AWS_CONFIG_FILE `{file}` is not an absolute path"))?;
    let mount = containers(spec)
        .find(|c| text(c, "/name") == container)
        .into_iter()
        .flat_map(|c| array(c, "/volumeMounts"))
        .find(|m| text(m, "/mountPath").trim_end_matches('/') == dir)
        .ok_or(format!(
            "AWS_CONFIG_FILE is {file}, but nothing is mounted at {dir}"
        ))?;
    let volume = text(mount, "/name");
    let config_map = array(spec, "/volumes")
        .iter()
        .find(|v| text(v, "/name") == volume)
        .map(|v| text(v, "/configMap/name"))
        .filter(|n| !n.is_empty())
        .ok_or(format!(
            "the volume {volume} mounted at {dir} is not a ConfigMap"
        ))?;
    let object = inventory.config_map(ns, config_map).ok_or(format!(
        "configmap/{config_map} mounted at {dir} does not exist"
    ))?;
    let config = object
        .get("data")
        .and_then(|d| d.get(key))
        .and_then(Value::as_str)
        .ok_or(format!(
            "configmap/{config_map} has no key `{key}` (expected `{CONFIG_KEY}`)"
        ))?;
    Ok((config_map, config))
}

/// The pod profile must name the annotation's role (the SDK precedence trap), and every
/// chained profile's source must exist.
fn profile_checks(checks: &mut Checks, config: &str, role: Option<&str>, config_map: &str) {
    let profiles = crate::profiles::read(config);
    let object_path = format!("configmap/{config_map}");
    for profile in profiles.iter().filter(|p| p.is_web_identity()) {
        match (profile.role_arn(), role) {
            (Some(file_role), Some(role)) if file_role != role => checks.add(
                Level::Fail,
                CheckCode::Profile,
                &object_path,
                format!("configmap/{config_map}: pod profile [{}] names {file_role}, the annotation {role}: the SDKs use the annotation's role by default and the file's with --profile", profile.name),
                Some("bind again with one role, so the annotation and the file agree".to_owned()),
            ),
            (Some(_), Some(_)) => checks.pass(CheckCode::Profile, &object_path, format!(
                "configmap/{config_map}: pod profile [{}] names the annotation's role",
                profile.name
            )),
            _ => {}
        }
    }
    for profile in &profiles {
        if let Some(source) = profile.get("source_profile") {
            if !profiles.iter().any(|p| p.name == source) {
                checks.add(
                    Level::Fail,
                    CheckCode::Profile,
                    &object_path,
                    format!("configmap/{config_map}: profile [{}] chains from [{source}], which the file lacks", profile.name),
                    Some("bind again to rewrite the AWS config".to_owned()),
                );
            }
        }
    }
}

fn pod_checks(
    checks: &mut Checks,
    inventory: &Inventory,
    workload: Option<&(WorkloadKind, Value)>,
    ns: &str,
    sa: &str,
    role: Option<&str>,
) {
    let of_workload = |p: &&Value| match workload {
        Some((kind, w)) => owner(p).is_some_and(|(k, n)| k == *kind && n == name(w)),
        None => true,
    };
    let all: Vec<&Value> = inventory.pods_of(ns, sa).filter(of_workload).collect();
    // The pods are the workload's, or all of the service account's.
    let path = match workload {
        Some((kind, w)) => slash(kind.as_str(), name(w)),
        None => format!("serviceaccount/{sa}"),
    };
    // The webhook wrote the role into each pod when it started; a re-pointed
    // ServiceAccount reaches running pods only when they restart.
    let pods::Judgement {
        waiting: missing,
        stale,
    } = pods::judge(all.iter().copied(), role);
    if all.is_empty() {
        checks.pass(
            CheckCode::Pods,
            &path,
            format!("no pod runs as {ns}/{sa} yet; new pods get credentials"),
        );
    } else if missing.is_empty() && stale.is_empty() {
        checks.pass(
            CheckCode::Pods,
            &path,
            format!("{}/{} pods have injected credentials", all.len(), all.len()),
        );
    }
    if !missing.is_empty() {
        checks.add(
            Level::Warn,
            CheckCode::Pods,
            &path,
            format!(
                "{} of {} pods started without credentials (the webhook only mutates new pods): {}",
                missing.len(),
                all.len(),
                names(&missing)
            ),
            Some(restart_fix(&missing, ns)),
        );
    }
    if !stale.is_empty() {
        checks.add(
            Level::Warn,
            CheckCode::Pods,
            &path,
            format!(
                "{} of {} pods run with another role than the annotation's (they started before it changed): {}",
                stale.len(),
                all.len(),
                names(&stale)
            ),
            Some(restart_fix(&stale, ns)),
        );
    }
}

fn names(pods: &[&Value]) -> String {
    pods.iter().map(|p| name(p)).collect::<Vec<_>>().join(", ")
}

/// `kubectl rollout restart` of the pods' workloads, or deleting pods that have none.
fn restart_fix(pods: &[&Value], ns: &str) -> String {
    let (owners, _) = pods::restart_targets(pods);
    if owners.is_empty() {
        "delete the pods so they are recreated".to_owned()
    } else {
        let owners: Vec<String> = owners.iter().map(|(k, n)| slash(k.as_str(), n)).collect();
        format!("kubectl rollout restart {} -n {ns}", owners.join(" "))
    }
}

/// A place in a policy file: `trust.json Statement[0]`, or the file.
fn in_file(file: &str, path: &str) -> String {
    if path.is_empty() {
        file.to_owned()
    } else {
        format!("{file} {path}")
    }
}

/// The trust policy against the service account's pods, whose tokens are for `audiences`.
fn trust_checks(checks: &mut Checks, trust: Trust, ns: &str, sa: &str, audiences: &[&str]) {
    let (report, issuer, file) = match trust {
        Trust::Analysed {
            report,
            issuer,
            file,
        } => (report, issuer, file),
        Trust::Unreadable { file, error } => {
            checks.add(
                Level::Fail,
                CheckCode::TrustPolicy,
                &in_file(&file, &error.field),
                format!("{file} is not a trust policy: {error}"),
                None,
            );
            return;
        }
        Trust::NoIssuer(reason) => {
            checks.add(
                Level::Skip,
                CheckCode::TrustPolicy,
                "",
                format!("cannot check the trust policy: {reason}"),
                Some("pass --issuer URL".to_owned()),
            );
            return;
        }
        Trust::NoRole(role) => {
            checks.add(
                Level::Fail,
                CheckCode::TrustPolicy,
                &role,
                format!("{role} is not a role in IAM: AssumeRoleWithWebIdentity will fail"),
                Some("create it (kubectl irsa bind -f irsa.yaml --iam), or annotate the role that exists".to_owned()),
            );
            return;
        }
    };
    let host_path = issuer.trim_start_matches("https://").trim_end_matches('/');
    for audience in audiences {
        // Said only where it is not STS's, which every message would otherwise repeat.
        let tokens = match *audience {
            TOKEN_AUDIENCE => String::new(),
            "" => " with its tokens for the API server's audience".to_owned(),
            other => format!(" with its tokens for `{other}`"),
        };
        if report.admits(host_path, ns, sa, audience) {
            checks.pass(
                CheckCode::TrustPolicy,
                &file,
                format!("the trust policy lets {ns}/{sa} of {host_path} assume the role{tokens}"),
            );
        } else {
            checks.add(
                Level::Fail,
                CheckCode::TrustPolicy,
                &file,
                format!("the trust policy does not let {ns}/{sa} of {host_path} assume the role{tokens}: AssumeRoleWithWebIdentity will be denied"),
                Some(format!("kubectl irsa generate {ns}/{sa} --role ROLE --issuer {issuer} writes one that does")),
            );
        }
    }
    // Where no pod's token is STS's, an `aud` other than STS's is what they need: the
    // audience check says what it asks of the provider.
    let sts_tokens = audiences.contains(&TOKEN_AUDIENCE);
    for finding in report
        .findings
        .into_iter()
        .filter(|f| sts_tokens || f.code != Rule::AudNotSts)
    {
        let level = if finding.severity >= Risk::High {
            Level::Fail
        } else {
            Level::Warn
        };
        let message = format!("trust policy: {} [{}]", finding.message, finding.code);
        let path = in_file(&file, &finding.field);
        checks.0.push(Check {
            rule: Some(finding.code),
            ..Check::new(level, CheckCode::TrustPolicy, &path, message, finding.help)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn inventory() -> Inventory {
        Inventory {
            service_accounts: vec![json!({"metadata": {"name": "api", "namespace": "payments",
                "annotations": {"eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/payments-api"}}})],
            workloads: vec![(
                WorkloadKind::Deployment,
                json!({"metadata": {"name": "api", "namespace": "payments"},
                "spec": {"template": {"spec": {"serviceAccountName": "api", "containers": [{"name": "app",
                    "env": [{"name": "AWS_ROLE_ARN", "value": "arn:aws:iam::111122223333:role/payments-api"}]}]}}}}),
            )],
            ..Inventory::default()
        }
    }

    #[test]
    fn a_preset_role_env_fails_and_names_its_fix() {
        let target = Target {
            namespace: "payments",
            name: "api",
            workload: Some(WorkloadKind::Deployment),
        };
        let checks = diagnose(&inventory(), target, &Webhook::Configured, None).unwrap_or_default();
        let failed: Vec<&Check> = checks
            .iter()
            .filter(|c| c.finding.severity == Level::Fail)
            .collect();
        assert_eq!(failed.len(), 1, "{checks:?}");
        assert!(
            failed[0]
                .finding
                .message
                .contains("sets AWS_ROLE_ARN itself")
        );
        assert!(
            failed[0]
                .finding
                .help
                .as_deref()
                .is_some_and(|f| f.contains("remove AWS_ROLE_ARN"))
        );
    }

    #[test]
    fn pods_that_started_with_another_role_need_a_restart() {
        let mut inventory = inventory();
        inventory.workloads.clear();
        inventory.pods.push(json!({"metadata": {"name": "api-5d9c7-x", "namespace": "payments",
            "labels": {"pod-template-hash": "5d9c7"},
            "ownerReferences": [{"kind": "ReplicaSet", "name": "api-5d9c7", "controller": true}]},
            "spec": {"serviceAccountName": "api", "containers": [{"name": "app", "env": [
                {"name": "AWS_ROLE_ARN", "value": "arn:aws:iam::111122223333:role/old"},
                {"name": "AWS_WEB_IDENTITY_TOKEN_FILE", "value": "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"}]}]}}));
        let target = Target {
            namespace: "payments",
            name: "api",
            workload: None,
        };
        let checks = diagnose(&inventory, target, &Webhook::Configured, None).unwrap_or_default();
        let warned: Vec<&Check> = checks
            .iter()
            .filter(|c| c.finding.severity == Level::Warn)
            .collect();
        assert_eq!(warned.len(), 1, "{checks:?}");
        assert!(
            warned[0]
                .finding
                .message
                .contains("run with another role than the annotation's")
        );
        assert_eq!(
            warned[0].finding.help.as_deref(),
            Some("kubectl rollout restart deployment/api -n payments")
        );
    }

    #[test]
    fn pods_opting_out_of_the_webhook_fail() {
        let mut inventory = inventory();
        if let Some((_, w)) = inventory.workloads.first_mut() {
            w["spec"]["template"]["metadata"] =
                json!({"labels": {"eks.amazonaws.com/skip-pod-identity-webhook": "true"}});
            w["spec"]["template"]["spec"]["containers"][0]["env"] = json!([]);
        }
        let target = Target {
            namespace: "payments",
            name: "api",
            workload: None,
        };
        let checks = diagnose(&inventory, target, &Webhook::Configured, None).unwrap_or_default();
        let failed: Vec<&Check> = checks
            .iter()
            .filter(|c| c.finding.severity == Level::Fail)
            .collect();
        assert_eq!(failed.len(), 1, "{checks:?}");
        assert!(
            failed[0]
                .finding
                .message
                .contains("skip-pod-identity-webhook=true")
        );
    }

    /// The trust-policy checks doctor gives payments/api with `policy` as its role's
    /// trust, read from trust.json, against the issuer of cluster `X`.
    fn trust_checks_of(policy: &str) -> Vec<Check> {
        checks_with(policy, &inventory())
            .into_iter()
            .filter(|c| c.finding.code == CheckCode::TrustPolicy)
            .collect()
    }

    /// Every check of payments/api in `cluster`, with `policy` as its role's trust.
    fn checks_with(policy: &str, cluster: &Inventory) -> Vec<Check> {
        let trust = Trust::Analysed {
            report: crate::audit::analyze(policy, 2048).unwrap_or_else(|e| panic!("{e}")),
            issuer: "https://oidc.eks.eu-west-2.amazonaws.com/id/X".to_owned(),
            file: "trust.json".to_owned(),
        };
        let target = Target {
            namespace: "payments",
            name: "api",
            workload: None,
        };
        diagnose(cluster, target, &Webhook::Configured, Some(trust)).unwrap_or_default()
    }

    #[test]
    fn trust_findings_name_the_file_statement_and_rule() {
        let trusted = trust_checks_of(
            r#"{"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
            "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-2.amazonaws.com/id/X"},
            "Condition": {"StringEquals": {"oidc.eks.eu-west-2.amazonaws.com/id/X:sub": "system:serviceaccount:payments:api"}}}]}"#,
        );
        assert_eq!(trusted.len(), 2, "{trusted:?}");
        assert_eq!(trusted[0].finding.severity, Level::Pass);
        assert_eq!(trusted[0].finding.field, "trust.json");
        assert_eq!(trusted[1].rule, Some(Rule::MissingAud));
        assert_eq!(trusted[1].finding.field, "trust.json Statement[0]");
    }

    /// eksctl#1910's audience: the policy lists the service account, but no pod's token
    /// has that audience, so STS denies every one of them.
    #[test]
    fn a_trust_for_another_audience_fails() {
        let trusted = trust_checks_of(
            r#"{"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
            "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-2.amazonaws.com/id/X"},
            "Condition": {"StringEquals": {"oidc.eks.eu-west-2.amazonaws.com/id/X:sub": "system:serviceaccount:payments:api",
                "oidc.eks.eu-west-2.amazonaws.com/id/X:aud": "sts.amazonaws.com.cn"}}}]}"#,
        );
        assert_eq!(trusted[0].finding.severity, Level::Fail, "{trusted:?}");
        assert_eq!(trusted[1].rule, Some(Rule::AudNotSts));
    }

    /// A ServiceAccount that names that audience: its pods' tokens carry it, so the same
    /// trust lets them in, and doctor says what the annotation asks of the provider. The
    /// trust irsa writes, for `sts.amazonaws.com`, then lets them in no more.
    #[test]
    fn the_service_accounts_audience_is_its_tokens() {
        let mut cluster = inventory();
        cluster.service_accounts[0]["metadata"]["annotations"][AUDIENCE_ANNOTATION] =
            json!("sts.amazonaws.com.cn");
        let trust = |aud: &str| {
            format!(
                r#"{{"Statement": [{{"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
                "Principal": {{"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-2.amazonaws.com/id/X"}},
                "Condition": {{"StringEquals": {{"oidc.eks.eu-west-2.amazonaws.com/id/X:sub": "system:serviceaccount:payments:api",
                    "oidc.eks.eu-west-2.amazonaws.com/id/X:aud": "{aud}"}}}}}}]}}"#
            )
        };
        let of = |checks: &[Check], code: CheckCode| -> Vec<(Level, String)> {
            checks
                .iter()
                .filter(|c| c.finding.code == code)
                .map(|c| (c.finding.severity, c.finding.message.clone()))
                .collect()
        };
        let checks = checks_with(&trust("sts.amazonaws.com.cn"), &cluster);
        let audience = of(&checks, CheckCode::Audience);
        assert_eq!(audience.len(), 1, "{checks:?}");
        assert_eq!(audience[0].0, Level::Warn);
        assert!(
            audience[0]
                .1
                .contains("tokens are for `sts.amazonaws.com.cn`"),
            "{audience:?}"
        );
        let verdict = &of(&checks, CheckCode::TrustPolicy)[0];
        assert_eq!(verdict.0, Level::Pass, "{verdict:?}");
        assert!(
            verdict
                .1
                .ends_with("with its tokens for `sts.amazonaws.com.cn`"),
            "{verdict:?}"
        );
        let checks = checks_with(&trust("sts.amazonaws.com"), &cluster);
        assert_eq!(
            of(&checks, CheckCode::TrustPolicy)[0].0,
            Level::Fail,
            "{checks:?}"
        );
        // Where no pod's token is STS's, the trust's other `aud` is no finding of its own.
        assert!(
            checks.iter().all(|c| c.rule != Some(Rule::AudNotSts)),
            "{checks:?}"
        );
        // Without the annotation: no audience check, STS's audience.
        let checks = checks_with(&trust("sts.amazonaws.com"), &inventory());
        assert!(of(&checks, CheckCode::Audience).is_empty());
        assert_eq!(of(&checks, CheckCode::TrustPolicy)[0].0, Level::Pass);
        // Running pods present what their own token volume says, whatever the annotation
        // says now: a pod from before it, or one whose template mounts the volume itself.
        cluster.pods.push(json!({"metadata": {"name": "api-1", "namespace": "payments"},
            "spec": {"serviceAccountName": "api", "volumes": [{"name": "aws-iam-token",
                "projected": {"sources": [{"serviceAccountToken": {"audience": "sts.amazonaws.com", "path": "token"}}]}}]}}));
        let checks = checks_with(&trust("sts.amazonaws.com"), &cluster);
        assert!(of(&checks, CheckCode::Audience).is_empty(), "{checks:?}");
        assert_eq!(of(&checks, CheckCode::TrustPolicy)[0].0, Level::Pass);
        // An empty annotation: the API server's own audience, which STS never takes.
        cluster.pods.clear();
        cluster.service_accounts[0]["metadata"]["annotations"][AUDIENCE_ANNOTATION] = json!("");
        let checks = checks_with(&trust("sts.amazonaws.com"), &cluster);
        assert_eq!(
            of(&checks, CheckCode::Audience)[0].0,
            Level::Fail,
            "{checks:?}"
        );
        assert_eq!(of(&checks, CheckCode::TrustPolicy)[0].0, Level::Fail);
    }

    #[test]
    fn a_missing_workload_is_an_error_not_a_check() {
        let target = Target {
            namespace: "payments",
            name: "web",
            workload: Some(WorkloadKind::StatefulSet),
        };
        let error = diagnose(&inventory(), target, &Webhook::Missing, None).err();
        assert_eq!(
            error.map(|e| e.to_string()).as_deref(),
            Some("statefulset/web not found in namespace \"payments\"")
        );
    }
}
