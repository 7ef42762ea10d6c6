//! Reads what irsa-core's cluster module judges: one LIST per resource.

use crate::api::{self, Api, ApiError, WORKLOADS};
use irsa_core::cluster::Inventory;
use irsa_core::spec::WorkloadKind;

/// Service accounts, ConfigMaps, pods and workloads of a namespace, or of all with `None`.
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
        let Some(kind) = WorkloadKind::parse(resource.kind) else {
            continue;
        };
        let list = api.list(resource, namespace, None, None).await?;
        inventory
            .workloads
            .extend(list.items.into_iter().map(|w| (kind, w)));
    }
    Ok(inventory)
}
