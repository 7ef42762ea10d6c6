//! Input rules for names and strings, as IAM, STS, the AWS config file and Kubernetes define them.
//! Each check returns the rule broken as a message, lower case, ready for a diagnostic.

/// Role name: 1-64 characters of `[A-Za-z0-9+=,.@_-]`.
pub fn role_name(s: &str) -> Result<(), String> {
    if s.is_empty() || s.len() > 64 {
        return Err(format!(
            "role name `{s}` must be 1 to 64 characters long, not {}",
            s.chars().count()
        ));
    }
    match s
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "+=,.@_-".contains(*c)))
    {
        Some(c) => Err(format!(
            "role name `{s}` contains {}: only letters, digits and `+=,.@_-` are allowed",
            shown(c)
        )),
        None => Ok(()),
    }
}

/// Role path: `/` or `/a/b/`, at most 512 characters, printable ASCII between the slashes.
pub fn role_path(s: &str) -> Result<(), String> {
    if s.len() > 512 {
        return Err(format!(
            "role path is {} characters long; the limit is 512",
            s.len()
        ));
    }
    if !s.starts_with('/') || !s.ends_with('/') {
        return Err(format!(
            "role path `{s}` must start and end with `/`, like `/` or `/team/`"
        ));
    }
    if s.contains("//") {
        return Err(format!("role path `{s}` has an empty segment (`//`)"));
    }
    match s.chars().find(|c| !('\u{21}'..='\u{7e}').contains(c)) {
        Some(c) => Err(format!(
            "role path `{s}` contains {}: only printable ASCII without spaces is allowed",
            shown(c)
        )),
        None => Ok(()),
    }
}

/// RoleSessionName: 2-64 characters of `[\w+=,.@-]`.
pub fn session_name(s: &str) -> Result<(), String> {
    let len = s.chars().count();
    if !(2..=64).contains(&len) {
        return Err(format!(
            "session name `{s}` must be 2 to 64 characters long, not {len}"
        ));
    }
    match s
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "_+=,.@-".contains(*c)))
    {
        Some(c) => Err(format!(
            "session name `{s}` contains {}: only letters, digits and `_+=,.@-` are allowed",
            shown(c)
        )),
        None => Ok(()),
    }
}

/// ExternalId: 2-1224 characters of `[\w+=,.@:/-]`.
pub fn external_id(s: &str) -> Result<(), String> {
    let len = s.chars().count();
    if !(2..=1224).contains(&len) {
        return Err(format!(
            "external ID must be 2 to 1224 characters long, not {len}"
        ));
    }
    match s
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "_+=,.@:/-".contains(*c)))
    {
        Some(c) => Err(format!(
            "external ID contains {}: only letters, digits and `_+=,.@:/-` are allowed",
            shown(c)
        )),
        None => Ok(()),
    }
}

/// AWS config profile name: what every SDK reads back the same way inside `[profile NAME]`.
pub fn profile_name(s: &str) -> Result<(), String> {
    if s.is_empty() || s.len() > 64 {
        return Err(format!(
            "profile name `{s}` must be 1 to 64 characters long"
        ));
    }
    if !s.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err(format!(
            "profile name `{s}` must start with a letter or digit"
        ));
    }
    match s
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "_.@+-".contains(*c)))
    {
        Some(c) => Err(format!(
            "profile name `{s}` contains {}: only letters, digits and `_.@+-` are allowed",
            shown(c)
        )),
        None => Ok(()),
    }
}

/// IAM tag key (1-128) or value (0-256): letters, digits, spaces and `_.:/=+-@`.
pub fn tag(key: &str, value: &str) -> Result<(), String> {
    let allowed = |c: char| c.is_alphanumeric() || c == ' ' || "_.:/=+-@".contains(c);
    let key_len = key.chars().count();
    if !(1..=128).contains(&key_len) {
        return Err(format!("tag key `{key}` must be 1 to 128 characters long"));
    }
    if key.to_ascii_lowercase().starts_with("aws:") {
        return Err(format!("tag key `{key}` uses the reserved prefix `aws:`"));
    }
    // irsa's own tags (the created-by tag unbind relies on) are irsa's to set.
    if key.to_ascii_lowercase().starts_with("irsa.dev/") {
        return Err(format!(
            "tag key `{key}` uses the prefix `irsa.dev/`, reserved for irsa's own tags"
        ));
    }
    if value.chars().count() > 256 {
        return Err(format!(
            "value of tag `{key}` is longer than 256 characters"
        ));
    }
    if let Some(c) = key.chars().chain(value.chars()).find(|c| !allowed(*c)) {
        return Err(format!(
            "tag `{key}` contains {}: only letters, digits, spaces and `_.:/=+-@` are allowed",
            shown(c)
        ));
    }
    Ok(())
}

