//! Auditing any trust policy: who can assume the role through each OIDC provider, and what
//! is dangerous about it, with IAM's semantics (string-or-list values, NotAction,
//! NotPrincipal, Deny, every string operator with ForAnyValue/ForAllValues and IfExists,
//! Null, case-insensitive condition keys). Each finding names its rule, its risk, where it
//! is, what is wrong and how to fix it; where the intent is clear, a corrected policy is
//! proposed.

use crate::arn::AccountId;
use crate::finding::Visible;
use crate::node::Node;
use crate::policy::{PolicyDocument, Principal, Statement};
use serde::Serialize;

crate::wire::wire_enum! {
    /// How much a finding matters (its `severity`). `high` and `critical` fail `kubectl irsa audit`.
    pub enum Risk {
        Low => "low",
        Medium => "medium",
        High => "high",
        Critical => "critical",
    }
}

crate::wire::wire_enum! {
    /// The rule a finding breaks: its stable `code`. Renaming one is a breaking change.
    pub enum Rule {
        NoSub => "no-sub",
        WildcardSub => "wildcard-sub",
        MissingAud => "missing-aud",
        WildcardWithoutLike => "wildcard-without-like",
        SubNotAServiceAccount => "sub-not-a-service-account",
        OidcWrongAction => "oidc-wrong-action",
        PrincipalStar => "principal-star",
        NotPrincipal => "not-principal",
        ResourceInTrust => "resource-in-trust",
        RootWithoutExternalId => "root-without-external-id",
        ForAllValuesSub => "for-all-values-sub",
        NegatedSub => "negated-sub",
        OpaqueSub => "opaque-sub",
        OpaqueAud => "opaque-aud",
        PodIdentityOpen => "pod-identity-open",
        TooLarge => "too-large",
        WildcardAud => "wildcard-aud",
        AudNotSts => "aud-not-sts",
        ClaimKeyNeverSet => "claim-key-never-set",
        PodIdentityAnyCluster => "pod-identity-any-cluster",
    }
}

/// What is dangerous in a trust policy; its path is where (`Statement[1]`,
/// `Statement[0].Condition`), its help the fix.
pub type Finding = crate::finding::Finding<Rule, Risk>;

#[cfg(feature = "tsify")]
#[wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)]
const FINDING_TYPE: &str = "export type AuditFinding = Finding<Rule, Risk>;";

/// Who can assume the role through one OIDC provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Access {
    /// The provider's issuer (host and path), `*` for `Principal: "*"`, or a principal
    /// that is no provider ARN, as written.
    #[cfg_attr(feature = "tsify", tsify(type = "string"))]
    pub issuer: Trusted,
    /// The provider's account, from its ARN: the account the role is in.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional, type = "string"))]
    pub account: Option<AccountId>,
    /// Every service account of the cluster (no `sub` condition, or one that admits all).
    pub any_service_account: bool,
    /// Exact `namespace/name` pairs.
    pub service_accounts: Vec<String>,
    /// `sub` patterns (`StringLike`), as written.
    pub patterns: Vec<String>,
    /// Denied again by a Deny statement, as written.
    pub denied: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub access: Vec<Access>,
    #[cfg_attr(feature = "tsify", tsify(type = "AuditFinding[]"))]
    pub findings: Vec<Finding>,
    /// The policy rewritten with irsa's rules, when what it meant is clear.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub corrected: Option<String>,
    /// The statements, to tell who gets in with a token of a given audience.
    #[serde(skip)]
    statements: Vec<ParsedStatement>,
}

/// Whose tokens a statement trusts: one OIDC provider's issuer, or with `Principal: "*"`
/// anyone's. On the wire, the issuer or `*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Trusted {
    Any,
    Issuer(String),
}

impl Trusted {
    fn of(text: String) -> Self {
        if text == "*" {
            Trusted::Any
        } else {
            Trusted::Issuer(text)
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Trusted::Any => "*",
            Trusted::Issuer(issuer) => issuer,
        }
    }

    /// Whether tokens of the cluster with `issuer` (host and path) are trusted here.
    pub fn covers(&self, issuer: &str) -> bool {
        match self {
            Trusted::Any => true,
            Trusted::Issuer(own) => own.eq_ignore_ascii_case(issuer),
        }
    }
}

impl std::fmt::Display for Trusted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Trusted {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl Report {
    pub fn worst(&self) -> Option<Risk> {
        self.findings.iter().map(|f| f.severity).max()
    }

    /// Whether the pods of service account `namespace/name` of the cluster with `issuer`
    /// (host and path) may assume the role with their tokens, whose audience is
    /// `sts.amazonaws.com` unless the ServiceAccount sets another: what a cluster audit and
    /// doctor ask of every annotated account. An empty audience is the API server's own
    /// (a projected token that names none), which STS never takes.
    pub fn admits(&self, issuer: &str, namespace: &str, name: &str, audience: &str) -> bool {
        if audience.is_empty() {
            return false;
        }
        let sub = format!("{SUB_PREFIX}{namespace}:{name}");
        let pair = format!("{namespace}/{name}");
        admitted(&self.statements, Some(audience), &mut Vec::new())
            .iter()
            .filter(|a| a.issuer.covers(issuer))
            .any(|a| {
                let allowed = a.any_service_account
                    || a.service_accounts.contains(&pair)
                    || a.patterns.iter().any(|p| like(p, &sub));
                allowed && !a.denied.iter().any(|d| d == "*" || like(d, &sub))
            })
    }
}

/// A malformed policy: where, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct ParseError {
    /// Where reading stopped, as a finding's field: `Statement[1].Principal`.
    pub field: String,
    pub message: String,
}

