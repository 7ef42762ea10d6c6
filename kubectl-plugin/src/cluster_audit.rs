//! `kubectl irsa audit --policies …` on a cluster: reads the policies and the annotated
//! ServiceAccounts; irsa-core's cluster::audit matches them.

use crate::api::SERVICE_ACCOUNT;
use crate::aws::AwsArgs;
use crate::context::ContextArgs;
use crate::printer::{self, Format};
use crate::{Error, Outcome};
use irsa_core::arn::{Partition, RoleArn};
use irsa_core::audit;
use irsa_core::cluster::audit::{self as cluster_audit, Policy, PolicyRole};
use irsa_core::cluster::objects;
use std::path::PathBuf;

pub struct Input<'a> {
    pub policies: &'a [PathBuf],
    /// Read the trust policies from IAM, with these credentials.
    pub from_iam: Option<&'a AwsArgs>,
    pub context: &'a ContextArgs,
    pub all_namespaces: bool,
    pub issuer: Option<&'a str>,
    pub quota: usize,
    pub output: Option<Format>,
}

pub async fn run(input: Input<'_>) -> Result<Outcome, Error> {
    let mut policies = Vec::new();
    let mut invalid = false;
    for file in policy_files(input.policies)? {
        let text = crate::input::read_file(&file)?;
        let file_name = file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        match audit::analyze(&text, input.quota) {
            Ok(report) => policies.push(Policy {
                role: cluster_audit::role_of(file_name, &text),
                file: file.display().to_string(),
                report,
            }),
            Err(e) => {
                eprintln!("error: {}: {e}", file.display());
                invalid = true;
            }
        }
    }
    let context = input.context.connect().await?;
    let issuer = match input.issuer {
        Some(issuer) => issuer.to_owned(),
        None => context.api.issuer().await.map_err(|e| {
            Error::Cluster(format!(
                "cannot find the cluster's OIDC issuer: {e}\n  hint: pass --issuer URL"
            ))
        })?,
    };
    let namespace = (!input.all_namespaces).then_some(context.namespace.as_str());
    let service_accounts = context
        .api
        .list(SERVICE_ACCOUNT, namespace, None, None)
        .await?
        .items;
    if let Some(aws) = input.from_iam {
        policies.extend(from_iam(aws, &service_accounts, input.quota).await);
    }
    let report = cluster_audit::audit(&service_accounts, policies, &issuer);
    match input.output {
        Some(format) => out!("{}", printer::value(&report, format))?,
        None => out!("{}", cluster_audit::text(&report))?,
    }
    Ok(if invalid {
        Outcome::Invalid
    } else if report.failing() {
        Outcome::Findings
    } else {
        Outcome::Done
    })
}

/// The trust policy of every role a ServiceAccount is annotated with, read from IAM. An
/// account the credentials do not reach is skipped with a line saying why; its
/// ServiceAccounts are then reported without a policy, as with files.
pub async fn from_iam(
    aws: &AwsArgs,
    service_accounts: &[serde_json::Value],
    quota: usize,
) -> Vec<Policy> {
    let mut roles: Vec<RoleArn> = service_accounts
        .iter()
        .filter_map(|sa| RoleArn::parse(objects::role_annotation(sa)).ok())
        .collect();
    roles.sort_by(|a, b| (&a.account, &a.name).cmp(&(&b.account, &b.name)));
    roles.dedup_by(|a, b| a.same_role(b));
    let mut policies = Vec::new();
    let mut accounts: Vec<(&str, Partition)> = roles
        .iter()
        .map(|r| (r.account.as_str(), r.partition))
        .collect();
    accounts.dedup();
    for (account, partition) in accounts {
        let iam = match aws.client(account, partition, None).await {
            Ok(iam) => iam,
            Err(e) => {
                eprintln!("skipped account {account}: {e}");
                continue;
            }
        };
        for role in roles.iter().filter(|r| r.account == *account) {
            match crate::iam::get_role(&iam, &role.name).await {
                Ok(Some(live)) => match audit::analyze(&live.trust.to_json(), quota) {
                    Ok(report) => policies.push(Policy {
                        role: PolicyRole {
                            account: Some(role.account.clone()),
                            name: role.name.clone(),
                        },
                        file: format!("iam:{role}"),
                        report,
                    }),
                    Err(e) => eprintln!("error: {role}: {e}"),
                },
                Ok(None) => eprintln!("{role}: no such role in IAM"),
                Err(e) => eprintln!("skipped {role}: {e}"),
            }
        }
    }
    policies
}

/// The files of `--policies`: files as given; in a directory, its `.json` files except
/// the permissions policies `kubectl irsa generate` writes beside the trust policies.
fn policy_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let mut files = Vec::new();
    for path in paths {
        if !path.is_dir() {
            files.push(path.clone());
            continue;
        }
        let entries = std::fs::read_dir(path).map_err(|source| Error::Read {
            path: path.display().to_string(),
            source,
        })?;
        let mut found: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                name.ends_with(".json") && !name.ends_with(".permissions.json")
            })
            .collect();
        found.sort();
        files.extend(found);
    }
    Ok(files)
}
