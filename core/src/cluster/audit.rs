//! A cluster audit: every ServiceAccount annotated with a role, matched with that role's
//! trust policy. Service accounts their role does not trust fail at run time; roles that
//! trust more than the service accounts using them are wider than needed.

use super::objects::{name, namespace, role_annotation};
use crate::audit::{Finding, Report, Risk};
use serde::Serialize;
use serde_json::Value;
use std::fmt::Write;

/// One role's trust policy, analysed, and where it came from.
#[derive(Debug)]
pub struct Policy {
    pub role: String,
    pub file: String,
    pub report: Report,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Role {
    pub role: String,
    pub file: String,
    /// Annotated service accounts of this cluster that name the role.
    pub used_by: Vec<String>,
    /// Whether any OIDC provider may assume the role: false for roles that only other
    /// roles assume (targets), which no service account uses directly.
    pub pod_role: bool,
    /// Whom the policy lets in beyond them, for this cluster's issuer.
    pub also_trusts: Vec<String>,
    pub findings: Vec<Finding>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    pub service_account: String,
    pub role_arn: String,
    /// `None` when no policy was given for the role.
    pub trusted: Option<bool>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterReport {
    pub issuer: String,
    pub service_accounts: Vec<Account>,
    pub roles: Vec<Role>,
}

impl ClusterReport {
    /// An untrusted service account or a high finding: what a CI gate fails on.
    pub fn failing(&self) -> bool {
        self.service_accounts
            .iter()
            .any(|a| a.trusted == Some(false))
            || self
                .roles
                .iter()
                .flat_map(|r| &r.findings)
                .any(|f| f.severity >= Risk::High)
    }
}

/// The role a policy file is about: `Role.RoleName` of `aws iam get-role` output, else the
/// file name without `.trust.json` or `.json` (as `kubectl irsa generate` names them).
pub fn role_name(file_name: &str, text: &str) -> String {
    let from_json = serde_json::from_str::<Value>(text).ok().and_then(|v| {
        v.pointer("/Role/RoleName")
            .and_then(Value::as_str)
            .map(str::to_owned)
    });
    from_json.unwrap_or_else(|| {
        let stem = file_name.strip_suffix(".json").unwrap_or(file_name);
        stem.strip_suffix(".trust").unwrap_or(stem).to_owned()
    })
}

/// Matches the annotated service accounts with the policies, for the cluster of `issuer`.
pub fn audit(service_accounts: &[Value], policies: Vec<Policy>, issuer: &str) -> ClusterReport {
    let host_path = issuer.trim_start_matches("https://").trim_end_matches('/');
    let mut roles: Vec<Role> = policies
        .iter()
        .map(|p| Role {
            role: p.role.clone(),
            file: p.file.clone(),
            used_by: Vec::new(),
            pod_role: !p.report.access.is_empty(),
            also_trusts: Vec::new(),
            findings: p.report.findings.clone(),
        })
        .collect();
    let mut accounts = Vec::new();
    for sa in service_accounts {
        let role_arn = role_annotation(sa);
        if role_arn.is_empty() {
            continue;
        }
        let (ns, sa_name) = (namespace(sa), name(sa));
        let role_name = role_arn.rsplit('/').next().unwrap_or(role_arn);
        let index = policies.iter().position(|p| p.role == role_name);
        let trusted = index
            .and_then(|i| policies.get(i))
            .map(|p| p.report.admits(host_path, ns, sa_name));
        if let Some(role) = index.and_then(|i| roles.get_mut(i)) {
            role.used_by.push(format!("{ns}/{sa_name}"));
        }
        accounts.push(Account {
            service_account: format!("{ns}/{sa_name}"),
            role_arn: role_arn.to_owned(),
            trusted,
        });
    }
    for (role, policy) in roles.iter_mut().zip(&policies) {
        role.also_trusts = wider(&policy.report, host_path, &role.used_by);
    }
    ClusterReport {
        issuer: host_path.to_owned(),
        service_accounts: accounts,
        roles,
    }
}

/// What a policy admits from this cluster beyond the service accounts that use it.
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

/// The report as text for people.
pub fn text(report: &ClusterReport) -> String {
    let mut out = format!("cluster issuer: {}\n", report.issuer);
    let _ = writeln!(out, "service accounts:");
    if report.service_accounts.is_empty() {
        let _ = writeln!(out, "  none with an IAM role");
    }
    for account in &report.service_accounts {
        let verdict = match account.trusted {
            Some(true) => "trusted by its role",
            Some(false) => "NOT TRUSTED by its role: its pods fail at AssumeRoleWithWebIdentity",
            None => "no trust policy given for its role",
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
            out.push_str(&f.lines("    "));
        }
    }
    out
}
