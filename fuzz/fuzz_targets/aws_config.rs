//! AWS config files read back from a cluster's ConfigMaps: reading never panics, and
//! the profiles it finds, written out again, read back the same.
#![no_main]

use std::fmt::Write;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let profiles = irsa_core::profiles::read(text);
        let mut again = String::new();
        for p in &profiles {
            let header = if p.name == "default" { "default".to_owned() } else { format!("profile {}", p.name) };
            let _ = writeln!(again, "[{header}]");
            for (key, value) in &p.settings {
                let _ = writeln!(again, "{key} = {value}");
            }
        }
        assert_eq!(irsa_core::profiles::read(&again), profiles, "{again}");
    }
});
