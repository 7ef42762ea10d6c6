//! The kubeconfig context, loaded the way kubectl loads it, and the cluster facts an EKS
//! context carries (account, region, partition, cluster name).

use crate::Error;
use crate::api::Api;
use kube::config::{KubeConfigOptions, Kubeconfig, KubeconfigError};
use std::path::PathBuf;
use std::time::Duration;

/// kubectl's global flags, with kubectl's names and defaults.
#[derive(Debug, Clone, clap::Args)]
pub struct ContextArgs {
    /// Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)
    #[arg(long, value_name = "FILE")]
    kubeconfig: Option<PathBuf>,
    /// The kubeconfig context to use
    #[arg(long)]
    context: Option<String>,
    /// The kubeconfig cluster to use
    #[arg(long)]
    cluster: Option<String>,
    /// The kubeconfig user to use
    #[arg(long)]
    user: Option<String>,
    /// Namespace (default: the context's namespace, else `default`)
    #[arg(short = 'n', long)]
    pub namespace: Option<String>,
    /// Time to wait for each request: 30s, 1m, 0 for none; at most 24h
    #[arg(long, value_name = "DURATION", value_parser = parse_duration)]
    request_timeout: Option<Duration>,
}

/// What an EKS kubeconfig tells about its cluster without asking AWS.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EksFacts {
    pub account: Option<String>,
    pub region: Option<String>,
    pub partition: Option<String>,
    pub cluster_name: Option<String>,
}

#[derive(Debug)]
pub struct Context {
    pub api: Api,
    pub namespace: String,
    pub eks: EksFacts,
}

fn kube_error(error: impl std::fmt::Display) -> Error {
    Error::Cluster(format!(
        "cannot load the kubeconfig: {}",
        crate::api::redacted(&error.to_string())
    ))
}

/// A kubeconfig file's error, its path said once and plainly.
fn read_error(path: &std::path::Path, error: KubeconfigError) -> Error {
    match error {
        // A file that cannot be read is a file error (exit 3), as `-f` is.
        KubeconfigError::ReadConfig(source, _) => Error::ReadKubeconfig {
            path: path.display().to_string(),
            source,
        },
        KubeconfigError::Parse(error) => {
            // The YAML reader's first line says where and why; a source snippet follows.
            let text = error.to_string();
            let first = text.lines().next().unwrap_or_default();
            Error::Cluster(format!(
                "cannot load the kubeconfig: `{}` is not a kubeconfig: {}",
                path.display(),
                first.strip_prefix("error: ").unwrap_or(first)
            ))
        }
        other => kube_error(other),
    }
}

/// kubectl's rule: the files `KUBECONFIG` lists, merged in order, those that do not exist
/// skipped; without `KUBECONFIG`, ~/.kube/config. `Err(Absent)` when there is no file at
/// all (inside a pod, the pod's service account is used then), `Err(Broken)` when one
/// cannot be read.
fn read_kubeconfig() -> Result<Kubeconfig, Failed> {
    let files: Vec<PathBuf> = match std::env::var_os("KUBECONFIG").filter(|v| !v.is_empty()) {
        Some(list) => {
            let files: Vec<PathBuf> = std::env::split_paths(&list)
                .filter(|p| p.exists())
                .collect();
            if files.is_empty() {
                return Err(Failed::Absent(Error::Cluster(format!(
                    "cannot load the kubeconfig: no file KUBECONFIG lists exists ({})",
                    list.to_string_lossy()
                ))));
            }
            files
        }
        None => {
            let home = std::env::var_os("HOME")
                .map(PathBuf::from)
                .unwrap_or_default();
            let default = home.join(".kube").join("config");
            if !default.exists() {
                return Err(Failed::Absent(Error::Cluster(format!(
                    "cannot load the kubeconfig: `{}` does not exist and KUBECONFIG is not set",
                    default.display()
                ))));
            }
            vec![default]
        }
    };
    files
        .iter()
        .try_fold(Kubeconfig::default(), |merged, path| {
            merged
                .merge(read_file(path)?)
                .map_err(|e| Failed::Broken(kube_error(e)))
        })
}