/// `message (at field)`, escaped for a terminal: the policy's text is anyone's.
impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", Visible(&self.message))?;
        if !self.field.is_empty() {
            write!(f, " (at {})", Visible(&self.field))?;
        }
        Ok(())
    }
}

const WEB_IDENTITY: &str = "sts:assumerolewithwebidentity";
const SUB_PREFIX: &str = "system:serviceaccount:";

/// One parsed condition: `ForAnyValue:StringLikeIfExists` -> set, base operator, IfExists.
#[derive(Debug, Clone, PartialEq)]
struct Condition {
    set: Option<String>,
    operator: String,
    if_exists: bool,
    key: String,
    values: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
struct ParsedStatement {
    at: String,
    allow: bool,
    /// `None` for `Principal: "*"`.
    principals: Option<Vec<Principal>>,
    not_principal: bool,
    actions: Vec<String>,
    not_action: bool,
    has_resource: bool,
    conditions: Vec<Condition>,
}

fn error(at: &str, message: impl Into<String>) -> ParseError {
    ParseError {
        field: at.to_owned(),
        message: message.into(),
    }
}

/// The policy document (out of `get-role` output where it is one) and its statements.
fn parse_statements(text: &str) -> Result<(Node, Vec<ParsedStatement>), ParseError> {
    let json = |text: &str, at: &str| {
        serde_json::from_str::<Node>(text).map_err(|e| {
            // Where a text ends early, serde_json's position is past its end: say what is
            // missing instead.
            let why = match e.classify() {
                serde_json::error::Category::Eof => {
                    "it ends early (a closing `}`, `]` or `\"` is missing)".to_owned()
                }
                _ => e.to_string(),
            };
            error(at, format!("not JSON: {why}"))
        })
    };
    // Editors on Windows save JSON with a byte order mark; JSON parsers refuse it.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(error(
            "",
            "it is empty: give a trust policy, or `aws iam get-role` output",
        ));
    }
    let mut doc = json(text, "")?;
    // `aws iam get-role` output, or the document under its key; IAM's own API returns
    // the document URL-encoded, the CLI decoded.
    let mut at = "";
    if let Some(inner) = get(&doc, "Role").and_then(|r| get(r, "AssumeRolePolicyDocument")) {
        doc = inner.clone();
        at = "Role.AssumeRolePolicyDocument";
    } else if let Some(inner) = get(&doc, "AssumeRolePolicyDocument") {
        doc = inner.clone();
        at = "AssumeRolePolicyDocument";
    }
    if let Node::Str(encoded) = &doc {
        doc = if encoded.trim_start().starts_with('{') {
            json(encoded, at)?
        } else {
            let decoded = url_decoded(encoded)
                .ok_or_else(|| error(at, "neither JSON nor URL-encoded JSON (a `%` escape, or the UTF-8 it decodes to, is broken)"))?;
            json(&decoded, at)?
        };
    }
    let statements = match get(&doc, "Statement") {
        Some(Node::Seq(items)) => items.clone(),
        Some(one @ Node::Map(_)) => vec![one.clone()],
        Some(_) => return Err(error("Statement", "expected a statement or a list of them")),
        None if get(&doc, "Roles").is_some() => {
            return Err(error(
                "Roles",
                "`aws iam list-roles` output holds many roles: give one role's `aws iam get-role` output",
            ));
        }
        None => return Err(error("", "not a policy document: it has no `Statement`")),
    };
    let parsed = statements
        .iter()
        .enumerate()
        .map(|(i, s)| statement(s, &format!("Statement[{i}]")))
        .collect::<Result<_, _>>()?;
    Ok((doc, parsed))
}

/// `%7B%22Version…` as IAM's API returns a policy, decoded; `None` for a broken `%`
/// escape or text that is not UTF-8 once decoded.
fn url_decoded(text: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.bytes();
    while let Some(b) = rest.next() {
        if b == b'%' {
            let hex = [rest.next()?, rest.next()?];
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            bytes.push(u8::from_str_radix(std::str::from_utf8(&hex).ok()?, 16).ok()?);
        } else {
            bytes.push(b);
        }
    }
    String::from_utf8(bytes).ok()
}

/// The value of `key` in a JSON object.
fn get<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    match node {
        Node::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
        _ => None,
    }
}

fn strings(value: &Node, at: &str) -> Result<Vec<String>, ParseError> {
    let one = |v: &Node| match v {
        Node::Str(s) => Ok(s.clone()),
        Node::Bool(b) => Ok(b.to_string()),
        Node::Int(n) => Ok(n.to_string()),
        Node::Float(n) => Ok(n.to_string()),
        _ => Err(error(at, "expected a string or a list of strings")),
    };
    match value {
        Node::Seq(items) => items.iter().map(one).collect(),
        other => Ok(vec![one(other)?]),
    }
}

