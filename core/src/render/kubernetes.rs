//! Kubernetes objects: the annotated ServiceAccount, the ConfigMap holding the AWS config
//! file, and the patch that wires a workload to both.

use crate::eks;
use crate::node::to_yaml_of;
use crate::plan::{Plan, WiredContainer, WiredWorkload};
use crate::spec::{Subject, WorkloadKind};
use serde::Serialize;

use crate::eks::{REGIONAL_STS_ANNOTATION, ROLE_ARN_ANNOTATION, TOKEN_EXPIRATION_ANNOTATION};
use crate::k8s::{CONFIG_KEY, MANAGED_BY, VOLUME_NAME};

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Object<'a, S: Serialize> {
    api_version: &'a str,
    kind: &'a str,
    metadata: Metadata<'a>,
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "crate::pairs::serialize"
    )]
    data: Vec<(&'a str, String)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    spec: Option<S>,
}

#[derive(Serialize)]
struct Metadata<'a> {
    name: String,
    namespace: &'a str,
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "crate::pairs::serialize"
    )]
    labels: Vec<(&'a str, &'a str)>,
    #[serde(
        skip_serializing_if = "Vec::is_empty",
        serialize_with = "crate::pairs::serialize"
    )]
    annotations: Vec<(&'a str, String)>,
}

fn labels() -> Vec<(&'static str, &'static str)> {
    vec![MANAGED_BY]
}

/// The objects `kubectl irsa bind` applies, as trees, in the order they must exist:
/// ServiceAccounts, ConfigMaps, then the workloads that use them. The same objects as the
/// bundle's manifests.
pub fn objects(plan: &Plan) -> Vec<serde_json::Value> {
    let subjects: Vec<&Subject> = plan.subjects().filter(|s| !s.is_pattern()).collect();
    let mut out: Vec<serde_json::Value> = subjects
        .iter()
        .map(|s| value(&service_account_object(plan, s)))
        .collect();
    if plan.has_profiles() {
        let config = crate::render::aws_config::render(plan);
        out.extend(
            subjects
                .iter()
                .map(|s| value(&config_map_object(plan, s, &config))),
        );
    }
    out.extend(
        plan.workloads
            .iter()
            .map(|w| value(&workload_object(plan, w))),
    );
    out
}

fn value<T: Serialize>(object: &T) -> serde_json::Value {
    serde_json::to_value(object).unwrap_or(serde_json::Value::Null)
}

/// Under EKS Pod Identity the association, not an annotation, binds the role.
pub fn service_account(plan: &Plan, subject: &Subject) -> String {
    to_yaml_of(&service_account_object(plan, subject))
}

fn service_account_object<'a>(plan: &Plan, subject: &'a Subject) -> Object<'a, ()> {
    // Pushed in key order, as every mapping irsa writes is.
    let mut annotations = Vec::new();
    if !plan.spec.pod_identity {
        annotations.push((ROLE_ARN_ANNOTATION, plan.pod_role.to_string()));
        if plan.spec.regional_sts {
            annotations.push((REGIONAL_STS_ANNOTATION, "true".to_owned()));
        }
        if let Some(seconds) = plan.spec.token_expiration {
            annotations.push((TOKEN_EXPIRATION_ANNOTATION, seconds.to_string()));
        }
    }
    // No managed-by label: a ServiceAccount is often another tool's (a Helm chart's), and
    // irsa owns only its annotations there; a label would be a field to fight over.
    Object {
        api_version: "v1",
        kind: "ServiceAccount",
        metadata: Metadata {
            name: subject.name.clone(),
            namespace: &subject.namespace,
            labels: Vec::new(),
            annotations,
        },
        data: Vec::new(),
        spec: None,
    }
}

pub fn config_map(plan: &Plan, subject: &Subject, aws_config: &str) -> String {
    to_yaml_of(&config_map_object(plan, subject, aws_config))
}

fn config_map_object<'a>(plan: &Plan, subject: &'a Subject, aws_config: &str) -> Object<'a, ()> {
    Object {
        api_version: "v1",
        kind: "ConfigMap",
        metadata: Metadata {
            name: plan.config_map_name(subject),
            namespace: &subject.namespace,
            labels: labels(),
            annotations: Vec::new(),
        },
        data: vec![(CONFIG_KEY, aws_config.to_owned())],
        spec: None,
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PodSpec<'a> {
    service_account_name: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    containers: Vec<Container<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    volumes: Vec<Volume<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Container<'a> {
    name: &'a str,
    env: Vec<EnvVar<'a>>,
    volume_mounts: Vec<VolumeMount<'a>>,
}

#[derive(Serialize)]
struct EnvVar<'a> {
    name: &'a str,
    value: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct VolumeMount<'a> {
    name: &'a str,
    mount_path: &'a str,
    read_only: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Volume<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    config_map: Option<ConfigMapVolume>,
    #[serde(skip_serializing_if = "Option::is_none")]
    projected: Option<Projected<'a>>,
}

#[derive(Serialize)]
struct ConfigMapVolume {
    name: String,
}

#[derive(Serialize)]
struct Projected<'a> {
    sources: [TokenSource<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct TokenSource<'a> {
    service_account_token: Token<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Token<'a> {
    audience: &'a str,
    expiration_seconds: u64,
    path: &'a str,
}

