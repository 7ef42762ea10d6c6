//! `kubectl irsa bind`: one request per object, idempotence, ownership, safety, faults.

use crate::harness::{BIND, Cluster, DEPLOY_ROLE, ISSUER, text};
use irsa_tests::fake_kube::Fault;
use serde_json::json;
use std::time::{Duration, Instant};

fn applies(cluster: &Cluster) -> Vec<String> {
    cluster
        .kube
        .requests()
        .iter()
        .filter(|r| r.method == "PATCH")
        .map(|r| {
            assert_eq!(
                r.content_type,
                "application/apply-patch+yaml",
                "{}",
                r.line()
            );
            assert_eq!(
                r.query.get("fieldManager").map(String::as_str),
                Some("kubectl-irsa")
            );
            r.path.clone()
        })
        .collect()
}

#[test]
fn bind_sends_one_request_per_object_and_no_discovery() {
    let cluster = Cluster::eks();
    cluster.seed_deployment("api");
    let run = cluster.run(&BIND);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout,
        "serviceaccount/api created\nconfigmap/api-aws-config created\ndeployment/api configured\n"
    );
    assert_eq!(
        applies(&cluster),
        [
            "/api/v1/namespaces/payments/serviceaccounts/api",
            "/api/v1/namespaces/payments/configmaps/api-aws-config",
            "/apis/apps/v1/namespaces/payments/deployments/api",
        ]
    );
    // Besides the applies: the issuer (not given as a flag) and the SA's pods.
    let mut others: Vec<String> = cluster
        .requests()
        .into_iter()
        .filter(|r| !r.starts_with("PATCH"))
        .collect();
    others.sort();
    assert_eq!(
        others,
        [
            "GET /.well-known/openid-configuration",
            "GET /api/v1/namespaces/payments/pods"
        ]
    );
    // Account and cluster come from the EKS context, the issuer from the cluster.
    let sa = cluster.get("ServiceAccount", "payments", "api");
    assert_eq!(
        text(&sa, "/metadata/annotations/eks.amazonaws.com~1role-arn"),
        "arn:aws:iam::111122223333:role/payments-api"
    );
    let config = cluster.get("ConfigMap", "payments", "api-aws-config");
    assert!(
        text(&config, "/data/config").contains(
            "[profile deploy]\nrole_arn = arn:aws:iam::444455556666:role/payments-deploy"
        )
    );
    assert!(
        run.stderr
            .contains("payments-api (trust policy iam/payments-api.trust.json)"),
        "{run:?}"
    );
}

#[test]
fn bind_keeps_what_other_managers_own() {
    let cluster = Cluster::eks();
    cluster.seed_deployment("api");
    assert_eq!(cluster.run(&BIND).code, 0);
    let deployment = cluster.get("Deployment", "payments", "api");
    let pod = deployment.pointer("/spec/template/spec").expect("pod spec");
    let container = &pod["containers"][0];
    assert_eq!(text(&deployment, "/metadata/annotations/team"), "payments");
    assert_eq!(text(container, "/image"), "example/app:1");
    assert_eq!(
        container["env"],
        json!([
            {"name": "LOG_LEVEL", "value": "info"},
            {"name": "AWS_CONFIG_FILE", "value": "/etc/irsa/config"}
        ])
    );
    assert_eq!(container["volumeMounts"][0]["name"], "data");
    assert_eq!(container["volumeMounts"][1]["name"], "irsa-aws-config");
    assert_eq!(pod["volumes"][0]["name"], "data");
    assert_eq!(text(pod, "/serviceAccountName"), "api");
    assert_eq!(
        cluster.kube.owners(
            "Deployment",
            "payments",
            "api",
            &["metadata", "annotations", "team"]
        ),
        ["kubectl-client-side-apply"]
    );
}

