//! Reading an irsa.yaml in the browser, for the page's import: the spec as a plain object,
//! or the syntax error. The YAML parser is large, so it is its own build, loaded on use.

use irsa_core::node::Node;
use irsa_core::{Code, Diagnostic};
use serde::Serialize;
use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;

use crate::js;

/// A spec read from text, or why it could not be.
#[derive(Debug, Serialize, Tsify)]
pub struct SpecText {
    /// The document as plain data, as a JavaScript user writes a spec.
    #[tsify(optional, type = "Record<string, unknown>")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spec: Option<Node>,
    #[tsify(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<Diagnostic>,
}

/// The spec a YAML (or JSON) text holds, read as the core reads it: YAML 1.2 booleans,
/// numbers with leading zeros kept as text. A syntax error comes back as `{ error }`.
#[wasm_bindgen(js_name = parseSpec)]
pub fn parse_spec(text: &str) -> Result<Ts<SpecText>, JsError> {
    let result = match irsa_core::node::parse(text) {
        Ok(node) => SpecText {
            spec: Some(node),
            error: None,
        },
        Err(message) => SpecText {
            spec: None,
            error: Some(Diagnostic::error(Code::Syntax, "", message)),
        },
    };
    Ok(Ts::new_unchecked(js::to_js(&result)?))
}
