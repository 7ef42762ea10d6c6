//! whoami with the AWS SDK for Rust's default credential chain (`aws-config`): prints the
//! caller's ARN, as a process in the pod would see itself. The SDK reads
//! `AWS_ENDPOINT_URL` itself, so the harness points it at moto like every other SDK.

use aws_config::BehaviorVersion;

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
        let config = aws_config::load_defaults(BehaviorVersion::latest()).await;
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
