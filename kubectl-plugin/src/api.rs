//! The few Kubernetes API calls the plugin makes, over kube-rs's client. Resources are
//! addressed from a fixed table (no discovery request), bodies are plain JSON, and every
//! failure becomes an [`ApiError`] that names the verb and the resource.

use http::StatusCode;
use http_body_util::BodyExt;
use kube::core::{
    Request,
    params::{DeleteParams, GetParams, ListParams, Patch, PatchParams},
};
use serde_json::Value;
use std::fmt;

/// Field manager of every write, so server-side apply knows which fields are ours.
pub const FIELD_MANAGER: &str = "kubectl-irsa";

/// A namespaced resource the plugin reads or writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resource {
    pub kind: &'static str,
    /// Lower-case plural, as in URLs and RBAC rules.
    pub plural: &'static str,
    pub group_version: &'static str,
}

const fn resource(kind: &'static str, plural: &'static str, gv: &'static str) -> Resource {
    Resource {
        kind,
        plural,
        group_version: gv,
    }
}

pub const SERVICE_ACCOUNT: Resource = resource("ServiceAccount", "serviceaccounts", "v1");
pub const CONFIG_MAP: Resource = resource("ConfigMap", "configmaps", "v1");
pub const POD: Resource = resource("Pod", "pods", "v1");
pub const WORKLOADS: [Resource; 5] = [
    resource("Deployment", "deployments", "apps/v1"),
    resource("StatefulSet", "statefulsets", "apps/v1"),
    resource("DaemonSet", "daemonsets", "apps/v1"),
    resource("CronJob", "cronjobs", "batch/v1"),
    resource("Job", "jobs", "batch/v1"),
];
const WEBHOOKS: &str = "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations";

impl Resource {
    /// The resource of a kind, case-insensitively, as users type it (`deployment`, `Deployment`).
    pub fn of_kind(kind: &str) -> Option<Resource> {
        [SERVICE_ACCOUNT, CONFIG_MAP, POD]
            .into_iter()
            .chain(WORKLOADS)
            .find(|r| r.kind.eq_ignore_ascii_case(kind) || r.plural.eq_ignore_ascii_case(kind))
    }

    /// `kubectl`'s short form: `serviceaccount/api`.
    pub fn slash(&self, name: &str) -> String {
        irsa_core::cluster::objects::slash(self.kind, name)
    }

    fn url(&self, namespace: Option<&str>) -> String {
        let root = if self.group_version == "v1" {
            "/api/v1".to_owned()
        } else {
            format!("/apis/{}", self.group_version)
        };
        match namespace {
            Some(ns) => format!("{root}/namespaces/{ns}/{}", self.plural),
            None => format!("{root}/{}", self.plural),
        }
    }
}

/// A failed request: the status the server answered, or why no answer came.
#[derive(Debug)]
pub struct ApiError {
    pub verb: &'static str,
    /// `serviceaccounts "api" in namespace "payments"`, for messages.
    pub target: String,
    pub code: Option<u16>,
    pub reason: String,
    pub message: String,
    /// `(field, manager)` of each server-side apply conflict.
    pub conflicts: Vec<(String, String)>,
}

