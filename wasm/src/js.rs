//! Values cross the boundary as JSON text. serde_json is in the build already and the
//! browser's `JSON.parse`/`JSON.stringify` are native, where a serde-to-`JsValue` bridge
//! adds its own code for every type crossing (a third of the generator's download).

use serde::Serialize;
use wasm_bindgen::prelude::*;

/// A value as the plain JavaScript data `JSON.parse` makes of its JSON.
pub fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    let text = serde_json::to_string(value)?;
    js_sys::JSON::parse(&text).map_err(|_| JsError::new("JSON.parse refused serde_json's output"))
}

/// A plain object (or array, string, number) as a document tree; why not, for anything
/// `JSON.stringify` cannot write (a BigInt, a cycle) or leaves out (`undefined`).
#[cfg(any(feature = "generator", feature = "roles"))]
pub fn node_of(value: &JsValue) -> Result<irsa_core::node::Node, String> {
    let text = js_sys::JSON::stringify(value)
        .map_err(|err| match err.dyn_into::<js_sys::Error>() {
            Ok(err) => String::from(err.message()),
            Err(_) => "JSON.stringify refused it".to_owned(),
        })?
        .as_string()
        .ok_or("it has no JSON form (undefined or a function)")?;
    serde_json::from_str(&text).map_err(|err| err.to_string())
}
