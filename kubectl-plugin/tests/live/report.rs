//! `kubectl irsa status` and `doctor` on one cluster with healthy and broken bindings,
//! compared with golden files (UPDATE_GOLDEN=1 rewrites them).

use crate::harness::{BIND, Cluster, DEPLOY_ROLE, ISSUER};
use irsa_tests::golden;
use serde_json::json;
use std::collections::BTreeMap;
use std::path::Path;

fn scenario() -> Cluster {
    let cluster = Cluster::eks();
    cluster.seed_deployment("api");
    cluster.seed_pod("api-7c9f8-aaaaa", "api", "api", true);
    cluster.seed_pod("api-7c9f8-bbbbb", "api", "api", false);
    let run = cluster.run(&BIND);
    assert_eq!(run.code, 0, "{run:?}");
    // Broken by hand: a preset AWS_ROLE_ARN, an AWS_CONFIG_FILE with nothing mounted,
    // non-root without fsGroup, and a ConfigMap whose pod profile names another role.
    cluster.kube.seed("eksctl", json!({
        "apiVersion": "v1", "kind": "ServiceAccount",
        "metadata": {"name": "worker", "namespace": "payments",
            "annotations": {"eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/payments-worker"}}
    }));
    cluster.kube.seed("kubectl-client-side-apply", json!({
        "apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": "worker", "namespace": "payments"},
        "spec": {"selector": {"matchLabels": {"app": "worker"}}, "template": {
            "metadata": {"labels": {"app": "worker"}},
            "spec": {"serviceAccountName": "worker", "securityContext": {"runAsNonRoot": true},
                "containers": [
                    {"name": "main", "image": "example/worker:2", "env": [
                        {"name": "AWS_ROLE_ARN", "value": "arn:aws:iam::111122223333:role/payments-worker"},
                        {"name": "AWS_CONFIG_FILE", "value": "/etc/aws/config"}]},
                    {"name": "sidecar", "image": "example/sidecar:1", "env": [
                        {"name": "AWS_CONFIG_FILE", "value": "/etc/irsa/config"}],
                     "volumeMounts": [{"name": "irsa-aws-config", "mountPath": "/etc/irsa"}]}],
                "volumes": [{"name": "irsa-aws-config", "configMap": {"name": "worker-aws-config"}}]}}}
    }));
    cluster.kube.seed("kubectl-client-side-apply", json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "worker-aws-config", "namespace": "payments"},
        "data": {"config": "[default]\nrole_arn = arn:aws:iam::111122223333:role/old-worker\nweb_identity_token_file = /var/run/secrets/eks.amazonaws.com/serviceaccount/token\n\n[profile release]\nrole_arn = arn:aws:iam::444455556666:role/release\nsource_profile = pod\n"}
    }));
    cluster.kube.seed(
        "kubectl-client-side-apply",
        json!({
            "apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": {"name": "reports", "namespace": "payments",
                "annotations": {"eks.amazonaws.com/role-arn": "payments-reports"}}
        }),
    );
    cluster.kube.seed(
        "kubectl-client-side-apply",
        json!({
            "apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": {"name": "etl", "namespace": "batch",
                "annotations": {"eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/etl"}}
        }),
    );
    cluster.kube.seed(
        "kubectl-client-side-apply",
        json!({
            "apiVersion": "batch/v1", "kind": "CronJob",
            "metadata": {"name": "nightly", "namespace": "batch"},
            "spec": {"schedule": "0 2 * * *", "jobTemplate": {"spec": {"template": {"spec": {
                "serviceAccountName": "etl", "restartPolicy": "Never",
                "containers": [{"name": "etl", "image": "example/etl:1"}]}}}}}
        }),
    );
    cluster.kube.seed(
        "kubectl-client-side-apply",
        json!({
            "apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": {"name": "plain", "namespace": "payments"}
        }),
    );
    cluster.kube.seed(
        "eks",
        json!({
            "apiVersion": "admissionregistration.k8s.io/v1", "kind": "MutatingWebhookConfiguration",
            "metadata": {"name": "pod-identity-webhook"}, "webhooks": []
        }),
    );
    cluster
}

