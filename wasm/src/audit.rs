//! The trust-policy auditor for the page's "analyse a trust policy" panel.

use irsa_core::audit::{self, ParseError, Report};
use serde::Serialize;
use tsify::{Ts, Tsify};

use crate::js;
use wasm_bindgen::prelude::*;

/// A report, or where and why the policy could not be read.
#[derive(Debug, Serialize, Tsify)]
pub struct Audit {
    #[tsify(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<Report>,
    #[tsify(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ParseError>,
}

/// Who can assume a role and what is dangerous in its trust policy (a policy document or
/// `aws iam get-role` output), as `kubectl irsa audit` reports it. `quota` is the
/// account's trust policy length quota (default 2048).
#[wasm_bindgen]
pub fn audit(policy: &str, quota: Option<u32>) -> Result<Ts<Audit>, JsError> {
    let quota = quota.map_or(
        irsa_core::spec::defaults::TRUST_POLICY_QUOTA as usize,
        |q| q as usize,
    );
    let result = match audit::analyze(policy, quota) {
        Ok(report) => Audit {
            report: Some(report),
            error: None,
        },
        Err(error) => Audit {
            report: None,
            error: Some(error),
        },
    };
    Ok(Ts::new_unchecked(js::to_js(&result)?))
}
