//! The fake's HTTP side: routing, RBAC, faults and the request log.

use super::selector::{fields_match, labels_match};
use super::{Fault, Patch, RESOURCES, State, not_found, status};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// One request as the fake received it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub query: BTreeMap<String, String>,
    pub content_type: String,
    /// The Authorization header: the credential the client presented.
    pub authorization: String,
    pub body: String,
}

impl Request {
    /// `PATCH /api/v1/namespaces/payments/serviceaccounts/api`, for assertions.
    pub fn line(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

pub fn serve(state: Arc<Mutex<State>>) -> String {
    let server = tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1");
    let url = format!(
        "http://{}",
        server.server_addr().to_ip().expect("an IP address")
    );
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let state = state.clone();
            std::thread::spawn(move || respond(&state, request));
        }
    });
    url
}

fn respond(state: &Mutex<State>, mut request: tiny_http::Request) {
    let mut body = String::new();
    let _ = request.as_reader().read_to_string(&mut body);
    let (path, query) = match request.url().split_once('?') {
        Some((path, query)) => (path.to_owned(), parse_query(query)),
        None => (request.url().to_owned(), BTreeMap::new()),
    };
    let header = |name: &'static str| {
        request
            .headers()
            .iter()
            .find(|h| h.field.equiv(name))
            .map(|h| h.value.to_string())
            .unwrap_or_default()
    };
    let (content_type, authorization) = (header("Content-Type"), header("Authorization"));
    let logged = Request {
        method: request.method().to_string(),
        path,
        query,
        content_type,
        authorization,
        body,
    };
    let fault = {
        let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
        state.log.push(logged.clone());
        take_fault(&mut state, &logged)
    };
    if let Some(Fault::Page(code, body)) = &fault {
        let header =
            tiny_http::Header::from_bytes("Content-Type", "text/html").expect("a valid header");
        let response = tiny_http::Response::from_string(body.clone())
            .with_status_code(*code)
            .with_header(header);
        let _ = request.respond(response);
        return;
    }
    let (code, value) = match fault {
        Some(Fault::Page(..)) => unreachable!("answered above"),
        Some(Fault::Stall(duration)) => {
            std::thread::sleep(duration);
            status(504, "Timeout", "the fake stalled this request", json!({}))
        }
        Some(Fault::Status(code)) => status(
            code,
            "InternalError",
            "Internal error occurred: injected by the test",
            json!({}),
        ),
        None => {
            let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
            route(&mut state, &logged).unwrap_or_else(|e| e)
        }
    };
    let header =
        tiny_http::Header::from_bytes("Content-Type", "application/json").expect("a valid header");
    let response = tiny_http::Response::from_string(value.to_string())
        .with_status_code(code)
        .with_header(header);
    let _ = request.respond(response);
}

fn parse_query(query: &str) -> BTreeMap<String, String> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), decode(v)))
        .collect()
}

/// Percent-decoding of a query value (`+` is a space, as in forms).
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b, hex) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn take_fault(state: &mut State, request: &Request) -> Option<Fault> {
    let injected = state.faults.iter_mut().find(|f| {
        f.times > 0
            && request.path.contains(&f.path_contains)
            && f.method.as_ref().is_none_or(|m| *m == request.method)
    })?;
    injected.times -= 1;
    Some(injected.fault.clone())
}

type Answer = Result<(u16, Value), (u16, Value)>;

/// A parsed resource URL.
struct Target<'a> {
    plural: &'a str,
    kind: &'static str,
    api_version: &'static str,
    namespace: Option<&'a str>,
    name: Option<&'a str>,
}

fn parse_target(path: &str) -> Option<Target<'_>> {
    let rest = path.strip_prefix("/api/v1/").or_else(|| {
        let rest = path.strip_prefix("/apis/")?;
        let mut parts = rest.splitn(3, '/');
        let (_, _) = (parts.next()?, parts.next()?);
        parts.next()
    })?;
    let parts: Vec<&str> = rest.split('/').collect();
    let (namespace, plural, name) = match parts.as_slice() {
        ["namespaces", ns, plural] => (Some(*ns), *plural, None),
        ["namespaces", ns, plural, name] => (Some(*ns), *plural, Some(*name)),
        [plural] => (None, *plural, None),
        [plural, name] => (None, *plural, Some(*name)),
        _ => return None,
    };
    let (_, kind, api_version, _) = RESOURCES.iter().find(|r| r.0 == plural)?;
    Some(Target {
        plural,
        kind,
        api_version,
        namespace,
        name,
    })
}

