//! Partitions and the ARNs the product handles: roles, managed policies, OIDC providers.

use crate::names;
use serde::Serialize;
use std::fmt;

/// AWS partitions (botocore `partitions.json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Partition {
    #[serde(rename = "aws")]
    Aws,
    #[serde(rename = "aws-cn")]
    AwsCn,
    #[serde(rename = "aws-us-gov")]
    AwsUsGov,
    #[serde(rename = "aws-iso")]
    AwsIso,
    #[serde(rename = "aws-iso-b")]
    AwsIsoB,
    #[serde(rename = "aws-iso-e")]
    AwsIsoE,
    #[serde(rename = "aws-iso-f")]
    AwsIsoF,
}

impl Partition {
    pub const ALL: [Partition; 7] = [
        Partition::Aws,
        Partition::AwsCn,
        Partition::AwsUsGov,
        Partition::AwsIso,
        Partition::AwsIsoB,
        Partition::AwsIsoE,
        Partition::AwsIsoF,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Partition::Aws => "aws",
            Partition::AwsCn => "aws-cn",
            Partition::AwsUsGov => "aws-us-gov",
            Partition::AwsIso => "aws-iso",
            Partition::AwsIsoB => "aws-iso-b",
            Partition::AwsIsoE => "aws-iso-e",
            Partition::AwsIsoF => "aws-iso-f",
        }
    }

    pub fn parse(s: &str) -> Result<Self, String> {
        Self::ALL.into_iter().find(|p| p.id() == s).ok_or_else(|| {
            let known: Vec<&str> = Self::ALL.iter().map(|p| p.id()).collect();
            format!(
                "unknown partition `{s}`: expected one of {}",
                known.join(", ")
            )
        })
    }

    /// DNS suffix of the partition's service endpoints, hence of its EKS OIDC issuers.
    pub fn dns_suffix(self) -> &'static str {
        match self {
            Partition::Aws | Partition::AwsUsGov => "amazonaws.com",
            Partition::AwsCn => "amazonaws.com.cn",
            Partition::AwsIso => "c2s.ic.gov",
            Partition::AwsIsoB => "sc2s.sgov.gov",
            Partition::AwsIsoE => "cloud.adc-e.uk",
            Partition::AwsIsoF => "csp.hci.ic.gov",
        }
    }

    /// The partition a region belongs to, given the DNS suffix it was found under.
    pub fn of_region(region: &str, dns_suffix: &str) -> Option<Self> {
        if dns_suffix == "amazonaws.com" {
            return Some(if region.starts_with("us-gov-") {
                Partition::AwsUsGov
            } else {
                Partition::Aws
            });
        }
        Self::ALL
            .into_iter()
            .find(|p| *p != Partition::AwsUsGov && p.dns_suffix() == dns_suffix)
    }
}

impl fmt::Display for Partition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// A fully resolved IAM role ARN: `arn:<partition>:iam::<account>:role<path><name>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleArn {
    pub partition: Partition,
    pub account: String,
    /// `/` or `/a/b/`.
    pub path: String,
    pub name: String,
}

impl RoleArn {
    /// Whether two ARNs name one IAM role: role names are unique per account whatever
    /// their path or case.
    pub fn same_role(&self, other: &RoleArn) -> bool {
        self.account == other.account && self.name.eq_ignore_ascii_case(&other.name)
    }

    pub fn parse(s: &str) -> Result<Self, String> {
        let (partition, account, resource) = split_iam_arn(s, "role")?;
        let (path, name) = split_path(resource);
        names::role_name(name)?;
        names::role_path(path)?;
        Ok(Self {
            partition,
            account: account.to_owned(),
            path: path.to_owned(),
            name: name.to_owned(),
        })
    }
}

impl fmt::Display for RoleArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arn:{}:iam::{}:role{}{}",
            self.partition, self.account, self.path, self.name
        )
    }
}

/// Checks a managed policy ARN: `arn:<partition>:iam::(aws|<account>):policy/<path><name>`.
pub fn parse_policy_arn(s: &str) -> Result<Partition, String> {
    let (partition, _, resource) = split_iam_arn(s, "policy")?;
    let (path, name) = split_path(resource);
    names::role_path(path)?;
    let valid_name = !name.is_empty()
        && name.len() <= 128
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
    if valid_name {
        Ok(partition)
    } else {
        Err(format!("`{name}` is not a valid policy name in `{s}`"))
    }
}

/// Splits `arn:<partition>:iam::<account>:<kind>/<rest>` and returns `/<rest>`.
fn split_iam_arn<'a>(s: &'a str, kind: &str) -> Result<(Partition, &'a str, &'a str), String> {
    let shape = || {
        format!(
            "`{s}` is not an IAM {kind} ARN: expected `arn:<partition>:iam::<account>:{kind}/<name>`"
        )
    };
    let mut parts = s.splitn(6, ':');
    let (Some("arn"), Some(partition), Some("iam"), Some(""), Some(account), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(shape());
    };
    let partition = Partition::parse(partition)?;
    let account_ok = names::account_id(account).is_ok() || (kind == "policy" && account == "aws");
    if !account_ok {
        return Err(format!(
            "`{account}` in `{s}` is not an AWS account ID: it must be exactly 12 digits"
        ));
    }
    match resource.strip_prefix(kind) {
        Some(rest) if rest.starts_with('/') => Ok((partition, account, rest)),
        _ => Err(shape()),
    }
}

/// `/a/b/name` -> (`/a/b/`, `name`).
fn split_path(resource: &str) -> (&str, &str) {
    match resource.rfind('/') {
        Some(i) => (
            resource.get(..=i).unwrap_or("/"),
            resource.get(i + 1..).unwrap_or(""),
        ),
        None => ("/", resource),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_arns_round_trip() {
        for s in [
            "arn:aws:iam::111122223333:role/a",
            "arn:aws-cn:iam::012345678901:role/x/y/a.b@c",
        ] {
            assert_eq!(RoleArn::parse(s).map(|a| a.to_string()), Ok(s.to_owned()));
        }
        let arn = RoleArn::parse("arn:aws:iam::111122223333:role/team/app").ok();
        assert_eq!(
            arn.map(|a| (a.path, a.name)),
            Some(("/team/".into(), "app".into()))
        );
        for bad in [
            "arn:aws:iam::111122223333:user/a",
            "arn:aws:iam::11112222333:role/a",
            "arn:aws:s3:::bucket",
            "arn:aws:iam::111122223333:role/",
            "arn:foo:iam::111122223333:role/a",
            "payments",
        ] {
            assert!(RoleArn::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn policy_arns() {
        assert!(parse_policy_arn("arn:aws:iam::aws:policy/ReadOnlyAccess").is_ok());
        assert!(
            parse_policy_arn("arn:aws:iam::aws:policy/service-role/AmazonEKSClusterPolicy").is_ok()
        );
        assert!(parse_policy_arn("arn:aws:iam::111122223333:policy/x").is_ok());
        assert!(parse_policy_arn("arn:aws:iam::aws:role/x").is_err());
        assert!(parse_policy_arn("ReadOnlyAccess").is_err());
    }
}