fn statement(value: &Node, at: &str) -> Result<ParsedStatement, ParseError> {
    let Node::Map(_) = value else {
        return Err(error(at, "expected an object"));
    };
    let field = |key: &str| get(value, key);
    let allow = match field("Effect") {
        Some(Node::Str(e)) if e == "Allow" => true,
        Some(Node::Str(e)) if e == "Deny" => false,
        _ => return Err(error(&format!("{at}.Effect"), "must be `Allow` or `Deny`")),
    };
    let (principal, not_principal) = match (field("Principal"), field("NotPrincipal")) {
        (Some(p), None) => (p, false),
        (None, Some(p)) => (p, true),
        _ => {
            return Err(error(
                at,
                "needs exactly one of `Principal` and `NotPrincipal`",
            ));
        }
    };
    let principals = match principal {
        Node::Str(s) if s == "*" => None,
        Node::Map(kinds) => {
            let mut out = Vec::new();
            for (kind, ids) in kinds {
                let at = format!("{at}.Principal.{kind}");
                for id in strings(ids, &at)? {
                    // Fail closed: a principal type the audit cannot judge is no report.
                    let principal = Principal::of_key(kind, id).ok_or_else(|| {
                        error(
                            &at,
                            format!("`{kind}` is not a principal type: IAM knows `AWS`, `Federated`, `Service` and `CanonicalUser`"),
                        )
                    })?;
                    out.push(principal);
                }
            }
            Some(out)
        }
        _ => {
            return Err(error(
                &format!("{at}.Principal"),
                "expected `*` or an object",
            ));
        }
    };
    let (actions, not_action) = match (field("Action"), field("NotAction")) {
        (Some(a), None) => (strings(a, &format!("{at}.Action"))?, false),
        (None, Some(a)) => (strings(a, &format!("{at}.NotAction"))?, true),
        _ => return Err(error(at, "needs exactly one of `Action` and `NotAction`")),
    };
    let mut conditions = Vec::new();
    match field("Condition") {
        None => {}
        Some(Node::Map(ops)) => {
            for (op, keys) in ops {
                let Node::Map(keys) = keys else {
                    return Err(error(
                        &format!("{at}.Condition.{op}"),
                        "expected an object of keys",
                    ));
                };
                let (set, rest) = match op.split_once(':') {
                    Some((set, rest)) => (Some(set.to_owned()), rest),
                    None => (None, op.as_str()),
                };
                let (operator, if_exists) = match rest.strip_suffix("IfExists") {
                    Some(base) => (base.to_owned(), true),
                    None => (rest.to_owned(), false),
                };
                for (key, values) in keys {
                    let values = strings(values, &format!("{at}.Condition.{op}.{key}"))?;
                    conditions.push(Condition {
                        set: set.clone(),
                        operator: operator.clone(),
                        if_exists,
                        key: key.clone(),
                        values,
                    });
                }
            }
        }
        Some(_) => return Err(error(&format!("{at}.Condition"), "expected an object")),
    }
    Ok(ParsedStatement {
        at: at.to_owned(),
        allow,
        principals,
        not_principal,
        actions,
        not_action,
        has_resource: field("Resource").is_some() || field("NotResource").is_some(),
        conditions,
    })
}

/// IAM `*`/`?` matching.
pub(crate) fn like(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti, mut star, mut mark) = (0usize, 0usize, None, 0usize);
    while ti < t.len() {
        match (p.get(pi), t.get(ti)) {
            (Some('?'), _) => {
                pi += 1;
                ti += 1;
            }
            (Some('*'), _) => {
                star = Some(pi);
                mark = ti;
                pi += 1;
            }
            (Some(a), Some(b)) if a == b => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some(s) => {
                    pi = s + 1;
                    mark += 1;
                    ti = mark;
                }
                None => return false,
            },
        }
    }
    p.get(pi..).unwrap_or_default().iter().all(|c| *c == '*')
}

fn is_wildcard(s: &str) -> bool {
    s.contains(['*', '?'])
}

impl Condition {
    /// A positive, fully understood string match: `StringEquals` or `StringLike`, alone or
    /// under `ForAnyValue:` or `ForAllValues:` (which [`Self::false_when_absent`] tells
    /// apart), without `IfExists`. Anything else on `sub` or `aud` (`Null`, negation,
    /// numeric, date, ARN or binary operators, `IfExists`) counts as open.
    fn is_positive_match(&self) -> bool {
        matches!(
            self.set.as_deref(),
            None | Some("ForAnyValue") | Some("ForAllValues")
        ) && matches!(self.operator.as_str(), "StringEquals" | "StringLike")
            && !self.if_exists
    }

    /// Whether a positive match admits `value`: `StringLike` values are patterns.
    fn admits(&self, value: &str) -> bool {
        if self.operator == "StringLike" {
            self.values.iter().any(|p| like(p, value))
        } else {
            self.values.iter().any(|v| v == value)
        }
    }

    /// Whether a plain string condition (no set operator, no `IfExists`) holds for a
    /// request whose key has the single `value`; `None` for any other.
    fn holds_for(&self, value: &str) -> Option<bool> {
        if self.set.is_some() || self.if_exists {
            return None;
        }
        let like = self.values.iter().any(|p| like(p, value));
        let equal = self.values.iter().any(|v| v == value);
        match self.operator.as_str() {
            "StringEquals" => Some(equal),
            "StringLike" => Some(like),
            "StringNotEquals" => Some(!equal),
            "StringNotLike" => Some(!like),
            _ => None,
        }
    }

