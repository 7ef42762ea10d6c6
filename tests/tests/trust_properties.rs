//! For random valid specs, the generated trust policies admit exactly the declared
//! (issuer, service account) pairs with `aud = sts.amazonaws.com`, and nothing near them —
//! as judged by the independent evaluator, not by comparing strings.

use irsa_core::{Kind, Plan};
use irsa_tests::evaluator::{Decision, Request, evaluate};
use proptest::prelude::*;

fn label() -> impl Strategy<Value = String> {
    "[a-z]([a-z0-9-]{0,10}[a-z0-9])?"
}

fn issuer() -> impl Strategy<Value = String> {
    let region = prop_oneof![Just("eu-west-2"), Just("us-east-1"), Just("ap-southeast-2")];
    (region, "[0-9A-F]{32}")
        .prop_map(|(r, id)| format!("https://oidc.eks.{r}.amazonaws.com/id/{id}"))
}

/// Issuers, (namespace, name) pairs, and targets with an optional external ID.
type Shape = (Vec<String>, Vec<(String, String)>, Vec<Option<String>>);

fn spec() -> impl Strategy<Value = Shape> {
    (
        prop::collection::btree_set(issuer(), 1..4),
        prop::collection::btree_set((label(), label()), 1..6),
        prop::collection::vec(prop::option::of("[a-zA-Z0-9_+=,.@:/-]{2,20}"), 0..3),
    )
        .prop_map(|(i, s, t)| (i.into_iter().collect(), s.into_iter().collect(), t))
}

fn render(issuers: &[String], subjects: &[(String, String)], targets: &[Option<String>]) -> String {
    let sas: Vec<String> = subjects
        .iter()
        .map(|(ns, n)| format!("\"{ns}/{n}\""))
        .collect();
    let mut text = format!(
        "account: \"111122223333\"\ntrustPolicyQuota: 8192\nrole: pod\ncluster: [{}]\nserviceAccount: [{}]\n",
        issuers.join(", "),
        sas.join(", ")
    );
    if !targets.is_empty() {
        text.push_str("assume:\n");
        for (i, external_id) in targets.iter().enumerate() {
            match external_id {
                Some(id) => text.push_str(&format!(
                    "  p{i}: {{role: target{i}, externalId: \"{id}\"}}\n"
                )),
                None => text.push_str(&format!("  p{i}: target{i}\n")),
            }
        }
    }
    text
}

fn decide(policy: &str, request: &Request) -> Decision {
    evaluate(policy, request)
        .unwrap_or_else(|e| panic!("evaluator rejected the policy: {e}\n{policy}"))
}

