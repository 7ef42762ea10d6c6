//! `shellcheck` on the generated scripts (IAM, Pod Identity) of every example. Run by
//! `scripts/test`.

use irsa_core::Kind;
use irsa_tests::golden::{assert_clean, example_artifact_files};
use std::process::Command;

#[test]
#[ignore = "needs shellcheck: run scripts/test"]
fn generated_scripts_are_shellcheck_clean() {
    let dir = tempfile::tempdir().expect("tempdir");
    let scripts = example_artifact_files(dir.path(), &[Kind::AwsCli, Kind::PodIdentity], "sh");
    assert!(
        scripts.len() >= 12,
        "every example has a script, found {}",
        scripts.len()
    );
    let mut shellcheck = Command::new("shellcheck");
    shellcheck.args(["--severity=style", "--shell=bash"]);
    assert_clean(shellcheck, &scripts);
}
