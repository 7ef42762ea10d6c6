//! A pod, played on this machine, for the credential-resolution harness: the EKS pod
//! identity webhook's mutation applied to a generated workload patch, each container's
//! volumes materialised under a root of its own, and real AWS SDKs run as processes of
//! that container against moto.
//!
//! The webhook here is written from its rules (shared/FACTS.md, read from
//! aws/amazon-eks-pod-identity-webhook `pkg/handler/handler.go`), independently of the
//! core's model, so the two are checked against each other and against the real SDKs.

use irsa_core::credentials::Sdk;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const TOKEN_DIR: &str = "/var/run/secrets/eks.amazonaws.com/serviceaccount";
const POD_IDENTITY_DIR: &str = "/var/run/secrets/pods.eks.amazonaws.com/serviceaccount";
/// A web identity token: moto reads no signature, only that it is a JWT.
const JWT: &str =
    "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6cGF5bWVudHM6YXBpIn0.c2ln";

#[derive(Debug, Clone)]
pub struct Container {
    pub name: String,
    pub env: Vec<(String, String)>,
    /// (volume, mount path)
    pub mounts: Vec<(String, String)>,
}

impl Container {
    fn has(&self, key: &str) -> bool {
        self.env.iter().any(|(k, _)| k == key)
    }

    fn add(&mut self, key: &str, value: &str) {
        self.env.push((key.to_owned(), value.to_owned()));
    }
}

/// The pod template of a workload patch, as the API server would hand it to the webhook.
#[derive(Debug, Clone)]
pub struct Pod {
    pub skip_containers: Vec<String>,
    pub containers: Vec<Container>,
    /// (name, volume source)
    pub volumes: Vec<(String, Value)>,
}