    /// A match that is false when its key is absent: positive, and not `ForAllValues:`
    /// (true for no values at all).
    fn false_when_absent(&self) -> bool {
        self.is_positive_match() && self.set.as_deref() != Some("ForAllValues")
    }

    /// Whether it pins its key to named values, as a guard must: false without the key,
    /// and no pattern (`*`, `?*`, `arn:aws:eks:*:*:cluster/*` name no one).
    fn names_values(&self) -> bool {
        self.false_when_absent()
            && !self.values.is_empty()
            && !(self.operator == "StringLike" && self.values.iter().any(|v| is_wildcard(v)))
    }

    /// The operator as written: `ForAnyValue:StringLikeIfExists`.
    fn written(&self) -> String {
        let set = self
            .set
            .as_deref()
            .map(|s| format!("{s}:"))
            .unwrap_or_default();
        let if_exists = if self.if_exists { "IfExists" } else { "" };
        format!("{set}{}{if_exists}", self.operator)
    }
}

impl ParsedStatement {
    fn allows_action(&self, action: &str) -> bool {
        let any = self
            .actions
            .iter()
            .any(|a| like(&a.to_ascii_lowercase(), action));
        any != self.not_action
    }

    /// The OIDC issuers (host + path) this statement's principal covers.
    fn oidc_issuers(&self) -> Vec<String> {
        self.oidc_providers()
            .into_iter()
            .map(|(issuer, _)| issuer)
            .collect()
    }

    /// Each trusted OIDC provider: its issuer (host and path) and, when its ARN says, its
    /// account.
    fn oidc_providers(&self) -> Vec<(String, Option<AccountId>)> {
        match &self.principals {
            None => vec![("*".to_owned(), None)],
            Some(list) => list
                .iter()
                .filter_map(|p| match p {
                    Principal::Federated(id) => Some(id),
                    _ => None,
                })
                .map(|id| match id.split_once(":oidc-provider/") {
                    Some((head, issuer)) => {
                        let account = head
                            .rsplit(':')
                            .next()
                            .and_then(|a| AccountId::parse(a).ok());
                        (issuer.to_owned(), account)
                    }
                    None => (id.clone(), None),
                })
                .collect(),
        }
    }

    /// Conditions meant for the token's `sub` or `aud` under a key IAM never sets: the
    /// issuer written with `https://`, or as its provider's ARN (karpenter-provider-aws#1666).
    fn claims_never_set<'a>(&'a self, issuer: &str) -> Vec<&'a Condition> {
        let issuer = issuer.to_ascii_lowercase();
        self.conditions
            .iter()
            .filter(|c| {
                let key = c.key.to_ascii_lowercase();
                let Some(named) = key
                    .strip_suffix(":sub")
                    .or_else(|| key.strip_suffix(":aud"))
                else {
                    return false;
                };
                named == format!("https://{issuer}")
                    || (named.starts_with("arn:")
                        && named.ends_with(&format!(":oidc-provider/{issuer}")))
            })
            .collect()
    }

    fn conditions_on<'a>(
        &'a self,
        issuer: &'a str,
        claim: &'a str,
    ) -> impl Iterator<Item = &'a Condition> + 'a {
        self.conditions.iter().filter(move |c| {
            let key = c.key.to_ascii_lowercase();
            key == format!("{}:{claim}", issuer.to_ascii_lowercase())
                || (issuer == "*" && key.ends_with(&format!(":{claim}")))
        })
    }
}

/// Analyses a trust policy; `quota` is the account's trust-policy size quota.
pub fn analyze(text: &str, quota: usize) -> Result<Report, ParseError> {
    let Assessed {
        statements,
        mut access,
        findings,
    } = assess(text, quota)?;
    for a in &mut access {
        a.service_accounts.sort();
        a.service_accounts.dedup();
        a.patterns.sort();
        a.patterns.dedup();
    }
    // A correction is offered only where it clears a finding: one that merely rewrites
    // the policy in irsa's own shape would be shown as a fix that fixes nothing.
    let corrected = if findings.is_empty() {
        None
    } else {
        correct(&statements, &access)
            .filter(|c| assess(c, quota).is_ok_and(|after| after.findings.len() < findings.len()))
    };
    Ok(Report {
        access,
        findings,
        corrected,
        statements,
    })
}

/// What a policy's statements say, before any correction is considered.
struct Assessed {
    statements: Vec<ParsedStatement>,
    access: Vec<Access>,
    findings: Vec<Finding>,
}

/// The Allow (`allow`) or Deny statements that speak of web identities.
fn trusting(statements: &[ParsedStatement], allow: bool) -> impl Iterator<Item = &ParsedStatement> {
    statements
        .iter()
        .filter(move |s| s.allow == allow && !s.not_principal && s.allows_action(WEB_IDENTITY))
}

