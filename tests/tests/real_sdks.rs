//! Every AWS SDK gets the role the spec names, proven with real SDKs: the generated IAM
//! side in moto, the generated workload patch mutated as the EKS pod identity webhook
//! would (tests/src/pod.rs), each container's files laid out under a root of its own, and
//! the AWS CLI, boto3, Go v1 and v2 (Debian), JavaScript v3 (npm), Rust (crates.io) and
//! Ruby (Debian) asked who they are from inside it. Each must act as exactly the role the
//! core's credential model predicts; where the spec names a role for a container, that is
//! the role. Run by `scripts/test` (needs .venv, go, node, ruby).

use irsa_core::credentials::{self, Answer, Identity, Sdk};
use irsa_core::webhook::{self, Injection};
use irsa_core::{Kind, profiles};
use irsa_tests::agent::Agent;
use irsa_tests::aws::{ACCOUNT, Aws, ISSUER, write_bundle};
use irsa_tests::pod::{Pod, Real, Sdks, Webhook, assumed_role, materialise, role_of};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

struct Case {
    name: &'static str,
    spec: String,
    /// Env a user set by hand in a container, before the webhook.
    by_hand: &'static [(&'static str, &'static str, &'static str)],
}

fn cases() -> Vec<Case> {
    let example = std::fs::read_to_string(
        irsa_tests::golden::repo_root().join("examples/per-container-profiles.yaml"),
    )
    .expect("example")
    .replace("111122223333", ACCOUNT);
    let head = format!(
        "account: \"{ACCOUNT}\"\ncluster: {ISSUER}\nserviceAccount: payments/api\nrole: payments-api\n"
    );
    vec![
        // Three containers of one pod: none, `deploy` and `audit`.
        Case {
            name: "per-container",
            spec: example,
            by_hand: &[],
        },
        // A container acting as the pod role's profile by name.
        Case {
            name: "pod-profile",
            spec: format!(
                "{head}podProfile: pod\nassume: {{deploy: payments-deploy}}\nworkload:\n  - {{kind: Deployment, name: api, container: app, profile: pod}}\n"
            ),
            by_hand: &[],
        },
        // The trap: AWS_PROFILE set by hand where the webhook injects its variables.
        Case {
            name: "hand-set-profile",
            spec: format!(
                "{head}assume: {{deploy: payments-deploy}}\nworkload: {{kind: Deployment, name: api, container: app}}\n"
            ),
            by_hand: &[("app", "AWS_PROFILE", "deploy")],
        },
        // EKS Pod Identity: the agent's variables, and a profile chaining from them.
        Case {
            name: "pod-identity",
            spec: format!(
                "account: \"{ACCOUNT}\"\npodIdentity: true\nclusterName: prod\nserviceAccount: payments/api\nrole: payments-api\nassume: {{deploy: payments-deploy}}\nworkload:\n  - {{kind: Deployment, name: api, container: app}}\n  - {{kind: Deployment, name: api, container: deployer, profile: deploy}}\n"
            ),
            by_hand: &[],
        },
    ]
}

/// The ConfigMaps of a bundle: name -> data.
fn config_maps(bundle: &irsa_core::Bundle) -> BTreeMap<String, BTreeMap<String, String>> {
    bundle
        .artifacts
        .iter()
        .filter(|a| a.kind == Kind::ConfigMap)
        .map(|a| {
            let v: Value = serde_saphyr::from_str(&a.content).expect("ConfigMap YAML");
            let name = v["metadata"]["name"].as_str().expect("name").to_owned();
            let data = v["data"]
                .as_object()
                .expect("data")
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().expect("string").to_owned()))
                .collect();
            (name, data)
        })
        .collect()
}

/// `A/R` for a model's answer, or `None` where the model says the SDK gets no role.
fn predicted(answer: &Answer) -> Option<String> {
    match &answer.identity {
        Identity::Role { arn } => role_of(arn),
        _ => None,
    }
}

