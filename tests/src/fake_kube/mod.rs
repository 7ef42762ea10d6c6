//! A fake Kubernetes API server for the plugin's tests. No real API server runs on the
//! machines these tests run on, so this one implements, faithfully and no further, what
//! `kubectl irsa` uses: server-side apply with per-manager field ownership and 409
//! conflicts, JSON merge patches, `dryRun=All`, GET/LIST with label and field selectors,
//! DELETE with preconditions, resourceVersion, the discovery documents, the OIDC
//! discovery document, RBAC denials, missing namespaces, and injected failures and
//! stalls. It records every request.
//!
//! It is a fake, not a simulator: there is no admission chain, no controllers (a
//! Deployment never gets pods unless a test seeds them) and only the validation the
//! plugin's failure paths need.

mod fields;
mod http;
mod selector;

use fields::{FieldSet, Path};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

pub use http::Request as Logged;

#[derive(Debug, Clone, Copy)]
enum Patch {
    Merge { dry_run: bool },
    Strategic,
}

/// One field manager's entry in an object's managedFields.
#[derive(Debug, Clone, PartialEq)]
struct Manager {
    manager: String,
    /// `Apply` or `Update`.
    operation: &'static str,
    fields: FieldSet,
    time: String,
}

#[derive(Debug, Clone)]
struct Stored {
    object: Value,
    managers: Vec<Manager>,
}

/// What the fake does instead of answering, for the next `times` matching requests.
#[derive(Debug, Clone)]
pub enum Fault {
    Status(u16),
    Stall(Duration),
    /// An answer that is not the API server's: this status, this body (a proxy's HTML
    /// sign-in page, say), sent as text/html.
    Page(u16, String),
}

#[derive(Debug)]
struct Injected {
    method: Option<String>,
    path_contains: String,
    fault: Fault,
    times: usize,
}

#[derive(Debug, Default)]
struct State {
    objects: BTreeMap<(String, String, String), Stored>,
    namespaces: Vec<String>,
    revision: u64,
    /// Seconds on the fake's clock; every write ticks it.
    clock: u64,
    denied: Vec<(String, String)>,
    faults: Vec<Injected>,
    log: Vec<Logged>,
    issuer: Option<String>,
}

/// A running fake API server on 127.0.0.1.
#[derive(Debug, Clone)]
pub struct FakeKube {
    pub url: String,
    state: Arc<Mutex<State>>,
}

/// The resources the fake knows: (plural, kind, apiVersion, namespaced).
const RESOURCES: [(&str, &str, &str, bool); 10] = [
    ("serviceaccounts", "ServiceAccount", "v1", true),
    ("configmaps", "ConfigMap", "v1", true),
    ("pods", "Pod", "v1", true),
    ("deployments", "Deployment", "apps/v1", true),
    ("statefulsets", "StatefulSet", "apps/v1", true),
    ("daemonsets", "DaemonSet", "apps/v1", true),
    ("replicasets", "ReplicaSet", "apps/v1", true),
    ("jobs", "Job", "batch/v1", true),
    ("cronjobs", "CronJob", "batch/v1", true),
    (
        "mutatingwebhookconfigurations",
        "MutatingWebhookConfiguration",
        "admissionregistration.k8s.io/v1",
        false,
    ),
];

fn plural_of(kind: &str) -> Option<&'static str> {
    RESOURCES.iter().find(|r| r.1 == kind).map(|r| r.0)
}

impl FakeKube {
    /// Starts a server with the namespaces `default` and `kube-system`.
    pub fn start() -> FakeKube {
        let state = Arc::new(Mutex::new(State {
            namespaces: vec!["default".into(), "kube-system".into()],
            revision: 1000,
            clock: 1_767_225_600, // 2026-01-01T00:00:00Z
            ..State::default()
        }));
        let url = http::serve(state.clone());
        FakeKube { url, state }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A kubeconfig whose current context reaches this server. `cluster` names the
    /// cluster entry: an EKS cluster ARN makes it look like `aws eks update-kubeconfig`.
    pub fn kubeconfig(&self, cluster: &str, namespace: Option<&str>) -> String {
        let namespace = namespace
            .map(|ns| format!("\n    namespace: {ns}"))
            .unwrap_or_default();
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: {cluster}\n  cluster:\n    server: {url}\ncontexts:\n- name: test\n  context:\n    cluster: {cluster}\n    user: tester{namespace}\ncurrent-context: test\nusers:\n- name: tester\n  user:\n    token: fake-token\n",
            url = self.url
        )
    }

    pub fn add_namespace(&self, namespace: &str) {
        self.state().namespaces.push(namespace.to_owned());
    }

