//! `shellcheck` on the generated IAM script of every example. Run by `scripts/test`.

use irsa_core::Kind;
use irsa_tests::golden::example_bundles;
use std::process::Command;

#[test]
#[ignore = "needs shellcheck: run scripts/test"]
fn generated_scripts_are_shellcheck_clean() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut scripts = Vec::new();
    for (name, bundle) in example_bundles() {
        let scripts_of = bundle
            .artifacts
            .iter()
            .filter(|a| matches!(a.kind, Kind::AwsCli | Kind::PodIdentity));
        for (i, artifact) in scripts_of.enumerate() {
            let file = dir.path().join(format!("{name}-{i}.sh"));
            std::fs::write(&file, &artifact.content).expect("write");
            scripts.push(file);
        }
    }
    assert!(scripts.len() >= 10, "every example has a script");
    let out = Command::new("shellcheck")
        .args(["--severity=style", "--shell=bash"])
        .args(&scripts)
        .output()
        .expect("run shellcheck");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
