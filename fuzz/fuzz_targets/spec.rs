//! Spec text (YAML or JSON) through the whole pipeline: never a panic, and a bundle with
//! errors never has artifacts.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let bundle = irsa_core::generate(text);
        assert!(!bundle.has_errors() || bundle.artifacts.is_empty());
    }
});
