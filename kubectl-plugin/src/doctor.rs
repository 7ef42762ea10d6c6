//! `kubectl irsa doctor`: why a pod does or does not get its role, as pass/warn/fail lines
//! that each say how to fix what they find.

use crate::api::{self, Api, Resource};
use crate::bind::cluster;
use crate::context::ContextArgs;
use crate::inventory::{self, Inventory};
use crate::printer::Format;
use crate::{Error, Outcome, pods};
use irsa_core::render::kubernetes::{CONFIG_KEY, ROLE_ARN_ANNOTATION};
use serde::Serialize;
use serde_json::Value;
use std::path::PathBuf;

/// The webhook's MutatingWebhookConfiguration, as EKS and the upstream manifests name it.
const WEBHOOK: &str = "pod-identity-webhook";
/// Env that makes the webhook skip a container.
const PRESET: [&str; 2] = ["AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"];

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kubectl irsa doctor payments/api\n  kubectl irsa doctor deployment/api -n payments --trust-policy trust.json\n\nExit code 4 when a check fails."
)]
pub struct Args {
    /// A ServiceAccount (NAME or NAMESPACE/NAME) or a workload (KIND/NAME, e.g. deployment/api)
    target: String,
    #[command(flatten)]
    context: ContextArgs,
    /// Also check that this trust policy (JSON, or `aws iam get-role` output) trusts the service account
    #[arg(long, value_name = "FILE")]
    trust_policy: Option<PathBuf>,
    /// The cluster's OIDC issuer, for --trust-policy (default: asked of the cluster)
    #[arg(long, value_name = "URL")]
    issuer: Option<String>,
    /// Output format: `json` or `yaml`; lines when not given
    #[arg(short = 'o', long = "output", value_enum)]
    output: Option<Format>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Pass,
    Skip,
    Warn,
    Fail,
}