fn read_file(path: &std::path::Path) -> Result<Kubeconfig, Failed> {
    Kubeconfig::read_from(path).map_err(|e| Failed::Broken(read_error(path, e)))
}

enum Failed {
    Absent(Error),
    Broken(Error),
}

impl ContextArgs {
    pub async fn connect(&self) -> Result<Context, Error> {
        let kubeconfig = match &self.kubeconfig {
            Some(path) => read_file(path),
            None => read_kubeconfig(),
        };
        let (mut config, eks) = match kubeconfig {
            Ok(kubeconfig) => {
                if let Some(name) = self
                    .context
                    .as_ref()
                    .filter(|name| !kubeconfig.contexts.iter().any(|c| &c.name == *name))
                {
                    return Err(Error::Cluster(format!(
                        "no context `{name}` in the kubeconfig (kubectl config get-contexts lists them)"
                    )));
                }
                let eks = self.eks_facts(&kubeconfig);
                let options = KubeConfigOptions {
                    context: self.context.clone(),
                    cluster: self.cluster.clone(),
                    user: self.user.clone(),
                };
                let config = kube::Config::from_custom_kubeconfig(kubeconfig, &options)
                    .await
                    .map_err(kube_error)?;
                (config, eks)
            }
            // Inside a pod with no kubeconfig at all, kubectl uses the pod's service
            // account; a kubeconfig that cannot be read, or a --context, never falls back.
            Err(Failed::Absent(error)) if self.context.is_none() => {
                match kube::Config::incluster() {
                    Ok(config) => (config, EksFacts::default()),
                    Err(_) => return Err(error),
                }
            }
            Err(Failed::Absent(error) | Failed::Broken(error)) => return Err(error),
        };
        if let Some(timeout) = self.request_timeout {
            let timeout = (!timeout.is_zero()).then_some(timeout);
            config.connect_timeout = timeout;
            config.read_timeout = timeout;
            config.write_timeout = timeout;
        }
        let namespace = self
            .namespace
            .clone()
            .unwrap_or_else(|| config.default_namespace.clone());
        let client = kube::Client::try_from(config).map_err(kube_error)?;
        Ok(Context {
            api: Api::new(client),
            namespace,
            eks,
        })
    }

    /// Reads the chosen context's cluster name (`aws eks update-kubeconfig` names it by
    /// the cluster ARN) and its user's `aws eks get-token` arguments.
    fn eks_facts(&self, kubeconfig: &Kubeconfig) -> EksFacts {
        let context_name = self
            .context
            .as_ref()
            .or(kubeconfig.current_context.as_ref());
        let context = context_name.and_then(|name| {
            kubeconfig
                .contexts
                .iter()
                .find(|c| &c.name == name)
                .and_then(|c| c.context.as_ref())
        });
        let cluster = self
            .cluster
            .clone()
            .or_else(|| context.map(|c| c.cluster.clone()));
        let user = self
            .user
            .clone()
            .or_else(|| context.and_then(|c| c.user.clone()));
        let exec_args = user
            .and_then(|user| kubeconfig.auth_infos.iter().find(|a| a.name == user))
            .and_then(|a| a.auth_info.as_ref())
            .and_then(|a| a.exec.as_ref())
            .and_then(|e| e.args.clone())
            .unwrap_or_default();
        let mut facts = cluster.as_deref().map(from_cluster_arn).unwrap_or_default();
        let arg = |flag: &str| {
            exec_args
                .iter()
                .position(|a| a == flag)
                .and_then(|i| exec_args.get(i + 1))
                .cloned()
                .or_else(|| {
                    let prefix = format!("{flag}=");
                    exec_args
                        .iter()
                        .find_map(|a| a.strip_prefix(&prefix).map(str::to_owned))
                })
        };
        if exec_args.iter().any(|a| a == "get-token") {
            facts.cluster_name = facts
                .cluster_name
                .or_else(|| arg("--cluster-name").or_else(|| arg("--cluster-id")));
            facts.region = facts.region.or_else(|| arg("--region"));
        }
        facts
    }
}