#[test]
fn a_second_bind_is_unchanged_and_keeps_resource_versions() {
    let cluster = Cluster::eks();
    cluster.seed_deployment("api");
    assert_eq!(cluster.run(&BIND).code, 0);
    let versions = |c: &Cluster| {
        [
            ("ServiceAccount", "api"),
            ("ConfigMap", "api-aws-config"),
            ("Deployment", "api"),
        ]
        .map(|(kind, name)| {
            text(&c.get(kind, "payments", name), "/metadata/resourceVersion").to_owned()
        })
    };
    let before = versions(&cluster);
    cluster.kube.clear_requests();
    let run = cluster.run(&BIND);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout,
        "serviceaccount/api unchanged\nconfigmap/api-aws-config unchanged\ndeployment/api unchanged\n"
    );
    assert_eq!(versions(&cluster), before);
    assert_eq!(applies(&cluster).len(), 3);
    // A changed role is `configured`, and the rest stays `unchanged`.
    let run = cluster.run(&[
        "bind",
        "payments/api",
        "--role",
        "payments-api",
        "--assume",
        "deploy=arn:aws:iam::444455556666:role/payments-release",
        "--workload",
        "deployment/api",
        "--container=app",
    ]);
    assert_eq!(
        run.stdout,
        "serviceaccount/api unchanged\nconfigmap/api-aws-config configured\ndeployment/api unchanged\n",
        "{run:?}"
    );
}

#[test]
fn a_role_set_by_another_tool_needs_overwrite() {
    let cluster = Cluster::eks();
    cluster.kube.seed(
        "eksctl",
        json!({
            "apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": {"name": "api", "namespace": "payments",
                "annotations": {"eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/old"}}
        }),
    );
    let run = cluster.run(&["bind", "payments/api", "--role", "payments-api"]);
    assert_eq!(run.code, 6, "{run:?}");
    assert!(run.stderr.contains("serviceaccount/api is already annotated with another role (set by \"eksctl\"); pass --overwrite"), "{run:?}");
    let sa = cluster.get("ServiceAccount", "payments", "api");
    assert_eq!(
        text(&sa, "/metadata/annotations/eks.amazonaws.com~1role-arn"),
        "arn:aws:iam::111122223333:role/old"
    );
    // --force-conflicts is about other fields; it does not re-point a role.
    assert_eq!(
        cluster
            .run(&[
                "bind",
                "payments/api",
                "--role",
                "payments-api",
                "--force-conflicts"
            ])
            .code,
        6
    );

    let run = cluster.run(&[
        "bind",
        "payments/api",
        "--role",
        "payments-api",
        "--overwrite",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, "serviceaccount/api configured\n");
    let sa = cluster.get("ServiceAccount", "payments", "api");
    assert_eq!(
        text(&sa, "/metadata/annotations/eks.amazonaws.com~1role-arn"),
        "arn:aws:iam::111122223333:role/payments-api"
    );
    assert_eq!(
        cluster.kube.owners(
            "ServiceAccount",
            "payments",
            "api",
            &["metadata", "annotations", "eks.amazonaws.com/role-arn"]
        ),
        ["kubectl-irsa"]
    );
}

#[test]
fn a_service_account_a_helm_chart_made_gets_only_the_annotation() {
    let cluster = Cluster::eks();
    cluster.kube.seed(
        "helm",
        json!({
            "apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": {"name": "api", "namespace": "payments",
                "labels": {"app.kubernetes.io/managed-by": "Helm"},
                "annotations": {"meta.helm.sh/release-name": "payments"}}
        }),
    );
    let run = cluster.run(&["bind", "payments/api", "--role", "payments-api"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, "serviceaccount/api configured\n");
    let sa = cluster.get("ServiceAccount", "payments", "api");
    assert_eq!(
        sa["metadata"]["labels"]["app.kubernetes.io/managed-by"],
        "Helm"
    );
    assert_eq!(
        sa["metadata"]["annotations"]["meta.helm.sh/release-name"],
        "payments"
    );
    assert_eq!(
        cluster.kube.owners(
            "ServiceAccount",
            "payments",
            "api",
            &["metadata", "labels", "app.kubernetes.io/managed-by"]
        ),
        ["helm"]
    );
    cluster.kube.clear_requests();
    let run = cluster.run(&["bind", "payments/api", "--role", "payments-api"]);
    assert_eq!(run.stdout, "serviceaccount/api unchanged\n", "{run:?}");
    assert_eq!(applies(&cluster).len(), 1);
}

#[test]
fn re_pointing_a_service_account_running_pods_use_needs_overwrite() {
    let cluster = Cluster::eks();
    cluster.seed_deployment("api");
    assert_eq!(
        cluster
            .run(&["bind", "payments/api", "--role", "payments-api"])
            .code,
        0
    );
    // A pod started after that bind: the webhook gave it the role.
    cluster.seed_pod("api-7c9f8-aaaaa", "api", "api", true);
    let run = cluster.run(&["bind", "payments/api", "--role", "payments-other"]);
    assert_eq!(run.code, 6, "{run:?}");
    assert!(run.stderr.contains("serviceaccount/api is bound to arn:aws:iam::111122223333:role/payments-api (pod api-7c9f8-aaaaa runs with it)"), "{run:?}");
    assert!(run.stderr.contains("pass --overwrite"), "{run:?}");
    assert!(cluster.kube.requests().iter().all(|r| r.method != "PATCH"
        || !r.path.contains("serviceaccounts")
        || r.body.contains("payments-api")));
    let sa = cluster.get("ServiceAccount", "payments", "api");
    assert_eq!(
        sa["metadata"]["annotations"]["eks.amazonaws.com/role-arn"],
        "arn:aws:iam::111122223333:role/payments-api"
    );
    // The same role again is no re-pointing.
    assert_eq!(
        cluster
            .run(&["bind", "payments/api", "--role", "payments-api"])
            .code,
        0
    );
    let run = cluster.run(&[
        "bind",
        "payments/api",
        "--role",
        "payments-other",
        "--overwrite",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, "serviceaccount/api configured\n");
    // The pod still runs with the old role until it restarts: bind says so.
    assert!(
        run.stderr.contains(
            "1 pod(s) still run with the previous role until they restart: api-7c9f8-aaaaa"
        ),
        "{run:?}"
    );
    assert!(
        run.stderr
            .contains("kubectl rollout restart deployment/api -n payments"),
        "{run:?}"
    );
    let sa = cluster.get("ServiceAccount", "payments", "api");
    assert_eq!(
        sa["metadata"]["annotations"]["eks.amazonaws.com/role-arn"],
        "arn:aws:iam::111122223333:role/payments-other"
    );
}

#[test]
fn other_conflicts_name_field_and_manager_and_need_force_conflicts() {
    let cluster = Cluster::eks();
    cluster.seed_deployment("api");
    cluster.kube.seed(
        "helm",
        json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "api", "namespace": "payments"},
            "spec": {"template": {"spec": {"containers": [{"name": "app",
                "env": [{"name": "AWS_CONFIG_FILE", "value": "/home/app/.aws/config"}]}]}}}
        }),
    );
    let run = cluster.run(&BIND);
    assert_eq!(run.code, 6, "{run:?}");
    assert!(run.stderr.contains(".spec.template.spec.containers[name=\"app\"].env[name=\"AWS_CONFIG_FILE\"].value (managed by \"helm\")"), "{run:?}");
    assert!(run.stderr.contains("pass --force-conflicts"), "{run:?}");
    assert!(
        run.stderr
            .contains("already applied: serviceaccount/api, configmap/api-aws-config"),
        "{run:?}"
    );
    let run = cluster.run(&[&BIND[..], &["--force-conflicts"]].concat());
    assert_eq!(run.code, 0, "{run:?}");
    let deployment = cluster.get("Deployment", "payments", "api");
    assert_eq!(
        text(&deployment, "/spec/template/spec/containers/0/env/1/value"),
        "/etc/irsa/config"
    );
}