fn trust_of<'a>(bundle: &'a irsa_core::Bundle, role: &str) -> &'a str {
    let artifact = bundle
        .artifacts
        .iter()
        .find(|a| a.kind == Kind::TrustPolicy && a.role.as_deref() == Some(role));
    &artifact.expect("trust policy").content
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn pod_trust_admits_exactly_the_declared_pairs((issuers, subjects, targets) in spec(), stranger in label()) {
        let text = render(&issuers, &subjects, &targets);
        let bundle = irsa_core::generate(&text);
        prop_assert!(!bundle.has_errors(), "{:#?}", bundle.diagnostics);
        let plan: Plan = irsa_core::plan(&text).expect("plan");
        let policy = trust_of(&bundle, "pod");
        let other_issuer = "oidc.eks.eu-west-2.amazonaws.com/id/FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF".to_owned();
        let mut ids: Vec<String> = plan.issuers().map(|i| i.id.clone()).collect();
        let foreign = !ids.contains(&other_issuer);
        if foreign {
            ids.push(other_issuer);
        }
        for (n, id) in ids.iter().enumerate() {
            let declared_cluster = n < issuers.len();
            let provider = format!("arn:aws:iam::111122223333:oidc-provider/{id}");
            let req = |sub: Option<&str>, aud: Option<&str>| Request::web_identity(&provider, id, sub, aud);
            for (ns, name) in &subjects {
                let sub = format!("system:serviceaccount:{ns}:{name}");
                let expected = if declared_cluster { Decision::Allow } else { Decision::ImplicitDeny };
                prop_assert_eq!(decide(policy, &req(Some(&sub), Some("sts.amazonaws.com"))), expected, "{} {}", id, sub);
                // Near misses: every one is refused.
                let declared = |s: &str| subjects.iter().any(|(a, b)| format!("system:serviceaccount:{a}:{b}") == s);
                let misses = [
                    format!("system:serviceaccount:{stranger}x:{name}"),
                    format!("system:serviceaccount:{ns}:{name}x"),
                    format!("system:serviceaccount:{ns}:x{name}"),
                    format!("system:serviceaccount:{ns}:{}", &name[..name.len() - 1]),
                    format!("system:serviceaccount:{ns}:{name}:extra"),
                    format!("system:serviceaccount:{ns}:*"),
                    format!("system:serviceaccount:{}:{name}", ns.to_uppercase()),
                ];
                for miss in misses.iter().filter(|m| !declared(m)) {
                    prop_assert_eq!(decide(policy, &req(Some(miss), Some("sts.amazonaws.com"))), Decision::ImplicitDeny, "{}", miss);
                }
                for aud in [Some("sts.amazonaws.com.cn"), Some("STS.amazonaws.com"), Some("other"), None] {
                    prop_assert_eq!(decide(policy, &req(Some(&sub), aud)), Decision::ImplicitDeny, "aud {:?}", aud);
                }
                prop_assert_eq!(decide(policy, &req(None, Some("sts.amazonaws.com"))), Decision::ImplicitDeny);
                let mut wrong_action = req(Some(&sub), Some("sts.amazonaws.com"));
                wrong_action.action = "sts:AssumeRole".into();
                prop_assert_eq!(decide(policy, &wrong_action), Decision::ImplicitDeny);
                let as_role = Request { principal_type: "AWS".into(), ..req(Some(&sub), Some("sts.amazonaws.com")) };
                prop_assert_eq!(decide(policy, &as_role), Decision::ImplicitDeny);
            }
        }
    }

    #[test]
    fn target_trust_admits_only_the_pod_role_with_its_external_id((issuers, subjects, targets) in spec()) {
        let text = render(&issuers, &subjects, &targets);
        let bundle = irsa_core::generate(&text);
        let pod = "arn:aws:iam::111122223333:role/pod";
        for (i, external_id) in targets.iter().enumerate() {
            let policy = trust_of(&bundle, &format!("target{i}"));
            let id = external_id.as_deref();
            prop_assert_eq!(decide(policy, &Request::assume_role(pod, id)), Decision::Allow);
            prop_assert_eq!(decide(policy, &Request::assume_role("arn:aws:iam::111122223333:role/other", id)), Decision::ImplicitDeny);
            prop_assert_eq!(decide(policy, &Request::assume_role("arn:aws:iam::999999999999:role/pod", id)), Decision::ImplicitDeny);
            if let Some(id) = id {
                prop_assert_eq!(decide(policy, &Request::assume_role(pod, None)), Decision::ImplicitDeny);
                prop_assert_eq!(decide(policy, &Request::assume_role(pod, Some(&format!("{id}x")))), Decision::ImplicitDeny);
            }
        }
    }

    #[test]
    fn patterns_admit_what_they_match_and_nothing_else(ns in label(), prefix in label(), suffix in label(), other in label()) {
        let text = format!(
            "account: \"111122223333\"\nrole: pod\nsubjectPatterns: true\ncluster: https://oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF\nserviceAccount: [\"{ns}/{prefix}-*\", \"{ns}/exact\"]\n"
        );
        let bundle = irsa_core::generate(&text);
        prop_assert!(!bundle.has_errors(), "{:#?}", bundle.diagnostics);
        let policy = trust_of(&bundle, "pod");
        let id = "oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF";
        let provider = format!("arn:aws:iam::111122223333:oidc-provider/{id}");
        let ask = |sub: String| decide(policy, &Request::web_identity(&provider, id, Some(&sub), Some("sts.amazonaws.com")));
        prop_assert_eq!(ask(format!("system:serviceaccount:{ns}:{prefix}-{suffix}")), Decision::Allow);
        prop_assert_eq!(ask(format!("system:serviceaccount:{ns}:exact")), Decision::Allow);
        prop_assert_eq!(ask(format!("system:serviceaccount:{ns}x:{prefix}-{suffix}")), Decision::ImplicitDeny);
        if !other.starts_with(&format!("{prefix}-")) && other != "exact" {
            prop_assert_eq!(ask(format!("system:serviceaccount:{ns}:{other}")), Decision::ImplicitDeny);
        }
        let no_aud = Request::web_identity(&provider, id, Some(&format!("system:serviceaccount:{ns}:{prefix}-{suffix}")), None);
        prop_assert_eq!(decide(policy, &no_aud), Decision::ImplicitDeny);
    }
}