impl Pod {
    /// Reads the pod template out of a workload patch (YAML).
    pub fn from_patch(yaml: &str) -> Self {
        let patch: Value = serde_saphyr::from_str(yaml).expect("patch YAML");
        let template = patch
            .pointer("/spec/template")
            .or_else(|| patch.pointer("/spec/jobTemplate/spec/template"))
            .expect("a pod template");
        let skip = template
            .pointer("/metadata/annotations/eks.amazonaws.com~1skip-containers")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let list = |v: &Value, p: &str| {
            v.pointer(p)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        let text = |v: &Value, p: &str| {
            v.pointer(p)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let containers = list(template, "/spec/containers")
            .iter()
            .map(|c| Container {
                name: text(c, "/name"),
                env: list(c, "/env")
                    .iter()
                    .map(|e| (text(e, "/name"), text(e, "/value")))
                    .collect(),
                mounts: list(c, "/volumeMounts")
                    .iter()
                    .map(|m| (text(m, "/name"), text(m, "/mountPath")))
                    .collect(),
            })
            .collect();
        let volumes = list(template, "/spec/volumes")
            .iter()
            .map(|v| (text(v, "/name"), v.clone()))
            .collect();
        Self {
            skip_containers: skip
                .split(',')
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect(),
            containers,
            volumes,
        }
    }

    pub fn container_mut(&mut self, name: &str) -> &mut Container {
        self.containers
            .iter_mut()
            .find(|c| c.name == name)
            .expect("container")
    }

    fn has_volume(&self, name: &str) -> bool {
        self.volumes.iter().any(|(n, _)| n == name)
    }
}

/// What the webhook knows of the pod's service account, and the region it runs in.
#[derive(Debug, Clone)]
pub struct Webhook {
    pub role_arn: Option<String>,
    pub pod_identity: bool,
    pub regional_sts: bool,
    pub region: String,
}

impl Webhook {
    /// The webhook's mutation at pod creation.
    pub fn mutate(&self, pod: &mut Pod) {
        let (volume, dir) = if self.pod_identity {
            ("eks-pod-identity-token", POD_IDENTITY_DIR)
        } else if self.role_arn.is_some() {
            ("aws-iam-token", TOKEN_DIR)
        } else {
            return;
        };
        if !pod.has_volume(volume) {
            pod.volumes
                .push((volume.to_owned(), serde_json::json!({"projected": {}})));
        }
        let skip = pod.skip_containers.clone();
        for c in pod
            .containers
            .iter_mut()
            .filter(|c| !skip.contains(&c.name))
        {
            if self.regional_sts && self.role_arn.is_some() && !c.has("AWS_STS_REGIONAL_ENDPOINTS")
            {
                c.add("AWS_STS_REGIONAL_ENDPOINTS", "regional");
            }
            if !c.has("AWS_REGION") && !c.has("AWS_DEFAULT_REGION") {
                c.add("AWS_DEFAULT_REGION", &self.region);
                c.add("AWS_REGION", &self.region);
            }
            if let Some(role) = &self.role_arn {
                if !c.has("AWS_ROLE_ARN") && !c.has("AWS_WEB_IDENTITY_TOKEN_FILE") {
                    c.add("AWS_ROLE_ARN", role);
                    c.add("AWS_WEB_IDENTITY_TOKEN_FILE", &format!("{dir}/token"));
                }
            } else if !c.has("AWS_CONTAINER_CREDENTIALS_FULL_URI")
                && !c.has("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
            {
                c.add(
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                    "http://169.254.170.23/v1/credentials",
                );
                c.add(
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                    &format!("{dir}/eks-pod-identity-token"),
                );
            }
            if !c.mounts.iter().any(|(v, _)| v == volume) {
                c.mounts.push((volume.to_owned(), dir.to_owned()));
            }
        }
    }
}

/// A container's files and env on this machine: each volume it mounts written under
/// `root`, and every path in its env and config file moved under `root` too.
#[derive(Debug)]
pub struct Materialised {
    pub env: Vec<(String, String)>,
}

/// Writes what `container` mounts under `root`: ConfigMap keys as files, the projected
/// tokens. `config_maps` maps a ConfigMap's name to its data; `agent` replaces the Pod
/// Identity agent's address.
pub fn materialise(
    pod: &Pod,
    container: &Container,
    root: &Path,
    config_maps: &BTreeMap<String, BTreeMap<String, String>>,
    agent: Option<&str>,
) -> Materialised {
    let under = |path: &str| {
        root.join(path.trim_start_matches('/'))
            .display()
            .to_string()
    };
    for (volume, path) in &container.mounts {
        let (_, source) = pod
            .volumes
            .iter()
            .find(|(n, _)| n == volume)
            .expect("mounted volume exists");
        let dir = root.join(path.trim_start_matches('/'));
        std::fs::create_dir_all(&dir).expect("mkdir");
        if let Some(name) = source.pointer("/configMap/name").and_then(Value::as_str) {
            for (key, data) in &config_maps[name] {
                // The one path inside irsa's config file: the web identity token.
                let data: String = data
                    .lines()
                    .map(|l| match l.split_once(" = ") {
                        Some(("web_identity_token_file", p)) => {
                            format!("web_identity_token_file = {}\n", under(p))
                        }
                        _ => format!("{l}\n"),
                    })
                    .collect();
                std::fs::write(dir.join(key), data).expect("write key");
            }
        } else if volume == "eks-pod-identity-token" {
            std::fs::write(
                dir.join("eks-pod-identity-token"),
                crate::agent::AGENT_TOKEN,
            )
            .expect("token");
        } else {
            std::fs::write(dir.join("token"), JWT).expect("token");
        }
    }
    let env = container
        .env
        .iter()
        .map(|(k, v)| {
            let v = match k.as_str() {
                "AWS_CONFIG_FILE"
                | "AWS_WEB_IDENTITY_TOKEN_FILE"
                | "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE" => under(v),
                "AWS_CONTAINER_CREDENTIALS_FULL_URI" => agent.unwrap_or(v).to_owned(),
                _ => v.clone(),
            };
            (k.clone(), v)
        })
        .collect();
    Materialised { env }
}

/// The real SDKs this machine has, built or installed by the test command.
#[derive(Debug)]
pub struct Sdks {
    go_v1: PathBuf,
    go_v2: PathBuf,
    rust: PathBuf,
}

/// One real SDK and the model's family it is checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Real {
    AwsCli,
    Boto3,
    /// Debian's aws-sdk-go 1.44.
    GoV1,
    /// Debian's aws-sdk-go-v2, config 1.17.1.
    GoV2,
    JavascriptV3,
    Rust,
    /// Debian's aws-sdk-core 3.168.
    Ruby,
}

impl Real {
    pub const ALL: [Real; 7] = [
        Real::AwsCli,
        Real::Boto3,
        Real::GoV1,
        Real::GoV2,
        Real::JavascriptV3,
        Real::Rust,
        Real::Ruby,
    ];

    pub fn model(self) -> Sdk {
        match self {
            Real::AwsCli | Real::Boto3 => Sdk::AwsCli,
            Real::GoV1 => Sdk::GoV1,
            Real::GoV2 => Sdk::GoV2Legacy,
            Real::JavascriptV3 => Sdk::JavascriptV3,
            Real::Rust => Sdk::Rust,
            Real::Ruby => Sdk::Ruby,
        }
    }

    /// Whether this version speaks EKS Pod Identity's agent at all (its token file): the
    /// Debian packages predate it — Go v1 1.44 (token file from 1.47.11), Go v2 config
    /// 1.17.1 (from 1.25.0) and Ruby 3.168 (ECS's relative URI only).
    pub fn knows_pod_identity(self) -> bool {
        !matches!(self, Real::GoV1 | Real::GoV2 | Real::Ruby)
    }
}

impl Sdks {
    /// Builds the Go programs under `dir` (GOPATH mode against Debian's SDK packages);
    /// `rust` is the `sdk-whoami` binary cargo built for the test.
    pub fn build(dir: &Path, rust: &Path) -> Self {
        let sources = crate::golden::repo_root().join("tests/sdks");
        let build = |name: &str| {
            let out = dir.join(name);
            let mut cmd = Command::new("go");
            cmd.arg("build")
                .arg("-o")
                .arg(&out)
                .arg("main.go")
                .current_dir(sources.join(name))
                .env("GO111MODULE", "off")
                .env(
                    "GOPATH",
                    format!("{}:/usr/share/gocode", dir.join("gopath").display()),
                )
                .env("GOCACHE", dir.join("gocache"))
                .env("GOFLAGS", "");
            crate::aws::run(cmd, &format!("go build {name}"));
            out
        };
        Self {
            go_v1: build("go-v1"),
            go_v2: build("go-v2"),
            rust: rust.to_path_buf(),
        }
    }

    /// Runs `sdk` as a process of the container: its env only, an empty HOME, moto as
    /// every endpoint, no instance metadata. The caller's ARN, or the SDK's error.
    pub fn whoami(
        &self,
        sdk: Real,
        env: &[(String, String)],
        home: &Path,
        endpoint: &str,
    ) -> Result<String, String> {
        let sources = crate::golden::repo_root().join("tests/sdks");
        let mut cmd = match sdk {
            Real::AwsCli => {
                let mut c = Command::new(crate::tools::venv_tool("aws"));
                c.args([
                    "sts",
                    "get-caller-identity",
                    "--query",
                    "Arn",
                    "--output",
                    "text",
                ]);
                c
            }
            Real::Boto3 => {
                let mut c = Command::new(crate::tools::venv_tool("python"));
                c.arg(sources.join("python/whoami.py"));
                c
            }
            Real::GoV1 => Command::new(&self.go_v1),
            Real::GoV2 => Command::new(&self.go_v2),
            Real::JavascriptV3 => {
                let mut c = Command::new("node");
                c.arg(sources.join("js/whoami.mjs"));
                c
            }
            Real::Rust => Command::new(&self.rust),
            Real::Ruby => {
                let mut c = Command::new("ruby");
                c.arg(sources.join("ruby/whoami.rb"));
                c
            }
        };
        std::fs::create_dir_all(home).expect("home");
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home)
            .env("AWS_ENDPOINT_URL", endpoint)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .envs(env.iter().map(|(k, v)| (k, v)));
        let out = cmd.output().unwrap_or_else(|e| panic!("{sdk:?}: {e}"));
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).trim().to_owned())
        }
    }
}

/// The role an STS caller ARN is a session of: `arn:aws:sts::A:assumed-role/R/S` -> `A/R`.
pub fn assumed_role(caller: &str) -> Option<String> {
    let rest = caller.strip_prefix("arn:aws:sts::")?;
    let (account, rest) = rest.split_once(":assumed-role/")?;
    let (role, _) = rest.split_once('/')?;
    Some(format!("{account}/{role}"))
}

/// The same `A/R` form of a role ARN (the path dropped, as STS drops it).
pub fn role_of(arn: &str) -> Option<String> {
    let rest = arn.strip_prefix("arn:aws:iam::")?;
    let (account, path_name) = rest.split_once(":role/")?;
    Some(format!("{account}/{}", path_name.rsplit('/').next()?))
}
