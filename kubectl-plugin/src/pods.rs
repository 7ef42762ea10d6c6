//! The pod reads and writes of bind: a service account's pods, and restarting the
//! workloads whose pods started without credentials.

use crate::api::{Api, ApiError, POD};
use serde_json::{Value, json};

/// Pods that run as a service account, with the list's resourceVersion.
pub async fn of_service_account(
    api: &Api,
    namespace: &str,
    service_account: &str,
) -> Result<crate::api::List, ApiError> {
    let selector = format!("spec.serviceAccountName={service_account}");
    api.list(POD, Some(namespace), None, Some(&selector)).await
}

/// What `kubectl rollout restart` sends: a new pod template annotation.
pub fn restart_patch(now: &str) -> Value {
    json!({"spec": {"template": {"metadata": {"annotations": {
        "kubectl.kubernetes.io/restartedAt": now
    }}}}})
}

/// The current UTC time as RFC 3339 with whole seconds, as kubectl writes restartedAt.
pub fn now_rfc3339() -> String {
    let now = jiff::Timestamp::now();
    jiff::Timestamp::from_second(now.as_second())
        .unwrap_or(now)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock() {
        let now = now_rfc3339();
        assert_eq!(now.len(), 20);
        assert!(now.as_str() > "2024-01-01T00:00:00Z");
    }
}
