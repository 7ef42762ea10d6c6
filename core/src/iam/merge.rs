//! irsa's trust statements in a role's live trust policy: merged in, and taken out again.
//! A statement whose `Sid` starts with [`SID_PREFIX`] is irsa's; every other statement is
//! another owner's and stays exactly as IAM returned it, in its place.

use super::SID_PREFIX;
use crate::policy::{OneOrMany, PolicyDocument};
use serde_json::Value;

/// A trust policy as IAM holds it, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveTrust(Value);

impl LiveTrust {
    /// Reads a trust policy as `GetRole` returns it, once URL-decoded.
    pub fn parse(text: &str) -> Result<Self, String> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| format!("the trust policy is not JSON: {e}"))?;
        match value.get("Statement") {
            Some(Value::Array(_) | Value::Object(_)) => Ok(LiveTrust(value)),
            _ => Err("the trust policy has no `Statement`".to_owned()),
        }
    }

    pub fn value(&self) -> &Value {
        &self.0
    }

    /// The statements, a single object read as a list of one.
    pub fn statements(&self) -> Vec<&Value> {
        match self.0.get("Statement") {
            Some(Value::Array(list)) => list.iter().collect(),
            Some(other) => vec![other],
            None => Vec::new(),
        }
    }

    /// How many statements are irsa's.
    pub fn ours(&self) -> usize {
        self.statements().into_iter().filter(|s| is_ours(s)).count()
    }

    /// Every statement that is not irsa's.
    pub fn others(&self) -> usize {
        self.statements().len() - self.ours()
    }

    /// This policy with the statements of `ours` merged in. An irsa statement of the
    /// live policy in the same slot as one of `ours` (same kind, principal and conditions
    /// but `sub`) is replaced by it, its subjects kept: another bind of the same role for
    /// another service account adds to the trust, never takes away (`unbind --iam`
    /// does). Ours take the place of the first statement they replace, or go last; irsa's
    /// statements are then numbered again per kind, since IAM wants unique `Sid`s.
    pub fn merged(&self, ours: &PolicyDocument) -> LiveTrust {
        let mut ours: Vec<(Value, bool)> = ours
            .statement
            .iter()
            .filter_map(|s| serde_json::to_value(s).ok())
            .map(|s| (s, false))
            .collect();
        // Each live statement, or the index of the statement of ours that takes its place.
        let mut slots: Vec<Result<Value, usize>> = Vec::new();
        for statement in self.statements() {
            let slot = ours
                .iter_mut()
                .enumerate()
                .find(|(_, (o, _))| is_ours(statement) && same_slot(o, statement));
            match slot {
                Some((n, (mine, placed))) => {
                    add_subjects(mine, statement);
                    if !*placed {
                        *placed = true;
                        slots.push(Err(n));
                    }
                }
                None => slots.push(Ok(statement.clone())),
            }
        }
        let unplaced = ours.iter().enumerate().filter(|(_, (_, placed))| !placed);
        slots.extend(unplaced.map(|(n, _)| Err(n)).collect::<Vec<_>>());
        let statements = slots
            .into_iter()
            .filter_map(|slot| match slot {
                Ok(statement) => Some(statement),
                Err(n) => ours.get(n).map(|(o, _)| o.clone()),
            })
            .collect();
        self.with_statements(statements).numbered()
    }

    /// irsa's statements numbered 1, 2, … per kind, in their order.
    fn numbered(mut self) -> LiveTrust {
        let mut counts: Vec<(String, usize)> = Vec::new();
        if let Some(Value::Array(list)) = self.0.get_mut("Statement") {
            for statement in list.iter_mut().filter(|s| is_ours(s)) {
                let kind = kind(statement).to_owned();
                let n = match counts.iter_mut().find(|(k, _)| *k == kind) {
                    Some((_, n)) => {
                        *n += 1;
                        *n
                    }
                    None => {
                        counts.push((kind.clone(), 1));
                        1
                    }
                };
                statement["Sid"] = Value::String(format!("{kind}{n}"));
            }
        }
        self
    }

    /// This policy without irsa's statements that trust `pod_role` (a target role's
    /// `IrsaPodRole`): statements for other pod roles stay.
    pub fn without_pod_role(&self, pod_role: &str) -> LiveTrust {
        let rest = self
            .statements()
            .into_iter()
            .filter(|s| {
                !(is_ours(s)
                    && s.pointer("/Principal/AWS").and_then(Value::as_str) == Some(pod_role))
            })
            .cloned()
            .collect();
        self.with_statements(rest)
    }

    /// This policy with the service account whose token carries `sub` taken out of irsa's
    /// statements for the cluster `issuer` (its `ISSUER:sub` key); a statement of irsa's
    /// left trusting nobody goes. Other clusters' statements stay.
    pub fn without_subject(&self, issuer: &str, sub: &str) -> LiveTrust {
        let sub_key = format!("{issuer}:sub");
        let mut out = Vec::new();
        for statement in self.statements() {
            if !is_ours(statement) {
                out.push(statement.clone());
                continue;
            }
            let mut statement = statement.clone();
            let mut emptied = false;
            if let Some(operators) = statement
                .get_mut("Condition")
                .and_then(Value::as_object_mut)
            {
                for keys in operators.values_mut().filter_map(Value::as_object_mut) {
                    for (_, values) in keys.iter_mut().filter(|(k, _)| **k == sub_key) {
                        let mut kept = as_list(values);
                        kept.retain(|v| v != sub);
                        emptied |= kept.is_empty();
                        *values = one_or_many(kept);
                    }
                }
            }
            if !emptied {
                out.push(statement);
            }
        }
        self.with_statements(out)
    }

    fn with_statements(&self, statements: Vec<Value>) -> LiveTrust {
        let mut value = self.0.clone();
        if let Some(map) = value.as_object_mut() {
            map.insert("Statement".to_owned(), Value::Array(statements));
        }
        LiveTrust(value)
    }

    /// The document as IAM takes it: compact JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&self.0).unwrap_or_default()
    }

    /// The length IAM checks against the trust-policy quota: the JSON without whitespace.
    pub fn quota_size(&self) -> usize {
        self.to_json()
            .chars()
            .filter(|c| !c.is_whitespace())
            .count()
    }
}