#[derive(Serialize)]
struct TemplateMetadata {
    #[serde(serialize_with = "crate::pairs::serialize")]
    annotations: Vec<(&'static str, String)>,
}

#[derive(Serialize)]
struct PodTemplate<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    metadata: Option<TemplateMetadata>,
    spec: PodSpec<'a>,
}

#[derive(Serialize)]
struct WithTemplate<'a> {
    template: PodTemplate<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WithJobTemplate<'a> {
    job_template: JobTemplate<'a>,
}

#[derive(Serialize)]
struct JobTemplate<'a> {
    spec: WithTemplate<'a>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum WorkloadSpec<'a> {
    Pods(WithTemplate<'a>),
    CronJob(WithJobTemplate<'a>),
}

/// A partial object to merge into the workload (server-side apply, or `kubectl patch`):
/// it sets the pod's service account and, when profiles exist, mounts the ConfigMap and
/// points `AWS_CONFIG_FILE` at it. It never sets `AWS_ROLE_ARN`: the webhook would then
/// skip the container.
///
/// A container with a profile of its own must act as that profile in every SDK, but Go
/// and Java take the webhook's web-identity variables before `AWS_PROFILE`. So under IRSA
/// the webhook is told to skip it, and the patch gives it what the webhook would have:
/// the token volume (same name, path, audience and lifetime, so the webhook adds no
/// second one) and the region and regional-STS variables.
pub fn workload_patch(plan: &Plan, workload: &WiredWorkload) -> String {
    to_yaml_of(&workload_object(plan, workload))
}

fn workload_object<'a>(
    plan: &'a Plan,
    workload: &'a WiredWorkload,
) -> Object<'a, WorkloadSpec<'a>> {
    let subject = &workload.subject;
    let mut pod = PodSpec {
        service_account_name: &subject.name,
        containers: Vec::new(),
        volumes: Vec::new(),
    };
    if plan.has_profiles() {
        for container in &workload.containers {
            pod.containers.push(wired_container(plan, container));
        }
        pod.volumes.push(Volume {
            name: VOLUME_NAME,
            config_map: Some(ConfigMapVolume {
                name: plan.config_map_name(subject),
            }),
            projected: None,
        });
    }
    let skipped = workload.skipped(plan.spec.pod_identity);
    if !skipped.is_empty() {
        pod.volumes.push(Volume {
            name: eks::TOKEN_VOLUME,
            config_map: None,
            projected: Some(Projected {
                sources: [TokenSource {
                    service_account_token: Token {
                        audience: eks::TOKEN_AUDIENCE,
                        expiration_seconds: plan
                            .spec
                            .token_expiration
                            .unwrap_or(eks::TOKEN_EXPIRATION_SECONDS),
                        path: eks::TOKEN_FILE_NAME,
                    },
                }],
            }),
        });
    }
    let template = WithTemplate {
        template: PodTemplate {
            metadata: (!skipped.is_empty()).then(|| TemplateMetadata {
                annotations: vec![(eks::SKIP_CONTAINERS_ANNOTATION, skipped.join(","))],
            }),
            spec: pod,
        },
    };
    let spec = match workload.kind {
        WorkloadKind::CronJob => WorkloadSpec::CronJob(WithJobTemplate {
            job_template: JobTemplate { spec: template },
        }),
        _ => WorkloadSpec::Pods(template),
    };
    Object {
        api_version: workload.kind.api_version(),
        kind: workload.kind.as_str(),
        metadata: Metadata {
            name: workload.name.clone(),
            namespace: &subject.namespace,
            labels: Vec::new(),
            annotations: Vec::new(),
        },
        data: Vec::new(),
        spec: Some(spec),
    }
}

/// One container's env and mounts: the config file, and for a container with a profile
/// of its own, the profile and what the webhook would have given it.
fn wired_container<'a>(plan: &'a Plan, container: &'a WiredContainer) -> Container<'a> {
    let env = container_env(plan, container)
        .into_iter()
        .map(|(name, value)| EnvVar { name, value })
        .collect();
    let mut volume_mounts = vec![VolumeMount {
        name: VOLUME_NAME,
        mount_path: &plan.spec.mount_path,
        read_only: true,
    }];
    if container.profile.is_some() && !plan.spec.pod_identity {
        volume_mounts.push(VolumeMount {
            name: eks::TOKEN_VOLUME,
            mount_path: eks::TOKEN_DIR,
            read_only: true,
        });
    }
    Container {
        name: &container.name,
        env,
        volume_mounts,
    }
}

/// The env irsa writes into a wired container (when the pods need the config file).
pub fn container_env(plan: &Plan, container: &WiredContainer) -> Vec<(&'static str, String)> {
    let mut env = vec![("AWS_CONFIG_FILE", plan.config_file_path())];
    let Some(profile) = &container.profile else {
        return env;
    };
    env.push(("AWS_PROFILE", profile.clone()));
    // The Go SDK v1 reads AWS_CONFIG_FILE only when told to.
    env.push(("AWS_SDK_LOAD_CONFIG", "true".to_owned()));
    let pod_identity = plan.spec.pod_identity;
    if !pod_identity {
        if let Some(region) = plan.region() {
            env.push(("AWS_REGION", region.to_owned()));
            env.push(("AWS_DEFAULT_REGION", region.to_owned()));
        }
        if plan.spec.regional_sts {
            env.push(("AWS_STS_REGIONAL_ENDPOINTS", "regional".to_owned()));
        }
    }
    env
}
