//! Every spec in `examples/` against its full expected output in `tests/golden/<name>/`:
//! each artifact at its path, plus `diagnostics.json`.

use irsa_tests::golden::{compare, example_bundles, repo_root};
use std::collections::BTreeMap;

#[test]
fn examples_match_their_golden_output() {
    let mut problems = Vec::new();
    let mut seen = 0;
    for (name, bundle) in example_bundles() {
        let mut files: BTreeMap<String, String> = bundle
            .artifacts
            .iter()
            .map(|a| (a.path.clone(), a.content.clone()))
            .collect();
        let diagnostics = serde_json::to_string_pretty(&bundle.diagnostics).expect("json") + "\n";
        files.insert("diagnostics.json".into(), diagnostics);
        for p in compare(&repo_root().join("tests/golden").join(&name), &files) {
            problems.push(format!("{name}: {p}"));
        }
        seen += 1;
    }
    assert!(seen >= 10, "expected the example specs, found {seen}");
    assert!(
        problems.is_empty(),
        "golden output differs (UPDATE_GOLDEN=1 rewrites it):\n{}",
        problems.join("\n")
    );
}

#[test]
fn output_is_deterministic_and_json_and_yaml_specs_agree() {
    let yaml = std::fs::read_to_string(repo_root().join("examples/minimal.yaml")).expect("read");
    let json = r#"{"account":"111122223333","cluster":"https://oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF","serviceAccount":"payments/api","role":"payments-api","assume":{"deploy":"arn:aws:iam::444455556666:role/payments-deploy"}}"#;
    let first = irsa_core::generate(&yaml);
    assert_eq!(first, irsa_core::generate(&yaml));
    assert_eq!(first, irsa_core::generate(json));
}

#[test]
fn readme_spec_is_the_minimal_example() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).expect("README");
    let block = readme
        .split("```yaml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a yaml block in the README");
    let example = std::fs::read_to_string(repo_root().join("examples/minimal.yaml")).expect("read");
    let without_comments: String = example
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(
        block, without_comments,
        "the README's spec must be examples/minimal.yaml"
    );
}

#[test]
fn every_kind_is_listed_and_named() {
    let mut seen = std::collections::BTreeSet::new();
    for (_, bundle) in example_bundles() {
        for artifact in &bundle.artifacts {
            assert_eq!(
                irsa_core::Kind::from_name(artifact.kind.as_str()),
                Some(artifact.kind)
            );
            seen.insert(artifact.kind.as_str());
        }
    }
    assert_eq!(
        seen.len(),
        irsa_core::Kind::ALL.len(),
        "the examples cover every kind: {seen:?}"
    );
}

/// No two artifacts share a path, whatever the spec: same-named roles in two accounts,
/// several service accounts and workloads, every example.
#[test]
fn no_two_artifacts_share_a_path() {
    let crafted = [
        "account: \"111122223333\"\ncluster: https://oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF\nserviceAccount: [a/api, b/api]\nrole: api\nassume: {x: arn:aws:iam::444455556666:role/api, y: arn:aws:iam::555566667777:role/api}\nworkload: [{kind: Deployment, name: api, serviceAccount: a/api}, {kind: Deployment, name: api, serviceAccount: b/api}]\n",
    ];
    let bundles = example_bundles().into_iter().chain(
        crafted
            .iter()
            .map(|spec| ("crafted".to_owned(), irsa_core::generate(spec))),
    );
    for (name, bundle) in bundles {
        assert!(!bundle.has_errors(), "{name}: {:#?}", bundle.diagnostics);
        let mut paths: Vec<&str> = bundle.artifacts.iter().map(|a| a.path.as_str()).collect();
        let all = paths.len();
        paths.sort_unstable();
        paths.dedup();
        assert_eq!(paths.len(), all, "{name}: two artifacts share a path");
    }
}