/// Who gets in with a token of `audience`, or with any token where it is `None`: per
/// provider, what the Allow statements whose every positive match on `aud` admits it
/// allow (conditions of one statement must all hold), less what Deny statements take away.
/// Findings on the way go to `findings`.
fn admitted(
    statements: &[ParsedStatement],
    audience: Option<&str>,
    findings: &mut Vec<Finding>,
) -> Vec<Access> {
    let mut access: Vec<Access> = Vec::new();
    for s in trusting(statements, true) {
        for (issuer, account) in s.oidc_providers() {
            let never_set = s.claims_never_set(&issuer);
            for c in &never_set {
                findings.push(Finding {
                    code: Rule::ClaimKeyNeverSet,
                    severity: Risk::Medium,
                    field: format!("{}.Condition", s.at),
                    message: format!(
                        "`{}` is never in a request: IAM names the token's claims `{issuer}:sub` and `{issuer}:aud`, without `https://` or the provider's ARN",
                        c.key
                    ),
                    help: Some(format!(
                        "use the key `{issuer}:{}`",
                        c.key.rsplit(':').next().unwrap_or_default().to_ascii_lowercase()
                    )),
                });
            }
            let admits = |aud: &str| {
                s.conditions_on(&issuer, "aud")
                    .all(|c| !c.is_positive_match() || c.admits(aud))
            };
            // A match on a key that is never set is false: the statement admits nobody.
            if !audience.is_none_or(admits) || never_set.iter().any(|c| c.false_when_absent()) {
                continue;
            }
            let subs: Vec<&Condition> = s.conditions_on(&issuer, "sub").collect();
            if let Some(entry) = entry_for(&mut access, &issuer, account) {
                sub_access(s, &issuer, &subs, entry, findings);
            }
        }
    }
    deny(statements, &mut access, audience);
    access
}

/// What Deny statements take away from `access`.
fn deny(statements: &[ParsedStatement], access: &mut [Access], audience: Option<&str>) {
    for s in trusting(statements, false) {
        for (issuer, _) in s.oidc_providers() {
            let entries = access
                .iter_mut()
                .filter(|a| issuer == "*" || a.issuer.as_str() == issuer);
            for entry in entries {
                // Under `Principal: "*"` too, only the conditions on this provider's own
                // claims can match its tokens: a key of another issuer is absent from them.
                let subs: Vec<&Condition> = s.conditions_on(entry.issuer.as_str(), "sub").collect();
                let auds: Vec<&Condition> = s.conditions_on(entry.issuer.as_str(), "aud").collect();
                entry.denied.extend(denied_by(s, &subs, &auds, audience));
            }
        }
    }
}

fn assess(text: &str, quota: usize) -> Result<Assessed, ParseError> {
    let (doc, statements) = parse_statements(text)?;
    let mut findings = Vec::new();
    for s in &statements {
        statement_findings(s, &mut findings);
    }
    let access = admitted(&statements, None, &mut findings);
    // The document's own length: `get-role` output wraps it in much more.
    let compact = serde_json::to_string(&doc).unwrap_or_default();
    let size: usize = compact.chars().filter(|c| !c.is_whitespace()).count();
    if size > quota {
        findings.push(Finding {
            code: Rule::TooLarge,
            severity: Risk::Medium,
            field: String::new(),
            message: format!("the policy is {size} characters without whitespace; the role trust policy quota is {quota}"),
            help: Some("split the service accounts or clusters over several roles, or raise the IAM quota".to_owned()),
        });
    }
    Ok(Assessed {
        statements,
        access,
        findings,
    })
}

/// The entry of `list` for `issuer`, added where there is none.
fn entry_for<'a>(
    list: &'a mut Vec<Access>,
    issuer: &str,
    account: Option<AccountId>,
) -> Option<&'a mut Access> {
    let at = match list.iter().position(|a| a.issuer.as_str() == issuer) {
        Some(at) => at,
        None => {
            list.push(Access {
                issuer: Trusted::of(issuer.to_owned()),
                account,
                any_service_account: false,
                service_accounts: Vec::new(),
                patterns: Vec::new(),
                denied: Vec::new(),
            });
            list.len() - 1
        }
    };
    list.get_mut(at)
}

/// What a Deny statement surely takes away, as `like` patterns, from tokens of `audience`
/// (any where `None`). Fail closed: a Deny counts only where the auditor understands
/// exactly when it applies — no condition at all (everyone), or only positive string
/// matches on `sub` — and a value under `StringEquals` is taken literally (with `*` or `?`
/// it denies nobody real). For a known audience, plain string conditions on `aud` are
/// decided first: one false for it, and the Deny is not about these tokens.
fn denied_by(
    s: &ParsedStatement,
    subs: &[&Condition],
    auds: &[&Condition],
    audience: Option<&str>,
) -> Vec<String> {
    let decided: Option<Vec<bool>> = match audience {
        Some(aud) if !auds.is_empty() => auds.iter().map(|c| c.holds_for(aud)).collect(),
        _ => None,
    };
    let rest: Vec<&Condition> = match decided {
        Some(holds) if !holds.iter().all(|h| *h) => return Vec::new(),
        Some(_) => s
            .conditions
            .iter()
            .filter(|c| !auds.iter().any(|a| std::ptr::eq(*a, *c)))
            .collect(),
        None => s.conditions.iter().collect(),
    };
    if rest.is_empty() {
        return vec!["*".to_owned()];
    }
    // One positive match on `sub` and nothing else; several conditions would all have to
    // hold, which no single list of patterns says.
    match (rest.as_slice(), subs) {
        ([_], [c]) if c.is_positive_match() && c.operator == "StringLike" => c.values.clone(),
        ([_], [c]) if c.is_positive_match() => c
            .values
            .iter()
            .filter(|v| !is_wildcard(v))
            .cloned()
            .collect(),
        _ => Vec::new(),
    }
}

