//! The real AWS CLI against a local moto server: create the OIDC provider and the roles
//! from the generated JSON, then let the CLI resolve the generated AWS config file —
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

#[test]
#[ignore = "needs the real AWS CLI and moto: run scripts/test"]
fn aws_cli_resolves_the_pod_and_target_profiles() {
    let spec = format!(
        "account: \"{ACCOUNT}\"\ncluster: {ISSUER}\nserviceAccount: payments/api\nrole: payments-api\npodProfile: pod\n\
         roleSessionName: payments-api\nassume:\n  deploy: {{role: payments-deploy, externalId: payments-7f3a, durationSeconds: 900}}\n"
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
    let host_path = ISSUER.trim_start_matches("https://");
    aws(
        &moto,
        home,
        None,
        &[
            "iam",
            "create-open-id-connect-provider",
            "--url",
            ISSUER,
            "--client-id-list",
            "sts.amazonaws.com",
            "--thumbprint-list",
            &"a".repeat(40),
        ],
    );
    let providers = aws(
        &moto,
        home,
        None,
        &["iam", "list-open-id-connect-providers"],
    );
    assert!(
        providers.contains(&format!("arn:aws:iam::{ACCOUNT}:oidc-provider/{host_path}")),
        "{providers}"
    );
    for (role, trust, permissions) in [
        (
            "payments-api",
            "iam/payments-api.trust.json",
            Some("iam/payments-api.permissions.json"),
        ),
        ("payments-deploy", "iam/payments-deploy.trust.json", None),
    ] {
        aws(
            &moto,
            home,
            None,
            &[
                "iam",
                "create-role",
                "--role-name",
                role,
                "--assume-role-policy-document",
                &format!("file://{trust}"),
            ],
        );
        if let Some(permissions) = permissions {
            aws(
                &moto,
                home,
                None,
                &[
                    "iam",
                    "put-role-policy",
                    "--role-name",
                    role,
                    "--policy-name",
                    "irsa",
                    "--policy-document",
                    &format!("file://{permissions}"),
                ],
            );
        }
    }
    let stored = aws(
        &moto,
        home,
        None,
        &[
            "iam",
            "get-role",
            "--role-name",
            "payments-api",
            "--query",
            "Role.AssumeRolePolicyDocument",
            "--output",
            "json",
        ],
    );
    let stored: serde_json::Value = serde_json::from_str(&stored).expect("json");
    let generated: serde_json::Value =
        serde_json::from_str(&bundle.artifacts[0].content).expect("json");
    assert_eq!(
        stored, generated,
        "IAM stored a different trust policy than the one generated"
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
