//! `kubectl irsa bind`: applies the core's Kubernetes objects to the current context with
//! server-side apply, one request per object, and says what the AWS side still needs.

use crate::api::{self, Api, ApiError, ApplyOptions, Change};
use crate::aws::AwsArgs;
use crate::context::{Context, ContextArgs};
use crate::input::{Defaults, SpecInput};
use crate::printer::{self, Format};
use crate::{Error, Outcome, pods};
use irsa_core::Kind;
use irsa_core::cluster::{doctor, objects, pods as judged};
use irsa_core::eks::SKIP_CONTAINERS_ANNOTATION;
use irsa_core::eks::{ROLE_ARN_ANNOTATION, TOKEN_AUDIENCE};
use irsa_core::finding::Visible;
use irsa_core::k8s::CONFIG_KEY;
use irsa_core::spec::WorkloadKind;
use irsa_core::webhook::skipped;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DryRun {
    None,
    /// Send nothing; print the objects
    Client,
    /// Ask the API server to validate and merge, without persisting (dryRun=All)
    Server,
}

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kubectl irsa bind payments/api --role payments-api\n  kubectl irsa bind payments/api --role payments-api --iam   # the IAM side too\n  kubectl irsa bind api -n payments --role payments-api \\\n    --assume deploy=arn:aws:iam::444455556666:role/payments-deploy \\\n    --workload deployment/api --restart\n  kubectl irsa bind -f irsa.yaml --dry-run=server -o yaml\n\nThe issuer, account and cluster name come from the cluster and an EKS context\n(`aws eks update-kubeconfig`); --issuer and --account override them."
)]
pub struct Args {
    #[command(flatten)]
    input: SpecInput,
    #[command(flatten)]
    context: ContextArgs,
    /// Restart the workloads whose pods started without AWS credentials
    #[arg(long)]
    restart: bool,
    /// Re-point a ServiceAccount that another tool annotated with a different role
    #[arg(long)]
    overwrite: bool,
    /// Take over fields that other field managers set to other values
    #[arg(long)]
    force_conflicts: bool,
    /// Allow binding a `default` ServiceAccount, which every pod without one runs as
    #[arg(long)]
    allow_default_service_account: bool,
    /// `client` sends nothing, `server` sends dryRun=All
    #[arg(long, value_enum, default_value = "none", num_args = 0..=1, require_equals = true, default_missing_value = "client")]
    dry_run: DryRun,
    /// Print the applied objects as `json` or `yaml`
    #[arg(short = 'o', long = "output", value_enum)]
    output: Option<Format>,
    /// Also write the whole bundle (IAM policies, scripts, Terraform, ...) under DIR
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
    /// Also create or update the IAM side, before the objects (OIDC provider, pod role,
    /// target roles), with the AWS SDK's default credentials; in roles that exist only
    /// irsa's own trust statements and the spec's settings change
    #[arg(long)]
    iam: bool,
    #[command(flatten)]
    aws: AwsArgs,
}

pub async fn run(mut args: Args) -> Result<Outcome, Error> {
    let context = args.context.connect().await?;
    for sa in &mut args.input.service_accounts {
        if !sa.contains('/') {
            *sa = format!("{}/{sa}", context.namespace);
        }
    }
    let Some((bundle, plan)) = checked_plan(&args, &context).await? else {
        return Ok(Outcome::Invalid);
    };
    let objects = irsa_core::render::kubernetes::objects(&plan);
    if args.dry_run == DryRun::Client {
        if args.iam {
            iam_side(&plan, &args).await?;
        }
        out!(
            "{}",
            printer::objects(&objects, args.output.unwrap_or(Format::Yaml))
        )?;
        return Ok(Outcome::Done);
    }
    if let Some(dir) = &args.out_dir {
        let keep: Vec<&str> = bundle.artifacts.iter().map(|a| a.path.as_str()).collect();
        crate::generate::write_out_dir(dir, &bundle.artifacts, &keep, false)?;
        eprintln!("wrote the bundle under {}", dir.display());
    }
    let running = running_pods(&context.api, &objects, &args).await?;
    // IAM before the applies (the role must exist before pods use it), after every check
    // that can refuse the bind: a refused bind changes nothing.
    if args.iam {
        iam_side(&plan, &args).await?;
    }
    let applied = apply_all(&context.api, &objects, running.before, &args).await?;
    if let Some(format) = args.output {
        let objects: Vec<Value> = applied.iter().map(|(o, _)| o.clone()).collect();
        out!("{}", printer::objects(&objects, format))?;
    }
    sdk_warnings(&objects, &applied);
    audience_warnings(&applied);
    restart(
        &context.api,
        &args,
        &running.waiting,
        &running.stale,
        &applied,
    )
    .await?;
    if !args.iam {
        iam_note(&bundle, args.out_dir.is_some());
    }
    Ok(Outcome::Done)
}

