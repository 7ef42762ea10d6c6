//! Pods as the EKS pod identity webhook leaves them: with injected credentials or not,
//! and the workload that would recreate them.

use crate::api::{Api, ApiError, POD, Resource, WORKLOADS};
use serde_json::{Value, json};

/// Env the EKS Pod Identity webhook injects: the agent's credentials endpoint.
pub const POD_IDENTITY_URI: &str = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
/// Env the webhook injects: IRSA's token file, or EKS Pod Identity's agent URI.
const INJECTED: [&str; 2] = ["AWS_WEB_IDENTITY_TOKEN_FILE", POD_IDENTITY_URI];

pub fn name(object: &Value) -> &str {
    text(object, "/metadata/name")
}

pub fn text<'a>(object: &'a Value, pointer: &str) -> &'a str {
    object
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

pub fn array<'a>(object: &'a Value, pointer: &str) -> &'a [Value] {
    object
        .pointer(pointer)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// Every container of a pod spec, init containers included.
pub fn containers(pod_spec: &Value) -> impl Iterator<Item = &Value> {
    array(pod_spec, "/containers")
        .iter()
        .chain(array(pod_spec, "/initContainers"))
}

pub fn env_value<'a>(container: &'a Value, name: &str) -> Option<&'a str> {
    array(container, "/env")
        .iter()
        .find(|e| text(e, "/name") == name)
        .map(|e| text(e, "/value"))
}

pub fn has_credentials(pod: &Value) -> bool {
    array(pod, "/spec/containers")
        .iter()
        .all(|c| INJECTED.iter().any(|name| env_value(c, name).is_some()))
        && !array(pod, "/spec/containers").is_empty()
}

/// Pods that run as a service account, with the list's resourceVersion.
pub async fn of_service_account(
    api: &Api,
    namespace: &str,
    service_account: &str,
) -> Result<crate::api::List, ApiError> {
    let selector = format!("spec.serviceAccountName={service_account}");
    api.list(POD, Some(namespace), None, Some(&selector)).await
}

/// The workload `kubectl rollout restart` would restart to recreate a pod.
pub fn owner(pod: &Value) -> Option<(Resource, String)> {
    let owner = array(pod, "/metadata/ownerReferences")
        .iter()
        .find(|o| o.get("controller").and_then(Value::as_bool) == Some(true))?;
    let name = text(owner, "/name");
    match text(owner, "/kind") {
        // A Deployment names its ReplicaSets `<deployment>-<pod-template-hash>`.
        "ReplicaSet" => {
            let hash = text(pod, "/metadata/labels/pod-template-hash");
            let deployment = name.strip_suffix(hash)?.strip_suffix('-')?;
            Some((WORKLOADS[0], deployment.to_owned()))
        }
        kind => WORKLOADS
            .into_iter()
            .find(|r| r.kind == kind && r.kind != "Job")
            .map(|r| (r, name.to_owned())),
    }
}

/// What `kubectl rollout restart` sends: a new pod template annotation.
pub fn restart_patch(now: &str) -> Value {
    json!({"spec": {"template": {"metadata": {"annotations": {
        "kubectl.kubernetes.io/restartedAt": now
    }}}}})
}

/// The pod spec inside a workload, wherever its kind keeps it.
pub fn pod_spec(workload: &Value) -> Option<&Value> {
    workload
        .pointer("/spec/template/spec")
        .or_else(|| workload.pointer("/spec/jobTemplate/spec/template/spec"))
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
    fn owners() {
        let pod = json!({"metadata": {
            "labels": {"pod-template-hash": "5d9c7"},
            "ownerReferences": [{"kind": "ReplicaSet", "name": "web-5d9c7", "controller": true}]
        }});
        assert_eq!(owner(&pod), Some((WORKLOADS[0], "web".to_owned())));
        let pod = json!({"metadata": {"ownerReferences": [
            {"kind": "StatefulSet", "name": "db", "controller": true}]}});
        assert_eq!(owner(&pod), Some((WORKLOADS[1], "db".to_owned())));
        let pod = json!({"metadata": {"ownerReferences": [
            {"kind": "Job", "name": "once", "controller": true}]}});
        assert_eq!(owner(&pod), None);
        assert_eq!(owner(&json!({"metadata": {}})), None);
    }

    #[test]
    fn credentials() {
        let with = json!({"spec": {"containers": [{"name": "a", "env": [
            {"name": "AWS_WEB_IDENTITY_TOKEN_FILE", "value": "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"}]}]}});
        assert!(has_credentials(&with));
        assert!(!has_credentials(
            &json!({"spec": {"containers": [{"name": "a"}]}})
        ));
    }

    #[test]
    fn clock() {
        let now = now_rfc3339();
        assert_eq!(now.len(), 20);
        assert!(now.as_str() > "2024-01-01T00:00:00Z");
    }
}