/// `arn:aws:eks:eu-west-2:111122223333:cluster/prod` -> its parts; nothing otherwise.
pub fn from_cluster_arn(name: &str) -> EksFacts {
    let parts: Vec<&str> = name.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", partition, "eks", region, account, resource] => {
            match resource.strip_prefix("cluster/") {
                Some(cluster) if !cluster.is_empty() => EksFacts {
                    account: Some((*account).to_owned()),
                    region: Some((*region).to_owned()),
                    partition: Some((*partition).to_owned()),
                    cluster_name: Some(cluster.to_owned()),
                },
                _ => EksFacts::default(),
            }
        }
        _ => EksFacts::default(),
    }
}

/// The longest `--request-timeout`: a day, far beyond any request worth waiting for.
const MAX_REQUEST_TIMEOUT_SECS: u64 = 86_400;

/// kubectl's `--request-timeout`, a Go duration: a bare number of seconds, or numbers
/// with units (`30s`, `1m30s`, `500ms`, `1.5h`); 0 waits forever; at most a day.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let bad = || format!("`{text}` is not a duration: use seconds (30), or 30s, 1m30s, 500ms, 1h");
    let bare = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    let mut seconds = 0.0;
    let mut rest = if bare { "" } else { text };
    if bare {
        seconds = text.parse::<f64>().map_err(|_| bad())?;
    } else if rest.is_empty() {
        return Err(bad());
    }
    while !rest.is_empty() {
        let number_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(bad)?;
        let (number, after) = rest.split_at(number_end);
        let unit_end = after
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(after.len());
        let (unit, next) = after.split_at(unit_end);
        let scale = match unit {
            "ns" => 1e-9,
            "us" | "\u{b5}s" | "\u{3bc}s" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return Err(bad()),
        };
        seconds += number.parse::<f64>().map_err(|_| bad())? * scale;
        rest = next;
    }
    // Also false for a number too large to be finite.
    if seconds <= MAX_REQUEST_TIMEOUT_SECS as f64 {
        Ok(Duration::from_secs_f64(seconds))
    } else {
        Err(format!(
            "`{text}` is longer than the longest request timeout, 24h"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_arns() {
        let facts = from_cluster_arn("arn:aws-cn:eks:cn-north-1:111122223333:cluster/prod");
        assert_eq!(facts.account.as_deref(), Some("111122223333"));
        assert_eq!(facts.partition.as_deref(), Some("aws-cn"));
        assert_eq!(facts.region.as_deref(), Some("cn-north-1"));
        assert_eq!(facts.cluster_name.as_deref(), Some("prod"));
        assert_eq!(from_cluster_arn("kind-kind"), EksFacts::default());
        assert_eq!(
            from_cluster_arn("arn:aws:eks:us-east-1:111122223333:nodegroup/x"),
            EksFacts::default()
        );
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        assert!(parse_duration("1d").is_err());
        assert!(parse_duration("").is_err());
        assert!(parse_duration("m").is_err());
        // Found by a hostile user: a huge value overflowed (exit 101).
        assert!(parse_duration("18446744073709551615h").is_err());
        assert!(parse_duration("99999999999999999999").is_err());
        assert_eq!(parse_duration("24h"), Ok(Duration::from_secs(86_400)));
        assert!(parse_duration("86401").is_err());
        // Go's durations, as kubectl takes them.
        assert_eq!(parse_duration("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("1.5h"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("0s"), Ok(Duration::ZERO));
        assert!(parse_duration("1h1d").is_err());
        assert!(parse_duration("1..5s").is_err());
        assert!(parse_duration("s5").is_err());
        assert!(parse_duration("5 s").is_err());
    }

    /// Every string of up to 4 characters from the parser's alphabet (and a few it does
    /// not take): an answer, never a panic, and never past a day.
    #[test]
    fn no_short_text_panics_the_duration_parser() {
        let alphabet: Vec<char> = "09.5smhnu\u{b5} x".chars().collect();
        let mut texts = vec![String::new()];
        for _ in 0..4 {
            let longer: Vec<String> = texts
                .iter()
                .flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}")))
                .collect();
            for text in &longer {
                if let Ok(d) = parse_duration(text) {
                    assert!(d <= Duration::from_secs(MAX_REQUEST_TIMEOUT_SECS), "{text}");
                }
            }
            texts = longer;
        }
    }
}