/// The bundle and its plan, diagnostics printed; `None` when the spec is invalid. Refuses
/// the `default` ServiceAccount unless allowed.
async fn checked_plan(
    args: &Args,
    context: &Context,
) -> Result<Option<(irsa_core::Bundle, irsa_core::Plan)>, Error> {
    let defaults = defaults(args, context).await?;
    let (bundle, plan) = args.input.bundle_and_plan(&defaults)?;
    args.input.report(&bundle.diagnostics);
    if bundle.has_errors() {
        if bundle.diagnostics.iter().any(|d| d.field == "account") {
            eprintln!("hint: pass --account, or use an EKS context named by its cluster ARN");
        }
        return Ok(None);
    }
    let Some(plan) = plan else {
        return Ok(None);
    };
    if !args.allow_default_service_account {
        if let Some(refusal) = irsa_core::cluster::default_service_account_refusal(&plan) {
            return Err(Error::Refused(format!(
                "{refusal}; create a dedicated one, or pass --allow-default-service-account"
            )));
        }
    }
    // A Job's pod template cannot change once the Job exists (the API server refuses it
    // as immutable), and before it exists the patch alone is no Job.
    // Invalid input for bind (exit 1), as a spec error is; generate still writes the patch.
    if let Some(job) = plan.workloads.iter().find(|w| w.kind == WorkloadKind::Job) {
        eprintln!(
            "error: job/{} cannot be wired in the cluster: a Job's pod template cannot change once it exists; add the workload patch (kubectl irsa generate writes it) to the Job's manifest before creating it, or wire the CronJob that makes it",
            job.name
        );
        return Ok(None);
    }
    Ok(Some((bundle, plan)))
}

/// Pods running as the service accounts before this bind.
#[derive(Debug, Default)]
struct Running {
    /// Started without credentials.
    waiting: Vec<Value>,
    /// Run with a role the ServiceAccount no longer names after this bind.
    stale: Vec<Value>,
    /// The newest pod list's resourceVersion: it dates this moment (see `Api::apply`).
    before: Option<u64>,
}

