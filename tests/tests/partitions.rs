//! The core's partitions against botocore's own `partitions.json` (from the AWS CLI in the
//! test virtualenv): the same partitions, each region of each named by the core's region
//! rule, each DNS suffix the same, and each region's EKS issuer read back to its
//! partition. A partition AWS adds fails here when the pinned CLI is bumped.
//! Run by `scripts/test` (needs .venv).

use irsa_core::arn::Partition;
use irsa_core::issuer::Issuer;
use irsa_tests::tools::venv_tool;
use serde_json::Value;
use std::collections::BTreeSet;
use std::process::Command;

fn botocore_partitions() -> Value {
    let out = Command::new(venv_tool("python"))
        .args([
            "-c",
            // The pinned package's own file: botocore's loader would also read ~/.aws/models.
            "import botocore, pathlib; print((pathlib.Path(botocore.__file__).parent / 'data' / 'partitions.json').read_text())",
        ])
        .output()
        .expect("run the virtualenv's python");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("partitions.json is JSON")
}

#[test]
#[ignore = "needs botocore from the test virtualenv: run scripts/test"]
fn partitions_match_botocore() {
    let data = botocore_partitions();
    let partitions = data["partitions"].as_array().expect("a partitions list");
    let theirs: BTreeSet<&str> = partitions.iter().filter_map(|p| p["id"].as_str()).collect();
    let ours: BTreeSet<&str> = Partition::ALL.iter().map(|p| p.as_str()).collect();
    assert_eq!(ours, theirs, "the core's partitions against botocore's");

    for p in partitions {
        let id = p["id"].as_str().unwrap_or_default();
        let partition = Partition::parse(id).expect("checked above");
        let suffix = p["outputs"]["dnsSuffix"].as_str().unwrap_or_default();
        assert_eq!(partition.dns_suffix(), suffix, "{id}'s DNS suffix");
        let regions: Vec<&str> = p["regions"]
            .as_object()
            .expect("a regions map")
            .keys()
            .map(String::as_str)
            // `aws-global`, `aws-cn-global`: endpoints' pseudo-regions, not regions.
            .filter(|r| !r.ends_with("-global"))
            .collect();
        assert!(!regions.is_empty(), "{id} lists no region");
        assert!(
            regions.contains(&partition.home_region()),
            "{id}'s home region {} is not one of its regions {regions:?}",
            partition.home_region()
        );
        for region in regions {
            assert_eq!(Partition::of_region_name(region), partition, "{region}");
            let url =
                format!("https://oidc.eks.{region}.{suffix}/id/0123456789ABCDEF0123456789ABCDEF");
            let (issuer, warning) = Issuer::parse(&url).expect("an EKS issuer");
            assert_eq!(warning, None, "{url}");
            let eks = issuer.eks.expect("read as EKS");
            assert_eq!(
                (eks.region.as_str(), eks.partition),
                (region, partition),
                "{url}"
            );
        }
    }
}
