//! Writing a tree as block YAML that YAML 1.1 readers (PyYAML, kubectl's go-yaml v2, the
//! AWS CLI) and YAML 1.2 readers read back as the same values.
//!
//! A string is written plain only when it is plainly a string to every reader: it starts
//! with a letter or `/`, holds only characters that mean nothing to YAML there, and is
//! none of YAML 1.1's booleans or nulls. Anything else is double-quoted, with every
//! character a reader could fold or reject escaped. Text with line breaks is a literal
//! block (`|`), the way a config file reads in a ConfigMap. Long strings stay on one line:
//! an ARN is searched for and copied whole.

use super::Node;
use std::fmt::Write;

/// The document as YAML text, ending in a newline.
pub fn write(node: &Node) -> String {
    let mut out = String::new();
    match node {
        Node::Map(entries) if !entries.is_empty() => map(&mut out, entries, 0, false),
        Node::Seq(items) if !items.is_empty() => seq(&mut out, items, 0, false),
        // Indented, so no line of the text can read as a document marker.
        Node::Str(s) if is_block(s) => block(&mut out, s, 2),
        scalar => {
            inline(&mut out, scalar);
            out.push('\n');
        }
    }
    out
}

/// Keys this long or longer are written as explicit keys. YAML 1.2 (§7.4.2) limits a
/// simple key to 1024 characters, and PyYAML and libyaml read up to that many before the
/// `:`; one less leaves no doubt whether the `:` counts.
const SIMPLE_KEY_LIMIT: usize = 1023;

/// Entries at `indent`; `hanging`: the first key follows a `- ` already written.
fn map(out: &mut String, entries: &[(String, Node)], indent: usize, hanging: bool) {
    for (i, (key, value)) in entries.iter().enumerate() {
        if i > 0 || !hanging {
            pad(out, indent);
        }
        let start = out.len();
        if is_plain(key) && !key.contains(':') {
            out.push_str(key);
        } else {
            quoted(out, key);
        }
        // A key too long to be a simple key is written as an explicit `? key` line, its
        // value on the `:` line below.
        let written = out.get(start..).map_or(0, |k| k.chars().count());
        let explicit = written >= SIMPLE_KEY_LIMIT;
        if explicit {
            out.insert_str(start, "? ");
            out.push('\n');
            pad(out, indent);
        }
        out.push(':');
        match value {
            Node::Map(inner) if !inner.is_empty() => {
                out.push('\n');
                map(out, inner, indent + 2, false);
            }
            // Sequences under a key sit at the key's indentation, as kubectl writes them;
            // under an explicit key's `:` they are indented.
            Node::Seq(items) if !items.is_empty() => {
                out.push('\n');
                seq(
                    out,
                    items,
                    if explicit { indent + 2 } else { indent },
                    false,
                );
            }
            Node::Str(s) if is_block(s) => {
                out.push(' ');
                block(out, s, indent + 2);
            }
            scalar => {
                out.push(' ');
                inline(out, scalar);
                out.push('\n');
            }
        }
    }
}

fn seq(out: &mut String, items: &[Node], indent: usize, hanging: bool) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 || !hanging {
            pad(out, indent);
        }
        out.push_str("- ");
        match item {
            Node::Map(inner) if !inner.is_empty() => map(out, inner, indent + 2, true),
            Node::Seq(inner) if !inner.is_empty() => seq(out, inner, indent + 2, true),
            Node::Str(s) if is_block(s) => block(out, s, indent + 2),
            scalar => {
                inline(out, scalar);
                out.push('\n');
            }
        }
    }
}

/// A scalar, or an empty collection, on the current line.
fn inline(out: &mut String, node: &Node) {
    match node {
        Node::Null => out.push_str("null"),
        Node::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Node::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Node::Float(f) => float(out, *f),
        Node::Str(s) if is_plain(s) => out.push_str(s),
        Node::Str(s) => quoted(out, s),
        Node::Seq(_) => out.push_str("[]"),
        Node::Map(_) => out.push_str("{}"),
    }
}

/// YAML's spellings of the values JSON has no number for; finite values as serde_json
/// writes them, which YAML reads as the same float.
fn float(out: &mut String, f: f64) {
    match serde_json::Number::from_f64(f).map(|n| n.to_string()) {
        // YAML 1.1 reads `1e20` as text: its floats need a dot and a signed exponent.
        Some(text) => match text.split_once('e') {
            Some((mantissa, exponent)) => {
                let dot = if mantissa.contains('.') { "" } else { ".0" };
                let sign = if exponent.starts_with(['-', '+']) {
                    ""
                } else {
                    "+"
                };
                let _ = write!(out, "{mantissa}{dot}e{sign}{exponent}");
            }
            None => out.push_str(&text),
        },
        None if f.is_nan() => out.push_str(".nan"),
        None if f > 0.0 => out.push_str(".inf"),
        None => out.push_str("-.inf"),
    }
}

