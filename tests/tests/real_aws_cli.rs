//! The generated IAM script against moto with the real AWS CLI: it creates the OIDC
//! provider and the roles with every setting (run twice: re-running changes nothing); then
//! the CLI resolves the generated AWS config file — web identity for the pod profile,
//! `source_profile` chaining for the target — and we check who it became. moto does not
//! enforce trust policies (the evaluator property tests do); this proves the files are
//! what IAM, STS and the CLI accept and read. Run by `scripts/test` (needs .venv).

use irsa_tests::aws::{ACCOUNT, Aws, ISSUER, full_spec, json, write_bundle};
use irsa_tests::tools::venv_tool;
use std::process::Command;

/// Runs the generated IAM script with the venv's `aws` first on PATH.
fn run_script(aws: &Aws) {
    let venv_bin = venv_tool("aws").parent().expect("bin").to_path_buf();
    let path = format!(
        "{}:{}",
        venv_bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = Command::new("bash");
    cmd.arg(aws.home.join("aws-cli/create-iam.sh"))
        .env_clear()
        .env("PATH", path);
    aws.admin_env(&mut cmd);
    irsa_tests::aws::run(cmd, "create-iam.sh");
}

#[test]
#[ignore = "needs the real AWS CLI and moto: run scripts/test"]
fn generated_iam_and_profiles_work_with_the_real_aws_cli() {
    let bundle = irsa_core::generate(&full_spec(""));
    assert!(!bundle.has_errors(), "{:#?}", bundle.diagnostics);
    let dir = tempfile::tempdir().expect("tempdir");
    write_bundle(&bundle, dir.path());
    let aws = Aws::start(dir.path());

    // Twice: the second run must succeed and change nothing.
    run_script(&aws);
    let first = (aws.role("payments-api"), aws.role("payments-deploy"));
    run_script(&aws);
    assert_eq!(
        first,
        (aws.role("payments-api"), aws.role("payments-deploy")),
        "a second run changed the roles"
    );

    let providers = aws.cli(&["iam", "list-open-id-connect-providers"]);
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
        let artifact = bundle
            .artifacts
            .iter()
            .find(|a| a.path == format!("iam/{role}.trust.json"));
        json(&artifact.expect("trust").content)
    };
    assert_eq!(
        pod[5],
        trust("payments-api"),
        "IAM stored a different trust policy than the one generated"
    );
    assert_eq!(deploy[5], trust("payments-deploy"));
    let inline = aws.json(&[
        "iam",
        "get-role-policy",
        "--role-name",
        "payments-deploy",
        "--policy-name",
        "irsa",
        "--query",
        "PolicyDocument",
    ]);
    assert_eq!(inline["Statement"][0]["Action"], "s3:GetObject");
    let attached = aws.cli(&[
        "iam",
        "list-attached-role-policies",
        "--role-name",
        "payments-deploy",
    ]);
    assert!(
        attached.contains("arn:aws:iam::aws:policy/SecurityAudit"),
        "{attached}"
    );

    let config = std::fs::read_to_string(dir.path().join("aws/config")).expect("config");
    assert_eq!(
        aws.who(&config, "pod"),
        format!("arn:aws:sts::{ACCOUNT}:assumed-role/payments-api/payments-api")
    );
    assert_eq!(
        aws.who(&config, "deploy"),
        format!("arn:aws:sts::{ACCOUNT}:assumed-role/payments-deploy/payments-api")
    );
}
