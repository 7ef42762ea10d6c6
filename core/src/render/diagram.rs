//! The chain as an SVG picture: cluster issuers -> service accounts -> pod role -> target
//! roles, each target titled with its profile; edges into another account are dashed.
//! Left to right for the bundle and wide screens, top to bottom for narrow ones.
//! Each gap between steps names what its arrows are: how a token or a role is had. A
//! target role in another account has a dashed box and a dashed arrow.
//! Colours are presentation attributes (no inline styles, so a strict CSP page can show
//! it) that a page may override through the `class` names.

use crate::plan::Plan;
use std::fmt::Write;

const ROW_HEIGHT: usize = 46;
const ROW_GAP: usize = 14;
/// Room for an arrow between two steps; their captions sit above the boxes, so the
/// default chain (four steps, one in another account) fits a 1440 px page's pane.
const COLUMN_GAP: usize = 50;
/// How far each step of the vertical chain is indented under the one before.
const INDENT: usize = 24;
const MARGIN: usize = 12;
/// The row above the boxes that names each gap's arrows.
const CAPTION_HEIGHT: usize = 18;
/// Approximate advance of one character at the label's font size (12 px), and at the
/// title's (10 px), in half pixels.
const CHAR_HALF_PIXELS: usize = 15;
const TITLE_CHAR_HALF_PIXELS: usize = 13;
/// The widest the top-to-bottom chain gets, whatever the names: a 390 px phone's pane.
/// Longer names are shortened in the middle, whole in the box's tooltip (for a pointer)
/// and in the picture's accessible name.
const NARROW_WIDTH: usize = 374;
/// A box's padding around its text.
const BOX_PADDING: usize = 24;

struct Node {
    kind: &'static str,
    title: String,
    label: String,
    /// A target role in another account than the pod role's.
    cross_account: bool,
    /// Title and label in full, where the drawing shortened them (the box's tooltip).
    full: Option<String>,
}

struct Layout {
    x: usize,
    y: usize,
    width: usize,
}

