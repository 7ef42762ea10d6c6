//! Field paths and sets, as structured-merge-diff tracks ownership: maps by key, lists
//! of named objects (containers, env, volumes, volumeMounts) by their `name`, every other
//! list as one atomic value.

use serde_json::{Map, Value, json};
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Seg {
    Field(String),
    /// The item of an associative list whose `name` is this.
    Item(String),
}

pub type Path = Vec<Seg>;
pub type FieldSet = BTreeSet<Path>;

/// Fields the server sets or identifies the object by: never owned.
fn identity(path: &[Seg]) -> bool {
    let field = |s: &Seg, name: &str| matches!(s, Seg::Field(f) if f == name);
    match path {
        [s] => field(s, "apiVersion") || field(s, "kind") || field(s, "status"),
        [m, s] if field(m, "metadata") => [
            "name",
            "namespace",
            "resourceVersion",
            "uid",
            "creationTimestamp",
            "managedFields",
            "generation",
        ]
        .iter()
        .any(|n| field(s, n)),
        _ => false,
    }
}

fn named_items(items: &[Value]) -> bool {
    !items.is_empty()
        && items
            .iter()
            .all(|i| i.get("name").and_then(Value::as_str).is_some())
}

/// Every field an object sets.
pub fn field_set(object: &Value) -> FieldSet {
    let mut set = FieldSet::new();
    walk(object, &mut Vec::new(), &mut set);
    set
}

fn walk(value: &Value, path: &mut Path, set: &mut FieldSet) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, child) in map {
                path.push(Seg::Field(key.clone()));
                if !identity(path) {
                    if child.is_null() {
                        // A merge patch's deletion sets nothing.
                    } else {
                        walk(child, path, set);
                    }
                }
                path.pop();
            }
        }
        Value::Array(items) if named_items(items) => {
            for item in items {
                let name = item.get("name").and_then(Value::as_str).unwrap_or_default();
                path.push(Seg::Item(name.to_owned()));
                set.insert(path.clone());
                walk(item, path, set);
                path.pop();
            }
        }
        _ if !path.is_empty() => {
            set.insert(path.clone());
        }
        _ => {}
    }
}

/// A value only one manager can set at a time: not a map and not an associative item.
pub fn is_leaf(value: Option<&Value>) -> bool {
    !matches!(value, Some(Value::Object(_)))
}

pub fn get<'a>(object: &'a Value, path: &[Seg]) -> Option<&'a Value> {
    path.iter().try_fold(object, |value, seg| match seg {
        Seg::Field(key) => value.get(key),
        Seg::Item(name) => value
            .as_array()?
            .iter()
            .find(|i| i.get("name").and_then(Value::as_str) == Some(name)),
    })
}

fn get_mut<'a>(object: &'a mut Value, path: &[Seg]) -> Option<&'a mut Value> {
    path.iter().try_fold(object, |value, seg| match seg {
        Seg::Field(key) => value.get_mut(key),
        Seg::Item(name) => value
            .as_array_mut()?
            .iter_mut()
            .find(|i| i.get("name").and_then(Value::as_str) == Some(name)),
    })
}

/// Removes a field or an item, then any map or list it leaves empty.
pub fn remove(object: &mut Value, path: &[Seg]) {
    let Some((last, parent_path)) = path.split_last() else {
        return;
    };
    let Some(parent) = get_mut(object, parent_path) else {
        return;
    };
    match (last, parent) {
        (Seg::Field(key), Value::Object(map)) => {
            map.remove(key);
        }
        (Seg::Item(name), Value::Array(items)) => {
            items.retain(|i| i.get("name").and_then(Value::as_str) != Some(name));
        }
        _ => return,
    }
    let emptied = match get(object, parent_path) {
        Some(Value::Object(map)) => map.is_empty(),
        Some(Value::Array(items)) => items.is_empty(),
        _ => false,
    };
    if emptied && parent_path.len() > 1 {
        remove(object, parent_path);
    }
}

/// Server-side apply's merge: maps by key, named items by name, the rest replaced.
pub fn merge(target: &mut Value, applied: &Value) {
    match (target, applied) {
        (Value::Object(target), Value::Object(applied)) => {
            for (key, value) in applied {
                match target.get_mut(key) {
                    Some(existing) => merge(existing, value),
                    None => {
                        target.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (Value::Array(target), Value::Array(applied))
            if named_items(applied) && (target.is_empty() || named_items(target)) =>
        {
            for item in applied {
                let name = item.get("name");
                match target.iter_mut().find(|t| t.get("name") == name) {
                    Some(existing) => merge(existing, item),
                    None => target.push(item.clone()),
                }
            }
        }
        (target, applied) => *target = applied.clone(),
    }
}

/// RFC 7386 JSON merge patch.
pub fn merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    if let Value::Object(map) = target {
        for (key, value) in patch {
            if value.is_null() {
                map.remove(key);
            } else {
                merge_patch(map.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
    }
}

/// A path as the API server names it in conflicts: `.spec.containers[name="app"].image`.
pub fn display(path: &[Seg]) -> String {
    path.iter()
        .map(|seg| match seg {
            Seg::Field(key) => format!(".{key}"),
            Seg::Item(name) => format!("[name=\"{name}\"]"),
        })
        .collect()
}

/// The managedFields `fieldsV1` form of a set.
pub fn to_fields_v1(set: &FieldSet) -> Value {
    let mut root = Value::Object(Map::new());
    for path in set {
        let mut node = &mut root;
        for seg in path {
            let key = match seg {
                Seg::Field(key) => format!("f:{key}"),
                Seg::Item(name) => format!("k:{}", json!({"name": name})),
            };
            let Value::Object(map) = node else { break };
            node = map.entry(key).or_insert_with(|| Value::Object(Map::new()));
        }
        if let Value::Object(map) = node {
            if !map.is_empty() || matches!(path.last(), Some(Seg::Item(_))) {
                map.insert(".".to_owned(), json!({}));
            }
        }
    }
    root
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_merge_and_remove() {
        let object = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"a": "1"}},
            "spec": {"containers": [{"name": "app", "args": ["x", "y"]}]}});
        let set = field_set(&object);
        let f = |s: &str| Seg::Field(s.to_owned());
        assert!(set.contains(&vec![f("metadata"), f("labels"), f("a")]));
        assert!(set.contains(&vec![f("spec"), f("containers"), Seg::Item("app".into())]));
        assert!(set.contains(&vec![
            f("spec"),
            f("containers"),
            Seg::Item("app".into()),
            f("args")
        ]));
        assert!(!set.contains(&vec![f("metadata"), f("name")]));
        let mut merged = object.clone();
        merge(
            &mut merged,
            &json!({"spec": {"containers": [{"name": "app", "env": [{"name": "E", "value": "v"}]}]}}),
        );
        assert_eq!(
            merged.pointer("/spec/containers/0/args/1"),
            Some(&json!("y"))
        );
        let env = vec![
            f("spec"),
            f("containers"),
            Seg::Item("app".into()),
            f("env"),
            Seg::Item("E".into()),
        ];
        assert_eq!(
            display(&env),
            ".spec.containers[name=\"app\"].env[name=\"E\"]"
        );
        remove(&mut merged, &env);
        assert_eq!(merged, object);
    }
}
