//! What a namespace (or the cluster) holds that IRSA touches, read in one LIST per
//! resource: service accounts, ConfigMaps, workloads and pods.

use crate::api::{self, Api, ApiError, Resource, WORKLOADS};
use crate::pods;
use irsa_core::render::kubernetes::VOLUME_NAME;
use serde_json::Value;

#[derive(Debug, Default)]
pub struct Inventory {
    pub service_accounts: Vec<Value>,
    pub config_maps: Vec<Value>,
    pub workloads: Vec<(Resource, Value)>,
    pub pods: Vec<Value>,
}

pub fn namespace(object: &Value) -> &str {
    pods::text(object, "/metadata/namespace")
}

/// The service account a pod spec runs as.
pub fn service_account_of(pod_spec: &Value) -> &str {
    ["/serviceAccountName", "/serviceAccount"]
        .iter()
        .map(|p| pods::text(pod_spec, p))
        .find(|s| !s.is_empty())
        .unwrap_or("default")
}

impl Inventory {
    pub async fn load(api: &Api, namespace: Option<&str>) -> Result<Inventory, ApiError> {
        let mut inventory = Inventory {
            service_accounts: api
                .list(api::SERVICE_ACCOUNT, namespace, None, None)
                .await?
                .items,
            config_maps: api
                .list(api::CONFIG_MAP, namespace, None, None)
                .await?
                .items,
            pods: api.list(api::POD, namespace, None, None).await?.items,
            workloads: Vec::new(),
        };
        for resource in WORKLOADS {
            let list = api.list(resource, namespace, None, None).await?;
            inventory
                .workloads
                .extend(list.items.into_iter().map(|w| (resource, w)));
        }
        Ok(inventory)
    }

    pub fn service_account(&self, ns: &str, name: &str) -> Option<&Value> {
        self.service_accounts
            .iter()
            .find(|s| namespace(s) == ns && pods::name(s) == name)
    }

    /// Workloads whose pods run as `ns/sa`.
    pub fn workloads_of<'a>(
        &'a self,
        ns: &'a str,
        sa: &'a str,
    ) -> impl Iterator<Item = &'a (Resource, Value)> + 'a {
        self.workloads.iter().filter(move |(_, w)| {
            namespace(w) == ns && pods::pod_spec(w).is_some_and(|s| service_account_of(s) == sa)
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
            .filter_map(|(_, w)| pods::pod_spec(w))
            .flat_map(|s| pods::array(s, "/volumes"))
            .filter(|v| pods::text(v, "/name") == VOLUME_NAME)
            .map(|v| pods::text(v, "/configMap/name"))
            .collect();
        let default = format!("{sa}-aws-config");
        self.config_maps.iter().find(|c| {
            namespace(c) == ns
                && (mounted.contains(&pods::name(c))
                    || (mounted.is_empty() && pods::name(c) == default))
        })
    }
}
