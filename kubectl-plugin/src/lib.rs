//! `kubectl irsa`: the command line over irsa-core. All IO lives here; every decision
//! about roles, policies and objects is the core's.
//!
//! Exit codes: 0 success (warnings allowed, or the reader of the output went away: `| head`),
//! 1 the input is invalid (diagnostics on stderr), 2 usage error, 3 a file or standard
//! output could not be read or written, 4 `audit` found a high
//! or critical problem or `doctor` a failing check, 5 the cluster or AWS could not be reached
//! or refused a request, 6 `bind` refused to change what another owner set.

/// `print!` that returns a closed pipe or a full disk as [`Error::Stdout`], never panics.
macro_rules! out {
    ($($arg:tt)*) => { $crate::write_stdout(format_args!($($arg)*)) };
}

/// `println!` that returns a closed pipe or a full disk as [`Error::Stdout`].
macro_rules! outln {
    ($($arg:tt)*) => { $crate::write_stdout(format_args!("{}\n", format_args!($($arg)*))) };
}

mod api;
mod audit;
mod aws;
mod bind;
mod cluster_audit;
mod complete;
mod context;
mod diff;
mod doctor;
mod generate;
mod iam;
mod input;
mod inventory;
mod pods;
mod printer;
mod status;
mod unbind;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "kubectl-irsa",
    bin_name = "kubectl irsa",
    version,
    about = "Let pods on Amazon EKS act as AWS IAM roles, without a stored secret",
    long_about = "Let pods on Amazon EKS act as AWS IAM roles, without a stored secret.\n\nFrom a spec of a few lines (cluster issuer, namespace/service account, pod role, roles to chain into) irsa writes the IAM trust and permissions policies, the annotated ServiceAccount, an AWS config file with one profile per role, its ConfigMap and the workload wiring.",
    after_help = "Exit codes: 0 success, 1 invalid input, 2 usage error, 3 file error, 4 audit finding (high or critical) or doctor failure, 5 cluster or AWS error, 6 refused (needs --overwrite, --force-conflicts or --allow-default-service-account)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate every artifact from a spec file or flags, offline
    Generate(Box<generate::Args>),
    /// Apply the ServiceAccount, its AWS config and the workload wiring to the cluster
    Bind(Box<bind::Args>),
    /// Remove exactly what bind applied, leaving other owners' fields
    Unbind(unbind::Args),
    /// ServiceAccounts with a role: profiles, workloads, pods with credentials
    Status(status::Args),
    /// Why a ServiceAccount's or workload's pods do or do not get their role
    Doctor(Box<doctor::Args>),
    /// Who can assume a role and what is dangerous in its trust policy; with --policies, for every ServiceAccount of the cluster
    Audit(Box<audit::Args>),
    /// Print a shell completion script (bash, zsh, fish, powershell or elvish) for the
    /// `kubectl-irsa` command; for `kubectl irsa`, see the examples
    Completion(CompletionArgs),
}

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  # kubectl irsa <TAB>, in kubectl's own completion (kubectl 1.26 and later):\n  ln -s \"$(command -v kubectl-irsa)\" \\\n    \"$(dirname \"$(command -v kubectl-irsa)\")/kubectl_complete-irsa\"\n  source <(kubectl irsa completion bash)\n  kubectl irsa completion zsh > \"${fpath[1]}/_kubectl-irsa\"\n  kubectl irsa completion fish > ~/.config/fish/completions/kubectl-irsa.fish"
)]
pub struct CompletionArgs {
    shell: clap_complete::Shell,
}

/// Failures that are not about the spec itself.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read `{path}`: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot read the kubeconfig `{path}`: {source}")]
    ReadKubeconfig {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot write `{path}`: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot delete `{path}`: {source}")]
    Delete {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Cluster(String),
    #[error("{0}")]
    Aws(String),
    #[error("{0}")]
    Refused(String),
    #[error("cannot write to standard output: {0}")]
    Stdout(std::io::Error),
}

fn write_stdout(text: std::fmt::Arguments) -> Result<(), Error> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_fmt(text)
        .and_then(|()| stdout.flush())
        .map_err(Error::Stdout)
}

/// How a command ended: the spec was invalid (diagnostics already printed) or it succeeded.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Done,
    Invalid,
    /// The audit found something high or critical.
    Findings,
}

pub fn main() -> ExitCode {
    // Installed as `kubectl_complete-irsa`, kubectl asks it to complete `kubectl irsa …`;
    // `kubectl-irsa __complete WORD…` does the same. Not a clap subcommand: the shells'
    // completion scripts would offer it.
    let mut args = std::env::args_os().map(|w| w.to_string_lossy().into_owned());
    let invoked = args.next().unwrap_or_default();
    let mut words: Vec<String> = args.collect();
    if std::path::Path::new(&invoked).file_stem() == Some("kubectl_complete-irsa".as_ref()) {
        return complete(&words);
    }
    if words.first().map(String::as_str) == Some("__complete") {
        words.remove(0);
        return complete(&words);
    }
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Generate(args) => generate::run(*args),
        Command::Bind(args) => live(bind::run(*args)),
        Command::Unbind(args) => live(unbind::run(args)),
        Command::Status(args) => live(status::run(args)),
        Command::Doctor(args) => live(doctor::run(*args)),
        Command::Completion(args) => {
            let mut command = <Cli as clap::CommandFactory>::command().bin_name("kubectl-irsa");
            let mut script = Vec::new();
            clap_complete::generate(args.shell, &mut command, "kubectl-irsa", &mut script);
            let mut script = String::from_utf8_lossy(&script).into_owned();
            if args.shell == clap_complete::Shell::Bash {
                // clap_complete's bash script sets `cmd` with the `-` of a hyphenated name
                // as `__`, but labels the subcommands' cases with it as `__subcmd__`: no
                // subcommand's flags would ever be completed.
                script =
                    script.replace("kubectl__subcmd__irsa__subcmd__", "kubectl__irsa__subcmd__");
            }
            out!("{script}").map(|()| Outcome::Done)
        }
        Command::Audit(args) => audit::run(*args),
    };
    match result {
        Ok(Outcome::Done) => ExitCode::SUCCESS,
        Ok(Outcome::Invalid) => ExitCode::from(1),
        Ok(Outcome::Findings) => ExitCode::from(4),
        // Whoever read the output has all they wanted (`| head`): as cat or grep would, stop.
        Err(Error::Stdout(err)) if err.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(Error::Usage(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(match err {
                Error::Cluster(_) | Error::Aws(_) => 5,
                Error::Refused(_) => 6,
                _ => 3,
            })
        }
    }
}

fn complete(words: &[String]) -> ExitCode {
    let command = <Cli as clap::CommandFactory>::command();
    match out!("{}", complete::answer(&command, words)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::from(3),
    }
}

/// Runs a command that talks to the cluster; offline commands never start a runtime.
fn live(
    command: impl std::future::Future<Output = Result<Outcome, Error>>,
) -> Result<Outcome, Error> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Cluster(format!("cannot start the async runtime: {e}")))?
        .block_on(command)
}
