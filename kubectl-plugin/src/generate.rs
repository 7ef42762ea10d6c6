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

    /// With --out-dir: delete the files an earlier run wrote there that this spec no longer
    /// gives (they are listed in DIR/.irsa-files), instead of warning about them
    #[arg(long, requires = "out_dir")]
    prune: bool,

    /// Only these kinds of artifact (comma-separated), e.g. terraform,cloudformation
    #[arg(long, value_name = "KIND,...", value_delimiter = ',', value_parser = kinds())]
    format: Vec<Kind>,
}

pub fn run(args: Args) -> Result<Outcome, Error> {
    let mut bundle = args.input.bundle(&Defaults::default())?;
    let whole: Vec<String> = bundle.artifacts.iter().map(|a| a.path.clone()).collect();
    let keep: Vec<&str> = whole.iter().map(String::as_str).collect();
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
                write_out_dir(dir, &bundle.artifacts, &keep, args.prune)?;
            }
            out!("{}", printer::bundle(&bundle, format))?;
        }
        (Some(dir), None) => {
            if outcome == Outcome::Done {
                write_out_dir(dir, &bundle.artifacts, &keep, args.prune)?;
                for artifact in &bundle.artifacts {
                    outln!("wrote {}", dir.join(&artifact.path).display())?;
                }
            }
        }
        (None, None) => out!("{}", printer::text(&bundle.artifacts))?,
    }
    Ok(outcome)
}

/// The artifact kinds by their wire names, listed for help and completion.
fn kinds() -> impl clap::builder::TypedValueParser<Value = Kind> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(Kind::ALL.iter().map(|k| k.as_str()))
        .try_map(|name| Kind::from_name(&name).ok_or(format!("unknown kind `{name}`")))
}

/// The files irsa wrote into an out dir, one relative path a line: all that a later run
/// may call left over, and all that --prune may delete (never a tfstate, never a file of
/// the user's).
const MANIFEST: &str = ".irsa-files";

/// Writes each artifact under `dir`. Files an earlier run wrote there that the spec no
/// longer gives (`keep`: every path of its whole bundle, whatever --format shows) are left
/// from an earlier spec, and `kubectl apply -R` would still apply them: each is said, or
/// with `prune` deleted.
pub fn write_out_dir(
    dir: &Path,
    artifacts: &[irsa_core::Artifact],
    keep: &[&str],
    prune: bool,
) -> Result<(), Error> {
    let manifest = dir.join(MANIFEST);
    let earlier = std::fs::read_to_string(&manifest).unwrap_or_default();
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
    let mut listed: Vec<&str> = artifacts.iter().map(|a| a.path.as_str()).collect();
    for stale in earlier.lines().filter(|p| written_here(dir, p)) {
        // Still the spec's (written now, or left out by --format): still irsa's file.
        if keep.contains(&stale) {
            listed.push(stale);
            continue;
        }
        let path = dir.join(stale);
        if !prune {
            eprintln!(
                "warning: {} was written for an earlier spec, not this one: remove it, or write with `kubectl irsa generate --prune`",
                path.display()
            );
            listed.push(stale);
            continue;
        }
        std::fs::remove_file(&path).map_err(|source| Error::Delete {
            path: path.display().to_string(),
            source,
        })?;
        eprintln!("pruned {}", path.display());
    }
    listed.sort_unstable();
    listed.dedup();
    let text: String = listed.iter().map(|p| format!("{p}\n")).collect();
    std::fs::write(&manifest, text).map_err(|source| Error::Write {
        path: manifest.display().to_string(),
        source,
    })
}

/// `relative` names a file irsa may have written under `dir`: relative, no `..`, and no
/// symbolic link on the way (a link would lead outside).
fn written_here(dir: &Path, relative: &str) -> bool {
    let path = Path::new(relative);
    if !path
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)))
    {
        return false;
    }
    let mut at = dir.to_path_buf();
    for part in path.components() {
        at.push(part);
        match std::fs::symlink_metadata(&at) {
            Ok(meta) if !meta.file_type().is_symlink() => {}
            _ => return false,
        }
    }
    at.is_file()
}
