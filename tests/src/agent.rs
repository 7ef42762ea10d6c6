//! A stand-in for the EKS Pod Identity Agent: an HTTP endpoint on 127.0.0.1 that, like the
//! agent, checks the pod's authorization token and serves the pod role's credentials
//! (issued by moto) in the container credentials format. It answers until the test ends.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

/// What the webhook writes into the pod's token file, and the agent accepts.
pub const AGENT_TOKEN: &str = "pod-identity-token-of-payments-api";

#[derive(Debug)]
pub struct Agent {
    /// `http://127.0.0.1:PORT/v1/credentials`
    pub url: String,
    /// The authorization header of each request, in order.
    pub seen: Arc<Mutex<Vec<String>>>,
}

impl Agent {
    /// Serves `credentials` (JSON) to requests bearing [`AGENT_TOKEN`].
    pub fn start(credentials: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!(
            "http://127.0.0.1:{}/v1/credentials",
            listener.local_addr().expect("addr").port()
        );
        let seen = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&seen);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
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
                let (status, body) = if auth == AGENT_TOKEN.to_ascii_lowercase() {
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
        Self { url, seen }
    }

    /// The agent's answer for `role`: credentials moto issued for it.
    pub fn credentials_for(aws: &crate::aws::Aws, role_arn: &str) -> String {
        let issued = aws.json(&[
            "sts",
            "assume-role",
            "--role-arn",
            role_arn,
            "--role-session-name",
            "eks-prod-api",
            "--query",
            "Credentials",
        ]);
        serde_json::json!({
            "AccessKeyId": issued["AccessKeyId"],
            "SecretAccessKey": issued["SecretAccessKey"],
            "Token": issued["SessionToken"],
            "AccountId": crate::aws::ACCOUNT,
            "Expiration": issued["Expiration"],
        })
        .to_string()
    }
}
