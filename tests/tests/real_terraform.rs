//! Real `terraform` with the real hashicorp/aws provider (from the filesystem mirror)
//! applying both generated forms — the module call (against this repository's module) and
//! the plain resources — into moto. Each must validate, apply, plan no further change,
//! store every role setting and trust policy the core generated, give an AWS config file
//! that the real AWS CLI resolves to the roles, and leave nothing after destroy.
//! Run by `scripts/test`; skipped, saying so, where the machine has no Terraform mirror.

use irsa_tests::aws::{ACCOUNT, Aws, ISSUER, Route, full_spec, normalized};
use irsa_tests::golden::repo_root;
use std::path::{Path, PathBuf};
use std::process::Command;

fn mirror() -> Option<PathBuf> {
    let path = PathBuf::from(
        std::env::var_os("IRSA_TF_MIRROR").unwrap_or_else(|| "/opt/tf-plugins".into()),
    );
    path.is_dir().then_some(path)
}

fn terraform(aws: &Aws, dir: &Path, args: &[&str]) -> std::process::Output {
    let mut cmd = Command::new("terraform");
    cmd.args(args)
        .arg("-no-color")
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("TF_CLI_CONFIG_FILE", dir.join("cli.tfrc"))
        .env("TF_IN_AUTOMATION", "1");
    aws.admin_env(&mut cmd);
    cmd.output().expect("run terraform")
}

