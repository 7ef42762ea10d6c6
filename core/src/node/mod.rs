//! The spec document as a plain tree, read from YAML or JSON.
//!
//! Reading into a tree first (instead of straight into typed structs) lets the spec reader
//! report every unknown key and wrong type at once, each with its field path.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use std::fmt;

mod ser;
mod yaml;

pub use ser::to_node;

/// Input larger than this is refused before parsing: no real spec comes near it.
pub const MAX_INPUT_BYTES: usize = 1 << 20;

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Null,
    Bool(bool),
    /// An integer that fits `i64`; a larger one is read as a `Float`, as serde_json does.
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Entries in document order; duplicate keys are rejected by the parsers.
    Map(Vec<(String, Node)>),
}

impl Node {
    /// An integer as JSON readers take it: an `Int` where it fits `i64`, else a `Float`.
    pub(crate) fn wide(v: i128) -> Node {
        i64::try_from(v).map_or(Node::Float(v as f64), Node::Int)
    }

    /// What a user would call this value, for "expected a string, found a list" messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Node::Null => "null",
            Node::Bool(_) => "a boolean",
            Node::Int(_) => "a number",
            Node::Float(_) => "a number",
            Node::Str(_) => "a string",
            Node::Seq(_) => "a list",
            Node::Map(_) => "a mapping",
        }
    }
}

/// Parses a spec document. JSON is tried first when the text looks like a JSON object, so
/// its errors read as JSON errors; everything else is YAML (1.2 core schema: `on`, `yes`
/// and numbers with leading zeros stay strings, as Kubernetes names and account IDs need).
/// Without the `yaml` feature (the browser build, where a YAML parser would triple the
/// download) only JSON is read.
pub fn parse(text: &str) -> Result<Node, String> {
    // Editors on Windows save with a byte order mark; JSON parsers refuse it.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.len() > MAX_INPUT_BYTES {
        return Err(format!(
            "the document is {} bytes; the limit is {MAX_INPUT_BYTES}",
            text.len()
        ));
    }
    if text.trim().is_empty() {
        return Ok(Node::Null);
    }
    match serde_json::from_str::<Node>(text) {
        Ok(node) if text.trim_start().starts_with('{') || !cfg!(feature = "yaml") => Ok(node),
        result => parse_yaml(text, result.err()),
    }
}

#[cfg(feature = "yaml")]
fn parse_yaml(text: &str, _json_error: Option<serde_json::Error>) -> Result<Node, String> {
    let options = serde_saphyr::options! {
        strict_booleans: true,
        leading_zero_numbers_as_strings: true,
        underscored_numbers_as_strings: true,
    };
    match serde_saphyr::from_str_with_options::<Option<Node>>(text, options) {
        Ok(Some(node)) => Ok(node),
        Ok(None) => Ok(Node::Null),
        Err(err) => Err(first_line(&err.to_string())),
    }
}

#[cfg(not(feature = "yaml"))]
fn parse_yaml(text: &str, json_error: Option<serde_json::Error>) -> Result<Node, String> {
    let looks_like_json = text.trim_start().starts_with(['{', '[', '"']);
    match json_error {
        Some(err) if looks_like_json => Err(err.to_string()),
        _ => Err("this build reads specs written in JSON, or given as objects; for YAML use `kubectl irsa generate`".to_owned()),
    }
}

/// The document as YAML, keys in their order, quoted wherever a YAML 1.1 reader would
/// otherwise see a boolean, a null or a number: how front ends offer "copy as irsa.yaml".
pub fn to_yaml(node: &Node) -> String {
    yaml::write(node)
}

/// Any serializable value as YAML, fields in their declared order: one writer for every
/// YAML irsa prints.
pub fn to_yaml_of<T: serde::Serialize + ?Sized>(value: &T) -> String {
    to_node(value).map_or_else(|_| String::new(), |node| to_yaml(&node))
}

impl From<serde_json::Value> for Node {
    fn from(value: serde_json::Value) -> Node {
        use serde_json::Value;
        match value {
            Value::Null => Node::Null,
            Value::Bool(b) => Node::Bool(b),
            Value::Number(n) => n
                .as_i64()
                .map_or_else(|| Node::Float(n.as_f64().unwrap_or(f64::NAN)), Node::Int),
            Value::String(s) => Node::Str(s),
            Value::Array(items) => Node::Seq(items.into_iter().map(Node::from).collect()),
            Value::Object(entries) => Node::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| (k, Node::from(v)))
                    .collect(),
            ),
        }
    }
}

#[cfg(feature = "yaml")]
/// serde-saphyr appends a source snippet after the first line; the message and its
/// position are on that first line.
/// Messages that name the parser's own API or types are said in the spec's terms.
fn first_line(message: &str) -> String {
    let line = message.lines().next().unwrap_or(message);
    let line = line.strip_prefix("error: ").unwrap_or(line);
    let (at, what) = match line.split_once(": ") {
        Some((at, what)) if at.starts_with("line ") => (Some(at), what),
        _ => (None, line),
    };
    let plain = if let Some(budget) = what.strip_prefix("budget breached") {
        if budget.contains("Depth") {
            "the document is nested too deeply".to_owned()
        } else {
            "the document has too many values (its anchors and aliases expand them)".to_owned()
        }
    } else if what.starts_with("multiple YAML documents") {
        "a spec is one YAML document; this one has more (`---`)".to_owned()
    } else if what.starts_with("duplicate mapping key") {
        let key = what
            .strip_prefix("duplicate mapping key: ")
            .and_then(|k| k.split(", set DuplicateKeyPolicy").next())
            .filter(|k| !k.is_empty() && !k.starts_with("set "));
        key.map_or_else(
            || "duplicate key".to_owned(),
            |key| format!("duplicate key `{key}`"),
        )
    } else {
        what.to_owned()
    };
    match at {
        Some(at) => format!("{at}: {plain}"),
        None => plain,
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YAML or JSON value")
    }

    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        Node::deserialize(d)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node::wide(v.into()))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Node, E> {
        Ok(Node::wide(v))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Node, E> {
        Ok(i128::try_from(v).map_or(Node::Float(v as f64), Node::wide))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::Str(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries: Vec<(String, Node)> = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if entries.iter().any(|(k, _)| *k == key) {
                return Err(de::Error::custom(format_args!("duplicate key `{key}`")));
            }
            let value = map.next_value()?;
            entries.push((key, value));
        }
        Ok(Node::Map(entries))
    }
}

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::Null => serializer.serialize_unit(),
            Node::Bool(b) => serializer.serialize_bool(*b),
            Node::Int(i) => serializer.serialize_i64(*i),
            Node::Float(f) => serializer.serialize_f64(*f),
            Node::Str(s) => serializer.serialize_str(s),
            Node::Seq(items) => serializer.collect_seq(items),
            Node::Map(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (k, v) in entries {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}
