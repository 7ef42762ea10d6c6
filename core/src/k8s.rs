//! The names irsa gives its own things in the cluster, which the renderers write and the
//! cluster checks read: one place, beside EKS's own names in [`crate::eks`].

/// Label on the objects irsa owns (ConfigMaps), so they can be listed with a selector.
pub const MANAGED_BY: (&str, &str) = ("app.kubernetes.io/managed-by", "irsa");
/// Key of the AWS config file inside the ConfigMap, hence its file name in the pod.
pub const CONFIG_KEY: &str = "config";
/// The pod volume that mounts the ConfigMap.
pub const VOLUME_NAME: &str = "irsa-aws-config";

/// The ConfigMap of a service account's AWS config file when `configMap.name` names none.
pub fn default_config_map_name(service_account: &str) -> String {
    format!("{service_account}-aws-config")
}