#[test]
fn status_and_doctor_reports() {
    let cluster = scenario();
    let dir = tempfile::tempdir().expect("tempdir");
    let trust = |name: &str, sa: &str| {
        let run = cluster.run(&[
            "generate",
            sa,
            "--role",
            "payments-api",
            "--account",
            "111122223333",
            "--issuer",
            ISSUER,
            "--format",
            "trust-policy",
            "--out-dir",
            &dir.path().display().to_string(),
        ]);
        assert_eq!(run.code, 0, "{run:?}");
        let from = dir.path().join("iam/payments-api.trust.json");
        let to = dir.path().join(name);
        std::fs::rename(&from, &to).expect("rename");
        to.display().to_string()
    };
    let good = trust("good.json", "payments/api");
    let other = trust("other.json", "payments/other");

    let mut files = BTreeMap::new();
    let mut record = |name: &str, args: &[&str], code: i32| {
        let run = cluster.run(args);
        assert_eq!(run.code, code, "{name}: {run:?}");
        let text = format!("$ kubectl irsa {}\n{}", args.join(" "), run.stdout);
        files.insert(
            name.to_owned(),
            text.replace(dir.path().to_str().unwrap_or_default(), "DIR"),
        );
    };
    record("status.txt", &["status", "-n", "payments"], 0);
    record("status-all.txt", &["status", "-A"], 0);
    record(
        "status.json",
        &["status", "-n", "payments", "-o", "json"],
        0,
    );
    record(
        "doctor-api.txt",
        &["doctor", "payments/api", "--trust-policy", &good],
        0,
    );
    record(
        "doctor-api-wrong-trust.txt",
        &[
            "doctor",
            "deployment/api",
            "-n",
            "payments",
            "--trust-policy",
            &other,
        ],
        4,
    );
    record(
        "doctor-worker.txt",
        &["doctor", "statefulset/worker", "-n", "payments"],
        4,
    );
    record("doctor-reports.txt", &["doctor", "payments/reports"], 4);
    record(
        "doctor-plain.json",
        &["doctor", "payments/plain", "-o", "json"],
        4,
    );
    record(
        "doctor-etl.txt",
        &["doctor", "cronjob/nightly", "-n", "batch"],
        0,
    );
    // A cluster audit: policies generated for payments/api (a directory as generate
    // writes it), an `aws iam get-role` answer trusting another account for the worker,
    // and eksctl's aud-only form for etl.
    let iam = dir.path().join("iam");
    let run = cluster.run(&[
        "generate",
        "payments/api",
        "--role",
        "payments-api",
        "--account",
        "111122223333",
        "--issuer",
        ISSUER,
        "--assume",
        DEPLOY_ROLE,
        "--out-dir",
        &dir.path().display().to_string(),
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let oidc = "oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF";
    let provider = format!("arn:aws:iam::111122223333:oidc-provider/{oidc}");
    let get_role = json!({"Role": {"RoleName": "payments-worker", "Arn": "arn:aws:iam::111122223333:role/payments-worker",
        "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Federated": provider}, "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {format!("{oidc}:sub"): "system:serviceaccount:payments:worker-old",
                                            format!("{oidc}:aud"): "sts.amazonaws.com"}}}]}}});
    std::fs::write(dir.path().join("worker-role.json"), get_role.to_string()).expect("write");
    let aud_only = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Federated": provider}, "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {format!("{oidc}:aud"): "sts.amazonaws.com"}}}]});
    std::fs::write(dir.path().join("etl.json"), aud_only.to_string()).expect("write");
    let (iam, worker, etl) = (
        iam.display().to_string(),
        dir.path().join("worker-role.json").display().to_string(),
        dir.path().join("etl.json").display().to_string(),
    );
    record(
        "audit-cluster.txt",
        &[
            "audit",
            "-A",
            "--policies",
            &iam,
            "--policies",
            &worker,
            "--policies",
            &etl,
        ],
        4,
    );
    record(
        "audit-cluster.json",
        &["audit", "-n", "payments", "--policies", &iam, "-o", "json"],
        0,
    );
    let golden_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/live/golden");
    let problems = golden::compare(&golden_dir, &files);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn doctor_without_webhook_or_visibility() {
    let cluster = Cluster::eks();
    assert_eq!(
        cluster
            .run(&["bind", "payments/api", "--role", "payments-api"])
            .code,
        0
    );
    let run = cluster.run(&["doctor", "payments/api"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .contains("WARN  no MutatingWebhookConfiguration pod-identity-webhook"),
        "{run:?}"
    );
    // kubectl's way of naming the same ServiceAccount says the same.
    for target in ["sa/api", "serviceaccount/api"] {
        let same = cluster.run(&["doctor", target, "-n", "payments"]);
        assert_eq!(same.stdout, run.stdout, "{target}");
    }
    cluster.kube.deny("get", "mutatingwebhookconfigurations");
    let run = cluster.run(&["doctor", "payments/api"]);
    assert!(
        run.stdout
            .contains("SKIP  cannot see the pod-identity-webhook configuration"),
        "{run:?}"
    );
    cluster.kube.deny("list", "pods");
    let run = cluster.run(&["status"]);
    assert_eq!(run.code, 5, "{run:?}");
    assert!(
        run.stderr
            .contains("cannot list pods in namespace \"default\""),
        "{run:?}"
    );
}

#[test]
fn doctor_accepts_eks_pod_identity_without_annotation() {
    let cluster = Cluster::eks();
    cluster.kube.seed(
        "kubectl-client-side-apply",
        json!({
            "apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": {"name": "agent", "namespace": "payments"}
        }),
    );
    cluster.kube.seed("kube-controller-manager", json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "agent-0", "namespace": "payments"},
        "spec": {"serviceAccountName": "agent", "containers": [{"name": "agent", "image": "example/agent:1",
            "env": [{"name": "AWS_CONTAINER_CREDENTIALS_FULL_URI", "value": "http://169.254.170.23/v1/credentials"}]}]}
    }));
    let run = cluster.run(&["doctor", "payments/agent"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("PASS  serviceaccount/agent has no role annotation; its pods get credentials from EKS Pod Identity"), "{run:?}");
    assert!(
        run.stdout
            .contains("PASS  1/1 pods have injected credentials"),
        "{run:?}"
    );
}

