//! A container as a cluster shows it — its env (the container credentials URI and the
//! endpoint mode Java reads, the profile, the role) and the AWS config file it reads: the
//! SDK model answers for every SDK family whatever the values, and never panics.
#![no_main]

use irsa_core::credentials::{Container, Sdk, resolve};

const KEYS: [&str; 4] = [
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
    "AWS_PROFILE",
    "AWS_ROLE_ARN",
];

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // One line per variable (empty: unset), then the config file.
    let mut parts = text.splitn(KEYS.len() + 1, '\n');
    let mut env: Vec<(String, String)> = KEYS
        .iter()
        .zip(parts.by_ref())
        .filter(|(_, value)| !value.is_empty())
        .map(|(key, value)| ((*key).to_owned(), value.to_owned()))
        .collect();
    env.push(("AWS_CONFIG_FILE".to_owned(), "/etc/irsa/config".to_owned()));
    env.push(("AWS_WEB_IDENTITY_TOKEN_FILE".to_owned(), "/var/run/secrets/token".to_owned()));
    let config = irsa_core::profiles::read(parts.next().unwrap_or_default());
    let answers = resolve(&Container {
        env: &env,
        config: &config,
        container_role: Some("arn:aws:iam::111122223333:role/pod"),
    });
    assert_eq!(answers.len(), Sdk::ALL.len());
});
