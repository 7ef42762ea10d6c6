//! An independent evaluator of IAM trust policies: given a request (principal, action,
//! context keys), does the policy allow it? It follows IAM's documented semantics rather
//! than anything in irsa-core, so the generator's output is checked, not mirrored:
//! explicit Deny wins; values of one condition key are OR-ed; keys and operators are
//! AND-ed; a key absent from the request fails a condition, except under negated
//! operators and `...IfExists`; condition keys are case-insensitive; `StringLike` has `*`
//! and `?`, case-sensitive; actions match case-insensitively with wildcards.

use serde_json::Value;
use std::collections::BTreeMap;

/// Who is asking: a principal type (`Federated`, `AWS`, `Service`) and its identifier.
#[derive(Debug, Clone)]
pub struct Request {
    pub principal_type: String,
    pub principal: String,
    pub action: String,
    /// Condition keys present in the request (lower-cased when compared).
    pub context: BTreeMap<String, String>,
}

impl Request {
    /// `sts:AssumeRoleWithWebIdentity` with a token from `issuer` (host + path).
    pub fn web_identity(
        provider_arn: &str,
        issuer: &str,
        sub: Option<&str>,
        aud: Option<&str>,
    ) -> Self {
        let mut context = BTreeMap::new();
        if let Some(sub) = sub {
            context.insert(format!("{issuer}:sub"), sub.to_owned());
        }
        if let Some(aud) = aud {
            context.insert(format!("{issuer}:aud"), aud.to_owned());
        }
        Self {
            principal_type: "Federated".into(),
            principal: provider_arn.into(),
            action: "sts:AssumeRoleWithWebIdentity".into(),
            context,
        }
    }