/// EKS cluster name: 1-100 characters, a letter or digit then letters, digits, `-` and `_`.
pub fn cluster_name(s: &str) -> Result<(), String> {
    let ok = (1..=100).contains(&s.len())
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{s}` is not an EKS cluster name: 1 to 100 letters, digits, `-` and `_`, starting with a letter or digit"
        ))
    }
}

/// IAM's condition operators (IAM JSON policy reference, "Condition operators").
const CONDITION_OPERATORS: &[&str] = &[
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
    "NumericEquals",
    "NumericNotEquals",
    "NumericLessThan",
    "NumericLessThanEquals",
    "NumericGreaterThan",
    "NumericGreaterThanEquals",
    "DateEquals",
    "DateNotEquals",
    "DateLessThan",
    "DateLessThanEquals",
    "DateGreaterThan",
    "DateGreaterThanEquals",
    "Bool",
    "BinaryEquals",
    "IpAddress",
    "NotIpAddress",
    "ArnEquals",
    "ArnLike",
    "ArnNotEquals",
    "ArnNotLike",
    "Null",
];

/// A condition operator as IAM's grammar has it: `[ForAnyValue:|ForAllValues:]OPERATOR
/// [IfExists]` (no `IfExists` on `Null`). Anything else — `Fn::Sub`, say — would become a
/// CloudFormation intrinsic in the template and differ from the JSON policy.
pub fn condition_operator(s: &str) -> Result<(), String> {
    let base = s
        .strip_prefix("ForAnyValue:")
        .or_else(|| s.strip_prefix("ForAllValues:"))
        .unwrap_or(s);
    let base = match base.strip_suffix("IfExists") {
        Some("Null") => {
            return Err(format!(
                "`{s}` is not an IAM condition operator: `Null` takes no `IfExists`"
            ));
        }
        Some(b) => b,
        None => base,
    };
    if CONDITION_OPERATORS.contains(&base) {
        Ok(())
    } else {
        Err(format!(
            "`{s}` is not an IAM condition operator such as `StringEquals` or `ForAnyValue:StringLike`"
        ))
    }
}

/// A condition key as IAM's grammar has it: `service:name`, the name of letters, digits and
/// `_-./${}*?:` but never `::` (`aws:RequestTag/${TagKey}`, `s3:prefix`). `Ref` or
/// `Fn::GetAtt` would be CloudFormation intrinsics.
pub fn condition_key(s: &str) -> Result<(), String> {
    let ok = s.split_once(':').is_some_and(|(service, name)| {
        !service.is_empty()
            && service
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !name.is_empty()
            && !name.starts_with(':')
            && !s.contains("::")
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-./${}*?:".contains(c))
    });
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{s}` is not an IAM condition key such as `aws:SourceIp` or `s3:prefix`"
        ))
    }
}

/// An AWS region name: `eu-west-2`, `us-gov-west-1`, `cn-north-1`, `us-isob-east-1`.
pub fn region(s: &str) -> Result<(), String> {
    let parts: Vec<&str> = s.split('-').collect();
    let ok = parts.len() >= 3
        && parts.iter().all(|p| !p.is_empty())
        && parts
            .iter()
            .take(parts.len() - 1)
            .all(|p| p.chars().all(|c| c.is_ascii_lowercase()))
        && parts
            .last()
            .is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{s}` is not an AWS region name such as `eu-west-2` or `us-gov-west-1`"
        ))
    }
}

/// Kubernetes DNS-1123 label (namespaces): at most 63 of `[a-z0-9-]`, alphanumeric at both ends.
pub fn dns_label(s: &str) -> Result<(), String> {
    if s.len() > 63 {
        return Err(format!(
            "`{s}` is {} characters long; the limit is 63",
            s.len()
        ));
    }
    label_chars(s)
}

/// Kubernetes DNS-1123 subdomain (ServiceAccount and ConfigMap names): at most 253
/// characters, dot-separated labels.
pub fn dns_subdomain(s: &str) -> Result<(), String> {
    if s.len() > 253 {
        return Err(format!(
            "`{s}` is {} characters long; the limit is 253",
            s.len()
        ));
    }
    s.split('.')
        .try_for_each(|label| label_chars(label).map_err(|_| subdomain_rule(s)))
}

