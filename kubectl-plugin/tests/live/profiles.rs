//! A container's own profile on a live cluster: bind keeps the webhook away from it
//! (merging the skip list others wrote, only when told to take it over), doctor and bind
//! name the SDKs that would not act as a hand-set AWS_PROFILE's role.

use crate::harness::{BIND, Cluster, text};
use serde_json::json;

const SKIP: &str = "eks.amazonaws.com/skip-containers";

fn with_profile(workload: &str) -> Vec<&str> {
    let mut args = BIND.to_vec();
    let at = args
        .iter()
        .position(|a| *a == "deployment/api")
        .expect("workload");
    args[at] = workload;
    args.extend(["--profile", "deploy"]);
    args
}

/// A Deployment running as payments/api whose container `app` reads irsa's config file
/// and sets AWS_PROFILE=deploy by hand; `annotations` go on its pod template.
fn seed_hand_wired(cluster: &Cluster, name: &str, manager: &str, annotations: serde_json::Value) {
    cluster.kube.seed(
        manager,
        json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": "payments"},
            "spec": {"selector": {"matchLabels": {"app": name}}, "template": {
                "metadata": {"labels": {"app": name}, "annotations": annotations},
                "spec": {"serviceAccountName": "api", "containers": [
                    {"name": "app", "image": "example/app:1", "env": [
                        {"name": "AWS_CONFIG_FILE", "value": "/etc/irsa/config"},
                        {"name": "AWS_PROFILE", "value": "deploy"}],
                     "volumeMounts": [{"name": "irsa-aws-config", "mountPath": "/etc/irsa"}]},
                    {"name": "istio-proxy", "image": "example/proxy:1"}],
                "volumes": [{"name": "irsa-aws-config", "configMap": {"name": "api-aws-config"}}]}}}
        }),
    );
}

#[test]
fn a_hand_set_profile_is_named_and_bind_profile_fixes_it() {
    let cluster = Cluster::eks();
    cluster.seed_deployment("api");
    assert_eq!(cluster.run(&BIND).code, 0);
    seed_hand_wired(&cluster, "legacy", "kubectl-client-side-apply", json!({}));

    let doctor = cluster.run(&["doctor", "deployment/legacy", "-n", "payments"]);
    assert_eq!(doctor.code, 0, "a warning is no failure: {doctor:?}");
    let warning = doctor
        .stdout
        .lines()
        .find(|l| l.starts_with("WARN  deployment/legacy container app (AWS_PROFILE=deploy)"))
        .unwrap_or_else(|| panic!("{}", doctor.stdout));
    assert!(
        warning.contains("asks for arn:aws:iam::444455556666:role/payments-deploy, but Go v1, Go v2, Java v1, Java v2, .NET and Ruby get arn:aws:iam::111122223333:role/payments-api"),
        "{warning}"
    );
    assert!(
        doctor
            .stdout
            .contains("--workload deployment/legacy --container app --profile deploy"),
        "{}",
        doctor.stdout
    );

    // bind of that workload without a profile says the same.
    let plain = cluster.run(&with_profile("deployment/legacy")[..BIND.len()]);
    assert_eq!(plain.code, 0, "{plain:?}");
    assert!(
        plain
            .stderr
            .contains("warning: deployment/legacy container app (AWS_PROFILE=deploy) asks for"),
        "{plain:?}"
    );

    let fixed = cluster.run(&with_profile("deployment/legacy"));
    assert_eq!(fixed.code, 0, "{fixed:?}");
    assert!(!fixed.stderr.contains("warning:"), "{fixed:?}");
    let legacy = cluster.get("Deployment", "payments", "legacy");
    assert_eq!(
        text(
            &legacy,
            &format!(
                "/spec/template/metadata/annotations/{}",
                SKIP.replace('/', "~1")
            )
        ),
        "app"
    );
    let doctor = cluster.run(&["doctor", "deployment/legacy", "-n", "payments"]);
    assert!(
        doctor.stdout.contains("PASS  deployment/legacy container app (AWS_PROFILE=deploy) acts as arn:aws:iam::444455556666:role/payments-deploy in every AWS SDK, except that Java v1 gets the node's role (instance metadata): keep pods off it (IMDSv2, hop limit 1) and it fails instead"),
        "{}",
        doctor.stdout
    );
    // A second bind changes nothing.
    let again = cluster.run(&with_profile("deployment/legacy"));
    assert!(
        again.stdout.contains("deployment/legacy unchanged"),
        "{again:?}"
    );
}

#[test]
fn a_skip_list_another_manager_owns_is_merged_only_when_taken_over() {
    let cluster = Cluster::eks();
    cluster.seed_deployment("api");
    assert_eq!(cluster.run(&BIND).code, 0);
    seed_hand_wired(&cluster, "mesh", "helm", json!({SKIP: "istio-proxy"}));

    let refused = cluster.run(&with_profile("deployment/mesh"));
    assert_eq!(refused.code, 6, "{refused:?}");
    assert!(
        refused.stderr.contains(&format!(
            "{SKIP} (managed by \"helm\"; --force-conflicts keeps its containers and adds irsa's)"
        )),
        "{refused:?}"
    );

    let mut forced = with_profile("deployment/mesh");
    forced.push("--force-conflicts");
    let run = cluster.run(&forced);
    assert_eq!(run.code, 0, "{run:?}");
    let mesh = cluster.get("Deployment", "payments", "mesh");
    assert_eq!(
        text(
            &mesh,
            &format!(
                "/spec/template/metadata/annotations/{}",
                SKIP.replace('/', "~1")
            )
        ),
        "istio-proxy,app"
    );
}
