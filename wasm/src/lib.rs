//! wasm-bindgen bindings over irsa-core, and nothing else: conversion at the boundary.
//! User errors come back as data (diagnostics in the bundle), never as thrown strings.
//!
//! Four builds: the generator (feature `generator`, the page's first download), the
//! trust-policy auditor (feature `audit`), the YAML reader for importing an irsa.yaml
//! (feature `yaml`) and the SDK-role table (feature `roles`); the page loads the last
//! three only when they are used.

mod js;

#[cfg(feature = "audit")]
mod audit;
#[cfg(feature = "audit")]
pub use audit::audit;
#[cfg(feature = "roles")]
mod roles;
#[cfg(feature = "roles")]
pub use roles::roles;
#[cfg(feature = "yaml")]
mod yaml;
#[cfg(feature = "yaml")]
pub use yaml::parse_spec;

#[cfg(feature = "generator")]
use irsa_core::node::Node;
#[cfg(feature = "generator")]
use irsa_core::{Bundle, Code, Diagnostic};
#[cfg(feature = "generator")]
use tsify::Ts;
use wasm_bindgen::prelude::*;

#[cfg(feature = "generator")]
#[wasm_bindgen(typescript_custom_section)]
const SPEC_TYPE: &str = r#"
/** A spec: YAML or JSON text, or the same document as a plain object. */
export type SpecInput = string | Record<string, unknown>;
"#;

#[cfg(feature = "generator")]
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "SpecInput")]
    pub type SpecInput;

    #[wasm_bindgen(typescript_type = "Diagnostic[]")]
    pub type Diagnostics;
}

/// Every artifact of a spec, with its diagnostics; no artifacts when any is an error.
/// Throws only if the bundle cannot cross to JS, which would be a bug.
#[cfg(feature = "generator")]
#[wasm_bindgen]
pub fn generate(spec: SpecInput) -> Result<Ts<Bundle>, JsError> {
    Ok(Ts::new_unchecked(js::to_js(&bundle(&spec.into()))?))
}

/// Only the diagnostics of a spec.
#[cfg(feature = "generator")]
#[wasm_bindgen]
pub fn validate(spec: SpecInput) -> Result<Diagnostics, JsError> {
    let diagnostics = bundle(&spec.into()).diagnostics;
    Ok(js::to_js(&diagnostics)?.unchecked_into())
}

/// The spec as YAML text (the `irsa.yaml` a user can commit), quoted where YAML 1.1
/// readers would misread it. Specs that are not plain data come back as `null`.
#[cfg(feature = "generator")]
#[wasm_bindgen(js_name = toYaml)]
pub fn to_yaml(spec: SpecInput) -> Option<String> {
    js::node_of(&spec.into())
        .ok()
        .map(|node| irsa_core::node::to_yaml(&node))
}

/// The `kubectl irsa` command lines that produce and apply the spec's bundle (the flags-only
/// form where every key the spec sets has a flag). Specs that are not plain data get the
/// file-based lines only.
#[cfg(feature = "generator")]
#[wasm_bindgen]
pub fn commands(spec: SpecInput) -> String {
    let node = js::node_of(&spec.into()).unwrap_or(Node::Null);
    irsa_core::commands::command_lines(&node)
}

/// The chain as an SVG drawn top to bottom, for narrow screens (the bundle's
/// `diagram.svg` draws it left to right); `null` for a spec with errors or one that is
/// not text or plain data.
#[cfg(feature = "generator")]
#[wasm_bindgen(js_name = diagramVertical)]
pub fn diagram_vertical(spec: SpecInput) -> Option<String> {
    let spec: JsValue = spec.into();
    let plan = match spec.as_string() {
        Some(text) => irsa_core::plan(&text),
        None => irsa_core::plan_node(&js::node_of(&spec).ok()?),
    };
    plan.ok()
        .map(|plan| irsa_core::render::diagram::render_vertical(&plan))
}

/// What a form shows of the spec: partitions and their region names, workload kinds and
/// their other names, and the defaults of the keys a spec leaves out.
#[cfg(feature = "generator")]
#[wasm_bindgen]
pub fn schema() -> Result<Ts<irsa_core::schema::Schema>, JsError> {
    Ok(Ts::new_unchecked(js::to_js(&irsa_core::schema::schema())?))
}

/// The version of irsa that generated the output.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

#[cfg(feature = "generator")]
fn bundle(spec: &JsValue) -> Bundle {
    if let Some(text) = spec.as_string() {
        return irsa_core::generate(&text);
    }
    match js::node_of(spec) {
        Ok(node) => irsa_core::generate_node(&node),
        Err(err) => Bundle {
            artifacts: Vec::new(),
            diagnostics: vec![Diagnostic::error(
                Code::WrongType,
                "",
                format!("the spec must be text or a plain object: {err}"),
            )],
        },
    }
}
