//! What the EKS pod identity webhook does to a container when its pod is created: the
//! env it adds, read from aws/amazon-eks-pod-identity-webhook `pkg/handler/handler.go`.
//! The credential model ([`crate::credentials`]) starts from the env this leaves.

use crate::eks::{
    CONTAINER_TOKEN_ENV, CONTAINER_URI_ENV, ROLE_ARN_ENV, TOKEN_FILE, TOKEN_FILE_ENV,
};

/// Path of the EKS Pod Identity token and the agent's endpoint, as the webhook writes them.
pub const POD_IDENTITY_TOKEN_FILE: &str =
    "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token";
pub const POD_IDENTITY_URI: &str = "http://169.254.170.23/v1/credentials";

/// What the webhook knows when it mutates a pod: its service account's settings and the
/// cluster's region.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Injection {
    /// The ServiceAccount's `eks.amazonaws.com/role-arn`, if any.
    pub role_arn: Option<String>,
    /// The service account has an EKS Pod Identity association.
    pub pod_identity: bool,
    /// The ServiceAccount asks for regional STS endpoints.
    pub regional_sts: bool,
    /// The region the webhook runs in (EKS configures it).
    pub region: Option<String>,
}

/// The env a container ends up with: its own, plus what the webhook adds unless the
/// container is in `skip` (the pod's `eks.amazonaws.com/skip-containers`) or the pod
/// opted out. The webhook only ever adds; it never overrides a variable already set.
pub fn mutate(
    name: &str,
    env: &[(String, String)],
    skip: &[&str],
    injection: &Injection,
) -> Vec<(String, String)> {
    let mut out = env.to_vec();
    let has = |out: &[(String, String)], key: &str| out.iter().any(|(k, _)| k == key);
    let wired = injection.role_arn.is_some() || injection.pod_identity;
    if skip.contains(&name) || !wired {
        return out;
    }
    let mut add = |key: &str, value: &str| out.push((key.to_owned(), value.to_owned()));
    if injection.regional_sts && !has(env, "AWS_STS_REGIONAL_ENDPOINTS") {
        add("AWS_STS_REGIONAL_ENDPOINTS", "regional");
    }
    if let Some(region) = &injection.region {
        if !has(env, "AWS_REGION") && !has(env, "AWS_DEFAULT_REGION") {
            add("AWS_DEFAULT_REGION", region);
            add("AWS_REGION", region);
        }
    }
    // "Container credentials method takes precedence" (buildPodPatchConfig): an
    // association wins over the role annotation.
    if injection.pod_identity {
        if !has(env, CONTAINER_URI_ENV) && !has(env, CONTAINER_TOKEN_ENV) {
            add(CONTAINER_URI_ENV, POD_IDENTITY_URI);
            add(CONTAINER_TOKEN_ENV, POD_IDENTITY_TOKEN_FILE);
        }
    } else if let Some(role) = &injection.role_arn {
        if !has(env, ROLE_ARN_ENV) && !has(env, TOKEN_FILE_ENV) {
            add(ROLE_ARN_ENV, role);
            add(TOKEN_FILE_ENV, TOKEN_FILE);
        }
    }
    out
}

/// The names in a pod's `eks.amazonaws.com/skip-containers` annotation, read as the
/// webhook's `csv.Reader` reads them: split at commas, spaces kept (so `a, b` does not
/// skip `b`).
pub fn skipped(annotation: &str) -> Vec<&str> {
    annotation.split(',').filter(|s| !s.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn irsa() -> Injection {
        Injection {
            role_arn: Some("arn:aws:iam::111122223333:role/pod".to_owned()),
            region: Some("eu-west-2".to_owned()),
            ..Injection::default()
        }
    }

    #[test]
    fn injects_the_role_region_and_token_file() {
        let out = mutate("app", &[], &[], &irsa());
        let keys: Vec<&str> = out.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                "AWS_DEFAULT_REGION",
                "AWS_REGION",
                ROLE_ARN_ENV,
                TOKEN_FILE_ENV
            ]
        );
    }

    #[test]
    fn leaves_skipped_and_preset_containers_alone() {
        assert!(mutate("app", &[], &["app"], &irsa()).is_empty());
        let preset = env(&[(TOKEN_FILE_ENV, "/mine"), ("AWS_REGION", "us-east-1")]);
        assert_eq!(mutate("app", &preset, &[], &irsa()), preset);
        assert!(mutate("app", &[], &[], &Injection::default()).is_empty());
        assert_eq!(skipped("a,b,"), ["a", "b"]);
        assert_eq!(skipped("a, b"), ["a", " b"]);
    }

    #[test]
    fn pod_identity_gets_the_agent() {
        let injection = Injection {
            pod_identity: true,
            ..Injection::default()
        };
        let out = mutate("app", &[], &[], &injection);
        assert_eq!(
            out,
            env(&[
                (CONTAINER_URI_ENV, POD_IDENTITY_URI),
                (CONTAINER_TOKEN_ENV, POD_IDENTITY_TOKEN_FILE)
            ])
        );
    }
}
