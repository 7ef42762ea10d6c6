//! What running pods say about a binding, one judgement for bind and doctor: which pods
//! started without credentials, which still run with a role the ServiceAccount no longer
//! names, and which workloads to restart for them.

use super::objects::{has_credentials, injected_role, owner, text};
use crate::spec::WorkloadKind;
use serde_json::Value;

/// The pods of a service account that need a restart to get the role it names now.
#[derive(Debug, Default)]
pub struct Judgement<'a> {
    /// Started before the webhook could give them credentials (or with it skipping them).
    pub waiting: Vec<&'a Value>,
    /// Started while the ServiceAccount named another role, which they keep.
    pub stale: Vec<&'a Value>,
}

/// Judges `pods` against `role`, the ServiceAccount's role now (`None`: not known). Pods
/// being deleted are left out: their replacements start fresh.
pub fn judge<'a>(pods: impl IntoIterator<Item = &'a Value>, role: Option<&str>) -> Judgement<'a> {
    let mut judgement = Judgement::default();
    for pod in pods {
        if !text(pod, "/metadata/deletionTimestamp").is_empty() {
            continue;
        }
        if !has_credentials(pod) {
            judgement.waiting.push(pod);
        } else if stale_role(pod, role).is_some() {
            judgement.stale.push(pod);
        }
    }
    judgement
}

/// The role a running pod got when it started, when it is not `role`.
pub fn stale_role<'a>(pod: &'a Value, role: Option<&str>) -> Option<&'a str> {
    let role = role.filter(|r| !r.is_empty())?;
    injected_role(pod).filter(|theirs| *theirs != role)
}

/// The workloads whose restart recreates `pods`, each once and in order, and the pods no
/// workload owns (to delete instead).
pub fn restart_targets<'a>(pods: &[&'a Value]) -> (Vec<(WorkloadKind, String)>, Vec<&'a Value>) {
    let mut owners: Vec<(WorkloadKind, String)> = Vec::new();
    let mut orphans = Vec::new();
    for pod in pods {
        match owner(pod) {
            Some(o) if !owners.contains(&o) => owners.push(o),
            Some(_) => {}
            None => orphans.push(*pod),
        }
    }
    owners.sort_by(|a, b| (a.0.as_str(), &a.1).cmp(&(b.0.as_str(), &b.1)));
    (owners, orphans)
}
