//! `kubectl irsa unbind`: gives up every field bind applied, and nothing else. Server-side
//! apply of an object with no fields under bind's field manager removes exactly the
//! fields only that manager set; fields other managers share or own stay.

use crate::api::{self, Api, ApplyOptions, FIELD_MANAGER, Resource};
use crate::aws::AwsArgs;
use crate::bind::DryRun;
use crate::context::ContextArgs;
use crate::inventory;
use crate::{Error, Outcome};
use irsa_core::arn::RoleArn;
use irsa_core::cluster::{Inventory, objects};
use irsa_core::issuer::Issuer;
use irsa_core::k8s::CONFIG_KEY;
use irsa_core::spec::Subject;
use serde_json::{Value, json};
use std::collections::BTreeMap;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kubectl irsa unbind payments/api\n  kubectl irsa unbind payments/api --iam   # and irsa's part of the roles\n  kubectl irsa unbind api -n payments --dry-run=server"
)]
pub struct Args {
    /// Service accounts to unbind: NAMESPACE/NAME, or NAME in -n's namespace
    #[arg(value_name = "NAMESPACE/NAME", required = true)]
    service_accounts: Vec<String>,
    #[command(flatten)]
    context: ContextArgs,
    /// `client` sends no change, `server` sends dryRun=All
    #[arg(long, value_enum, default_value = "none", num_args = 0..=1, require_equals = true, default_missing_value = "client")]
    dry_run: DryRun,
    /// Also take irsa's statements out of the roles' trust policies, and delete the roles
    /// bind --iam created that nothing else uses
    #[arg(long)]
    iam: bool,
    #[command(flatten)]
    aws: AwsArgs,
}

/// The roles an unbound service account used: its pod role and the targets its AWS config
/// chains into.
#[derive(Debug)]
struct Released {
    sub: String,
    pod_role: RoleArn,
    targets: Vec<RoleArn>,
}

/// Whether bind's field manager applied fields of this object.
fn ours(object: &Value) -> bool {
    managers(object).any(|(manager, operation)| manager == FIELD_MANAGER && operation == "Apply")
}

fn managers(object: &Value) -> impl Iterator<Item = (&str, &str)> {
    objects::array(object, "/metadata/managedFields")
        .iter()
        .map(|m| (objects::text(m, "/manager"), objects::text(m, "/operation")))
}

pub async fn run(args: Args) -> Result<Outcome, Error> {
    let context = args.context.connect().await?;
    // One read of each namespace: a service account's objects are its own.
    let mut namespaces: BTreeMap<&str, Inventory> = BTreeMap::new();
    let mut targets = Vec::new();
    for sa in &args.service_accounts {
        let (ns, name) = sa
            .split_once('/')
            .unwrap_or((context.namespace.as_str(), sa.as_str()));
        if !namespaces.contains_key(ns) {
            let inventory = inventory::load(&context.api, Some(ns)).await?;
            namespaces.insert(ns, inventory);
        }
        targets.push((ns, name));
    }
    // IAM first: should it fail, the cluster still names the roles for a rerun.
    if args.iam {
        let released: Vec<Released> = targets
            .iter()
            .filter_map(|(ns, name)| roles_of(namespaces.get(ns)?, ns, name))
            .collect();
        release_iam(&context.api, &args, &released).await?;
    }
    for (ns, name) in targets {
        if let Some(inventory) = namespaces.get(ns) {
            unbind(&context.api, inventory, ns, name, args.dry_run).await?;
        }
    }
    Ok(Outcome::Done)
}

/// The roles of a service account bind annotated: its pod role and the targets its AWS
/// config chains into. `None` where bind did not set its role.
fn roles_of(inventory: &Inventory, ns: &str, name: &str) -> Option<Released> {
    let sa = inventory.service_account(ns, name).filter(|sa| ours(sa))?;
    let pod_role = RoleArn::parse(objects::role_annotation(sa)).ok()?;
    let config = inventory
        .config_map_of(ns, name)
        .map(|c| objects::text(c, &format!("/data/{CONFIG_KEY}")))
        .unwrap_or_default();
    let targets = irsa_core::profiles::read(config)
        .iter()
        .filter(|p| !p.is_web_identity())
        .filter_map(|p| RoleArn::parse(p.role_arn()?).ok())
        .collect();
    Some(Released {
        sub: Subject {
            namespace: ns.to_owned(),
            name: name.to_owned(),
        }
        .sub(),
        pod_role,
        targets,
    })
}