impl ApiError {
    fn hint(&self) -> Option<String> {
        match self.code? {
            401 => Some("the credentials of this kubeconfig context were refused; log in again (for EKS: aws eks update-kubeconfig)".to_owned()),
            403 => Some(format!("ask for RBAC permission to {} {}", self.verb, self.target)),
            404 if self.message.contains("namespaces") => {
                Some("create the namespace first, or pass -n with an existing one".to_owned())
            }
            _ => None,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot {} {}: ", self.verb, self.target)?;
        match self.code {
            Some(code) => write!(f, "{} ({code} {}", self.message, self.reason)?,
            None => write!(f, "{}", self.message)?,
        }
        if self.code.is_some() {
            write!(f, ")")?;
        }
        if let Some(hint) = self.hint() {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// What server-side apply did to an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Created,
    Configured,
    Unchanged,
}

impl Change {
    pub fn word(self) -> &'static str {
        match self {
            Change::Created => "created",
            Change::Configured => "configured",
            Change::Unchanged => "unchanged",
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct ApplyOptions {
    pub force: bool,
    pub dry_run: bool,
}

#[derive(Debug)]
pub struct Applied {
    pub change: Change,
    pub object: Value,
}

/// A list response: its items and the collection's resourceVersion.
#[derive(Debug)]
pub struct List {
    pub items: Vec<Value>,
    pub resource_version: Option<u64>,
}

#[derive(Clone)]
pub struct Api {
    client: kube::Client,
}

impl fmt::Debug for Api {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Api").finish_non_exhaustive()
    }
}

impl Api {
    pub fn new(client: kube::Client) -> Api {
        Api { client }
    }

    /// Server-side apply of one object: exactly one request.
    ///
    /// `Created` comes from the 201 status. An object the apply left as it was keeps
    /// its old resourceVersion, which is then no newer than `before` — the
    /// resourceVersion of a list read earlier in the same command.
    pub async fn apply(
        &self,
        object: &Value,
        options: ApplyOptions,
        before: Option<u64>,
    ) -> Result<Applied, ApiError> {
        let (resource, namespace, name) = identify(object)?;
        let mut params = PatchParams::apply(FIELD_MANAGER);
        params.force = options.force;
        params.dry_run = options.dry_run;
        let target = target(&resource, &name, Some(&namespace));
        let request = Request::new(resource.url(Some(&namespace)))
            .patch(&name, &params, &Patch::Apply(object))
            .map_err(|e| local_error("patch", &target, e))?;
        let (status, body) = self.send("patch", &target, request).await?;
        let resource_version = body
            .pointer("/metadata/resourceVersion")
            .and_then(Value::as_str)
            .and_then(|rv| rv.parse::<u64>().ok());
        let change = if status == StatusCode::CREATED {
            Change::Created
        } else {
            match (resource_version, before) {
                (Some(now), Some(before)) if now <= before => Change::Unchanged,
                _ => Change::Configured,
            }
        };
        Ok(Applied {
            change,
            object: body,
        })
    }

    /// A JSON merge patch under our field manager (used to restart workloads).
    pub async fn merge_patch(
        &self,
        resource: Resource,
        namespace: &str,
        name: &str,
        patch: &Value,
    ) -> Result<Value, ApiError> {
        let target = target(&resource, name, Some(namespace));
        let params = PatchParams {
            field_manager: Some(FIELD_MANAGER.to_owned()),
            ..PatchParams::default()
        };
        let request = Request::new(resource.url(Some(namespace)))
            .patch(name, &params, &Patch::Merge(patch))
            .map_err(|e| local_error("patch", &target, e))?;
        Ok(self.send("patch", &target, request).await?.1)
    }

    pub async fn get(
        &self,
        resource: Resource,
        namespace: &str,
        name: &str,
    ) -> Result<Value, ApiError> {
        let target = target(&resource, name, Some(namespace));
        let request = Request::new(resource.url(Some(namespace)))
            .get(name, &GetParams::default())
            .map_err(|e| local_error("get", &target, e))?;
        Ok(self.send("get", &target, request).await?.1)
    }

    /// Deletes unless the object changed since `resource_version` was read.
    pub async fn delete(
        &self,
        resource: Resource,
        namespace: &str,
        name: &str,
        resource_version: Option<&str>,
        dry_run: bool,
    ) -> Result<(), ApiError> {
        let target = target(&resource, name, Some(namespace));
        let params = DeleteParams {
            dry_run,
            preconditions: resource_version.map(|rv| kube::core::params::Preconditions {
                resource_version: Some(rv.to_owned()),
                uid: None,
            }),
            ..DeleteParams::default()
        };
        let request = Request::new(resource.url(Some(namespace)))
            .delete(name, &params)
            .map_err(|e| local_error("delete", &target, e))?;
        self.send("delete", &target, request).await.map(|_| ())
    }

    /// Lists in one namespace, or in all with `None`.
    pub async fn list(
        &self,
        resource: Resource,
        namespace: Option<&str>,
        labels: Option<&str>,
        fields: Option<&str>,
    ) -> Result<List, ApiError> {
        let target = match namespace {
            Some(ns) => format!("{} in namespace \"{ns}\"", resource.plural),
            None => format!("{} in all namespaces", resource.plural),
        };
        let params = ListParams {
            label_selector: labels.map(str::to_owned),
            field_selector: fields.map(str::to_owned),
            ..ListParams::default()
        };
        let request = Request::new(resource.url(namespace))
            .list(&params)
            .map_err(|e| local_error("list", &target, e))?;
        let (_, body) = self.send("list", &target, request).await?;
        let resource_version = body
            .pointer("/metadata/resourceVersion")
            .and_then(Value::as_str)
            .and_then(|rv| rv.parse().ok());
        // A list without `items` is no Kubernetes list (a proxy's page, the wrong API).
        let Some(Value::Array(items)) = body.get("items") else {
            return Err(local_error(
                "list",
                &target,
                "the server's answer is not a Kubernetes list (no `items`)",
            ));
        };
        let items = items.clone();
        Ok(List {
            items,
            resource_version,
        })
    }

    /// The service account issuer of the cluster, from its OIDC discovery document.
    pub async fn issuer(&self) -> Result<String, ApiError> {
        let path = "/.well-known/openid-configuration";
        let body = self.get_path(path, path).await?;
        body.get("issuer")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| local_error("get", path, "the document has no `issuer`"))
    }

    /// The pod identity webhook's configuration, where RBAC lets us see it.
    pub async fn webhook(&self, name: &str) -> Result<Value, ApiError> {
        let target = format!("mutatingwebhookconfigurations \"{name}\"");
        self.get_path(&format!("{WEBHOOKS}/{name}"), &target).await
    }

    /// A GET of a path outside the namespaced resources.
    async fn get_path(&self, path: &str, target: &str) -> Result<Value, ApiError> {
        let request = http::Request::get(path)
            .body(Vec::new())
            .map_err(|e| local_error("get", target, e))?;
        Ok(self.send("get", target, request).await?.1)
    }

    async fn send(
        &self,
        verb: &'static str,
        target: &str,
        request: http::Request<Vec<u8>>,
    ) -> Result<(StatusCode, Value), ApiError> {
        let failed = |message: String| local_error(verb, target, message);
        let response = self
            .client
            .send(request.map(kube::client::Body::from))
            .await
            .map_err(|e| failed(connection_message(&e)))?;
        let status = response.status();
        // Read through a limit: a runaway answer must not take the memory with it.
        let bytes = http_body_util::Limited::new(response.into_body(), MAX_RESPONSE_BYTES)
            .collect()
            .await
            .map_err(|e| {
                failed(format!(
                    "reading the answer: {e} (limit {MAX_RESPONSE_BYTES} bytes)"
                ))
            })?
            .to_bytes();
        let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        if status.is_success() {
            // A 2xx that is not a JSON object is not the API server (a sign-in page from a
            // proxy, say): never an empty success.
            if !body.is_object() {
                return Err(ApiError {
                    code: Some(status.as_u16()),
                    reason: status.canonical_reason().unwrap_or_default().to_owned(),
                    ..failed(format!(
                        "the answer is not Kubernetes JSON: {}",
                        printable(&String::from_utf8_lossy(&bytes))
                    ))
                });
            }
            return Ok((status, body));
        }
        let text = |key: &str| body.get(key).and_then(Value::as_str).unwrap_or_default();
        let conflicts = body
            .pointer("/details/causes")
            .and_then(Value::as_array)
            .map(|causes| {
                causes
                    .iter()
                    .filter(|c| {
                        c.get("reason").and_then(Value::as_str) == Some("FieldManagerConflict")
                    })
                    .map(|c| {
                        let field = c.get("field").and_then(Value::as_str).unwrap_or_default();
                        let message = c.get("message").and_then(Value::as_str).unwrap_or_default();
                        // `conflict with "manager" using v1` -> manager
                        let manager = message.split('"').nth(1).unwrap_or(message);
                        (field.to_owned(), manager.to_owned())
                    })
                    .collect()
            })
            .unwrap_or_default();
        let message = match text("message") {
            "" => printable(&String::from_utf8_lossy(&bytes)),
            message => printable(message),
        };
        Err(ApiError {
            verb,
            target: target.to_owned(),
            code: Some(status.as_u16()),
            reason: match text("reason") {
                "" => status.canonical_reason().unwrap_or_default().to_owned(),
                reason => reason.to_owned(),
            },
            message,
            conflicts,
        })
    }
}

fn target(resource: &Resource, name: &str, namespace: Option<&str>) -> String {
    match namespace {
        Some(ns) => format!("{} \"{name}\" in namespace \"{ns}\"", resource.plural),
        None => format!("{} \"{name}\"", resource.plural),
    }
}

fn local_error(verb: &'static str, target: &str, error: impl fmt::Display) -> ApiError {
    ApiError {
        verb,
        target: target.to_owned(),
        code: None,
        reason: String::new(),
        message: error.to_string(),
        conflicts: Vec::new(),
    }
}

/// The largest answer read from the API server; lists of big namespaces stay far below.
const MAX_RESPONSE_BYTES: usize = 64 << 20;
/// How much of a server's text an error message shows.
const MAX_SHOWN: usize = 300;

/// Server text fit for a terminal: control characters dropped, at most [`MAX_SHOWN`]
/// characters.
fn printable(text: &str) -> String {
    let clean: String = text
        .trim()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    match clean.char_indices().nth(MAX_SHOWN) {
        Some((end, _)) => format!("{}…", clean.get(..end).unwrap_or_default()),
        None => clean,
    }
}

/// Credentials never appear in a message: an exec plugin's output (`k8s-aws-v1.…`
/// tokens, `"token": "…"`) is cut out of kube's errors.
pub(crate) fn redacted(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find("k8s-aws-v1.") {
        let (before, token) = rest.split_at(at);
        out.push_str(before);
        out.push_str("k8s-aws-v1.<redacted>");
        let end = token
            .find(|c: char| c.is_whitespace() || c == '"' || c == '\'')
            .unwrap_or(token.len());
        rest = token.get(end..).unwrap_or_default();
    }
    out.push_str(rest);
    match out.find("\"token\"") {
        Some(at) => format!("{}\"token\": <redacted>", out.get(..at).unwrap_or_default()),
        None => out,
    }
}

/// kube-rs nests the cause (refused, timed out, DNS) a few errors deep; show it all,
/// without credentials.
fn connection_message(error: &kube::Error) -> String {
    // The transport's layers (`ServiceError: client error (Connect): tcp connect error:
    // …`) say less than their innermost cause: a refused connection, a DNS failure.
    // A failure of the credentials (a token file, an exec plugin) travels the same way:
    // it keeps its own words, which name the file or the command.
    if let kube::Error::Service(_) = error {
        let mut cause: &dyn std::error::Error = error;
        while let Some(next) = cause.source() {
            if let Some(auth) = next.downcast_ref::<kube::client::AuthError>() {
                return redacted(&format!("cannot authenticate to the API server: {auth}"));
            }
            cause = next;
        }
        return redacted(&format!("cannot reach the API server: {cause}"));
    }
    redacted(&connection_chain(error))
}

fn connection_chain(error: &kube::Error) -> String {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = cause.source();
    }
    message
}

/// Resource, namespace and name of an object the core rendered.
fn identify(object: &Value) -> Result<(Resource, String, String), ApiError> {
    let text = |pointer: &str| object.pointer(pointer).and_then(Value::as_str);
    let kind = text("/kind").unwrap_or_default();
    match (
        Resource::of_kind(kind),
        text("/metadata/namespace"),
        text("/metadata/name"),
    ) {
        (Some(resource), Some(ns), Some(name)) => Ok((resource, ns.to_owned(), name.to_owned())),
        _ => Err(local_error(
            "apply",
            kind,
            "the object lacks a known kind, a namespace or a name",
        )),
    }
}

impl From<ApiError> for crate::Error {
    fn from(error: ApiError) -> Self {
        crate::Error::Cluster(error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_control_characters_never_reach_the_terminal() {
        let leaked = "failed to parse exec output: {\"status\":{\"token\":\"k8s-aws-v1.aHR0cHM6Ly9zdHM\"}} at line 1";
        let shown = redacted(leaked);
        assert!(!shown.contains("aHR0cHM6Ly9zdHM"), "{shown}");
        assert_eq!(redacted("plain error"), "plain error");
        assert_eq!(printable("a\u{1b}[2Jb"), "a [2Jb");
        assert_eq!(printable(&"x".repeat(1000)).chars().count(), MAX_SHOWN + 1);
    }
}