#[derive(Debug, Serialize)]
pub struct Check {
    pub result: Level,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

#[derive(Debug, Default)]
struct Checks(Vec<Check>);

impl Checks {
    fn add(&mut self, result: Level, message: String, fix: Option<String>) {
        self.0.push(Check {
            result,
            message,
            fix,
        });
    }
    fn pass(&mut self, message: String) {
        self.add(Level::Pass, message, None);
    }
}

pub async fn run(args: Args) -> Result<Outcome, Error> {
    let context = args.context.connect().await?;
    let (scope, namespace, name) = target(&args.target, &context.namespace)?;
    let inventory = Inventory::load(&context.api, Some(&namespace))
        .await
        .map_err(cluster)?;
    let mut checks = Checks::default();
    let workload = match scope {
        Some(resource) => {
            let found = inventory
                .workloads
                .iter()
                .find(|(r, w)| *r == resource && pods::name(w) == name);
            match found {
                Some(found) => Some(found),
                None => {
                    return Err(Error::Cluster(format!(
                        "{} not found in namespace \"{namespace}\"",
                        resource.slash(&name)
                    )));
                }
            }
        }
        None => None,
    };
    let sa_name = match workload.and_then(|(_, w)| pods::pod_spec(w)) {
        Some(spec) => inventory::service_account_of(spec).to_owned(),
        None => name.clone(),
    };
    let role = service_account(&mut checks, &inventory, &namespace, &sa_name);
    let workloads: Vec<&(Resource, Value)> = match workload {
        Some(w) => vec![w],
        None => inventory.workloads_of(&namespace, &sa_name).collect(),
    };
    for (resource, w) in &workloads {
        workload_checks(
            &mut checks,
            &inventory,
            *resource,
            w,
            role.as_deref(),
            &namespace,
            &sa_name,
        );
    }
    pod_checks(&mut checks, &inventory, workload, &namespace, &sa_name);
    webhook(&mut checks, &context.api).await;
    if let Some(path) = &args.trust_policy {
        trust(
            &mut checks,
            &context.api,
            path,
            args.issuer.as_deref(),
            &namespace,
            &sa_name,
        )
        .await?;
    }
    print(&checks.0, args.output);
    Ok(if checks.0.iter().any(|c| c.result == Level::Fail) {
        Outcome::Findings
    } else {
        Outcome::Done
    })
}

/// `deployment/api` is a workload; `payments/api` and `api` are service accounts.
fn target(text: &str, namespace: &str) -> Result<(Option<Resource>, String, String), Error> {
    let (first, name) = match text.split_once('/') {
        Some((first, name)) => (Some(first), name),
        None => (None, text),
    };
    if name.is_empty() || name.contains('/') {
        return Err(Error::Usage(format!(
            "`{text}` is not NAME, NAMESPACE/NAME or KIND/NAME"
        )));
    }
    let kind = first.map(|k| k.split('.').next().unwrap_or(k));
    match kind.and_then(Resource::of_kind) {
        Some(resource) if api::WORKLOADS.contains(&resource) => {
            Ok((Some(resource), namespace.to_owned(), name.to_owned()))
        }
        _ => Ok((None, first.unwrap_or(namespace).to_owned(), name.to_owned())),
    }
}

/// The ServiceAccount and its annotation; the role ARN when it is one.
fn service_account(
    checks: &mut Checks,
    inventory: &Inventory,
    ns: &str,
    name: &str,
) -> Option<String> {
    let bind = format!("kubectl irsa bind {ns}/{name} --role ROLE");
    let Some(sa) = inventory.service_account(ns, name) else {
        checks.add(
            Level::Fail,
            format!("serviceaccount/{name} does not exist in namespace {ns}"),
            Some(bind),
        );
        return None;
    };
    let pointer = format!(
        "/metadata/annotations/{}",
        ROLE_ARN_ANNOTATION.replace('/', "~1")
    );
    let role = pods::text(sa, &pointer);
    // EKS Pod Identity binds the role with an association instead, invisible from here;
    // its pods carry the agent's credentials URI.
    let pod_identity = inventory
        .pods_of(ns, name)
        .filter_map(|p| p.get("spec"))
        .flat_map(pods::containers)
        .any(|c| pods::env_value(c, pods::POD_IDENTITY_URI).is_some());
    if role.is_empty() && pod_identity {
        checks.pass(format!(
            "serviceaccount/{name} has no role annotation; its pods get credentials from EKS Pod Identity"
        ));
        return None;
    }
    if role.is_empty() {
        checks.add(
            Level::Fail,
            format!("serviceaccount/{name} has no {ROLE_ARN_ANNOTATION} annotation: its pods get no role"),
            Some(bind),
        );
        return None;
    }
    match irsa_core::arn::RoleArn::parse(role) {
        Ok(_) => checks.pass(format!("serviceaccount/{name} is annotated with {role}")),
        Err(reason) => checks.add(
            Level::Fail,
            format!(
                "serviceaccount/{name}: the {ROLE_ARN_ANNOTATION} annotation is wrong: {reason}"
            ),
            Some(format!("{bind} --overwrite")),
        ),
    }
    Some(role.to_owned())
}

fn workload_checks(
    checks: &mut Checks,
    inventory: &Inventory,
    resource: Resource,
    workload: &Value,
    role: Option<&str>,
    ns: &str,
    sa: &str,
) {
    let Some(spec) = pods::pod_spec(workload) else {
        return;
    };
    let slash = resource.slash(pods::name(workload));
    for container in pods::containers(spec) {
        let cname = pods::text(container, "/name");
        for var in PRESET {
            if pods::env_value(container, var).is_some() {
                checks.add(
                    Level::Fail,
                    format!("{slash} container {cname} sets {var} itself, so the webhook injects nothing into it"),
                    Some(format!("remove {} from its env; the webhook sets them", PRESET.join(" and "))),
                );
            }
        }
    }
    let rebind = format!("kubectl irsa bind {ns}/{sa} --role ROLE --workload {slash}");
    let readers: Vec<(&str, &str)> = pods::containers(spec)
        .filter_map(|c| {
            Some((
                pods::text(c, "/name"),
                pods::env_value(c, "AWS_CONFIG_FILE")?,
            ))
        })
        .collect();
    for (cname, file) in &readers {
        match config_source(spec, cname, file, inventory, ns) {
            Ok((config_map, text)) => {
                checks.pass(format!(
                    "{slash} container {cname} reads {file} from configmap/{config_map}"
                ));
                profile_checks(checks, &text, role, &config_map);
            }
            Err(problem) => checks.add(
                Level::Fail,
                format!("{slash} container {cname}: {problem}"),
                Some(rebind.clone()),
            ),
        }
    }
    if readers.is_empty() {
        if let Some(config_map) = inventory.config_map_of(ns, sa) {
            checks.add(
                Level::Warn,
                format!(
                    "configmap/{} holds profiles, but {slash} does not set AWS_CONFIG_FILE",
                    pods::name(config_map)
                ),
                Some(rebind),
            );
        }
    }
    let context = |c: &Value, key: &str| c.pointer(&format!("/securityContext/{key}")).cloned();
    let non_root = |c: &Value| {
        context(c, "runAsNonRoot") == Some(Value::Bool(true))
            || context(c, "runAsUser")
                .and_then(|u| u.as_u64())
                .is_some_and(|u| u > 0)
    };
    if (non_root(spec) || pods::containers(spec).any(non_root))
        && context(spec, "fsGroup").is_none()
    {
        checks.add(
            Level::Warn,
            format!("{slash} runs as non-root without fsGroup: older clusters mount the token file with mode 0600, unreadable to it"),
            Some("set spec.securityContext.fsGroup in the pod template (e.g. 65534)".to_owned()),
        );
    }
}

/// The ConfigMap and text behind a container's AWS_CONFIG_FILE, or what is missing.
fn config_source(
    spec: &Value,
    container: &str,
    file: &str,
    inventory: &Inventory,
    ns: &str,
) -> Result<(String, String), String> {
    let (dir, key) = file
        .rsplit_once('/')
        .ok_or(format!("AWS_CONFIG_FILE `{file}` is not an absolute path"))?;
    let mount = pods::containers(spec)
        .find(|c| pods::text(c, "/name") == container)
        .into_iter()
        .flat_map(|c| pods::array(c, "/volumeMounts"))
        .find(|m| pods::text(m, "/mountPath").trim_end_matches('/') == dir)
        .ok_or(format!(
            "AWS_CONFIG_FILE is {file}, but nothing is mounted at {dir}"
        ))?;
    let volume = pods::text(mount, "/name");
    let config_map = pods::array(spec, "/volumes")
        .iter()
        .find(|v| pods::text(v, "/name") == volume)
        .map(|v| pods::text(v, "/configMap/name"))
        .filter(|n| !n.is_empty())
        .ok_or(format!(
            "the volume {volume} mounted at {dir} is not a ConfigMap"
        ))?;
    let object = inventory
        .config_maps
        .iter()
        .find(|c| inventory::namespace(c) == ns && pods::name(c) == config_map)
        .ok_or(format!(
            "configmap/{config_map} mounted at {dir} does not exist"
        ))?;
    let text = object
        .pointer(&format!("/data/{key}"))
        .and_then(Value::as_str)
        .ok_or(format!(
            "configmap/{config_map} has no key `{key}` (expected `{CONFIG_KEY}`)"
        ))?;
    Ok((config_map.to_owned(), text.to_owned()))
}

/// The pod profile must name the annotation's role (the SDK precedence trap), and every
/// chained profile's source must exist.
fn profile_checks(checks: &mut Checks, text: &str, role: Option<&str>, config_map: &str) {
    let profiles = irsa_core::profiles::read(text);
    for profile in profiles.iter().filter(|p| p.is_web_identity()) {
        match (profile.role_arn(), role) {
            (Some(file_role), Some(role)) if file_role != role => checks.add(
                Level::Fail,
                format!("configmap/{config_map}: pod profile [{}] names {file_role}, the annotation {role}: the SDKs use the annotation's role by default and the file's with --profile", profile.name),
                Some("bind again with one role, so the annotation and the file agree".to_owned()),
            ),
            (Some(_), Some(_)) => checks.pass(format!("configmap/{config_map}: pod profile [{}] names the annotation's role", profile.name)),
            _ => {}
        }
    }
    for profile in &profiles {
        if let Some(source) = profile.get("source_profile") {
            if !profiles.iter().any(|p| p.name == source) {
                checks.add(
                    Level::Fail,
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
    workload: Option<&(Resource, Value)>,
    ns: &str,
    sa: &str,
) {
    let of_workload = |p: &&Value| match workload {
        Some((resource, w)) => {
            pods::owner(p).is_some_and(|(r, n)| r == *resource && n == pods::name(w))
        }
        None => true,
    };
    let all: Vec<&Value> = inventory.pods_of(ns, sa).filter(of_workload).collect();
    let missing: Vec<&Value> = all
        .iter()
        .copied()
        .filter(|p| !pods::has_credentials(p))
        .collect();
    if all.is_empty() {
        checks.pass(format!(
            "no pod runs as {ns}/{sa} yet; new pods get credentials"
        ));
    } else if missing.is_empty() {
        checks.pass(format!(
            "{}/{} pods have injected credentials",
            all.len(),
            all.len()
        ));
    } else {
        let names: Vec<&str> = missing.iter().map(|p| pods::name(p)).collect();
        let owners: std::collections::BTreeSet<String> = missing
            .iter()
            .filter_map(|p| pods::owner(p))
            .map(|(r, n)| r.slash(&n))
            .collect();
        let fix = if owners.is_empty() {
            "delete the pods so they are recreated".to_owned()
        } else {
            let owners: Vec<String> = owners.into_iter().collect();
            format!("kubectl rollout restart {} -n {ns}", owners.join(" "))
        };
        checks.add(
            Level::Warn,
            format!(
                "{} of {} pods started without credentials (the webhook only mutates new pods): {}",
                missing.len(),
                all.len(),
                names.join(", ")
            ),
            Some(fix),
        );
    }
}

async fn webhook(checks: &mut Checks, api: &Api) {
    match api.webhook(WEBHOOK).await {
        Ok(_) => checks.pass(format!("the {WEBHOOK} admission webhook is configured")),
        Err(e) if e.code == Some(404) => checks.add(
            Level::Warn,
            format!(
                "no MutatingWebhookConfiguration {WEBHOOK}: without it pods get no credentials"
            ),
            Some(
                "EKS installs it; on other clusters install aws/amazon-eks-pod-identity-webhook"
                    .to_owned(),
            ),
        ),
        Err(e) => checks.add(
            Level::Skip,
            format!("cannot see the {WEBHOOK} configuration: {}", e.message),
            None,
        ),
    }
}

async fn trust(
    checks: &mut Checks,
    api: &Api,
    path: &PathBuf,
    issuer: Option<&str>,
    ns: &str,
    sa: &str,
) -> Result<(), Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.display().to_string(),
        source,
    })?;
    let report = match irsa_core::audit::analyze(
        &text,
        irsa_core::spec::defaults::TRUST_POLICY_QUOTA as usize,
    ) {
        Ok(report) => report,
        Err(e) => {
            checks.add(
                Level::Fail,
                format!(
                    "{} is not a trust policy: {} (at {})",
                    path.display(),
                    e.message,
                    e.at
                ),
                None,
            );
            return Ok(());
        }
    };
    let issuer = match issuer {
        Some(issuer) => issuer.to_owned(),
        None => match api.issuer().await {
            Ok(issuer) => issuer,
            Err(e) => {
                checks.add(
                    Level::Skip,
                    format!("cannot check the trust policy: {e}"),
                    Some("pass --issuer URL".to_owned()),
                );
                return Ok(());
            }
        },
    };
    let host_path = issuer.trim_start_matches("https://").trim_end_matches('/');
    if report.admits(host_path, ns, sa) {
        checks.pass(format!(
            "the trust policy lets {ns}/{sa} of {host_path} assume the role"
        ));
    } else {
        checks.add(
            Level::Fail,
            format!("the trust policy does not let {ns}/{sa} of {host_path} assume the role: AssumeRoleWithWebIdentity will be denied"),
            Some(format!("kubectl irsa generate {ns}/{sa} --role ROLE --issuer {issuer} writes one that does")),
        );
    }
    for finding in &report.findings {
        let level = if finding.severity >= irsa_core::audit::Risk::High {
            Level::Fail
        } else {
            Level::Warn
        };
        checks.add(
            level,
            format!("trust policy: {} [{}]", finding.message, finding.code),
            Some(finding.fix.clone()),
        );
    }
    Ok(())
}

fn print(checks: &[Check], format: Option<Format>) {
    let list = serde_json::json!({"checks": checks});
    match format {
        Some(Format::Json) => println!(
            "{}",
            serde_json::to_string_pretty(&list).unwrap_or_default()
        ),
        Some(Format::Yaml) => print!("{}", serde_saphyr::to_string(&list).unwrap_or_default()),
        None => {
            for check in checks {
                let word = match check.result {
                    Level::Pass => "PASS",
                    Level::Skip => "SKIP",
                    Level::Warn => "WARN",
                    Level::Fail => "FAIL",
                };
                println!("{word}  {}", check.message);
                if let Some(fix) = &check.fix {
                    println!("      fix: {fix}");
                }
            }
        }
    }
}