fn sub_access(
    s: &ParsedStatement,
    issuer: &str,
    subs: &[&Condition],
    entry: &mut Access,
    findings: &mut Vec<Finding>,
) {
    let at = s.at.clone();
    if subs.is_empty() {
        entry.any_service_account = true;
        findings.push(Finding {
            code: Rule::NoSub,
            severity: Risk::High,
            field: at.clone(),
            message: format!("no `{issuer}:sub` condition: every service account of the cluster can assume the role"),
            help: Some("add StringEquals on `sub` with the service accounts that use the role (`system:serviceaccount:NAMESPACE:NAME`)".to_owned()),
        });
    }
    // An EKS cluster signs every pod's token with `sub` = `system:serviceaccount:NS:NAME`
    // (other issuers, a CI system's say, have subjects of their own).
    let eks = issuer.starts_with("oidc.eks.");
    for c in subs {
        let negated = c.operator.starts_with("StringNot");
        let like_op = c.operator.contains("Like");
        if c.set.as_deref() == Some("ForAllValues") {
            findings.push(Finding {
                code: Rule::ForAllValuesSub,
                severity: Risk::Medium,
                field: format!("{at}.Condition"),
                message: "`ForAllValues:` on the single-valued `sub` key is also true when the key is absent".to_owned(),
                help: Some("use the plain operator (StringEquals) on `sub`".to_owned()),
            });
        }
        // Fail closed: a negation, `IfExists`, `Null` ("the key exists"), numeric, date,
        // ARN or binary operators on `sub` count as admitting every service account.
        if negated || c.if_exists || !c.is_positive_match() {
            entry.any_service_account = true;
            let (code, what) = if negated || c.if_exists {
                (
                    Rule::NegatedSub,
                    "admits every service account it does not exclude",
                )
            } else {
                (
                    Rule::OpaqueSub,
                    "is not a string match of service accounts: counted as admitting every service account",
                )
            };
            findings.push(Finding {
                code,
                severity: Risk::High,
                field: format!("{at}.Condition"),
                message: format!("`{}` on `sub` {what}", c.written()),
                help: Some(
                    "list the allowed service accounts with StringEquals instead".to_owned(),
                ),
            });
            continue;
        }
        for value in &c.values {
            let wildcard = is_wildcard(value);
            if wildcard && like_op {
                let everything = like(value, "system:serviceaccount:any-namespace:any-name")
                    && like(value, "system:serviceaccount:kube-system:default");
                if everything {
                    entry.any_service_account = true;
                }
                entry.patterns.push(value.clone());
                findings.push(Finding {
                    code: Rule::WildcardSub,
                    severity: if everything { Risk::High } else { Risk::Medium },
                    field: format!("{at}.Condition"),
                    message: format!(
                        "`sub` pattern `{value}` admits every service account it matches"
                    ),
                    help: Some("list the service accounts with StringEquals".to_owned()),
                });
            } else if wildcard {
                // IAM compares `*` and `?` literally here, and no Kubernetes name has
                // them: the value admits nobody (and no correction keeps it).
                findings.push(Finding {
                    code: Rule::WildcardWithoutLike,
                    severity: Risk::Medium,
                    field: format!("{at}.Condition"),
                    message: format!(
                        "`{value}` has `*` or `?` under `{}`, which compares them literally: it admits no service account",
                        c.written()
                    ),
                    help: Some("list exact service accounts (or, on purpose, use StringLike)".to_owned()),
                });
            } else if let Some(sa) = value
                .strip_prefix(SUB_PREFIX)
                .and_then(|r| r.split_once(':'))
                .filter(|(ns, name)| !ns.is_empty() && !name.is_empty() && !name.contains(':'))
            {
                entry.service_accounts.push(format!("{}/{}", sa.0, sa.1));
            } else if eks {
                findings.push(Finding {
                    code: Rule::SubNotAServiceAccount,
                    severity: Risk::Medium,
                    field: format!("{at}.Condition"),
                    message: format!(
                        "`sub` value `{value}` is not a service account (`{SUB_PREFIX}NAMESPACE:NAME`): no pod's token has it, so it admits nobody"
                    ),
                    help: Some("check its spelling: `system:serviceaccount:NAMESPACE:NAME`".to_owned()),
                });
            }
        }
        if c.values.is_empty() {
            findings.push(Finding {
                code: Rule::SubNotAServiceAccount,
                severity: Risk::Medium,
                field: format!("{at}.Condition"),
                message: format!(
                    "`{}` on `sub` lists no value: it admits nobody",
                    c.written()
                ),
                help: Some("list the service accounts that use the role".to_owned()),
            });
        }
    }
    let auds: Vec<&Condition> = s.conditions_on(issuer, "aud").collect();
    for c in auds.iter().filter(|c| !c.is_positive_match()) {
        findings.push(Finding {
            code: Rule::OpaqueAud,
            severity: Risk::High,
            field: format!("{at}.Condition"),
            message: format!(
                "`{}` on `aud` is not a string match of audiences: tokens for other audiences of this issuer may be accepted",
                c.written()
            ),
            help: Some("use StringEquals `aud` = `sts.amazonaws.com`".to_owned()),
        });
    }
    for c in auds.iter().filter(|c| c.is_positive_match()) {
        if c.operator == "StringLike" {
            for value in c.values.iter().filter(|v| is_wildcard(v)) {
                findings.push(Finding {
                    code: Rule::WildcardAud,
                    severity: Risk::Medium,
                    field: format!("{at}.Condition"),
                    message: format!(
                        "`aud` pattern `{value}` accepts tokens for every audience it matches, not only STS's"
                    ),
                    help: Some("use StringEquals `aud` = `sts.amazonaws.com`".to_owned()),
                });
            }
        }
        if eks && !c.admits(crate::eks::TOKEN_AUDIENCE) {
            findings.push(Finding {
                code: Rule::AudNotSts,
                severity: Risk::Medium,
                field: format!("{at}.Condition"),
                message: format!(
                    "`{}` on `aud` admits only {}: EKS gives pods tokens for `sts.amazonaws.com` (in every partition), so none gets in unless its ServiceAccount sets that audience (eks.amazonaws.com/audience)",
                    c.written(),
                    c.values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ")
                ),
                help: Some("use StringEquals `aud` = `sts.amazonaws.com`".to_owned()),
            });
        }
    }
    if auds.is_empty() {
        findings.push(Finding {
            code: Rule::MissingAud,
            severity: Risk::Medium,
            field: at,
            message: format!(
                "no `{issuer}:aud` condition: tokens for any audience of this issuer are accepted"
            ),
            help: Some("add StringEquals `aud` = `sts.amazonaws.com`".to_owned()),
        });
    }
}

