//! irsa-core: one spec of "this pod may act as these AWS roles" in, every artifact of
//! IAM Roles for Service Accounts out — trust and permissions policies, the annotated
//! ServiceAccount, the AWS config file with its ConfigMap and the workload wiring.
//!
//! Pure: no IO, no clock, no randomness. The same spec always gives the same bytes.
//!
//! ```
//! let spec = r#"
//! account: "111122223333"
//! cluster: https://oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF
//! serviceAccount: payments/api
//! role: payments-api
//! assume:
//!   deploy: arn:aws:iam::444455556666:role/payments-deploy
//! "#;
//! let bundle = irsa_core::generate(spec);
//! assert!(!bundle.has_errors());
//! assert!(bundle.artifacts.iter().any(|a| a.path == "iam/payments-api.trust.json"));
//! ```

pub mod arn;
pub mod audit;
pub mod bundle;
pub mod cluster;
pub mod commands;
pub mod credentials;
pub mod diagnostic;
pub mod eks;
pub mod finding;
pub mod iam;
pub mod issuer;
pub mod k8s;
pub mod names;
pub mod node;
mod pairs;
pub mod plan;
pub mod policy;
pub mod profiles;
mod reader;
pub mod render;
pub mod schema;
pub mod spec;
pub mod webhook;
mod wire;

pub use bundle::{Artifact, Bundle, Kind};
pub use diagnostic::{Code, Diagnostic, Severity};
pub use plan::Plan;
pub use spec::Spec;

use diagnostic::Diagnostics;

/// Parses, validates and renders a spec given as YAML or JSON text.
pub fn generate(text: &str) -> Bundle {
    match node::parse(text) {
        Ok(node) => generate_node(&node),
        Err(message) => Bundle {
            artifacts: Vec::new(),
            diagnostics: vec![Diagnostic::error(Code::Syntax, "", message)],
        },
    }
}

/// Validates and renders a spec already parsed into a tree (e.g. built from flags).
pub fn generate_node(node: &node::Node) -> Bundle {
    let mut diags = Diagnostics::default();
    let artifacts = spec::read(node, &mut diags)
        .and_then(|spec| plan::resolve(spec, &mut diags))
        .map(|plan| render::artifacts(&plan))
        .unwrap_or_default();
    Bundle {
        artifacts,
        diagnostics: diags.into_vec(),
    }
}

/// Only the diagnostics of a spec: what a form shows next to its fields.
pub fn validate(text: &str) -> Vec<Diagnostic> {
    generate(text).diagnostics
}

/// Reads and resolves a spec without rendering it, for front ends that need the model
/// (the roles' ARNs, the service accounts) rather than the artifacts.
pub fn plan(text: &str) -> Result<Plan, Vec<Diagnostic>> {
    let node = node::parse(text).map_err(|m| vec![Diagnostic::error(Code::Syntax, "", m)])?;
    plan_node(&node)
}

/// [`plan`] of a spec already parsed into a tree.
pub fn plan_node(node: &node::Node) -> Result<Plan, Vec<Diagnostic>> {
    let mut diags = Diagnostics::default();
    match spec::read(node, &mut diags).and_then(|spec| plan::resolve(spec, &mut diags)) {
        Some(plan) if !diags.has_errors() => Ok(plan),
        _ => Err(diags.into_vec()),
    }
}
