//! `kubectl irsa generate`: the bundle of a spec, offline.

use crate::printer::{self, Format};
use crate::{Error, Outcome};
use irsa_core::Kind;
use irsa_core::node::Node;
use std::io::Read;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  kubectl irsa generate -f irsa.yaml\n  kubectl irsa generate -f irsa.yaml --out-dir deploy/irsa\n  kubectl irsa generate payments/api --role payments-api --account 111122223333 \\\n    --issuer https://oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF \\\n    --assume deploy=arn:aws:iam::444455556666:role/payments-deploy"
)]
pub struct Args {
    /// Service accounts (`namespace/name`) the pod role trusts, instead of a spec file
    #[arg(value_name = "NAMESPACE/NAME", conflicts_with = "filename")]
    service_accounts: Vec<String>,

    /// Spec file (YAML or JSON); `-` reads standard input
    #[arg(short = 'f', long = "filename", value_name = "SPEC")]
    filename: Option<String>,

    #[command(flatten)]
    spec: SpecFlags,

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

/// The spec's keys as flags, for the flags-only form.
#[derive(Debug, clap::Args)]
struct SpecFlags {
    /// The pod role: a name (in --account) or an ARN
    #[arg(long, conflicts_with = "filename")]
    role: Option<String>,
    /// Account of roles given by name (12 digits)
    #[arg(long, conflicts_with = "filename")]
    account: Option<String>,
    /// The cluster's OIDC issuer URL (repeat for several clusters)
    #[arg(long = "issuer", value_name = "URL", conflicts_with = "filename")]
    issuers: Vec<String>,
    /// A profile chaining into another role: PROFILE=ROLE (name or ARN; repeatable)
    #[arg(
        long = "assume",
        value_name = "PROFILE=ROLE",
        conflicts_with = "filename"
    )]
    assume: Vec<String>,
    /// Workload to wire to the service account: KIND/NAME
    #[arg(long, value_name = "KIND/NAME", conflicts_with = "filename")]
    workload: Option<String>,
    /// Container of the workload to wire (default: the workload's name)
    #[arg(long, requires = "workload", conflicts_with = "filename")]
    container: Option<String>,
    /// Partition of the roles, when the issuer does not tell
    #[arg(long, conflicts_with = "filename")]
    partition: Option<String>,
    /// Name of the pod role's profile in the AWS config file
    #[arg(long, value_name = "PROFILE", conflicts_with = "filename")]
    pod_profile: Option<String>,
    /// Annotate for regional STS endpoints and set them in every profile
    #[arg(long, conflicts_with = "filename")]
    regional_sts: bool,
}

pub fn run(args: Args) -> Result<Outcome, Error> {
    let mut bundle = match &args.filename {
        Some(path) => irsa_core::generate(&read_spec(path)?),
        None => irsa_core::generate_node(&flags_spec(&args)?),
    };
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
            print!("{}", printer::bundle(&bundle, format));
        }
        (Some(dir), None) => {
            if outcome == Outcome::Done {
                write_out_dir(dir, &bundle.artifacts)?;
                for artifact in &bundle.artifacts {
                    println!("wrote {}", dir.join(&artifact.path).display());
                }
            }
        }
        (None, None) => print!("{}", printer::text(&bundle.artifacts)),
    }
    Ok(outcome)
}

fn parse_kind(name: &str) -> Result<Kind, String> {
    Kind::from_name(name).ok_or_else(|| {
        let names: Vec<String> = Kind::ALL.iter().map(|k| k.name()).collect();
        format!(
            "unknown kind `{name}`: expected one of {}",
            names.join(", ")
        )
    })
}

fn read_spec(path: &str) -> Result<String, Error> {
    let mut text = String::new();
    let result = if path == "-" {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::File::open(path)
            .and_then(|mut f| f.read_to_string(&mut text))
            .map(|_| ())
    };
    result.map_err(|source| Error::Read {
        path: path.to_owned(),
        source,
    })?;
    Ok(text)
}

/// Builds the spec tree the flags describe, so flags and files share every rule.
fn flags_spec(args: &Args) -> Result<Node, Error> {
    let flags = &args.spec;
    if args.service_accounts.is_empty() {
        return Err(Error::Usage(
            "give a spec with -f SPEC, or NAMESPACE/NAME with --role and --issuer".to_owned(),
        ));
    }
    let string = |s: &String| Node::Str(s.clone());
    let list = |items: &[String]| Node::Seq(items.iter().map(string).collect());
    let mut map: Vec<(String, Node)> =
        vec![("serviceAccount".to_owned(), list(&args.service_accounts))];
    let mut put = |key: &str, value: Option<Node>| {
        if let Some(value) = value {
            map.push((key.to_owned(), value));
        }
    };
    put("role", flags.role.as_ref().map(string));
    put("account", flags.account.as_ref().map(string));
    put(
        "cluster",
        (!flags.issuers.is_empty()).then(|| list(&flags.issuers)),
    );
    put("partition", flags.partition.as_ref().map(string));
    put("podProfile", flags.pod_profile.as_ref().map(string));
    put(
        "regionalSts",
        flags.regional_sts.then_some(Node::Bool(true)),
    );
    let mut assume = Vec::new();
    for pair in &flags.assume {
        let Some((profile, role)) = pair.split_once('=') else {
            return Err(Error::Usage(format!(
                "--assume `{pair}` must be PROFILE=ROLE, like deploy=arn:aws:iam::444455556666:role/deploy"
            )));
        };
        assume.push((profile.to_owned(), Node::Str(role.to_owned())));
    }
    put("assume", (!assume.is_empty()).then_some(Node::Map(assume)));
    put(
        "workload",
        flags.workload.as_ref().map(|w| match &flags.container {
            None => Node::Str(w.clone()),
            Some(c) => {
                let (kind, name) = w.split_once('/').unwrap_or((w, ""));
                Node::Map(vec![
                    ("kind".to_owned(), Node::Str(kind.to_owned())),
                    ("name".to_owned(), Node::Str(name.to_owned())),
                    ("container".to_owned(), Node::Str(c.clone())),
                ])
            }
        }),
    );
    Ok(Node::Map(map))
}

fn write_out_dir(dir: &Path, artifacts: &[irsa_core::Artifact]) -> Result<(), Error> {
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
