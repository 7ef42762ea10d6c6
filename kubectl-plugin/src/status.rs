//! `kubectl irsa status`: every ServiceAccount with a role (irsa-core's cluster::status
//! judges; this reads and prints).

use crate::context::ContextArgs;
use crate::inventory;
use crate::printer::Format;
use crate::{Error, Outcome};
use irsa_core::cluster::status;

#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:\n  kubectl irsa status\n  kubectl irsa status -A -o json")]
pub struct Args {
    #[command(flatten)]
    context: ContextArgs,
    /// Every namespace
    #[arg(short = 'A', long, conflicts_with = "namespace")]
    all_namespaces: bool,
    /// Output format: `json` or `yaml`; a table when not given
    #[arg(short = 'o', long = "output", value_enum)]
    output: Option<Format>,
}

pub async fn run(args: Args) -> Result<Outcome, Error> {
    let context = args.context.connect().await?;
    let namespace = (!args.all_namespaces).then_some(context.namespace.as_str());
    let inventory = inventory::load(&context.api, namespace).await?;
    let rows = status::rows(&inventory);
    let list = serde_json::json!({"items": rows});
    match args.output {
        Some(format) => out!("{}", crate::printer::value(&list, format))?,
        None if rows.is_empty() => match namespace {
            Some(ns) => eprintln!("No ServiceAccount with an IAM role in namespace {ns}."),
            None => eprintln!("No ServiceAccount with an IAM role."),
        },
        None => out!("{}", status::table(&rows, args.all_namespaces))?,
    }
    Ok(Outcome::Done)
}
