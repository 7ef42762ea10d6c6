//! `kubectl irsa` against a live cluster: the real binary, a real kubeconfig file, and
//! the fake API server of irsa-tests (no real API server runs here; see its docs).

mod bind;
mod context;
mod harness;
mod iam;
mod profiles;
mod report;
mod unbind;