fn route(state: &mut State, request: &Request) -> Answer {
    let path = request.path.as_str();
    match (request.method.as_str(), path) {
        ("GET", "/.well-known/openid-configuration") => {
            return match &state.issuer {
                Some(issuer) => Ok((
                    200,
                    json!({"issuer": issuer, "jwks_uri": format!("{issuer}/keys"),
                           "response_types_supported": ["id_token"],
                           "subject_types_supported": ["public"],
                           "id_token_signing_alg_values_supported": ["RS256"]}),
                )),
                None => Err(status(
                    404,
                    "NotFound",
                    "the server could not find the requested resource",
                    json!({}),
                )),
            };
        }
        ("GET", "/api") => return Ok((200, json!({"kind": "APIVersions", "versions": ["v1"]}))),
        ("GET", "/apis") => return Ok((200, discovery::groups())),
        ("GET", "/version") => {
            return Ok((
                200,
                json!({"major": "1", "minor": "33", "gitVersion": "v1.33.0-fake"}),
            ));
        }
        _ => {}
    }
    if request.method == "GET" {
        if let Some(list) = discovery::resources(path) {
            return Ok((200, list));
        }
    }
    if let Some(ns) = path
        .strip_prefix("/api/v1/namespaces/")
        .filter(|r| !r.contains('/'))
    {
        return if state.namespaces.iter().any(|n| n == ns) {
            Ok((
                200,
                json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}),
            ))
        } else {
            Err(not_found(&(
                "namespaces".into(),
                String::new(),
                ns.to_owned(),
            )))
        };
    }
    let Some(target) = parse_target(path) else {
        return Err(status(
            404,
            "NotFound",
            "the server could not find the requested resource",
            json!({}),
        ));
    };
    let verb = match (request.method.as_str(), target.name) {
        ("GET", None) => "list",
        ("GET", Some(_)) => "get",
        ("PATCH", _) => "patch",
        ("DELETE", _) => "delete",
        ("POST", _) => "create",
        ("PUT", _) => "update",
        _ => {
            return Err(status(
                405,
                "MethodNotAllowed",
                "method not allowed",
                json!({}),
            ));
        }
    };
    if state
        .denied
        .iter()
        .any(|(v, p)| v == verb && p == target.plural)
    {
        let what = match target.name {
            Some(name) => format!("{} \"{name}\"", target.plural),
            None => target.plural.to_owned(),
        };
        let scope = match target.namespace {
            Some(ns) => format!(" in the namespace \"{ns}\""),
            None => " at the cluster scope".to_owned(),
        };
        let group = target
            .api_version
            .rsplit_once('/')
            .map(|(g, _)| g)
            .unwrap_or("");
        return Err(status(
            403,
            "Forbidden",
            &format!(
                "{what} is forbidden: User \"tester\" cannot {verb} resource \"{}\" in API group \"{group}\"{scope}",
                target.plural
            ),
            json!({"name": target.name, "kind": target.plural}),
        ));
    }
    let ns = target.namespace.unwrap_or_default();
    let dry_run = request.query.get("dryRun").is_some_and(|v| v == "All");
    match (verb, target.name) {
        ("list", _) => list(state, &target, request),
        (_, Some(name)) => {
            let key = (target.plural.to_owned(), ns.to_owned(), name.to_owned());
            if target.namespace.is_some()
                && !state.namespaces.iter().any(|n| n == ns)
                && verb != "get"
            {
                return Err(not_found(&(
                    "namespaces".into(),
                    String::new(),
                    ns.to_owned(),
                )));
            }
            match verb {
                "get" => state
                    .objects
                    .get(&key)
                    .map(|s| (200, s.rendered()))
                    .ok_or_else(|| not_found(&key)),
                "delete" => delete(state, &key, request, dry_run),
                "patch" => patch(state, &key, &target, request, dry_run),
                _ => Err(status(
                    405,
                    "MethodNotAllowed",
                    "the fake supports apply and merge patches only",
                    json!({}),
                )),
            }
        }
        _ => Err(status(
            405,
            "MethodNotAllowed",
            "method not allowed",
            json!({}),
        )),
    }
}

fn list(state: &State, target: &Target<'_>, request: &Request) -> Answer {
    let mut items = Vec::new();
    for ((plural, ns, _), stored) in &state.objects {
        if plural != target.plural || target.namespace.is_some_and(|n| n != ns) {
            continue;
        }
        let object = stored.rendered();
        let bad = |e: String| status(400, "BadRequest", &e, json!({}));
        if let Some(selector) = request.query.get("labelSelector") {
            if !labels_match(selector, &object).map_err(bad)? {
                continue;
            }
        }
        if let Some(selector) = request.query.get("fieldSelector") {
            if !fields_match(selector, &object).map_err(bad)? {
                continue;
            }
        }
        // Items of a list carry neither apiVersion nor kind.
        let mut item = object;
        if let Some(map) = item.as_object_mut() {
            map.remove("apiVersion");
            map.remove("kind");
        }
        items.push(item);
    }
    Ok((
        200,
        json!({"apiVersion": target.api_version, "kind": format!("{}List", target.kind),
               "metadata": {"resourceVersion": state.revision.to_string()}, "items": items}),
    ))
}

