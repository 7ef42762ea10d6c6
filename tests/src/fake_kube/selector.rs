//! Label and field selectors, as the API server reads them.

use serde_json::Value;

/// `a=b,c!=d,e,!f,g in (h,i),j notin (k)` against an object's labels.
pub fn labels_match(selector: &str, object: &Value) -> Result<bool, String> {
    let labels = object.pointer("/metadata/labels");
    let label = |key: &str| labels.and_then(|l| l.get(key)).and_then(Value::as_str);
    for term in split_terms(selector) {
        let term = term.trim();
        if term.is_empty() {
            continue;
        }
        let matched = if let Some((key, values)) = set_term(term, " notin ") {
            label(key).is_none_or(|v| !values.contains(&v))
        } else if let Some((key, values)) = set_term(term, " in ") {
            label(key).is_some_and(|v| values.contains(&v))
        } else if let Some((key, value)) = term.split_once("!=") {
            label(key.trim()) != Some(value.trim())
        } else if let Some((key, value)) = term.split_once("==").or_else(|| term.split_once('=')) {
            label(key.trim()) == Some(value.trim())
        } else if let Some(key) = term.strip_prefix('!') {
            label(key.trim()).is_none()
        } else if term
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
        {
            label(term).is_some()
        } else {
            return Err(format!("unable to parse requirement: {term}"));
        };
        if !matched {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Splits at commas outside parentheses.
fn split_terms(selector: &str) -> Vec<&str> {
    let mut terms = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in selector.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                terms.push(&selector[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    terms.push(&selector[start..]);
    terms
}

fn set_term<'a>(term: &'a str, operator: &str) -> Option<(&'a str, Vec<&'a str>)> {
    let (key, rest) = term.split_once(operator)?;
    let values = rest.trim().strip_prefix('(')?.strip_suffix(')')?;
    Some((key.trim(), values.split(',').map(str::trim).collect()))
}

/// The field selectors pods support that tests use; others are refused as the server does.
pub fn fields_match(selector: &str, object: &Value) -> Result<bool, String> {
    for term in selector.split(',').filter(|t| !t.is_empty()) {
        let (field, value, equal) = match term.split_once("!=") {
            Some((f, v)) => (f, v, false),
            None => match term.split_once("==").or_else(|| term.split_once('=')) {
                Some((f, v)) => (f, v, true),
                None => return Err(format!("invalid selector: '{term}'")),
            },
        };
        let pointer = match field {
            "metadata.name" => "/metadata/name",
            "metadata.namespace" => "/metadata/namespace",
            "spec.serviceAccountName" => "/spec/serviceAccountName",
            "spec.nodeName" => "/spec/nodeName",
            "status.phase" => "/status/phase",
            _ => return Err(format!("field label not supported: {field}")),
        };
        let actual = object
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or_default();
        if (actual == value) != equal {
            return Ok(false);
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn selectors() {
        let pod = json!({"metadata": {"name": "p", "labels": {"app": "web", "tier": "a"}}, "spec": {"serviceAccountName": "api"}});
        for (selector, expected) in [
            ("app=web", true),
            ("app==web,tier=a", true),
            ("app!=web", false),
            ("app", true),
            ("!app", false),
            ("tier in (a,b)", true),
            ("tier notin (a)", false),
            ("missing notin (a)", true),
            ("app=db", false),
            ("", true),
        ] {
            assert_eq!(labels_match(selector, &pod), Ok(expected), "{selector}");
        }
        assert!(labels_match("a b", &pod).is_err());
        assert_eq!(fields_match("spec.serviceAccountName=api", &pod), Ok(true));
        assert_eq!(fields_match("spec.serviceAccountName=web", &pod), Ok(false));
        assert!(fields_match("spec.image=x", &pod).is_err());
    }
}
