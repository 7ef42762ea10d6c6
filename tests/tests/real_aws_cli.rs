//! The generated IAM script against moto with the real AWS CLI: it creates the OIDC
//! provider and the roles with every setting (run twice: re-running changes nothing); then
//! the CLI resolves the generated AWS config file — web identity for the pod profile,
//! `source_profile` chaining for the target — and we check who it became. moto does not
//! enforce trust policies (the evaluator property tests do); this proves the files are
//! what IAM, STS and the CLI accept and read. Run by `scripts/test` (needs .venv).

use irsa_tests::aws::{Aws, ISSUER, Route, full_spec, write_bundle};

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
