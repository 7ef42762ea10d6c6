//! "Which role does my code get?": the role each AWS SDK family acts as in every
//! container a spec wires, for the page's table, in a build of its own that the page
//! loads once a workload is wired.

use irsa_core::credentials::{self, ContainerRoles};
use wasm_bindgen::prelude::*;

use crate::js;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "ContainerRoles[]")]
    pub type RolesList;
}

/// The answers for every wired container; empty when the spec has errors. The spec is
/// text (YAML or JSON) or the same document as a plain object.
#[wasm_bindgen]
pub fn roles(spec: JsValue) -> Result<RolesList, JsError> {
    let node = match spec.as_string() {
        Some(text) => irsa_core::node::parse(&text).ok(),
        None => js::node_of(&spec).ok(),
    };
    let roles: Vec<ContainerRoles> = node
        .and_then(|node| irsa_core::plan_node(&node).ok())
        .map(|plan| credentials::of_plan(&plan))
        .unwrap_or_default();
    Ok(js::to_js(&roles)?.unchecked_into())
}
