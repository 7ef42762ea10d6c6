//! EKS Pod Identity, as far as it can run here: the generated IAM script creates the roles
//! in moto (which has no Pod Identity API), then a stand-in for the EKS Pod Identity Agent
//! — an HTTP endpoint on 127.0.0.1 that, like the agent, checks the pod's authorization
//! token and serves the pod role's credentials (issued by moto) — feeds the real AWS CLI,
//! which must resolve the generated `credential_source = EcsContainer` profile into the
//! target role. Run by `scripts/test` (needs .venv).

use irsa_tests::agent::{AGENT_TOKEN, Agent};
use irsa_tests::aws::{ACCOUNT, Aws, write_bundle};

#[test]
#[ignore = "needs the real AWS CLI and moto: run scripts/test"]
fn the_container_credentials_profile_reaches_the_target_role() {
    let spec = format!(
        "account: \"{ACCOUNT}\"\npodIdentity: true\nclusterName: prod\nserviceAccount: payments/api\nrole: payments-api\n\
         roleSessionName: payments-api\nassume:\n  deploy: {{role: payments-deploy, externalId: payments-7f3a}}\n"
    );
    let bundle = irsa_core::generate(&spec);
    assert!(!bundle.has_errors(), "{:#?}", bundle.diagnostics);
    let dir = tempfile::tempdir().expect("tempdir");
    write_bundle(&bundle, dir.path());
    let aws = Aws::start(dir.path());
    aws.run_iam_script(dir.path());
    let trust = aws.role("payments-api");
    assert_eq!(
        trust[5]["Statement"][0]["Principal"]["Service"],
        "pods.eks.amazonaws.com"
    );

    // What the agent would hold for this pod: the pod role's credentials.
    let agent = Agent::start(Agent::credentials_for(
        &aws,
        &format!("arn:aws:iam::{ACCOUNT}:role/payments-api"),
    ));
    let token_file = dir.path().join("eks-pod-identity-token");
    std::fs::write(&token_file, AGENT_TOKEN).expect("token");
    let config = dir.path().join("aws/config");
    // What the EKS Pod Identity webhook injects into the pod.
    let who = aws.caller(
        &config,
        "deploy",
        &[
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", agent.url.as_ref()),
            (
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                token_file.as_os_str(),
            ),
        ],
    );
    assert_eq!(
        who.trim(),
        format!("arn:aws:sts::{ACCOUNT}:assumed-role/payments-deploy/payments-api")
    );
    assert_eq!(
        agent.seen.lock().expect("lock").first().map(String::as_str),
        Some(AGENT_TOKEN),
        "the CLI must present the pod's token"
    );
}
