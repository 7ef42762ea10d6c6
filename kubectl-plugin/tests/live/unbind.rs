//! `kubectl irsa unbind`: exactly what bind applied goes; every other owner's field stays.

use crate::harness::{BIND, Cluster, text};
use serde_json::json;

fn seed_service_account(cluster: &Cluster) {
    cluster.kube.seed("kubectl-client-side-apply", json!({
        "apiVersion": "v1", "kind": "ServiceAccount",
        "metadata": {"name": "api", "namespace": "payments", "annotations": {"owner": "team-payments"}}
    }));
}

#[test]
fn unbind_removes_what_bind_applied_and_nothing_else() {
    let cluster = Cluster::eks();
    cluster.seed_deployment("api");
    seed_service_account(&cluster);
    let deployment_before = cluster.get("Deployment", "payments", "api");
    let run = cluster.run(&BIND);
    assert_eq!(run.code, 0, "{run:?}");

    let run = cluster.run(&["unbind", "api", "-n", "payments"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout,
        "deployment/api unbound\nconfigmap/api-aws-config deleted\nserviceaccount/api unbound\n"
    );
    let deployment = cluster.get("Deployment", "payments", "api");
    assert_eq!(deployment["spec"], deployment_before["spec"]);
    assert_eq!(
        deployment["metadata"]["annotations"],
        json!({"team": "payments"})
    );
    assert!(
        cluster
            .kube
            .object("ConfigMap", "payments", "api-aws-config")
            .is_none()
    );
    let sa = cluster.get("ServiceAccount", "payments", "api");
    assert_eq!(
        sa["metadata"]["annotations"],
        json!({"owner": "team-payments"})
    );
    assert!(sa["metadata"].get("labels").is_none(), "{sa}");

    // Nothing of bind's is left: a second unbind has nothing to do.
    let run = cluster.run(&["unbind", "payments/api"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout,
        "serviceaccount/api was not bound by kubectl irsa: nothing to unbind\n"
    );
}

#[test]
fn unbind_keeps_a_config_map_others_changed_and_dry_runs_change_nothing() {
    let cluster = Cluster::eks();
    cluster.seed_deployment("api");
    assert_eq!(cluster.run(&BIND).code, 0);
    cluster.kube.seed(
        "someone",
        json!({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "api-aws-config", "namespace": "payments"},
            "data": {"extra": "kept"}
        }),
    );
    let before = [
        cluster.get("Deployment", "payments", "api"),
        cluster.get("ConfigMap", "payments", "api-aws-config"),
        cluster.get("ServiceAccount", "payments", "api"),
    ];
    for mode in ["--dry-run=server", "--dry-run"] {
        let run = cluster.run(&["unbind", "payments/api", mode]);
        assert_eq!(run.code, 0, "{run:?}");
        assert!(
            run.stdout.contains("configmap/api-aws-config unbound ("),
            "{run:?}"
        );
        let after = [
            cluster.get("Deployment", "payments", "api"),
            cluster.get("ConfigMap", "payments", "api-aws-config"),
            cluster.get("ServiceAccount", "payments", "api"),
        ];
        assert_eq!(after, before, "{mode}");
    }
    let run = cluster.run(&["unbind", "payments/api"]);
    assert_eq!(run.code, 0, "{run:?}");
    let config_map = cluster.get("ConfigMap", "payments", "api-aws-config");
    assert_eq!(config_map["data"], json!({"extra": "kept"}));
    assert_eq!(text(&config_map, "/metadata/name"), "api-aws-config");
}

#[test]
fn unbind_of_a_missing_service_account_fails_clearly() {
    let cluster = Cluster::eks();
    let run = cluster.run(&["unbind", "payments/ghost"]);
    assert_eq!(run.code, 5, "{run:?}");
    assert!(
        run.stderr
            .contains("serviceaccount/ghost not found in namespace \"payments\""),
        "{run:?}"
    );
}

/// A ConfigMap two service accounts share (`configMap.name`) stays while another's
/// workload mounts it: unbinding one must not break the other's next pods.
#[test]
fn unbind_keeps_a_config_map_another_workload_mounts() {
    let cluster = Cluster::eks();
    cluster.seed_deployment("api");
    cluster.seed_deployment("web");
    let spec = |sa: &str| {
        format!(
            "account: \"111122223333\"\ncluster: {}\nserviceAccount: payments/{sa}\nrole: payments-{sa}\nconfigMap: {{name: shared-aws-config}}\nassume: {{deploy: payments-deploy}}\nworkload: {{kind: Deployment, name: {sa}, container: app}}\n",
            crate::harness::ISSUER
        )
    };
    let dir = tempfile::tempdir().expect("tempdir");
    for sa in ["api", "web"] {
        let file = dir.path().join(format!("{sa}.yaml"));
        std::fs::write(&file, spec(sa)).expect("write");
        let run = cluster.run(&["bind", "-f", &file.display().to_string()]);
        assert_eq!(run.code, 0, "{run:?}");
    }
    let run = cluster.run(&["unbind", "payments/api"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .contains("configmap/shared-aws-config kept: deployment/web still mounts it"),
        "{run:?}"
    );
    let kept = cluster.get("ConfigMap", "payments", "shared-aws-config");
    assert!(!text(&kept, "/data/config").is_empty(), "{kept}");
    // Once the last user is unbound, it goes.
    let run = cluster.run(&["unbind", "payments/web"]);
    assert!(
        run.stdout.contains("configmap/shared-aws-config deleted"),
        "{run:?}"
    );
}