fn statement_findings(s: &ParsedStatement, findings: &mut Vec<Finding>) {
    let mut push = |code, severity, message: String, fix: &str| {
        findings.push(Finding {
            code,
            severity,
            field: s.at.clone(),
            message,
            help: Some(fix.to_owned()),
        });
    };
    if s.has_resource {
        push(
            Rule::ResourceInTrust,
            Risk::Medium,
            "a trust policy has no `Resource`; IAM rejects it".to_owned(),
            "remove `Resource`",
        );
    }
    if !s.allow {
        return;
    }
    if s.not_principal {
        push(
            Rule::NotPrincipal,
            Risk::High,
            "`NotPrincipal` with Allow trusts everyone not listed".to_owned(),
            "name the trusted principals in `Principal`",
        );
    }
    let star = match &s.principals {
        None => true,
        Some(list) => list.iter().any(|p| p.id() == "*"),
    };
    if star && !s.not_principal {
        push(
            Rule::PrincipalStar,
            Risk::Critical,
            "`Principal` `*` lets any AWS principal assume the role".to_owned(),
            "name the trusted principals",
        );
    }
    for principal in s.principals.iter().flatten() {
        let id = principal.id();
        // EKS Pod Identity: without conditions on the session tags, every association in
        // the account (any cluster, namespace or service account) may use the role.
        let pod_identity =
            matches!(principal, Principal::Service(id) if id == crate::iam::POD_IDENTITY_SERVICE);
        // A tag names who only under a match that pins it to named values.
        let names = |tag: &str| {
            s.conditions.iter().any(|c| {
                c.names_values() && c.key.eq_ignore_ascii_case(&format!("aws:RequestTag/{tag}"))
            })
        };
        let names_who = names("kubernetes-service-account") && names("kubernetes-namespace");
        if pod_identity && names_who && !names("eks-cluster-arn") && !names("eks-cluster-name") {
            push(
                Rule::PodIdentityAnyCluster,
                Risk::Medium,
                format!(
                    "`{id}` is trusted for a namespace and service account in any cluster: every cluster of the account with them can use the role"
                ),
                "add StringEquals on aws:RequestTag/eks-cluster-arn",
            );
        }
        if pod_identity && !names_who {
            push(
                Rule::PodIdentityOpen,
                Risk::High,
                format!(
                    "`{id}` is trusted without conditions on the session tags: every EKS Pod Identity association in the account can use the role"
                ),
                "add StringEquals on aws:SourceAccount, aws:RequestTag/eks-cluster-arn, aws:RequestTag/kubernetes-namespace and aws:RequestTag/kubernetes-service-account",
            );
        }
        if matches!(principal, Principal::Federated(id) if id.contains(":oidc-provider/"))
            && !s.allows_action(WEB_IDENTITY)
        {
            push(
                Rule::OidcWrongAction,
                Risk::High,
                format!(
                    "OIDC provider `{id}` is trusted for {} instead of sts:AssumeRoleWithWebIdentity",
                    s.actions.join(", ")
                ),
                "use Action sts:AssumeRoleWithWebIdentity",
            );
        }
        let root = matches!(principal, Principal::Aws(_))
            && (id.ends_with(":root") || AccountId::parse(id).is_ok());
        // Guarded only by a match that fails without an external ID or MFA: not a
        // pattern, not `IfExists`, not `Null`.
        let guarded = s.conditions.iter().any(|c| {
            let key = c.key.to_ascii_lowercase();
            let external_id = key == "sts:externalid" && c.names_values();
            let mfa = key == "aws:multifactorauthpresent"
                && c.operator == "Bool"
                && c.set.is_none()
                && !c.if_exists
                && !c.values.is_empty()
                && c.values.iter().all(|v| v.eq_ignore_ascii_case("true"));
            external_id || mfa
        });
        if root && !guarded {
            push(
                Rule::RootWithoutExternalId,
                Risk::Medium,
                format!(
                    "account `{id}` is trusted as a whole, with no external ID or MFA condition"
                ),
                "trust the specific role, or require sts:ExternalId",
            );
        }
    }
}

