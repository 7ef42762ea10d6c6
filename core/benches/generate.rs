//! Spec -> bundle for the 6-line spec of the README and for larger specs.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;

const SIX_LINES: &str = r#"account: "111122223333"
cluster: https://oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF
serviceAccount: payments/api
role: payments-api
assume:
  deploy: arn:aws:iam::444455556666:role/payments-deploy
"#;

/// A spec with `service_accounts` subjects and `clusters` issuers, at the largest trust
/// policy quota IAM grants; past that quota the spec is refused, and the refusal is timed.
fn large_spec(service_accounts: usize, clusters: usize) -> String {
    let mut spec =
        String::from("account: \"111122223333\"\nrole: big\ntrustPolicyQuota: 8192\ncluster:\n");
    for i in 0..clusters {
        spec.push_str(&format!(
            "  - https://oidc.eks.eu-west-2.amazonaws.com/id/{i:032X}\n"
        ));
    }
    spec.push_str("serviceAccount:\n");
    for i in 0..service_accounts {
        spec.push_str(&format!("  - ns{i}/sa{i}\n"));
    }
    spec.push_str("assume:\n  deploy: arn:aws:iam::444455556666:role/deploy\n");
    spec
}

/// What each size produces, for the results table: artifacts, or the codes refusing it.
fn outcome(spec: &str) -> serde_json::Value {
    let bundle = irsa_core::generate(spec);
    let errors: Vec<String> = bundle
        .diagnostics
        .iter()
        .filter(|d| d.severity == irsa_core::Severity::Error)
        .map(|d| format!("{:?}", d.code))
        .collect();
    serde_json::json!({"artifacts": bundle.artifacts.len(), "errors": errors})
}

fn bench(c: &mut Criterion) {
    c.bench_function("six-line spec -> bundle", |b| {
        b.iter(|| irsa_core::generate(black_box(SIX_LINES)))
    });
    let mut outcomes = serde_json::Map::new();
    for (group_name, sizes, shape) in [
        (
            "bundle by service accounts",
            &[1, 10, 100, 1000][..],
            (1, 0),
        ),
        ("bundle by clusters", &[1, 5, 20][..], (0, 1)),
    ] {
        let mut group = c.benchmark_group(group_name);
        for &n in sizes {
            let spec = match shape {
                (1, _) => large_spec(n, 1),
                _ => large_spec(1, n),
            };
            outcomes.insert(format!("{group_name}/{n}"), outcome(&spec));
            group.bench_with_input(BenchmarkId::from_parameter(n), &spec, |b, spec| {
                b.iter(|| irsa_core::generate(black_box(spec)))
            });
        }
        group.finish();
    }
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    let _ = std::fs::create_dir_all(&out);
    let _ = std::fs::write(
        out.join("core-outcomes.json"),
        serde_json::Value::Object(outcomes).to_string(),
    );
}

/// A cluster audit's work: 10,000 trust policies analysed, then each of 10,000 service
/// accounts checked against its role's report; and the same at 1,000 to show the growth.
fn bench_audit(c: &mut Criterion) {
    let issuer = "oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF";
    let policy = |i: usize| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::111122223333:oidc-provider/{issuer}"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringEquals":{{"{issuer}:aud":"sts.amazonaws.com","{issuer}:sub":["system:serviceaccount:ns{i}:sa{i}","system:serviceaccount:ns{i}:other"]}}}}}}]}}"#
        )
    };
    let mut group = c.benchmark_group("audit: service accounts against their roles' policies");
    group.sample_size(10);
    for n in [1_000, 10_000] {
        let policies: Vec<String> = (0..n).map(policy).collect();
        group.bench_with_input(BenchmarkId::from_parameter(n), &policies, |b, policies| {
            b.iter(|| {
                let mut admitted = 0;
                for (i, text) in policies.iter().enumerate() {
                    if let Ok(report) = irsa_core::audit::analyze(text, 2048) {
                        admitted += usize::from(report.admits(
                            issuer,
                            &format!("ns{i}"),
                            &format!("sa{i}"),
                            irsa_core::eks::TOKEN_AUDIENCE,
                        ));
                    }
                }
                black_box(admitted)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench, bench_audit);
criterion_main!(benches);
