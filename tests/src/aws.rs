//! The real AWS CLI against a moto server, shared by the suites that create the IAM side
//! in different ways (the generated script, the Terraform module, plain Terraform) and
//! then check it the same way.

use crate::tools::{Moto, venv_tool};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// moto's default account: roles created there are the ones the CLI then assumes.
pub const ACCOUNT: &str = "123456789012";
pub const ISSUER: &str =
    "https://oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF";

/// One spec with every role setting: the pod role with path, duration, boundary and tags;
/// `deploy` with an external ID, its own managed and inline permissions.
pub fn full_spec(extra: &str) -> String {
    format!(
        "account: \"{ACCOUNT}\"\ncluster: {ISSUER}\nserviceAccount: payments/api\nrole: payments-api\npodProfile: pod\n\
         path: /irsa/\nmaxSessionDuration: 7200\npermissionsBoundary: arn:aws:iam::aws:policy/ReadOnlyAccess\n\
         tags: {{team: payments, cost-center: \"4711\"}}\nroleSessionName: payments-api\n\
         assume:\n  deploy:\n    role: payments-deploy\n    externalId: payments-7f3a\n\
         \x20   permissions:\n      managedPolicies: [arn:aws:iam::aws:policy/SecurityAudit]\n\
         \x20     statements: [{{Action: \"s3:GetObject\", Resource: \"arn:aws:s3:::payments/*\"}}]\n{extra}"
    )
}

/// Writes every artifact of `bundle` under `dir`, at its path.
pub fn write_bundle(bundle: &irsa_core::Bundle, dir: &Path) {
    for artifact in &bundle.artifacts {
        let path = dir.join(&artifact.path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, &artifact.content).expect("write");
    }
}

/// The AWS CLI pointed at one moto server, with its own HOME (the CLI caches credentials).
#[derive(Debug)]
pub struct Aws {
    pub moto: Moto,
    pub home: PathBuf,
}

impl Aws {
    pub fn start(home: &Path) -> Self {
        Self {
            moto: Moto::start(),
            home: home.to_path_buf(),
        }
    }

    /// Runs a bundle's generated IAM script (written under `dir`) as the administrator,
    /// with the venv's `aws` first on PATH.
    pub fn run_iam_script(&self, dir: &Path) {
        run(self.iam_script(dir), "create-iam.sh");
    }

    /// The command that runs a bundle's generated IAM script, for a run that may fail.
    pub fn iam_script(&self, dir: &Path) -> Command {
        let venv_bin = venv_tool("aws").parent().expect("bin").to_path_buf();
        let path = format!(
            "{}:{}",
            venv_bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut cmd = Command::new("bash");
        cmd.arg(dir.join("aws-cli/create-iam.sh"))
            .env_clear()
            .env("PATH", path);
        self.admin_env(&mut cmd);
        cmd
    }

    /// Environment for tools acting as an administrator of the moto account.
    pub fn admin_env(&self, cmd: &mut Command) {
        cmd.env("HOME", &self.home)
            .env("AWS_ENDPOINT_URL", &self.moto.endpoint)
            .env("AWS_DEFAULT_REGION", "eu-west-2")
            .env("AWS_REGION", "eu-west-2")
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                self.home.join("no-credentials"),
            )
            .env("AWS_CONFIG_FILE", self.home.join("no-config"));
    }

    /// `aws ARGS` as the administrator; stdout, or a panic with the CLI's output.
    pub fn cli(&self, args: &[&str]) -> String {
        let mut cmd = Command::new(venv_tool("aws"));
        cmd.args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .current_dir(&self.home);
        self.admin_env(&mut cmd);
        run(cmd, &format!("aws {args:?}"))
    }

    pub fn json(&self, args: &[&str]) -> Value {
        json(&self.cli(args))
    }

    /// Who `--profile PROFILE` becomes with `config` as the pods' AWS config file, the
    /// token read from a file where the webhook would mount it.
    pub fn who(&self, config: &str, profile: &str) -> String {
        let token = self.home.join("token");
        std::fs::write(
            &token,
            "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6cGF5bWVudHM6YXBpIn0.c2ln",
        )
        .expect("token");
        let token_line =
            "web_identity_token_file = /var/run/secrets/eks.amazonaws.com/serviceaccount/token";
        assert!(config.contains(token_line), "{config}");
        let config = config.replace(
            token_line,
            &format!("web_identity_token_file = {}", token.display()),
        );
        let path = self.home.join("pod-config");
        std::fs::write(&path, config).expect("write config");
        self.caller(&path, profile, &[])
    }