#[test]
fn dry_runs_mutate_nothing() {
    let cluster = Cluster::eks();
    cluster.seed_deployment("api");
    let before = cluster.get("Deployment", "payments", "api");
    let run = cluster.run(&[&BIND[..], &["--dry-run=server"]].concat());
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        run.stdout,
        "serviceaccount/api created (server dry run)\nconfigmap/api-aws-config created (server dry run)\ndeployment/api configured (server dry run)\n"
    );
    assert!(
        cluster
            .kube
            .requests()
            .iter()
            .filter(|r| r.method == "PATCH")
            .all(|r| r.query.get("dryRun").map(String::as_str) == Some("All"))
    );
    assert!(
        cluster
            .kube
            .object("ServiceAccount", "payments", "api")
            .is_none()
    );
    assert_eq!(cluster.get("Deployment", "payments", "api"), before);

    cluster.kube.clear_requests();
    let run = cluster.run(&[&BIND[..], &["--dry-run", "--issuer", ISSUER]].concat());
    assert_eq!(run.code, 0, "{run:?}");
    assert!(cluster.requests().is_empty(), "{:?}", cluster.requests());
    assert!(
        run.stdout
            .starts_with("apiVersion: v1\nkind: ServiceAccount\n"),
        "{run:?}"
    );
    assert_eq!(run.stdout.matches("---\n").count(), 2);
    // Without --issuer a client dry run reads the issuer (as kubectl's reads), writes nothing.
    cluster.kube.clear_requests();
    let run = cluster.run(&[&BIND[..], &["--dry-run=client"]].concat());
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        cluster.requests(),
        ["GET /.well-known/openid-configuration"]
    );
    assert!(
        run.stdout
            .starts_with("apiVersion: v1\nkind: ServiceAccount\n"),
        "{run:?}"
    );
    // Only a cluster that cannot tell its issuer makes it ask for --issuer.
    cluster.kube.inject(
        None,
        "openid-configuration",
        irsa_tests::fake_kube::Fault::Status(404),
        1,
    );
    let run = cluster.run(&[&BIND[..], &["--dry-run=client"]].concat());
    assert_eq!(run.code, 5, "{run:?}");
    assert!(run.stderr.contains("pass --issuer URL"), "{run:?}");
}

