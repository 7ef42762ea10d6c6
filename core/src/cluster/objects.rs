//! Reading Kubernetes objects as the API server returns them, and the facts about pods
//! and workloads IRSA depends on.

use crate::eks::{AUDIENCE_ANNOTATION, ROLE_ARN_ANNOTATION, TOKEN_AUDIENCE};
use crate::eks::{CONTAINER_URI_ENV, ROLE_ARN_ENV, TOKEN_FILE_ENV, TOKEN_VOLUME};
use crate::spec::WorkloadKind;
use serde_json::Value;

/// Env the webhook injects: IRSA's token file, or EKS Pod Identity's agent URI.
const INJECTED: [&str; 2] = [TOKEN_FILE_ENV, CONTAINER_URI_ENV];

/// The string at a JSON pointer, or "".
pub fn text<'a>(object: &'a Value, pointer: &str) -> &'a str {
    object
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// The array at a JSON pointer, or none.
pub fn array<'a>(object: &'a Value, pointer: &str) -> &'a [Value] {
    object
        .pointer(pointer)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

pub fn name(object: &Value) -> &str {
    text(object, "/metadata/name")
}

pub fn namespace(object: &Value) -> &str {
    text(object, "/metadata/namespace")
}

/// The role a ServiceAccount's annotation names, or "".
pub fn role_annotation(service_account: &Value) -> &str {
    service_account
        .pointer("/metadata/annotations")
        .and_then(|a| a.get(ROLE_ARN_ANNOTATION))
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// The audience of the tokens the webhook gives the ServiceAccount's new pods: its
/// annotation (even empty), or `sts.amazonaws.com`. A pod spec that has the token volume
/// already keeps its own ([`volume_audience`]).
pub fn token_audience(service_account: &Value) -> &str {
    service_account
        .pointer("/metadata/annotations")
        .and_then(|a| a.get(AUDIENCE_ANNOTATION))
        .and_then(Value::as_str)
        .unwrap_or(TOKEN_AUDIENCE)
}

/// The audience of a pod spec's token volume (`aws-iam-token`), where it has one: what the
/// webhook wrote at the pod's creation, or what irsa's workload patch mounts. A projected
/// token without one is for the API server's own audience, said as "".
pub fn volume_audience(pod_spec: &Value) -> Option<&str> {
    let volume = array(pod_spec, "/volumes")
        .iter()
        .find(|v| text(v, "/name") == TOKEN_VOLUME)?;
    array(volume, "/projected/sources")
        .iter()
        .find_map(|s| s.get("serviceAccountToken"))
        .map(|t| text(t, "/audience"))
}

/// kubectl's short form: `deployment/api`.
pub fn slash(kind: &str, name: &str) -> String {
    format!("{}/{name}", kind.to_ascii_lowercase())
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

/// Whether every container of a pod has its credentials: injected by the webhook, or —
/// for a container irsa keeps the webhook away from — the token volume mounted itself.
pub fn has_credentials(pod: &Value) -> bool {
    let containers = array(pod, "/spec/containers");
    let own_token = |c: &Value| {
        array(c, "/volumeMounts")
            .iter()
            .any(|m| text(m, "/name") == TOKEN_VOLUME)
    };
    !containers.is_empty()
        && containers
            .iter()
            .all(|c| INJECTED.iter().any(|name| env_value(c, name).is_some()) || own_token(c))
}

/// The role the webhook gave a pod when it started (its `AWS_ROLE_ARN`).
pub fn injected_role(pod: &Value) -> Option<&str> {
    containers(pod.get("spec")?).find_map(|c| env_value(c, ROLE_ARN_ENV))
}

/// The service account a pod spec runs as.
pub fn service_account_of(pod_spec: &Value) -> &str {
    ["/serviceAccountName", "/serviceAccount"]
        .iter()
        .map(|p| text(pod_spec, p))
        .find(|s| !s.is_empty())
        .unwrap_or("default")
}

/// The pod spec inside a workload, wherever its kind keeps it.
pub fn pod_spec(workload: &Value) -> Option<&Value> {
    workload
        .pointer("/spec/template/spec")
        .or_else(|| workload.pointer("/spec/jobTemplate/spec/template/spec"))
}

/// The workload `kubectl rollout restart` would restart to recreate a pod.
pub fn owner(pod: &Value) -> Option<(WorkloadKind, String)> {
    let owner = array(pod, "/metadata/ownerReferences")
        .iter()
        .find(|o| o.get("controller").and_then(Value::as_bool) == Some(true))?;
    let name = text(owner, "/name");
    match text(owner, "/kind") {
        // A Deployment names its ReplicaSets `<deployment>-<pod-template-hash>`.
        "ReplicaSet" => {
            let hash = text(pod, "/metadata/labels/pod-template-hash");
            let deployment = name.strip_suffix(hash)?.strip_suffix('-')?;
            Some((WorkloadKind::Deployment, deployment.to_owned()))
        }
        "StatefulSet" => Some((WorkloadKind::StatefulSet, name.to_owned())),
        "DaemonSet" => Some((WorkloadKind::DaemonSet, name.to_owned())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn owners() {
        let pod = json!({"metadata": {
            "labels": {"pod-template-hash": "5d9c7"},
            "ownerReferences": [{"kind": "ReplicaSet", "name": "web-5d9c7", "controller": true}]
        }});
        assert_eq!(
            owner(&pod),
            Some((WorkloadKind::Deployment, "web".to_owned()))
        );
        let pod = json!({"metadata": {"ownerReferences": [
            {"kind": "StatefulSet", "name": "db", "controller": true}]}});
        assert_eq!(
            owner(&pod),
            Some((WorkloadKind::StatefulSet, "db".to_owned()))
        );
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
        assert!(!has_credentials(&json!({})));
        // A container the webhook skips, wired with its own token volume.
        let own = json!({"spec": {"containers": [{"name": "a", "volumeMounts": [
            {"name": "aws-iam-token", "mountPath": "/var/run/secrets/eks.amazonaws.com/serviceaccount"}]}]}});
        assert!(has_credentials(&own));
    }

    #[test]
    fn service_accounts() {
        assert_eq!(service_account_of(&json!({})), "default");
        assert_eq!(service_account_of(&json!({"serviceAccount": "old"})), "old");
        let sa = json!({"metadata": {"annotations": {"eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/a"}}});
        assert_eq!(role_annotation(&sa), "arn:aws:iam::111122223333:role/a");
    }
}
