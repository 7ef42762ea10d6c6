//! The chain as an SVG picture: cluster issuers -> service accounts -> pod role -> target
//! roles, each target titled with its profile; edges into another account are dashed.
//! Above each gap between columns, what its arrows are: how a token or a role is had.
//! Colours are presentation attributes (no inline styles, so a strict CSP page can show
//! it) that a page may override through the `class` names.

use crate::plan::Plan;
use std::fmt::Write;

const ROW_HEIGHT: usize = 46;
const ROW_GAP: usize = 14;
const COLUMN_GAP: usize = 70;
const MARGIN: usize = 12;
/// The row above the boxes that names each gap's arrows.
const CAPTION_HEIGHT: usize = 18;
/// Approximate advance of one character at the label's font size, in half pixels.
const CHAR_HALF_PIXELS: usize = 15;

struct Node {
    kind: &'static str,
    title: String,
    label: String,
}

struct Layout {
    x: usize,
    y: usize,
    width: usize,
}

pub fn render(plan: &Plan) -> String {
    let mut clusters: Vec<Node> = plan
        .issuers()
        .map(|issuer| {
            let (title, label) = match &issuer.eks {
                Some(eks) => (
                    "EKS cluster",
                    format!(
                        "{} {}",
                        eks.region,
                        short(issuer.id.rsplit('/').next().unwrap_or(""), 9)
                    ),
                ),
                None => ("OIDC issuer", short(&issuer.id, 40)),
            };
            Node {
                kind: "cluster",
                title: title.to_owned(),
                label,
            }
        })
        .collect();
    if let Some(name) = plan
        .spec
        .cluster_name
        .as_ref()
        .filter(|_| plan.spec.pod_identity)
    {
        clusters = vec![Node {
            kind: "cluster",
            title: "EKS Pod Identity".to_owned(),
            label: name.value.clone(),
        }];
    }
    let subjects: Vec<Node> = plan
        .subjects()
        .map(|s| Node {
            kind: "service-account",
            title: "service account".to_owned(),
            label: format!("{}/{}", s.namespace, s.name),
        })
        .collect();
    let pod = vec![Node {
        kind: "pod-role",
        title: format!("pod role · {}", plan.pod_role.account),
        label: plan.pod_role.name.clone(),
    }];
    let targets: Vec<Node> = plan
        .targets
        .iter()
        .map(|(target, arn)| {
            let title = if arn.account == plan.pod_role.account {
                format!("--profile {}", target.profile)
            } else {
                format!("--profile {} · account {}", target.profile, arn.account)
            };
            Node {
                kind: "target-role",
                title,
                label: arn.name.clone(),
            }
        })
        .collect();
    // What each gap's arrows are, from the cluster side to the target roles.
    let captions = if plan.spec.pod_identity {
        ["association", "Pod Identity agent", "sts:AssumeRole"]
    } else {
        [
            "signs the token",
            "sts:AssumeRoleWithWebIdentity",
            "sts:AssumeRole",
        ]
    };
    let columns = [clusters, subjects, pod, targets];
    let layouts = layout(&columns);
    let width = layouts
        .iter()
        .flatten()
        .map(|l| l.x + l.width)
        .max()
        .unwrap_or(0)
        + MARGIN;
    let height = layouts
        .iter()
        .flatten()
        .map(|l| l.y + ROW_HEIGHT)
        .max()
        .unwrap_or(0)
        + MARGIN;

    let mut out = String::new();
    let _ = writeln!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="irsa-diagram" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-label="IRSA chain: cluster issuers, service accounts, pod role and target roles" font-family="ui-sans-serif, system-ui, sans-serif" font-size="12">"##
    );
    out.push_str(r##"<defs><marker id="irsa-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#6b7280"/></marker></defs>"##);
    out.push('\n');
    let edge = |out: &mut String, from: &Layout, to: &Layout, class: &str| {
        let (x1, y1) = (from.x + from.width, from.y + ROW_HEIGHT / 2);
        let (x2, y2) = (to.x, to.y + ROW_HEIGHT / 2);
        let dash = if class.contains("cross-account") {
            r#" stroke-dasharray="5 4""#
        } else {
            ""
        };
        let _ = writeln!(
            out,
            r##"<path class="edge {class}" d="M{x1} {y1}C{} {y1} {} {y2} {x2} {y2}" fill="none" stroke="#6b7280" stroke-width="1.5"{dash} marker-end="url(#irsa-arrow)"/>"##,
            x1 + COLUMN_GAP / 2,
            x2 - COLUMN_GAP / 2
        );
    };
    // A caption centred over each gap that has arrows (a column to its right exists).
    for (i, caption) in captions.iter().enumerate() {
        let (Some(left), Some(right)) = (
            layouts.get(i).and_then(|c| c.first()),
            layouts.get(i + 1).and_then(|c| c.first()),
        ) else {
            continue;
        };
        let x = (left.x + left.width + right.x) / 2;
        let _ = writeln!(
            out,
            r##"<text class="caption" x="{x}" y="{}" font-size="10" text-anchor="middle" fill="#4b5563">{caption}</text>"##,
            MARGIN + 8
        );
    }
    let [cluster_at, subject_at, pod_at, target_at] = &layouts;
    for c in cluster_at {
        for s in subject_at {
            edge(&mut out, c, s, "trust");
        }
    }
    for (s, p) in subject_at.iter().zip(std::iter::repeat(pod_at.first())) {
        if let Some(p) = p {
            edge(&mut out, s, p, "web-identity");
        }
    }
    for ((_, arn), t) in plan.targets.iter().zip(target_at) {
        let Some(p) = pod_at.first() else { continue };
        let class = if arn.account == plan.pod_role.account {
            "assume"
        } else {
            "assume cross-account"
        };
        edge(&mut out, p, t, class);
    }
    for (nodes, places) in columns.iter().zip(&layouts) {
        for (node, at) in nodes.iter().zip(places) {
            let _ = writeln!(
                out,
                r##"<g class="node {}"><rect x="{}" y="{}" width="{}" height="{ROW_HEIGHT}" rx="8" fill="#f9fafb" stroke="#9ca3af"/><text class="title" x="{}" y="{}" font-size="10" fill="#6b7280">{}</text><text class="label" x="{}" y="{}" fill="#111827">{}</text></g>"##,
                node.kind,
                at.x,
                at.y,
                at.width,
                at.x + 10,
                at.y + 17,
                escape(&node.title),
                at.x + 10,
                at.y + 35,
                escape(&node.label)
            );
        }
    }
    out.push_str("</svg>\n");
    out
}

/// Columns side by side, each as wide as its longest text, centred vertically.
fn layout(columns: &[Vec<Node>; 4]) -> [Vec<Layout>; 4] {
    let tallest = columns.iter().map(Vec::len).max().unwrap_or(0);
    let full = tallest * (ROW_HEIGHT + ROW_GAP);
    let mut x = MARGIN;
    columns.each_ref().map(|nodes| {
        let chars = nodes
            .iter()
            .map(|n| n.label.chars().count().max(n.title.chars().count()))
            .max()
            .unwrap_or(0);
        let width = chars * CHAR_HALF_PIXELS / 2 + 24;
        let offset = MARGIN + CAPTION_HEIGHT + (full - nodes.len() * (ROW_HEIGHT + ROW_GAP)) / 2;
        let placed = (0..nodes.len())
            .map(|i| Layout {
                x,
                y: offset + i * (ROW_HEIGHT + ROW_GAP),
                width,
            })
            .collect();
        if !nodes.is_empty() {
            x += width + COLUMN_GAP;
        }
        placed
    })
}

fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(max - 1).collect::<String>())
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}