#[test]
#[ignore = "needs moto, the AWS CLI, boto3, go, node and ruby: run scripts/test"]
fn every_real_sdk_acts_as_the_role_the_model_predicts() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let sdks = Sdks::build(tmp.path(), Path::new(env!("CARGO_BIN_EXE_sdk-whoami")));
    let mut problems = Vec::new();
    let mut runs = 0;
    for case in cases() {
        let bundle = irsa_core::generate(&case.spec);
        assert!(
            !bundle.has_errors(),
            "{}: {:#?}",
            case.name,
            bundle.diagnostics
        );
        let plan = irsa_core::plan(&case.spec).expect("plan");
        let dir = tmp.path().join(case.name);
        write_bundle(&bundle, &dir);
        let aws = Aws::start(&dir);
        aws.run_iam_script(&dir);
        let pod_role = plan.pod_role.to_string();
        let agent = plan
            .spec
            .pod_identity
            .then(|| Agent::start(Agent::credentials_for(&aws, &pod_role)));

        let patch = bundle
            .artifacts
            .iter()
            .find(|a| a.kind == Kind::WorkloadPatch)
            .expect("a workload patch");
        let mut pod = Pod::from_patch(&patch.content);
        for (container, key, value) in case.by_hand {
            pod.container_mut(container)
                .env
                .push(((*key).to_owned(), (*value).to_owned()));
        }
        let config_text = bundle
            .artifacts
            .iter()
            .find(|a| a.kind == Kind::AwsConfig)
            .map(|a| a.content.clone())
            .unwrap_or_default();
        let config = profiles::read(&config_text);

        // The core's prediction, from the pod as the user wrote it.
        let injection = Injection {
            role_arn: (!plan.spec.pod_identity).then(|| pod_role.clone()),
            pod_identity: plan.spec.pod_identity,
            regional_sts: plan.spec.regional_sts,
            region: Some("eu-west-2".to_owned()),
        };
        let skip: Vec<&str> = pod.skip_containers.iter().map(String::as_str).collect();
        let model: BTreeMap<String, Vec<Answer>> = pod
            .containers
            .iter()
            .map(|c| {
                let env = webhook::mutate(&c.name, &c.env, &skip, &injection);
                let reads_config = env.iter().any(|(k, _)| k == "AWS_CONFIG_FILE");
                let answers = credentials::resolve(&credentials::Container {
                    env: &env,
                    config: if reads_config { &config } else { &[] },
                    container_role: plan.spec.pod_identity.then_some(pod_role.as_str()),
                });
                (c.name.clone(), answers)
            })
            .collect();
        // What the page shows (the plan's own prediction) is the same, where no hand
        // touched the container; and it names the spec's role for every SDK family in an
        // IRSA pod.
        for wired in credentials::of_plan(&plan) {
            if case.by_hand.iter().any(|(c, _, _)| *c == wired.container) {
                continue;
            }
            if wired.answers != model[&wired.container] {
                problems.push(format!(
                    "{}: of_plan and the pod disagree for {}",
                    case.name, wired.container
                ));
            }
            if !plan.spec.pod_identity {
                for a in &wired.answers {
                    // Java v1 assumes a role only from static keys (its documented limit):
                    // it falls through to the node's role.
                    let java_v1_chain = matches!(a.sdk, Sdk::JavaV1 | Sdk::JavaV1Legacy)
                        && wired.expected != pod_role;
                    if java_v1_chain && a.fell_through() {
                        continue;
                    }
                    if a.identity.role() != Some(wired.expected.as_str()) {
                        problems.push(format!(
                            "{}: {} in {} gets {}, not {}",
                            case.name,
                            a.sdk.label(),
                            wired.container,
                            a.identity,
                            wired.expected
                        ));
                    }
                }
            }
        }

        Webhook {
            role_arn: injection.role_arn.clone(),
            pod_identity: plan.spec.pod_identity,
            regional_sts: plan.spec.regional_sts,
            region: "eu-west-2".to_owned(),
        }
        .mutate(&mut pod);
        let maps = config_maps(&bundle);
        for container in &pod.containers {
            let root = dir.join("pod").join(&container.name);
            let files = materialise(
                &pod,
                container,
                &root,
                &maps,
                agent.as_ref().map(|a| a.url.as_str()),
            );
            for real in Real::ALL {
                if plan.spec.pod_identity && !real.knows_pod_identity() {
                    continue;
                }
                let answer = model[&container.name]
                    .iter()
                    .find(|a| a.sdk == real.model())
                    .expect("every family is modelled");
                let got = sdks.whoami(real, &files.env, &root.join("home"), &aws.moto.endpoint);
                runs += 1;
                let want = predicted(answer);
                let actual = got.as_ref().ok().and_then(|arn| assumed_role(arn));
                eprintln!(
                    "{:<16} {:<9} {:<13} model {:<40} real {}",
                    case.name,
                    container.name,
                    format!("{real:?}"),
                    answer.identity.to_string(),
                    got.as_ref().map_or_else(
                        |e| format!("error: {}", e.lines().last().unwrap_or_default()),
                        Clone::clone
                    )
                );
                if actual != want {
                    problems.push(format!(
                        "{} / {} / {real:?}: the model says {} ({}), the real SDK says {:?}",
                        case.name, container.name, answer.identity, answer.via, got
                    ));
                }
            }
        }
        // The trap is real: the model predicts Go acting as the pod role, and it did.
        if case.name == "hand-set-profile" {
            let go = &model["app"]
                .iter()
                .find(|a| a.sdk == Sdk::GoV2Legacy)
                .expect("go")
                .identity;
            assert_eq!(
                go.role(),
                Some(pod_role.as_str()),
                "the model must predict Go's wrong answer"
            );
        }
    }
    assert!(runs >= 40, "expected the SDKs to run, ran {runs}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
