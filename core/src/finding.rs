//! One shape for everything irsa reports about what it read: a spec's diagnostics, a trust
//! policy's audit findings and doctor's checks. Each names its rule with a stable code,
//! says how much it matters, where it is, what is wrong and how to mend it, so one parser
//! reads the JSON of `generate`, `audit` and `doctor` alike.

use serde::Serialize;
use std::fmt;

/// `C` is the reporter's code enum and `S` its scale (a diagnostic's severity, an audit
/// finding's risk, a doctor check's result), both `wire_enum!`s.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct Finding<C, S> {
    pub severity: S,
    pub code: C,
    /// Where: a spec field (`serviceAccount[1]`, `assume.deploy.role`), a place in a
    /// policy (`Statement[0].Condition`) or a cluster object (`deployment/api container
    /// app`); empty for the whole.
    pub field: String,
    /// Lower case, no final period, user values in backticks.
    pub message: String,
    /// How to mend it, when there is a way.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "tsify", tsify(optional))]
    pub help: Option<String>,
}

impl<C, S> Finding<C, S> {
    pub fn new(severity: S, code: C, field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity,
            code,
            field: field.into(),
            message: message.into(),
            help: None,
        }
    }

    /// The [`Display`](fmt::Display) lines, each after `indent`, for nested reports.
    pub fn lines(&self, indent: &str) -> String
    where
        C: fmt::Display,
        S: fmt::Display,
    {
        self.to_string()
            .lines()
            .map(|line| format!("{indent}{line}\n"))
            .collect()
    }

    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// `severity[code] field: message` and an indented `help:` line, as a terminal shows it.
/// Values inside have their control characters escaped (`\u{1b}`), so text from a spec,
/// a policy or a cluster cannot move the cursor or recolour the terminal.
impl<C: fmt::Display, S: fmt::Display> fmt::Display for Finding<C, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]", self.severity, self.code)?;
        if !self.field.is_empty() {
            write!(f, " {}", Visible(&self.field))?;
        }
        write!(f, ": {}", Visible(&self.message))?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {}", Visible(help))?;
        }
        Ok(())
    }
}

/// Text with its control characters escaped.
#[derive(Debug)]
pub struct Visible<'a>(pub &'a str);

impl fmt::Display for Visible<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            if c.is_control() {
                write!(f, "{}", c.escape_unicode())?;
            } else {
                write!(f, "{c}")?;
            }
        }
        Ok(())
    }
}
