//! The real AWS CLI against a local moto server: the generated IAM script creates the OIDC
//! provider and the roles (run twice: re-running changes nothing), then the CLI resolves
//! the generated AWS config file —
//! web identity for the pod profile, `source_profile` chaining for the target profile —
//! and check who it became. moto does not enforce trust policies (the evaluator property
//! tests do that); this proves the files are what IAM, STS and the CLI accept and read.
//! Run by `scripts/test` (needs .venv).

use irsa_tests::tools::{Moto, venv_tool};
use std::path::Path;
use std::process::Command;

/// moto's default account: roles created there are the ones the CLI then assumes.
const ACCOUNT: &str = "123456789012";
const ISSUER: &str = "https://oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF";

fn aws(moto: &Moto, home: &Path, config: Option<&Path>, args: &[&str]) -> String {
    let mut cmd = Command::new(venv_tool("aws"));
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("AWS_ENDPOINT_URL", &moto.endpoint)
        .env("AWS_DEFAULT_REGION", "eu-west-2")
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("no-credentials"))
        .env(
            "AWS_CONFIG_FILE",
            config
                .map(Path::to_path_buf)
                .unwrap_or_else(|| home.join("no-config")),
        )
        .current_dir(home);
    if config.is_none() {
        cmd.env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing");
    }
    let out = cmd.output().expect("run aws");
    assert!(
        out.status.success(),
        "aws {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs the generated IAM script with the venv's `aws` first on PATH.
fn run_script(moto: &Moto, home: &Path) {
    let venv_bin = venv_tool("aws").parent().expect("bin").to_path_buf();
    let path = format!(
        "{}:{}",
        venv_bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("bash")
        .arg(home.join("aws-cli/create-iam.sh"))
        .env_clear()
        .env("PATH", path)
        .env("HOME", home)
        .env("AWS_ENDPOINT_URL", &moto.endpoint)
        .env("AWS_DEFAULT_REGION", "eu-west-2")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_CONFIG_FILE", home.join("no-config"))
        .output()
        .expect("run bash");
    assert!(
        out.status.success(),
        "create-iam.sh failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
#[ignore = "needs the real AWS CLI and moto: run scripts/test"]
fn generated_iam_and_profiles_work_with_the_real_aws_cli() {
    let spec = format!(
        "account: \"{ACCOUNT}\"\ncluster: {ISSUER}\nserviceAccount: payments/api\nrole: payments-api\npodProfile: pod\n\
         path: /irsa/\nmaxSessionDuration: 7200\npermissionsBoundary: arn:aws:iam::aws:policy/ReadOnlyAccess\n\
         tags: {{team: payments, cost-center: \"4711\"}}\nroleSessionName: payments-api\n\
         assume:\n  deploy:\n    role: payments-deploy\n    externalId: payments-7f3a\n    durationSeconds: 900\n\
         \x20   permissions:\n      managedPolicies: [arn:aws:iam::aws:policy/SecurityAudit]\n\
         \x20     statements: [{{Action: \"s3:GetObject\", Resource: \"arn:aws:s3:::payments/*\"}}]\n"
    );
    let bundle = irsa_core::generate(&spec);
    assert!(!bundle.has_errors(), "{:#?}", bundle.diagnostics);
    let dir = tempfile::tempdir().expect("tempdir");
    for artifact in &bundle.artifacts {
        let path = dir.path().join(&artifact.path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, &artifact.content).expect("write");
    }
    let moto = Moto::start();
    let home = dir.path();

    // Twice: the second run must succeed and change nothing.
    run_script(&moto, home);
    let snapshot = |role: &str| {
        json(&aws(
            &moto,
            home,
            None,
            &[
                "iam",
                "get-role",
                "--role-name",
                role,
                "--query",
                "Role.[Arn,Path,MaxSessionDuration,PermissionsBoundary.PermissionsBoundaryArn,Tags,AssumeRolePolicyDocument]",
            ],
        ))
    };
    let first = (snapshot("payments-api"), snapshot("payments-deploy"));
    run_script(&moto, home);
    assert_eq!(
        first,
        (snapshot("payments-api"), snapshot("payments-deploy")),
        "a second run changed the roles"
    );

    let providers = aws(
        &moto,
        home,
        None,
        &["iam", "list-open-id-connect-providers"],
    );
    let host_path = ISSUER.trim_start_matches("https://");
    assert_eq!(
        providers
            .matches(&format!("oidc-provider/{host_path}"))
            .count(),
        1,
        "{providers}"
    );
    let (pod, deploy) = first;
    assert_eq!(
        pod[0],
        format!("arn:aws:iam::{ACCOUNT}:role/irsa/payments-api")
    );
    assert_eq!(pod[1], "/irsa/");
    assert_eq!(pod[2], 7200);
    assert_eq!(pod[3], "arn:aws:iam::aws:policy/ReadOnlyAccess");
    assert_eq!(
        pod[4],
        serde_json::json!([{"Key": "team", "Value": "payments"}, {"Key": "cost-center", "Value": "4711"}])
    );
    let trust = |role: &str| {
        bundle
            .artifacts
            .iter()
            .find(|a| a.path == format!("iam/{role}.trust.json"))
            .map(|a| json(&a.content))
            .expect("trust")
    };
    assert_eq!(
        pod[5],
        trust("payments-api"),
        "IAM stored a different trust policy than the one generated"
    );
    assert_eq!(deploy[5], trust("payments-deploy"));
    let inline = json(&aws(
        &moto,
        home,
        None,
        &[
            "iam",
            "get-role-policy",
            "--role-name",
            "payments-deploy",
            "--policy-name",
            "irsa",
            "--query",
            "PolicyDocument",
        ],
    ));
    assert_eq!(inline["Statement"][0]["Action"], "s3:GetObject");
    let attached = aws(
        &moto,
        home,
        None,
        &[
            "iam",
            "list-attached-role-policies",
            "--role-name",
            "payments-deploy",
        ],
    );
    assert!(
        attached.contains("arn:aws:iam::aws:policy/SecurityAudit"),
        "{attached}"
    );

    // The pod's view: a token file where the webhook would mount it, and the generated config.
    let token = home.join("token");
    std::fs::write(
        &token,
        "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6cGF5bWVudHM6YXBpIn0.c2ln",
    )
    .expect("token");
    let config = std::fs::read_to_string(home.join("aws/config")).expect("config");
    let token_line =
        "web_identity_token_file = /var/run/secrets/eks.amazonaws.com/serviceaccount/token";
    assert!(config.contains(token_line), "{config}");
    let config = config.replace(
        token_line,
        &format!("web_identity_token_file = {}", token.display()),
    );
    let config_path = home.join("pod-config");
    std::fs::write(&config_path, config).expect("write config");

    let who = |profile: &str| {
        let out = aws(
            &moto,
            home,
            Some(&config_path),
            &[
                "sts",
                "get-caller-identity",
                "--profile",
                profile,
                "--query",
                "Arn",
                "--output",
                "text",
            ],
        );
        out.trim().to_owned()
    };
    assert_eq!(
        who("pod"),
        format!("arn:aws:sts::{ACCOUNT}:assumed-role/payments-api/payments-api")
    );
    assert_eq!(
        who("deploy"),
        format!("arn:aws:sts::{ACCOUNT}:assumed-role/payments-deploy/payments-api")
    );
}