/// Lists each ServiceAccount's pods; refuses to re-point a ServiceAccount pods run with
/// unless --overwrite.
async fn running_pods(api: &Api, objects: &[Value], args: &Args) -> Result<Running, Error> {
    let mut running = Running::default();
    for sa in objects
        .iter()
        .filter(|o| objects::text(o, "/kind") == "ServiceAccount")
    {
        let ns = objects::text(sa, "/metadata/namespace");
        let list = match pods::of_service_account(api, ns, objects::name(sa)).await {
            Ok(list) => list,
            // Binding needs no pod access: without it, only the pod check is skipped.
            Err(e) if e.code == Some(403) && !args.restart => {
                eprintln!(
                    "warning: {e}\n  (skipped the check for pods that started without credentials)"
                );
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        running.before = running.before.max(list.resource_version);
        // Running pods hold the role their ServiceAccount had when they started: one that
        // differs means this bind re-points the ServiceAccount under them, whoever
        // annotated it before (kubectl irsa included).
        let role = objects::role_annotation(sa);
        if !args.overwrite {
            if let Some((pod, arn)) = list
                .items
                .iter()
                .find_map(|p| Some((p, judged::stale_role(p, Some(role))?)))
            {
                return Err(Error::Refused(format!(
                    "{} is bound to {arn} (pod {} runs with it); binding {role} re-points it at the pods' next start: pass --overwrite to do so",
                    slash(sa),
                    objects::name(pod)
                )));
            }
        }
        let judgement = judged::judge(&list.items, Some(role));
        running
            .waiting
            .extend(judgement.waiting.into_iter().cloned());
        running.stale.extend(judgement.stale.into_iter().cloned());
    }
    Ok(running)
}

/// Applies every object in order, a line each; on a failure, names those already applied.
async fn apply_all(
    api: &Api,
    objects: &[Value],
    before: Option<u64>,
    args: &Args,
) -> Result<Vec<(Value, Change)>, Error> {
    let options = ApplyOptions {
        force: false,
        dry_run: args.dry_run == DryRun::Server,
    };
    let mut applied: Vec<(Value, Change)> = Vec::new();
    for object in objects {
        match apply(api, object, options, before, args).await {
            Ok(done) => {
                if args.output.is_none() {
                    outln!(
                        "{}",
                        printer::applied(object, done.change.word(), options.dry_run)
                    )?;
                }
                applied.push((done.object, done.change));
            }
            Err(error) => {
                if !applied.is_empty() {
                    let names: Vec<String> = applied.iter().map(|(o, _)| slash(o)).collect();
                    eprintln!("already applied: {}", names.join(", "));
                }
                return Err(error);
            }
        }
    }
    Ok(applied)
}

/// `--iam`: reads the IAM side, then creates or updates it, or shows what a dry run would
/// change. Its lines go to stdout with the objects' lines, to stderr when stdout carries
/// the objects themselves.
async fn iam_side(plan: &irsa_core::Plan, args: &Args) -> Result<(), Error> {
    let model = &plan.iam;
    let accounts: Vec<&str> = model.accounts().iter().map(|a| a.id.as_str()).collect();
    let aws = args
        .aws
        .connect(&accounts, plan.partition, plan.region())
        .await?;
    let changes = crate::iam::plan(model, &aws, plan.spec.trust_policy_quota).await?;
    let mut out: Box<dyn std::io::Write> =
        if args.output.is_some() || args.dry_run == DryRun::Client {
            Box::new(std::io::stderr())
        } else {
            Box::new(std::io::stdout())
        };
    if !model.associations.is_empty() {
        eprintln!(
            "note: --iam makes the roles; the EKS Pod Identity associations are EKS's: run pod-identity/associations.sh of the bundle (--out-dir DIR)"
        );
    }
    if args.dry_run != DryRun::None {
        printer::iam_dry_run(&changes, &mut out);
        return Ok(());
    }
    crate::iam::apply(&changes, &aws, &mut out).await
}

/// The containers of the wired workloads, as the server merged them, where some AWS SDK
/// would not act as the role the container asks for (a hand-set AWS_PROFILE, mostly).
fn sdk_warnings(objects: &[Value], applied: &[(Value, Change)]) {
    let of_kind = |kind: &'static str| {
        objects
            .iter()
            .filter(move |o| objects::text(o, "/kind") == kind)
    };
    for (workload, _) in applied {
        let Some(kind) = WorkloadKind::parse(objects::text(workload, "/kind")) else {
            continue;
        };
        let ns = objects::namespace(workload);
        let Some(spec) = objects::pod_spec(workload) else {
            continue;
        };
        let sa_name = objects::service_account_of(spec);
        let Some(sa) = of_kind("ServiceAccount")
            .find(|o| objects::namespace(o) == ns && objects::name(o) == sa_name)
        else {
            continue;
        };
        let role = Some(objects::role_annotation(sa)).filter(|r| !r.is_empty());
        // Every container wired here reads the ServiceAccount's ConfigMap.
        let config = of_kind("ConfigMap")
            .find(|o| objects::namespace(o) == ns)
            .map(|c| objects::text(c, &format!("/data/{CONFIG_KEY}")));
        let configs: Vec<(&str, &str)> = objects::containers(spec)
            .filter(|c| objects::env_value(c, "AWS_CONFIG_FILE").is_some())
            .filter_map(|c| Some((objects::text(c, "/name"), config?)))
            .collect();
        let wiring = doctor::Wiring {
            role,
            pod_identity: role.is_none(),
            ns,
            sa: sa_name,
        };
        for check in doctor::sdk_checks(kind, workload, &wiring, &configs) {
            if check.finding.severity != doctor::Level::Pass {
                warn(&check);
            }
        }
    }
}

/// The annotated ServiceAccounts, as the server merged them, whose pods' tokens another
/// manager's annotation makes for an audience the trust irsa writes does not take.
fn audience_warnings(applied: &[(Value, Change)]) {
    for (sa, _) in applied {
        let audience = objects::token_audience(sa);
        if objects::text(sa, "/kind") == "ServiceAccount"
            && !objects::role_annotation(sa).is_empty()
            && audience != TOKEN_AUDIENCE
        {
            let source = format!("serviceaccount/{}", objects::name(sa));
            let mut check = doctor::audience_check(objects::namespace(sa), &source, audience);
            check.finding.message +=
                &format!("; the trust policy irsa writes takes `{TOKEN_AUDIENCE}` only");
            warn(&check);
        }
    }
}

fn warn(check: &doctor::Check) {
    eprintln!("warning: {}", Visible(&check.finding.message));
    if let Some(help) = &check.finding.help {
        eprintln!("  help: {}", Visible(help));
    }
}

/// Issuer, account, partition and cluster name the flags did not give.
async fn defaults(args: &Args, context: &Context) -> Result<Defaults, Error> {
    let mut defaults = Defaults {
        account: context.eks.account.clone(),
        partition: context.eks.partition.clone(),
        cluster_name: context.eks.cluster_name.clone(),
        issuer: None,
    };
    if args.input.filename.is_none() && args.input.flags.issuers.is_empty() {
        // A read, as kubectl's client dry run reads too; a client dry run writes nothing.
        let issuer = context.api.issuer().await.map_err(|e| {
            Error::Cluster(format!(
                "cannot find the cluster's OIDC issuer: {e}\n  hint: pass --issuer URL (aws eks describe-cluster --query cluster.identity.oidc.issuer)"
            ))
        })?;
        check_eks_issuer(&issuer, context.eks.region.as_deref())?;
        eprintln!("issuer: {issuer} (reported by the cluster)");
        defaults.issuer = Some(issuer);
    } else if !args.input.flags.issuers.is_empty() {
        eprintln!("issuer: {} (--issuer)", args.input.flags.issuers.join(", "));
    } else {
        eprintln!("issuer: as the spec names it");
    }
    Ok(defaults)
}

/// On an EKS context, the issuer the cluster reports must be EKS's for the context's
/// region: an answer from elsewhere (a proxy, another cluster) would put a foreign
/// issuer into the pod role's trust policy.
fn check_eks_issuer(issuer: &str, region: Option<&str>) -> Result<(), Error> {
    let Some(region) = region else {
        return Ok(());
    };
    let host = issuer
        .strip_prefix("https://")
        .and_then(|rest| rest.split('/').next())
        .unwrap_or_default();
    let expected = [
        format!("oidc.eks.{region}.amazonaws.com"),
        format!("oidc.eks.{region}.amazonaws.com.cn"),
    ];
    if expected.iter().any(|e| e == host) {
        return Ok(());
    }
    Err(Error::Cluster(format!(
        "the cluster reports the issuer `{}`, but an EKS cluster in {region} has one on `{}`\n  hint: pass --issuer URL if this issuer is right (aws eks describe-cluster --query cluster.identity.oidc.issuer)",
        crate::api::redacted(issuer),
        expected[0]
    )))
}

/// One apply; on a conflict, a second one with force when the flags allow every field.
async fn apply(
    api: &Api,
    object: &Value,
    options: ApplyOptions,
    before: Option<u64>,
    args: &Args,
) -> Result<api::Applied, Error> {
    // The webhook's skip list is one annotation for every container: always merge the
    // names already there, so a later bind never drops another tool's containers.
    let merged;
    let object = if skip_list(object).is_some() {
        merged = with_live_skip_list(api, object).await?;
        &merged
    } else {
        object
    };
    let error = match api.apply(object, options, before).await {
        Ok(done) if options.dry_run => return dry_run_change(api, object, done).await,
        Ok(done) => return Ok(done),
        Err(error) if error.code == Some(409) && !error.conflicts.is_empty() => error,
        Err(error) => return Err(workload_hint(object, error)),
    };
    let role_field = format!(".metadata.annotations.{ROLE_ARN_ANNOTATION}");
    let (role, other): (Vec<_>, Vec<_>) = error
        .conflicts
        .iter()
        .partition(|(field, _)| *field == role_field);
    if let Some((_, manager)) = role.first().filter(|_| !args.overwrite) {
        return Err(Error::Refused(format!(
            "{} is already annotated with another role (set by \"{manager}\"); pass --overwrite to re-point it",
            slash(object)
        )));
    }
    if !other.is_empty() && !args.force_conflicts {
        let fields: Vec<String> = other
            .iter()
            .map(|(field, manager)| {
                let keep = if field.ends_with(SKIP_CONTAINERS_ANNOTATION) {
                    "; --force-conflicts keeps its containers and adds irsa's"
                } else {
                    ""
                };
                format!("  {field} (managed by \"{manager}\"{keep})")
            })
            .collect();
        return Err(Error::Refused(format!(
            "{}: other field managers set these fields to other values:\n{}\npass --force-conflicts to take them over",
            slash(object),
            fields.join("\n")
        )));
    }
    let forced = ApplyOptions {
        force: true,
        ..options
    };
    let done = api.apply(object, forced, before).await?;
    if options.dry_run {
        return dry_run_change(api, object, done).await;
    }
    Ok(done)
}

/// The pod template's skip-containers annotation of a workload object, if any.
fn skip_list(object: &Value) -> Option<&str> {
    ["/spec/template", "/spec/jobTemplate/spec/template"]
        .iter()
        .find_map(|t| object.pointer(&format!("{t}/metadata/annotations")))
        .and_then(|a| a.get(SKIP_CONTAINERS_ANNOTATION))
        .and_then(Value::as_str)
}

/// `object` with the pod template's skip-containers list merged with the live one: the
/// names already there first, then irsa's.
async fn with_live_skip_list(api: &Api, object: &Value) -> Result<Value, Error> {
    let resource = api::Resource::of_kind(objects::text(object, "/kind"))
        .ok_or_else(|| Error::Cluster(format!("cannot read back {}", slash(object))))?;
    let live = match api
        .get(resource, objects::namespace(object), objects::name(object))
        .await
    {
        Ok(live) => live,
        // No workload yet: the apply says so.
        Err(e) if e.code == Some(404) => return Ok(object.clone()),
        Err(e) => return Err(e.into()),
    };
    let pointer = |o: &Value| {
        ["/spec/template", "/spec/jobTemplate/spec/template"]
            .into_iter()
            .map(|t| format!("{t}/metadata/annotations"))
            .find(|p| o.pointer(p).is_some())
    };
    let names = |o: &Value| -> Vec<String> {
        skipped(skip_list(o).unwrap_or_default())
            .into_iter()
            .map(String::from)
            .collect()
    };
    let mut merged = names(&live);
    for name in names(object) {
        if !merged.contains(&name) {
            merged.push(name);
        }
    }
    let mut object = object.clone();
    if let Some(annotations) = pointer(&object).and_then(|p| object.pointer_mut(&p)) {
        annotations[SKIP_CONTAINERS_ANNOTATION] = Value::String(merged.join(","));
    }
    Ok(object)
}

/// A dry run persists nothing, so no resourceVersion tells whether it changed the
/// object: compare the server's merged result with the stored object instead.
async fn dry_run_change(
    api: &Api,
    object: &Value,
    mut done: api::Applied,
) -> Result<api::Applied, Error> {
    if done.change == Change::Created {
        return Ok(done);
    }
    let Some(resource) = api::Resource::of_kind(objects::text(object, "/kind")) else {
        return Ok(done);
    };
    let ns = objects::text(object, "/metadata/namespace");
    let stored = api.get(resource, ns, objects::name(object)).await?;
    let content = |o: &Value| {
        let mut o = o.clone();
        if let Some(meta) = o.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.remove("managedFields");
            meta.remove("resourceVersion");
        }
        o
    };
    done.change = if content(&stored) == content(&done.object) {
        Change::Unchanged
    } else {
        Change::Configured
    };
    Ok(done)
}

