//! whoami with the AWS SDK for Rust's default credential chain (`aws-config`): prints the
//! caller's ARN, as a process in the pod would see itself. The SDK reads
//! `AWS_ENDPOINT_URL` itself, so the harness points it at moto like every other SDK.

use aws_config::BehaviorVersion;
use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};

fn main() -> std::process::ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: {e}");
            return std::process::ExitCode::from(3);
        }
    };
    runtime.block_on(async {
        // The default chain, with the HTTPS client named rather than defaulted (ring).
        let http = aws_smithy_http_client::Builder::new()
            .tls_provider(Provider::Rustls(CryptoMode::Ring))
            .build_https();
        let config = aws_config::defaults(BehaviorVersion::latest())
            .http_client(http)
            .load()
            .await;
        match aws_sdk_sts::Client::new(&config)
            .get_caller_identity()
            .send()
            .await
        {
            Ok(out) => {
                println!("{}", out.arn().unwrap_or_default());
                std::process::ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {}", aws_sdk_sts::error::DisplayErrorContext(&e));
                std::process::ExitCode::from(3)
            }
        }
    })
}
