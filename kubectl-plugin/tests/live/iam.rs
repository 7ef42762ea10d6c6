//! `bind --iam`, `unbind --iam` and `audit --from-iam`: the real binary against the fake
//! API server and a real moto server (IAM and STS, account 111122223333) behind a
//! recording proxy that counts the IAM calls and makes chosen ones fail as IAM would.

use crate::harness::{Cluster, ISSUER, Run};
use irsa_tests::aws::Aws;
use irsa_tests::iam_proxy::IamProxy;
use irsa_tests::tools::Moto;
use serde_json::Value;

const ACCOUNT: &str = "111122223333";
const DEPLOY: &str = "deploy=arn:aws:iam::111122223333:role/payments-deploy";
/// `bind --iam` of a target role in another account than the pod role's.
const CROSS_ACCOUNT_BIND: [&str; 7] = [
    "bind",
    "payments/api",
    "--role",
    "payments-api",
    "--assume",
    "deploy=arn:aws:iam::444455556666:role/payments-deploy",
    "--iam",
];

struct World {
    cluster: Cluster,
    aws: Aws,
    proxy: IamProxy,
    home: tempfile::TempDir,
}

impl World {
    fn start() -> World {
        let home = tempfile::tempdir().expect("tempdir");
        let aws = Aws {
            moto: Moto::start_in(ACCOUNT),
            home: home.path().to_path_buf(),
        };
        let proxy = IamProxy::start(&aws.moto.endpoint);
        let cluster = Cluster::eks();
        cluster.seed_deployment("api");
        World {
            cluster,
            aws,
            proxy,
            home,
        }
    }

    fn run(&self, args: &[&str]) -> Run {
        self.run_with_config(args, "none")
    }

    /// A run whose AWS config file is `config` in the home (`none`: there is none).
    fn run_with_config(&self, args: &[&str], config: &str) -> Run {
        let none = self.home.path().join("none");
        let config = self.home.path().join(config);
        self.cluster.run_with(
            args,
            &[
                ("AWS_ENDPOINT_URL", &self.proxy.endpoint),
                ("AWS_ACCESS_KEY_ID", "testing"),
                ("AWS_SECRET_ACCESS_KEY", "testing"),
                ("AWS_REGION", "eu-west-2"),
                ("AWS_CONFIG_FILE", config.to_str().expect("utf-8")),
                ("AWS_SHARED_CREDENTIALS_FILE", none.to_str().expect("utf-8")),
                ("AWS_EC2_METADATA_DISABLED", "true"),
            ],
        )
    }

    fn bind(&self, extra: &[&str]) -> Run {
        let mut args = vec![
            "bind",
            "payments/api",
            "--role",
            "payments-api",
            "--assume",
            DEPLOY,
            "--workload",
            "deployment/api",
            "--container=app",
            "--iam",
        ];
        args.extend_from_slice(extra);
        self.run(&args)
    }

    fn trust(&self, role: &str) -> Value {
        self.aws.role(role)[5].clone()
    }

    /// The IAM actions sent since the last clear, writes only.
    fn writes(&self) -> Vec<String> {
        let reads = ["Get", "List"];
        self.proxy
            .actions()
            .into_iter()
            .filter(|a| !reads.iter().any(|r| a.starts_with(r)))
            .collect()
    }
}

/// The run succeeded and printed `line` (a line of stdout, or part of one).
fn says(run: &Run, line: &str) {
    assert_eq!(run.code, 0, "{run:?}");
    assert!(run.stdout.contains(line), "{line:?} not in {run:?}");
}

/// The run failed with `code` and said `text` on stderr.
fn fails(run: &Run, code: i32, text: &str) {
    assert_eq!(run.code, code, "{run:?}");
    assert!(run.stderr.contains(text), "{text:?} not in {run:?}");
}

fn sids(trust: &Value) -> Vec<&str> {
    trust["Statement"]
        .as_array()
        .expect("statements")
        .iter()
        .map(|s| s["Sid"].as_str().unwrap_or("-"))
        .collect()
}

