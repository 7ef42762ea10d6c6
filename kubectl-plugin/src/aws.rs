//! The AWS side's clients: the AWS SDK for Rust with its standard credential chain (env,
//! profiles, SSO, web identity, IMDS), region resolution and retries (standard mode:
//! throttling is retried with backoff), and `AWS_ENDPOINT_URL`. Built only for `--iam` and
//! `--from-iam`: no other command loads AWS configuration.

use crate::Error;
use aws_config::BehaviorVersion;
use aws_sdk_iam::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
use irsa_core::arn::Partition;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, clap::Args)]
pub struct AwsArgs {
    /// Credentials for the roles of another account: ACCOUNT=PROFILE, a profile of the AWS
    /// config (repeatable; other accounts use the default credential chain)
    #[arg(long = "account-profile", value_name = "ACCOUNT=PROFILE", value_parser = account_profile)]
    account_profiles: Vec<(String, String)>,
}

fn account_profile(text: &str) -> Result<(String, String), String> {
    let (account, profile) = text.split_once('=').ok_or_else(|| {
        format!("`{text}` must be ACCOUNT=PROFILE, like 444455556666=deploy-admin")
    })?;
    irsa_core::arn::AccountId::parse(account)?;
    if profile.is_empty() {
        return Err(format!("`{text}` names no profile"));
    }
    Ok((account.to_owned(), profile.to_owned()))
}

/// The region IAM's clients sign with. IAM is global per partition, and the region picks
/// the partition's endpoint: the spec's region, else the configured one when it is in
/// the roles' partition, else the partition's home region.
fn signing_region(
    partition: Partition,
    spec: Option<&str>,
    configured: Option<&aws_config::Region>,
) -> String {
    spec.or(configured.map(aws_config::Region::as_ref))
        .filter(|r| Partition::of_region_name(r) == partition)
        .unwrap_or(partition.home_region())
        .to_owned()
}

/// One IAM client per account, each checked to act in that account.
#[derive(Debug)]
pub struct Accounts {
    clients: BTreeMap<String, aws_sdk_iam::Client>,
}

/// The credentials of an account, or why there are none.
pub type Reach = Result<aws_sdk_iam::Client, Error>;

impl AwsArgs {
    /// Clients for every account in `accounts`; the first that cannot be reached, or whose
    /// credentials are another account's, is an error.
    pub async fn connect(
        &self,
        accounts: &[&str],
        partition: Partition,
        region: Option<&str>,
    ) -> Result<Accounts, Error> {
        let mut clients = BTreeMap::new();
        for account in accounts {
            let client = self.client(account, partition, region).await?;
            clients.insert((*account).to_owned(), client);
        }
        Ok(Accounts { clients })
    }

    /// An IAM client acting in `account`, with the credentials `--account-profile` names
    /// for it, else the default chain; `sts:GetCallerIdentity` proves which account they
    /// are for.
    pub async fn client(&self, account: &str, partition: Partition, region: Option<&str>) -> Reach {
        let profile = self
            .account_profiles
            .iter()
            .find(|(a, _)| a == account)
            .map(|(_, p)| p.as_str());
        let http = aws_smithy_http_client::Builder::new()
            .tls_provider(Provider::Rustls(CryptoMode::Ring))
            .build_https();
        let mut loader = aws_config::defaults(BehaviorVersion::latest()).http_client(http.clone());
        if let Some(profile) = profile {
            loader = loader.profile_name(profile);
        }
        let config = loader.load().await;
        let region = aws_config::Region::new(signing_region(partition, region, config.region()));
        let mut sts = aws_sdk_sts::config::Builder::from(&config).region(region.clone());
        let mut iam = aws_sdk_iam::config::Builder::from(&config).region(region.clone());
        if let Some(profile) = profile {
            // That profile's credentials, not the default chain's first find (the chain
            // takes AWS_ACCESS_KEY_ID from the environment before any profile).
            let sources = aws_config::provider_config::ProviderConfig::default()
                .with_http_client(http)
                .with_region(Some(region));
            let credentials = aws_config::profile::ProfileFileCredentialsProvider::builder()
                .configure(&sources)
                .profile_name(profile)
                .build();
            let credentials = aws_sdk_iam::config::SharedCredentialsProvider::new(credentials);
            sts = sts.credentials_provider(credentials.clone());
            iam = iam.credentials_provider(credentials);
        }
        let caller = aws_sdk_sts::Client::from_conf(sts.build())
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| {
                let how = profile.map_or("the default credentials".to_owned(), |p| {
                    format!("profile `{p}`")
                });
                Error::Aws(format!(
                    "cannot use {how} for account {account}: {}\n  hint: pass --account-profile {account}=PROFILE",
                    aws_sdk_sts::error::DisplayErrorContext(&e)
                ))
            })?;
        let actual = caller.account().unwrap_or_default();
        if actual != account {
            let how = profile.map_or("the default credentials are".to_owned(), |p| {
                format!("profile `{p}` is")
            });
            return Err(Error::Refused(format!(
                "the roles of account {account} need its credentials, but {how} for account {actual} ({})\n  hint: pass --account-profile {account}=PROFILE",
                caller.arn().unwrap_or_default()
            )));
        }
        Ok(aws_sdk_iam::Client::from_conf(iam.build()))
    }
}