/// The document irsa writes, as a [`LiveTrust`] (a role irsa creates).
impl From<&PolicyDocument> for LiveTrust {
    fn from(doc: &PolicyDocument) -> Self {
        LiveTrust(serde_json::to_value(doc).unwrap_or(Value::Null))
    }
}

/// The `Sid` without its number: `IrsaWebIdentity`, `IrsaPodRole`, …
fn kind(statement: &Value) -> &str {
    let sid = statement
        .get("Sid")
        .and_then(Value::as_str)
        .unwrap_or_default();
    sid.trim_end_matches(|c: char| c.is_ascii_digit())
}

/// Whether two statements of irsa's are one grant, maybe to other subjects or with other
/// conditions: the same kind and principal (the cluster's provider, the pod role), and
/// for Pod Identity the same service account. Ours then replaces the live one, so a
/// changed external ID or audience leaves no old statement behind.
fn same_slot(a: &Value, b: &Value) -> bool {
    if kind(a) != kind(b) || a.get("Principal") != b.get("Principal") {
        return false;
    }
    if !kind(a).ends_with("PodIdentity") {
        return true;
    }
    let rest = |s: &Value| {
        let mut s = s.clone();
        if let Some(map) = s.as_object_mut() {
            map.remove("Sid");
        }
        for keys in s
            .get_mut("Condition")
            .and_then(Value::as_object_mut)
            .into_iter()
            .flat_map(|ops| ops.values_mut())
            .filter_map(Value::as_object_mut)
        {
            keys.retain(|k, _| !k.ends_with(":sub"));
        }
        s
    };
    rest(a) == rest(b)
}

