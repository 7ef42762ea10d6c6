//! The one YAML writer (`irsa_core::node::to_yaml`, behind every manifest, template and
//! `-o yaml`) against real readers: any tree reads back as itself in serde-saphyr
//! (YAML 1.2), and strings chosen to trip YAML 1.1 read back as themselves in PyYAML,
//! the reader of the AWS CLI and cfn-lint.

use irsa_core::node::{Node, parse, to_yaml};
use irsa_tests::tools::venv_tool;
use proptest::prelude::*;
use std::io::Write;
use std::process::{Command, Stdio};

/// Strings YAML readers have retyped, folded or refused.
const TRICKY: &[&str] = &[
    "",
    " ",
    "yes",
    "No",
    "ON",
    "off",
    "y",
    "N",
    "true",
    "null",
    "Null",
    "~",
    "-",
    "?",
    ":",
    "011122223333",
    "0x1F",
    "0o17",
    "1_000",
    "1:20",
    "190:20:30",
    "2012-10-17",
    "2001-12-14t21:59:43.10-05:00",
    ".inf",
    "-.Inf",
    ".NaN",
    "1e3",
    "+1",
    "-0",
    "=",
    "<<",
    "a: b",
    "a:",
    "a #b",
    "#a",
    "- a",
    "[a]",
    "{a: b}",
    "&a",
    "*a",
    "!a",
    "!!str",
    "|",
    ">",
    "%YAML",
    "@a",
    "`a`",
    "'a'",
    "\"a\"",
    "a\tb",
    " a",
    "a ",
    "---",
    "...",
    "a\nb",
    "a\n",
    "a\n\n",
    "\na",
    " a\nb",
    "a\r\nb",
    "a\u{85}b",
    "a\u{2028}b",
    "\u{feff}a",
    "é",
    "\u{0}",
    "\u{7f}",
    "arn:aws:iam::111122223333:role/x",
    "sts:AssumeRole",
    "s3:Get*",
    "https://oidc.eks.eu-west-2.amazonaws.com/id/X",
    "system:serviceaccount:a:b",
];

fn scalar() -> impl Strategy<Value = Node> {
    prop_oneof![
        Just(Node::Null),
        any::<bool>().prop_map(Node::Bool),
        any::<i64>().prop_map(Node::Int),
        any::<f64>()
            .prop_filter("NaN is not equal to itself", |f| !f.is_nan())
            .prop_map(Node::Float),
        prop::sample::select(TRICKY).prop_map(|s| Node::Str(s.to_owned())),
        "[a-z0-9:#'\" \\-\n\t\u{85}é]{0,12}".prop_map(Node::Str),
        "\\PC{0,16}".prop_map(Node::Str),
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(TRICKY).prop_map(str::to_owned),
        "[a-z:# .\\-]{0,8}"
    ]
}

fn tree() -> impl Strategy<Value = Node> {
    scalar().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Node::Seq),
            prop::collection::vec((key(), inner), 0..5).prop_map(|entries| {
                let mut unique: Vec<(String, Node)> = Vec::new();
                for (k, v) in entries {
                    if !unique.iter().any(|(seen, _)| *seen == k) {
                        unique.push((k, v));
                    }
                }
                Node::Map(unique)
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    #[test]
    fn any_tree_reads_back_as_itself(node in tree()) {
        let yaml = to_yaml(&node);
        prop_assert_eq!(parse(&yaml), Ok(node), "{}", yaml);
    }
}

#[test]
fn yaml_1_1_reads_tricky_strings_back_as_themselves() {
    let entries: Vec<(String, Node)> = TRICKY
        .iter()
        .enumerate()
        .flat_map(|(i, s)| {
            [
                (format!("value{i}"), Node::Str((*s).to_owned())),
                ((*s).to_owned(), Node::Int(i as i64)),
            ]
        })
        .collect();
    let mut unique: Vec<(String, Node)> = Vec::new();
    for (k, v) in entries {
        if !unique.iter().any(|(seen, _)| *seen == k) {
            unique.push((k, v));
        }
    }
    let yaml = to_yaml(&Node::Map(unique.clone()));
    let read = pyyaml(&yaml);
    let expected: serde_json::Map<String, serde_json::Value> = unique
        .into_iter()
        .map(|(k, v)| {
            let v = match v {
                Node::Str(s) => serde_json::Value::from(s),
                Node::Int(i) => serde_json::Value::from(i),
                _ => unreachable!(),
            };
            (k, v)
        })
        .collect();
    assert_eq!(read, serde_json::Value::Object(expected), "{yaml}");
}

#[test]
fn keys_past_the_simple_key_limit_are_explicit_and_read_back() {
    let long = |c: char, n: usize| std::iter::repeat_n(c, n).collect::<String>();
    let text = |t: &str| Node::Str(t.to_owned());
    let entries = vec![
        (long('b', 1100), text("scalar")),
        (long('a', 1022), text("fits a simple key")),
        (long('g', 1023), text("the first explicit length")),
        (
            format!("é\u{1}{}", long('h', 1016)),
            text("long once escaped"),
        ),
        (
            long('c', 1100),
            Node::Map(vec![("inner".to_owned(), Node::Int(1))]),
        ),
        (
            long('d', 1100),
            Node::Seq(vec![text("x"), Node::Seq(vec![text("y")])]),
        ),
        (long('e', 1100), text("two\nlines\n")),
        (format!("yes{}", long('f', 1100)), Node::Null),
    ];
    let doc = Node::Seq(vec![Node::Map(entries.clone()), Node::Map(entries.clone())]);
    let yaml = to_yaml(&doc);
    // A list item's first key hangs after its `- `.
    let explicit = |key: &str, value: &str| format!("? {key}\n  : {value}\n");
    assert!(
        yaml.starts_with(&format!("- {}", explicit(&long('b', 1100), "scalar"))),
        "{yaml}"
    );
    assert!(
        yaml.contains(&format!("\n  {}: fits", long('a', 1022))),
        "{yaml}"
    );
    assert!(
        yaml.contains(&format!(
            "\n  {}",
            explicit(&long('g', 1023), "the first explicit length")
        )),
        "{yaml}"
    );
    assert!(yaml.contains("\n  ? \"é\\u0001h"), "{yaml}");
    assert_eq!(parse(&yaml), Ok(doc.clone()), "serde-saphyr: {yaml}");
    assert_eq!(pyyaml(&yaml), json_of(&doc), "PyYAML: {yaml}");
}

/// What PyYAML (YAML 1.1) reads `yaml` as, through JSON.
fn pyyaml(yaml: &str) -> serde_json::Value {
    let mut child = Command::new(venv_tool("python"))
        .args([
            "-c",
            "import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin.read())))",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the venv's python");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(yaml.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("python");
    assert!(out.status.success(), "PyYAML refused:\n{yaml}");
    serde_json::from_slice(&out.stdout).expect("json")
}

/// The JSON a tree of strings, integers, nulls, lists and maps is.
fn json_of(node: &Node) -> serde_json::Value {
    match node {
        Node::Null => serde_json::Value::Null,
        Node::Str(s) => s.clone().into(),
        Node::Int(i) => (*i).into(),
        Node::Seq(items) => items.iter().map(json_of).collect(),
        Node::Map(entries) => entries
            .iter()
            .map(|(k, v)| (k.clone(), json_of(v)))
            .collect::<serde_json::Map<_, _>>()
            .into(),
        other => panic!("not in this test: {other:?}"),
    }
}
