//! The eksctl ClusterConfig of every example that names its cluster. No eksctl binary can
//! be installed here, so this checks what eksctl's schema requires of each entry: a
//! ServiceAccount per declared one, and either a role to create with at least one policy
//! or the pod role's ARN to attach; under Pod Identity, complete associations. Then what
//! eksctl's source does with such a file, each rule quoted where it is tested.

use irsa_tests::golden::example_bundles;
use serde_json::Value;

#[test]
fn cluster_configs_cover_every_service_account() {
    let mut seen = 0;
    for (name, bundle) in example_bundles() {
        let Some(artifact) = bundle
            .artifacts
            .iter()
            .find(|a| a.kind == irsa_core::Kind::Eksctl)
        else {
            continue;
        };
        let config: Value = serde_saphyr::from_str(&artifact.content).expect("YAML");
        assert_eq!(config["apiVersion"], "eksctl.io/v1alpha5", "{name}");
        assert_eq!(config["kind"], "ClusterConfig", "{name}");
        assert!(
            config["metadata"]["name"].is_string() && config["metadata"]["region"].is_string(),
            "{name}"
        );
        if let Some(associations) = config["iam"]["podIdentityAssociations"].as_array() {
            for association in associations {
                for key in ["namespace", "serviceAccountName", "roleARN"] {
                    assert!(association[key].is_string(), "{name}: {key}");
                }
            }
            seen += 1;
            continue;
        }
        assert_eq!(config["iam"]["withOIDC"], true, "{name}");
        let service_accounts: Vec<String> = bundle
            .artifacts
            .iter()
            .filter(|a| a.kind == irsa_core::Kind::ServiceAccount)
            .map(|a| {
                let sa: Value = serde_saphyr::from_str(&a.content).expect("YAML");
                format!(
                    "{}/{}",
                    sa["metadata"]["namespace"].as_str().expect("ns"),
                    sa["metadata"]["name"].as_str().expect("name")
                )
            })
            .collect();
        let entries = config["iam"]["serviceAccounts"]
            .as_array()
            .expect("entries");
        let named: Vec<String> = entries
            .iter()
            .filter(|e| e.get("subjectPattern").is_none())
            .map(|e| {
                format!(
                    "{}/{}",
                    e["metadata"]["namespace"].as_str().expect("ns"),
                    e["metadata"]["name"].as_str().expect("name")
                )
            })
            .collect();
        assert_eq!(named, service_accounts, "{name}");
        for entry in entries {
            let creates = entry.get("roleName").is_some();
            let attaches = entry.get("attachRoleARN").is_some();
            assert!(
                creates != attaches,
                "{name}: exactly one of roleName and attachRoleARN"
            );
            if creates {
                assert!(
                    entry.get("attachPolicyARNs").is_some() || entry.get("attachPolicy").is_some(),
                    "{name}: a created role needs a policy"
                );
            } else {
                assert!(
                    entry["attachRoleARN"]
                        .as_str()
                        .is_some_and(|a| a.starts_with("arn:") && a.contains(":role/")),
                    "{name}"
                );
            }
        }
        seen += 1;
    }
    assert!(seen >= 3, "examples with clusterName: {seen}");
}

fn eksctl_config(spec: &str) -> (String, Value) {
    let bundle = irsa_core::generate(spec);
    assert!(!bundle.has_errors(), "{:#?}", bundle.diagnostics);
    let artifact = bundle
        .artifacts
        .iter()
        .find(|a| a.kind == irsa_core::Kind::Eksctl)
        .expect("a ClusterConfig");
    let config = serde_saphyr::from_str(&artifact.content).expect("YAML");
    (artifact.content.clone(), config)
}

const HEAD: &str = "account: \"111122223333\"\ncluster: https://oidc.eks.eu-central-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF\nclusterName: ci\nrole: build-runner\n";