/// `--iam`: each pod role loses the unbound service accounts under this cluster's
/// issuer (other clusters' statements stay); a pod role left with no statement of irsa's
/// releases the targets it chained into (their statement for it goes).
async fn release_iam(api: &Api, args: &Args, released: &[Released]) -> Result<(), Error> {
    let url = api
        .issuer()
        .await
        .map_err(|e| Error::Cluster(format!("cannot find the cluster's OIDC issuer: {e}")))?;
    let (issuer, _) = Issuer::parse(&url).map_err(|rule| {
        Error::Cluster(format!(
            "the cluster reports an issuer irsa cannot use: {rule}"
        ))
    })?;
    let issuer = issuer.id.as_str();
    // One plan per role, every service account leaving it at once.
    let mut roles: BTreeMap<String, (&RoleArn, Vec<String>, Vec<&RoleArn>)> = BTreeMap::new();
    for r in released {
        let entry = roles
            .entry(r.pod_role.to_string())
            .or_insert_with(|| (&r.pod_role, Vec::new(), Vec::new()));
        entry.1.push(r.sub.clone());
        for target in &r.targets {
            if !entry.2.iter().any(|k| k.same_role(target)) {
                entry.2.push(target);
            }
        }
    }
    let mut accounts: Vec<&str> = roles
        .values()
        .flat_map(|(pod, _, targets)| std::iter::once(*pod).chain(targets.iter().copied()))
        .map(|arn| arn.account.as_str())
        .collect();
    accounts.sort_unstable();
    accounts.dedup();
    let Some((first, _, _)) = roles.values().next() else {
        return Ok(());
    };
    let aws = args.aws.connect(&accounts, first.partition, None).await?;
    let mut changes = Vec::new();
    for (pod, subs, targets) in roles.values() {
        let removal = crate::iam::Removal::Subjects { issuer, subs };
        let iam = aws.iam(pod.account.as_str())?;
        let (change, released) =
            crate::iam::release(iam, pod.account.as_str(), &pod.name, removal).await?;
        changes.push(change);
        if !released {
            continue;
        }
        let pod_arn = pod.to_string();
        for target in targets {
            let removal = crate::iam::Removal::PodRole(&pod_arn);
            let iam = aws.iam(target.account.as_str())?;
            let (change, _) =
                crate::iam::release(iam, target.account.as_str(), &target.name, removal).await?;
            changes.push(change);
        }
    }
    if args.dry_run != DryRun::None {
        crate::printer::iam_dry_run(&changes, &mut std::io::stdout());
        return Ok(());
    }
    crate::iam::apply(&changes, &aws, &mut std::io::stdout()).await
}

/// Workloads of other service accounts in `ns` that mount the ConfigMap `config_map`.
fn mounted_elsewhere(inventory: &Inventory, ns: &str, sa: &str, config_map: &str) -> Vec<String> {
    inventory
        .workloads
        .iter()
        .filter(|(_, w)| objects::namespace(w) == ns)
        .filter_map(|(kind, w)| Some((kind, w, objects::pod_spec(w)?)))
        .filter(|(_, _, spec)| objects::service_account_of(spec) != sa)
        .filter(|(_, _, spec)| {
            objects::array(spec, "/volumes")
                .iter()
                .any(|v| objects::text(v, "/configMap/name") == config_map)
        })
        .map(|(kind, w, _)| objects::slash(kind.as_str(), objects::name(w)))
        .collect()
}

async fn unbind(
    api: &Api,
    inventory: &Inventory,
    ns: &str,
    name: &str,
    dry_run: DryRun,
) -> Result<(), Error> {
    let Some(sa) = inventory.service_account(ns, name) else {
        return Err(Error::Cluster(format!(
            "serviceaccount/{name} not found in namespace \"{ns}\""
        )));
    };
    // Workloads first, so no new pod mounts the ConfigMap about to go.
    let mut steps: Vec<(Resource, &Value)> = inventory
        .workloads_of(ns, name)
        .filter(|(_, w)| ours(w))
        .filter_map(|(kind, w)| Some((Resource::of_kind(kind.as_str())?, w)))
        .collect();
    // A ConfigMap another service account's workload mounts (a shared `configMap.name`)
    // stays whole: its pods read it at their next start.
    if let Some(config_map) = inventory.config_map_of(ns, name).filter(|c| ours(c)) {
        let users = mounted_elsewhere(inventory, ns, name, objects::name(config_map));
        if users.is_empty() {
            steps.push((api::CONFIG_MAP, config_map));
        } else {
            outln!(
                "configmap/{} kept: {} still mounts it",
                objects::name(config_map),
                users.join(", ")
            )?;
        }
    }
    if ours(sa) {
        steps.push((api::SERVICE_ACCOUNT, sa));
    }
    if steps.is_empty() {
        outln!("serviceaccount/{name} was not bound by kubectl irsa: nothing to unbind")?;
        return Ok(());
    }
    let suffix = match dry_run {
        DryRun::None => "",
        DryRun::Client => " (dry run)",
        DryRun::Server => " (server dry run)",
    };
    for (resource, object) in steps {
        let object_name = objects::name(object);
        // A ConfigMap only bind wrote is bind's: delete it, unless it changed meanwhile.
        let sole = managers(object).all(|(manager, _)| manager == FIELD_MANAGER);
        let verb = if resource == api::CONFIG_MAP && sole {
            if dry_run != DryRun::Client {
                let version = objects::text(object, "/metadata/resourceVersion");
                api.delete(
                    resource,
                    ns,
                    object_name,
                    Some(version),
                    dry_run == DryRun::Server,
                )
                .await?;
            }
            "deleted"
        } else {
            if dry_run != DryRun::Client {
                let empty = json!({"apiVersion": resource.group_version, "kind": resource.kind,
                    "metadata": {"name": object_name, "namespace": ns}});
                let options = ApplyOptions {
                    force: false,
                    dry_run: dry_run == DryRun::Server,
                };
                api.apply(&empty, options, None).await?;
            }
            "unbound"
        };
        outln!("{} {verb}{suffix}", resource.slash(object_name))?;
    }
    let running = inventory
        .pods_of(ns, name)
        .filter(|p| objects::has_credentials(p))
        .count();
    if running > 0 {
        eprintln!("{running} running pod(s) keep their credentials until they restart");
    }
    Ok(())
}
