//! Small mappings kept as lists of pairs, written as YAML/JSON mappings. The handful of
//! entries they hold (a condition block, an object's annotations) need no tree, and each
//! `BTreeMap` instantiation was among the largest code of the browser build.

use serde::{Serialize, Serializer};

/// Pairs written as a mapping, in their order.
#[derive(Debug)]
pub(crate) struct Map<'a, K, V>(pub &'a [(K, V)]);

impl<K: Serialize, V: Serialize> Serialize for Map<'_, K, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(k, v)| (k, v)))
    }
}

/// For `#[serde(serialize_with)]`: a field holding pairs, written as a mapping.
pub(crate) fn serialize<K: Serialize, V: Serialize, S: Serializer>(
    pairs: &[(K, V)],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    Map(pairs).serialize(serializer)
}

/// The value at `key` in `pairs` kept in key order, inserted in place from `new` where
/// missing. Always `Some`; an `Option` because the core does not index (it may not panic).
pub(crate) fn entry<'a, V>(
    pairs: &'a mut Vec<(String, V)>,
    key: &str,
    new: impl FnOnce() -> V,
) -> Option<&'a mut V> {
    let i = match pairs.binary_search_by(|(k, _)| k.as_str().cmp(key)) {
        Ok(i) => i,
        Err(i) => {
            pairs.insert(i, (key.to_owned(), new()));
            i
        }
    };
    pairs.get_mut(i).map(|(_, v)| v)
}