#[test]
fn no_output_has_an_aud_only_trust_or_a_resource_or_aws_role_arn() {
    for (_, bundle) in irsa_tests::golden::example_bundles() {
        for artifact in bundle.artifacts {
            match artifact.kind {
                Kind::TrustPolicy => {
                    let doc: serde_json::Value =
                        serde_json::from_str(&artifact.content).expect("json");
                    for s in doc["Statement"].as_array().expect("statements") {
                        assert!(s.get("Resource").is_none(), "{}", artifact.path);
                        if s["Principal"].get("Federated").is_some() {
                            let keys: Vec<String> = s["Condition"]
                                .as_object()
                                .expect("conditions")
                                .values()
                                .flat_map(|k| k.as_object().expect("keys").keys().cloned())
                                .collect();
                            assert!(
                                keys.iter().any(|k| k.ends_with(":sub")),
                                "{}: sub-less",
                                artifact.path
                            );
                            assert!(
                                keys.iter().any(|k| k.ends_with(":aud")),
                                "{}: aud-less",
                                artifact.path
                            );
                        }
                    }
                }
                _ => assert!(
                    !artifact.content.contains("AWS_ROLE_ARN"),
                    "{}",
                    artifact.path
                ),
            }
        }
    }
}

/// Under EKS Pod Identity the cluster is named by its ARN wherever its region is known
/// (cluster names are unique per region only), by its name where it is not.
#[test]
fn pod_identity_trust_names_the_cluster_by_arn_where_its_region_is_known() {
    let spec = |extra: &str| {
        format!(
            "account: \"111122223333\"\npodIdentity: true\nclusterName: prod\nserviceAccount: payments/api\nrole: payments-api\n{extra}"
        )
    };
    let condition = |extra: &str| {
        let bundle = irsa_core::generate(&spec(extra));
        let trust: serde_json::Value =
            serde_json::from_str(trust_of(&bundle, "payments-api")).expect("json");
        trust["Statement"][0]["Condition"]["StringEquals"].clone()
    };
    let with_region = condition("region: cn-north-1\n");
    assert_eq!(
        with_region["aws:RequestTag/eks-cluster-arn"],
        "arn:aws-cn:eks:cn-north-1:111122223333:cluster/prod"
    );
    assert!(with_region.get("aws:RequestTag/eks-cluster-name").is_none());
    let from_issuer = condition(
        "cluster: https://oidc.eks.us-east-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF\n",
    );
    assert_eq!(
        from_issuer["aws:RequestTag/eks-cluster-arn"],
        "arn:aws:eks:us-east-2:111122223333:cluster/prod"
    );
    let unknown = condition("");
    assert_eq!(unknown["aws:RequestTag/eks-cluster-name"], "prod");
    assert!(unknown.get("aws:RequestTag/eks-cluster-arn").is_none());
}

