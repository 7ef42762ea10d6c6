//! Diagnostics: every problem with a spec, as data that crosses to the terminal, JSON and JS.

use crate::finding::Finding;

crate::wire::wire_enum! {
    /// How bad a diagnostic is. Errors stop generation; warnings flag risky but legal input.
    pub enum Severity {
        Error => "error",
        Warning => "warning",
    }
}

crate::wire::wire_enum! {
    /// Stable machine-readable codes. Renaming one is a breaking change.
    pub enum Code {
        Syntax => "syntax",
        UnknownField => "unknown-field",
        MissingField => "missing-field",
        WrongType => "wrong-type",
        Duplicate => "duplicate",
        AccountId => "account-id",
        Partition => "partition",
        PartitionMismatch => "partition-mismatch",
        Issuer => "issuer",
        ServiceAccount => "service-account",
        Namespace => "namespace",
        ServiceAccountName => "service-account-name",
        PatternNotAllowed => "pattern-not-allowed",
        RoleName => "role-name",
        RolePath => "role-path",
        RoleArn => "role-arn",
        PolicyArn => "policy-arn",
        SelfAssume => "self-assume",
        ProfileName => "profile-name",
        Duration => "duration",
        ChainedDuration => "chained-duration",
        SessionName => "session-name",
        ExternalId => "external-id",
        Tag => "tag",
        TooManyTags => "too-many-tags",
        Statement => "statement",
        PolicyText => "policy-text",
        PolicyTooLarge => "policy-too-large",
        TooManyManagedPolicies => "too-many-managed-policies",
        TrustPolicyTooLarge => "trust-policy-too-large",
        TokenExpiration => "token-expiration",
        Quota => "quota",
        ConfigMapName => "config-map-name",
        MountPath => "mount-path",
        Workload => "workload",
        ModuleSource => "module-source",
        ClusterName => "cluster-name",
        Region => "region",
        DefaultServiceAccount => "default-service-account",
        SubjectPattern => "subject-pattern",
        TrustPolicyNearQuota => "trust-policy-near-quota",
        CrossAccountWithoutExternalId => "cross-account-without-external-id",
        EksIssuerShape => "eks-issuer-shape",
        BroadPermissions => "broad-permissions",
        UnusedSetting => "unused-setting",
    }
}

/// One finding about the spec, its path the field it concerns (`serviceAccount[1]`,
/// `assume.deploy.role`; empty for the document as a whole).
pub type Diagnostic = Finding<Code, Severity>;

#[cfg(feature = "tsify")]
#[wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)]
const DIAGNOSTIC_TYPE: &str = "export type Diagnostic = Finding<Code, Severity>;";

impl Diagnostic {
    pub fn error(code: Code, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, path, message)
    }

    pub fn warning(code: Code, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, path, message)
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
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
