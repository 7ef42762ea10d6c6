//! A small HCL writer producing `terraform fmt`-clean text: `=` aligned across runs of
//! one-line attributes (heredocs included, as fmt does), multi-line maps and nested
//! blocks on their own, two-space indentation.

use std::fmt::Write;

#[derive(Debug)]
pub enum Item {
    /// `key = value` on one line.
    Attr(String, String),
    /// `key = <<-EOT` … `EOT`: the text kept exactly (interpolation escaped).
    Heredoc(String, String),
    /// `key = {` … `}` with nested items.
    Map(String, Vec<Item>),
    /// `header {` … `}`.
    Block(String, Vec<Item>),
    Blank,
}

pub fn attr(key: &str, value: impl Into<String>) -> Item {
    Item::Attr(key.to_owned(), value.into())
}

/// A quoted HCL string: `\`, `"` and control characters escaped, and `${`/`%{` doubled so
/// that nothing is interpolated.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `["a", "b"]`.
pub fn list<S: AsRef<str>>(items: &[S]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| string(s.as_ref())).collect();
    format!("[{}]", quoted.join(", "))
}

fn escape_templates(s: &str) -> String {
    s.replace("${", "$${").replace("%{", "%%{")
}

/// Writes `items` at `depth` levels of indentation.
pub fn write(out: &mut String, items: &[Item], depth: usize) {
    let pad = "  ".repeat(depth);
    let mut i = 0;
    while let Some(item) = items.get(i) {
        match item {
            Item::Attr(..) | Item::Heredoc(..) => {
                let run: Vec<&Item> = items
                    .get(i..)
                    .unwrap_or_default()
                    .iter()
                    .take_while(|it| matches!(it, Item::Attr(..) | Item::Heredoc(..)))
                    .collect();
                let width = run
                    .iter()
                    .map(|it| match it {
                        // `{k:width$}` pads by characters, and so does `terraform fmt`.
                        Item::Attr(k, _) | Item::Heredoc(k, _) => k.chars().count(),
                        _ => 0,
                    })
                    .max()
                    .unwrap_or(0);
                for it in &run {
                    match it {
                        Item::Attr(k, v) => {
                            let _ = writeln!(out, "{pad}{k:width$} = {v}");
                        }
                        Item::Heredoc(k, text) => {
                            let _ = writeln!(out, "{pad}{k:width$} = <<-EOT");
                            for line in escape_templates(text).lines() {
                                if line.is_empty() {
                                    out.push('\n');
                                } else {
                                    let _ = writeln!(out, "{pad}  {line}");
                                }
                            }
                            let _ = writeln!(out, "{pad}EOT");
                        }
                        _ => {}
                    }
                }
                i += run.len();
                continue;
            }
            Item::Map(key, inner) => {
                let _ = writeln!(out, "{pad}{key} = {{");
                write(out, inner, depth + 1);
                let _ = writeln!(out, "{pad}}}");
            }
            Item::Block(header, inner) => {
                let _ = writeln!(out, "{pad}{header} {{");
                write(out, inner, depth + 1);
                let _ = writeln!(out, "{pad}}}");
            }
            Item::Blank => out.push('\n'),
        }
        i += 1;
    }
}

/// Top-level blocks separated by blank lines.
pub fn document(header_comment: &str, blocks: &[Item]) -> String {
    let mut out = String::new();
    for line in header_comment.lines() {
        let _ = writeln!(out, "# {line}");
    }
    for block in blocks {
        out.push('\n');
        write(&mut out, std::slice::from_ref(block), 0);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_never_interpolate() {
        assert_eq!(string("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(
            string("arn:aws:s3:::b/${aws:username}/*"),
            r#""arn:aws:s3:::b/$${aws:username}/*""#
        );
        assert_eq!(string("%{if}"), r#""%%{if}""#);
    }

    /// `terraform fmt` aligns by characters: a non-ASCII key is one column per character.
    #[test]
    fn alignment_counts_characters() {
        let mut out = String::new();
        write(
            &mut out,
            &[
                attr(&string("café"), string("x")),
                attr(&string("a"), string("y")),
            ],
            0,
        );
        assert_eq!(out, "\"café\" = \"x\"\n\"a\"    = \"y\"\n");
    }

    #[test]
    fn alignment_follows_terraform_fmt() {
        let mut out = String::new();
        let items = vec![
            attr("name", string("a")),
            attr("longer_name", "1"),
            Item::Map(
                "tags".into(),
                vec![attr("a", string("b")), attr("ccc", string("d"))],
            ),
            attr("after", "1"),
            Item::Heredoc("policy".into(), "{\n  \"a\": 1\n}\n".into()),
            attr("z", "2"),
        ];
        write(
            &mut out,
            &[Item::Block("resource \"x\" \"y\"".into(), items)],
            0,
        );
        let expected = "resource \"x\" \"y\" {\n  name        = \"a\"\n  longer_name = 1\n  tags = {\n    a   = \"b\"\n    ccc = \"d\"\n  }\n  after  = 1\n  policy = <<-EOT\n    {\n      \"a\": 1\n    }\n  EOT\n  z      = 2\n}\n";
        assert_eq!(out, expected);
    }
}
