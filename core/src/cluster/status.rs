//! `kubectl irsa status`: every ServiceAccount with a role, its profiles, its workloads
//! and how many of its pods have credentials.

use super::Inventory;
use super::objects::{has_credentials, name, namespace, role_annotation, slash, text};
use crate::k8s::CONFIG_KEY;
use serde::Serialize;

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

pub fn rows(inventory: &Inventory) -> Vec<Row> {
    let mut rows = Vec::new();
    for sa in &inventory.service_accounts {
        let role = role_annotation(sa);
        if role.is_empty() {
            continue;
        }
        let (ns, sa_name) = (namespace(sa), name(sa));
        let profiles = inventory
            .config_map_of(ns, sa_name)
            .map(|c| crate::profiles::read(text(c, &format!("/data/{CONFIG_KEY}"))))
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
            .workloads_of(ns, sa_name)
            .map(|(kind, w)| slash(kind.as_str(), name(w)))
            .collect();
        let pods: Vec<_> = inventory.pods_of(ns, sa_name).collect();
        rows.push(Row {
            namespace: ns.to_owned(),
            service_account: sa_name.to_owned(),
            role: role.to_owned(),
            profiles,
            workloads,
            pods: PodCount {
                with_credentials: pods.iter().filter(|p| has_credentials(p)).count(),
                total: pods.len(),
            },
        });
    }
    rows
}

/// Columns as kubectl prints them: upper-case headers, left-aligned, three spaces apart.
pub fn table(rows: &[Row], with_namespace: bool) -> String {
    let none = |v: String| if v.is_empty() { "<none>".to_owned() } else { v };
    let mut lines: Vec<Vec<String>> = vec![
        [
            "NAMESPACE",
            "SERVICEACCOUNT",
            "ROLE",
            "PROFILES",
            "WORKLOADS",
            "PODS",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    for row in rows {
        let profiles: Vec<String> = row
            .profiles
            .iter()
            .map(|p| format!("{}={}", p.profile, p.role))
            .collect();
        lines.push(vec![
            row.namespace.clone(),
            row.service_account.clone(),
            row.role.clone(),
            none(profiles.join(",")),
            none(row.workloads.join(",")),
            format!("{}/{}", row.pods.with_credentials, row.pods.total),
        ]);
    }
    let skip = usize::from(!with_namespace);
    let mut widths = [0usize; 6];
    for line in &lines {
        for (width, cell) in widths.iter_mut().zip(line) {
            *width = (*width).max(cell.len());
        }
    }
    let mut out = String::new();
    for line in lines {
        let cells: Vec<String> = line
            .iter()
            .zip(widths)
            .skip(skip)
            .map(|(cell, width)| format!("{cell:width$}"))
            .collect();
        out.push_str(cells.join("   ").trim_end());
        out.push('\n');
    }
    out
}