#[test]
fn the_header_commands_act_and_name_what_they_need() {
    let (text, config) = eksctl_config(&format!(
        "{HEAD}serviceAccount: [build/release, build/deploy]\n"
    ));
    // pkg/ctl/create/iamserviceaccount.go: `cmdutils.AddApproveFlag(fs, cmd)` and
    // `tasks.PlanMode = cmd.Plan` — without --approve it only plans.
    assert!(
        text.contains(
            "#   eksctl create iamserviceaccount --config-file cluster-config.yaml --approve\n"
        ),
        "{text}"
    );
    // "unable to create iamserviceaccount(s) without IAM OIDC provider enabled"
    assert!(text.contains("#   eksctl utils associate-iam-oidc-provider --config-file cluster-config.yaml --approve\n"), "{text}");
    // "serviceaccounts that exist in Kubernetes will be excluded, use
    // --override-existing-serviceaccounts to override"
    assert!(
        text.contains("--override-existing-serviceaccounts"),
        "{text}"
    );
    // pkg/kubernetes/serviceaccount.go sets `app.kubernetes.io/managed-by: eksctl` on every
    // ServiceAccount it creates or updates: a label of irsa's would be overwritten.
    assert!(!text.contains("app.kubernetes.io/managed-by"), "{text}");
    assert_eq!(
        config["iam"]["serviceAccounts"].as_array().map(Vec::len),
        Some(2)
    );
}

#[test]
fn subject_patterns_are_created_with_subject_pattern_or_named_in_the_header() {
    // eksctl 0.222 (#8629): subjectPattern is a service-account name glob in the entry's
    // namespace, trusted with StringLike; the role only, no ServiceAccount.
    let (text, config) = eksctl_config(&format!(
        "{HEAD}subjectPatterns: true\nserviceAccount: build/ci-*\npermissions: {{managedPolicies: [arn:aws:iam::aws:policy/ReadOnlyAccess]}}\n"
    ));
    let entry = &config["iam"]["serviceAccounts"][0];
    assert_eq!(entry["metadata"]["namespace"], "build");
    assert_eq!(entry["subjectPattern"], "ci-*");
    assert_eq!(entry["roleOnly"], true);
    assert_eq!(entry["roleName"], "build-runner");
    assert!(text.contains("0.222 or later"), "{text}");

    // The role comes from the IAM artifacts: the pattern is not dropped silently.
    let (text, config) = eksctl_config(&format!(
        "{HEAD}subjectPatterns: true\nserviceAccount: [build/ci-*, build/release]\n"
    ));
    assert!(text.contains("also trusts build/ci-*"), "{text}");
    let entries = config["iam"]["serviceAccounts"]
        .as_array()
        .expect("entries");
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["metadata"]["name"], "release");
}

#[test]
fn pod_identity_declares_the_agent_and_its_region() {
    // pkg/ctl/create/pod_identity_association.go has no --approve; eksctl refuses without
    // the agent: "the \"eks-pod-identity-agent\" addon must be installed to create pod
    // identity associations; please enable it using `eksctl create addon ...`, or by
    // adding it to the config file".
    let spec = "account: \"111122223333\"\npodIdentity: true\nclusterName: prod\nserviceAccount: payments/api\nrole: payments-api\nregion: eu-west-1\n";
    let (text, config) = eksctl_config(spec);
    assert_eq!(config["addons"][0]["name"], "eks-pod-identity-agent");
    assert!(
        text.contains("#   eksctl create addon --config-file cluster-config.yaml\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "#   eksctl create podidentityassociation --config-file cluster-config.yaml\n"
        ),
        "{text}"
    );
    assert!(
        !text.contains("cannot chain"),
        "eksctl has targetRoleARN: {text}"
    );
    assert_eq!(config["metadata"]["region"], "eu-west-1");

    // Without an EKS issuer or `region`, the bundle says what is missing.
    let bundle = irsa_core::generate(&spec.replace("region: eu-west-1\n", ""));
    assert!(
        bundle
            .artifacts
            .iter()
            .all(|a| a.kind != irsa_core::Kind::Eksctl)
    );
    assert!(
        bundle
            .diagnostics
            .iter()
            .any(|d| d.field == "region" && d.code.as_str() == "region"),
        "{:#?}",
        bundle.diagnostics
    );
}