/// A workload patch naming a container the workload lacks adds an empty one, which the
/// server rejects for its missing image; a missing workload fails the same way.
fn workload_hint(object: &Value, error: ApiError) -> Error {
    let message = error.to_string();
    if objects::pod_spec(object).is_some() && message.contains("Required value") {
        let name = objects::name(object);
        return Error::Cluster(format!(
            "{message}\n  hint: does {} exist, and does it have a container named as --container says (default: `{name}`)?",
            slash(object)
        ));
    }
    Error::Cluster(message)
}

/// Restarts, or names, the workloads of pods that started without credentials.
async fn restart(
    api: &Api,
    args: &Args,
    waiting: &[Value],
    stale: &[Value],
    applied: &[(Value, Change)],
) -> Result<(), Error> {
    let names = |pods: &[Value]| {
        pods.iter()
            .map(objects::name)
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !waiting.is_empty() {
        eprintln!(
            "{} pod(s) started before the role was bound and have no AWS credentials: {}",
            waiting.len(),
            names(waiting)
        );
    }
    if !stale.is_empty() {
        eprintln!(
            "{} pod(s) still run with the previous role until they restart: {}",
            stale.len(),
            names(stale)
        );
    }
    // A workload whose pod template this bind changed is rolling out already.
    let rolling: BTreeSet<String> = applied
        .iter()
        .filter(|(o, change)| *change != Change::Unchanged && objects::pod_spec(o).is_some())
        .map(|(o, _)| slash(o))
        .collect();
    let mut owners = BTreeSet::new();
    let pods: Vec<&Value> = waiting.iter().chain(stale).collect();
    let namespaces: BTreeSet<&str> = pods.iter().map(|p| objects::namespace(p)).collect();
    for ns in namespaces {
        let here: Vec<&Value> = pods
            .iter()
            .copied()
            .filter(|p| objects::namespace(p) == ns)
            .collect();
        let (workloads, orphans) = judged::restart_targets(&here);
        for pod in orphans {
            let pod = objects::name(pod);
            eprintln!(
                "  pod {pod} has no workload to restart: delete it (kubectl delete pod {pod} -n {ns}) to recreate it with credentials"
            );
        }
        owners.extend(
            workloads
                .into_iter()
                .map(|(kind, name)| (kind.as_str(), ns.to_owned(), name)),
        );
    }
    let now = pods::now_rfc3339();
    for (kind, ns, name) in owners {
        let Some(resource) = api::Resource::of_kind(kind) else {
            continue;
        };
        let slashed = resource.slash(&name);
        if rolling.contains(&slashed) {
            eprintln!("  {slashed} is rolling out with the new wiring");
        } else if !args.restart {
            eprintln!(
                "  restart it: kubectl rollout restart {slashed} -n {ns} (or bind with --restart)"
            );
        } else if args.dry_run == DryRun::Server {
            eprintln!("  {slashed} would be restarted (server dry run)");
        } else {
            api.merge_patch(resource, &ns, &name, &pods::restart_patch(&now))
                .await?;
            outln!("{slashed} restarted")?;
        }
    }
    Ok(())
}

/// The IAM half, which bind does not create.
fn iam_note(bundle: &irsa_core::Bundle, written: bool) {
    let roles: Vec<String> = bundle
        .artifacts
        .iter()
        .filter(|a| a.kind == Kind::TrustPolicy)
        .map(|a| {
            format!(
                "  {} (trust policy {})",
                a.role.clone().unwrap_or_default(),
                a.path
            )
        })
        .collect();
    if roles.is_empty() {
        return;
    }
    eprintln!(
        "The IAM roles are not created by bind without --iam:\n{}",
        roles.join("\n")
    );
    if !written {
        eprintln!(
            "Pass --iam to create them too, or write them with --out-dir DIR and run DIR/aws-cli/create-iam.sh or DIR/terraform."
        );
    }
}

fn slash(object: &Value) -> String {
    objects::slash(objects::text(object, "/kind"), objects::name(object))
}