fn subdomain_rule(s: &str) -> String {
    format!(
        "`{s}` must be lower-case letters, digits, `-` and `.`, starting and ending with a letter or digit{}",
        unseen(s)
    )
}

/// The first character of `s` an error cannot show between backticks (not visible ASCII:
/// a look-alike letter, a space), as `; it has U+0435`; empty when there is none.
fn unseen(s: &str) -> String {
    s.chars()
        .find(|c| !c.is_ascii_graphic())
        .map(|c| format!("; it has {}", shown(c)))
        .unwrap_or_default()
}

fn label_chars(s: &str) -> Result<(), String> {
    let ok_end = |c: Option<char>| c.is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if ok_end(s.chars().next())
        && ok_end(s.chars().last())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        Ok(())
    } else {
        Err(format!(
            "`{s}` must be lower-case letters, digits and `-`, starting and ending with a letter or digit{}",
            unseen(s)
        ))
    }
}

/// A character as an error message shows it: itself when it is visible ASCII, otherwise
/// its code point, since a space, a control character or a look-alike letter would be
/// invisible or misleading between backticks.
fn shown(c: char) -> String {
    if c.is_ascii_graphic() {
        format!("`{c}`")
    } else {
        format!("U+{:04X}", u32::from(c))
    }
}

/// Characters IAM accepts in policy text: tab, line breaks and U+0020 to U+00FF.
pub fn policy_text(s: &str) -> Result<(), String> {
    match s
        .chars()
        .find(|c| !matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{ff}'))
    {
        Some(c) => Err(format!(
            "`{s}` contains {}, which IAM does not accept in a policy",
            shown(c)
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_look_alike_letter_is_named_by_its_code_point() {
        let err = dns_label("paym\u{435}nts").err().unwrap_or_default();
        assert!(err.ends_with("; it has U+0435"), "{err}");
        let err = dns_subdomain("api.v\u{a0}1").err().unwrap_or_default();
        assert!(err.ends_with("; it has U+00A0"), "{err}");
        let err = dns_label("Payments").err().unwrap_or_default();
        assert!(!err.contains("it has"), "{err}");
    }

    #[test]
    fn names_follow_the_documented_rules() {
        assert!(crate::arn::AccountId::parse("012345678901").is_ok());
        assert!(crate::arn::AccountId::parse("12345678901").is_err());
        assert!(role_name(&"a".repeat(64)).is_ok());
        assert!(role_name(&"a".repeat(65)).is_err());
        assert!(role_name("a b").is_err());
        assert!(role_path("/").is_ok());
        assert!(role_path("/a/b/").is_ok());
        assert!(role_path("/a").is_err());
        assert!(session_name("a").is_err());
        assert!(dns_label("on").is_ok());
        assert!(dns_label("-a").is_err());
        assert!(dns_label(&"a".repeat(64)).is_err());
        assert!(dns_subdomain("a.b-c").is_ok());
        assert!(dns_subdomain("a..b").is_err());
        assert!(dns_subdomain("A").is_err());
        assert!(tag("team", "").is_ok());
        assert!(tag("aws:x", "y").is_err());
        assert!(policy_text("s3:Get*").is_ok());
        assert!(policy_text("\u{100}").is_err());
        assert!(profile_name("deploy").is_ok());
        for ok in [
            "StringEquals",
            "ForAnyValue:StringLike",
            "NumericLessThanIfExists",
            "Null",
        ] {
            assert!(condition_operator(ok).is_ok(), "{ok}");
        }
        for bad in [
            "Fn::Sub",
            "Ref",
            "NullIfExists",
            "StringEqual",
            "ForAnyValue:",
        ] {
            assert!(condition_operator(bad).is_err(), "{bad}");
        }
        for ok in [
            "aws:SourceIp",
            "s3:prefix",
            "aws:RequestTag/${TagKey}",
            "ec2:ResourceTag/Name",
        ] {
            assert!(condition_key(ok).is_ok(), "{ok}");
        }
        for bad in ["Ref", "Fn::GetAtt", "aws:", ":x", "aws:a b", "a::b"] {
            assert!(condition_key(bad).is_err(), "{bad}");
        }
        for ok in ["eu-west-2", "us-gov-west-1", "cn-north-1", "us-isob-east-1"] {
            assert!(region(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "eu-west",
            "EU-west-2",
            "eu--2",
            "eu-west-x",
            "eu-west-2 ",
        ] {
            assert!(region(bad).is_err(), "{bad}");
        }
        assert!(profile_name("a b").is_err());
    }
}
