//! `kubectl irsa status`: every ServiceAccount with a role, its profiles, its workloads
//! and how many of its pods have credentials.

use crate::api::Resource;
use crate::bind::cluster;
use crate::context::ContextArgs;
use crate::inventory::{self, Inventory};
use crate::printer::Format;
use crate::{Error, Outcome, pods};
use irsa_core::render::kubernetes::{CONFIG_KEY, ROLE_ARN_ANNOTATION};
use serde::Serialize;
use serde_json::Value;

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

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Row {
    pub namespace: String,
    pub service_account: String,
    pub role: String,
    pub profiles: Vec<ProfileRole>,
    pub workloads: Vec<String>,
    pub pods: PodCount,
}

#[derive(Debug, Serialize)]
pub struct ProfileRole {
    pub profile: String,
    pub role: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PodCount {
    pub with_credentials: usize,
    pub total: usize,
}

pub async fn run(args: Args) -> Result<Outcome, Error> {
    let context = args.context.connect().await?;
    let namespace = (!args.all_namespaces).then_some(context.namespace.as_str());
    let inventory = Inventory::load(&context.api, namespace)
        .await
        .map_err(cluster)?;
    let rows = rows(&inventory);
    match args.output {
        Some(Format::Json) => {
            let list = serde_json::json!({"items": rows});
            println!(
                "{}",
                serde_json::to_string_pretty(&list).unwrap_or_default()
            );
        }
        Some(Format::Yaml) => print!(
            "{}",
            serde_saphyr::to_string(&serde_json::json!({"items": rows})).unwrap_or_default()
        ),
        None if rows.is_empty() => match namespace {
            Some(ns) => eprintln!("No ServiceAccount with an IAM role in namespace {ns}."),
            None => eprintln!("No ServiceAccount with an IAM role."),
        },
        None => print!("{}", table(&rows, args.all_namespaces)),
    }
    Ok(Outcome::Done)
}

pub fn rows(inventory: &Inventory) -> Vec<Row> {
    let mut rows = Vec::new();
    for sa in &inventory.service_accounts {
        let annotation = format!(
            "/metadata/annotations/{}",
            ROLE_ARN_ANNOTATION.replace('/', "~1")
        );
        let role = pods::text(sa, &annotation);
        if role.is_empty() {
            continue;
        }
        let (ns, name) = (inventory::namespace(sa), pods::name(sa));
        let profiles = inventory
            .config_map_of(ns, name)
            .map(|c| irsa_core::profiles::read(pods::text(c, &format!("/data/{CONFIG_KEY}"))))
            .unwrap_or_default()
            .into_iter()
            .filter_map(|p| {
                Some(ProfileRole {
                    role: p.role_arn()?.to_owned(),
                    profile: p.name,
                })
            })
            .collect();
        let workloads = inventory
            .workloads_of(ns, name)
            .map(|(r, w): &(Resource, Value)| r.slash(pods::name(w)))
            .collect();
        let pods: Vec<&Value> = inventory.pods_of(ns, name).collect();
        rows.push(Row {
            namespace: ns.to_owned(),
            service_account: name.to_owned(),
            role: role.to_owned(),
            profiles,
            workloads,
            pods: PodCount {
                with_credentials: pods.iter().filter(|p| pods::has_credentials(p)).count(),
                total: pods.len(),
            },
        });
    }
    rows
}

/// Columns as kubectl prints them: upper-case headers, left-aligned, three spaces apart.
pub fn table(rows: &[Row], with_namespace: bool) -> String {
    let mut lines: Vec<Vec<String>> = Vec::new();
    let mut header = vec!["SERVICEACCOUNT", "ROLE", "PROFILES", "WORKLOADS", "PODS"];
    if with_namespace {
        header.insert(0, "NAMESPACE");
    }
    lines.push(header.into_iter().map(str::to_owned).collect());
    for row in rows {
        let none = |v: String| if v.is_empty() { "<none>".to_owned() } else { v };
        let profiles: Vec<String> = row
            .profiles
            .iter()
            .map(|p| format!("{}={}", p.profile, p.role))
            .collect();
        let mut line = vec![
            row.service_account.clone(),
            row.role.clone(),
            none(profiles.join(",")),
            none(row.workloads.join(",")),
            format!("{}/{}", row.pods.with_credentials, row.pods.total),
        ];
        if with_namespace {
            line.insert(0, row.namespace.clone());
        }
        lines.push(line);
    }
    let columns = lines.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|i| {
            lines
                .iter()
                .filter_map(|l| l.get(i))
                .map(String::len)
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for line in lines {
        let cells: Vec<String> = line
            .iter()
            .zip(&widths)
            .map(|(cell, width)| format!("{cell:width$}"))
            .collect();
        out.push_str(cells.join("   ").trim_end());
        out.push('\n');
    }
    out
}
