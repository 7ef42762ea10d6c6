//! The eksctl ClusterConfig of every example that names its cluster. No eksctl binary can
//! be installed here, so this checks what eksctl's schema requires of each entry: a
//! ServiceAccount per declared one, and either a role to create with at least one policy
//! or the pod role's ARN to attach; under Pod Identity, complete associations.

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
