//! The kubeconfig as kubectl reads it: several files in KUBECONFIG, --kubeconfig,
//! --context, the context's namespace, and the EKS facts of `aws eks get-token` args.

use crate::harness::{BIN, Cluster};
use std::os::unix::fs::PermissionsExt;
use std::process::Command;

#[test]
fn kubeconfig_files_contexts_and_namespaces() {
    let cluster = Cluster::eks();
    let dir = tempfile::tempdir().expect("tempdir");
    // Split across two files: kubectl merges them, the first file's current-context wins.
    let first = dir.path().join("a");
    let second = dir.path().join("b");
    std::fs::write(&first,
        "apiVersion: v1\nkind: Config\ncurrent-context: live\ncontexts:\n- name: live\n  context:\n    cluster: arn:aws:eks:eu-west-2:111122223333:cluster/prod\n    user: tester\n    namespace: payments\n- name: dead\n  context:\n    cluster: dead\n    user: tester\n"
    ).expect("write");
    std::fs::write(&second, format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: arn:aws:eks:eu-west-2:111122223333:cluster/prod\n  cluster:\n    server: {}\n- name: dead\n  cluster:\n    server: http://127.0.0.1:9\nusers:\n- name: tester\n  user:\n    token: t\n",
        cluster.kube.url
    )).expect("write");
    let kubeconfig = format!("{}:{}", first.display(), second.display());
    let run = |args: &[&str]| {
        let output = Command::new(BIN)
            .args(args)
            .env("KUBECONFIG", &kubeconfig)
            .env("HOME", dir.path())
            .output()
            .expect("run");
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    // The context's namespace is the default for a bare name.
    let (code, stdout, stderr) = run(&["bind", "api", "--role", "payments-api"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stdout, "serviceaccount/api created\n");
    // --context picks another context; this one reaches nothing.
    let (code, _, stderr) = run(&["status", "--context", "dead", "--request-timeout", "2s"]);
    assert_eq!(code, Some(5), "{stderr}");
    // --kubeconfig overrides KUBECONFIG; a missing file is named, a file error (3).
    let (code, _, stderr) = run(&["status", "--kubeconfig", "/nonexistent/config"]);
    assert_eq!(code, Some(3));
    assert!(
        stderr.contains("cannot read the kubeconfig `/nonexistent/config`"),
        "{stderr}"
    );
    // Go's durations, as kubectl takes them.
    let (code, _, stderr) = run(&["status", "--context", "dead", "--request-timeout", "1m30s"]);
    assert_ne!(code, Some(2), "{stderr}");
    let (code, stdout, _) = run(&[
        "status",
        "--kubeconfig",
        &cluster.kubeconfig().display().to_string(),
        "-n",
        "payments",
    ]);
    assert_eq!(code, Some(0));
    assert!(stdout.contains("api "), "{stdout}");
}

#[test]
fn eks_facts_come_from_get_token_arguments() {
    let cluster = Cluster::named("prod.eu-west-2.eksctl.io");
    cluster.kube.clear_requests();
    let dir = tempfile::tempdir().expect("tempdir");
    // An exec credential plugin standing in for `aws`: it answers as `aws eks get-token`.
    let aws = dir.path().join("aws");
    std::fs::write(&aws, "#!/bin/sh\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"k8s-aws-v1.fake\"}}'\n").expect("write");
    std::fs::set_permissions(&aws, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let config = format!(
        "apiVersion: v1\nkind: Config\ncurrent-context: prod\nclusters:\n- name: prod.eu-west-2.eksctl.io\n  cluster:\n    server: {}\ncontexts:\n- name: prod\n  context:\n    cluster: prod.eu-west-2.eksctl.io\n    user: eks\nusers:\n- name: eks\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: {}\n      args: [eks, get-token, --cluster-name, prod, --region, eu-west-2]\n      interactiveMode: Never\n",
        cluster.kube.url,
        aws.display()
    );
    std::fs::write(cluster.kubeconfig(), config).expect("write");
    let out = dir.path().join("bundle");
    let run = cluster.run(&[
        "bind",
        "payments/api",
        "--role",
        "payments-api",
        "--account",
        "111122223333",
        "--out-dir",
        &out.display().to_string(),
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let eksctl =
        std::fs::read_to_string(out.join("eksctl/cluster-config.yaml")).expect("eksctl config");
    assert!(eksctl.contains("  name: prod\n"), "{eksctl}");
    // The exec plugin's token reached the server.
    assert!(
        cluster
            .kube
            .requests()
            .iter()
            .all(|r| r.authorization == "Bearer k8s-aws-v1.fake")
    );
}

#[test]
fn bind_applies_a_spec_file() {
    let cluster = Cluster::eks();
    let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/minimal.yaml");
    let run = cluster.run(&["bind", "-f", &spec.display().to_string()]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout,
        "serviceaccount/api created\nconfigmap/api-aws-config created\n"
    );
    // The spec names its issuer: no lookup.
    assert!(
        cluster.requests().iter().all(|r| !r.contains("openid")),
        "{:?}",
        cluster.requests()
    );
}

#[test]
fn no_kubeconfig_at_all_is_a_clear_error() {
    let home = tempfile::tempdir().expect("tempdir");
    let output = Command::new(BIN)
        .args(["status"])
        .env_remove("KUBECONFIG")
        .env_remove("KUBERNETES_SERVICE_HOST")
        .env("HOME", home.path())
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(5));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot load the kubeconfig"), "{stderr}");
}

/// An exec plugin whose output cannot be read: the error says so, and never shows the
/// token in it.
#[test]
fn a_broken_exec_plugin_output_never_shows_its_token() {
    let cluster = Cluster::named("prod.eu-west-2.eksctl.io");
    let dir = tempfile::tempdir().expect("tempdir");
    let aws = dir.path().join("aws");
    std::fs::write(&aws, "#!/bin/sh\necho '{\"kind\":\"ExecCredential\",\"status\":{\"token\":\"k8s-aws-v1.c2VjcmV0LXRva2Vu\"' broken\n").expect("write");
    std::fs::set_permissions(&aws, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let config = format!(
        "apiVersion: v1\nkind: Config\ncurrent-context: prod\nclusters:\n- name: prod\n  cluster:\n    server: {}\ncontexts:\n- name: prod\n  context:\n    cluster: prod\n    user: eks\nusers:\n- name: eks\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: {}\n      interactiveMode: Never\n",
        cluster.kube.url,
        aws.display()
    );
    std::fs::write(cluster.kubeconfig(), config).expect("write");
    let run = cluster.run(&["status", "-n", "payments"]);
    assert_eq!(run.code, 5, "{run:?}");
    assert!(!run.stderr.contains("c2VjcmV0LXRva2Vu"), "{run:?}");
    assert!(!run.stdout.contains("c2VjcmV0LXRva2Vu"), "{run:?}");
}
