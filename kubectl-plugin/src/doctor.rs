//! `kubectl irsa doctor`: reads what irsa-core's cluster::doctor judges — the namespace's
//! objects, the webhook's configuration, a trust policy — and prints its checks.

use crate::api::Api;
use crate::context::ContextArgs;
use crate::inventory;
use crate::printer::{self, Format};
use crate::{Error, Outcome};
use irsa_core::arn::RoleArn;
use irsa_core::cluster::doctor::{self, Level, Target, Trust, Webhook};
use irsa_core::cluster::objects;
use irsa_core::spec::WorkloadKind;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kubectl irsa doctor payments/api\n  kubectl irsa doctor deployment/api -n payments --trust-policy trust.json\n  kubectl irsa doctor payments/api --from-iam\n\nExit code 4 when a check fails."
)]
pub struct Args {
    /// A ServiceAccount (NAME, NAMESPACE/NAME or sa/NAME) or a workload (KIND/NAME, e.g. deployment/api)
    target: String,
    #[command(flatten)]
    context: ContextArgs,
    /// Also check that this trust policy (JSON, or `aws iam get-role` output) trusts the service account
    #[arg(long, value_name = "FILE")]
    trust_policy: Option<PathBuf>,
    /// Also check the trust policy of the service account's role, read from IAM
    /// (iam:GetRole) with the AWS SDK's default credentials
    #[arg(long, conflicts_with = "trust_policy")]
    from_iam: bool,
    #[command(flatten)]
    aws: crate::aws::AwsArgs,
    /// The cluster's OIDC issuer, for --trust-policy (default: asked of the cluster)
    #[arg(long, value_name = "URL")]
    issuer: Option<String>,
    /// Output format: `json` or `yaml`; lines when not given
    #[arg(short = 'o', long = "output", value_enum)]
    output: Option<Format>,
}

pub async fn run(args: Args) -> Result<Outcome, Error> {
    let (workload, namespace, name) = target(&args.target)?;
    let context = args.context.connect().await?;
    let namespace = namespace.unwrap_or(&context.namespace).to_owned();
    let inventory = inventory::load(&context.api, Some(&namespace)).await?;
    let webhook = webhook(&context.api).await;
    let trust = match trust_source(&args, &inventory, workload, &namespace, name).await? {
        Some(Source::Text { text, from }) => {
            Some(trust(&context.api, &text, from, args.issuer.as_deref()).await)
        }
        Some(Source::NoRole(role)) => Some(Trust::NoRole(role.to_string())),
        None => None,
    };
    let target = Target {
        namespace: &namespace,
        name,
        workload,
    };
    let checks = doctor::diagnose(&inventory, target, &webhook, trust)
        .map_err(|missing| Error::Cluster(missing.to_string()))?;
    match args.output {
        Some(format) => out!(
            "{}",
            printer::value(&serde_json::json!({"checks": checks}), format)
        )?,
        None => out!("{}", printer::checks(&checks))?,
    }
    Ok(
        if checks.iter().any(|c| c.finding.severity == Level::Fail) {
            Outcome::Findings
        } else {
            Outcome::Done
        },
    )
}

/// Whether the pod identity webhook is configured, as far as the cluster says.
async fn webhook(api: &Api) -> Webhook {
    match api.webhook(doctor::WEBHOOK).await {
        Ok(_) => Webhook::Configured,
        Err(e) if e.code == Some(404) => Webhook::Missing,
        Err(e) => Webhook::Unknown(e.message),
    }
}

/// Where the trust policy to check comes from.
enum Source {
    /// Its text, and where it was read (a file, or `iam:ARN`).
    Text { text: String, from: String },
    /// `--from-iam`, and IAM has no role by the annotated ARN.
    NoRole(RoleArn),
}

/// `--trust-policy FILE`, or with `--from-iam` the annotated role's policy in IAM; `None`
/// when neither is asked for, or the service account names no role.
async fn trust_source(
    args: &Args,
    inventory: &irsa_core::cluster::Inventory,
    workload: Option<WorkloadKind>,
    namespace: &str,
    name: &str,
) -> Result<Option<Source>, Error> {
    if let Some(path) = &args.trust_policy {
        let text = crate::input::read_file(path)?;
        let from = path.display().to_string();
        return Ok(Some(Source::Text { text, from }));
    }
    if !args.from_iam {
        return Ok(None);
    }
    let sa = match workload {
        Some(kind) => inventory
            .workloads
            .iter()
            .find(|(k, w)| *k == kind && objects::name(w) == name)
            .and_then(|(_, w)| objects::pod_spec(w))
            .map(objects::service_account_of)
            .unwrap_or_default(),
        None => name,
    };
    let Some(role) = inventory
        .service_account(namespace, sa)
        .and_then(|sa| RoleArn::parse(objects::role_annotation(sa)).ok())
    else {
        return Ok(None);
    };
    let iam = args
        .aws
        .client(role.account.as_str(), role.partition, None)
        .await?;
    Ok(Some(match crate::iam::get_role(&iam, &role.name).await? {
        Some(live) => Source::Text {
            text: live.trust.to_json(),
            from: format!("iam:{role}"),
        },
        None => Source::NoRole(role),
    }))
}

/// `deployment/api` is a workload; `payments/api` and `api` are service accounts (in -n's
/// namespace when none is given), and so is `sa/api` or `serviceaccount/api`, as kubectl
/// writes them (a namespace named as a kind is reached with -n). Checked before any
/// request.
fn target(text: &str) -> Result<(Option<WorkloadKind>, Option<&str>, &str), Error> {
    let (first, name) = match text.split_once('/') {
        Some((first, name)) => (Some(first), name),
        None => (None, text),
    };
    if name.is_empty() || name.contains('/') || first == Some("") {
        return Err(Error::Usage(format!(
            "`{text}` is not NAME, NAMESPACE/NAME or KIND/NAME"
        )));
    }
    // `deployment.apps/api`, as kubectl prints it, names a Deployment too.
    let kind = first.map(|k| k.split('.').next().unwrap_or(k));
    if matches!(kind, Some("sa" | "serviceaccount" | "serviceaccounts")) {
        return Ok((None, None, name));
    }
    match kind.and_then(WorkloadKind::parse) {
        Some(kind) => Ok((Some(kind), None, name)),
        None => Ok((None, first, name)),
    }
}

/// The trust policy analysed, with the issuer it is checked against.
async fn trust(api: &Api, text: &str, file: String, issuer: Option<&str>) -> Trust {
    let quota = irsa_core::spec::defaults::TRUST_POLICY_QUOTA as usize;
    let report = match irsa_core::audit::analyze(text, quota) {
        Ok(report) => report,
        Err(error) => return Trust::Unreadable { file, error },
    };
    let issuer = match issuer {
        Some(issuer) => issuer.to_owned(),
        None => match api.issuer().await {
            Ok(issuer) => issuer,
            Err(e) => return Trust::NoIssuer(e.to_string()),
        },
    };
    Trust::Analysed {
        report,
        issuer,
        file,
    }
}
