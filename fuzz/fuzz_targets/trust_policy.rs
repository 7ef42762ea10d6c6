//! Any trust policy text through the auditor: never a panic, whatever audience the pods'
//! tokens have (STS's, another, the API server's empty one).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(report) = irsa_core::audit::analyze(text, 2048) {
            for audience in ["sts.amazonaws.com", "vault", ""] {
                let _ = report.admits("oidc.eks.eu-west-2.amazonaws.com/id/X", "ns", "sa", audience);
            }
        }
    }
});
