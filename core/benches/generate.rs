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

fn large_spec(service_accounts: usize) -> String {
    let mut spec = String::from(
        "account: \"111122223333\"\ncluster: https://oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF\nrole: big\ntrustPolicyQuota: 8192\nserviceAccount:\n",
    );
    for i in 0..service_accounts {
        spec.push_str(&format!("  - ns{i}/sa{i}\n"));
    }
    spec.push_str("assume:\n  deploy: arn:aws:iam::444455556666:role/deploy\n");
    spec
}

fn bench(c: &mut Criterion) {
    c.bench_function("six-line spec -> bundle", |b| {
        b.iter(|| irsa_core::generate(black_box(SIX_LINES)))
    });
    let mut group = c.benchmark_group("service accounts -> bundle");
    for n in [1, 10, 50] {
        let spec = large_spec(n);
        group.bench_with_input(BenchmarkId::from_parameter(n), &spec, |b, spec| {
            b.iter(|| irsa_core::generate(black_box(spec)))
        });
    }
    group.finish();
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
