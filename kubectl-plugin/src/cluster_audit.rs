//! `kubectl irsa audit --policies …` on a cluster: every annotated ServiceAccount matched
//! with its role's trust policy. Service accounts their role does not trust fail at run
//! time; roles that trust more than the service accounts using them are wider than needed.

use crate::api::SERVICE_ACCOUNT;
use crate::bind::cluster;
use crate::context::ContextArgs;
use crate::inventory;
use crate::printer::Format;
use crate::{Error, Outcome, pods};
use irsa_core::audit::{self, Finding, Report, Risk};
use irsa_core::render::kubernetes::ROLE_ARN_ANNOTATION;
use serde::Serialize;
use serde_json::Value;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// One role's trust policy, from a file named after the role or `aws iam get-role` output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Role {
    role: String,
    file: String,
    /// Annotated service accounts of this cluster that name the role.
    used_by: Vec<String>,
    /// Whether any OIDC provider may assume the role: false for roles that only other
    /// roles assume (targets), which no service account uses directly.
    pod_role: bool,
    /// Whom the policy lets in beyond them, for this cluster's issuer.
    also_trusts: Vec<String>,
    findings: Vec<Finding>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Account {
    service_account: String,
    role_arn: String,
    /// `None` when no policy was given for the role.
    trusted: Option<bool>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ClusterReport {
    issuer: String,
    service_accounts: Vec<Account>,
    roles: Vec<Role>,
}

pub struct Input<'a> {
    pub policies: &'a [PathBuf],
    pub context: &'a ContextArgs,
    pub all_namespaces: bool,
    pub issuer: Option<&'a str>,
    pub quota: usize,
    pub output: Option<Format>,
}

pub async fn run(input: Input<'_>) -> Result<Outcome, Error> {
    let mut roles = Vec::new();
    let mut reports = Vec::new();
    let mut invalid = false;
    for file in policy_files(input.policies)? {
        let text = std::fs::read_to_string(&file).map_err(|source| Error::Read {
            path: file.display().to_string(),
            source,
        })?;
        match audit::analyze(&text, input.quota) {
            Ok(report) => {
                roles.push(Role {
                    role: role_name(&file, &text),
                    file: file.display().to_string(),
                    used_by: Vec::new(),
                    pod_role: !report.access.is_empty(),
                    also_trusts: Vec::new(),
                    findings: report.findings.clone(),
                });
                reports.push(report);
            }
            Err(e) => {
                eprintln!("error: {}: {} (at {})", file.display(), e.message, e.at);
                invalid = true;
            }
        }
    }
    let context = input.context.connect().await?;
    let issuer = match input.issuer {
        Some(issuer) => issuer.to_owned(),
        None => context.api.issuer().await.map_err(|e| {
            Error::Cluster(format!(
                "cannot find the cluster's OIDC issuer: {e}\n  hint: pass --issuer URL"
            ))
        })?,
    };
    let host_path = issuer
        .trim_start_matches("https://")
        .trim_end_matches('/')
        .to_owned();
    let namespace = (!input.all_namespaces).then_some(context.namespace.as_str());
    let service_accounts = context
        .api
        .list(SERVICE_ACCOUNT, namespace, None, None)
        .await
        .map_err(cluster)?
        .items;
    let pointer = format!(
        "/metadata/annotations/{}",
        ROLE_ARN_ANNOTATION.replace('/', "~1")
    );
    let mut accounts = Vec::new();
    for sa in &service_accounts {
        let role_arn = pods::text(sa, &pointer);
        if role_arn.is_empty() {
            continue;
        }
        let (ns, name) = (inventory::namespace(sa), pods::name(sa));
        let role_name = role_arn.rsplit('/').next().unwrap_or(role_arn);
        let index = roles.iter().position(|r| r.role == role_name);
        let trusted = index
            .and_then(|i| reports.get(i))
            .map(|r| r.admits(&host_path, ns, name));
        if let Some(role) = index.and_then(|i| roles.get_mut(i)) {
            role.used_by.push(format!("{ns}/{name}"));
        }
        accounts.push(Account {
            service_account: format!("{ns}/{name}"),
            role_arn: role_arn.to_owned(),
            trusted,
        });
    }
    for (role, report) in roles.iter_mut().zip(&reports) {
        role.also_trusts = wider(report, &host_path, &role.used_by);
    }
    let report = ClusterReport {
        issuer: host_path,
        service_accounts: accounts,
        roles,
    };
    match input.output {
        Some(Format::Json) => println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        ),
        Some(Format::Yaml) => print!("{}", serde_saphyr::to_string(&report).unwrap_or_default()),
        None => print!("{}", text(&report)),
    }
    let failing = report
        .service_accounts
        .iter()
        .any(|a| a.trusted == Some(false))
        || report
            .roles
            .iter()
            .flat_map(|r| &r.findings)
            .any(|f| f.severity >= Risk::High);
    Ok(if invalid {
        Outcome::Invalid
    } else if failing {
        Outcome::Findings
    } else {
        Outcome::Done
    })
}