    /// `sts:AssumeRole` by an IAM role, with an optional external ID.
    pub fn assume_role(role_arn: &str, external_id: Option<&str>) -> Self {
        let mut context = BTreeMap::new();
        if let Some(id) = external_id {
            context.insert("sts:ExternalId".to_owned(), id.to_owned());
        }
        Self {
            principal_type: "AWS".into(),
            principal: role_arn.into(),
            action: "sts:AssumeRole".into(),
            context,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    ImplicitDeny,
    ExplicitDeny,
}

/// Evaluates `policy` (JSON text) for `request`. Malformed policies are an `Err`.
pub fn evaluate(policy: &str, request: &Request) -> Result<Decision, String> {
    let doc: Value = serde_json::from_str(policy).map_err(|e| format!("not JSON: {e}"))?;
    if doc.get("Version").and_then(Value::as_str) != Some("2012-10-17") {
        return Err("Version must be 2012-10-17".into());
    }
    let statements = match doc.get("Statement") {
        Some(Value::Array(items)) => items.clone(),
        Some(one @ Value::Object(_)) => vec![one.clone()],
        _ => return Err("Statement missing".into()),
    };
    let mut allowed = false;
    for statement in &statements {
        if statement.get("Resource").is_some() || statement.get("NotResource").is_some() {
            return Err("a trust policy has no Resource".into());
        }
        if !statement_matches(statement, request)? {
            continue;
        }
        match statement.get("Effect").and_then(Value::as_str) {
            Some("Deny") => return Ok(Decision::ExplicitDeny),
            Some("Allow") => allowed = true,
            other => return Err(format!("bad Effect {other:?}")),
        }
    }
    Ok(if allowed {
        Decision::Allow
    } else {
        Decision::ImplicitDeny
    })
}

fn statement_matches(statement: &Value, request: &Request) -> Result<bool, String> {
    let principal_ok = match (statement.get("Principal"), statement.get("NotPrincipal")) {
        (Some(p), None) => principal_matches(p, request)?,
        (None, Some(p)) => !principal_matches(p, request)?,
        _ => return Err("exactly one of Principal and NotPrincipal".into()),
    };
    let action_ok = match (statement.get("Action"), statement.get("NotAction")) {
        (Some(a), None) => strings(a)?
            .iter()
            .any(|p| like(&p.to_lowercase(), &request.action.to_lowercase())),
        (None, Some(a)) => !strings(a)?
            .iter()
            .any(|p| like(&p.to_lowercase(), &request.action.to_lowercase())),
        _ => return Err("exactly one of Action and NotAction".into()),
    };
    let conditions_ok = match statement.get("Condition") {
        None => true,
        Some(Value::Object(ops)) => {
            let mut all = true;
            for (op, keys) in ops {
                let Value::Object(keys) = keys else {
                    return Err("condition block must be an object".into());
                };
                for (key, values) in keys {
                    all &= condition(op, key, &strings(values)?, request)?;
                }
            }
            all
        }
        Some(_) => return Err("Condition must be an object".into()),
    };
    Ok(principal_ok && action_ok && conditions_ok)
}

fn principal_matches(principal: &Value, request: &Request) -> Result<bool, String> {
    match principal {
        Value::String(s) if s == "*" => Ok(true),
        Value::Object(map) => {
            for (kind, ids) in map {
                if kind == &request.principal_type
                    && strings(ids)?
                        .iter()
                        .any(|id| id == "*" || *id == request.principal)
                {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        _ => Err("bad Principal".into()),
    }
}

fn strings(value: &Value) -> Result<Vec<String>, String> {
    let one = |v: &Value| match v {
        Value::String(s) => Ok(s.clone()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Number(n) => Ok(n.to_string()),
        _ => Err(format!("not a string: {v}")),
    };
    match value {
        Value::Array(items) => items.iter().map(one).collect(),
        other => Ok(vec![one(other)?]),
    }
}

fn condition(op: &str, key: &str, values: &[String], request: &Request) -> Result<bool, String> {
    let present = request
        .context
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v.as_str());
    if op == "Null" {
        let want_absent = values.iter().any(|v| v == "true");
        return Ok(want_absent == present.is_none());
    }
    let (set_op, rest) = match op.split_once(':') {
        Some((set, rest)) => (Some(set), rest),
        None => (None, op),
    };
    let (base, if_exists) = match rest.strip_suffix("IfExists") {
        Some(base) => (base, true),
        None => (rest, false),
    };
    let negated = base.starts_with("StringNot");
    let Some(actual) = present else {
        return Ok(match set_op {
            Some("ForAllValues") => true,
            Some("ForAnyValue") => false,
            _ => negated || if_exists,
        });
    };
    let test = |v: &String| match base {
        "StringEquals" | "StringNotEquals" => v == actual,
        "StringEqualsIgnoreCase" | "StringNotEqualsIgnoreCase" => v.eq_ignore_ascii_case(actual),
        "StringLike" | "StringNotLike" => like(v, actual),
        _ => false,
    };
    if !matches!(
        base,
        "StringEquals"
            | "StringNotEquals"
            | "StringEqualsIgnoreCase"
            | "StringNotEqualsIgnoreCase"
            | "StringLike"
            | "StringNotLike"
    ) {
        return Err(format!("operator {op} not supported by this evaluator"));
    }
    let any = values.iter().any(test);
    Ok(if negated { !any } else { any })
}

/// IAM `StringLike`: `*` any run of characters, `?` exactly one; everything else literal.
pub fn like(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_has_iam_wildcards() {
        assert!(like(
            "system:serviceaccount:ns:*",
            "system:serviceaccount:ns:a"
        ));
        assert!(like("a?c", "abc"));
        assert!(!like("a?c", "ac"));
        assert!(!like("abc", "abcd"));
        assert!(like("*", ""));
        assert!(!like("A", "a"));
    }

    #[test]
    fn semantics_of_absent_keys_and_deny() {
        let policy = r#"{"Version":"2012-10-17","Statement":[
          {"Effect":"Allow","Principal":{"Federated":"p"},"Action":"sts:AssumeRoleWithWebIdentity",
           "Condition":{"StringNotEquals":{"i:sub":"x"}}},
          {"Effect":"Deny","Principal":"*","Action":"sts:*","Condition":{"StringEquals":{"I:AUD":"bad"}}}]}"#;
        let absent = Request::web_identity("p", "i", None, None);
        assert_eq!(evaluate(policy, &absent), Ok(Decision::Allow));
        let denied = Request::web_identity("p", "i", Some("y"), Some("bad"));
        assert_eq!(evaluate(policy, &denied), Ok(Decision::ExplicitDeny));
        let other = Request::web_identity("p", "i", Some("x"), None);
        assert_eq!(evaluate(policy, &other), Ok(Decision::ImplicitDeny));
    }
}
