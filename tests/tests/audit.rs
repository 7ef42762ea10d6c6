//! The trust-policy auditor: a corpus of real-world-shaped policies (eksctl's forms, the
//! Terraform module's, wildcards, Deny, NotPrincipal, malformed ones) against golden
//! reports in `tests/audit/*.report.json`; every generated policy analysed back into
//! exactly its declared service accounts with no finding; and agreement with the
//! independent evaluator on random requests.

use irsa_core::Kind;
use irsa_core::audit::{Rule, analyze};
use irsa_tests::evaluator::{Decision, Request, evaluate};
use irsa_tests::golden::{compare, example_bundles, repo_root};
use proptest::prelude::*;
use std::collections::BTreeMap;

#[test]
fn corpus_matches_its_golden_reports() {
    let dir = repo_root().join("tests/audit");
    let mut files = BTreeMap::new();
    let mut inputs = 0;
    for entry in std::fs::read_dir(&dir).expect("tests/audit") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("name")
            .to_owned();
        if name.ends_with(".report.json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read");
        let report = match analyze(&text, 2048) {
            Ok(report) => serde_json::to_value(report).expect("json"),
            Err(error) => serde_json::json!({ "error": error }),
        };
        files.insert(
            name.replace(".json", ".report.json"),
            serde_json::to_string_pretty(&report).expect("json") + "\n",
        );
        files.insert(name, text);
        inputs += 1;
    }
    assert!(inputs >= 20, "the corpus holds {inputs} policies");
    let problems = compare(&dir, &files);
    assert!(
        problems.is_empty(),
        "audit reports differ (UPDATE_GOLDEN=1 rewrites them):\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_corpus_findings_are_the_expected_ones() {
    let dir = repo_root().join("tests/audit");
    let codes = |name: &str| -> Vec<&'static str> {
        let text = std::fs::read_to_string(dir.join(format!("{name}.json"))).expect("read");
        analyze(&text, 2048)
            .expect("parses")
            .findings
            .iter()
            .map(|f| f.code.as_str())
            .collect()
    };
    assert_eq!(codes("eksctl-aud-only"), ["no-sub"]);
    assert_eq!(codes("eksctl-with-sub"), Vec::<&str>::new());
    assert_eq!(codes("terraform-module-list"), Vec::<&str>::new());
    assert_eq!(codes("wildcard-everything"), ["wildcard-sub"]);
    assert_eq!(codes("wildcard-without-like"), ["wildcard-without-like"]);
    // A misspelt or empty `sub` admits nobody from an EKS cluster; another issuer's
    // subjects are its own.
    assert_eq!(codes("sub-typo"), ["sub-not-a-service-account"]);
    assert_eq!(codes("sub-empty-list"), ["sub-not-a-service-account"]);
    assert_eq!(codes("sub-other-issuer"), Vec::<&str>::new());
    // IAM's API returns the document URL-encoded; Windows editors add a byte order mark.
    assert_eq!(codes("get-role-url-encoded"), codes("eksctl-with-sub"));
    assert_eq!(codes("byte-order-mark"), codes("eksctl-with-sub"));
    assert_eq!(codes("missing-aud"), ["missing-aud"]);
    assert!(codes("wrong-action").contains(&"oidc-wrong-action"));
    assert_eq!(codes("principal-star"), ["principal-star"]);
    assert_eq!(codes("not-principal"), ["not-principal"]);
    assert_eq!(codes("resource-in-trust"), ["resource-in-trust"]);
    assert_eq!(codes("account-root"), ["root-without-external-id"]);
    assert_eq!(codes("account-root-external-id"), Vec::<&str>::new());
    assert_eq!(codes("for-all-values-sub"), ["for-all-values-sub"]);
    assert_eq!(codes("negated-sub"), ["negated-sub"]);
    assert_eq!(codes("case-insensitive-keys"), Vec::<&str>::new());
    assert_eq!(codes("get-role-output"), ["no-sub"]);
    // Fail closed: what is not a positive string match on `sub` or `aud` counts as open.
    assert_eq!(codes("null-sub"), ["opaque-sub"]);
    assert_eq!(codes("numeric-sub"), ["opaque-sub"]);
    assert_eq!(codes("for-any-value-negated-sub"), ["negated-sub"]);
    assert_eq!(codes("negated-aud"), ["opaque-aud"]);
    assert_eq!(codes("pod-identity-open"), ["pod-identity-open"]);
    // ForAllValues: is true without the tag (an association with session tags off).
    assert_eq!(codes("pod-identity-for-all-values"), ["pod-identity-open"]);
    // A pattern names no one: `?*` is any namespace.
    assert_eq!(codes("pod-identity-pattern-tags"), ["pod-identity-open"]);
    assert_eq!(
        codes("pod-identity-any-cluster"),
        ["pod-identity-any-cluster"]
    );
    // `Null` on the external ID says only that there is one: any will do.
    assert_eq!(
        codes("account-root-null-external-id"),
        ["root-without-external-id"]
    );
    assert_eq!(codes("wildcard-aud"), ["wildcard-aud"]);
    // sts.amazonaws.com.cn (eksctl#1910): no pod's token has it, so no pod gets in.
    assert_eq!(codes("aud-not-sts"), ["aud-not-sts"]);
    // A claim under a key IAM never sets: the statement admits nobody (not everyone).
    assert_eq!(codes("sub-keyed-by-provider-arn"), ["claim-key-never-set"]);
    assert_eq!(
        codes("sub-keyed-with-https"),
        ["claim-key-never-set", "claim-key-never-set"]
    );
    let report = |name: &str| {
        let text = std::fs::read_to_string(dir.join(format!("{name}.json"))).expect("read");
        analyze(&text, 2048).expect("parses")
    };
    assert!(!report("aud-not-sts").admits(ISSUER, "payments", "api", STS));
    // Pods whose ServiceAccount asks for that audience (eks.amazonaws.com/audience) get in.
    assert!(report("aud-not-sts").admits(ISSUER, "payments", "api", "sts.amazonaws.com.cn"));
    // A Deny of every token not for STS takes away tokens of another audience only.
    let guarded = analyze(
        &format!(
            r#"{{"Statement": [
            {{"Effect": "Allow", "Principal": {{"Federated": "arn:aws:iam::111122223333:oidc-provider/{ISSUER}"}}, "Action": "sts:AssumeRoleWithWebIdentity",
              "Condition": {{"StringEquals": {{"{ISSUER}:sub": "system:serviceaccount:payments:api"}}}}}},
            {{"Effect": "Deny", "Principal": {{"Federated": "arn:aws:iam::111122223333:oidc-provider/{ISSUER}"}}, "Action": "sts:AssumeRoleWithWebIdentity",
              "Condition": {{"StringNotEquals": {{"{ISSUER}:aud": "sts.amazonaws.com"}}}}}}]}}"#
        ),
        2048,
    )
    .expect("parses");
    assert!(guarded.admits(ISSUER, "payments", "api", STS));
    assert!(!guarded.admits(ISSUER, "payments", "api", "vault"));
    assert!(report("wildcard-aud").admits(ISSUER, "payments", "api", STS));
    assert!(report("sub-keyed-by-provider-arn").access.is_empty());
    // A Deny for every principal takes away; it is no one's access of its own.
    let deny_star = report("deny-principal-star");
    assert_eq!(deny_star.access.len(), 1);
    assert!(deny_star.admits(ISSUER, "payments", "api", STS));
    assert!(!deny_star.admits(ISSUER, "kube-system", "default", STS));
    // Two conditions on `sub` must both hold: listing both sets' accounts would widen.
    assert_eq!(report("correction-sub-twice").corrected, None);
    for open in ["null-sub", "numeric-sub", "for-any-value-negated-sub"] {
        let text = std::fs::read_to_string(dir.join(format!("{open}.json"))).expect("read");
        let report = analyze(&text, 2048).expect("parses");
        assert!(
            report.admits(
                "oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF",
                "anyone",
                "at-all",
                STS
            ),
            "{open} must count as admitting every service account"
        );
    }
    // A correction never widens: other conditions and the audience are kept; where the
    // statements disagree on them there is none.
    let keeps = analyze(
        &std::fs::read_to_string(dir.join("correction-keeps-conditions.json")).expect("read"),
        2048,
    )
    .expect("parses");
    let corrected = keeps.corrected.expect("a correction");
    assert!(
        corrected.contains("\"aws:SourceIp\": \"203.0.113.0/24\""),
        "{corrected}"
    );
    assert!(corrected.contains(":aud\": \"vault\""), "{corrected}");
    let unclear = analyze(
        &std::fs::read_to_string(dir.join("correction-unclear.json")).expect("read"),
        2048,
    )
    .expect("parses");
    assert_eq!(unclear.corrected, None);
    // `*` under StringEquals is literal: it admits nobody, and is no pattern.
    let literal = analyze(
        &std::fs::read_to_string(dir.join("wildcard-without-like.json")).expect("read"),
        2048,
    )
    .expect("parses");
    assert!(
        literal
            .access
            .iter()
            .all(|a| a.service_accounts.is_empty() && a.patterns.is_empty())
    );
    assert_eq!(literal.corrected, None);
    for malformed in [
        "malformed-not-json",
        "malformed-condition",
        "malformed-effect",
    ] {
        let text = std::fs::read_to_string(dir.join(format!("{malformed}.json"))).expect("read");
        assert!(analyze(&text, 2048).is_err(), "{malformed}");
    }
    let deny = analyze(
        &std::fs::read_to_string(dir.join("deny-one.json")).expect("read"),
        2048,
    )
    .expect("parses");
    assert_eq!(deny.access[0].denied, ["system:serviceaccount:team:admin"]);
    // Found by the property below: `*` under StringEquals in a Deny is literal and denies
    // nobody, so payments/api is still let in.
    let literal_deny = analyze(
        &std::fs::read_to_string(dir.join("deny-literal-star.json")).expect("read"),
        2048,
    )
    .expect("parses");
    assert!(literal_deny.admits(ISSUER, "payments", "api", STS));
}

