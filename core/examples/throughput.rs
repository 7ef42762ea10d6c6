//! Native throughput of spec -> bundle for a spec on stdin, to compare with the wasm build
//! in the same run: `throughput RUNS < spec.json` prints `{"nsPerBundle": N}`.

use std::io::Read;
use std::time::Instant;

fn main() {
    let runs: u32 = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(2000);
    let mut spec = String::new();
    if std::io::stdin().read_to_string(&mut spec).is_err() {
        eprintln!("cannot read the spec from stdin");
        std::process::exit(2);
    }
    for _ in 0..runs / 10 {
        std::hint::black_box(irsa_core::generate(&spec));
    }
    let start = Instant::now();
    for _ in 0..runs {
        std::hint::black_box(irsa_core::generate(std::hint::black_box(&spec)));
    }
    let ns = start.elapsed().as_nanos() / u128::from(runs.max(1));
    println!("{{\"nsPerBundle\": {ns}}}");
}
