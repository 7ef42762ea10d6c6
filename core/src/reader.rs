//! Typed access to a [`Node`] tree that records every problem instead of stopping at the first.

use crate::diagnostic::{Code, Diagnostic, Diagnostics, field, index};
use crate::node::Node;

/// The keys of one mapping, taken one by one; whatever is left over is an unknown field.
pub(crate) struct Fields<'a> {
    path: String,
    entries: Vec<(&'a str, &'a Node)>,
}

impl<'a> Fields<'a> {
    /// `None` (with a diagnostic) when `node` is not a mapping.
    pub fn of(node: &'a Node, path: &str, diags: &mut Diagnostics) -> Option<Self> {
        match node {
            Node::Map(entries) => Some(Self {
                path: path.to_owned(),
                entries: unique(entries, path, diags),
            }),
            other => {
                diags.push(wrong_type(path, "a mapping", other));
                None
            }
        }
    }

    /// Removes and returns `key`; an explicit `null` counts as absent.
    pub fn take(&mut self, key: &str) -> Option<(String, &'a Node)> {
        let at = self.entries.iter().position(|(k, _)| *k == key)?;
        let (_, node) = self.entries.remove(at);
        match node {
            Node::Null => None,
            node => Some((field(&self.path, key), node)),
        }
    }

    pub fn required(
        &mut self,
        key: &str,
        what: &str,
        diags: &mut Diagnostics,
    ) -> Option<(String, &'a Node)> {
        let found = self.take(key);
        if found.is_none() {
            diags.push(Diagnostic::error(
                Code::MissingField,
                field(&self.path, key),
                format!("`{key}` is required: {what}"),
            ));
        }
        found
    }

    /// Reports each key nobody took, suggesting the closest known one.
    pub fn finish(self, known: &[&str], diags: &mut Diagnostics) {
        for (key, _) in self.entries {
            let mut d = Diagnostic::error(
                Code::UnknownField,
                field(&self.path, key),
                format!("unknown field `{key}`"),
            );
            d = match closest(key, known) {
                Some(guess) => d.with_help(format!("did you mean `{guess}`?")),
                None => d.with_help(format!("known fields here: {}", known.join(", "))),
            };
            diags.push(d);
        }
    }
}

pub(crate) fn wrong_type(path: &str, expected: &str, found: &Node) -> Diagnostic {
    Diagnostic::error(
        Code::WrongType,
        path,
        format!("expected {expected}, found {}", found.kind()),
    )
}

/// A scalar read as text. Integers are accepted as their decimal text so that an unquoted
/// account ID or a numeric name still works; anything else must be a string.
pub(crate) fn string(node: &Node, path: &str, diags: &mut Diagnostics) -> Option<String> {
    match node {
        Node::Str(s) => Some(s.clone()),
        Node::Int(i) => Some(i.to_string()),
        other => {
            let mut d = wrong_type(path, "a string", other);
            if matches!(other, Node::Bool(_) | Node::Float(_)) {
                d = d.with_help("quote the value");
            }
            diags.push(d);
            None
        }
    }
}

/// A string or a list of strings, each returned with its own field path.
pub(crate) fn string_or_list(
    node: &Node,
    path: &str,
    diags: &mut Diagnostics,
) -> Vec<(String, String)> {
    match node {
        Node::Seq(items) => items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| {
                let at = index(path, i);
                string(item, &at, diags).map(|s| (at, s))
            })
            .collect(),
        other => string(other, path, diags)
            .map(|s| vec![(path.to_owned(), s)])
            .unwrap_or_default(),
    }
}

/// A list (or a single item standing for a list of one), each item with its field path.
pub(crate) fn items<'a>(node: &'a Node, path: &str) -> Vec<(String, &'a Node)> {
    match node {
        Node::Seq(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| (index(path, i), item))
            .collect(),
        other => vec![(path.to_owned(), other)],
    }
}

pub(crate) fn boolean(node: &Node, path: &str, diags: &mut Diagnostics) -> Option<bool> {
    match node {
        Node::Bool(b) => Some(*b),
        other => {
            diags.push(wrong_type(path, "`true` or `false`", other));
            None
        }
    }
}

/// A whole number within `min..=max`; `code` names the rule broken when out of range.
pub(crate) fn integer(
    node: &Node,
    path: &str,
    range: (u64, u64),
    code: Code,
    diags: &mut Diagnostics,
) -> Option<u64> {
    let (min, max) = range;
    match node {
        Node::Int(i) => match u64::try_from(*i) {
            Ok(v) if (min..=max).contains(&v) => Some(v),
            _ => {
                diags.push(Diagnostic::error(
                    code,
                    path,
                    format!("`{i}` is out of range: must be {min} to {max}"),
                ));
                None
            }
        },
        other => {
            diags.push(wrong_type(path, "a whole number", other));
            None
        }
    }
}

/// Entries of a mapping whose keys are user-chosen (profile names, tag keys).
pub(crate) fn entries<'a>(
    node: &'a Node,
    path: &str,
    diags: &mut Diagnostics,
) -> Vec<(String, &'a str, &'a Node)> {
    match node {
        Node::Map(entries) => unique(entries, path, diags)
            .into_iter()
            .map(|(k, v)| (field(path, k), k, v))
            .collect(),
        other => {
            diags.push(wrong_type(path, "a mapping", other));
            Vec::new()
        }
    }
}

/// A mapping's entries, each key once: the parsers refuse a repeated key, but a tree
/// built otherwise (from flags: `--assume deploy=a --assume deploy=b`) may hold one.
fn unique<'a>(
    entries: &'a [(String, Node)],
    path: &str,
    diags: &mut Diagnostics,
) -> Vec<(&'a str, &'a Node)> {
    let mut kept = Vec::with_capacity(entries.len());
    for (i, (key, value)) in entries.iter().enumerate() {
        // Quadratic, as the parsers' own check: maps in a spec are small.
        if entries.iter().take(i).any(|(k, _)| k == key) {
            diags.push(Diagnostic::error(
                Code::Duplicate,
                field(path, key),
                format!("`{key}` is given twice"),
            ));
        } else {
            kept.push((key.as_str(), value));
        }
    }
    kept
}

/// The known key within edit distance 2 of `key`, if any.
fn closest<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
    known
        .iter()
        .map(|k| {
            (
                edit_distance(&key.to_ascii_lowercase(), &k.to_ascii_lowercase()),
                *k,
            )
        })
        .filter(|(d, _)| *d <= 2)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = i;
        let mut next = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let left = next.last().copied().unwrap_or(0);
            let up = row.get(j + 1).copied().unwrap_or(0);
            let cost = diagonal + usize::from(ca != *cb);
            next.push(cost.min(left + 1).min(up + 1));
            diagonal = up;
        }
        row = next;
    }
    row.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_keys_only() {
        assert_eq!(
            closest("serviceAcount", &["serviceAccount", "role"]),
            Some("serviceAccount")
        );
        assert_eq!(
            closest("ServiceAccount", &["serviceAccount", "role"]),
            Some("serviceAccount")
        );
        assert_eq!(closest("bogus", &["serviceAccount", "role"]), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
