//! `kubectl irsa audit --trust-policy FILE…`: who can assume each role, and what is
//! dangerous about its trust policy — offline, for CI gates.

use crate::printer::Format;
use crate::{Error, Outcome};
use irsa_core::audit::{self, Report, Risk};
use serde::Serialize;
use std::fmt::Write;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit codes: 0 no high finding, 1 a policy could not be read or parsed, 4 a high or critical finding.\n\nExamples:\n  kubectl irsa audit --trust-policy trust.json\n  aws iam get-role --role-name payments-api > role.json && kubectl irsa audit --trust-policy role.json -o json"
)]
pub struct Args {
    /// Trust policy files: a policy document or `aws iam get-role` output (repeatable)
    #[arg(long = "trust-policy", value_name = "FILE", required = true)]
    files: Vec<String>,

    /// Output format: json or yaml; readable text when not given
    #[arg(short = 'o', long = "output", value_enum)]
    output: Option<Format>,

    /// The account's role trust policy length quota
    #[arg(long, default_value_t = irsa_core::spec::defaults::TRUST_POLICY_QUOTA as usize)]
    quota: usize,
}

#[derive(Serialize)]
struct Audited {
    file: String,
    #[serde(flatten)]
    report: Option<Report>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<audit::ParseError>,
}

pub fn run(args: Args) -> Result<Outcome, Error> {
    let mut results = Vec::new();
    for file in &args.files {
        let text = std::fs::read_to_string(file).map_err(|source| Error::Read {
            path: file.clone(),
            source,
        })?;
        let (report, error) = match audit::analyze(&text, args.quota) {
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
        Some(Format::Json) => println!(
            "{}",
            serde_json::to_string_pretty(&results).unwrap_or_default()
        ),
        Some(Format::Yaml) => print!("{}", serde_saphyr::to_string(&results).unwrap_or_default()),
        None => print!("{}", text(&results)),
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
            let at = if e.at.is_empty() {
                String::new()
            } else {
                format!(" at {}", e.at)
            };
            let _ = writeln!(out, "  error{at}: {}", e.message);
            continue;
        }
        let Some(report) = &r.report else { continue };
        let _ = writeln!(out, "  who can assume it:");
        if report.access.is_empty() {
            let _ = writeln!(
                out,
                "    no service account (no OIDC provider is trusted for sts:AssumeRoleWithWebIdentity)"
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
            let _ = writeln!(out, "    {}: {}", a.issuer, who.join(", "));
        }
        if report.findings.is_empty() {
            let _ = writeln!(out, "  no findings");
        }
        for f in &report.findings {
            let at = if f.at.is_empty() {
                String::new()
            } else {
                format!(" {}", f.at)
            };
            let severity = serde_json::to_value(f.severity)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {severity} [{}]{at}: {}\n    fix: {}",
                f.code, f.message, f.fix
            );
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
