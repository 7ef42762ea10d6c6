//! `kubectl irsa generate`: the bundle of a spec, offline.

use crate::input::{Defaults, SpecInput};
use crate::printer::{self, Format};
use crate::{Error, Outcome};
use irsa_core::Kind;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kubectl irsa generate -f irsa.yaml\n  kubectl irsa generate -f irsa.yaml --out-dir deploy/irsa\n  kubectl irsa generate payments/api --role payments-api --account 111122223333 \\\n    --issuer https://oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF \\\n    --assume deploy=arn:aws:iam::444455556666:role/payments-deploy"
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

    /// Only these kinds of artifact (comma-separated), e.g. terraform,cloudformation
    #[arg(long, value_name = "KIND,...", value_delimiter = ',', value_parser = parse_kind)]
    format: Vec<Kind>,
}

pub fn run(args: Args) -> Result<Outcome, Error> {
    let mut bundle = args.input.bundle(&Defaults::default())?;
    if !args.format.is_empty() {
        bundle.artifacts.retain(|a| args.format.contains(&a.kind));
    }
    let format = args.output;
    let outcome = if bundle.has_errors() {
        Outcome::Invalid
    } else {
        Outcome::Done
    };
    printer::diagnostics(&bundle.diagnostics, &mut std::io::stderr());
    match (&args.out_dir, format) {
        (_, Some(format)) => {
            if let (Some(dir), Outcome::Done) = (&args.out_dir, &outcome) {
                write_out_dir(dir, &bundle.artifacts)?;
            }
            out!("{}", printer::bundle(&bundle, format))?;
        }
        (Some(dir), None) => {
            if outcome == Outcome::Done {
                write_out_dir(dir, &bundle.artifacts)?;
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

pub fn write_out_dir(dir: &Path, artifacts: &[irsa_core::Artifact]) -> Result<(), Error> {
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
    Ok(())
}
