//! IAM policy documents: the JSON grammar, in the key order IAM's own examples use.

use crate::node::Node;
use crate::pairs;
use serde::{Serialize, Serializer};

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
    /// (CloudFormation, eksctl). Read back from its own JSON so that one serializer owns
    /// the grammar; the text is always valid JSON, so the tree is never empty.
    pub fn to_node(&self) -> Node {
        crate::node::parse(&self.to_pretty_json()).unwrap_or(Node::Null)
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

    /// The value or values, in order.
    pub fn as_slice(&self) -> &[T] {
        match self {
            OneOrMany::One(item) => std::slice::from_ref(item),
            OneOrMany::Many(items) => items,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Effect {
    Allow,
    Deny,
}

/// One principal of a `Principal` block: its type (the key) and one of its values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Principal {
    #[serde(rename = "Federated")]
    Federated(String),
    #[serde(rename = "AWS")]
    Aws(String),
    #[serde(rename = "Service")]
    Service(String),
    #[serde(rename = "CanonicalUser")]
    CanonicalUser(String),
}

impl Principal {
    /// The principal a `Principal` key and one of its values name, or `None` for a key
    /// IAM does not know (IAM's keys are case-sensitive).
    pub fn of_key(key: &str, id: String) -> Option<Self> {
        match key {
            "Federated" => Some(Self::Federated(id)),
            "AWS" => Some(Self::Aws(id)),
            "Service" => Some(Self::Service(id)),
            "CanonicalUser" => Some(Self::CanonicalUser(id)),
            _ => None,
        }
    }

    /// The value: an ARN, account, service or canonical user ID, or `*`.
    pub fn id(&self) -> &str {
        match self {
            Self::Federated(id) | Self::Aws(id) | Self::Service(id) | Self::CanonicalUser(id) => id,
        }
    }
}

/// A condition value as written: IAM compares `true` and `42` as the text they are.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Scalar {
    Str(String),
    Bool(bool),
    Int(i64),
}

/// Operator -> condition key -> values, each level in key order, so the output is
/// deterministic whatever order they were set in.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Conditions(Vec<(String, ConditionKeys)>);

/// One operator's condition keys and their values, in key order.
type ConditionKeys = Vec<(String, OneOrMany<Scalar>)>;

impl Conditions {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Sets `operator: { key: values }`, replacing the key's values if it has some.
    pub fn set(&mut self, operator: &str, key: &str, values: OneOrMany<Scalar>) {
        let keys = pairs::entry(&mut self.0, operator, Vec::new);
        if let Some(slot) =
            keys.and_then(|keys| pairs::entry(keys, key, || OneOrMany::Many(Vec::new())))
        {
            *slot = values;
        }
    }
}

impl Serialize for Conditions {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(op, keys)| (op, pairs::Map(keys))))
    }
}

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
    #[serde(rename = "Condition", skip_serializing_if = "Conditions::is_empty")]
    pub condition: Conditions,
}

impl Statement {
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
        let values = OneOrMany::from_vec(values.into_iter().map(Scalar::Str).collect());
        self.condition.set(operator, key, values);
        self
    }
}
