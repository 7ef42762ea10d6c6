//! OIDC issuer URLs: validation, the EKS shape, and the names IAM derives from them.

use crate::arn::Partition;

/// A validated issuer: `https://<host><path>`, with no port, query, fragment, credentials
/// or trailing slash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issuer {
    /// `host` + `path`: what IAM calls the provider URL without its scheme.
    pub id: String,
    pub eks: Option<EksIssuer>,
}

/// What an EKS issuer (`oidc.eks.<region>.<dns suffix>/id/<ID>`) tells about its cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EksIssuer {
    pub region: String,
    pub partition: Partition,
}

/// Why an issuer host looks like EKS but is not quite its shape; a warning, not an error,
/// since self-managed issuers may be named anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapeWarning(pub String);

impl Issuer {
    pub fn parse(url: &str) -> Result<(Self, Option<ShapeWarning>), String> {
        if let Some(inner) = ['"', '\'']
            .iter()
            .find_map(|q| url.strip_prefix(*q)?.strip_suffix(*q))
        {
            return Err(format!(
                "`{url}` is in quotes: remove them, the issuer is `{inner}`"
            ));
        }
        if url.trim() != url {
            return Err(format!(
                "`{url}` has spaces around it: remove them, the issuer is `{}`",
                url.trim()
            ));
        }
        if let Some((_, issuer)) = url
            .starts_with("arn:")
            .then(|| url.split_once(":oidc-provider/"))
            .flatten()
        {
            return Err(format!(
                "`{url}` is the IAM OIDC provider's ARN: give its issuer URL, `https://{issuer}`"
            ));
        }
        let rest = url.strip_prefix("https://").ok_or_else(|| {
            format!("`{url}` must start with `https://`: IAM and EKS accept only https issuers")
        })?;
        if let Some(c) = rest.chars().find(|c| matches!(c, '?' | '#' | '@')) {
            let what = match c {
                '?' => "a query",
                '#' => "a fragment",
                _ => "credentials",
            };
            return Err(format!(
                "`{url}` has {what}; an OIDC issuer URL is only a host and an optional path"
            ));
        }
        if rest.ends_with('/') {
            return Err(format!(
                "`{url}` ends with `/`; the issuer must match the token's `iss` claim exactly"
            ));
        }
        let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        if host.contains(':') {
            return Err(format!(
                "`{url}` has a port; an IAM OIDC provider URL cannot carry one"
            ));
        }
        check_host(host).map_err(|rule| format!("host `{host}` of `{url}` {rule}"))?;
        check_path(path).map_err(|rule| format!("path `{path}` of `{url}` {rule}"))?;
        let (eks, warning) = eks_shape(host, path);
        Ok((
            Self {
                id: format!("{host}{path}"),
                eks,
            },
            warning,
        ))
    }

    /// `arn:<partition>:iam::<account>:oidc-provider/<host><path>`.
    pub fn provider_arn(&self, partition: Partition, account: &str) -> String {
        format!("arn:{partition}:iam::{account}:oidc-provider/{}", self.id)
    }

    /// The URL itself, as `aws iam create-open-id-connect-provider --url` takes it.
    pub fn url(&self) -> String {
        format!("https://{}", self.id)
    }
}

fn check_host(host: &str) -> Result<(), &'static str> {
    if host.is_empty() || host.len() > 253 {
        return Err("must be 1 to 253 characters long");
    }
    if host.chars().any(|c| c.is_ascii_uppercase()) {
        return Err("must be lower case");
    }
    let labels_ok = host.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    });
    if !labels_ok {
        return Err("is not a valid DNS name");
    }
    if !host.contains('.') {
        return Err("must be a fully qualified domain name");
    }
    Ok(())
}

fn check_path(path: &str) -> Result<(), &'static str> {
    let segments_ok = path.split('/').skip(1).all(|seg| {
        !seg.is_empty()
            && seg
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c))
    });
    if path.is_empty() || segments_ok {
        Ok(())
    } else {
        Err("must be non-empty segments of letters, digits and `-._~`")
    }
}

/// Recognises `oidc.eks.<region>.<suffix>/id/<32 upper-case hex>`.
fn eks_shape(host: &str, path: &str) -> (Option<EksIssuer>, Option<ShapeWarning>) {
    let Some(rest) = host.strip_prefix("oidc.eks.") else {
        return (None, None);
    };
    let Some((region, suffix)) = rest.split_once('.') else {
        return (None, None);
    };
    let Some(partition) = Partition::of_region(region, suffix) else {
        return (None, None);
    };
    let region_ok = region.split('-').count() >= 3
        && region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    let id = path.strip_prefix("/id/").unwrap_or("");
    let id_ok = id.len() == 32
        && id
            .chars()
            .all(|c| c.is_ascii_digit() || ('A'..='F').contains(&c));
    let warning = if !region_ok {
        Some(ShapeWarning(format!(
            "`{region}` does not look like an AWS region"
        )))
    } else if !id_ok {
        Some(ShapeWarning(format!(
            "`{path}` does not look like an EKS issuer path (`/id/` and 32 upper-case hex characters)"
        )))
    } else {
        None
    };
    (
        Some(EksIssuer {
            region: region.to_owned(),
            partition,
        }),
        warning,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const EKS: &str =
        "https://oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF";

    #[test]
    fn eks_issuers_are_recognised() {
        let (issuer, warning) = Issuer::parse(EKS).unwrap();
        assert_eq!(warning, None);
        assert_eq!(
            issuer.id,
            "oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"
        );
        assert_eq!(issuer.eks.map(|e| e.partition), Some(Partition::Aws));
        let gov =
            "https://oidc.eks.us-gov-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF";
        assert_eq!(
            Issuer::parse(gov)
                .ok()
                .and_then(|(i, _)| i.eks)
                .map(|e| e.partition),
            Some(Partition::AwsUsGov)
        );
        let cn = "https://oidc.eks.cn-north-1.amazonaws.com.cn/id/0123456789ABCDEF0123456789ABCDEF";
        assert_eq!(
            Issuer::parse(cn)
                .ok()
                .and_then(|(i, _)| i.eks)
                .map(|e| e.partition),
            Some(Partition::AwsCn)
        );
    }

    #[test]
    fn other_issuers_are_legal_and_bad_ones_are_not() {
        assert!(matches!(
            Issuer::parse("https://issuer.example.com"),
            Ok((Issuer { eks: None, .. }, None))
        ));
        assert!(matches!(
            Issuer::parse("https://oidc.eks.eu-west-2.amazonaws.com/id/abc"),
            Ok((_, Some(_)))
        ));
        for bad in [
            "http://example.com",
            "https://example.com/",
            "https://example.com?a=b",
            "https://example.com#x",
            "https://u:p@example.com",
            "https://example.com:8443",
            "https://Example.com",
            "https://localhost",
            "https://example.com//x",
            "example.com",
        ] {
            assert!(Issuer::parse(bad).is_err(), "{bad}");
        }
    }
}