    /// `aws sts get-caller-identity --profile PROFILE` as a pod: the config file at
    /// `config_path`, no credentials but what `env` adds; the ARN it became.
    pub fn caller(
        &self,
        config_path: &Path,
        profile: &str,
        env: &[(&str, &std::ffi::OsStr)],
    ) -> String {
        let mut cmd = Command::new(venv_tool("aws"));
        cmd.args([
            "sts",
            "get-caller-identity",
            "--profile",
            profile,
            "--query",
            "Arn",
            "--output",
            "text",
        ])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &self.home)
        .env("AWS_ENDPOINT_URL", &self.moto.endpoint)
        .env("AWS_DEFAULT_REGION", "eu-west-2")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            self.home.join("no-credentials"),
        )
        .env("AWS_CONFIG_FILE", config_path)
        .envs(env.iter().copied());
        run(cmd, &format!("aws --profile {profile}"))
            .trim()
            .to_owned()
    }

    /// A role as IAM stored it: ARN, path, duration, boundary, tags, trust policy.
    pub fn role(&self, name: &str) -> Value {
        self.json(&[
            "iam",
            "get-role",
            "--role-name",
            name,
            "--query",
            "Role.[Arn,Path,MaxSessionDuration,PermissionsBoundary.PermissionsBoundaryArn,Tags,AssumeRolePolicyDocument]",
        ])
    }

    /// Names of every role in the account.
    pub fn role_names(&self) -> Vec<String> {
        let names = self.json(&["iam", "list-roles", "--query", "Roles[].RoleName"]);
        names
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    }
}

pub fn run(mut cmd: Command, what: &str) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// A policy with every one-element list written as its element, and lists sorted: IAM
/// accepts both spellings, so two policies that mean the same compare equal.
pub fn normalized(policy: &Value) -> Value {
    match policy {
        Value::Array(items) if items.len() == 1 => normalized(&items[0]),
        Value::Array(items) => {
            let mut items: Vec<Value> = items.iter().map(normalized).collect();
            items.sort_by_key(|v| v.to_string());
            Value::Array(items)
        }
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), normalized(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// How the IAM side was created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Script,
    Terraform,
    CloudFormation,
}

impl Aws {
    /// What every route (the IAM script, Terraform, CloudFormation) must leave in IAM for
    /// [`full_spec`]: each role setting, the core's trust policies (as IAM means them), the
    /// permissions; then the pods' AWS config `config` must resolve to the roles.
    pub fn assert_full_spec_applied(&self, bundle: &irsa_core::Bundle, config: &str, route: Route) {
        let pod = self.role("payments-api");
        assert_eq!(
            pod[0],
            format!("arn:aws:iam::{ACCOUNT}:role/irsa/payments-api")
        );
        assert_eq!(pod[1], "/irsa/");
        assert_eq!(pod[2], 7200);
        assert_eq!(pod[3], "arn:aws:iam::aws:policy/ReadOnlyAccess");
        let tags = normalized(&pod[4]);
        assert_eq!(
            tags,
            normalized(
                &serde_json::json!([{"Key": "team", "Value": "payments"}, {"Key": "cost-center", "Value": "4711"}])
            )
        );
        let trust = |role: &str| {
            let artifact = bundle
                .artifacts
                .iter()
                .find(|a| a.path == format!("iam/{role}.trust.json"));
            normalized(&json(&artifact.expect("trust").content))
        };
        assert_eq!(
            normalized(&pod[5]),
            trust("payments-api"),
            "IAM holds another trust policy than the core's"
        );
        assert_eq!(
            normalized(&self.role("payments-deploy")[5]),
            trust("payments-deploy")
        );
        let policy = |role: &str| {
            let args = [
                "iam",
                "get-role-policy",
                "--role-name",
                role,
                "--policy-name",
                "irsa",
                "--query",
                "PolicyDocument",
            ];
            // moto keeps inline policies made by CloudFormation as a Python repr string
            // (quotes swapped); IAM and the other routes return the document itself.
            let document = match self.json(&args) {
                serde_json::Value::String(text) => json(&text.replace('\'', "\"")),
                other => other,
            };
            normalized(&document["Statement"])
        };
        // Every role's inline policy as the core wrote it, the pod role's chaining included.
        let mut permissions = 0;
        for artifact in bundle
            .artifacts
            .iter()
            .filter(|a| a.kind == irsa_core::Kind::PermissionsPolicy)
        {
            let role = artifact.role.as_deref().expect("the policy's role");
            assert_eq!(
                policy(role),
                normalized(&json(&artifact.content)["Statement"]),
                "IAM holds other permissions for {role} than the core's"
            );
            permissions += 1;
        }
        assert!(
            permissions >= 2,
            "the pod role's and payments-deploy's permissions"
        );
        // moto's CloudFormation ignores ManagedPolicyArns (cfn-lint checks them).
        if route != Route::CloudFormation {
            let attached = self.cli(&[
                "iam",
                "list-attached-role-policies",
                "--role-name",
                "payments-deploy",
            ]);
            assert!(
                attached.contains("arn:aws:iam::aws:policy/SecurityAudit"),
                "{attached}"
            );
        }
        assert_eq!(
            self.who(config, "pod"),
            format!("arn:aws:sts::{ACCOUNT}:assumed-role/payments-api/payments-api")
        );
        assert_eq!(
            self.who(config, "deploy"),
            format!("arn:aws:sts::{ACCOUNT}:assumed-role/payments-deploy/payments-api")
        );
    }
}