fn pad(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

/// Whether `s` reads back as itself when written plain, in YAML 1.1 and 1.2 alike.
fn is_plain(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    (first.is_ascii_alphabetic() || first == '/')
        && s.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(
                    c,
                    ' ' | '-'
                        | '_'
                        | '.'
                        | '/'
                        | ':'
                        | '@'
                        | '='
                        | '+'
                        | ','
                        | '('
                        | ')'
                        | '*'
                        | '$'
                        | '\''
                        | ';'
                        | '<'
                        | '>'
                        | '!'
                        | '%'
                        | '~'
                        | '^'
                )
        })
        && !s.ends_with([' ', ':'])
        && !s.contains(": ")
        && !is_yaml11_word(s)
}

/// YAML 1.1's booleans and nulls; the numbers and dates it reads start with a digit, a
/// sign or a dot, which `is_plain` already quotes.
fn is_yaml11_word(s: &str) -> bool {
    matches!(
        s.to_ascii_lowercase().as_str(),
        "y" | "n" | "yes" | "no" | "true" | "false" | "on" | "off" | "null"
    )
}

/// A double-quoted scalar. YAML's escapes are a superset of JSON's; besides the control
/// characters, the characters YAML 1.1 treats as line breaks (NEL, LS, PS), the byte-order
/// mark and U+FFFE and U+FFFF (outside YAML's printable set) are escaped, so no reader
/// folds or rejects them.
fn quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn needs_escape(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}')
}

/// Multi-line text a literal block keeps exactly: printable, no carriage returns, a first
/// line that does not start with a space (which would need an indentation indicator), and
/// at most one line break at its end.
fn is_block(s: &str) -> bool {
    s.contains('\n')
        && !s.starts_with([' ', '\n'])
        && !s.ends_with("\n\n")
        && !s
            .chars()
            .any(|c| c != '\n' && (c == '\r' || c == '\t' || needs_escape(c)))
}

/// `|` keeps the final line break, `|-` says there is none.
fn block(out: &mut String, s: &str, indent: usize) {
    let body = s.strip_suffix('\n');
    out.push_str(if body.is_some() { "|\n" } else { "|-\n" });
    for line in body.unwrap_or(s).split('\n') {
        if !line.is_empty() {
            pad(out, indent);
            out.push_str(line);
        }
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(entries: &[(&str, Node)]) -> Node {
        Node::Map(
            entries
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        )
    }
    fn s(text: &str) -> Node {
        Node::Str(text.to_owned())
    }

    #[test]
    fn block_layout_is_kubectls() {
        let doc = map(&[
            ("kind", s("Job")),
            (
                "containers",
                Node::Seq(vec![map(&[
                    ("name", s("app")),
                    ("env", Node::Seq(vec![map(&[("name", s("A"))])])),
                ])]),
            ),
            (
                "nested",
                Node::Seq(vec![Node::Seq(vec![s("a"), s("b")]), Node::Seq(vec![])]),
            ),
            ("empty", Node::Map(vec![])),
            ("config", s("[default]\nrole_arn = x\n")),
            ("script", s("line\n  indented")),
        ]);
        assert_eq!(
            write(&doc),
            "kind: Job\ncontainers:\n- name: app\n  env:\n  - name: A\nnested:\n- - a\n  - b\n- []\nempty: {}\nconfig: |\n  [default]\n  role_arn = x\nscript: |-\n  line\n    indented\n"
        );
    }

    #[test]
    fn strings_a_reader_would_retype_are_quoted() {
        for text in [
            "",
            "yes",
            "No",
            "on",
            "OFF",
            "y",
            "null",
            "~",
            "011122223333",
            "2012-10-17",
            "1:20",
            ".inf",
            "-1",
            "+1",
            "0x1F",
            "a: b",
            "a:",
            "# x",
            "- x",
            "*x",
            "&x",
            "!x",
            "|",
            ">",
            "'x'",
            "\"x\"",
            "%x",
            "@x",
            "`x`",
            " x",
            "x ",
            "x #y",
            "{x}",
            "[x]",
            "a\tb",
            "é",
        ] {
            assert!(!is_plain(text), "{text:?} must be quoted");
        }
        for text in [
            "sts:AssumeRole",
            "arn:aws:iam::111122223333:role/x",
            "/etc/irsa",
            "v1",
            "irsa-aws-config",
            "a b",
            "x-y_z.w",
            "s3:Get*",
        ] {
            assert!(is_plain(text), "{text:?} can be plain");
        }
        assert_eq!(write(&s("yes")), "\"yes\"\n");
        assert_eq!(
            write(&s("a\u{2028}b\u{85}\u{1}\"\\")),
            "\"a\\u2028b\\u0085\\u0001\\\"\\\\\"\n"
        );
    }

    #[test]
    fn keys_with_colons_are_quoted() {
        assert_eq!(
            write(&map(&[("oidc.eks/id/X:sub", s("a"))])),
            "\"oidc.eks/id/X:sub\": a\n"
        );
    }

    #[test]
    fn text_a_literal_block_cannot_keep_is_quoted() {
        for text in [" lead\nx", "\nx", "x\n\n", "a\r\nb", "a\tb\nc"] {
            assert!(!is_block(text), "{text:?}");
        }
    }

    #[test]
    fn floats_read_as_floats_in_yaml_1_1() {
        let mut out = String::new();
        float(&mut out, 1e20);
        assert_eq!(out, "1.0e+20");
        out.clear();
        float(&mut out, f64::NEG_INFINITY);
        assert_eq!(out, "-.inf");
    }
}
