//! The cluster side of IRSA, judged from the objects the API server returns (plain JSON):
//! which pods have credentials, which workloads run as a service account, and what
//! `status`, `doctor` and a cluster audit say about them. Pure: the plugin reads the
//! objects; this module only looks at them.

pub mod audit;
pub mod doctor;
pub mod objects;
pub mod pods;
pub mod status;

use crate::k8s::VOLUME_NAME;
use crate::spec::WorkloadKind;
use objects::{array, name, namespace, pod_spec, service_account_of, text};
use serde_json::Value;

/// What a namespace (or the whole cluster) holds that IRSA touches.
#[derive(Debug, Default)]
pub struct Inventory {
    pub service_accounts: Vec<Value>,
    pub config_maps: Vec<Value>,
    pub workloads: Vec<(WorkloadKind, Value)>,
    pub pods: Vec<Value>,
}

impl Inventory {
    pub fn service_account(&self, ns: &str, sa: &str) -> Option<&Value> {
        self.service_accounts
            .iter()
            .find(|s| namespace(s) == ns && name(s) == sa)
    }

    pub fn workload(
        &self,
        ns: &str,
        kind: WorkloadKind,
        workload: &str,
    ) -> Option<&(WorkloadKind, Value)> {
        self.workloads
            .iter()
            .find(|(k, w)| *k == kind && namespace(w) == ns && name(w) == workload)
    }

    /// Workloads whose pods run as `ns/sa`.
    pub fn workloads_of<'a>(
        &'a self,
        ns: &'a str,
        sa: &'a str,
    ) -> impl Iterator<Item = &'a (WorkloadKind, Value)> + 'a {
        self.workloads.iter().filter(move |(_, w)| {
            namespace(w) == ns && pod_spec(w).is_some_and(|s| service_account_of(s) == sa)
        })
    }

    pub fn pods_of<'a>(&'a self, ns: &'a str, sa: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
        self.pods.iter().filter(move |p| {
            namespace(p) == ns && p.get("spec").is_some_and(|s| service_account_of(s) == sa)
        })
    }

    /// The ConfigMap holding the AWS config of `ns/sa`: the one its workloads mount as
    /// irsa's volume, else the one irsa names after the service account.
    pub fn config_map_of(&self, ns: &str, sa: &str) -> Option<&Value> {
        let mounted: Vec<&str> = self
            .workloads_of(ns, sa)
            .filter_map(|(_, w)| pod_spec(w))
            .flat_map(|s| array(s, "/volumes"))
            .filter(|v| text(v, "/name") == VOLUME_NAME)
            .map(|v| text(v, "/configMap/name"))
            .collect();
        let default = crate::k8s::default_config_map_name(sa);
        self.config_maps.iter().find(|c| {
            namespace(c) == ns
                && (mounted.contains(&name(c)) || (mounted.is_empty() && name(c) == default))
        })
    }

    pub fn config_map(&self, ns: &str, config_map: &str) -> Option<&Value> {
        self.config_maps
            .iter()
            .find(|c| namespace(c) == ns && name(c) == config_map)
    }
}

/// Why binding `plan` needs the user's explicit word: its `default` ServiceAccount is the
/// one every pod of the namespace without its own runs as, so all of them would get the
/// role.
pub fn default_service_account_refusal(plan: &crate::Plan) -> Option<String> {
    plan.subjects().find(|s| s.name == "default").map(|s| {
        format!(
            "refusing to bind the `default` ServiceAccount of namespace `{}`: every pod there without its own service account would get the role",
            s.namespace
        )
    })
}
