//! `kubectl irsa generate`: the bundle of a spec, offline.

use crate::input::{Defaults, SpecInput};
use crate::printer::{self, Format};
use crate::{Error, Outcome};
use irsa_core::Kind;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kubectl irsa generate -f irsa.yaml\n  kubectl irsa generate -f irsa.yaml --out-dir deploy/irsa\n  ISSUER=$(aws eks describe-cluster --name prod \\\n    --query cluster.identity.oidc.issuer --output text)\n  kubectl irsa generate payments/api --role payments-api \\\n    --account 111122223333 --issuer \"$ISSUER\" \\\n    --assume deploy=arn:aws:iam::444455556666:role/payments-deploy"
)]
pub struct Args {
    #[command(flatten)]
    input: SpecInput,

    /// Output format: a bundle as `json` or `yaml`; readable text when not given
    #[arg(short = 'o', long = "output", value_enum)]
    output: Option<Format>,

    /// Write each artifact to its path under this directory
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,

    /// With --out-dir: delete the files of the bundle's directories that this bundle does
    /// not write (left from an earlier spec), instead of warning about them
    #[arg(long, requires = "out_dir")]
    prune: bool,

    /// Only these kinds of artifact (comma-separated), e.g. terraform,cloudformation
    #[arg(long, value_name = "KIND,...", value_delimiter = ',', value_parser = parse_kind)]
    format: Vec<Kind>,
}

pub fn run(args: Args) -> Result<Outcome, Error> {
    let mut bundle = args.input.bundle(&Defaults::default())?;
    if !args.format.is_empty() {
        bundle.artifacts.retain(|a| args.format.contains(&a.kind));
        if !bundle.has_errors() {
            // Asking for a kind this spec does not produce is said, never an empty success.
            for kind in args
                .format
                .iter()
                .filter(|k| !bundle.artifacts.iter().any(|a| a.kind == **k))
            {
                let needs = match kind {
                    Kind::Eksctl => " (it needs `clusterName`)",
                    Kind::PodIdentity => " (it needs `podIdentity: true` and `clusterName`)",
                    Kind::WorkloadPatch => " (it needs `workload`)",
                    _ => "",
                };
                eprintln!("warning: this spec gives no `{kind}` artifact{needs}");
            }
        }
    }
    let format = args.output;
    let outcome = if bundle.has_errors() {
        Outcome::Invalid
    } else {
        Outcome::Done
    };
    args.input.report(&bundle.diagnostics);
    match (&args.out_dir, format) {
        (_, Some(format)) => {
            if let (Some(dir), Outcome::Done) = (&args.out_dir, &outcome) {
                write_out_dir(dir, &bundle.artifacts, args.prune)?;
            }
            out!("{}", printer::bundle(&bundle, format))?;
        }
        (Some(dir), None) => {
            if outcome == Outcome::Done {
                write_out_dir(dir, &bundle.artifacts, args.prune)?;
                for artifact in &bundle.artifacts {
                    outln!("wrote {}", dir.join(&artifact.path).display())?;
                }
            }
        }
        (None, None) => out!("{}", printer::text(&bundle.artifacts))?,
    }
    Ok(outcome)
}

fn parse_kind(name: &str) -> Result<Kind, String> {
    Kind::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        format!(
            "unknown kind `{name}`: expected one of {}",
            names.join(", ")
        )
    })
}

/// Writes each artifact under `dir`. Files of the same directories that this bundle does
/// not write are left from an earlier spec: `kubectl apply -R` would still apply them, so
/// each is said, or with `prune` deleted.
pub fn write_out_dir(
    dir: &Path,
    artifacts: &[irsa_core::Artifact],
    prune: bool,
) -> Result<(), Error> {
    for artifact in artifacts {
        let path = dir.join(&artifact.path);
        let write = |path: &Path| -> std::io::Result<()> {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(path, &artifact.content)
        };
        write(&path).map_err(|source| Error::Write {
            path: path.display().to_string(),
            source,
        })?;
    }
    for stale in leftovers(dir, artifacts) {
        if prune {
            std::fs::remove_file(&stale).map_err(|source| Error::Write {
                path: stale.display().to_string(),
                source,
            })?;
            eprintln!("pruned {}", stale.display());
        } else {
            eprintln!(
                "warning: {} is not part of this bundle (left from an earlier spec?): remove it, or generate with --prune",
                stale.display()
            );
        }
    }
    Ok(())
}

/// Files under the bundle's top-level directories (`iam/`, `kubernetes/`, …) that are
/// none of its artifacts.
fn leftovers(dir: &Path, artifacts: &[irsa_core::Artifact]) -> Vec<PathBuf> {
    let written: std::collections::BTreeSet<PathBuf> =
        artifacts.iter().map(|a| dir.join(&a.path)).collect();
    let tops: std::collections::BTreeSet<&str> = artifacts
        .iter()
        .filter_map(|a| a.path.split_once('/').map(|(top, _)| top))
        .collect();
    let mut found = Vec::new();
    let mut pending: Vec<PathBuf> = tops.iter().map(|top| dir.join(top)).collect();
    while let Some(folder) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            // A symbolic link is not followed (a link to a parent would never end).
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                pending.push(path);
            } else if !written.contains(&path) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}