/// A 2xx answer that is not Kubernetes JSON (a proxy's sign-in page) is an error (exit 5),
/// never an empty success; the page's text is shown without its control characters.
#[test]
fn an_html_page_from_a_proxy_is_no_answer() {
    let cluster = scenario();
    let page = "<html><body>\u{1b}[2JPlease sign in</body></html>".to_owned();
    cluster.kube.inject(
        Some("GET"),
        "serviceaccounts",
        irsa_tests::fake_kube::Fault::Page(200, page.clone()),
        1,
    );
    let run = cluster.run(&["status", "-A"]);
    assert_eq!(run.code, 5, "{run:?}");
    assert!(run.stderr.contains("not Kubernetes JSON"), "{run:?}");
    assert!(run.stderr.contains("Please sign in"), "{run:?}");
    assert!(!run.stderr.contains('\u{1b}'), "{run:?}");
    cluster.kube.inject(
        Some("GET"),
        "serviceaccounts",
        irsa_tests::fake_kube::Fault::Page(200, page),
        1,
    );
    let policies = tempfile::tempdir().expect("tempdir");
    let run = cluster.run(&[
        "audit",
        "-A",
        "--policies",
        &policies.path().display().to_string(),
    ]);
    assert_eq!(run.code, 5, "{run:?}");
    assert!(run.stderr.contains("not Kubernetes JSON"), "{run:?}");
    cluster.kube.inject(
        Some("GET"),
        "mutatingwebhookconfigurations",
        irsa_tests::fake_kube::Fault::Page(200, "<html>sign in</html>".to_owned()),
        1,
    );
    let run = cluster.run(&["doctor", "payments/api"]);
    assert!(
        run.stdout
            .contains("SKIP  cannot see the pod-identity-webhook configuration"),
        "{run:?}"
    );
}
