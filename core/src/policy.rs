//! IAM policy documents: the JSON grammar, in the key order IAM's own examples use.

use crate::node::Node;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

pub const VERSION: &str = "2012-10-17";

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PolicyDocument {
    #[serde(rename = "Version")]
    pub version: &'static str,
    #[serde(rename = "Statement")]
    pub statement: Vec<Statement>,
}

impl PolicyDocument {
    pub fn new(statement: Vec<Statement>) -> Self {
        Self {
            version: VERSION,
            statement,
        }
    }

    /// Pretty JSON with two-space indentation and a final newline: stable bytes, easy diffs.
    pub fn to_pretty_json(&self) -> String {
        let mut out = serde_json::to_string_pretty(self).unwrap_or_default();
        out.push('\n');
        out
    }

    /// The document as a tree in the order of its JSON text, for templates that embed it
    /// (CloudFormation, eksctl).
    pub fn to_node(&self) -> Node {
        let statements = self.statement.iter().map(Statement::to_node).collect();
        Node::Map(vec![
            ("Version".to_owned(), Node::Str(self.version.to_owned())),
            ("Statement".to_owned(), Node::Seq(statements)),
        ])
    }

    /// The length IAM checks against its quotas: the JSON without any whitespace.
    pub fn quota_size(&self) -> usize {
        serde_json::to_string(self)
            .unwrap_or_default()
            .chars()
            .filter(|c| !c.is_whitespace())
            .count()
    }
}

/// One value or a list, written the way IAM's examples write it: a bare string when single.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    pub fn from_vec(mut items: Vec<T>) -> Self {
        if items.len() == 1 {
            if let Some(item) = items.pop() {
                return OneOrMany::One(item);
            }
        }
        OneOrMany::Many(items)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Effect {
    Allow,
    Deny,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Principal {
    #[serde(rename = "Federated")]
    Federated(String),
    #[serde(rename = "AWS")]
    Aws(String),
    #[serde(rename = "Service")]
    Service(String),
}

/// Operator -> condition key -> values. Ordered maps keep the output deterministic.
pub type Conditions = BTreeMap<String, BTreeMap<String, OneOrMany<Value>>>;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Statement {
    #[serde(rename = "Sid", skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    #[serde(rename = "Effect")]
    pub effect: Effect,
    #[serde(rename = "Principal", skip_serializing_if = "Option::is_none")]
    pub principal: Option<Principal>,
    #[serde(rename = "Action", skip_serializing_if = "Option::is_none")]
    pub action: Option<OneOrMany<String>>,
    #[serde(rename = "NotAction", skip_serializing_if = "Option::is_none")]
    pub not_action: Option<OneOrMany<String>>,
    #[serde(rename = "Resource", skip_serializing_if = "Option::is_none")]
    pub resource: Option<OneOrMany<String>>,
    #[serde(rename = "NotResource", skip_serializing_if = "Option::is_none")]
    pub not_resource: Option<OneOrMany<String>>,
    #[serde(rename = "Condition", skip_serializing_if = "BTreeMap::is_empty")]
    pub condition: Conditions,
}

impl Statement {
    fn to_node(&self) -> Node {
        let strings = |v: &OneOrMany<String>| match v {
            OneOrMany::One(s) => Node::Str(s.clone()),
            OneOrMany::Many(list) => Node::Seq(list.iter().cloned().map(Node::Str).collect()),
        };
        let mut out = Vec::new();
        let mut put = |key: &str, node: Node| out.push((key.to_owned(), node));
        if let Some(sid) = &self.sid {
            put("Sid", Node::Str(sid.clone()));
        }
        let effect = match self.effect {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        };
        put("Effect", Node::Str(effect.to_owned()));
        if let Some(principal) = &self.principal {
            let (key, value) = match principal {
                Principal::Federated(v) => ("Federated", v),
                Principal::Aws(v) => ("AWS", v),
                Principal::Service(v) => ("Service", v),
            };
            put(
                "Principal",
                Node::Map(vec![(key.to_owned(), Node::Str(value.clone()))]),
            );
        }
        let lists = [
            ("Action", &self.action),
            ("NotAction", &self.not_action),
            ("Resource", &self.resource),
            ("NotResource", &self.not_resource),
        ];
        for (key, value) in lists {
            if let Some(value) = value {
                put(key, strings(value));
            }
        }
        if !self.condition.is_empty() {
            let operators = self.condition.iter().map(|(operator, keys)| {
                let keys = keys.iter().map(|(key, values)| {
                    let values = match values {
                        OneOrMany::One(v) => value_node(v),
                        OneOrMany::Many(list) => Node::Seq(list.iter().map(value_node).collect()),
                    };
                    (key.clone(), values)
                });
                (operator.clone(), Node::Map(keys.collect()))
            });
            put("Condition", Node::Map(operators.collect()));
        }
        Node::Map(out)
    }

    /// An Allow statement with only an action, to be completed by the caller.
    pub fn allow(action: &str) -> Self {
        Self {
            sid: None,
            effect: Effect::Allow,
            principal: None,
            action: Some(OneOrMany::One(action.to_owned())),
            not_action: None,
            resource: None,
            not_resource: None,
            condition: Conditions::new(),
        }
    }

    /// Adds `operator: { key: values }`, a single value written bare.
    pub fn with_condition(mut self, operator: &str, key: &str, values: Vec<String>) -> Self {
        let values = OneOrMany::from_vec(values.into_iter().map(Value::String).collect());
        self.condition
            .entry(operator.to_owned())
            .or_default()
            .insert(key.to_owned(), values);
        self
    }
}

/// A condition value as a tree. Condition values are scalars (strings, numbers, booleans).
fn value_node(value: &Value) -> Node {
    match value {
        Value::Null => Node::Null,
        Value::Bool(b) => Node::Bool(*b),
        Value::Number(n) => n
            .as_i64()
            .map(|i| Node::Int(i128::from(i)))
            .or_else(|| n.as_f64().map(Node::Float))
            .unwrap_or(Node::Null),
        Value::String(s) => Node::Str(s.clone()),
        Value::Array(list) => Node::Seq(list.iter().map(value_node).collect()),
        Value::Object(map) => Node::Map(
            map.iter()
                .map(|(k, v)| (k.clone(), value_node(v)))
                .collect(),
        ),
    }
}
