//! A fake cluster reached through a real kubeconfig file, and the real binary run against it.

use irsa_tests::fake_kube::FakeKube;
use serde_json::{Value, json};
use std::process::{Command, Output};

pub const BIN: &str = env!("CARGO_BIN_EXE_kubectl-irsa");
pub const ISSUER: &str =
    "https://oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF";
pub const CLUSTER_ARN: &str = "arn:aws:eks:eu-west-2:111122223333:cluster/prod";
pub const DEPLOY_ROLE: &str = "deploy=arn:aws:iam::444455556666:role/payments-deploy";
/// The usual bind: payments/api with a chained profile, wired into deployment/api's
/// container `app` (as seeded by `seed_deployment`).
pub const BIND: [&str; 9] = [
    "bind",
    "payments/api",
    "--role",
    "payments-api",
    "--assume",
    DEPLOY_ROLE,
    "--workload",
    "deployment/api",
    "--container=app",
];

pub struct Cluster {
    pub kube: FakeKube,
    dir: tempfile::TempDir,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

impl Cluster {
    /// An EKS-looking cluster (context named by its ARN) with namespace `payments`.
    pub fn eks() -> Cluster {
        Cluster::named(CLUSTER_ARN)
    }

    pub fn named(cluster: &str) -> Cluster {
        let kube = FakeKube::start();
        kube.set_issuer(ISSUER);
        kube.add_namespace("payments");
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("config"), kube.kubeconfig(cluster, None))
            .expect("kubeconfig");
        Cluster { kube, dir }
    }

    pub fn kubeconfig(&self) -> std::path::PathBuf {
        self.dir.path().join("config")
    }

    /// Runs `kubectl-irsa ARGS` with KUBECONFIG pointing at the fake.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, &[])
    }

    /// [`Cluster::run`] with more environment (AWS credentials and endpoint, say).
    pub fn run_with(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let output: Output = Command::new(BIN)
            .args(args)
            .env("KUBECONFIG", self.kubeconfig())
            .env("HOME", self.dir.path())
            .envs(env.iter().copied())
            .output()
            .expect("run kubectl-irsa");
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Lines `METHOD /path` of the requests since the last clear.
    pub fn requests(&self) -> Vec<String> {
        self.kube.requests().iter().map(|r| r.line()).collect()
    }

    pub fn get(&self, kind: &str, ns: &str, name: &str) -> Value {
        self.kube
            .object(kind, ns, name)
            .unwrap_or_else(|| panic!("{kind} {ns}/{name} exists"))
    }

    /// A Deployment `api` as `kubectl apply` (client side) would leave it, with other
    /// tools' annotations, env and volumes that a bind must not touch.
    pub fn seed_deployment(&self, name: &str) {
        self.kube.seed(
            "kubectl-client-side-apply",
            json!({
                "apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": name, "namespace": "payments",
                             "annotations": {"team": "payments"}},
                "spec": {
                    "selector": {"matchLabels": {"app": name}},
                    "template": {
                        "metadata": {"labels": {"app": name}},
                        "spec": {
                            "containers": [{"name": "app", "image": "example/app:1",
                                "env": [{"name": "LOG_LEVEL", "value": "info"}],
                                "volumeMounts": [{"name": "data", "mountPath": "/data"}]}],
                            "volumes": [{"name": "data", "emptyDir": {}}]
                        }
                    }
                }
            }),
        );
    }

    /// A running pod of Deployment `deployment`, with or without injected credentials.
    pub fn seed_pod(&self, name: &str, deployment: &str, service_account: &str, credentials: bool) {
        let env = if credentials {
            json!([{"name": "AWS_ROLE_ARN", "value": "arn:aws:iam::111122223333:role/payments-api"},
                   {"name": "AWS_WEB_IDENTITY_TOKEN_FILE", "value": "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"}])
        } else {
            json!([{"name": "LOG_LEVEL", "value": "info"}])
        };
        self.kube.seed(
            "kube-controller-manager",
            json!({
                "apiVersion": "v1", "kind": "Pod",
                "metadata": {"name": name, "namespace": "payments",
                    "labels": {"app": deployment, "pod-template-hash": "7c9f8"},
                    "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                        "name": format!("{deployment}-7c9f8"), "uid": "rs", "controller": true}]},
                "spec": {"serviceAccountName": service_account,
                    "containers": [{"name": "app", "image": "example/app:1", "env": env}]},
                "status": {"phase": "Running"}
            }),
        );
    }
}

pub fn text<'a>(value: &'a Value, pointer: &str) -> &'a str {
    value
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_default()
}