fn delete(
    state: &mut State,
    key: &(String, String, String),
    request: &Request,
    dry_run: bool,
) -> Answer {
    let stored = state.objects.get(key).ok_or_else(|| not_found(key))?;
    let options: Value = serde_json::from_str(&request.body).unwrap_or(Value::Null);
    if let Some(expected) = options
        .pointer("/preconditions/resourceVersion")
        .and_then(Value::as_str)
    {
        let actual = stored
            .object
            .pointer("/metadata/resourceVersion")
            .and_then(Value::as_str);
        if actual != Some(expected) {
            return Err(status(
                409,
                "Conflict",
                &format!(
                    "Operation cannot be fulfilled on {} \"{}\": the ResourceVersion in the precondition ({expected}) does not match the ResourceVersion in record ({}). The object might have been modified",
                    key.0,
                    key.2,
                    actual.unwrap_or_default()
                ),
                json!({"name": key.2, "kind": key.0}),
            ));
        }
    }
    let rendered = stored.rendered();
    if !dry_run {
        state.objects.remove(key);
        state.revision += 1;
    }
    Ok((200, rendered))
}

fn patch(
    state: &mut State,
    key: &(String, String, String),
    target: &Target<'_>,
    request: &Request,
    dry_run: bool,
) -> Answer {
    let bad = |message: String| status(400, "BadRequest", &message, json!({}));
    let manager = request.query.get("fieldManager").cloned();
    match request.content_type.as_str() {
        "application/apply-patch+yaml" => {
            let manager = manager.ok_or_else(|| {
                status(422, "Invalid", "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch", json!({}))
            })?;
            let body: Value = serde_json::from_str(&request.body)
                .or_else(|_| serde_saphyr::from_str(&request.body))
                .map_err(|e| bad(format!("error decoding YAML: {e}")))?;
            let text = |p: &str| body.pointer(p).and_then(Value::as_str);
            if text("/kind") != Some(target.kind) || text("/apiVersion") != Some(target.api_version)
            {
                return Err(bad(format!(
                    "the body's kind and apiVersion must be {} {}",
                    target.kind, target.api_version
                )));
            }
            if text("/metadata/name") != Some(key.2.as_str()) {
                return Err(bad(
                    "the name of the object does not match the name on the URL".into(),
                ));
            }
            let force = request.query.get("force").is_some_and(|v| v == "true");
            state.apply(key, &manager, &body, force, dry_run)
        }
        "application/merge-patch+json" => {
            let body: Value =
                serde_json::from_str(&request.body).map_err(|e| bad(e.to_string()))?;
            let manager = manager.unwrap_or_else(|| "unknown".into());
            state.update(key, &manager, &body, Patch::Merge { dry_run })
        }
        other => Err(status(
            415,
            "UnsupportedMediaType",
            &format!(
                "the body of the request was in an unknown format - accepted media types include: application/apply-patch+yaml, application/merge-patch+json; got {other}"
            ),
            json!({}),
        )),
    }
}

/// Legacy discovery, as kubectl reads it to map a kind to its resource (`kubectl apply`):
/// the API groups, and each group version's resources, from the fake's resource table.
mod discovery {
    use super::RESOURCES;
    use serde_json::{Value, json};

    fn group_versions() -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::new();
        for (_, _, version, _) in RESOURCES {
            if version.contains('/') && !out.contains(&version) {
                out.push(version);
            }
        }
        out
    }

    pub fn groups() -> Value {
        let groups: Vec<Value> = group_versions()
            .into_iter()
            .filter_map(|gv| {
                let (group, version) = gv.split_once('/')?;
                let v = json!({"groupVersion": gv, "version": version});
                Some(json!({"name": group, "versions": [v.clone()], "preferredVersion": v}))
            })
            .collect();
        json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
    }

    /// `GET /api/v1` or `/apis/GROUP/VERSION`: that group version's resources.
    pub fn resources(path: &str) -> Option<Value> {
        let gv = match path {
            "/api/v1" => "v1",
            _ => path
                .strip_prefix("/apis/")
                .filter(|gv| gv.matches('/').count() == 1)?,
        };
        let resources: Vec<Value> = RESOURCES
            .iter()
            .filter(|r| r.2 == gv)
            .map(|(plural, kind, _, namespaced)| {
                json!({
                    "name": plural, "singularName": kind.to_ascii_lowercase(),
                    "namespaced": namespaced, "kind": kind,
                    "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"],
                })
            })
            .collect();
        (!resources.is_empty() || gv == "v1").then(|| {
            json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": resources})
        })
    }
}
