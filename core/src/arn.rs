//! Partitions and the ARNs the product handles: roles, managed policies, OIDC providers.

use crate::names;
use std::fmt;

crate::wire::wire_enum! {
    /// AWS partitions (botocore `partitions.json`).
    pub enum Partition {
        Aws => "aws",
        AwsCn => "aws-cn",
        AwsUsGov => "aws-us-gov",
        AwsIso => "aws-iso",
        AwsIsoB => "aws-iso-b",
        AwsIsoE => "aws-iso-e",
        AwsIsoF => "aws-iso-f",
        AwsEusc => "aws-eusc",
    }
}

impl Partition {
    pub fn parse(s: &str) -> Result<Self, String> {
        Self::from_name(s).ok_or_else(|| {
            let known: Vec<&str> = Self::ALL.iter().map(|p| p.as_str()).collect();
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
            Partition::AwsEusc => "amazonaws.eu",
        }
    }

    /// The region names that mark the partition (botocore's `regionRegex`); `aws` is every
    /// region none of them marks. No prefix of one partition starts another's.
    pub fn region_prefixes(self) -> &'static [&'static str] {
        match self {
            Partition::Aws => &[],
            Partition::AwsCn => &["cn-"],
            Partition::AwsUsGov => &["us-gov-"],
            Partition::AwsIso => &["us-iso-"],
            Partition::AwsIsoB => &["us-isob-"],
            Partition::AwsIsoE => &["eu-isoe-"],
            Partition::AwsIsoF => &["us-isof-"],
            Partition::AwsEusc => &["eusc-"],
        }
    }

    /// The partition a region name belongs to.
    pub fn of_region_name(region: &str) -> Self {
        Self::ALL
            .iter()
            .copied()
            .find(|p| {
                p.region_prefixes()
                    .iter()
                    .any(|prefix| region.starts_with(prefix))
            })
            .unwrap_or(Partition::Aws)
    }

    /// The region a partition-wide service (IAM, STS's global endpoint) is reached in.
    pub fn home_region(self) -> &'static str {
        match self {
            Partition::Aws => "us-east-1",
            Partition::AwsCn => "cn-north-1",
            Partition::AwsUsGov => "us-gov-west-1",
            Partition::AwsIso => "us-iso-east-1",
            Partition::AwsIsoB => "us-isob-east-1",
            Partition::AwsIsoE => "eu-isoe-west-1",
            Partition::AwsIsoF => "us-isof-south-1",
            Partition::AwsEusc => "eusc-de-east-1",
        }
    }

    /// The partition a region belongs to, given the DNS suffix it was found under.
    pub fn of_region(region: &str, dns_suffix: &str) -> Option<Self> {
        if dns_suffix == "amazonaws.com" {
            return Some(if Self::of_region_name(region) == Partition::AwsUsGov {
                Partition::AwsUsGov
            } else {
                Partition::Aws
            });
        }
        Self::ALL
            .iter()
            .copied()
            .find(|p| *p != Partition::AwsUsGov && p.dns_suffix() == dns_suffix)
    }
}

/// An AWS account ID: exactly 12 digits.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AccountId(String);

impl AccountId {
    pub fn parse(s: &str) -> Result<Self, String> {
        if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(s.to_owned()))
        } else {
            Err(format!(
                "`{s}` is not an AWS account ID: it must be exactly 12 digits"
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for AccountId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl PartialEq<str> for AccountId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl serde::Serialize for AccountId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// A managed policy ARN, `arn:<partition>:iam::(aws|<account>):policy/<path><name>`, as
/// written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyArn {
    partition: Partition,
    text: String,
}

impl PolicyArn {
    pub fn parse(s: &str) -> Result<Self, String> {
        let (partition, _, resource) = split_iam_arn(s, "policy")?;
        let (path, name) = split_path(resource);
        names::role_path(path)?;
        let valid_name = !name.is_empty()
            && name.len() <= 128
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
        if !valid_name {
            return Err(format!("`{name}` is not a valid policy name in `{s}`"));
        }
        Ok(Self {
            partition,
            text: s.to_owned(),
        })
    }

    pub fn partition(&self) -> Partition {
        self.partition
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl AsRef<str> for PolicyArn {
    fn as_ref(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for PolicyArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A fully resolved IAM role ARN: `arn:<partition>:iam::<account>:role<path><name>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleArn {
    pub partition: Partition,
    pub account: AccountId,
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
        let (partition, Some(account), resource) = split_iam_arn(s, "role")? else {
            return Err(format!(
                "`{s}` names no account: a role ARN needs its account ID"
            ));
        };
        let (path, name) = split_path(resource);
        names::role_name(name)?;
        names::role_path(path)?;
        Ok(Self {
            partition,
            account,
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

/// Splits `arn:<partition>:iam::<account>:<kind>/<rest>` and returns `/<rest>`.
/// The account is `None` for `aws`, the owner of AWS-managed policies, which only a policy
/// ARN may name.
fn split_iam_arn<'a>(
    s: &'a str,
    kind: &str,
) -> Result<(Partition, Option<AccountId>, &'a str), String> {
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
    let account = match AccountId::parse(account) {
        Ok(id) => Some(id),
        Err(_) if kind == "policy" && account == "aws" => None,
        Err(rule) => return Err(format!("{rule}, in `{s}`")),
    };
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
    fn regions_name_their_partition() {
        for (region, partition) in [
            ("eu-west-2", Partition::Aws),
            ("cn-northwest-1", Partition::AwsCn),
            ("us-gov-east-1", Partition::AwsUsGov),
            ("us-iso-east-1", Partition::AwsIso),
            ("us-isob-east-1", Partition::AwsIsoB),
            ("eu-isoe-west-1", Partition::AwsIsoE),
            ("us-isof-south-1", Partition::AwsIsoF),
            ("eusc-de-east-1", Partition::AwsEusc),
        ] {
            assert_eq!(Partition::of_region_name(region), partition, "{region}");
        }
        for p in Partition::ALL {
            assert_eq!(Partition::of_region_name(p.home_region()), *p);
        }
    }

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
        assert!(PolicyArn::parse("arn:aws:iam::aws:policy/ReadOnlyAccess").is_ok());
        assert!(
            PolicyArn::parse("arn:aws:iam::aws:policy/service-role/AmazonEKSClusterPolicy").is_ok()
        );
        assert!(PolicyArn::parse("arn:aws:iam::111122223333:policy/x").is_ok());
        assert!(PolicyArn::parse("arn:aws:iam::aws:role/x").is_err());
        assert!(PolicyArn::parse("ReadOnlyAccess").is_err());
    }
}