#[test]
fn every_generated_trust_policy_analyses_to_its_service_accounts_without_findings() {
    for (name, bundle) in example_bundles() {
        let spec_subjects: Vec<String> = bundle
            .artifacts
            .iter()
            .filter(|a| a.kind == Kind::ServiceAccount)
            .map(|a| {
                let sa: serde_json::Value = serde_saphyr::from_str(&a.content).expect("yaml");
                format!(
                    "{}/{}",
                    sa["metadata"]["namespace"].as_str().expect("ns"),
                    sa["metadata"]["name"].as_str().expect("name")
                )
            })
            .collect();
        for artifact in bundle
            .artifacts
            .iter()
            .filter(|a| a.kind == Kind::TrustPolicy)
        {
            let report = analyze(&artifact.content, 2048).expect("parses");
            assert!(
                report.findings.iter().all(|f| f.code == Rule::WildcardSub),
                "{name} {}: {:#?}",
                artifact.path,
                report.findings
            );
            for access in &report.access {
                let mut expected = spec_subjects.clone();
                expected.sort();
                assert_eq!(
                    access.service_accounts, expected,
                    "{name} {}",
                    artifact.path
                );
                assert!(!access.any_service_account);
            }
        }
    }
}

const ISSUER: &str = "oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF";
/// The audience of pods' tokens where their ServiceAccount names none.
const STS: &str = "sts.amazonaws.com";

