//! Completion of `kubectl irsa …` in kubectl's own completion: kubectl (1.26 and later)
//! runs `kubectl_complete-irsa WORD…` (the plugin binary under that name, or
//! `kubectl-irsa __complete WORD…`), the last word being the one to complete, and reads
//! cobra's answer: one candidate a line, a tab before its description, then `:DIRECTIVE`.

use clap::Command;

/// cobra's ShellCompDirective values.
const DEFAULT: u8 = 0;
const NO_FILE_COMPLETION: u8 = 4;

/// The answer for the words after `kubectl irsa`.
pub fn answer(root: &Command, words: &[String]) -> String {
    let (partial, typed) = match words.split_last() {
        Some((last, typed)) => (last.as_str(), typed),
        None => ("", &[][..]),
    };
    let sub = typed.iter().find_map(|word| {
        root.get_subcommands()
            .find(|s| !s.is_hide_set() && s.get_name() == word)
    });
    let Some(sub) = sub else {
        let candidates = root
            .get_subcommands()
            .filter(|s| !s.is_hide_set())
            .map(|s| {
                (
                    s.get_name().to_owned(),
                    s.get_about().map(|a| a.to_string()),
                )
            });
        return reply(candidates, partial, NO_FILE_COMPLETION);
    };
    // `--format=cl` or `-o=y`: the value after the `=`, answered bare as cobra does
    // (kubectl's shell scripts put the `--format=` back).
    let joined = partial
        .split_once('=')
        .and_then(|(word, value)| Some((flag_named(sub, word)?, value)));
    if partial.starts_with('-') && joined.is_none() {
        let flags = sub
            .get_arguments()
            .filter(|a| !a.is_hide_set())
            .filter_map(|a| {
                Some((
                    format!("--{}", a.get_long()?),
                    a.get_help().map(|h| h.to_string()),
                ))
            });
        return reply(flags, partial, NO_FILE_COMPLETION);
    }
    // The value of the flag in the word, or of the flag just typed, else the next
    // positional argument.
    let (flag, partial) = match joined {
        Some((flag, value)) => (Some(flag), value),
        None => (typed.last().and_then(|word| flag_named(sub, word)), partial),
    };
    let flag = flag.filter(|a| a.get_action().takes_values());
    let arg = match joined {
        Some(_) => flag,
        None => flag.or_else(|| sub.get_positionals().next()),
    };
    let values = arg.map(possible_values).unwrap_or_default();
    // A flag whose value is a file (-f SPEC, --trust-policy FILE, --out-dir DIR): the
    // shell's own file completion; a name (--role) the shell cannot know: nothing.
    let takes_path = flag.and_then(|a| a.get_value_names()).is_some_and(|names| {
        names.iter().any(|n| {
            ["FILE", "DIR", "SPEC"]
                .iter()
                .any(|p| n.as_str().contains(p))
        })
    });
    let directive = if values.is_empty() && takes_path {
        DEFAULT
    } else {
        NO_FILE_COMPLETION
    };
    reply(values.into_iter(), partial, directive)
}

/// The argument `word` names: `--long` or `-s`.
fn flag_named<'a>(sub: &'a Command, word: &str) -> Option<&'a clap::Arg> {
    match word.strip_prefix("--") {
        Some(long) => sub.get_arguments().find(|a| a.get_long() == Some(long)),
        None => {
            let mut chars = word.strip_prefix('-')?.chars();
            let short = chars.next().filter(|_| chars.next().is_none())?;
            sub.get_arguments().find(|a| a.get_short() == Some(short))
        }
    }
}

/// An argument's possible values and their help, as clap lists them.
fn possible_values(arg: &clap::Arg) -> Vec<(String, Option<String>)> {
    arg.get_possible_values()
        .into_iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| (v.get_name().to_owned(), v.get_help().map(|h| h.to_string())))
        .collect()
}

fn reply(
    candidates: impl Iterator<Item = (String, Option<String>)>,
    partial: &str,
    directive: u8,
) -> String {
    let mut out = String::new();
    for (name, about) in candidates.filter(|(name, _)| name.starts_with(partial)) {
        out.push_str(&name);
        if let Some(about) = about {
            out.push('\t');
            out.push_str(about.lines().next().unwrap_or_default());
        }
        out.push('\n');
    }
    out.push_str(&format!(":{directive}\n"));
    out
}
