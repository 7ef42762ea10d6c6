//! Diagnostics: every problem with a spec, as data that crosses to the terminal, JSON and JS.

use serde::Serialize;
use std::fmt;

/// How bad a diagnostic is. Errors stop generation; warnings flag risky but legal input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// Stable machine-readable codes. Renaming one is a breaking change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    // Structure of the document.
    Syntax,
    UnknownField,
    MissingField,
    WrongType,
    Duplicate,
    // Values.
    AccountId,
    Partition,
    PartitionMismatch,
    Issuer,
    ServiceAccount,
    Namespace,
    ServiceAccountName,
    PatternNotAllowed,
    RoleName,
    RolePath,
    RoleArn,
    PolicyArn,
    SelfAssume,
    ProfileName,
    Duration,
    ChainedDuration,
    SessionName,
    ExternalId,
    Tag,
    TooManyTags,
    Statement,
    PolicyText,
    PolicyTooLarge,
    TooManyManagedPolicies,
    TrustPolicyTooLarge,
    TokenExpiration,
    Quota,
    ConfigMapName,
    MountPath,
    Workload,
    // Warnings.
    DefaultServiceAccount,
    SubjectPattern,
    TrustPolicyNearQuota,
    CrossAccountWithoutExternalId,
    EksIssuerShape,
}

impl Code {
    /// The code as it appears in JSON and in terminal reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Syntax => "syntax",
            Code::UnknownField => "unknown-field",
            Code::MissingField => "missing-field",
            Code::WrongType => "wrong-type",
            Code::Duplicate => "duplicate",
            Code::AccountId => "account-id",
            Code::Partition => "partition",
            Code::PartitionMismatch => "partition-mismatch",
            Code::Issuer => "issuer",
            Code::ServiceAccount => "service-account",
            Code::Namespace => "namespace",
            Code::ServiceAccountName => "service-account-name",
            Code::PatternNotAllowed => "pattern-not-allowed",
            Code::RoleName => "role-name",
            Code::RolePath => "role-path",
            Code::RoleArn => "role-arn",
            Code::PolicyArn => "policy-arn",
            Code::SelfAssume => "self-assume",
            Code::ProfileName => "profile-name",
            Code::Duration => "duration",
            Code::ChainedDuration => "chained-duration",
            Code::SessionName => "session-name",
            Code::ExternalId => "external-id",
            Code::Tag => "tag",
            Code::TooManyTags => "too-many-tags",
            Code::Statement => "statement",
            Code::PolicyText => "policy-text",
            Code::PolicyTooLarge => "policy-too-large",
            Code::TooManyManagedPolicies => "too-many-managed-policies",
            Code::TrustPolicyTooLarge => "trust-policy-too-large",
            Code::TokenExpiration => "token-expiration",
            Code::Quota => "quota",
            Code::ConfigMapName => "config-map-name",
            Code::MountPath => "mount-path",
            Code::Workload => "workload",
            Code::DefaultServiceAccount => "default-service-account",
            Code::SubjectPattern => "subject-pattern",
            Code::TrustPolicyNearQuota => "trust-policy-near-quota",
            Code::CrossAccountWithoutExternalId => "cross-account-without-external-id",
            Code::EksIssuerShape => "eks-issuer-shape",
        }
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding about the spec, pointing at the field it concerns (`serviceAccount[1]`,
/// `assume.deploy.role`; empty for the document as a whole).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    pub field: String,
    /// Lower case, no final period, user values in backticks.
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: Code, field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            code,
            field: field.into(),
            message: message.into(),
            help: None,
        }
    }

    pub fn warning(code: Code, field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            code,
            field: field.into(),
            message: message.into(),
            help: None,
        }
    }

    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{level}[{}]", self.code)?;
        if !self.field.is_empty() {
            write!(f, " {}", self.field)?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// Collects diagnostics while a spec is read and checked, so every problem is reported at once.
#[derive(Debug, Default)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.0
    }
}

/// Joins a parent field path and a key: `assume` + `deploy` -> `assume.deploy`.
pub(crate) fn field(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}

/// Field path of a list element: `serviceAccount` + 1 -> `serviceAccount[1]`.
pub(crate) fn index(parent: &str, i: usize) -> String {
    format!("{parent}[{i}]")
}
