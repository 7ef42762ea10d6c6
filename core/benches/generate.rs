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

criterion_group!(benches, bench);
criterion_main!(benches);