/// Gives `to` the `sub` values of `from` (the live statement) first, in their order, then
/// its own that `from` lacks: a rerun of any bind of the role writes nothing.
fn add_subjects(to: &mut Value, from: &Value) {
    let Some(operators) = to.get_mut("Condition").and_then(Value::as_object_mut) else {
        return;
    };
    for (operator, keys) in operators.iter_mut() {
        let Some(keys) = keys.as_object_mut() else {
            continue;
        };
        for (key, values) in keys.iter_mut().filter(|(k, _)| k.ends_with(":sub")) {
            let theirs = from
                .pointer(&format!("/Condition/{operator}"))
                .and_then(|o| o.get(key.as_str()));
            let mut list = theirs.map(as_list).unwrap_or_default();
            for value in as_list(values) {
                if !list.contains(&value) {
                    list.push(value);
                }
            }
            *values = one_or_many(list);
        }
    }
}

/// Values as IAM's examples write them: a single one bare, as the core writes them.
fn one_or_many(values: Vec<Value>) -> Value {
    serde_json::to_value(OneOrMany::from_vec(values)).unwrap_or(Value::Null)
}

fn as_list(value: &Value) -> Vec<Value> {
    match value {
        Value::Array(list) => list.clone(),
        one => vec![one.clone()],
    }
}