#[test]
fn output_prints_what_the_server_applied() {
    let cluster = Cluster::eks();
    let run = cluster.run(&[
        "bind",
        "api",
        "-n",
        "payments",
        "--role",
        "payments-api",
        "-o",
        "json",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    let list: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(list["kind"], "List");
    assert_eq!(list["items"][0]["metadata"]["namespace"], "payments");
    assert!(list["items"][0]["metadata"]["resourceVersion"].is_string());
}

#[test]
fn the_default_service_account_needs_to_be_named_explicitly() {
    let cluster = Cluster::eks();
    let run = cluster.run(&["bind", "payments/default", "--role", "payments-api"]);
    assert_eq!(run.code, 6, "{run:?}");
    assert!(
        run.stderr.contains("--allow-default-service-account"),
        "{run:?}"
    );
    assert!(cluster.requests().iter().all(|r| !r.starts_with("PATCH")));
    let run = cluster.run(&[
        "bind",
        "payments/default",
        "--role",
        "payments-api",
        "--allow-default-service-account",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
}

/// A Job's pod template is immutable: bind says so before changing anything.
#[test]
fn a_job_is_refused_before_anything_is_applied() {
    let cluster = Cluster::eks();
    let run = cluster.run(&[
        "bind",
        "payments/api",
        "--role",
        "payments-api",
        "--workload",
        "job/migrate",
    ]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr
            .contains("job/migrate cannot be wired in the cluster"),
        "{run:?}"
    );
    assert!(cluster.requests().iter().all(|r| !r.starts_with("PATCH")));
}

#[test]
fn pods_without_credentials_are_named_and_restarted_on_request() {
    let cluster = Cluster::eks();
    cluster.seed_deployment("api");
    cluster.seed_pod("api-7c9f8-abcde", "api", "api", false);
    cluster.seed_pod("api-7c9f8-fghij", "api", "api", true);
    cluster.seed_pod("web-7c9f8-klmno", "web", "web", false);
    let run = cluster.run(&["bind", "payments/api", "--role", "payments-api"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("1 pod(s) started before the role was bound and have no AWS credentials: api-7c9f8-abcde"), "{run:?}");
    assert!(
        run.stderr
            .contains("kubectl rollout restart deployment/api -n payments"),
        "{run:?}"
    );
    assert!(
        cluster
            .kube
            .requests()
            .iter()
            .all(|r| r.method != "PATCH" || r.path.contains("serviceaccounts"))
    );

    let run = cluster.run(&[
        "bind",
        "payments/api",
        "--role",
        "payments-api",
        "--restart",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains("deployment/api restarted"), "{run:?}");
    let deployment = cluster.get("Deployment", "payments", "api");
    assert!(
        text(
            &deployment,
            "/spec/template/metadata/annotations/kubectl.kubernetes.io~1restartedAt"
        )
        .starts_with("20")
    );
    assert_eq!(
        text(&deployment, "/spec/template/spec/containers/0/env/0/value"),
        "info"
    );
}

#[test]
fn faults_give_clear_messages_and_nonzero_exits() {
    let cluster = Cluster::eks();
    cluster.kube.deny("patch", "serviceaccounts");
    let run = cluster.run(&["bind", "payments/api", "--role", "payments-api"]);
    assert_eq!(run.code, 5, "{run:?}");
    assert!(
        run.stderr
            .contains("cannot patch serviceaccounts \"api\" in namespace \"payments\""),
        "{run:?}"
    );
    assert!(
        run.stderr
            .contains("User \"tester\" cannot patch resource \"serviceaccounts\""),
        "{run:?}"
    );
    assert!(run.stderr.contains("403 Forbidden"), "{run:?}");

    let cluster = Cluster::eks();
    let run = cluster.run(&["bind", "missing/api", "--role", "payments-api"]);
    assert_eq!(run.code, 5, "{run:?}");
    assert!(
        run.stderr.contains("namespaces \"missing\" not found"),
        "{run:?}"
    );
    assert!(run.stderr.contains("create the namespace first"), "{run:?}");

    let cluster = Cluster::eks();
    cluster
        .kube
        .inject(Some("PATCH"), "/configmaps/", Fault::Status(500), 1);
    let run = cluster.run(&[
        "bind",
        "payments/api",
        "--role",
        "payments-api",
        "--assume",
        DEPLOY_ROLE,
    ]);
    assert_eq!(run.code, 5, "{run:?}");
    assert!(run.stderr.contains("cannot patch configmaps \"api-aws-config\" in namespace \"payments\": Internal error occurred"), "{run:?}");
    assert!(
        run.stderr.contains("already applied: serviceaccount/api"),
        "{run:?}"
    );

    let cluster = Cluster::eks();
    cluster
        .kube
        .inject(None, "/pods", Fault::Stall(Duration::from_secs(20)), 1);
    let started = Instant::now();
    let run = cluster.run(&[
        "bind",
        "payments/api",
        "--role",
        "payments-api",
        "--request-timeout",
        "1s",
    ]);
    assert_eq!(run.code, 5, "{run:?}");
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "the timeout was not applied"
    );
    assert!(
        run.stderr
            .contains("cannot list pods in namespace \"payments\""),
        "{run:?}"
    );

    let cluster = Cluster::named("kind-kind");
    cluster
        .kube
        .inject(None, "openid-configuration", Fault::Status(404), 1);
    let run = cluster.run(&[
        "bind",
        "payments/api",
        "--role",
        "arn:aws:iam::111122223333:role/payments-api",
    ]);
    assert_eq!(run.code, 5, "{run:?}");
    assert!(
        run.stderr.contains("cannot find the cluster's OIDC issuer"),
        "{run:?}"
    );
    assert!(run.stderr.contains("pass --issuer URL"), "{run:?}");

    // Not an EKS context: the account must be given.
    let cluster = Cluster::named("kind-kind");
    let run = cluster.run(&["bind", "payments/api", "--role", "payments-api"]);
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("hint: pass --account"), "{run:?}");

    // A workload that does not exist is not created from a patch.
    let cluster = Cluster::eks();
    let run = cluster.run(&[
        "bind",
        "payments/api",
        "--role",
        "payments-api",
        "--workload",
        "deployment/ghost",
    ]);
    assert_eq!(run.code, 5, "{run:?}");
    assert!(run.stderr.contains("deployments \"ghost\""), "{run:?}");
    assert!(run.stderr.contains("Required value"), "{run:?}");

    // Without permission to list pods, bind still binds, and says what it skipped.
    let cluster = Cluster::eks();
    cluster.kube.deny("list", "pods");
    let run = cluster.run(&["bind", "payments/api", "--role", "payments-api"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, "serviceaccount/api created\n");
    assert!(
        run.stderr
            .contains("warning: cannot list pods in namespace \"payments\""),
        "{run:?}"
    );
    assert!(run.stderr.contains("skipped the check for pods"), "{run:?}");
    let run = cluster.run(&[
        "bind",
        "payments/api",
        "--role",
        "payments-api",
        "--restart",
    ]);
    assert_eq!(run.code, 5, "{run:?}");

    // A container the workload lacks: the server refuses the empty container it would add.
    let cluster = Cluster::eks();
    cluster.seed_deployment("api");
    let run = cluster.run(&[
        "bind",
        "payments/api",
        "--role",
        "payments-api",
        "--workload",
        "deployment/api",
        "--assume",
        DEPLOY_ROLE,
    ]);
    assert_eq!(run.code, 5, "{run:?}");
    assert!(
        run.stderr.contains("containers[1].image: Required value"),
        "{run:?}"
    );
    assert!(run.stderr.contains("does deployment/api exist, and does it have a container named as --container says (default: `api`)?"), "{run:?}");
    assert!(
        cluster.get("Deployment", "payments", "api")["spec"]["template"]["spec"]["containers"]
            .as_array()
            .is_some_and(|c| c.len() == 1)
    );

    // Nothing listens: a connection error, not a panic.
    let cluster = Cluster::eks();
    let config = std::fs::read_to_string(cluster.kubeconfig()).expect("kubeconfig");
    std::fs::write(
        cluster.kubeconfig(),
        config.replace(&cluster.kube.url, "http://127.0.0.1:9"),
    )
    .expect("write");
    let run = cluster.run(&[
        "bind",
        "payments/api",
        "--role",
        "payments-api",
        "--issuer",
        ISSUER,
    ]);
    assert_eq!(run.code, 5, "{run:?}");
    assert!(
        run.stderr
            .contains("cannot list pods in namespace \"payments\""),
        "{run:?}"
    );
}

/// On an EKS context the issuer the cluster reports must be EKS's in the context's
/// region; bind says which issuer it used.
#[test]
fn bind_checks_the_reported_issuer_against_the_eks_context() {
    let cluster = Cluster::eks();
    cluster.seed_deployment("api");
    let run = cluster.run(&BIND);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stderr
            .contains(&format!("issuer: {ISSUER} (reported by the cluster)")),
        "{run:?}"
    );
    for foreign in [
        "https://issuer.example.com/id/0123456789ABCDEF0123456789ABCDEF",
        "https://oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF",
    ] {
        cluster.kube.set_issuer(foreign);
        let run = cluster.run(&BIND);
        assert_eq!(run.code, 5, "{run:?}");
        assert!(
            run.stderr.contains(
                "but an EKS cluster in eu-west-2 has one on `oidc.eks.eu-west-2.amazonaws.com`"
            ),
            "{run:?}"
        );
    }
    let run = cluster.run(&[&BIND[..], &["--issuer", ISSUER]].concat());
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stderr.contains("(--issuer)"), "{run:?}");
}

/// Another manager's audience annotation stays (bind owns only its own fields), and bind
/// says that its pods' tokens will not get through the trust irsa writes.
#[test]
fn another_managers_token_audience_is_kept_and_warned_of() {
    let cluster = Cluster::eks();
    cluster.kube.seed(
        "helm",
        json!({
            "apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": {"name": "api", "namespace": "payments",
                "annotations": {"eks.amazonaws.com/audience": "vault"}}
        }),
    );
    let run = cluster.run(&["bind", "payments/api", "--role", "payments-api"]);
    assert_eq!(run.code, 0, "{run:?}");
    let warning = "warning: serviceaccount/api sets eks.amazonaws.com/audience `vault`: its new pods' tokens are for `vault`";
    assert!(
        run.stderr.contains(warning)
            && run.stderr.contains(
                "the trust policy irsa writes takes `sts.amazonaws.com` only\n  help: unless the provider lists it: kubectl annotate serviceaccount api -n payments eks.amazonaws.com/audience- (then restart its pods)"
            ),
        "{run:?}"
    );
    let sa = cluster.get("ServiceAccount", "payments", "api");
    assert_eq!(
        sa["metadata"]["annotations"]["eks.amazonaws.com/audience"],
        "vault"
    );
    // Doctor says the same of the ServiceAccount.
    let doctor = cluster.run(&["doctor", "sa/api", "-n", "payments"]);
    assert!(
        doctor
            .stdout
            .contains("WARN  serviceaccount/api sets eks.amazonaws.com/audience `vault`"),
        "{doctor:?}"
    );
    // Without it, no such warning.
    let run = Cluster::eks().run(&["bind", "payments/api", "--role", "payments-api"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        !run.stderr.contains("warning: serviceaccount/api sets"),
        "{run:?}"
    );
}
