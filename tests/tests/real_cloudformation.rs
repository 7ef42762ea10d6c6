//! The generated CloudFormation templates: `cfn-lint` on those of every example, then the
//! template of the full spec deployed into moto with the real AWS CLI, its roles checked
//! and resolved through the generated AWS config file, and the stack deleted.
//! Run by `scripts/test` (needs .venv).

use irsa_core::Kind;
use irsa_tests::aws::{Aws, Route, full_spec};
use irsa_tests::golden::{assert_clean, example_artifact_files};
use irsa_tests::tools::venv_tool;
use std::process::Command;

#[test]
#[ignore = "needs cfn-lint: run scripts/test"]
fn templates_of_every_example_pass_cfn_lint() {
    let dir = tempfile::tempdir().expect("tempdir");
    let files = example_artifact_files(dir.path(), &[Kind::Cloudformation], "yaml");
    assert!(
        files.len() >= 12,
        "every example has templates, found {}",
        files.len()
    );
    assert_clean(Command::new(venv_tool("cfn-lint")), &files);
}

#[test]
#[ignore = "needs the real AWS CLI and moto: run scripts/test"]
fn the_template_deploys_into_moto() {
    let bundle = irsa_core::generate(&full_spec(""));
    assert!(!bundle.has_errors(), "{:#?}", bundle.diagnostics);
    let template = bundle
        .artifacts
        .iter()
        .find(|a| a.path == "cloudformation/irsa.yaml")
        .expect("template");
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("irsa.yaml"), &template.content).expect("write");
    let aws = Aws::start(dir.path());
    // moto's CloudFormation does not model AWS::IAM::OIDCProvider (cfn-lint checks that
    // resource against the real schema): create the provider directly and deploy with the
    // template's default, CreateOidcProvider=false.
    aws.cli(&[
        "iam",
        "create-open-id-connect-provider",
        "--url",
        irsa_tests::aws::ISSUER,
        "--client-id-list",
        "sts.amazonaws.com",
    ]);
    // The command the template's header gives, exactly as a user would copy it.
    let command = template
        .content
        .lines()
        .find_map(|l| l.strip_prefix("#   aws "))
        .expect("a deploy command in the header");
    let args: Vec<&str> = command.split_whitespace().collect();
    assert_eq!(
        args[..2],
        ["cloudformation", "deploy"],
        "the header names the deploy command: {command}"
    );
    aws.cli(&args);
    let stack = args[args
        .iter()
        .position(|a| *a == "--stack-name")
        .expect("stack")
        + 1];

    // moto runs the change set `deploy` makes but keeps no stack outputs (a create-stack
    // did); the outputs are the pod role's ARN by GetAtt, which cfn-lint checks above.
    let status = aws.json(&[
        "cloudformation",
        "describe-stacks",
        "--stack-name",
        stack,
        "--query",
        "Stacks[0].StackStatus",
    ]);
    assert_eq!(status, "CREATE_COMPLETE");
    assert!(
        template
            .content
            .contains("Outputs:\n  PodRoleArn:\n    Description: ARN of role payments-api\n    Value:\n      \"Fn::GetAtt\":\n      - PodRole\n      - Arn\n"),
        "{}",
        template.content
    );
    let config = &bundle
        .artifacts
        .iter()
        .find(|a| a.path == "aws/config")
        .expect("config")
        .content;
    aws.assert_full_spec_applied(&bundle, config, Route::CloudFormation);

    aws.cli(&["cloudformation", "delete-stack", "--stack-name", stack]);
    aws.cli(&[
        "cloudformation",
        "wait",
        "stack-delete-complete",
        "--stack-name",
        stack,
    ]);
    assert_eq!(
        aws.role_names(),
        Vec::<String>::new(),
        "delete-stack left roles behind"
    );
}