fn ok(aws: &Aws, dir: &Path, args: &[&str]) -> String {
    let out = terraform(aws, dir, args);
    assert!(
        out.status.success(),
        "terraform {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `dir` with the `form` of `spec`'s bundle, its provider pointed at a fresh moto (an
/// override file: the form pins its own account there) and the mirror's CLI
/// configuration, ready for `terraform init`.
fn form_dir(
    home: &Path,
    mirror: &Path,
    form: &str,
    spec: &str,
) -> (Aws, PathBuf, irsa_core::Bundle) {
    let bundle = irsa_core::generate(spec);
    assert!(!bundle.has_errors(), "{:#?}", bundle.diagnostics);
    let dir = home.join("tf");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let main = bundle
        .artifacts
        .iter()
        .find(|a| a.path == format!("terraform/{form}/main.tf"))
        .expect("form");
    std::fs::write(dir.join("main.tf"), &main.content).expect("write");
    let aws = Aws::start(home);
    std::fs::write(
        dir.join("cli.tfrc"),
        format!(
            "provider_installation {{\n  filesystem_mirror {{\n    path = \"{}\"\n  }}\n}}\n",
            mirror.display()
        ),
    )
    .expect("cli config");
    std::fs::write(
        dir.join("provider_override.tf"),
        format!(
            "provider \"aws\" {{\n  skip_credentials_validation = true\n  skip_metadata_api_check     = true\n  endpoints {{\n    iam = \"{0}\"\n    sts = \"{0}\"\n  }}\n}}\n",
            aws.moto.endpoint
        ),
    )
    .expect("provider");
    (aws, dir, bundle)
}

/// Credentials for another account than the spec's (a wrong AWS_PROFILE): both forms'
/// providers refuse them before any change.
#[test]
#[ignore = "needs terraform, its provider mirror and moto: run scripts/test"]
fn both_forms_refuse_credentials_of_another_account() {
    let Some(mirror) = mirror() else {
        println!("SKIPPED: no Terraform provider mirror on this machine (set IRSA_TF_MIRROR)");
        return;
    };
    let spec = format!(
        "account: \"111122223333\"\ncluster: {ISSUER}\nserviceAccount: payments/api\nrole: payments-api\ncreateOidcProvider: true\nterraformModuleSource: {}\n",
        repo_root().join("terraform/irsa").display()
    );
    for form in ["standalone", "module"] {
        let home = tempfile::tempdir().expect("tempdir");
        let (aws, dir, _) = form_dir(home.path(), &mirror, form, &spec);
        ok(&aws, &dir, &["init", "-input=false"]);
        let plan = terraform(&aws, &dir, &["plan", "-input=false"]);
        let stderr = String::from_utf8_lossy(&plan.stderr);
        let words = stderr
            .replace('│', " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            !plan.status.success()
                && words.contains(&format!("AWS account ID not allowed: {ACCOUNT}")),
            "{form}:\n{stderr}"
        );
    }
}

/// A target role that exists already: the apply fails with EntityAlreadyExists, and the
/// README's import of it by its address in the module call lets the next apply own it
/// (its trust policy becomes the generated one).
#[test]
#[ignore = "needs terraform, its provider mirror and moto: run scripts/test"]
fn an_existing_target_role_is_imported_by_the_readmes_address() {
    let Some(mirror) = mirror() else {
        println!("SKIPPED: no Terraform provider mirror on this machine (set IRSA_TF_MIRROR)");
        return;
    };
    let spec = format!(
        "account: \"{ACCOUNT}\"\ncluster: {ISSUER}\nserviceAccount: payments/api\nrole: payments-api\n\
         assume: {{deploy: payments-deploy}}\ncreateOidcProvider: true\nterraformModuleSource: {}\n",
        repo_root().join("terraform/irsa").display()
    );
    let home = tempfile::tempdir().expect("tempdir");
    let (aws, dir, _) = form_dir(home.path(), &mirror, "module", &spec);
    let theirs = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    aws.cli(&[
        "iam",
        "create-role",
        "--role-name",
        "payments-deploy",
        "--assume-role-policy-document",
        theirs,
    ]);
    ok(&aws, &dir, &["init", "-input=false"]);
    let first = terraform(&aws, &dir, &["apply", "-input=false", "-auto-approve"]);
    assert!(
        !first.status.success()
            && String::from_utf8_lossy(&first.stderr).contains("EntityAlreadyExists"),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    ok(
        &aws,
        &dir,
        &[
            "import",
            "-input=false",
            "module.irsa.module.target[\"deploy\"].aws_iam_role.this",
            "payments-deploy",
        ],
    );
    ok(&aws, &dir, &["apply", "-input=false", "-auto-approve"]);
    let trust = aws.json(&[
        "iam",
        "get-role",
        "--role-name",
        "payments-deploy",
        "--query",
        "Role.AssumeRolePolicyDocument",
    ]);
    let principals = trust.to_string();
    assert!(
        principals.contains(&format!("arn:aws:iam::{ACCOUNT}:role/payments-api"))
            && !principals.contains("ec2.amazonaws.com"),
        "{trust}"
    );
}

/// Applies one generated form and checks the result; `form` is its directory in the bundle.
fn apply_form(form: &str) {
    let Some(mirror) = mirror() else {
        println!("SKIPPED: no Terraform provider mirror on this machine (set IRSA_TF_MIRROR)");
        return;
    };
    let module = repo_root().join("terraform/irsa");
    // A second target in the module's `target_roles`, with statements shaped unlike the
    // first's (Terraform types a map's entries alike) and settings of its own profile.
    let spec = full_spec(&format!(
        "  audit:\n    role: payments-audit\n    durationSeconds: 1800\n    roleSessionName: audit-session\n\
         \x20   permissions:\n      statements: [{{Action: [sqs:SendMessage], Resource: \"arn:aws:sqs:eu-west-2:{ACCOUNT}:audit\", \
         Condition: {{Bool: {{aws:SecureTransport: \"true\"}}}}}}]\n\
         durationSeconds: 3600\ntokenExpiration: 7200\ncreateOidcProvider: true\nterraformModuleSource: {}\n",
        module.display()
    ));
    let home = tempfile::tempdir().expect("tempdir");
    let (aws, dir, bundle) = form_dir(home.path(), &mirror, form, &spec);
    // `apply` validates first; a separate `validate` would load the provider once more.
    ok(&aws, &dir, &["init", "-input=false"]);
    ok(&aws, &dir, &["apply", "-input=false", "-auto-approve"]);
    let plan = terraform(&aws, &dir, &["plan", "-input=false", "-detailed-exitcode"]);
    assert_eq!(
        plan.status.code(),
        Some(0),
        "a second plan wants changes:\n{}",
        String::from_utf8_lossy(&plan.stdout)
    );

    let config = ok(&aws, &dir, &["output", "-raw", "aws_config"]);
    aws.assert_full_spec_applied(&bundle, &config, Route::Terraform);
    // The config Terraform wrote is the core's, profile for profile (a Terraform map keeps
    // its keys sorted, so the profiles may come in another order).
    let generated = bundle
        .artifacts
        .iter()
        .find(|a| a.path == "aws/config")
        .expect("aws/config");
    assert_eq!(sections(&config), sections(&generated.content));
    assert_eq!(
        aws.who(&config, "audit"),
        format!("arn:aws:sts::{ACCOUNT}:assumed-role/payments-audit/audit-session")
    );
    if form == "module" {
        // The module's annotations are the generated ServiceAccount's.
        let output = ok(
            &aws,
            &dir,
            &["output", "-json", "service_account_annotations"],
        );
        let annotations: serde_json::Value = serde_json::from_str(&output).expect("json");
        let account = bundle
            .artifacts
            .iter()
            .find(|a| a.kind == irsa_core::Kind::ServiceAccount)
            .expect("ServiceAccount");
        let account = irsa_core::node::parse(&account.content).expect("yaml");
        let account = serde_json::to_value(&account).expect("tree");
        assert_eq!(annotations, account["metadata"]["annotations"]);
    }

    ok(&aws, &dir, &["destroy", "-input=false", "-auto-approve"]);
    assert_eq!(
        aws.role_names(),
        Vec::<String>::new(),
        "destroy left roles behind"
    );
    let providers = aws.json(&[
        "iam",
        "list-open-id-connect-providers",
        "--query",
        "OpenIDConnectProviderList",
    ]);
    assert_eq!(
        providers,
        serde_json::json!([]),
        "destroy left OIDC providers behind"
    );
}

#[test]
#[ignore = "needs terraform, its provider mirror and moto: run scripts/test"]
fn the_module_call_applies_into_moto() {
    apply_form("module");
}

#[test]
#[ignore = "needs terraform, its provider mirror and moto: run scripts/test"]
fn the_plain_resources_apply_into_moto() {
    apply_form("standalone");
}

#[test]
#[ignore = "needs terraform and its provider mirror: run scripts/test"]
fn every_example_is_fmt_clean_and_validates() {
    let Some(mirror) = mirror() else {
        println!("SKIPPED: no Terraform provider mirror on this machine (set IRSA_TF_MIRROR)");
        return;
    };
    let (cli_config, install) = provider_setup(&mirror);
    let module = repo_root().join("terraform/irsa");
    let home = tempfile::tempdir().expect("tempdir");
    let aws = Aws::start(home.path());
    // Every Terraform artifact of every example, each written to its own directory.
    let mut dirs = Vec::new();
    for entry in std::fs::read_dir(repo_root().join("examples")).expect("examples") {
        let path = entry.expect("entry").path();
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("name")
            .to_owned();
        let Ok(irsa_core::node::Node::Map(mut spec)) =
            irsa_core::node::parse(&std::fs::read_to_string(&path).expect("read"))
        else {
            panic!("{name} is not a mapping");
        };
        // Validate against this repository's module rather than the published one.
        spec.push((
            "terraformModuleSource".into(),
            irsa_core::node::Node::Str(module.display().to_string()),
        ));
        let bundle = irsa_core::generate_node(&irsa_core::node::Node::Map(spec));
        for artifact in bundle
            .artifacts
            .iter()
            .filter(|a| a.kind == irsa_core::Kind::Terraform)
        {
            let dir = home
                .path()
                .join(&name)
                .join(&artifact.path)
                .parent()
                .expect("dir")
                .to_path_buf();
            std::fs::create_dir_all(&dir).expect("mkdir");
            std::fs::write(dir.join("main.tf"), &artifact.content).expect("write");
            std::fs::write(dir.join("cli.tfrc"), &cli_config).expect("cli config");
            dirs.push((format!("{name} {}", artifact.path), dir));
        }
    }
    assert!(
        dirs.len() >= 20,
        "both forms of every example, found {}",
        dirs.len()
    );
    // `terraform get` installs the module form's local modules.
    in_parallel(&dirs, |(what, dir)| {
        let fmt = terraform(&aws, dir, &["fmt", "-check", "-diff", "main.tf"]);
        assert!(
            fmt.status.success(),
            "{what}: not terraform fmt clean:\n{}",
            String::from_utf8_lossy(&fmt.stdout)
        );
        ok(&aws, dir, install);
        ok(&aws, dir, &["validate"]);
    });
}

/// The module refuses at plan time what the generator refuses, naming the rule, before
/// anything reaches IAM.
#[test]
#[ignore = "needs terraform and its provider mirror: run scripts/test"]
fn the_module_refuses_bad_input_at_plan() {
    let Some((cli, install)) = provider() else {
        return;
    };
    // BASE: a cluster and a role name, to which each case adds what is wrong.
    let base = format!(
        "clusters             = [\"{ISSUER}\"]\n  role_name            = \"payments-api\"\n  create_oidc_provider = true"
    );
    let cases = [
        (
            r#"BASE
  service_accounts = ["payments/*"]"#,
            "set subject_patterns = true",
        ),
        (
            r#"BASE
  service_accounts = ["payments/api", "payments/api"]"#,
            "A service account is listed twice",
        ),
        (
            r#"BASE
  service_accounts    = ["payments/api"]
  managed_policy_arns = [for i in range(26) : "arn:aws:iam::aws:policy/P${i}"]"#,
            "IAM attaches at most 25 managed policies to a role",
        ),
        (
            r#"BASE
  service_accounts = ["payments/api"]
  assume           = { deploy = { role_arn = "payments-deploy" } }"#,
            "role_arn is a role ARN",
        ),
        (
            r#"BASE
  service_accounts = ["payments/api"]
  target_roles     = { deploy = { name = "payments-deploy", external_id = "x" } }"#,
            "An external_id is 2-1224 letters",
        ),
        (
            r#"BASE
  service_accounts         = ["payments/api"]
  inline_policy_statements = "[{\"Effect\": \"Allow\"}]""#,
            "inline_policy_statements is a list of IAM statements",
        ),
        (
            r#"BASE
  service_accounts    = ["payments/api"]
  managed_policy_arns = ["ReadOnlyAccess"]"#,
            "Each managed policy is a policy ARN",
        ),
        (
            r#"BASE
  service_accounts = ["*/*"]
  subject_patterns = true"#,
            "matches every service account of the cluster",
        ),
        (
            r#"BASE
  service_accounts = ["payments/api"]
  assume           = { deploy = { role_arn = "arn:aws:iam::444455556666:role/deploy" } }
  target_roles     = { deploy = { name = "payments-deploy" } }"#,
            "A profile is in both assume and target_roles: deploy",
        ),
        (
            r#"BASE
  service_accounts = ["payments/api"]
  pod_profile      = "deploy"
  target_roles     = { deploy = { name = "payments-deploy" } }"#,
            "The pod profile deploy is also a profile",
        ),
        (
            r#"BASE
  service_accounts     = ["payments/api"]
  max_session_duration = 600"#,
            "from 3600 to 43200",
        ),
        (
            r#"BASE
  service_accounts = ["payments/api"]
  path             = "payments""#,
            "A path starts and ends with /",
        ),
        (
            r#"BASE
  service_accounts   = ["payments/api"]
  oidc_provider_arns = ["arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"]"#,
            "A cluster is given twice",
        ),
        (
            r#"BASE
  service_accounts = ["payments/api"]
  path             = "/a//b/""#,
            "has no empty segment",
        ),
        (
            r#"BASE
  service_accounts = ["payments/api"]
  duration_seconds = 7200"#,
            "duration_seconds exceeds max_session_duration",
        ),
        (
            r#"BASE
  service_accounts = ["payments/api"]
  assume           = { deploy = { role_arn = "arn:aws:iam::444455556666:role/deploy", duration_seconds = 1800.5 } }"#,
            "a whole number from 900 to 3600",
        ),
        (
            r#"BASE
  service_accounts = ["payments/api"]
  target_roles     = { deploy = { name = "payments-deploy", role_session_name = "a b" } }"#,
            "A role_session_name is 2-64",
        ),
        (
            r#"BASE
  service_accounts = ["payments/api"]
  target_roles     = { deploy = { name = "payments-deploy", source_policy_documents = ["{}"] } }"#,
            "Each source policy document is a policy in JSON whose Statement",
        ),
        (
            r#"role_name        = "payments-api"
  service_accounts = ["payments/api"]"#,
            "Give the clusters",
        ),
        (
            r#"BASE
  service_accounts = ["payments/api"]
  duration_seconds = 600"#,
            "duration_seconds is a whole number from 900 to 43200",
        ),
        (
            r#"BASE
  service_accounts   = ["payments/api"]
  trust_policy_quota = 9000"#,
            "trust_policy_quota is 1 to 8192 characters",
        ),
        (
            r#"BASE
  service_accounts  = ["payments/api"]
  role_session_name = "a b""#,
            "A role_session_name is 2-64",
        ),
        (
            r#"BASE
  service_accounts = ["payments/api"]
  pod_profile      = "-pod""#,
            "A profile name is 1-64 letters",
        ),
        (
            r#"BASE
  service_accounts = ["payments/api"]
  assume           = { "-deploy" = { role_arn = "arn:aws:iam::444455556666:role/deploy" } }"#,
            "A profile name is 1-64 letters",
        ),
        (
            r#"BASE
  service_accounts = ["payments/api"]
  target_roles     = { deploy = { name = "payments-deploy", path = "/a//" } }"#,
            "A target's path starts and ends with /",
        ),
        (
            r#"BASE
  service_accounts = ["payments/api"]
  target_roles     = { deploy = { name = "payments-deploy", max_session_duration = 100 } }"#,
            "A target's max_session_duration is a whole number",
        ),
        (
            r#"role_name          = "payments-api"
  service_accounts   = ["payments/api", "payments/web", "payments/worker", "payments/cron"]
  trust_policy_quota = 500
  oidc_provider_arns = ["arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF", "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"]"#,
            "over the quota of 500",
        ),
        (
            r#"BASE
  service_accounts = ["payments/api"]
  token_expiration = 60"#,
            "token_expiration is a whole number of seconds from 600",
        ),
        (
            r#"role_name          = "payments-api"
  service_accounts   = ["payments/api"]
  oidc_provider_arns = ["arn:aws:iam::111122223333:oidc-provider/a.example.com", "arn:aws:iam::111122223333:oidc-provider/a.example.com"]"#,
            "An OIDC provider ARN is listed twice",
        ),
        (
            r#"BASE
  service_accounts        = ["payments/api"]
  source_policy_documents = ["{\"Statement\": null}"]"#,
            "whose Statement is a statement or a list of them",
        ),
        (
            r#"role_name          = "payments-api"
  service_accounts   = ["payments/api"]
  oidc_provider_arns = ["arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"]"#,
            "is not in account 123456789012, where the pod role is created",
        ),
        // Credentials for another account than the pod role's (a wrong AWS_PROFILE).
        (
            r#"BASE
  service_accounts = ["payments/api"]
  account_id       = "111122223333""#,
            "These credentials are for account 123456789012, and the pod role belongs in 111122223333 (account_id)",
        ),
        (
            r#"BASE
  service_accounts = ["payments/api"]
  account_id       = "12345""#,
            "account_id is an AWS account ID: 12 digits",
        ),
    ];
    // One module call per case in one configuration, so that a plan (one load of the
    // provider) reports many calls' errors, each naming its call. Terraform stops at
    // the first stage that fails (variables, then resources' preconditions, then nested
    // modules' variables): each round plans the cases not refused yet.
    let home = tempfile::tempdir().expect("tempdir");
    let aws = Aws::start(home.path());
    let mut left: Vec<usize> = (0..cases.len()).collect();
    for round in 0.. {
        if left.is_empty() {
            break;
        }
        let calls: Vec<(String, String)> = left
            .iter()
            .map(|&n| (format!("case{n}"), cases[n].0.replace("BASE", &base)))
            .collect();
        let dir = plan_dir(
            home.path(),
            &format!("round{round}"),
            &cli,
            &aws.moto.endpoint,
            &calls,
            "",
        );
        ok(&aws, &dir, install);
        let plan = terraform(&aws, &dir, &["plan", "-input=false"]);
        let stderr = String::from_utf8_lossy(&plan.stderr);
        assert!(!plan.status.success(), "planned {left:?}:\n{stderr}");
        // Terraform wraps messages at its terminal width: compare words.
        let errors: Vec<String> = stderr
            .split("Error: ")
            .skip(1)
            .map(|e| {
                e.replace('│', " ")
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        let refused = |n: usize| {
            let call = [format!("module \"case{n}\""), format!("modules/case{n}/")];
            errors
                .iter()
                .any(|e| e.contains(cases[n].1) && call.iter().any(|c| e.contains(c.as_str())))
        };
        let before = left.len();
        left.retain(|&n| !refused(n));
        assert!(
            left.len() < before,
            "not refused with their messages: {:?}\n{stderr}",
            left.iter().map(|&n| (n, cases[n].1)).collect::<Vec<_>>()
        );
    }
    // What the generator only warns of plans, with the warning.
    let call = format!("{base}\n  service_accounts = [\"*/api\"]\n  subject_patterns = true");
    let dir = plan_dir(
        home.path(),
        "warned",
        &cli,
        &aws.moto.endpoint,
        &[("warned".to_owned(), call)],
        "",
    );
    ok(&aws, &dir, install);
    let plan = terraform(&aws, &dir, &["plan", "-input=false"]);
    let said = String::from_utf8_lossy(&plan.stdout).replace('│', " ");
    let said = said.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(plan.status.success(), "{said}");
    assert!(
        said.contains("matches its name in every namespace, also those created later"),
        "{said}"
    );
}

/// Given its OIDC provider's ARN (as terraform-aws-eks outputs it), the module looks
/// nothing up: it plans while the ARN is still unknown (a cluster created in the same
/// apply), and with a known one, beside a cluster looked up by its issuer (in moto),
/// plans the very trust policy the core writes for both clusters, in their order.
#[test]
#[ignore = "needs terraform and its provider mirror: run scripts/test"]
fn the_module_takes_oidc_provider_arns_unknown_until_apply() {
    let Some((cli, install)) = provider() else {
        return;
    };
    let provider_arn = format!(
        "arn:aws:iam::{ACCOUNT}:oidc-provider/{}",
        ISSUER.trim_start_matches("https://")
    );
    let home = tempfile::tempdir().expect("tempdir");
    let aws = Aws::start(home.path());
    let call = |arn: &str| {
        [(
            "irsa".to_owned(),
            format!(
                "oidc_provider_arns = [{arn}]\n  service_accounts   = [\"payments/api\"]\n  role_name          = \"payments-api\""
            ),
        )]
    };
    let unknown = plan_dir(
        home.path(),
        "unknown",
        &cli,
        &aws.moto.endpoint,
        &call("terraform_data.eks.output"),
        &format!("resource \"terraform_data\" \"eks\" {{\n  input = \"{provider_arn}\"\n}}\n"),
    );
    let looked_up = "https://oidc.eks.eu-west-1.amazonaws.com/id/FEDCBA9876543210FEDCBA9876543210";
    aws.cli(&[
        "iam",
        "create-open-id-connect-provider",
        "--url",
        looked_up,
        "--client-id-list",
        "sts.amazonaws.com",
    ]);
    let mut both = call(&format!("\"{provider_arn}\""));
    both[0]
        .1
        .push_str(&format!("\n  clusters           = [\"{looked_up}\"]"));
    let known = plan_dir(home.path(), "known", &cli, &aws.moto.endpoint, &both, "");
    in_parallel(&[&unknown, &known], |dir| {
        ok(&aws, dir, install);
        ok(&aws, dir, &["plan", "-input=false", "-out=tfplan"]);
    });
    let pod_role = |dir: &Path| {
        let planned: serde_json::Value =
            serde_json::from_str(&ok(&aws, dir, &["show", "-json", "tfplan"])).expect("plan json");
        let changes = planned["resource_changes"].as_array().expect("changes");
        let role = changes
            .iter()
            .find(|c| c["address"] == "module.irsa.aws_iam_role.pod")
            .expect("the pod role");
        role["change"].clone()
    };
    // Planned with the trust policy left to apply, not refused.
    assert_eq!(
        pod_role(&unknown)["after_unknown"]["assume_role_policy"],
        true
    );
    let role = serde_json::json!({ "change": pod_role(&known) });
    let trust: serde_json::Value = serde_json::from_str(
        role["change"]["after"]["assume_role_policy"]
            .as_str()
            .expect("trust"),
    )
    .expect("trust json");
    let bundle = irsa_core::generate(&format!(
        "account: \"{ACCOUNT}\"\ncluster: [{looked_up}, {ISSUER}]\nserviceAccount: payments/api\nrole: payments-api\n"
    ));
    let generated = bundle
        .artifacts
        .iter()
        .find(|a| a.path == "iam/payments-api.trust.json")
        .expect("trust policy");
    let generated: serde_json::Value = serde_json::from_str(&generated.content).expect("json");
    // IAM reads a one-element list as its element: the module writes `sub` as a list.
    assert_eq!(normalized(&trust), normalized(&generated));
}

/// The CLI configuration that installs the provider from `mirror`, and the command that
/// installs a directory's modules and provider. Where the mirror holds the provider
/// unpacked, it is a development override: `terraform init` would hash its 600 MB for
/// every directory, and `validate` again (the applies install it the usual way, version
/// constraints and lock file included). A packed mirror is installed from by `init`.
fn provider_setup(mirror: &Path) -> (String, &'static [&'static str]) {
    match unpacked_provider(mirror) {
        Some(provider) => (
            format!(
                "provider_installation {{\n  dev_overrides {{\n    \"hashicorp/aws\" = \"{}\"\n  }}\n}}\n",
                provider.display()
            ),
            &["get"],
        ),
        None => (
            format!(
                "provider_installation {{\n  filesystem_mirror {{\n    path = \"{}\"\n  }}\n}}\n",
                mirror.display()
            ),
            &["init", "-input=false", "-backend=false"],
        ),
    }
}

/// The mirror's CLI configuration and install command, or why the test is skipped.
fn provider() -> Option<(String, &'static [&'static str])> {
    let Some(mirror) = mirror() else {
        println!("SKIPPED: no Terraform provider mirror on this machine (set IRSA_TF_MIRROR)");
        return None;
    };
    Some(provider_setup(&mirror))
}

/// A directory under `home` that calls this repository's module once per `(label,
/// inputs)` (plus `extra` configuration), with the CLI configuration `cli` and IAM and
/// STS at `endpoint`.
fn plan_dir(
    home: &Path,
    name: &str,
    cli: &str,
    endpoint: &str,
    calls: &[(String, String)],
    extra: &str,
) -> PathBuf {
    let dir = home.join(name);
    std::fs::create_dir_all(&dir).expect("mkdir");
    let source = repo_root().join("terraform/irsa");
    let mut main = format!(
        "provider \"aws\" {{\n  region                      = \"eu-west-2\"\n  skip_credentials_validation = true\n  skip_requesting_account_id  = true\n  skip_metadata_api_check     = true\n  endpoints {{\n    iam = \"{endpoint}\"\n    sts = \"{endpoint}\"\n  }}\n}}\n\n{extra}"
    );
    for (label, inputs) in calls {
        main.push_str(&format!(
            "\nmodule \"{label}\" {{\n  source = \"{}\"\n  {inputs}\n}}\n",
            source.display()
        ));
    }
    std::fs::write(dir.join("main.tf"), main).expect("write");
    std::fs::write(dir.join("cli.tfrc"), cli).expect("cli config");
    dir
}

/// Runs `each` over `items`, one worker per core, at most 4: every Terraform command loads
/// the provider's schema (CPU-bound, ~1 GB each).
fn in_parallel<T: Sync>(items: &[T], each: impl Fn(&T) + Sync) {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some(item) =
                    items.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
                {
                    each(item);
                }
            });
        }
    });
}

/// The newest hashicorp/aws of the mirror unpacked for this machine's platform, if any.
fn unpacked_provider(mirror: &Path) -> Option<PathBuf> {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    };
    let platform = format!("{}_{arch}", std::env::consts::OS);
    let version = |path: &Path| -> Vec<u64> {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        name.split('.').map(|n| n.parse().unwrap_or(0)).collect()
    };
    std::fs::read_dir(mirror.join("registry.terraform.io/hashicorp/aws"))
        .ok()?
        .filter_map(|entry| Some(entry.ok()?.path()))
        .filter(|version| version.join(&platform).is_dir())
        .max_by_key(|path| version(path))
        .map(|version| version.join(platform))
}

/// An AWS config file's sections, each as its lines, in name order.
fn sections(config: &str) -> Vec<Vec<&str>> {
    let mut sections: Vec<Vec<&str>> = config
        .split("\n\n")
        .map(|s| s.lines().filter(|l| !l.is_empty()).collect())
        .collect();
    sections.sort();
    sections
}
