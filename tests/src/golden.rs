//! Golden directories: the exact files a spec produces, reviewed as plain diffs.
//! Set `UPDATE_GOLDEN=1` to rewrite them from the current output.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Root of the repository (the workspace).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Compares `files` (relative path -> content) with the directory `dir`, both ways.
/// Returns a description of every difference; empty when they are the same.
pub fn compare(dir: &Path, files: &BTreeMap<String, String>) -> Vec<String> {
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        let _ = std::fs::remove_dir_all(dir);
        for (path, content) in files {
            let target = dir.join(path);
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)
                    .unwrap_or_else(|e| panic!("create {}: {e}", parent.display()));
            }
            std::fs::write(&target, content)
                .unwrap_or_else(|e| panic!("write {}: {e}", target.display()));
        }
        return Vec::new();
    }
    let mut problems = Vec::new();
    let on_disk = list(dir, dir);
    for (path, content) in files {
        match std::fs::read_to_string(dir.join(path)) {
            Ok(expected) if expected == *content => {}
            Ok(expected) => problems.push(format!("{path} differs:\n{}", diff(&expected, content))),
            Err(_) => problems.push(format!("{path} is produced but has no golden file")),
        }
    }
    for path in on_disk.iter().filter(|p| !files.contains_key(*p)) {
        problems.push(format!(
            "{path} has a golden file but is no longer produced"
        ));
    }
    problems
}

fn list(root: &Path, dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(list(root, &path));
        } else if let Ok(rel) = path.strip_prefix(root) {
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    out
}

/// A line diff good enough to read in a failed test.
fn diff(expected: &str, actual: &str) -> String {
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    let mut out = String::new();
    for i in 0..e.len().max(a.len()) {
        match (e.get(i), a.get(i)) {
            (Some(x), Some(y)) if x == y => {}
            (x, y) => {
                out.push_str(&format!(
                    "  line {}:\n    - {}\n    + {}\n",
                    i + 1,
                    x.unwrap_or(&"<none>"),
                    y.unwrap_or(&"<none>")
                ));
            }
        }
    }
    out
}

/// Every example spec as (name, bundle), in name order; panics on an invalid one.
pub fn example_bundles() -> Vec<(String, irsa_core::Bundle)> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(repo_root().join("examples"))
        .expect("examples/")
        .map(|e| e.expect("entry").path())
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let name = path
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("name")
                .to_owned();
            let text = std::fs::read_to_string(&path).expect("read example");
            let bundle = irsa_core::generate(&text);
            assert!(
                !bundle.has_errors(),
                "{name} is invalid: {:#?}",
                bundle.diagnostics
            );
            (name, bundle)
        })
        .collect()
}

/// Writes the artifacts of `kinds` from every example into `dir`, one file each named
/// `<example>-<n>.<extension>`, for a linter to read; returns their paths.
pub fn example_artifact_files(
    dir: &Path,
    kinds: &[irsa_core::Kind],
    extension: &str,
) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for (name, bundle) in example_bundles() {
        for (i, artifact) in bundle
            .artifacts
            .iter()
            .filter(|a| kinds.contains(&a.kind))
            .enumerate()
        {
            let file = dir.join(format!("{name}-{i}.{extension}"));
            std::fs::write(&file, &artifact.content).expect("write");
            files.push(file);
        }
    }
    files
}

/// Runs a linter over `files`; panics with its output when it complains.
pub fn assert_clean(mut linter: std::process::Command, files: &[PathBuf]) {
    let out = linter.args(files).output().expect("run the linter");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
