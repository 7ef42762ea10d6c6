//! "Which role does my code get?": the role each AWS SDK family acts as in every
//! container a spec wires, for the page's table, in a build of its own that the page
//! loads once a workload is wired.

use irsa_core::credentials::{self, ContainerRoles};
use irsa_core::node::Node;
use wasm_bindgen::prelude::*;

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
        None => serde_wasm_bindgen::from_value::<Node>(spec).ok(),
    };
    let roles: Vec<ContainerRoles> = node
        .and_then(|node| irsa_core::plan_node(&node).ok())
        .map(|plan| credentials::of_plan(&plan))
        .unwrap_or_default();
    Ok(serde_wasm_bindgen::to_value(&roles)?.unchecked_into())
}
