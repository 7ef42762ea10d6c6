//! Whatever text arrives, the core answers with a bundle: no panic, and every error names
//! a code and, below the document level, a field. A cargo-fuzz target would run the same
//! property with coverage guidance; this one runs in every test run.

use proptest::prelude::*;

const SPEC: &str = "account: \"111122223333\"\ncluster: https://oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF\nserviceAccount: [payments/api, \"on/yes\"]\nrole: payments-api\nsubjectPatterns: true\nassume:\n  deploy: {role: arn:aws:iam::444455556666:role/deploy, externalId: abc, durationSeconds: 900}\npermissions:\n  statements: [{Action: \"s3:*\", Resource: \"*\", Condition: {Bool: {aws:SecureTransport: true}}}]\nworkload: {kind: CronJob, name: job}\n";

fn check(text: &str) {
    let bundle = irsa_core::generate(text);
    if bundle.has_errors() {
        assert!(bundle.artifacts.is_empty());
    }
    for d in &bundle.diagnostics {
        assert!(!d.message.is_empty());
        assert!(!d.code.as_str().is_empty());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,400}") {
        check(&text);
    }

    #[test]
    fn mutated_specs_never_panic(cut in 0..SPEC.len(), insert in "[\\[\\]{}:,*?\"'\\n -~]{0,8}", drop in 0usize..6) {
        let mut text = SPEC.to_owned();
        let at = (0..=cut).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
        let end = (at + drop).min(text.len());
        let end = (end..=text.len()).find(|i| text.is_char_boundary(*i)).unwrap_or(text.len());
        text.replace_range(at..end, &insert);
        check(&text);
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowing(depth in 1usize..3000) {
        check(&format!("{}{}", "[".repeat(depth), "]".repeat(depth)));
        check(&format!("account: {}1{}", "{a: ".repeat(depth), "}".repeat(depth)));
    }
}

#[test]
fn large_input_is_refused_with_a_clear_error() {
    let text = format!(
        "account: \"{}\"",
        "1".repeat(irsa_core::node::MAX_INPUT_BYTES)
    );
    let bundle = irsa_core::generate(&text);
    assert_eq!(bundle.diagnostics[0].code.as_str(), "syntax");
    assert!(bundle.diagnostics[0].message.contains("the limit is"));
}
