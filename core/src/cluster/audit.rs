//! A cluster audit: every ServiceAccount annotated with a role, matched with that role's
//! trust policy. Service accounts their role does not trust fail at run time; roles that
//! trust more than the service accounts using them are wider than needed.

use super::objects::{name, namespace, role_annotation, token_audience};
use crate::arn::AccountId;
use crate::audit::{Finding, Report, Risk};
use crate::eks::{AUDIENCE_ANNOTATION, TOKEN_AUDIENCE};
use serde::Serialize;
use serde_json::Value;
use std::fmt::Write;

/// One role's trust policy, analysed, and where it came from.
#[derive(Debug)]
pub struct Policy {
    pub role: PolicyRole,
    pub file: String,
    pub report: Report,
}

/// Which role a policy file is about: its name, and its account where the file tells it
/// (`aws iam get-role` output, or a file named `ACCOUNT-ROLE.trust.json`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyRole {
    pub account: Option<AccountId>,
    pub name: String,
}

impl PolicyRole {
    fn shown(&self) -> String {
        match &self.account {
            Some(account) => format!("{account}/{}", self.name),
            None => self.name.clone(),
        }
    }
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
    /// `None` when no policy was given for the role, or which one is meant is unclear.
    pub trusted: Option<bool>,
    /// Why no policy was matched, where files could be meant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The audience its annotation gives its pods' tokens, where it is not STS's ("" for
    /// the API server's own, which STS never takes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
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

/// The role a policy file is about: `Role.Arn` of `aws iam get-role` output, else the file
/// name without `.trust.json` or `.json` (as `kubectl irsa generate` names them), which
/// starts with the account where it is `ACCOUNT-ROLE`.
pub fn role_of(file_name: &str, text: &str) -> PolicyRole {
    let arn = serde_json::from_str::<Value>(text).ok().and_then(|v| {
        v.pointer("/Role/Arn")
            .and_then(Value::as_str)
            .and_then(|arn| crate::arn::RoleArn::parse(arn).ok())
    });
    if let Some(arn) = arn {
        return PolicyRole {
            account: Some(arn.account),
            name: arn.name,
        };
    }
    let stem = file_name.strip_suffix(".json").unwrap_or(file_name);
    let stem = stem.strip_suffix(".trust").unwrap_or(stem);
    let split = stem
        .split_once('-')
        .and_then(|(account, name)| Some((AccountId::parse(account).ok()?, name)));
    match split {
        Some((account, name)) if !name.is_empty() => PolicyRole {
            account: Some(account),
            name: name.to_owned(),
        },
        _ => PolicyRole {
            account: None,
            name: stem.to_owned(),
        },
    }
}

/// The policy for the role `arn`: one of its account and name (names compared as IAM
/// does, case-insensitively), else one named like it without an account — when the
/// cluster's annotations name that role in one account only. `Err` says which files
/// could be meant.
fn policy_for(
    policies: &[Policy],
    arn: &crate::arn::RoleArn,
    annotated: &[crate::arn::RoleArn],
) -> Result<Option<usize>, String> {
    let named = |p: &Policy| p.role.name.eq_ignore_ascii_case(&arn.name);
    let exact: Vec<usize> = (0..policies.len())
        .filter(|&i| {
            policies
                .get(i)
                .is_some_and(|p| named(p) && p.role.account.as_ref() == Some(&arn.account))
        })
        .collect();
    let loose: Vec<usize> = (0..policies.len())
        .filter(|&i| {
            policies
                .get(i)
                .is_some_and(|p| named(p) && p.role.account.is_none())
        })
        .collect();
    let accounts = annotated
        .iter()
        .filter(|a| a.name.eq_ignore_ascii_case(&arn.name))
        .map(|a| a.account.as_str())
        .collect::<std::collections::BTreeSet<_>>();
    let files = |ids: &[usize]| -> String {
        ids.iter()
            .filter_map(|&i| policies.get(i).map(|p| p.file.clone()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match (exact.as_slice(), loose.as_slice()) {
        ([one], _) => Ok(Some(*one)),
        ([], []) => Ok(None),
        ([], [one]) if accounts.len() <= 1 => Ok(Some(*one)),
        ([], _) if accounts.len() > 1 => Err(format!(
            "role name `{}` is in {} accounts here; {} does not say which: name the file ACCOUNT-{}.trust.json or give aws iam get-role output",
            arn.name,
            accounts.len(),
            files(&loose),
            arn.name
        )),
        (some, other) => Err(format!(
            "several trust policies for `{arn}`: {}",
            files(&[some, other].concat())
        )),
    }
}

/// Matches the annotated service accounts with the policies, for the cluster of `issuer`.
pub fn audit(service_accounts: &[Value], policies: Vec<Policy>, issuer: &str) -> ClusterReport {
    let host_path = issuer.trim_start_matches("https://").trim_end_matches('/');
    let mut roles: Vec<Role> = policies
        .iter()
        .map(|p| Role {
            role: p.role.shown(),
            file: p.file.clone(),
            used_by: Vec::new(),
            pod_role: !p.report.access.is_empty(),
            also_trusts: Vec::new(),
            findings: p.report.findings.clone(),
        })
        .collect();
    let annotated: Vec<crate::arn::RoleArn> = service_accounts
        .iter()
        .filter_map(|sa| crate::arn::RoleArn::parse(role_annotation(sa)).ok())
        .collect();
    let mut accounts = Vec::new();
    for sa in service_accounts {
        let role_arn = role_annotation(sa);
        if role_arn.is_empty() {
            continue;
        }
        let (ns, sa_name) = (namespace(sa), name(sa));
        let (index, note) = match crate::arn::RoleArn::parse(role_arn) {
            Ok(arn) => match policy_for(&policies, &arn, &annotated) {
                Ok(index) => (index, None),
                Err(note) => (None, Some(note)),
            },
            Err(reason) => (
                None,
                Some(format!("the annotation is no role ARN: {reason}")),
            ),
        };
        let audience = token_audience(sa);
        let trusted = index
            .and_then(|i| policies.get(i))
            .map(|p| p.report.admits(host_path, ns, sa_name, audience));
        if let Some(role) = index.and_then(|i| roles.get_mut(i)) {
            role.used_by.push(format!("{ns}/{sa_name}"));
        }
        accounts.push(Account {
            service_account: format!("{ns}/{sa_name}"),
            role_arn: role_arn.to_owned(),
            trusted,
            note,
            audience: (audience != TOKEN_AUDIENCE).then(|| audience.to_owned()),
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
    for access in report.access.iter().filter(|a| a.issuer.covers(issuer)) {
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
        let verdict = match (account.trusted, &account.note) {
            (Some(true), _) => "trusted by its role",
            (Some(false), _) => {
                "NOT TRUSTED by its role: its pods fail at AssumeRoleWithWebIdentity"
            }
            (None, Some(note)) => note,
            (None, None) => "no trust policy given for its role",
        };
        let tokens = match account.audience.as_deref() {
            Some("") => format!(
                " (an empty {AUDIENCE_ANNOTATION}: tokens for the API server's own audience)"
            ),
            Some(audience) => format!(" (tokens for `{audience}`: {AUDIENCE_ANNOTATION})"),
            None => String::new(),
        };
        let _ = writeln!(
            out,
            "  {} -> {}: {verdict}{tokens}",
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ISSUER: &str =
        "https://oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF";

    fn sa(name: &str, role: &str) -> Value {
        json!({"metadata": {"name": name, "namespace": "payments",
            "annotations": {"eks.amazonaws.com/role-arn": role}}})
    }

    fn policy(file: &str, subject: &str) -> Policy {
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringEquals":{{"oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:aud":"sts.amazonaws.com","oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub":"system:serviceaccount:payments:{subject}"}}}}}}]}}"#
        );
        let report = crate::audit::analyze(&text, 2048).unwrap();
        Policy {
            role: role_of(file, &text),
            file: file.to_owned(),
            report,
        }
    }

    /// An account whose ServiceAccount names another audience is trusted as its tokens
    /// are: by a policy for that audience, not by one for STS's, and said so.
    #[test]
    fn a_service_accounts_audience_decides_its_trust() {
        let mut account = sa("a", "arn:aws:iam::111122223333:role/api");
        account["metadata"]["annotations"][AUDIENCE_ANNOTATION] = json!("vault");
        let accounts = [account];
        let report = audit(&accounts, vec![policy("api.json", "a")], ISSUER);
        let a = &report.service_accounts[0];
        assert_eq!(
            (a.trusted, a.audience.as_deref()),
            (Some(false), Some("vault"))
        );
        assert!(
            text(&report).contains("NOT TRUSTED by its role: its pods fail at AssumeRoleWithWebIdentity (tokens for `vault`: eks.amazonaws.com/audience)"),
            "{}",
            text(&report)
        );
        let mut for_vault = policy("api.json", "a");
        let text_for_vault = r#"{"Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:aud":"vault","oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF:sub":"system:serviceaccount:payments:a"}}}]}"#;
        for_vault.report = crate::audit::analyze(text_for_vault, 2048).unwrap();
        let report = audit(&accounts, vec![for_vault], ISSUER);
        assert_eq!(report.service_accounts[0].trusted, Some(true));
    }

    /// A role is matched by its full ARN: a file named only by the role's name is read
    /// where the cluster's annotations name that role in one account.
    #[test]
    fn roles_match_by_account_and_name() {
        let accounts = [
            sa("a", "arn:aws:iam::111122223333:role/api"),
            sa("b", "arn:aws:iam::444455556666:role/API"),
        ];
        let report = audit(&accounts, vec![policy("api.trust.json", "a")], ISSUER);
        assert!(report.service_accounts.iter().all(|a| a.trusted.is_none()));
        assert!(
            report.service_accounts.iter().all(|a| a
                .note
                .as_deref()
                .is_some_and(|n| n.contains("is in 2 accounts here"))),
            "{:?}",
            report.service_accounts
        );
        let report = audit(
            &accounts,
            vec![
                policy("111122223333-api.trust.json", "a"),
                policy("444455556666-api.trust.json", "a"),
            ],
            ISSUER,
        );
        let trusted: Vec<Option<bool>> =
            report.service_accounts.iter().map(|a| a.trusted).collect();
        assert_eq!(trusted, [Some(true), Some(false)]);
        // One account: the name alone is enough.
        let report = audit(&accounts[..1], vec![policy("api.json", "a")], ISSUER);
        assert_eq!(report.service_accounts[0].trusted, Some(true));
    }
}