    /// Serves the OIDC discovery document with this issuer.
    pub fn set_issuer(&self, issuer: &str) {
        self.state().issuer = Some(issuer.to_owned());
    }

    /// Creates or updates an object as `manager` would with an Update (like
    /// `kubectl create` or `kubectl apply` without --server-side).
    pub fn seed(&self, manager: &str, object: Value) {
        let mut state = self.state();
        let (plural, ns, name) = key_of(&object);
        if !ns.is_empty() && !state.namespaces.contains(&ns) {
            state.namespaces.push(ns.clone());
        }
        let key = (plural.to_owned(), ns, name);
        let result = state.update(&key, manager, &object, Patch::Strategic);
        assert!(result.is_ok(), "seeding {key:?}: {result:?}");
    }

    /// Server-side apply by `manager`, as a PATCH with `application/apply-patch+yaml`
    /// would do it: the stored object (with managedFields), or the failure `Status`.
    pub fn apply(&self, manager: &str, object: &Value, force: bool) -> Result<Value, (u16, Value)> {
        let (plural, ns, name) = key_of(object);
        let key = (plural.to_owned(), ns, name);
        self.state()
            .apply(&key, manager, object, force, false)
            .map(|(_, object)| object)
    }

    /// Refuses `verb` on `plural` with 403, as RBAC would.
    pub fn deny(&self, verb: &str, plural: &str) {
        self.state()
            .denied
            .push((verb.to_owned(), plural.to_owned()));
    }

    /// Answers the next `times` requests whose path contains `path_contains` (and whose
    /// method is `method`, when given) with `fault` instead.
    pub fn inject(&self, method: Option<&str>, path_contains: &str, fault: Fault, times: usize) {
        self.state().faults.push(Injected {
            method: method.map(str::to_owned),
            path_contains: path_contains.to_owned(),
            fault,
            times,
        });
    }

    /// An object as a GET would return it, managedFields included.
    pub fn object(&self, kind: &str, namespace: &str, name: &str) -> Option<Value> {
        let key = (
            plural_of(kind)?.to_owned(),
            namespace.to_owned(),
            name.to_owned(),
        );
        self.state().objects.get(&key).map(Stored::rendered)
    }

