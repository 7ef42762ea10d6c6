//! A line diff for people: what a dry run would change in a policy document.

/// Lines of `after` against `before`, `-` removed, `+` added, with up to two unchanged
/// lines of context around each change; longer unchanged runs become `…`.
pub fn lines(before: &str, after: &str) -> Vec<String> {
    let (a, b): (Vec<&str>, Vec<&str>) = (before.lines().collect(), after.lines().collect());
    // Longest common subsequence table, from the ends: policies are tens of lines.
    let mut common = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            common[i][j] = if a[i] == b[j] {
                common[i + 1][j + 1] + 1
            } else {
                common[i + 1][j].max(common[i][j + 1])
            };
        }
    }
    let mut marked: Vec<(char, &str)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            marked.push((' ', a[i]));
            (i, j) = (i + 1, j + 1);
        } else if i < a.len() && (j == b.len() || common[i + 1][j] >= common[i][j + 1]) {
            marked.push(('-', a[i]));
            i += 1;
        } else {
            marked.push(('+', b[j]));
            j += 1;
        }
    }
    const CONTEXT: usize = 2;
    let near_change = |n: usize| {
        let from = n.saturating_sub(CONTEXT);
        let to = (n + CONTEXT + 1).min(marked.len());
        marked[from..to].iter().any(|(m, _)| *m != ' ')
    };
    let mut out = Vec::new();
    for (n, (mark, line)) in marked.iter().enumerate() {
        if *mark != ' ' || near_change(n) {
            out.push(format!("{mark} {line}"));
        } else if out.last().is_none_or(|l: &String| l != "  …") {
            out.push("  …".to_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::lines;

    #[test]
    fn only_changes_and_their_context_are_shown() {
        let before = "a\nb\nc\nd\ne\nf\ng\nh";
        let after = "a\nb\nc\nd\nE\nf\ng\nh";
        assert_eq!(
            lines(before, after),
            ["  …", "  c", "  d", "- e", "+ E", "  f", "  g", "  …"]
        );
    }

    #[test]
    fn a_new_document_is_all_additions() {
        assert_eq!(lines("", "{\n}"), ["+ {", "+ }"]);
        assert!(lines("same", "same").iter().all(|l| l == "  …"));
    }
}