fn is_ours(statement: &Value) -> bool {
    statement
        .get("Sid")
        .and_then(Value::as_str)
        .is_some_and(|sid| sid.starts_with(SID_PREFIX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{Principal, Statement};

    fn ours() -> PolicyDocument {
        let mut s = Statement::allow("sts:AssumeRole");
        s.sid = Some("IrsaPodRole1".to_owned());
        s.principal = Some(Principal::Aws(
            "arn:aws:iam::111122223333:role/pod".to_owned(),
        ));
        PolicyDocument::new(vec![s])
    }

    const FOREIGN: &str = r#"{"Version":"2012-10-17","Statement":[
        {"Sid":"Ci","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/ci"},"Action":"sts:AssumeRole"},
        {"Sid":"IrsaPodRole1","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/pod"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"old"}}},
        {"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

    #[test]
    fn merging_replaces_only_irsas_statements_in_place() {
        let live = LiveTrust::parse(FOREIGN).unwrap();
        assert_eq!((live.ours(), live.others()), (1, 2));
        let merged = live.merged(&ours());
        let statements = merged.statements();
        // The pod role's statement with an old external ID is replaced where it stands:
        // the old ID no longer works.
        assert_eq!(statements.len(), 3);
        assert_eq!(statements[0]["Sid"], "Ci");
        assert_eq!(
            statements[1],
            &serde_json::to_value(&ours().statement[0]).unwrap()
        );
        assert_eq!(statements[2]["Principal"]["Service"], "ec2.amazonaws.com");
        // Merging again changes nothing: a rerun sends no write.
        assert_eq!(merged.merged(&ours()), merged);
    }

    #[test]
    fn another_pod_roles_statement_stays_and_goes_with_its_own_pod_role() {
        let live = LiveTrust::parse(FOREIGN).unwrap().merged(&ours());
        let other = live.statements()[1]["Principal"]["AWS"]
            .as_str()
            .unwrap()
            .replace("role/pod", "role/other");
        let mut s = Statement::allow("sts:AssumeRole");
        s.sid = Some("IrsaPodRole1".to_owned());
        s.principal = Some(Principal::Aws(other.clone()));
        let both = live.merged(&PolicyDocument::new(vec![s]));
        assert_eq!(both.ours(), 2);
        let sids: Vec<&Value> = both.statements().iter().map(|s| &s["Sid"]).collect();
        assert_eq!(sids[1], "IrsaPodRole1");
        assert_eq!(sids[3], "IrsaPodRole2");
        let rest = both.without_pod_role("arn:aws:iam::111122223333:role/pod");
        assert_eq!(rest.ours(), 1);
        assert_eq!(rest.statements()[2]["Principal"]["AWS"], other.as_str());
    }

    #[test]
    fn another_bind_of_the_role_adds_its_subject_and_keeps_the_others() {
        let web = |subs: &[&str]| {
            let mut s = Statement::allow("sts:AssumeRoleWithWebIdentity")
                .with_condition(
                    "StringEquals",
                    "i:aud",
                    vec!["sts.amazonaws.com".to_owned()],
                )
                .with_condition(
                    "StringEquals",
                    "i:sub",
                    subs.iter().map(|s| s.to_string()).collect(),
                );
            s.sid = Some("IrsaWebIdentity1".to_owned());
            s.principal = Some(Principal::Federated(
                "arn:aws:iam::1:oidc-provider/i".to_owned(),
            ));
            PolicyDocument::new(vec![s])
        };
        let live = LiveTrust::from(&web(&["system:serviceaccount:a:api"]));
        let merged = live.merged(&web(&["system:serviceaccount:a:worker"]));
        assert_eq!(merged.statements().len(), 1);
        assert_eq!(
            merged.statements()[0]["Condition"]["StringEquals"]["i:sub"],
            serde_json::json!([
                "system:serviceaccount:a:api",
                "system:serviceaccount:a:worker"
            ])
        );
        // Either bind again writes nothing: the live order stays.
        assert_eq!(
            merged.merged(&web(&["system:serviceaccount:a:worker"])),
            merged
        );
        assert_eq!(
            merged.merged(&web(&["system:serviceaccount:a:api"])),
            merged
        );
    }

    #[test]
    fn a_policy_without_irsas_statements_gets_them_last() {
        let live = LiveTrust::parse(
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}}"#,
        )
        .unwrap();
        let merged = live.merged(&ours());
        assert_eq!(merged.statements().len(), 2);
        assert_eq!(merged.statements()[1]["Sid"], "IrsaPodRole1");
        let rest = merged.without_pod_role("arn:aws:iam::111122223333:role/pod");
        assert_eq!(rest.statements().len(), 1);
    }

    #[test]
    fn one_service_account_leaves_irsas_statements_and_the_rest_stay() {
        let live = LiveTrust::parse(
            r#"{"Version":"2012-10-17","Statement":[
            {"Sid":"IrsaWebIdentity1","Effect":"Allow","Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"i:aud":"sts.amazonaws.com","i:sub":["system:serviceaccount:a:x","system:serviceaccount:a:y"]}}},
            {"Sid":"IrsaWebIdentity2","Effect":"Allow","Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"j:aud":"sts.amazonaws.com","j:sub":"system:serviceaccount:a:x"}}},
            {"Sid":"Other","Effect":"Allow","Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"i:sub":"system:serviceaccount:a:x"}}}]}"#,
        )
        .unwrap();
        let rest = live.without_subject("i", "system:serviceaccount:a:x");
        let statements = rest.statements();
        assert_eq!(statements.len(), 3);
        assert_eq!(
            statements[0]["Condition"]["StringEquals"]["i:sub"],
            "system:serviceaccount:a:y"
        );
        // The same service account of another cluster (issuer j) is that cluster's.
        assert_eq!(statements[1]["Sid"], "IrsaWebIdentity2");
        // Another owner's statement naming the same account is theirs to change.
        assert_eq!(statements[2]["Sid"], "Other");
        // Its last subject gone, the statement goes.
        let rest = rest.without_subject("i", "system:serviceaccount:a:y");
        assert_eq!(rest.ours(), 1);
    }

    #[test]
    fn what_is_not_a_policy_is_refused() {
        assert!(LiveTrust::parse("{").is_err());
        assert!(LiveTrust::parse("{\"Version\":\"2012-10-17\"}").is_err());
        assert!(LiveTrust::parse("[]").is_err());
    }

    #[test]
    fn a_created_role_is_all_irsas() {
        let trust = LiveTrust::from(&ours());
        assert_eq!((trust.ours(), trust.others()), (1, 0));
        assert_eq!(trust.merged(&ours()), trust);
    }
}