/// The chain's boxes in order (cluster issuers, service accounts, the pod role, target
/// roles) and what each gap's arrows are.
struct Chain {
    columns: [Vec<Node>; 4],
    captions: [&'static str; 3],
}

fn chain(plan: &Plan) -> Chain {
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
                cross_account: false,
                full: None,
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
            cross_account: false,
            full: None,
        }];
    }
    let subjects: Vec<Node> = plan
        .subjects()
        .map(|s| Node {
            kind: "service-account",
            title: "service account".to_owned(),
            label: format!("{}/{}", s.namespace, s.name),
            cross_account: false,
            full: None,
        })
        .collect();
    let pod = vec![Node {
        kind: "pod-role",
        title: format!("pod role · {}", plan.pod_role.account),
        label: plan.pod_role.name.clone(),
        cross_account: false,
        full: None,
    }];
    let targets: Vec<Node> = plan
        .targets
        .iter()
        .map(|(target, arn)| {
            let title = if arn.account == plan.pod_role.account {
                format!("--profile {}", target.profile)
            } else {
                // The account as the pod role's box gives it: a number after `·`.
                format!("--profile {} · {}", target.profile, arn.account)
            };
            Node {
                kind: "target-role",
                title,
                label: arn.name.clone(),
                cross_account: arn.account != plan.pod_role.account,
                full: None,
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
    Chain {
        columns: [clusters, subjects, pod, targets],
        captions,
    }
}

/// The chain left to right, one column per step.
pub fn render(plan: &Plan) -> String {
    let Chain { columns, captions } = chain(plan);
    let layouts = layout(&columns);
    let label = spoken(&columns);
    let width = width_of(&layouts, std::iter::empty());
    let height = layouts
        .iter()
        .flatten()
        .map(|l| l.y + ROW_HEIGHT)
        .max()
        .unwrap_or(0)
        + MARGIN;

    let mut out = open(width, height, &label);
    let edge = |out: &mut String, from: &Layout, to: &Layout, class: &str| {
        let (x1, y1) = (from.x + from.width, from.y + ROW_HEIGHT / 2);
        let (x2, y2) = (to.x, to.y + ROW_HEIGHT / 2);
        let path = format!(
            "M{x1} {y1}C{} {y1} {} {y2} {x2} {y2}",
            x1 + COLUMN_GAP / 2,
            x2 - COLUMN_GAP / 2
        );
        arrow(out, &path, class);
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
    for (target, t) in columns[3].iter().zip(target_at) {
        let Some(p) = pod_at.first() else { continue };
        edge(&mut out, p, t, assume_class(target.cross_account));
    }
    boxes(&mut out, &columns, &layouts);
    out.push_str("</svg>\n");
    out
}

/// The chain top to bottom, for narrow screens: each step's boxes stacked and indented
/// under the one before, a trunk down from them with a branch into each box of the next
/// step, and beside the trunk what its arrows are.
pub fn render_vertical(plan: &Plan) -> String {
    let Chain {
        mut columns,
        captions,
    } = chain(plan);
    let label = spoken(&columns);
    for (step, nodes) in columns.iter_mut().enumerate() {
        let room = NARROW_WIDTH.saturating_sub(MARGIN * 2 + step * INDENT + BOX_PADDING) * 2;
        for node in nodes {
            node.shorten(room);
        }
    }
    let mut layouts: [Vec<Layout>; 4] = Default::default();
    let mut y = MARGIN;
    for ((i, nodes), placed) in columns.iter().enumerate().zip(&mut layouts) {
        if nodes.is_empty() {
            continue;
        }
        if i > 0 {
            y += CAPTION_HEIGHT + ROW_GAP;
        }
        // Each box as wide as its own text: one long name widens only its box.
        for node in nodes {
            placed.push(Layout {
                x: MARGIN + i * INDENT,
                y,
                width: column_width(std::slice::from_ref(node)),
            });
            y += ROW_HEIGHT + ROW_GAP;
        }
        y -= ROW_GAP;
    }
    // A gap's caption starts beside its trunk: the picture is wide enough for it too.
    let caption_x = |step: &Layout| step.x + INDENT / 2 + 8;
    let captions_end = captions.iter().zip(&layouts).filter_map(|(caption, step)| {
        let at = step.last()?;
        Some(caption_x(at) + caption.chars().count() * TITLE_CHAR_HALF_PIXELS / 2)
    });
    let mut out = open(width_of(&layouts, captions_end), y + MARGIN, &label);
    for (i, caption) in captions.iter().enumerate() {
        let (Some(first), Some(last), Some(next)) = (
            layouts.get(i).and_then(|c| c.first()),
            layouts.get(i).and_then(|c| c.last()),
            layouts.get(i + 1).filter(|c| !c.is_empty()),
        ) else {
            continue;
        };
        // The trunk starts under the step's first box and runs behind the others (so it
        // also joins boxes of one step), down to the next step's last box; the caption
        // sits under the step's last box.
        let trunk = first.x + INDENT / 2;
        let bottom = last.y + ROW_HEIGHT;
        let _ = writeln!(
            out,
            r##"<text class="caption" x="{}" y="{}" font-size="10" fill="#4b5563">{caption}</text>"##,
            caption_x(last),
            bottom + ROW_GAP + 6
        );
        let end = next
            .iter()
            .map(|l| l.y + ROW_HEIGHT / 2)
            .max()
            .unwrap_or(bottom);
        let _ = writeln!(
            out,
            r##"<path class="edge trunk" d="M{trunk} {}V{end}" fill="none" stroke="#6b7280" stroke-width="1.5"/>"##,
            first.y + ROW_HEIGHT
        );
        let nodes = columns.get(i + 1).map_or(&[][..], Vec::as_slice);
        for (node, to) in nodes.iter().zip(next) {
            let class = match i {
                0 => "trust",
                1 => "web-identity",
                _ => assume_class(node.cross_account),
            };
            let mid = to.y + ROW_HEIGHT / 2;
            arrow(&mut out, &format!("M{trunk} {mid}H{}", to.x), class);
        }
    }
    boxes(&mut out, &columns, &layouts);
    out.push_str("</svg>\n");
    out
}

/// As wide as the rightmost box, or anything else drawn (`more`: right edges), and a margin.
fn width_of(layouts: &[Vec<Layout>; 4], more: impl Iterator<Item = usize>) -> usize {
    layouts
        .iter()
        .flatten()
        .map(|l| l.x + l.width)
        .chain(more)
        .max()
        .unwrap_or(0)
        + MARGIN
}

fn assume_class(cross_account: bool) -> &'static str {
    if cross_account {
        "assume cross-account"
    } else {
        "assume"
    }
}

/// The chain in words, each name whole: what a screen reader says of the picture (an
/// image's parts are not read).
fn spoken(columns: &[Vec<Node>; 4]) -> String {
    let steps: Vec<String> = columns
        .iter()
        .filter(|nodes| !nodes.is_empty())
        .map(|nodes| {
            let boxes: Vec<String> = nodes
                .iter()
                // Said, the `·` before an account number is words.
                .map(|n| format!("{} {}", n.title.replace(" · ", " in account "), n.label))
                .collect();
            boxes.join(" and ")
        })
        .collect();
    format!("IRSA chain: {}", steps.join(", then "))
}

/// The `<svg>` element and the arrowhead its edges share.
fn open(width: usize, height: usize, label: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="irsa-diagram" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-label="{}" font-family="ui-sans-serif, system-ui, sans-serif" font-size="12">"##,
        escape(label)
    );
    out.push_str(r##"<defs><marker id="irsa-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#6b7280"/></marker></defs>"##);
    out.push('\n');
    out
}

/// One edge with an arrowhead; an edge into another account is dashed.
fn arrow(out: &mut String, path: &str, class: &str) {
    let dash = if class.contains("cross-account") {
        r#" stroke-dasharray="5 4""#
    } else {
        ""
    };
    let _ = writeln!(
        out,
        r##"<path class="edge {class}" d="{path}" fill="none" stroke="#6b7280" stroke-width="1.5"{dash} marker-end="url(#irsa-arrow)"/>"##
    );
}

/// Every box with its title and label, drawn over the edges.
fn boxes(out: &mut String, columns: &[Vec<Node>; 4], layouts: &[Vec<Layout>; 4]) {
    for (nodes, places) in columns.iter().zip(layouts) {
        for (node, at) in nodes.iter().zip(places) {
            let (class, dash) = if node.cross_account {
                (" cross-account", r#" stroke-dasharray="5 4""#)
            } else {
                ("", "")
            };
            let tooltip = node
                .full
                .as_ref()
                .map(|full| format!("<title>{}</title>", escape(full)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                r##"<g class="node {}{class}">{tooltip}<rect x="{}" y="{}" width="{}" height="{ROW_HEIGHT}" rx="8" fill="#f9fafb" stroke="#9ca3af"{dash}/><text class="title" x="{}" y="{}" font-size="10" fill="#6b7280">{}</text><text class="label" x="{}" y="{}" fill="#111827">{}</text></g>"##,
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
}

impl Node {
    /// Shortens the title and label to `room` half pixels, if need be.
    fn shorten(&mut self, room: usize) {
        let title = middle(&self.title, room / TITLE_CHAR_HALF_PIXELS);
        let label = middle(&self.label, room / CHAR_HALF_PIXELS);
        if title.is_some() || label.is_some() {
            self.full = Some(format!("{}: {}", self.title, self.label));
            self.title = title.unwrap_or_else(|| self.title.clone());
            self.label = label.unwrap_or_else(|| self.label.clone());
        }
    }
}

/// As wide as the column's widest title or label.
fn column_width(nodes: &[Node]) -> usize {
    let half_pixels = nodes
        .iter()
        .map(|n| {
            let label = n.label.chars().count() * CHAR_HALF_PIXELS;
            label.max(n.title.chars().count() * TITLE_CHAR_HALF_PIXELS)
        })
        .max()
        .unwrap_or(0);
    half_pixels / 2 + BOX_PADDING
}

/// Columns side by side, each as wide as its longest text, centred vertically.
fn layout(columns: &[Vec<Node>; 4]) -> [Vec<Layout>; 4] {
    let tallest = columns.iter().map(Vec::len).max().unwrap_or(0);
    let full = tallest * (ROW_HEIGHT + ROW_GAP);
    let mut x = MARGIN;
    columns.each_ref().map(|nodes| {
        let width = column_width(nodes);
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

/// `s` in `max` characters (the ellipsis at least), its start and end around an
/// ellipsis; `None` if it fits.
fn middle(s: &str, max: usize) -> Option<String> {
    let count = s.chars().count();
    if count <= max {
        return None;
    }
    let head = max.saturating_sub(1).div_ceil(2);
    let tail = count.saturating_sub(max.saturating_sub(1 + head));
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == head {
            out.push('…');
        }
        if i < head || i >= tail {
            out.push(c);
        }
    }
    Some(out)
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

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = "account: \"111122223333\"
cluster: [https://oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF, https://oidc.eks.us-east-1.amazonaws.com/id/FEDCBA9876543210FEDCBA9876543210]
serviceAccount: [payments/api, payments/worker]
role: payments-api
assume: {deploy: arn:aws:iam::444455556666:role/payments-deploy, read: payments-read}
";

    fn attrs(svg: &str, kind: &str, attr: &str) -> Vec<usize> {
        svg.lines()
            .filter(|l| {
                l.contains(&format!("class=\"node {kind}\""))
                    || l.contains(&format!("class=\"node {kind} "))
            })
            .filter_map(|l| l.split(&format!(" {attr}=\"")).nth(1)?.split('"').next())
            .filter_map(|v| v.parse().ok())
            .collect()
    }

    #[test]
    fn top_to_bottom_each_step_is_stacked_under_and_indented_past_the_one_before() {
        let plan = crate::plan(SPEC).unwrap_or_else(|d| panic!("{d:?}"));
        let svg = render_vertical(&plan);
        let steps = ["cluster", "service-account", "pod-role", "target-role"];
        let counts: Vec<usize> = steps.iter().map(|k| attrs(&svg, k, "y").len()).collect();
        assert_eq!(counts, [2, 2, 1, 2]);
        for pair in steps.windows(2) {
            let [above, below] = pair else { continue };
            let lowest = attrs(&svg, above, "y").into_iter().max();
            let highest = attrs(&svg, below, "y").into_iter().min();
            assert!(lowest < highest, "{above} above {below}");
            assert!(attrs(&svg, above, "x")[0] < attrs(&svg, below, "x")[0]);
        }
        // One trunk per gap, a branch into each box of the step below; the branch into
        // the other account's role is dashed.
        assert_eq!(svg.matches("class=\"edge trunk\"").count(), 3);
        assert_eq!(svg.matches("marker-end").count(), 2 + 1 + 2);
        assert_eq!(
            svg.matches("class=\"edge assume cross-account\"").count(),
            1
        );
        let captions: Vec<&str> = svg
            .lines()
            .filter(|l| l.contains("class=\"caption\""))
            .filter_map(|l| l.split('>').nth(1)?.split('<').next())
            .collect();
        assert_eq!(
            captions,
            [
                "signs the token",
                "sts:AssumeRoleWithWebIdentity",
                "sts:AssumeRole"
            ]
        );
        let width = |svg: &str| {
            svg.split(" width=\"")
                .nth(1)?
                .split('"')
                .next()?
                .parse::<usize>()
                .ok()
        };
        assert!(
            width(&svg) < width(&render(&plan)),
            "narrower than left to right"
        );
        // Each trunk leaves the first box of its step; each branch ends at the middle of
        // the left side of a box of the next step.
        let paths: Vec<&str> = svg
            .lines()
            .filter(|l| l.contains("class=\"edge"))
            .filter_map(|l| l.split(" d=\"M").nth(1)?.split('"').next())
            .collect();
        let numbers = |d: &str| -> Vec<usize> {
            d.split(['V', 'H', ' '])
                .filter_map(|n| n.parse().ok())
                .collect()
        };
        let trunk_tops: Vec<usize> = paths
            .iter()
            .filter(|d| d.contains('V'))
            .filter_map(|d| numbers(d).get(1).copied())
            .collect();
        let first_bottoms: Vec<usize> = steps[..3]
            .iter()
            .filter_map(|k| attrs(&svg, k, "y").into_iter().min())
            .map(|y| y + ROW_HEIGHT)
            .collect();
        assert_eq!(trunk_tops, first_bottoms);
        let branch_ends: Vec<(usize, usize)> = paths
            .iter()
            .filter(|d| d.contains('H'))
            .filter_map(|d| match numbers(d)[..] {
                [_, y, x] => Some((x, y)),
                _ => None,
            })
            .collect();
        let box_middles: Vec<(usize, usize)> = steps[1..]
            .iter()
            .flat_map(|k| attrs(&svg, k, "x").into_iter().zip(attrs(&svg, k, "y")))
            .map(|(x, y)| (x, y + ROW_HEIGHT / 2))
            .collect();
        assert_eq!(branch_ends, box_middles);
        // The other account's role has a dashed box.
        assert!(svg.contains(r#"class="node target-role cross-account"><rect"#));
        assert_eq!(
            svg.matches("stroke-dasharray").count(),
            2,
            "the box and its arrow"
        );
    }

    #[test]
    fn top_to_bottom_fits_a_phone_whatever_the_names() {
        let (namespace, name, role, profile) = (
            "n".repeat(63),
            "s".repeat(242),
            "r".repeat(64),
            "p".repeat(64),
        );
        let spec = format!(
            "account: \"111122223333\"\ncluster: https://oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF\nserviceAccount: {namespace}/{name}\nrole: {role}\nassume: {{{profile}: arn:aws:iam::444455556666:role/{role}}}\n"
        );
        let plan = crate::plan(&spec).unwrap_or_else(|d| panic!("{d:?}"));
        let svg = render_vertical(&plan);
        let right_edges = ["cluster", "service-account", "pod-role", "target-role"]
            .iter()
            .flat_map(|k| attrs(&svg, k, "x").into_iter().zip(attrs(&svg, k, "width")))
            .map(|(x, width)| x + width);
        let right_edges: Vec<usize> = right_edges.collect();
        assert_eq!(right_edges.len(), 4, "{svg}");
        assert!(
            right_edges
                .iter()
                .all(|&edge| edge <= NARROW_WIDTH - MARGIN),
            "{svg}"
        );
        assert!(svg.contains(&format!(">service account: {namespace}/{name}</title>")));
        assert!(svg.contains(&format!(
            ", then service account {namespace}/{name}, then pod role"
        )));
        assert!(svg.contains(&format!(">pod role · 111122223333: {role}</title>")));
        assert!(svg.contains(&format!(
            ">--profile {profile} · 444455556666: {role}</title>"
        )));
        // Short names are drawn whole, with no tooltip.
        let plan = crate::plan(SPEC).unwrap_or_else(|d| panic!("{d:?}"));
        assert!(!render_vertical(&plan).contains("<title>"));
        assert_eq!(middle("abcdefghij", 5).as_deref(), Some("ab…ij"));
        assert_eq!(middle("abcdefghij", 10), None);
    }

    #[test]
    fn top_to_bottom_without_targets_and_under_pod_identity() {
        let plan = crate::plan(
            "account: \"111122223333\"\nclusterName: prod\npodIdentity: true\nserviceAccount: payments/api\nrole: payments-api\n",
        )
        .unwrap_or_else(|d| panic!("{d:?}"));
        let svg = render_vertical(&plan);
        assert_eq!(svg.matches("class=\"edge trunk\"").count(), 2);
        assert!(svg.contains(">association</text>") && svg.contains(">Pod Identity agent</text>"));
        assert!(!svg.contains("sts:AssumeRole<"));
        assert_eq!(attrs(&svg, "cluster", "y").len(), 1);
    }
}