/// The Pod Identity trust, judged by the evaluator: EKS Auth assuming the role for the
/// association's session tags is allowed; the same names in a same-named cluster of
/// another region, another namespace or service account, or another account are not.
#[test]
fn pod_identity_trust_admits_exactly_its_association() {
    let bundle = irsa_core::generate(
        "account: \"111122223333\"\npodIdentity: true\nclusterName: prod\nserviceAccount: payments/api\nrole: payments-api\nregion: eu-west-2\n",
    );
    let trust = trust_of(&bundle, "payments-api");
    let request =
        |cluster_arn: &str, namespace: &str, name: &str, account: &str, action: &str| Request {
            principal_type: "Service".into(),
            principal: "pods.eks.amazonaws.com".into(),
            action: action.into(),
            context: [
                ("aws:RequestTag/eks-cluster-arn", cluster_arn),
                ("aws:RequestTag/eks-cluster-name", "prod"),
                ("aws:RequestTag/kubernetes-namespace", namespace),
                ("aws:RequestTag/kubernetes-service-account", name),
                ("aws:SourceAccount", account),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
        };
    let prod = "arn:aws:eks:eu-west-2:111122223333:cluster/prod";
    for action in ["sts:AssumeRole", "sts:TagSession"] {
        assert_eq!(
            decide(
                trust,
                &request(prod, "payments", "api", "111122223333", action)
            ),
            Decision::Allow,
            "{action}"
        );
    }
    for (cluster, namespace, name, account) in [
        (
            "arn:aws:eks:us-east-1:111122223333:cluster/prod",
            "payments",
            "api",
            "111122223333",
        ),
        (prod, "billing", "api", "111122223333"),
        (prod, "payments", "web", "111122223333"),
        (prod, "payments", "api", "444455556666"),
    ] {
        assert_eq!(
            decide(
                trust,
                &request(cluster, namespace, name, account, "sts:AssumeRole")
            ),
            Decision::ImplicitDeny,
            "{cluster} {namespace}/{name} in {account}"
        );
    }
}

/// Under Pod Identity the pod role's session carries EKS's session tags, all transitive:
/// chaining into a target passes them on, which STS allows only with `sts:TagSession` in
/// the target's trust and in the pod role's permissions. Both are granted, for that target.
#[test]
fn pod_identity_targets_admit_the_pod_role_with_its_session_tags() {
    let bundle = irsa_core::generate(
        "account: \"111122223333\"\npodIdentity: true\nclusterName: prod\nserviceAccount: payments/api\nrole: payments-api\n\
         region: eu-west-2\nassume:\n  deploy: arn:aws:iam::444455556666:role/payments-deploy\n",
    );
    let trust = trust_of(&bundle, "payments-deploy");
    let from = |role: &str, action: &str| Request {
        principal_type: "AWS".into(),
        principal: role.into(),
        action: action.into(),
        context: Default::default(),
    };
    for action in ["sts:AssumeRole", "sts:TagSession"] {
        assert_eq!(
            decide(
                trust,
                &from("arn:aws:iam::111122223333:role/payments-api", action)
            ),
            Decision::Allow,
            "{action}"
        );
        assert_eq!(
            decide(trust, &from("arn:aws:iam::111122223333:role/other", action)),
            Decision::ImplicitDeny,
            "{action}"
        );
    }
    let permissions = bundle
        .artifacts
        .iter()
        .find(|a| a.kind == Kind::PermissionsPolicy && a.role.as_deref() == Some("payments-api"))
        .expect("the pod role's permissions");
    let permissions: serde_json::Value = serde_json::from_str(&permissions.content).expect("json");
    assert_eq!(
        permissions["Statement"][0],
        serde_json::json!({
            "Effect": "Allow",
            "Action": ["sts:AssumeRole", "sts:TagSession"],
            "Resource": "arn:aws:iam::444455556666:role/payments-deploy",
        })
    );
}
