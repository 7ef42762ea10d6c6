//! `kubectl irsa audit`: who can assume each role, and what is dangerous about its trust
//! policy — offline with `--trust-policy`, against a cluster's ServiceAccounts with
//! `--policies` (see `cluster_audit`). For CI gates.

use crate::cluster_audit;
use crate::context::ContextArgs;
use crate::printer::Format;
use crate::{Error, Outcome};
use irsa_core::audit::{self, Report, Risk};
use serde::Serialize;
use std::fmt::Write;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit codes: 0 no high finding, 1 a policy could not be parsed, 3 a file could not be read, 4 a high or critical finding.\n\nExamples:\n  kubectl irsa audit --trust-policy trust.json\n  aws iam get-role --role-name payments-api > role.json\n  kubectl irsa audit --trust-policy role.json -o json\n  kubectl irsa audit -A --from-iam"
)]
pub struct Args {
    /// Trust policy files: a policy document or `aws iam get-role` output (repeatable);
    /// `-` reads standard input
    #[arg(long = "trust-policy", value_name = "FILE", required_unless_present_any = ["policies", "all_namespaces", "namespace", "from_iam"])]
    files: Vec<String>,

    /// Match the cluster's annotated ServiceAccounts with these roles' trust policies: files
    /// named after the role (ROLE.json, ROLE.trust.json) or `aws iam get-role` output, or
    /// directories of them (repeatable)
    #[arg(long, value_name = "DIR|FILE", conflicts_with = "files")]
    policies: Vec<PathBuf>,

    /// Read each annotated role's trust policy from IAM (iam:GetRole) with the AWS SDK's
    /// default credentials, instead of files; accounts they do not reach are skipped
    #[arg(long, conflicts_with_all = ["files", "policies"])]
    from_iam: bool,

    #[command(flatten)]
    aws: crate::aws::AwsArgs,

    /// With --policies or --from-iam: every namespace
    #[arg(short = 'A', long, conflicts_with_all = ["files", "namespace"])]
    all_namespaces: bool,

    /// With --policies: the cluster's OIDC issuer (default: asked of the cluster)
    #[arg(long, value_name = "URL", conflicts_with = "files")]
    issuer: Option<String>,

    #[command(flatten)]
    context: ContextArgs,

    /// Output format: json or yaml; readable text when not given
    #[arg(short = 'o', long = "output", value_enum)]
    output: Option<Format>,

    /// The account's role trust policy length quota (IAM's default 2048; at most 8192)
    #[arg(long, default_value_t = irsa_core::spec::defaults::TRUST_POLICY_QUOTA, value_parser = clap::value_parser!(u64).range(1..=8192))]
    quota: u64,
}

#[derive(Serialize)]
struct Audited {
    file: String,
    #[serde(flatten)]
    report: Option<Report>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<audit::ParseError>,
}

impl Args {
    /// At most 8192, as clap checked.
    fn quota(&self) -> usize {
        usize::try_from(self.quota).unwrap_or(usize::MAX)
    }
}

pub fn run(args: Args) -> Result<Outcome, Error> {
    if args.files.is_empty() {
        return crate::live(cluster_audit::run(cluster_audit::Input {
            policies: &args.policies,
            from_iam: args.from_iam.then_some(&args.aws),
            context: &args.context,
            all_namespaces: args.all_namespaces,
            issuer: args.issuer.as_deref(),
            quota: args.quota(),
            output: args.output,
        }));
    }
    let mut results = Vec::new();
    for file in &args.files {
        let text = crate::input::read_spec(file)?;
        let (report, error) = match audit::analyze(&text, args.quota()) {
            Ok(report) => (Some(report), None),
            Err(e) => (None, Some(e)),
        };
        results.push(Audited {
            file: file.clone(),
            report,
            error,
        });
    }
    match args.output {
        Some(format) => out!("{}", crate::printer::value(&results, format))?,
        None => out!("{}", text(&results))?,
    }
    if results.iter().any(|r| r.error.is_some()) {
        return Ok(Outcome::Invalid);
    }
    let high = results
        .iter()
        .filter_map(|r| r.report.as_ref()?.worst())
        .any(|s| s >= Risk::High);
    Ok(if high {
        Outcome::Findings
    } else {
        Outcome::Done
    })
}

fn text(results: &[Audited]) -> String {
    let mut out = String::new();
    for r in results {
        let _ = writeln!(out, "{}", r.file);
        if let Some(e) = &r.error {
            let _ = writeln!(out, "  error: {e}");
            continue;
        }
        let Some(report) = &r.report else { continue };
        let _ = writeln!(out, "  who can assume it:");
        if report.access.is_empty() {
            let _ = writeln!(
                out,
                "    no service account (no statement lets an OIDC provider's tokens assume it)"
            );
        }
        for a in &report.access {
            let mut who: Vec<String> = Vec::new();
            if a.any_service_account {
                who.push("ANY service account".to_owned());
            }
            who.extend(a.service_accounts.iter().cloned());
            who.extend(a.patterns.iter().map(|p| format!("pattern {p}")));
            if !a.denied.is_empty() {
                who.push(format!("except {}", a.denied.join(", ")));
            }
            if who.is_empty() {
                who.push("no service account (no `sub` value names one)".to_owned());
            }
            let _ = writeln!(out, "    {}: {}", a.issuer, who.join(", "));
        }
        if report.findings.is_empty() {
            let _ = writeln!(out, "  no findings");
        }
        for f in &report.findings {
            out.push_str(&f.lines("  "));
        }
        if let Some(corrected) = &report.corrected {
            let _ = writeln!(out, "  corrected policy:");
            for line in corrected.lines() {
                let _ = writeln!(out, "    {line}");
            }
        }
    }
    out
}