#[test]
#[ignore = "needs moto: run scripts/test"]
fn bind_iam_creates_the_iam_side_then_a_rerun_sends_no_write() {
    let world = World::start();
    let run = world.bind(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    let provider = ISSUER.trim_start_matches("https://");
    assert_eq!(
        run.stdout,
        format!(
            "iam oidc-provider/{provider} created\niam role/payments-api created\niam role/payments-deploy created\n\
             serviceaccount/api created\nconfigmap/api-aws-config created\ndeployment/api configured\n"
        ),
        "{run:?}"
    );
    assert!(run.stderr.contains("eventually consistent"), "{run:?}");
    assert!(!run.stderr.contains("not created by bind"), "{run:?}");
    // The fewest calls: who am I, then per object one read, then one write per need.
    assert_eq!(
        world.proxy.actions(),
        [
            "GetCallerIdentity",
            "GetOpenIDConnectProvider",
            "GetRole",
            "GetRole",
            "CreateOpenIDConnectProvider",
            "CreateRole",
            "PutRolePolicy",
            "CreateRole",
        ]
    );
    // What IAM holds is the bundle's IAM model, tagged as irsa's.
    let bundle = irsa_core::generate(&format!(
        "account: \"{ACCOUNT}\"\ncluster: {ISSUER}\nserviceAccount: payments/api\nrole: payments-api\nclusterName: prod\n\
         assume: {{deploy: arn:aws:iam::{ACCOUNT}:role/payments-deploy}}\n"
    ));
    let expected = |path: &str| -> Value {
        let artifact = bundle
            .artifacts
            .iter()
            .find(|a| a.path == path)
            .expect(path);
        serde_json::from_str(&artifact.content).expect("json")
    };
    assert_eq!(
        world.trust("payments-api"),
        expected("iam/payments-api.trust.json")
    );
    assert_eq!(
        world.trust("payments-deploy"),
        expected("iam/payments-deploy.trust.json")
    );
    let tags = &world.aws.role("payments-api")[4];
    assert!(
        tags.as_array()
            .expect("tags")
            .iter()
            .any(|t| t["Key"] == "irsa.dev/created-by"),
        "{tags}"
    );

    world.proxy.clear();
    let run = world.bind(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout.starts_with(&format!(
            "iam oidc-provider/{provider} unchanged\niam role/payments-api unchanged\niam role/payments-deploy unchanged\n"
        )),
        "{run:?}"
    );
    assert_eq!(
        world.proxy.actions(),
        [
            "GetCallerIdentity",
            "GetOpenIDConnectProvider",
            "GetRole",
            "GetRolePolicy",
            "GetRole",
            "GetRolePolicy",
        ]
    );
}

/// A role another team made, trusted by their CI, that the spec now also names.
fn seed_foreign_role(world: &World, name: &str) {
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Sid":"CiDeploys","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/ci"},"Action":"sts:AssumeRole"}]}"#;
    world.aws.cli(&[
        "iam",
        "create-role",
        "--role-name",
        name,
        "--assume-role-policy-document",
        trust,
    ]);
}

#[test]
#[ignore = "needs moto: run scripts/test"]
fn an_existing_role_keeps_every_statement_irsa_did_not_write() {
    let world = World::start();
    seed_foreign_role(&world, "payments-api");
    let run = world.bind(&["--dry-run=server"]);
    assert_eq!(run.code, 0, "{run:?}");
    assert!(
        run.stdout
            .contains("iam role/payments-api would be configured (account 111122223333, dry run)"),
        "{run:?}"
    );
    assert!(
        run.stdout.contains(r#"+       "Sid": "IrsaWebIdentity1""#),
        "{run:?}"
    );
    assert!(world.writes().is_empty(), "{:?}", world.writes());
    assert_eq!(sids(&world.trust("payments-api")), ["CiDeploys"]);

    let run = world.bind(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    says(&run, "iam role/payments-api configured\n");
    assert_eq!(
        sids(&world.trust("payments-api")),
        ["CiDeploys", "IrsaWebIdentity1"]
    );
    // Adopted, not created: no ownership tag, so unbind --iam never deletes it.
    assert_eq!(world.aws.role("payments-api")[4], Value::Null);

    world.proxy.clear();
    let run = world.bind(&[]);
    says(&run, "iam role/payments-api unchanged\n");
    assert!(world.writes().is_empty(), "{:?}", world.writes());

    // unbind --iam takes out exactly irsa's statements and deletes only the role it made.
    let run = world.run(&["unbind", "payments/api", "--iam"]);
    assert_eq!(run.code, 0, "{run:?}");
    says(&run, "iam role/payments-api configured\n");
    says(&run, "iam role/payments-deploy deleted\n");
    assert_eq!(sids(&world.trust("payments-api")), ["CiDeploys"]);
    assert!(
        !world
            .aws
            .role_names()
            .contains(&"payments-deploy".to_owned())
    );
}

#[test]
#[ignore = "needs moto: run scripts/test"]
fn unbind_iam_keeps_a_role_another_service_account_uses() {
    let world = World::start();
    assert_eq!(world.bind(&[]).code, 0);
    // Another service account bound to the same pod role.
    let run = world.run(&["bind", "payments/worker", "--role", "payments-api", "--iam"]);
    assert_eq!(run.code, 0, "{run:?}");
    let subs = |w: &World| {
        w.trust("payments-api")["Statement"][0]["Condition"]["StringEquals"]
            [format!("{}:sub", ISSUER.trim_start_matches("https://"))]
        .clone()
    };
    // The second bind adds its service account; the first keeps its own.
    assert_eq!(
        subs(&world),
        serde_json::json!([
            "system:serviceaccount:payments:api",
            "system:serviceaccount:payments:worker"
        ])
    );
    let run = world.run(&["unbind", "payments/worker", "--iam"]);
    assert_eq!(run.code, 0, "{run:?}");
    says(&run, "iam role/payments-api configured\n");
    assert_eq!(subs(&world), "system:serviceaccount:payments:api");

    let run = world.run(&["unbind", "payments/api", "--iam"]);
    assert_eq!(run.code, 0, "{run:?}");
    says(&run, "iam role/payments-api deleted\n");
    says(&run, "iam role/payments-deploy deleted\n");
    assert!(
        world.aws.role_names().is_empty(),
        "{:?}",
        world.aws.role_names()
    );
}

#[test]
#[ignore = "needs moto: run scripts/test"]
fn roles_in_another_account_need_its_credentials() {
    let world = World::start();
    let run = world.run(&CROSS_ACCOUNT_BIND);
    fails(
        &run,
        6,
        "the roles of account 444455556666 need its credentials, but the default credentials are for account 111122223333",
    );
    assert!(
        run.stderr
            .contains("--account-profile 444455556666=PROFILE"),
        "{run:?}"
    );
    assert!(world.writes().is_empty(), "{:?}", world.writes());
    assert!(
        world
            .cluster
            .kube
            .object("ServiceAccount", "payments", "api")
            .is_none()
    );
}

#[test]
#[ignore = "needs moto: run scripts/test"]
fn account_profile_credentials_are_the_profiles_and_checked() {
    let world = World::start();
    // A profile that assumes an administrator role of 444455556666. moto answers the
    // assumed credentials as its own account (it has no cross-account STS), which shows
    // both that the profile's chain is followed and that the account check holds.
    let config = "[profile deploy-admin]\nrole_arn = arn:aws:iam::444455556666:role/admin\n\
                  credential_source = Environment\nregion = eu-west-2\n";
    std::fs::write(world.home.path().join("config"), config).expect("config");
    let args = [
        &CROSS_ACCOUNT_BIND[..],
        &["--account-profile", "444455556666=deploy-admin"],
    ]
    .concat();
    let run = world.run_with_config(&args, "config");
    fails(
        &run,
        6,
        "the roles of account 444455556666 need its credentials, but profile `deploy-admin` is for account 111122223333",
    );
    // The default credentials for the pod role's account, the profile's for the other.
    assert_eq!(
        world.proxy.actions(),
        ["GetCallerIdentity", "AssumeRole", "GetCallerIdentity"]
    );
    assert!(
        world.writes().iter().all(|a| a == "AssumeRole"),
        "{:?}",
        world.writes()
    );
}

#[test]
#[ignore = "needs moto: run scripts/test"]
fn a_denied_write_names_the_action_and_what_was_and_was_not_done() {
    let world = World::start();
    world.proxy.fail("PutRolePolicy", "AccessDenied");
    let run = world.bind(&[]);
    fails(
        &run,
        5,
        "iam:PutRolePolicy on role/payments-api was denied (AccessDenied:",
    );
    assert!(
        run.stderr.contains("the caller needs `iam:PutRolePolicy`"),
        "{run:?}"
    );
    assert!(
        run.stderr.contains(&format!(
            "done: iam:CreateOpenIDConnectProvider oidc-provider {ISSUER}, iam:CreateRole role/payments-api\n"
        )),
        "{run:?}"
    );
    assert!(
        run.stderr.contains(
            "not done: iam:PutRolePolicy role/payments-api, iam:CreateRole role/payments-deploy"
        ),
        "{run:?}"
    );
    // Nothing of the Kubernetes side is applied when the IAM side is not there.
    assert!(
        world
            .cluster
            .kube
            .object("ServiceAccount", "payments", "api")
            .is_none()
    );
    // A read denied is as clear.
    let world = World::start();
    world.proxy.fail("GetRole", "AccessDenied");
    let run = world.bind(&[]);
    fails(&run, 5, "iam:GetRole on role/payments-api was denied");
}

#[test]
#[ignore = "needs moto: run scripts/test"]
fn a_merged_trust_policy_over_the_quota_is_refused_with_the_overflow() {
    let world = World::start();
    let statement = |n: usize| {
        format!(
            r#"{{"Sid":"Team{n}","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::111122223333:role/team-{n}-deployer"}},"Action":"sts:AssumeRole"}}"#
        )
    };
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        (0..16).map(statement).collect::<Vec<_>>().join(",")
    );
    world.aws.cli(&[
        "iam",
        "create-role",
        "--role-name",
        "payments-api",
        "--assume-role-policy-document",
        &trust,
    ]);
    let run = world.bind(&[]);
    fails(
        &run,
        6,
        "over the quota of 2048; it keeps 16 statement(s) irsa did not write",
    );
    assert!(world.writes().is_empty(), "{:?}", world.writes());
}

#[test]
#[ignore = "needs moto: run scripts/test"]
fn audit_and_doctor_read_trust_policies_from_iam() {
    let world = World::start();
    assert_eq!(world.bind(&[]).code, 0);
    let run = world.run(&["audit", "-n", "payments", "--from-iam", "-o", "json"]);
    assert_eq!(run.code, 0, "{run:?}");
    let report: Value = serde_json::from_str(&run.stdout).expect("json");
    let text = report.to_string();
    assert!(
        text.contains("iam:arn:aws:iam::111122223333:role/payments-api"),
        "{run:?}"
    );
    let run = world.run(&["doctor", "payments/api", "--from-iam"]);
    says(&run, "trust");
    assert!(!run.stdout.contains("FAIL"), "{run:?}");

    // A role whose trust another tool widened is a finding, read straight from IAM.
    let open = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::111122223333:oidc-provider/{}"}},"Action":"sts:AssumeRoleWithWebIdentity"}}]}}"#,
        ISSUER.trim_start_matches("https://")
    );
    world.aws.cli(&[
        "iam",
        "update-assume-role-policy",
        "--role-name",
        "payments-api",
        "--policy-document",
        &open,
    ]);
    let run = world.run(&["audit", "-n", "payments", "--from-iam"]);
    assert_eq!(run.code, 4, "{run:?}");
    let run = world.run(&["doctor", "payments/api", "--from-iam"]);
    assert_eq!(run.code, 4, "{run:?}");

    // An annotation naming a role IAM does not have fails the doctor, with the fix.
    world.cluster.kube.seed(
        "eksctl",
        serde_json::json!({"apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": {"name": "ghost", "namespace": "payments",
                "annotations": {"eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/ghost"}}}),
    );
    let run = world.run(&["doctor", "payments/ghost", "--from-iam"]);
    assert_eq!(run.code, 4, "{run:?}");
    for line in [
        "FAIL  arn:aws:iam::111122223333:role/ghost is not a role in IAM",
        "kubectl irsa bind -f irsa.yaml --iam",
    ] {
        assert!(run.stdout.contains(line), "{line:?} not in {run:?}");
    }

    // Credentials for another account: its roles are skipped, with a line saying so.
    world.cluster.kube.seed(
        "eksctl",
        serde_json::json!({"apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": {"name": "other", "namespace": "payments",
                "annotations": {"eks.amazonaws.com/role-arn": "arn:aws:iam::444455556666:role/other"}}}),
    );
    let run = world.run(&["audit", "-n", "payments", "--from-iam"]);
    assert!(
        run.stderr.contains("skipped account 444455556666:"),
        "{run:?}"
    );
}

#[test]
#[ignore = "needs moto: run scripts/test"]
fn unbind_iam_keeps_other_clusters_and_other_pod_roles() {
    let world = World::start();
    let run = world.bind(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    // The pod role also trusts the service account on another cluster (a bind there).
    let other = "oidc.eks.eu-west-1.amazonaws.com/id/FEDCBA9876543210FEDCBA9876543210";
    let mut trust = world.trust("payments-api");
    let there = trust["Statement"][0]
        .to_string()
        .replace(ISSUER.trim_start_matches("https://"), other);
    let mut there: Value = serde_json::from_str(&there).expect("json");
    there["Sid"] = "IrsaWebIdentity2".into();
    trust["Statement"]
        .as_array_mut()
        .expect("statements")
        .push(there);
    world.aws.cli(&[
        "iam",
        "update-assume-role-policy",
        "--role-name",
        "payments-api",
        "--policy-document",
        &trust.to_string(),
    ]);
    // Another pod role chains into the same target.
    let run = world.run(&[
        "bind",
        "payments/worker",
        "--role",
        "payments-worker",
        "--assume",
        DEPLOY,
        "--iam",
    ]);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(
        sids(&world.trust("payments-deploy")),
        ["IrsaPodRole1", "IrsaPodRole2"]
    );

    // Both service accounts at once: one update per role, nothing sent twice.
    let run = world.run(&["unbind", "payments/api", "payments/worker", "--iam"]);
    says(&run, "iam role/payments-api configured\n");
    says(&run, "iam role/payments-worker deleted\n");
    // payments-api still trusts the other cluster, so its chain stays: the target keeps
    // its statement for payments-api and loses payments-worker's.
    assert_eq!(sids(&world.trust("payments-api")), ["IrsaWebIdentity2"]);
    let deploy = world.trust("payments-deploy");
    assert_eq!(
        deploy["Statement"].as_array().map(Vec::len),
        Some(1),
        "{deploy}"
    );
    assert!(deploy.to_string().contains("role/payments-api"), "{deploy}");
    assert_eq!(
        run.stdout.matches("role/payments-deploy").count(),
        1,
        "{run:?}"
    );
}

#[test]
#[ignore = "needs moto: run scripts/test"]
fn an_existing_roles_session_boundary_and_tags_are_not_taken_over() {
    let world = World::start();
    seed_foreign_role(&world, "payments-api");
    world.aws.cli(&[
        "iam",
        "update-role",
        "--role-name",
        "payments-api",
        "--max-session-duration",
        "43200",
    ]);
    world.aws.cli(&[
        "iam",
        "tag-role",
        "--role-name",
        "payments-api",
        "--tags",
        "Key=owner,Value=platform",
    ]);
    let run = world.bind(&[]);
    assert_eq!(run.code, 0, "{run:?}");
    let role = world.aws.role("payments-api");
    assert_eq!(
        role[2], 43200,
        "the spec sets no maximum session: the role keeps its own"
    );
    assert!(role[4].to_string().contains("platform"), "{role}");
    // A boundary someone set is not replaced by another.
    world.aws.cli(&[
        "iam",
        "put-role-permissions-boundary",
        "--role-name",
        "payments-api",
        "--permissions-boundary",
        "arn:aws:iam::aws:policy/PowerUserAccess",
    ]);
    let spec = format!(
        "account: \"{ACCOUNT}\"\ncluster: {ISSUER}\nserviceAccount: payments/api\nrole: payments-api\n\
         permissionsBoundary: arn:aws:iam::aws:policy/ReadOnlyAccess\n"
    );
    let file = world.home.path().join("irsa.yaml");
    std::fs::write(&file, spec).expect("spec");
    let run = world.run(&["bind", "-f", file.to_str().expect("utf-8"), "--iam"]);
    fails(&run, 6, "irsa does not replace a boundary someone set");
}

#[test]
#[ignore = "needs moto: run scripts/test"]
fn a_pod_role_iam_has_not_spread_yet_is_retried() {
    let world = World::start();
    // IAM refuses a trust naming a role it has not spread yet, twice, then takes it.
    let refusal =
        "Invalid principal in policy: \"AWS\":\"arn:aws:iam::111122223333:role/payments-api\"";
    world
        .proxy
        .fail_times("CreateRole", "MalformedPolicyDocument", refusal, 2);
    let run = world.bind(&[]);
    says(&run, "iam role/payments-deploy created\n");
    let creates = world
        .proxy
        .actions()
        .iter()
        .filter(|a| *a == "CreateRole")
        .count();
    assert_eq!(creates, 4, "two refusals, then both roles");
}
