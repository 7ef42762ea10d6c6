//! What front ends show of the spec, from the core itself: the partitions and the region
//! names that mark them, the workload kinds and the other names kubectl accepts for
//! them, and the defaults a form shows as placeholders. The page reads it from the wasm
//! instead of restating it.

use crate::arn::Partition;
use crate::spec::{WorkloadKind, defaults};
use serde::Serialize;

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Schema {
    pub partitions: Vec<PartitionInfo>,
    pub workload_kinds: Vec<KindInfo>,
    pub defaults: Defaults,
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct PartitionInfo {
    pub name: Partition,
    /// Region names starting with one of these are in the partition; `aws` has none: it
    /// is every region no other partition marks.
    pub region_prefixes: &'static [&'static str],
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct KindInfo {
    pub kind: WorkloadKind,
    /// Lower case: the plural and kubectl's short name.
    pub aliases: &'static [&'static str],
}

/// The values a spec gets for keys it leaves out.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Defaults {
    pub path: &'static str,
    pub max_session_duration: u64,
    pub token_expiration: u64,
    pub trust_policy_quota: u64,
    pub pod_profile: &'static str,
    pub mount_path: &'static str,
    /// The ConfigMap's name, for a service account named `<service account>`.
    pub config_map_name: String,
}

pub fn schema() -> Schema {
    Schema {
        partitions: Partition::ALL
            .iter()
            .map(|&name| PartitionInfo {
                name,
                region_prefixes: name.region_prefixes(),
            })
            .collect(),
        workload_kinds: WorkloadKind::ALL
            .iter()
            .map(|&kind| KindInfo {
                kind,
                aliases: kind.aliases(),
            })
            .collect(),
        defaults: Defaults {
            path: defaults::ROLE_PATH,
            max_session_duration: defaults::MAX_SESSION_DURATION,
            token_expiration: crate::eks::TOKEN_EXPIRATION_SECONDS,
            trust_policy_quota: defaults::TRUST_POLICY_QUOTA,
            pod_profile: defaults::POD_PROFILE,
            mount_path: defaults::MOUNT_PATH,
            config_map_name: crate::k8s::default_config_map_name("<service account>"),
        },
    }
}
