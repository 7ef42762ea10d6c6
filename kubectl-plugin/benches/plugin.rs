//! Plugin start-up as a ratio to `kubectl version --client` on the same machine in the
//! same run, and the API requests one bind sends (against the fake API server).
//! `cargo bench -p kubectl-irsa --bench plugin`; writes target/bench/plugin.json.

use irsa_tests::fake_kube::FakeKube;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_kubectl-irsa");
const RUNS: usize = 41;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}

fn time(command: &mut Command) -> Duration {
    let started = Instant::now();
    let status = command.output().expect("run").status;
    assert!(status.success(), "{command:?} failed");
    started.elapsed()
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let spec = root.join("examples/minimal.yaml");
    let kubectl_found = Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok();
    // Interleaved, so a noisy moment hits every command alike.
    let (mut version, mut generate, mut kubectl) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..RUNS {
        version.push(time(Command::new(BIN).arg("--version")));
        generate.push(time(
            Command::new(BIN)
                .args(["generate", "-o", "json", "-f"])
                .arg(&spec),
        ));
        if kubectl_found {
            kubectl.push(time(Command::new("kubectl").args(["version", "--client"])));
        }
    }
    let (version, generate) = (median(version), median(generate));
    let kubectl = kubectl_found.then(|| median(kubectl));

    // One bind of a ServiceAccount, its ConfigMap and a Deployment.
    let kube = FakeKube::start();
    kube.add_namespace("payments");
    kube.set_issuer("https://oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF");
    kube.seed(
        "kubectl-client-side-apply",
        serde_json::json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "api", "namespace": "payments"},
            "spec": {"selector": {"matchLabels": {"app": "api"}}, "template": {
                "metadata": {"labels": {"app": "api"}},
                "spec": {"containers": [{"name": "api", "image": "example/api:1"}]}}}
        }),
    );
    let dir = std::env::temp_dir().join(format!("irsa-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let config = dir.join("config");
    std::fs::write(
        &config,
        kube.kubeconfig("arn:aws:eks:eu-west-2:111122223333:cluster/prod", None),
    )
    .expect("kubeconfig");
    // Only counts: the fake's latency says nothing about a real API server's.
    let bind = || {
        kube.clear_requests();
        time(Command::new(BIN).env("KUBECONFIG", &config).args([
            "bind",
            "payments/api",
            "--role",
            "payments-api",
            "--workload",
            "deployment/api",
            "--assume",
            "deploy=arn:aws:iam::444455556666:role/payments-deploy",
        ]));
        let requests = kube.requests();
        let applies = requests.iter().filter(|r| r.method == "PATCH").count();
        let discovery = requests
            .iter()
            .filter(|r| r.path == "/api" || r.path == "/apis")
            .count();
        (requests.len(), applies, discovery)
    };
    let (total, applies, discovery) = bind();
    let (total_again, _, _) = bind();

    // bind --iam against moto behind the counting proxy: IAM calls, first and second run.
    let iam = irsa_tests::tools::venv_tool_if_present("moto_server").map(|_| {
        let moto = irsa_tests::tools::Moto::start_in("111122223333");
        let proxy = irsa_tests::iam_proxy::IamProxy::start(&moto.endpoint);
        let none = dir.join("none");
        let run = || {
            proxy.clear();
            let took = time(
                Command::new(BIN)
                    .env("KUBECONFIG", &config)
                    .env("AWS_ENDPOINT_URL", &proxy.endpoint)
                    .env("AWS_ACCESS_KEY_ID", "testing")
                    .env("AWS_SECRET_ACCESS_KEY", "testing")
                    .env("AWS_REGION", "eu-west-2")
                    .env("AWS_CONFIG_FILE", &none)
                    .env("AWS_SHARED_CREDENTIALS_FILE", &none)
                    .env("AWS_EC2_METADATA_DISABLED", "true")
                    .args([
                        "bind",
                        "payments/api",
                        "--role",
                        "payments-api",
                        "--workload",
                        "deployment/api",
                        "--assume",
                        "deploy=arn:aws:iam::111122223333:role/payments-deploy",
                        "--iam",
                    ]),
            );
            let actions = proxy.actions();
            let writes = actions
                .iter()
                .filter(|a| !a.starts_with("Get") && !a.starts_with("List"))
                .count();
            (actions.len(), writes, took)
        };
        let first = run();
        let second = run();
        (first, second)
    });
    let _ = std::fs::remove_dir_all(&dir);

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("plugin start-up (median of {RUNS}):");
    println!("  kubectl-irsa --version            {:7.2} ms", ms(version));
    println!(
        "  kubectl-irsa generate -o json     {:7.2} ms",
        ms(generate)
    );
    match kubectl {
        Some(k) => {
            println!("  kubectl version --client          {:7.2} ms", ms(k));
            println!(
                "  ratio --version / kubectl         {:7.3} (aim <= 0.1)",
                ms(version) / ms(k)
            );
        }
        None => println!("  kubectl version --client          SKIPPED (no kubectl on PATH)"),
    }
    println!(
        "bind of 3 objects (ServiceAccount, ConfigMap, Deployment) against the fake API server:"
    );
    println!(
        "  requests {total} = {applies} applies + issuer discovery + pod list; API discovery requests {discovery}"
    );
    println!("  a second bind (all unchanged) sends {total_again} requests");
    match iam {
        Some(((calls, writes, took), (calls_again, writes_again, _))) => println!(
            "bind --iam of the same spec (one account) against moto: {calls} IAM calls ({writes} writes) in {:.0} ms; again: {calls_again} ({writes_again} writes)",
            ms(took)
        ),
        None => println!("bind --iam: SKIPPED (no moto_server in the venv)"),
    }

    let json = serde_json::json!({
        "startupMs": {"version": ms(version), "generate": ms(generate), "kubectlVersionClient": kubectl.map(ms)},
        "ratioToKubectl": kubectl.map(|k| ms(version) / ms(k)),
        "bind": {"objects": 3, "requests": total, "applies": applies, "discoveryRequests": discovery,
                 "requestsSecondBind": total_again},
        "bindIam": iam.map(|((calls, writes, took), (calls_again, writes_again, _))| serde_json::json!({
            "calls": calls, "writes": writes, "ms": ms(took),
            "callsSecondBind": calls_again, "writesSecondBind": writes_again})),
    });
    let out = root.join("target/bench");
    std::fs::create_dir_all(&out).expect("target/bench");
    std::fs::write(
        out.join("plugin.json"),
        serde_json::to_string_pretty(&json).unwrap_or_default(),
    )
    .expect("write");
}