impl Accounts {
    pub fn iam(&self, account: &str) -> Result<&aws_sdk_iam::Client, Error> {
        self.clients
            .get(account)
            .ok_or_else(|| Error::Aws(format!("no credentials for account {account}")))
    }
}

/// The code AWS answered with, e.g. `NoSuchEntity`.
pub fn code<E: ProvideErrorMetadata, R>(error: &SdkError<E, R>) -> Option<&str> {
    error
        .as_service_error()
        .and_then(ProvideErrorMetadata::code)
}

/// An AWS error as a line naming the IAM action and what it acted on; a denial names the
/// permission the caller lacks.
pub fn error<E, R>(action: &str, target: &str, error: SdkError<E, R>) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let message = error
        .as_service_error()
        .and_then(ProvideErrorMetadata::message)
        .map(str::to_owned);
    match (code(&error), message) {
        (Some(code @ ("AccessDenied" | "AccessDeniedException" | "UnauthorizedOperation")), m) => {
            Error::Aws(format!(
                "{action} on {target} was denied ({code}: {})\n  hint: the caller needs `{action}` on it; README, \"IAM permissions for bind --iam\", has the whole policy",
                m.unwrap_or_default()
            ))
        }
        (Some(code), m) => Error::Aws(format!(
            "{action} on {target} failed: {code}: {}",
            m.unwrap_or_default()
        )),
        (None, _) => Error::Aws(format!(
            "{action} on {target} failed: {}",
            aws_sdk_iam::error::DisplayErrorContext(&error)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::account_profile;

    #[test]
    fn clients_sign_in_the_roles_partition() {
        use super::{Partition, signing_region};
        let region = |r: &str| aws_config::Region::new(r.to_owned());
        assert_eq!(
            signing_region(Partition::Aws, Some("eu-west-2"), None),
            "eu-west-2"
        );
        assert_eq!(
            signing_region(Partition::Aws, None, Some(&region("cn-north-1"))),
            "us-east-1"
        );
        assert_eq!(
            signing_region(Partition::AwsCn, None, Some(&region("eu-west-2"))),
            "cn-north-1"
        );
        assert_eq!(
            signing_region(Partition::AwsCn, None, Some(&region("cn-northwest-1"))),
            "cn-northwest-1"
        );
        assert_eq!(
            signing_region(Partition::AwsUsGov, None, None),
            "us-gov-west-1"
        );
    }

    #[test]
    fn account_profiles_are_checked() {
        assert_eq!(
            account_profile("444455556666=deploy"),
            Ok(("444455556666".to_owned(), "deploy".to_owned()))
        );
        assert!(account_profile("444455556666").is_err());
        assert!(account_profile("4444=deploy").is_err());
        assert!(account_profile("444455556666=").is_err());
    }
}
