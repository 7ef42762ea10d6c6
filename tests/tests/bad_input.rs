//! Invalid specs, each expected to fail with an error at a given field and code — and
//! with no artifacts, no panic. Overrides are merged over a valid base spec; a `~` value
//! removes a key.

use irsa_core::node::{self, Node};
use irsa_core::{Bundle, Severity};

const BASE: &str = r#"
account: "111122223333"
cluster: https://oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF
serviceAccount: payments/api
role: payments-api
"#;

const EKS: &str = "https://oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF";

/// (overrides of the base spec, field, code), one case a line.
#[rustfmt::skip]
const CASES: &[(&str, &str, &str)] = &[
    // account
    ("account: \"12345678901\"", "account", "account-id"),
    ("account: \"1234567890123\"", "account", "account-id"),
    ("account: \"11112222333a\"", "account", "account-id"),
    ("account: 12345", "account", "account-id"),
    ("account: \"\"", "account", "account-id"),
    ("account: true", "account", "wrong-type"),
    ("account: [\"111122223333\"]", "account", "wrong-type"),
    ("account: 1.5", "account", "wrong-type"),
    // Beyond i64 a number is a float, as JSON readers take it: never silently text.
    ("account: 12345678901234567890", "account", "wrong-type"),
    ("account: ~", "account", "missing-field"),
    // cluster
    ("cluster: ~", "cluster", "missing-field"),
    ("cluster: \"'https://oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF'\"", "cluster", "issuer"),
    ("cluster: arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF", "cluster", "issuer"),
    ("cluster: []", "cluster", "missing-field"),
    ("cluster: \" https://oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF\"", "cluster", "issuer"),
    ("cluster: http://oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF", "cluster", "issuer"),
    ("cluster: oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF", "cluster", "issuer"),
    ("cluster: https://oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF/", "cluster", "issuer"),
    ("cluster: https://issuer.example.com?x=1", "cluster", "issuer"),
    ("cluster: https://issuer.example.com#frag", "cluster", "issuer"),
    ("cluster: https://user:pw@issuer.example.com", "cluster", "issuer"),
    ("cluster: https://issuer.example.com:8443", "cluster", "issuer"),
    ("cluster: https://Issuer.Example.com", "cluster", "issuer"),
    ("cluster: https://issuer", "cluster", "issuer"),
    ("cluster: https://-bad.example.com", "cluster", "issuer"),
    ("cluster: https://issuer.example.com/a//b", "cluster", "issuer"),
    ("cluster: https://issuer.example.com/a b", "cluster", "issuer"),
    ("cluster: https://", "cluster", "issuer"),
    ("cluster: [https://issuer.example.com, ftp://x.example.com]", "cluster[1]", "issuer"),
    ("cluster: [https://issuer.example.com, https://issuer.example.com]", "cluster[1]", "duplicate"),
    ("cluster: {url: https://issuer.example.com}", "cluster", "wrong-type"),
    ("cluster: [https://oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF, https://oidc.eks.cn-north-1.amazonaws.com.cn/id/0123456789ABCDEF0123456789ABCDEF]", "cluster[1]", "partition-mismatch"),
    // serviceAccount
    ("serviceAccount: ~", "serviceAccount", "missing-field"),
    ("serviceAccount: []", "serviceAccount", "missing-field"),
    ("serviceAccount: api", "serviceAccount", "service-account"),
    ("serviceAccount: payments/api/extra", "serviceAccount", "service-account"),
    ("serviceAccount: /api", "serviceAccount", "namespace"),
    ("serviceAccount: payments/", "serviceAccount", "service-account-name"),
    ("serviceAccount: Payments/api", "serviceAccount", "namespace"),
    ("serviceAccount: payments/API", "serviceAccount", "service-account-name"),
    ("serviceAccount: pay_ments/api", "serviceAccount", "namespace"),
    ("serviceAccount: payments/api_1", "serviceAccount", "service-account-name"),
    ("serviceAccount: -payments/api", "serviceAccount", "namespace"),
    ("serviceAccount: payments/api-", "serviceAccount", "service-account-name"),
    ("serviceAccount: payments/a..b", "serviceAccount", "service-account-name"),
    ("serviceAccount: a.b/api", "serviceAccount", "namespace"),
    ("serviceAccount: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/api", "serviceAccount", "namespace"),
    ("serviceAccount: payments/*", "serviceAccount", "pattern-not-allowed"),
    ("serviceAccount: \"*/api\"", "serviceAccount", "pattern-not-allowed"),
    ("serviceAccount: payments/ap?", "serviceAccount", "pattern-not-allowed"),
    ("serviceAccount: system:serviceaccount:payments:api", "serviceAccount", "service-account"),
    ("serviceAccount: [payments/api, payments/api]", "serviceAccount[1]", "duplicate"),
    ("serviceAccount: [payments/api, bad]", "serviceAccount[1]", "service-account"),
    ("serviceAccount: [payments/api, [x]]", "serviceAccount[1]", "wrong-type"),
    ("serviceAccount: {payments: api}", "serviceAccount", "wrong-type"),
    ("{subjectPatterns: true, serviceAccount: \"payments/API*\"}", "serviceAccount", "service-account-name"),
    // A pattern of every service account is a trust without `sub`.
    ("{subjectPatterns: true, serviceAccount: \"*/*\"}", "serviceAccount", "subject-pattern"),
    ("{subjectPatterns: true, serviceAccount: [payments/api, \"?*/**\"]}", "serviceAccount[1]", "subject-pattern"),
    ("subjectPatterns: \"yes\"", "subjectPatterns", "wrong-type"),
    // role
    ("role: ~", "role", "missing-field"),
    ("role: \"\"", "role", "role-name"),
    ("role: payments api", "role", "role-name"),
    ("role: payments/api", "role", "role-name"),
    ("role: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "role", "role-name"),
    ("role: arn:aws:iam::111122223333:user/payments", "role", "role-arn"),
    ("role: arn:aws:iam::1111:role/payments", "role", "role-arn"),
    ("role: arn:aws:s3:::bucket", "role", "role-arn"),
    ("role: arn:aws:iam::111122223333:role/", "role", "role-arn"),
    ("role: arn:aws-cn:iam::111122223333:role/payments", "role", "partition-mismatch"),
    ("role: arn:nope:iam::111122223333:role/payments", "role", "role-arn"),
    ("{role: arn:aws:iam::111122223333:role/a/payments, path: /b/}", "role", "role-path"),
    ("role: [payments]", "role", "wrong-type"),
    // path, partition, durations, quota
    ("path: team", "path", "role-path"),
    ("path: /team", "path", "role-path"),
    ("path: /te am/", "path", "role-path"),
    ("path: //", "path", "role-path"),
    ("partition: aws-mars", "partition", "partition"),
    ("partition: aws-cn", "partition", "partition-mismatch"),
    ("{podIdentity: true, clusterName: prod, cluster: ~, region: cn-north-1, partition: aws}", "partition", "partition-mismatch"),
    ("maxSessionDuration: 3599", "maxSessionDuration", "duration"),
    ("maxSessionDuration: 43201", "maxSessionDuration", "duration"),
    ("maxSessionDuration: \"1h\"", "maxSessionDuration", "wrong-type"),
    ("durationSeconds: 899", "durationSeconds", "duration"),
    ("durationSeconds: 7200", "durationSeconds", "duration"),
    ("durationSeconds: -1", "durationSeconds", "duration"),
    ("trustPolicyQuota: 0", "trustPolicyQuota", "quota"),
    ("trustPolicyQuota: 100000", "trustPolicyQuota", "quota"),
    ("trustPolicyQuota: 200", "serviceAccount", "trust-policy-too-large"),
    ("tokenExpiration: 599", "tokenExpiration", "token-expiration"),
    ("tokenExpiration: 1.5", "tokenExpiration", "wrong-type"),
    ("regionalSts: \"true\"", "regionalSts", "wrong-type"),
    ("regionalSts: 1", "regionalSts", "wrong-type"),
    // session names, profiles
    ("roleSessionName: a", "roleSessionName", "session-name"),
    ("roleSessionName: has space", "roleSessionName", "session-name"),
    ("roleSessionName: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "roleSessionName", "session-name"),
    ("podProfile: \"my profile\"", "podProfile", "profile-name"),
    ("podProfile: \"[x]\"", "podProfile", "profile-name"),
    ("podProfile: -x", "podProfile", "profile-name"),
    // assume
    ("assume: [deploy]", "assume", "wrong-type"),
    ("assume: {\"de ploy\": deploy-role}", "assume.de ploy", "profile-name"),
    ("assume: {\"profile]\": deploy-role}", "assume.profile]", "profile-name"),
    ("assume: {default: deploy-role}", "assume.default", "profile-name"),
    ("assume: {deploy: \"not a role\"}", "assume.deploy", "role-name"),
    ("assume: {deploy: arn:aws:iam::444455556666:policy/x}", "assume.deploy", "role-arn"),
    ("assume: {deploy: payments-api}", "assume.deploy", "self-assume"),
    ("assume: {deploy: arn:aws:iam::111122223333:role/payments-api}", "assume.deploy", "self-assume"),
    ("assume: {a: deploy, b: deploy}", "assume.b", "duplicate"),
    ("assume: {deploy: arn:aws-cn:iam::444455556666:role/deploy}", "assume.deploy", "partition-mismatch"),
    ("assume: {deploy: {externalId: abc}}", "assume.deploy.role", "missing-field"),
    ("assume: {deploy: {role: deploy, externalId: a}}", "assume.deploy.externalId", "external-id"),
    ("assume: {deploy: {role: deploy, externalId: \"has space\"}}", "assume.deploy.externalId", "external-id"),
    ("assume: {deploy: {role: deploy, durationSeconds: 3601}}", "assume.deploy.durationSeconds", "chained-duration"),
    ("assume: {deploy: {role: deploy, durationSeconds: 43200}}", "assume.deploy.durationSeconds", "chained-duration"),
    ("assume: {deploy: {role: deploy, durationSeconds: 100}}", "assume.deploy.durationSeconds", "duration"),
    ("assume: {deploy: {role: deploy, roleSessionName: x}}", "assume.deploy.roleSessionName", "session-name"),
    ("assume: {deploy: {role: deploy, rolle: x}}", "assume.deploy.rolle", "unknown-field"),
    ("assume: {deploy: {role: deploy, path: x}}", "assume.deploy.path", "role-path"),
    ("assume: {deploy: {role: deploy, maxSessionDuration: 60}}", "assume.deploy.maxSessionDuration", "duration"),
    ("assume: {deploy: {role: deploy, tags: {\"aws:x\": y}}}", "assume.deploy.tags.aws:x", "tag"),
    ("assume: {deploy: {role: deploy, permissions: {managedPolicies: [x]}}}", "assume.deploy.permissions.managedPolicies[0]", "policy-arn"),
    ("{account: ~, role: arn:aws:iam::111122223333:role/payments-api, assume: {deploy: deploy-role}}", "account", "missing-field"),
    // permissions
    ("permissions: [x]", "permissions", "wrong-type"),
    ("permissions: {managed: []}", "permissions.managed", "unknown-field"),
    ("permissions: {managedPolicies: [ReadOnlyAccess]}", "permissions.managedPolicies[0]", "policy-arn"),
    ("permissions: {managedPolicies: arn:aws:iam::aws:role/x}", "permissions.managedPolicies", "policy-arn"),
    ("permissions: {managedPolicies: [arn:aws-cn:iam::aws:policy/ReadOnlyAccess]}", "permissions.managedPolicies", "partition-mismatch"),
    ("permissions: {statements: [{Effect: Allow, Resource: \"*\"}]}", "permissions.statements[0]", "statement"),
    ("permissions: {statements: [{Effect: Allow, Action: \"s3:*\"}]}", "permissions.statements[0]", "statement"),
    ("permissions: {statements: [{Effect: Maybe, Action: \"s3:*\", Resource: \"*\"}]}", "permissions.statements[0].Effect", "statement"),
    ("permissions: {statements: [{Action: \"s3:*\", NotAction: \"s3:Get*\", Resource: \"*\"}]}", "permissions.statements[0]", "statement"),
    ("permissions: {statements: [{Action: \"s3:*\", Resource: \"*\", Principal: \"*\"}]}", "permissions.statements[0].Principal", "statement"),
    ("permissions: {statements: [{Action: \"s3:*\", Resource: \"*\", Sid: \"not ok\"}]}", "permissions.statements[0].Sid", "statement"),
    ("permissions: {statements: [{Action: [], Resource: \"*\"}]}", "permissions.statements[0].Action", "statement"),
    ("permissions: {statements: [{Action: \"s3:Get\u{263a}\", Resource: \"*\"}]}", "permissions.statements[0].Action", "policy-text"),
    ("permissions: {statements: [{Action: \"s3:*\", Resource: \"*\", Condition: {StringEquals: {aws:k: {x: y}}}}]}", "permissions.statements[0].Condition.StringEquals.aws:k", "wrong-type"),
    ("permissions: {statements: [{action: \"s3:*\", Resource: \"*\"}]}", "permissions.statements[0].action", "unknown-field"),
    ("permissionsBoundary: boundary", "permissionsBoundary", "policy-arn"),
    ("permissionsBoundary: arn:aws:iam::111122223333:role/boundary", "permissionsBoundary", "policy-arn"),
    // tags
    ("tags: [team]", "tags", "wrong-type"),
    ("tags: {\"aws:team\": x}", "tags.aws:team", "tag"),
    ("tags: {\"irsa.dev/created-by\": kubectl-irsa}", "tags.irsa.dev/created-by", "tag"),
    ("tags: {\"team#1\": x}", "tags.team#1", "tag"),
    ("tags: {team: [x]}", "tags.team", "wrong-type"),
    // configMap
    ("configMap: {name: Bad_Name}", "configMap.name", "config-map-name"),
    ("configMap: {mountPath: relative/path}", "configMap.mountPath", "mount-path"),
    ("configMap: {mountPath: /etc/irsa/}", "configMap.mountPath", "mount-path"),
    ("configMap: {mountPath: /etc/../irsa}", "configMap.mountPath", "mount-path"),
    ("configMap: {mountPath: /var/run/secrets/eks.amazonaws.com}", "configMap.mountPath", "mount-path"),
    ("configMap: {mountPath: /var/run/secrets}", "configMap.mountPath", "mount-path"),
    // A mount hides the image's own files there: CA certificates, the Kubernetes token.
    ("configMap: {mountPath: /etc}", "configMap.mountPath", "mount-path"),
    ("configMap: {mountPath: /usr}", "configMap.mountPath", "mount-path"),
    ("configMap: {mountPath: /etc/ssl/certs}", "configMap.mountPath", "mount-path"),
    ("configMap: {mountPath: /var/run/secrets/kubernetes.io}", "configMap.mountPath", "mount-path"),
    ("configMap: {mountPath: \"/etc/a:b\"}", "configMap.mountPath", "mount-path"),
    ("configMap: {nmae: x}", "configMap.nmae", "unknown-field"),
    // workload
    ("workload: api", "workload", "workload"),
    ("workload: pod/api", "workload", "workload"),
    ("workload: deployment/Api", "workload", "workload"),
    ("workload: deployment/api.v2", "workload", "workload"),
    ("workload: {kind: Deployment}", "workload.name", "missing-field"),
    ("workload: {name: api}", "workload.kind", "missing-field"),
    ("workload: {kind: Deployment, name: api, container: Main}", "workload.container", "workload"),
    ("workload: {kind: Deployment, name: api, serviceAccount: other/sa}", "workload.serviceAccount", "workload"),
    ("workload: {kind: Deployment, name: api, replicas: 2}", "workload.replicas", "unknown-field"),
    ("{serviceAccount: [a/b, c/d], workload: deployment/api}", "workload", "workload"),
    ("workload: [deployment/api, deploy/api]", "workload[1]", "duplicate"),
    // one IAM role is one identity: (account, name whatever its path or case)
    ("{role: arn:aws:iam::111122223333:role/team/Payments-Api, assume: {deploy: arn:aws:iam::111122223333:role/payments-api}}", "assume.deploy", "self-assume"),
    ("{assume: {deploy: payments-deploy, ship: arn:aws:iam::111122223333:role/x/Payments-Deploy}}", "assume.ship", "duplicate"),
    // Kubernetes expands $(VAR) in env values
    ("configMap: {mountPath: /etc/$(HOME)}", "configMap.mountPath", "mount-path"),
    // condition operators and keys follow IAM's grammar (never CloudFormation intrinsics)
    ("permissions: {statements: [{Action: s3:GetObject, Resource: \"*\", Condition: {\"Fn::Sub\": {aws:SourceIp: x}}}]}", "permissions.statements[0].Condition.Fn::Sub", "statement"),
    ("permissions: {statements: [{Action: s3:GetObject, Resource: \"*\", Condition: {StringEquals: {Ref: x}}}]}", "permissions.statements[0].Condition.StringEquals.Ref", "statement"),
    ("permissions: {statements: [{Action: s3:GetObject, Resource: \"*\", Condition: {NullIfExists: {aws:SourceIp: \"true\"}}}]}", "permissions.statements[0].Condition.NullIfExists", "statement"),
    // region
    ("region: eu-west", "region", "region"),
    ("region: EU-WEST-2", "region", "region"),
    ("region: 5", "region", "region"),
    ("region: [eu-west-2]", "region", "wrong-type"),
    ("region: us-east-1", "region", "region"),
    // a container's own profile
    ("workload: {kind: Deployment, name: api, profile: deploy}", "workload.profile", "profile-name"),
    ("{assume: {deploy: payments-deploy}, workload: {kind: Deployment, name: api, profile: Deploy}}", "workload.profile", "profile-name"),
    ("workload: {kind: Deployment, name: api, profile: \"a b\"}", "workload.profile", "profile-name"),
    ("workload: {kind: Deployment, name: api, profile: [default]}", "workload.profile", "wrong-type"),
    ("{assume: {deploy: payments-deploy}, workload: [{kind: Deployment, name: api, container: app, profile: deploy}, {kind: deploy, name: api, container: app}]}", "workload[1]", "duplicate"),
    ("{serviceAccount: [payments/api, payments/web], workload: [{kind: Deployment, name: api, container: a, serviceAccount: payments/api}, {kind: Deployment, name: api, container: b, serviceAccount: payments/web}]}", "workload[1]", "workload"),
    // terraform
    ("createOidcProvider: \"yes\"", "createOidcProvider", "wrong-type"),
    ("terraformModuleSource: \"\"", "terraformModuleSource", "module-source"),
    ("terraformModuleSource: \"a\\\"b\"", "terraformModuleSource", "module-source"),
    ("terraformModuleSource: \"./m/${var.x}\"", "terraformModuleSource", "module-source"),
    ("clusterName: \"-prod\"", "clusterName", "cluster-name"),
    ("clusterName: \"prod eu\"", "clusterName", "cluster-name"),
    ("{clusterName: prod, cluster: https://issuer.example.com}", "clusterName", "cluster-name"),
    ("{clusterName: prod, cluster: [https://oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF, https://oidc.eks.eu-west-2.amazonaws.com/id/FEDCBA9876543210FEDCBA9876543210]}", "clusterName", "cluster-name"),
    ("podIdentity: \"yes\"", "podIdentity", "wrong-type"),
    ("podIdentity: true", "clusterName", "missing-field"),
    ("{podIdentity: true, clusterName: prod, subjectPatterns: true, serviceAccount: \"payments/*\"}", "serviceAccount", "pattern-not-allowed"),
    ("{podIdentity: true, clusterName: prod, cluster: https://issuer.example.com}", "clusterName", "cluster-name"),
    ("{podIdentity: true, clusterName: prod, cluster: ~, account: ~}", "account", "missing-field"),
    // structure
    ("rol: x", "rol", "unknown-field"),
    ("serviceAcount: a/b", "serviceAcount", "unknown-field"),
    ("Account: \"111122223333\"", "Account", "unknown-field"),
];

/// Whole documents that are not valid specs at all.
#[rustfmt::skip]
const RAW: &[(&str, &str, &str)] = &[
    ("", "", "wrong-type"),
    ("- a\n- b\n", "", "wrong-type"),
    ("just a string", "", "wrong-type"),
    ("a: [1,\n", "", "syntax"),
    ("account: 1\naccount: 2\n", "", "syntax"),
    ("{\"account\": \"111122223333\", \"account\": \"111122223333\"}", "", "syntax"),
    ("a:\n\tb: 1\n", "", "syntax"),
    ("{\"account\": ", "", "syntax"),
    ("role: a\n---\nrole: b\n", "", "syntax"),
];

#[test]
fn syntax_errors_speak_of_the_spec_not_the_parser() {
    let bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n";
    for (text, says) in [
        (
            "role: a\nrole: b\n",
            "line 2 column 1: duplicate key `role`",
        ),
        (
            "role: a\n---\nrole: b\n",
            "line 3 column 1: a spec is one YAML document; this one has more (`---`)",
        ),
        (
            bomb,
            "the document has too many values (its anchors and aliases expand them)",
        ),
        (
            "\n",
            "the spec is empty: it needs at least `cluster`, `serviceAccount` and `role`",
        ),
    ] {
        let bundle = irsa_core::generate(text);
        let message = bundle
            .diagnostics
            .first()
            .map(|d| d.message.as_str())
            .unwrap_or("");
        assert!(message.ends_with(says), "{text}: {message}");
    }
}

fn merged(overrides: &str) -> Node {
    let (Ok(Node::Map(mut base)), Ok(Node::Map(changes))) =
        (node::parse(BASE), node::parse(overrides))
    else {
        panic!("case `{overrides}` is not a mapping");
    };
    for (key, value) in changes {
        base.retain(|(k, _)| *k != key);
        base.push((key, value));
    }
    Node::Map(base)
}

fn assert_rejected(label: &str, bundle: &Bundle, field: &str, code: &str) {
    assert!(
        bundle.artifacts.is_empty(),
        "{label}: artifacts produced despite errors"
    );
    let errors: Vec<_> = bundle
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert!(
        errors
            .iter()
            .any(|d| d.field == field && d.code.as_str() == code),
        "{label}: expected error {code} at `{field}`, got {errors:#?}"
    );
    for d in &errors {
        assert!(
            !d.message.is_empty() && !d.message.ends_with('.'),
            "{label}: message style: {:?}",
            d.message
        );
        assert!(
            d.message.chars().next().is_some_and(|c| !c.is_uppercase()),
            "{label}: message style: {:?}",
            d.message
        );
    }
}

#[test]
fn every_bad_input_is_rejected_at_its_field() {
    assert!(
        CASES.len() + RAW.len() >= 100,
        "the table must hold at least 100 cases"
    );
    assert!(
        !irsa_core::generate_node(&merged("{}")).has_errors(),
        "the base spec must be valid"
    );
    for (overrides, field, code) in CASES {
        let spec = merged(overrides);
        assert_rejected(overrides, &irsa_core::generate_node(&spec), field, code);
        // Every rule runs before rendering: the model front ends read refuses it too.
        assert!(irsa_core::plan_node(&spec).is_err(), "{overrides}: planned");
    }
    for (text, field, code) in RAW {
        assert_rejected(text, &irsa_core::generate(text), field, code);
        assert!(irsa_core::plan(text).is_err(), "{text}: planned");
    }
}

#[test]
fn all_errors_are_reported_together() {
    let text = "account: \"1\"\ncluster: http://x\nserviceAccount: [ok/sa, BAD/sa]\nrole: \"bad role\"\nrolle: x\ntags: {\"aws:x\": y}\n";
    let bundle = irsa_core::generate(text);
    let fields: Vec<&str> = bundle
        .diagnostics
        .iter()
        .map(|d| d.field.as_str())
        .collect();
    for expected in [
        "account",
        "cluster",
        "serviceAccount[1]",
        "role",
        "rolle",
        "tags.aws:x",
    ] {
        assert!(
            fields.contains(&expected),
            "missing {expected} in {fields:?}"
        );
    }
}

#[test]
fn unknown_fields_suggest_the_closest_known_one() {
    let bundle = irsa_core::generate_node(&merged("serviceAcount: a/b"));
    let d = bundle
        .diagnostics
        .iter()
        .find(|d| d.field == "serviceAcount")
        .expect("diagnostic");
    assert_eq!(d.help.as_deref(), Some("did you mean `serviceAccount`?"));
}

/// A role ARN of another partition is refused with what decided the spec's: where
/// nothing did, `partition` would mend it; where an issuer or `region` did, it would not.
#[test]
fn a_partition_mismatch_says_what_decided_the_partition() {
    let gov = "arn:aws-us-gov:iam::111122223333:role/x";
    let error = |overrides: &str| {
        let bundle = irsa_core::generate_node(&merged(overrides));
        bundle
            .diagnostics
            .into_iter()
            .find(|d| d.code.as_str() == "partition-mismatch")
            .map(|d| (d.message, d.help.unwrap_or_default()))
            .expect("a partition-mismatch error")
    };
    let (message, help) = error(&format!(
        "{{cluster: https://issuer.example.com, role: \"{gov}\"}}"
    ));
    assert!(message.ends_with("nothing in the spec names a partition (no EKS issuer, no `region`), so the roles are in `aws`"), "{message}");
    assert_eq!(help, "set `partition: aws-us-gov`");
    let (message, help) = error(&format!("{{role: \"{gov}\"}}"));
    assert!(
        message.ends_with("the clusters' EKS issuers are in `aws`"),
        "{message}"
    );
    assert_eq!(help, "name a role of `aws`");
}

/// IAM's `Managed policies per role`: 10 unless raised, 25 at most.
#[test]
fn managed_policies_beyond_the_quota() {
    let spec = |n: usize| {
        let arns: Vec<String> = (0..n)
            .map(|i| format!("arn:aws:iam::aws:policy/P{i}"))
            .collect();
        merged(&format!(
            "permissions: {{managedPolicies: [{}]}}",
            arns.join(", ")
        ))
    };
    let code = |bundle: &Bundle| {
        bundle
            .diagnostics
            .iter()
            .find(|d| d.field == "permissions.managedPolicies")
            .map(|d| (d.severity, d.code.as_str()))
    };
    assert_eq!(code(&irsa_core::generate_node(&spec(10))), None);
    assert_eq!(
        code(&irsa_core::generate_node(&spec(11))),
        Some((Severity::Warning, "too-many-managed-policies"))
    );
    assert_eq!(
        code(&irsa_core::generate_node(&spec(26))),
        Some((Severity::Error, "too-many-managed-policies"))
    );
}

#[test]
fn warnings_do_not_block_generation() {
    let cases = [
        (
            "serviceAccount: payments/default",
            "serviceAccount",
            "default-service-account",
        ),
        (
            "{subjectPatterns: true, serviceAccount: \"payments/*\"}",
            "serviceAccount",
            "subject-pattern",
        ),
        (
            "assume: {deploy: arn:aws:iam::444455556666:role/deploy}",
            "assume.deploy",
            "cross-account-without-external-id",
        ),
        (
            "cluster: https://oidc.eks.eu-west-2.amazonaws.com/id/abc",
            "cluster",
            "eks-issuer-shape",
        ),
        (
            "trustPolicyQuota: 500",
            "serviceAccount",
            "trust-policy-near-quota",
        ),
        (
            "permissions: {statements: [{Action: s3:GetObject, Resource: [\"arn:aws:s3:::a/*\", \"arn:aws-cn:s3:::b/*\"]}]}",
            "permissions.statements[0].Resource",
            "partition-mismatch",
        ),
        (
            "assume: {deploy: {role: deploy, permissions: {statements: [{Action: sqs:SendMessage, NotResource: \"arn:aws-us-gov:sqs:us-gov-west-1:111122223333:q\"}]}}}",
            "assume.deploy.permissions.statements[0].NotResource",
            "partition-mismatch",
        ),
        (
            "permissions: {statements: [{Action: \"*\", Resource: \"*\"}]}",
            "permissions.statements[0].Action",
            "broad-permissions",
        ),
        (
            "permissions: {statements: [{Action: s3:GetObject, Resource: \"*\"}, {Action: [ec2:RunInstances, iam:PassRole], Resource: \"*\"}]}",
            "permissions.statements[1].Resource",
            "broad-permissions",
        ),
        (
            "assume: {deploy: {role: deploy, permissions: {statements: [{NotAction: iam:*, Resource: \"*\"}]}}}",
            "assume.deploy.permissions.statements[0].NotAction",
            "broad-permissions",
        ),
        (
            "permissions: {statements: [{Action: iam:Pass*, Resource: \"*\"}]}",
            "permissions.statements[0].Resource",
            "broad-permissions",
        ),
        (
            "{subjectPatterns: true, serviceAccount: \"*/api\"}",
            "serviceAccount",
            "subject-pattern",
        ),
        ("durationSeconds: 1800", "durationSeconds", "unused-setting"),
        (
            "{podIdentity: true, clusterName: prod, durationSeconds: 1800, assume: {deploy: deploy}}",
            "durationSeconds",
            "unused-setting",
        ),
        (
            "roleSessionName: payments",
            "roleSessionName",
            "unused-setting",
        ),
        // The webhook leaves a container acting as a profile without AWS_REGION.
        (
            "{cluster: [https://oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF, https://oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF], assume: {deploy: deploy}, workload: {kind: deployment, name: api, profile: deploy}}",
            "region",
            "region",
        ),
    ];
    for (overrides, field, code) in cases {
        let bundle = irsa_core::generate_node(&merged(overrides));
        assert!(
            !bundle.has_errors(),
            "{overrides}: {:#?}",
            bundle.diagnostics
        );
        assert!(!bundle.artifacts.is_empty());
        assert!(
            bundle
                .diagnostics
                .iter()
                .any(|d| d.severity == Severity::Warning
                    && d.field == field
                    && d.code.as_str() == code),
            "{overrides}: expected warning {code} at {field}, got {:#?}",
            bundle.diagnostics
        );
    }
    let _ = EKS;
}

#[test]
fn five_clusters_overflow_the_default_quota_and_four_fit() {
    let issuer = |i: usize| format!("https://oidc.eks.eu-west-2.amazonaws.com/id/{i:032X}");
    let spec = |n: usize| {
        let clusters: Vec<String> = (0..n).map(issuer).collect();
        merged(&format!("cluster: [{}]", clusters.join(", ")))
    };
    assert!(!irsa_core::generate_node(&spec(4)).has_errors());
    assert!(
        irsa_core::plan_node(&spec(5)).is_err(),
        "planned over quota"
    );
    let five = irsa_core::generate_node(&spec(5));
    let d = five
        .diagnostics
        .iter()
        .find(|d| d.code.as_str() == "trust-policy-too-large")
        .expect("size error");
    assert!(
        d.message.contains("over the quota of 2048"),
        "{}",
        d.message
    );
    assert!(
        !irsa_core::generate_node(&merged(&format!(
            "{{trustPolicyQuota: 4096, cluster: [{}]}}",
            (0..5).map(issuer).collect::<Vec<_>>().join(", ")
        )))
        .has_errors()
    );
}

#[test]
fn a_list_no_trust_policy_could_hold_is_refused_before_it_is_read() {
    let many: Vec<String> = (0..5000).map(|i| format!("ns/sa{i}")).collect();
    let spec = format!(
        "account: \"111122223333\"\ncluster: {EKS}\nrole: r\nserviceAccount: [{}]\n",
        many.join(", ")
    );
    let bundle = irsa_core::generate(&spec);
    assert_rejected(
        "5000 service accounts",
        &bundle,
        "serviceAccount",
        "trust-policy-too-large",
    );
    assert!(
        bundle.diagnostics[0]
            .message
            .starts_with("5000 service accounts are listed"),
        "{:?}",
        bundle.diagnostics
    );
}
