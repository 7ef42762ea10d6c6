//! Every generated Kubernetes manifest of every example, checked by `kubernetes-validate
//! --strict` against the oldest and newest Kubernetes it ships schemas for. Workload
//! patches are partial by design, so each is first merged (by container and volume name,
//! as server-side apply does) into a minimal complete workload of its kind.
//! Run by `scripts/test` (needs .venv).

use irsa_core::Kind;
use irsa_tests::golden::example_bundles;
use irsa_tests::tools::venv_tool;
use serde_json::{Value, json};
use std::process::Command;

const VERSIONS: [&str; 2] = ["1.25.0", "1.37.0"];

fn base_workload(kind: &str, name: &str, namespace: &str, container: &str) -> Value {
    let template = json!({
        "metadata": {"labels": {"app": name}},
        "spec": {"containers": [{"name": container, "image": "busybox:1.36"}], "restartPolicy": if matches!(kind, "Job" | "CronJob") { "Never" } else { "Always" }}
    });
    let selector = json!({"matchLabels": {"app": name}});
    let spec = match kind {
        "Deployment" | "DaemonSet" => json!({"selector": selector, "template": template}),
        "StatefulSet" => json!({"selector": selector, "serviceName": name, "template": template}),
        "Job" => json!({"template": template}),
        "CronJob" => {
            json!({"schedule": "0 3 * * *", "jobTemplate": {"spec": {"template": template}}})
        }
        other => panic!("unexpected workload kind {other}"),
    };
    let api = if matches!(kind, "Job" | "CronJob") {
        "batch/v1"
    } else {
        "apps/v1"
    };
    json!({"apiVersion": api, "kind": kind, "metadata": {"name": name, "namespace": namespace}, "spec": spec})
}

/// Merges `patch` into `base`: objects key by key, lists of named objects by `name`.
fn merge(base: &mut Value, patch: &Value) {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            for (k, v) in p {
                merge(b.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
        (Value::Array(b), Value::Array(p)) if p.iter().all(|x| x.get("name").is_some()) => {
            for item in p {
                match b.iter_mut().find(|x| x.get("name") == item.get("name")) {
                    Some(existing) => merge(existing, item),
                    None => b.push(item.clone()),
                }
            }
        }
        (b, p) => *b = p.clone(),
    }
}

fn first_container(patch: &Value) -> String {
    let spec = &patch["spec"];
    let pod = if spec.get("jobTemplate").is_some() {
        &spec["jobTemplate"]["spec"]["template"]["spec"]
    } else {
        &spec["template"]["spec"]
    };
    pod["containers"][0]["name"]
        .as_str()
        .unwrap_or("app")
        .to_owned()
}

#[test]
#[ignore = "needs kubernetes-validate: run scripts/test"]
fn generated_manifests_validate_strictly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut files = Vec::new();
    let mut kinds = std::collections::BTreeSet::new();
    for (name, bundle) in example_bundles() {
        for (i, artifact) in bundle.artifacts.iter().enumerate() {
            let content = match artifact.kind {
                Kind::ServiceAccount | Kind::ConfigMap => artifact.content.clone(),
                Kind::WorkloadPatch => {
                    let patch: Value =
                        serde_saphyr::from_str(&artifact.content).expect("patch is YAML");
                    let kind = patch["kind"].as_str().expect("kind");
                    let mut full = base_workload(
                        kind,
                        patch["metadata"]["name"].as_str().expect("name"),
                        patch["metadata"]["namespace"].as_str().expect("namespace"),
                        &first_container(&patch),
                    );
                    merge(&mut full, &patch);
                    kinds.insert(kind.to_owned());
                    serde_json::to_string_pretty(&full).expect("json")
                }
                _ => continue,
            };
            let file = dir.path().join(format!("{name}-{i}.yaml"));
            std::fs::write(&file, content).expect("write");
            files.push(file);
        }
    }
    assert!(
        files.len() >= 20,
        "expected the examples' manifests, found {}",
        files.len()
    );
    assert!(
        kinds.len() >= 4,
        "patches of several kinds should be covered: {kinds:?}"
    );
    for version in VERSIONS {
        let out = Command::new(venv_tool("kubernetes-validate"))
            .args(["--strict", "--quiet", "-k", version])
            .args(&files)
            .output()
            .expect("run kubernetes-validate");
        assert!(
            out.status.success(),
            "kubernetes-validate {version} failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
#[ignore = "needs kubernetes-validate: run scripts/test"]
fn the_validator_rejects_unquoted_yaml_1_1_booleans() {
    // Guards the suite itself: the reason names like `on` must be quoted.
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("sa.yaml");
    std::fs::write(
        &file,
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: yes\n  namespace: on\n",
    )
    .expect("write");
    let out = Command::new(venv_tool("kubernetes-validate"))
        .args(["--strict", "--quiet"])
        .arg(&file)
        .output()
        .expect("run");
    assert!(!out.status.success());
}
