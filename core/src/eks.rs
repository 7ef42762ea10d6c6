//! The names EKS and its pod identity webhook give things, which irsa writes and reads:
//! annotation keys, env variables, the token's volume and path. One place, so the
//! renderers, the cluster checks and the credential model agree.
//!
//! Source: aws/amazon-eks-pod-identity-webhook, `pkg/handler/handler.go` and README.

/// ServiceAccount annotation naming the pod role.
pub const ROLE_ARN_ANNOTATION: &str = "eks.amazonaws.com/role-arn";
/// ServiceAccount annotation: the audience of its pods' tokens, `sts.amazonaws.com` where
/// it is absent.
pub const AUDIENCE_ANNOTATION: &str = "eks.amazonaws.com/audience";
/// ServiceAccount annotation asking for regional STS endpoints (`"true"`).
pub const REGIONAL_STS_ANNOTATION: &str = "eks.amazonaws.com/sts-regional-endpoints";
/// ServiceAccount or pod annotation: the projected token's lifetime in seconds.
pub const TOKEN_EXPIRATION_ANNOTATION: &str = "eks.amazonaws.com/token-expiration";
/// Pod annotation: comma-separated containers the webhook leaves alone.
pub const SKIP_CONTAINERS_ANNOTATION: &str = "eks.amazonaws.com/skip-containers";
/// Pod label that makes the webhook skip the whole pod.
pub const SKIP_POD_LABEL: &str = "eks.amazonaws.com/skip-pod-identity-webhook";

/// The projected service-account token volume the webhook adds, and where it mounts it.
pub const TOKEN_VOLUME: &str = "aws-iam-token";
pub const TOKEN_DIR: &str = "/var/run/secrets/eks.amazonaws.com/serviceaccount";
pub const TOKEN_FILE: &str = "/var/run/secrets/eks.amazonaws.com/serviceaccount/token";
/// The token's file name in the volume.
pub const TOKEN_FILE_NAME: &str = "token";
/// The token's audience and lifetime when the ServiceAccount names none.
pub const TOKEN_AUDIENCE: &str = "sts.amazonaws.com";
pub const TOKEN_EXPIRATION_SECONDS: u64 = 86_400;

/// Env the webhook injects for IRSA; a container that sets either is skipped.
pub const ROLE_ARN_ENV: &str = "AWS_ROLE_ARN";
pub const TOKEN_FILE_ENV: &str = "AWS_WEB_IDENTITY_TOKEN_FILE";
/// Env EKS Pod Identity injects: the agent's credentials endpoint and its token.
pub const CONTAINER_URI_ENV: &str = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
pub const CONTAINER_TOKEN_ENV: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";
