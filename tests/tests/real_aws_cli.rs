//! The generated IAM script against moto with the real AWS CLI: it creates the OIDC
//! provider and the roles with every setting (run twice: re-running changes nothing); then
//! the CLI resolves the generated AWS config file — web identity for the pod profile,
//! `source_profile` chaining for the target — and we check who it became. moto does not
//! enforce trust policies (the evaluator property tests do); this proves the files are
//! what IAM, STS and the CLI accept and read. Run by `scripts/test` (needs .venv).

use irsa_tests::aws::{ACCOUNT, Aws, ISSUER, Route, full_spec, write_bundle};

fn run_script(aws: &Aws) {
    aws.run_iam_script(&aws.home);
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
    let config = std::fs::read_to_string(dir.path().join("aws/config")).expect("config");
    aws.assert_full_spec_applied(&bundle, &config, Route::Script);
}

/// Of roles that exist already, the script changes only irsa's parts: another owner's
/// trust statement and a longer maximum session stay, irsa's statement goes in once however
/// often it runs, and a boundary someone else set stops it rather than being replaced.
#[test]
#[ignore = "needs the real AWS CLI and moto: run scripts/test"]
fn the_script_leaves_what_others_set_on_existing_roles() {
    let spec = |extra: &str| {
        format!(
            "account: \"{ACCOUNT}\"\ncluster: {ISSUER}\nserviceAccount: payments/api\nrole: payments-api\nassume:\n  deploy: payments-deploy\n{extra}"
        )
    };
    let dir = tempfile::tempdir().expect("tempdir");
    write_bundle(&irsa_core::generate(&spec("")), dir.path());
    let aws = Aws::start(dir.path());
    let ci = format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Sid":"CiDeploy","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCOUNT}:role/ci"}},"Action":"sts:AssumeRole"}}}}"#
    );
    aws.cli(&[
        "iam",
        "create-role",
        "--role-name=payments-deploy",
        "--max-session-duration=43200",
        &format!("--assume-role-policy-document={ci}"),
    ]);
    run_script(&aws);
    run_script(&aws);
    let deploy = aws.role("payments-deploy");
    assert_eq!(deploy[2], 43200, "the maximum session was changed");
    let sids: Vec<&str> = deploy[5]["Statement"]
        .as_array()
        .expect("statements")
        .iter()
        .map(|s| s["Sid"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(sids, ["CiDeploy", "IrsaPodRole1"], "{deploy:#}");

    aws.cli(&[
        "iam",
        "put-role-permissions-boundary",
        "--role-name=payments-api",
        "--permissions-boundary=arn:aws:iam::aws:policy/SecurityAudit",
    ]);
    // Another service account too: a refused run must not have written the trust first.
    let trust = aws.role("payments-api")[5].clone();
    write_bundle(
        &irsa_core::generate(
            &spec("permissionsBoundary: arn:aws:iam::aws:policy/ReadOnlyAccess\n").replace(
                "serviceAccount: payments/api",
                "serviceAccount: [payments/api, payments/web]",
            ),
        ),
        dir.path(),
    );
    let stderr = refused_run(&aws, dir.path());
    assert!(
        stderr.contains("role payments-api has the permissions boundary arn:aws:iam::aws:policy/SecurityAudit, the spec names arn:aws:iam::aws:policy/ReadOnlyAccess"),
        "{stderr}"
    );
    let refused = aws.role("payments-api");
    assert_eq!(refused[3], "arn:aws:iam::aws:policy/SecurityAudit");
    assert_eq!(
        refused[5], trust,
        "the trust was written before the refusal"
    );

    // A role where the spec's path is not: IAM cannot move it, and the script says so.
    write_bundle(&irsa_core::generate(&spec("path: /team/\n")), dir.path());
    let stderr = refused_run(&aws, dir.path());
    assert!(
        stderr.contains("role payments-api has the path /, the spec names /team/"),
        "{stderr}"
    );
}

/// The stderr of a run of the IAM script under `dir` that must stop with an error.
fn refused_run(aws: &Aws, dir: &std::path::Path) -> String {
    let out = aws.iam_script(dir).output().expect("bash");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "the script went on:\n{stderr}");
    stderr
}