/// The files of `--policies`: files as given; in a directory, its `.json` files except
/// the permissions policies `kubectl irsa generate` writes beside the trust policies.
fn policy_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut files = Vec::new();
    for path in paths {
        if !path.is_dir() {
            files.push(path.clone());
            continue;
        }
        let entries = std::fs::read_dir(path).map_err(|source| Error::Read {
            path: path.display().to_string(),
            source,
        })?;
        let mut found: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                name.ends_with(".json") && !name.ends_with(".permissions.json")
            })
            .collect();
        found.sort();
        files.extend(found);
    }
    Ok(files)
}

/// `Role.RoleName` of `aws iam get-role` output, else the file name without `.trust.json`
/// or `.json`.
fn role_name(file: &Path, text: &str) -> String {
    let from_json = serde_json::from_str::<Value>(text).ok().and_then(|v| {
        v.pointer("/Role/RoleName")
            .and_then(Value::as_str)
            .map(str::to_owned)
    });
    from_json.unwrap_or_else(|| {
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let name = name.strip_suffix(".json").unwrap_or(name);
        name.strip_suffix(".trust").unwrap_or(name).to_owned()
    })
}

/// What the policy admits from this cluster beyond the service accounts that use it.
fn wider(report: &Report, issuer: &str, used_by: &[String]) -> Vec<String> {
    let mut extra = Vec::new();
    for access in report
        .access
        .iter()
        .filter(|a| a.issuer == "*" || a.issuer.eq_ignore_ascii_case(issuer))
    {
        if access.any_service_account {
            extra.push("any service account".to_owned());
        }
        extra.extend(
            access
                .service_accounts
                .iter()
                .filter(|sa| !used_by.contains(sa))
                .cloned(),
        );
        extra.extend(access.patterns.iter().map(|p| format!("pattern {p}")));
    }
    extra
}

fn text(report: &ClusterReport) -> String {
    let mut out = format!("cluster issuer: {}\n", report.issuer);
    let _ = writeln!(out, "service accounts:");
    if report.service_accounts.is_empty() {
        let _ = writeln!(out, "  none with an IAM role");
    }
    for account in &report.service_accounts {
        let verdict = match account.trusted {
            Some(true) => "trusted by its role".to_owned(),
            Some(false) => {
                "NOT TRUSTED by its role: its pods fail at AssumeRoleWithWebIdentity".to_owned()
            }
            None => "no trust policy given for its role".to_owned(),
        };
        let _ = writeln!(
            out,
            "  {} -> {}: {verdict}",
            account.service_account, account.role_arn
        );
    }
    let _ = writeln!(out, "roles:");
    for role in &report.roles {
        let used = match (role.pod_role, role.used_by.is_empty()) {
            (false, true) => "trusts no OIDC provider (not a pod role)".to_owned(),
            (_, true) => "used by no service account of this cluster".to_owned(),
            _ => format!("used by {}", role.used_by.join(", ")),
        };
        let _ = writeln!(out, "  {} ({}): {used}", role.role, role.file);
        if !role.also_trusts.is_empty() {
            let _ = writeln!(out, "    also trusts: {}", role.also_trusts.join(", "));
        }
        for f in &role.findings {
            let severity = crate::audit::severity(f.severity);
            let _ = writeln!(
                out,
                "    {severity} [{}]: {}\n      fix: {}",
                f.code, f.message, f.fix
            );
        }
    }
    out
}