    /// The managers of a field (`["metadata", "annotations", "x"]`) of an object.
    pub fn owners(&self, kind: &str, namespace: &str, name: &str, field: &[&str]) -> Vec<String> {
        let path: Path = field
            .iter()
            .map(|s| fields::Seg::Field((*s).to_owned()))
            .collect();
        let Some(plural) = plural_of(kind) else {
            return Vec::new();
        };
        let key = (plural.to_owned(), namespace.to_owned(), name.to_owned());
        self.state()
            .objects
            .get(&key)
            .map(|s| {
                s.managers
                    .iter()
                    .filter(|m| m.fields.contains(&path))
                    .map(|m| m.manager.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn requests(&self) -> Vec<Logged> {
        self.state().log.clone()
    }

    pub fn clear_requests(&self) {
        self.state().log.clear();
    }
}

fn key_of(object: &Value) -> (&'static str, String, String) {
    let text = |p: &str| {
        object
            .pointer(p)
            .and_then(Value::as_str)
            .unwrap_or_default()
    };
    let plural = plural_of(text("/kind")).unwrap_or("unknown");
    (
        plural,
        text("/metadata/namespace").to_owned(),
        text("/metadata/name").to_owned(),
    )
}

impl Stored {
    fn rendered(&self) -> Value {
        let mut object = self.object.clone();
        let entries: Vec<Value> = self
            .managers
            .iter()
            .map(|m| {
                json!({
                    "manager": m.manager,
                    "operation": m.operation,
                    "apiVersion": object.get("apiVersion").cloned().unwrap_or(Value::Null),
                    "time": m.time,
                    "fieldsType": "FieldsV1",
                    "fieldsV1": fields::to_fields_v1(&m.fields),
                })
            })
            .collect();
        if let Some(metadata) = object.get_mut("metadata").and_then(Value::as_object_mut) {
            metadata.insert("managedFields".into(), Value::Array(entries));
        }
        object
    }
}

/// A Kubernetes `Status` failure body.
pub fn status(code: u16, reason: &str, message: &str, details: Value) -> (u16, Value) {
    (
        code,
        json!({
            "kind": "Status", "apiVersion": "v1", "metadata": {},
            "status": "Failure", "message": message, "reason": reason,
            "details": details, "code": code
        }),
    )
}

impl State {
    fn tick(&mut self) -> String {
        self.clock += 1;
        timestamp(self.clock)
    }

    /// Server-side apply of `applied` by `manager`.
    fn apply(
        &mut self,
        key: &(String, String, String),
        manager: &str,
        applied: &Value,
        force: bool,
        dry_run: bool,
    ) -> Result<(u16, Value), (u16, Value)> {
        let new_fields = fields::field_set(applied);
        let Some(stored) = self.objects.get(key).cloned() else {
            validate(key, applied)?;
            return Ok(self.create(key, manager, "Apply", applied, new_fields, dry_run));
        };
        let mut managers = stored.managers.clone();
        let mut conflicts = Vec::new();
        for path in &new_fields {
            let ours = fields::get(applied, path);
            let theirs = fields::get(&stored.object, path);
            if !fields::is_leaf(ours) || ours == theirs {
                continue;
            }
            for other in managers.iter_mut().filter(|m| {
                !(m.manager == manager && m.operation == "Apply") && m.fields.contains(path)
            }) {
                if force {
                    other.fields.remove(path);
                } else {
                    conflicts.push((fields::display(path), other.manager.clone()));
                }
            }
        }
        if !conflicts.is_empty() {
            return Err(conflict_status(&conflicts));
        }
        let previous = managers
            .iter()
            .position(|m| m.manager == manager && m.operation == "Apply");
        let old_fields = previous
            .and_then(|i| managers.get(i))
            .map(|m| m.fields.clone())
            .unwrap_or_default();
        let mut object = stored.object.clone();
        let mut released: Vec<&Path> = old_fields.difference(&new_fields).collect();
        // Items before their fields: a released item is found by its name.
        released.sort_by_key(|p| p.len());
        for path in released {
            let shared = managers
                .iter()
                .any(|m| m.manager != manager && m.fields.contains(path));
            if !shared {
                fields::remove(&mut object, path);
            }
        }
        fields::merge(&mut object, applied);
        let entry = Manager {
            manager: manager.to_owned(),
            operation: "Apply",
            fields: new_fields,
            time: String::new(),
        };
        match previous {
            Some(i) => {
                if let Some(m) = managers.get_mut(i) {
                    m.fields = entry.fields;
                }
            }
            None => managers.push(entry),
        }
        managers.retain(|m| !m.fields.is_empty());
        validate(key, &object)?;
        self.commit(key, stored, object, managers, manager, "Apply", dry_run)
    }

    /// An Update by `manager`: a JSON merge patch, or a seeded object merged the way a
    /// strategic merge patch merges (named list items by name).
    fn update(
        &mut self,
        key: &(String, String, String),
        manager: &str,
        patch: &Value,
        kind: Patch,
    ) -> Result<(u16, Value), (u16, Value)> {
        let (dry_run, create) = match kind {
            Patch::Merge { dry_run } => (dry_run, false),
            Patch::Strategic => (false, true),
        };
        let patched_fields = fields::field_set(patch);
        let Some(stored) = self.objects.get(key).cloned() else {
            if !create {
                return Err(not_found(key));
            }
            return Ok(self.create(key, manager, "Update", patch, patched_fields, dry_run));
        };
        let mut object = stored.object.clone();
        match kind {
            Patch::Merge { .. } => fields::merge_patch(&mut object, patch),
            Patch::Strategic => fields::merge(&mut object, patch),
        }
        let mut managers = stored.managers.clone();
        for path in &patched_fields {
            if fields::get(&object, path) != fields::get(&stored.object, path) {
                for m in managers.iter_mut().filter(|m| m.manager != manager) {
                    m.fields.remove(path);
                }
            }
        }
        match managers
            .iter_mut()
            .find(|m| m.manager == manager && m.operation == "Update")
        {
            Some(m) => m.fields.extend(patched_fields),
            None => managers.push(Manager {
                manager: manager.to_owned(),
                operation: "Update",
                fields: patched_fields,
                time: String::new(),
            }),
        }
        managers.retain(|m| !m.fields.is_empty());
        self.commit(key, stored, object, managers, manager, "Update", dry_run)
    }

    /// A new object, owned entirely by its creator.
    fn create(
        &mut self,
        key: &(String, String, String),
        manager: &str,
        operation: &'static str,
        object: &Value,
        fields: FieldSet,
        dry_run: bool,
    ) -> (u16, Value) {
        let time = self.tick();
        let stored = Stored {
            object: self.fresh(key, object.clone(), dry_run),
            managers: vec![Manager {
                manager: manager.to_owned(),
                operation,
                fields,
                time,
            }],
        };
        let rendered = stored.rendered();
        if !dry_run {
            self.objects.insert(key.clone(), stored);
        }
        (201, rendered)
    }

    /// Stores a change, or nothing when the object and its ownership are as they were
    /// (a no-op keeps its resourceVersion, as on a real server).
    #[allow(clippy::too_many_arguments)]
    fn commit(
        &mut self,
        key: &(String, String, String),
        stored: Stored,
        object: Value,
        mut managers: Vec<Manager>,
        manager: &str,
        operation: &str,
        dry_run: bool,
    ) -> Result<(u16, Value), (u16, Value)> {
        let same_fields = managers.len() == stored.managers.len()
            && managers
                .iter()
                .zip(&stored.managers)
                .all(|(a, b)| a.manager == b.manager && a.fields == b.fields);
        if object == stored.object && same_fields {
            return Ok((200, stored.rendered()));
        }
        let time = self.tick();
        for m in managers
            .iter_mut()
            .filter(|m| m.manager == manager && m.operation == operation)
        {
            m.time.clone_from(&time);
        }
        let mut object = object;
        if !dry_run {
            self.revision += 1;
            if let Some(meta) = object.get_mut("metadata").and_then(Value::as_object_mut) {
                meta.insert("resourceVersion".into(), json!(self.revision.to_string()));
            }
        }
        let updated = Stored { object, managers };
        let rendered = updated.rendered();
        if !dry_run {
            self.objects.insert(key.clone(), updated);
        }
        Ok((200, rendered))
    }

    /// A new object's server-set metadata.
    fn fresh(&mut self, key: &(String, String, String), mut object: Value, dry_run: bool) -> Value {
        if !dry_run {
            self.revision += 1;
        }
        let revision = self.revision;
        let created = timestamp(self.clock);
        if let Some(meta) = object.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.insert("uid".into(), json!(format!("uid-{}-{}", key.2, revision)));
            meta.insert("resourceVersion".into(), json!(revision.to_string()));
            meta.insert("creationTimestamp".into(), json!(created));
        }
        object
    }
}

fn timestamp(seconds: u64) -> String {
    jiff::Timestamp::from_second(seconds as i64)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

fn not_found(key: &(String, String, String)) -> (u16, Value) {
    let (plural, _, name) = key;
    status(
        404,
        "NotFound",
        &format!("{plural} \"{name}\" not found"),
        json!({"name": name, "kind": plural}),
    )
}

fn conflict_status(conflicts: &[(String, String)]) -> (u16, Value) {
    let causes: Vec<Value> = conflicts
        .iter()
        .map(|(field, manager)| {
            json!({"reason": "FieldManagerConflict",
                   "message": format!("conflict with \"{manager}\" using v1"),
                   "field": field})
        })
        .collect();
    let lines: Vec<String> = conflicts
        .iter()
        .map(|(field, manager)| format!("- {manager}: {field}"))
        .collect();
    status(
        409,
        "Conflict",
        &format!(
            "Apply failed with {} conflict{}: {}",
            conflicts.len(),
            if conflicts.len() == 1 { "" } else { "s" },
            lines.join("\n")
        ),
        json!({"causes": causes}),
    )
}

/// The validation the plugin's failure paths need, run on every object a write would
/// store: a workload's selector and schedule, and an image for every container.
fn validate(key: &(String, String, String), object: &Value) -> Result<(), (u16, Value)> {
    let (plural, _, name) = key;
    let (required, template): (&[&str], &str) = match plural.as_str() {
        "deployments" | "statefulsets" | "daemonsets" | "replicasets" => {
            (&["/spec/selector"], "/spec/template/spec")
        }
        "jobs" => (&[], "/spec/template/spec"),
        "cronjobs" => (&["/spec/schedule"], "/spec/jobTemplate/spec/template/spec"),
        _ => return Ok(()),
    };
    let field = |pointer: &str| pointer.trim_start_matches('/').replace('/', ".");
    let mut missing: Vec<String> = required
        .iter()
        .filter(|p| object.pointer(p).is_none())
        .map(|p| field(p))
        .collect();
    let containers = object
        .pointer(&format!("{template}/containers"))
        .and_then(Value::as_array);
    match containers {
        None => missing.push(format!("{}.containers", field(template))),
        Some(containers) => missing.extend(
            containers
                .iter()
                .enumerate()
                .filter(|(_, c)| c.get("image").is_none())
                .map(|(i, _)| format!("{}.containers[{i}].image", field(template))),
        ),
    }
    if missing.is_empty() {
        return Ok(());
    }
    let kind = object
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let causes: Vec<Value> = missing
        .iter()
        .map(|field| json!({"reason": "FieldValueRequired", "message": "Required value", "field": field}))
        .collect();
    let fields: Vec<String> = missing
        .iter()
        .map(|f| format!("{f}: Required value"))
        .collect();
    Err(status(
        422,
        "Invalid",
        &format!("{kind} \"{name}\" is invalid: {}", fields.join(", ")),
        json!({"name": name, "kind": kind, "causes": causes}),
    ))
}
