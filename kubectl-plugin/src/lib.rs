//! `kubectl irsa`: the command line over irsa-core. All IO lives here; every decision
//! about roles, policies and objects is the core's.
//!
//! Exit codes: 0 success (warnings allowed), 1 the input is invalid (diagnostics on
//! stderr), 2 usage error, 3 a file could not be read or written, 4 `audit` found a high
//! or critical problem.

mod audit;
mod generate;
mod printer;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "kubectl-irsa",
    bin_name = "kubectl irsa",
    version,
    about = "Let pods on Amazon EKS act as AWS IAM roles, without a stored secret",
    long_about = "Let pods on Amazon EKS act as AWS IAM roles, without a stored secret.\n\nFrom a spec of a few lines (cluster issuer, namespace/service account, pod role, roles to chain into) irsa writes the IAM trust and permissions policies, the annotated ServiceAccount, an AWS config file with one profile per role, its ConfigMap and the workload wiring.",
    after_help = "Exit codes: 0 success, 1 invalid input, 2 usage error, 3 file error, 4 audit finding (high or critical)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate every artifact from a spec file or flags, offline
    Generate(Box<generate::Args>),
    /// Who can assume a role, and what is dangerous in its trust policy, offline
    Audit(audit::Args),
}

/// Failures that are not about the spec itself.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read `{path}`: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot write `{path}`: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Usage(String),
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
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Generate(args) => generate::run(*args),
        Command::Audit(args) => audit::run(args),
    };
    match result {
        Ok(Outcome::Done) => ExitCode::SUCCESS,
        Ok(Outcome::Invalid) => ExitCode::from(1),
        Ok(Outcome::Findings) => ExitCode::from(4),
        Err(Error::Usage(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(3)
        }
    }
}
