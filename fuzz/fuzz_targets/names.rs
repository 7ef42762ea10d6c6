//! ARNs and issuer URLs: parsing never panics, and what parses prints back the same.
#![no_main]

use irsa_core::arn::{AccountId, PolicyArn, RoleArn};
use irsa_core::issuer::Issuer;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(arn) = RoleArn::parse(text) {
            assert_eq!(arn.to_string(), text);
        }
        if let Ok((issuer, _)) = Issuer::parse(text) {
            assert_eq!(issuer.url(), text);
        }
        if let Ok(arn) = PolicyArn::parse(text) {
            assert!(text.starts_with(&format!("arn:{}:iam::", arn.partition())));
        }
        if AccountId::parse(text).is_ok() {
            assert!(text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit()));
        }
    }
});
