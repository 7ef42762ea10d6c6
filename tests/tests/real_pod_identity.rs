//! EKS Pod Identity, as far as it can run here: the generated IAM script creates the roles
//! in moto (which has no Pod Identity API), then a stand-in for the EKS Pod Identity Agent
//! — an HTTP endpoint on 127.0.0.1 that, like the agent, checks the pod's authorization
//! token and serves the pod role's credentials (issued by moto) — feeds the real AWS CLI,
//! which must resolve the generated `credential_source = EcsContainer` profile into the
//! target role. Run by `scripts/test` (needs .venv).

use irsa_tests::aws::{ACCOUNT, Aws, run, write_bundle};
use irsa_tests::tools::venv_tool;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::Command;
use std::sync::{Arc, Mutex};

const AGENT_TOKEN: &str = "pod-identity-token-of-payments-api";

/// Serves `credentials` (JSON) to requests bearing the agent token; records each request's
/// authorization header.
fn start_agent(credentials: String) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!(
        "http://127.0.0.1:{}/v1/credentials",
        listener.local_addr().expect("addr").port()
    );
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    std::thread::spawn(move || {
        for stream in listener.incoming().take(8).flatten() {
            let mut reader = BufReader::new(&stream);
            let mut auth = String::new();
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                if let Some(value) = line.to_ascii_lowercase().strip_prefix("authorization:") {
                    auth = value.trim().to_owned();
                }
                line.clear();
            }
            record.lock().expect("lock").push(auth.clone());
            let (status, body) = if auth == AGENT_TOKEN {
                ("200 OK", credentials.clone())
            } else {
                ("401 Unauthorized", "{}".to_owned())
            };
            let mut stream = &stream;
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (url, seen)
}

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
    let venv_bin = venv_tool("aws").parent().expect("bin").to_path_buf();
    let mut script = Command::new("bash");
    script
        .arg(dir.path().join("aws-cli/create-iam.sh"))
        .env_clear()
        .env(
            "PATH",
            format!(
                "{}:{}",
                venv_bin.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        );
    aws.admin_env(&mut script);
    run(script, "create-iam.sh");
    let trust = aws.role("payments-api");
    assert_eq!(
        trust[5]["Statement"][0]["Principal"]["Service"],
        "pods.eks.amazonaws.com"
    );

    // What the agent would hold for this pod: the pod role's credentials.
    let issued = aws.json(&[
        "sts",
        "assume-role",
        "--role-arn",
        &format!("arn:aws:iam::{ACCOUNT}:role/payments-api"),
        "--role-session-name",
        "eks-prod-api",
        "--query",
        "Credentials",
    ]);
    // The agent's response shape (the container credentials format).
    let served = serde_json::json!({
        "AccessKeyId": issued["AccessKeyId"],
        "SecretAccessKey": issued["SecretAccessKey"],
        "Token": issued["SessionToken"],
        "AccountId": ACCOUNT,
        "Expiration": issued["Expiration"],
    });
    let (agent, seen) = start_agent(served.to_string());
    let token_file = dir.path().join("eks-pod-identity-token");
    std::fs::write(&token_file, AGENT_TOKEN).expect("token");
    let config = dir.path().join("aws/config");
    // What the EKS Pod Identity webhook injects into the pod.
    let who = aws.caller(
        &config,
        "deploy",
        &[
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", agent.as_ref()),
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
        seen.lock().expect("lock").first().map(String::as_str),
        Some(AGENT_TOKEN),
        "the CLI must present the pod's token"
    );
}
