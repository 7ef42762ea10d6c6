//! The fake API server's server-side apply against the rules it fakes, on generated
//! objects: another manager's fields survive an apply and its release; re-applying is a
//! no-op; releasing everything restores the object; a differing value is a conflict.

use irsa_tests::fake_kube::FakeKube;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

fn deployment(
    annotations: &[(String, String)],
    env: &[(String, String)],
    volumes: &[String],
) -> Value {
    let annotations: Map<String, Value> = annotations
        .iter()
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect();
    let env: Vec<Value> = env
        .iter()
        .map(|(n, v)| json!({"name": n, "value": v}))
        .collect();
    let mounts: Vec<Value> = volumes
        .iter()
        .map(|v| json!({"name": v, "mountPath": format!("/mnt/{v}")}))
        .collect();
    let volumes: Vec<Value> = volumes
        .iter()
        .map(|v| json!({"name": v, "emptyDir": {}}))
        .collect();
    let mut container = json!({"name": "app"});
    if !env.is_empty() {
        container["env"] = json!(env);
    }
    if !mounts.is_empty() {
        container["volumeMounts"] = json!(mounts);
    }
    let mut pod = json!({"containers": [container]});
    if !volumes.is_empty() {
        pod["volumes"] = json!(volumes);
    }
    let mut object = json!({"apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "api", "namespace": "payments"},
        "spec": {"template": {"spec": pod}}});
    if !annotations.is_empty() {
        object["metadata"]["annotations"] = json!(annotations);
    }
    object
}

/// As `kubectl create` would have it: with the fields validation requires.
fn created(mut object: Value) -> Value {
    object["spec"]["template"]["spec"]["containers"][0]["image"] = json!("example/app:1");
    object["spec"]["selector"] = json!({"matchLabels": {"app": "api"}});
    object
}

/// The object without what the server sets.
fn content(object: &Value) -> Value {
    let mut object = object.clone();
    if let Some(meta) = object.get_mut("metadata").and_then(Value::as_object_mut) {
        for key in [
            "managedFields",
            "resourceVersion",
            "uid",
            "creationTimestamp",
        ] {
            meta.remove(key);
        }
    }
    object
}

fn pairs(prefix: &'static str) -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::btree_map(
        "[a-d]".prop_map(move |k| format!("{prefix}{k}")),
        "[a-z]{1,3}",
        0..4,
    )
    .prop_map(|m| m.into_iter().collect())
}

fn names(prefix: &'static str) -> impl Strategy<Value = Vec<String>> {
    prop::collection::btree_set("[a-d]".prop_map(move |k| format!("{prefix}{k}")), 0..3)
        .prop_map(|s| s.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn apply_and_release_keep_other_managers_fields(
        theirs in (pairs("team-"), pairs("T_"), names("data-")),
        ours in (pairs("irsa-"), pairs("I_"), names("irsa-")),
    ) {
        let kube = FakeKube::start();
        kube.seed("helm", created(deployment(&theirs.0, &theirs.1, &theirs.2)));
        let before = content(&kube.object("Deployment", "payments", "api").expect("seeded"));

        let applied = deployment(&ours.0, &ours.1, &ours.2);
        let after = kube.apply("kubectl-irsa", &applied, false).expect("disjoint fields do not conflict");
        // Everything helm set is still there, and everything applied is there too: maps
        // merged by key, named items appended after the existing ones.
        let expected = created(deployment(
            &[theirs.0.clone(), ours.0.clone()].concat(),
            &[theirs.1.clone(), ours.1.clone()].concat(),
            &[theirs.2.clone(), ours.2.clone()].concat(),
        ));
        prop_assert_eq!(content(&after), expected);

        // Applying the same again changes nothing, resourceVersion included.
        let again = kube.apply("kubectl-irsa", &applied, false).expect("re-apply");
        prop_assert_eq!(&again["metadata"]["resourceVersion"], &after["metadata"]["resourceVersion"]);

        // Releasing every field restores helm's object exactly.
        let empty = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "api", "namespace": "payments"}});
        let released = kube.apply("kubectl-irsa", &empty, false).expect("release");
        prop_assert_eq!(content(&released), before);
    }

    #[test]
    fn a_differing_value_another_manager_set_is_a_conflict(theirs in pairs("k-"), value in "[A-Z]{1,3}") {
        prop_assume!(!theirs.is_empty());
        let kube = FakeKube::start();
        kube.seed("helm", json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "c", "namespace": "payments"},
            "data": theirs.iter().map(|(k, v)| (k.clone(), json!(v))).collect::<Map<String, Value>>()}));
        let (key, _) = &theirs[0];
        let ours = json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "c", "namespace": "payments"}, "data": {key.as_str(): value}});
        let before = kube.object("ConfigMap", "payments", "c").expect("seeded");
        let (code, status) = kube.apply("kubectl-irsa", &ours, false).expect_err("a conflict");
        prop_assert_eq!(code, 409);
        prop_assert_eq!(&status["details"]["causes"][0]["field"], &json!(format!(".data.{key}")));
        prop_assert_eq!(kube.object("ConfigMap", "payments", "c").expect("kept"), before);
        // With force, the field changes hands.
        kube.apply("kubectl-irsa", &ours, true).expect("forced");
        prop_assert_eq!(kube.owners("ConfigMap", "payments", "c", &["data", key.as_str()]), vec!["kubectl-irsa".to_owned()]);
    }
}
