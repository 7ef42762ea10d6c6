//! Spec text (YAML or JSON) through the whole pipeline: never a panic, a bundle with
//! errors never has artifacts, and the plan refuses exactly what generation refuses (every
//! rule runs before rendering).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let bundle = irsa_core::generate(text);
        assert!(!bundle.has_errors() || bundle.artifacts.is_empty());
        assert_eq!(irsa_core::plan(text).is_ok(), !bundle.has_errors());
    }
});