/// A Deny of every principal with a condition on one issuer's `sub` takes nothing from
/// another issuer's tokens, which lack that key: the auditor agrees with IAM.
#[test]
fn a_deny_on_one_issuers_claims_leaves_another_issuers_tokens_alone() {
    let other = "oidc.eks.us-east-1.amazonaws.com/id/FEDCBA9876543210FEDCBA9876543210";
    let provider = format!("arn:aws:iam::111122223333:oidc-provider/{other}");
    let policy = format!(
        r#"{{"Version": "2012-10-17", "Statement": [
  {{"Effect": "Allow", "Principal": {{"Federated": "{provider}"}}, "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {{"StringEquals": {{"{other}:aud": "sts.amazonaws.com"}}, "StringLike": {{"{other}:sub": "system:serviceaccount:kube-system:*"}}}}}},
  {{"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRoleWithWebIdentity",
    "Condition": {{"StringLike": {{"{ISSUER}:sub": "system:serviceaccount:kube-system:*"}}}}}}]}}"#
    );
    let report = analyze(&policy, 8192).expect("parses");
    let sub = "system:serviceaccount:kube-system:x";
    let decision = evaluate(
        &policy,
        &Request::web_identity(&provider, other, Some(sub), Some("sts.amazonaws.com")),
    )
    .expect("evaluates");
    assert_eq!(decision, Decision::Allow);
    assert!(report.admits(other, "kube-system", "x", STS), "{report:#?}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// For generated policies and random `sub` claims, the analysis says "may assume"
    /// exactly when the evaluator allows.
    #[test]
    fn analysis_agrees_with_the_evaluator(
        subjects in prop::collection::btree_set(("[a-c]{1,2}", "[a-c]{1,2}"), 1..4),
        pattern in prop::option::of("[a-c]{1,2}"),
        probe in ("[a-c]{1,2}", "[a-c]{1,3}"),
    ) {
        let mut sas: Vec<String> = subjects.iter().map(|(ns, n)| format!("\"{ns}/{n}\"")).collect();
        if let Some(p) = &pattern {
            sas.push(format!("\"{p}/x*\""));
        }
        let spec = format!("account: \"111122223333\"\nrole: r\nsubjectPatterns: true\ncluster: https://{ISSUER}\nserviceAccount: [{}]\n", sas.join(", "));
        let bundle = irsa_core::generate(&spec);
        prop_assume!(!bundle.has_errors());
        let policy = &bundle.artifacts.iter().find(|a| a.kind == Kind::TrustPolicy).expect("trust").content;
        let report = analyze(policy, 8192).expect("parses");
        let sub = format!("system:serviceaccount:{}:{}", probe.0, probe.1);
        let by_analysis = report.admits(ISSUER, &probe.0, &probe.1, STS);
        let provider = format!("arn:aws:iam::111122223333:oidc-provider/{ISSUER}");
        let decision = evaluate(policy, &Request::web_identity(&provider, ISSUER, Some(&sub), Some("sts.amazonaws.com"))).expect("evaluates");
        prop_assert_eq!(by_analysis, decision == Decision::Allow, "{}", sub);
    }

    /// For random trust policies — any mix of Allow and Deny statements, positive, negated,
    /// `IfExists`, `ForAnyValue:` and `Null` conditions on `sub`, with or without `aud`
    /// (pods' `sts.amazonaws.com` or another), probed with tokens of either audience —
    /// the auditor fails closed: whatever the evaluator lets in, the auditor says may
    /// assume the role. Where every condition is a positive match in Allow statements,
    /// the two agree exactly.
    #[test]
    fn the_auditor_never_admits_less_than_iam(
        statements in prop::collection::vec(
            (
                prop::bool::weighted(0.8),
                prop::sample::select(vec![
                    "StringEquals", "StringLike", "StringNotEquals", "StringNotLike",
                    "ForAnyValue:StringLike", "ForAnyValue:StringNotEquals",
                    "StringEqualsIfExists", "StringLikeIfExists", "Null", "none",
                ]),
                prop::collection::vec("(system:serviceaccount:)?[ab*?]{1,2}(:[ab*?]{1,2})?|true|false", 1..3),
                prop::sample::select(vec!["", "sts.amazonaws.com", "sts.amazonaws.com.cn"]),
            ),
            1..4,
        ),
        probe in ("[ab]{1,2}", "[ab]{1,2}"),
        audience in prop::sample::select(vec!["sts.amazonaws.com", "sts.amazonaws.com.cn"]),
    ) {
        let provider = format!("arn:aws:iam::111122223333:oidc-provider/{ISSUER}");
        let mut positive = true;
        let rendered: Vec<String> = statements.iter().map(|(allow, op, values, aud)| {
            let effect = if *allow { "Allow" } else { "Deny" };
            positive &= *allow && matches!(*op, "StringEquals" | "StringLike");
            let mut conditions = Vec::new();
            if *op != "none" {
                conditions.push(format!("\"{op}\": {{\"{ISSUER}:sub\": {}}}", serde_json::json!(values)));
            }
            if !aud.is_empty() {
                conditions.push(format!("\"StringEquals\": {{\"{ISSUER}:aud\": \"{aud}\"}}"));
            }
            // One operator may carry one key at most once: merge aud into a StringEquals on sub.
            let condition = if *op == "StringEquals" && !aud.is_empty() {
                format!("{{\"StringEquals\": {{\"{ISSUER}:sub\": {}, \"{ISSUER}:aud\": \"{aud}\"}}}}", serde_json::json!(values))
            } else {
                format!("{{{}}}", conditions.join(", "))
            };
            format!("{{\"Effect\": \"{effect}\", \"Principal\": {{\"Federated\": \"{provider}\"}}, \"Action\": \"sts:AssumeRoleWithWebIdentity\", \"Condition\": {condition}}}")
        }).collect();
        let policy = format!("{{\"Version\": \"2012-10-17\", \"Statement\": [{}]}}", rendered.join(", "));
        let report = analyze(&policy, 8192).expect("parses");
        let sub = format!("system:serviceaccount:{}:{}", probe.0, probe.1);
        let decision = evaluate(&policy, &Request::web_identity(&provider, ISSUER, Some(&sub), Some(audience))).expect("evaluates");
        let by_analysis = report.admits(ISSUER, &probe.0, &probe.1, audience);
        if decision == Decision::Allow {
            prop_assert!(by_analysis, "IAM lets {} in, the auditor says no:\n{}", sub, policy);
        }
        if positive {
            prop_assert_eq!(by_analysis, decision == Decision::Allow, "{}\n{}", sub, policy);
        }
    }

    #[test]
    fn arbitrary_text_never_panics_the_auditor(text in ".{0,300}") {
        let _ = analyze(&text, 2048);
    }
}