/// The policy rewritten as irsa writes it, when its intent is clear: only OIDC
/// statements, each provider with listed service accounts (or patterns), no Deny. A
/// correction never widens: every condition not on `sub` or `aud` and the audiences are
/// kept as written; where statements of one provider disagree on them, or an `aud`
/// condition is not understood, there is no correction.
fn correct(statements: &[ParsedStatement], access: &[Access]) -> Option<String> {
    let oidc_only = statements.iter().all(|s| {
        s.allow
            && !s.not_principal
            && s.principals
                .iter()
                .flatten()
                .all(|p| matches!(p, Principal::Federated(_)))
            && s.principals.is_some()
    });
    // Several conditions on `sub` in one statement must all hold, which no list of
    // service accounts says: a correction listing them all would widen.
    let sub_twice = statements.iter().any(|s| {
        s.oidc_issuers()
            .iter()
            .any(|issuer| s.conditions_on(issuer, "sub").count() > 1)
    });
    if !oidc_only
        || sub_twice
        || access.is_empty()
        || access.iter().any(|a| {
            a.any_service_account
                || a.issuer == Trusted::Any
                || (a.service_accounts.is_empty() && a.patterns.is_empty())
        })
    {
        return None;
    }
    let mut out = Vec::new();
    for a in access {
        let provider = statements
            .iter()
            .flat_map(|s| s.principals.iter().flatten())
            .find_map(|p| match p {
                Principal::Federated(id) if id.ends_with(a.issuer.as_str()) => Some(id.clone()),
                _ => None,
            })?;
        let (audiences, kept) = kept_conditions(statements, a.issuer.as_str())?;
        let exact: Vec<String> = a
            .service_accounts
            .iter()
            .map(|sa| format!("{SUB_PREFIX}{}", sa.replacen('/', ":", 1)))
            .collect();
        let groups = [("StringEquals", exact), ("StringLike", a.patterns.clone())];
        for (operator, subs) in groups.into_iter().filter(|(_, subs)| !subs.is_empty()) {
            let mut statement = Statement::allow("sts:AssumeRoleWithWebIdentity");
            for (op, key, values) in &audiences {
                statement = statement.with_condition(op, key, values.clone());
            }
            statement = statement.with_condition(operator, &format!("{}:sub", a.issuer), subs);
            for c in &kept {
                statement = statement.with_condition(&c.written(), &c.key, c.values.clone());
            }
            statement.principal = Some(Principal::Federated(provider.clone()));
            out.push(statement);
        }
    }
    let doc = PolicyDocument::new(out);
    Some(doc.to_pretty_json())
}

/// What a correction keeps of the statements trusting `issuer`: their `aud` conditions
/// (or irsa's audience where there is none) and every condition not on `sub` or `aud`.
/// `None` where the statements disagree on them or an `aud` condition is not understood.
type Audiences = Vec<(String, String, Vec<String>)>;
fn kept_conditions<'a>(
    statements: &'a [ParsedStatement],
    issuer: &str,
) -> Option<(Audiences, Vec<&'a Condition>)> {
    let (sub_key, aud_key) = (
        format!("{issuer}:sub").to_ascii_lowercase(),
        format!("{issuer}:aud").to_ascii_lowercase(),
    );
    let mut shared: Option<(Audiences, Vec<&Condition>)> = None;
    for s in statements
        .iter()
        .filter(|s| s.oidc_issuers().iter().any(|i| i == issuer))
    {
        let mut audiences = Vec::new();
        let mut kept = Vec::new();
        for c in &s.conditions {
            let key = c.key.to_ascii_lowercase();
            if key == aud_key {
                if !c.is_positive_match() {
                    return None;
                }
                audiences.push((c.written(), c.key.clone(), c.values.clone()));
            } else if key != sub_key {
                kept.push(c);
            }
        }
        let same = |(a, k): &(Audiences, Vec<&Condition>)| {
            *a == audiences
                && k.len() == kept.len()
                && k.iter().zip(&kept).all(|(x, y)| {
                    x.written() == y.written() && x.key == y.key && x.values == y.values
                })
        };
        match &shared {
            Some(first) if !same(first) => return None,
            Some(_) => {}
            None => shared = Some((audiences, kept)),
        }
    }
    let (mut audiences, kept) = shared?;
    if audiences.is_empty() {
        audiences.push((
            "StringEquals".to_owned(),
            format!("{issuer}:aud"),
            vec![crate::eks::TOKEN_AUDIENCE.to_owned()],
        ));
    }
    Some((audiences, kept))
}
