//! Support for the cross-crate tests: an IAM trust-policy evaluator written independently
//! of the generator, golden-file comparison, and helpers to run real tools.

pub mod agent;
pub mod aws;
pub mod evaluator;
pub mod fake_kube;
pub mod golden;
pub mod iam_proxy;
pub mod pod;
pub mod tools;
