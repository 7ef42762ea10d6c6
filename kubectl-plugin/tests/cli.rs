//! The real `kubectl-irsa` binary: output modes, stdin, --out-dir, flags-only form, exit codes.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_kubectl-irsa");
const ISSUER: &str = "https://oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF";

/// A file of the repository, as a path argument.
fn in_repo(path: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(path)
        .display()
        .to_string()
}

fn example(name: &str) -> String {
    in_repo(&format!("examples/{name}"))
}

/// A policy of the audit corpus (tests/audit).
fn corpus(name: &str) -> String {
    in_repo(&format!("tests/audit/{name}"))
}

fn run(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn kubectl-irsa");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(text.as_bytes())
            .expect("write stdin");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("wait")
}

/// `generate` from flags: service account a/b, pod role r in 111122223333, the EKS
/// issuer, then `more`.
fn generate_flags(more: &[&str]) -> Output {
    let spec = [
        "generate",
        "a/b",
        "--role",
        "r",
        "--account",
        "111122223333",
        "--issuer",
        ISSUER,
    ];
    run(&[&spec[..], more].concat(), None)
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn json_output_is_the_core_bundle() {
    let out = run(
        &["generate", "-f", &example("minimal.yaml"), "-o", "json"],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(example("minimal.yaml")).expect("read");
    assert_eq!(stdout(&out), irsa_core::generate(&text).to_json());
    assert!(stderr(&out).contains("warning[cross-account-without-external-id] assume.deploy"));
}

#[test]
fn stdin_yaml_output_and_readable_text() {
    let text = std::fs::read_to_string(example("minimal.yaml")).expect("read");
    let json = run(&["generate", "-f", "-", "-o", "json"], Some(&text));
    let bundle: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(
        bundle["artifacts"][0]["path"],
        "iam/payments-api.trust.json"
    );
    assert_eq!(bundle["artifacts"][0]["kind"], "trust-policy");
    assert_eq!(bundle["artifacts"][0]["role"], "payments-api");

    let yaml = run(&["generate", "-f", "-", "-o", "yaml"], Some(&text));
    assert_eq!(yaml.status.code(), Some(0));
    assert!(
        stdout(&yaml).contains("kind: trust-policy"),
        "{}",
        stdout(&yaml)
    );

    let readable = run(&["generate", "-f", "-"], Some(&text));
    let out = stdout(&readable);
    assert!(
        out.starts_with("# iam/payments-api.trust.json (trust policy of role payments-api)\n{"),
        "{out}"
    );
    assert!(out.contains("# aws/config (AWS config file, read through AWS_CONFIG_FILE)\n"));
    assert!(out.contains("[profile deploy]\n"));
}

#[test]
fn out_dir_writes_every_artifact_at_its_path() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = run(
        &[
            "generate",
            "-f",
            &example("cross-account.yaml"),
            "--out-dir",
            &dir.path().display().to_string(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/golden/cross-account");
    for rel in [
        "iam/payments-api.trust.json",
        "aws/config",
        "kubernetes/payments/cronjob-nightly-deploy.patch.yaml",
    ] {
        let written = std::fs::read_to_string(dir.path().join(rel)).expect(rel);
        assert_eq!(
            written,
            std::fs::read_to_string(golden.join(rel)).expect(rel),
            "{rel}"
        );
        assert!(stdout(&out).contains(rel));
    }
}

#[test]
fn flags_only_form_equals_the_spec_file() {
    let flags = run(
        &[
            "generate",
            "payments/api",
            "--role",
            "payments-api",
            "--account",
            "111122223333",
            "--issuer",
            ISSUER,
            "--assume",
            "deploy=arn:aws:iam::444455556666:role/payments-deploy",
            "-o",
            "json",
        ],
        None,
    );
    assert_eq!(flags.status.code(), Some(0), "{}", stderr(&flags));
    let file = run(
        &["generate", "-f", &example("minimal.yaml"), "-o", "json"],
        None,
    );
    assert_eq!(stdout(&flags), stdout(&file));
}

/// The page's commands tab prints `irsa_core::commands::flags` of the spec: for every
/// spec it gives flags for, those flags generate exactly what the spec file does.
#[test]
fn the_cores_flags_for_a_spec_generate_what_the_spec_does() {
    let specs = [
        std::fs::read_to_string(example("minimal.yaml")).expect("example"),
        format!(
            r#"{{"account": "111122223333", "cluster": ["{ISSUER}", "https://oidc.eks.eu-west-2.amazonaws.com/id/FEDCBA9876543210FEDCBA9876543210"],
               "serviceAccount": "payments/api", "role": "payments-api", "partition": "aws", "podProfile": "pod",
               "regionalSts": true, "assume": {{"deploy": "arn:aws:iam::444455556666:role/payments-deploy"}},
               "workload": {{"kind": "CronJob", "name": "nightly", "container": "job", "profile": "deploy"}}}}"#
        ),
        format!(
            r#"{{"serviceAccount": ["payments/api", "on/yes"], "role": "arn:aws:iam::111122223333:role/payments-api", "cluster": "{ISSUER}"}}"#
        ),
    ];
    for spec in &specs {
        let node = irsa_core::node::parse(spec).expect("spec");
        let args = irsa_core::commands::flags(&node).expect("every key has a flag");
        let mut argv = vec!["generate"];
        argv.extend(args.iter().map(String::as_str));
        argv.extend(["-o", "json"]);
        let from_flags = run(&argv, None);
        let from_file = run(&["generate", "-f", "-", "-o", "json"], Some(spec));
        assert_eq!(stdout(&from_flags), stdout(&from_file), "{args:?}");
        let bundle: serde_json::Value = serde_json::from_str(&stdout(&from_file)).expect("json");
        assert!(
            bundle["artifacts"]
                .as_array()
                .is_some_and(|a| !a.is_empty()),
            "{bundle}"
        );
    }
    // A key without a flag: the file is the only way.
    let with_tags =
        irsa_core::node::parse(r#"{"serviceAccount": "a/b", "role": "r", "tags": {"team": "x"}}"#)
            .expect("spec");
    assert_eq!(irsa_core::commands::flags(&with_tags), None);
}

#[test]
fn invalid_input_exits_1_with_errors_on_stderr_and_json_diagnostics() {
    let bad = "account: \"1\"\ncluster: http://x\nserviceAccount: a/b\nrole: r\n";
    let out = run(&["generate", "-f", "-"], Some(bad));
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).is_empty());
    let err = stderr(&out);
    assert!(
        err.contains("error[account-id] account: `1` is not an AWS account ID"),
        "{err}"
    );
    assert!(err.contains("error[issuer] cluster:"), "{err}");

    let json = run(&["generate", "-f", "-", "-o", "json"], Some(bad));
    assert_eq!(json.status.code(), Some(1));
    let bundle: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(bundle["artifacts"], serde_json::json!([]));
    assert_eq!(bundle["diagnostics"][0]["code"], "account-id");
    assert_eq!(bundle["diagnostics"][0]["field"], "account");
}

#[test]
fn usage_and_file_errors_have_their_exit_codes() {
    let missing = run(&["generate", "-f", "/nonexistent/irsa.yaml"], None);
    assert_eq!(missing.status.code(), Some(3));
    assert!(stderr(&missing).contains("cannot read `/nonexistent/irsa.yaml`"));
    let nothing = run(&["generate"], None);
    assert_eq!(nothing.status.code(), Some(2));
    let bad_assume = run(
        &[
            "generate",
            "a/b",
            "--role",
            "r",
            "--account",
            "111122223333",
            "--issuer",
            ISSUER,
            "--assume",
            "deploy",
        ],
        None,
    );
    assert_eq!(bad_assume.status.code(), Some(2));
    assert!(stderr(&bad_assume).contains("PROFILE=ROLE"));
    let both = run(&["generate", "a/b", "-f", "x.yaml"], None);
    assert_eq!(both.status.code(), Some(2));
    // Every input is read through the size limit, never whole: a file, stdin, a policy.
    let endless = run(&["generate", "-f", "/dev/zero"], None);
    assert_eq!(endless.status.code(), Some(3));
    assert!(
        stderr(&endless).contains("larger than 1048576 bytes"),
        "{}",
        stderr(&endless)
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let huge = dir.path().join("huge.yaml");
    std::fs::write(&huge, "a".repeat(2 << 20)).expect("write");
    let stdin = std::process::Command::new(env!("CARGO_BIN_EXE_kubectl-irsa"))
        .args(["generate", "-f", "-"])
        .stdin(std::fs::File::open(&huge).expect("open"))
        .output()
        .expect("run");
    assert_eq!(stdin.status.code(), Some(3));
    let policy = run(&["audit", "--trust-policy", "/dev/zero"], None);
    assert_eq!(policy.status.code(), Some(3));
}

#[test]
fn help_reads_as_a_kubectl_plugin() {
    let out = run(&["generate", "--help"], None);
    assert!(
        stdout(&out).contains("Usage: kubectl irsa generate"),
        "{}",
        stdout(&out)
    );
    let garbage = run(&["generate", "-f", "-"], Some("\u{0}\u{1}{{{{"));
    assert_eq!(garbage.status.code(), Some(1));
}

#[test]
fn format_selects_kinds_of_artifact() {
    let out = run(
        &[
            "generate",
            "-f",
            &example("minimal.yaml"),
            "-o",
            "json",
            "--format",
            "terraform,cloudformation",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let bundle: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let kinds: Vec<&str> = bundle["artifacts"]
        .as_array()
        .expect("artifacts")
        .iter()
        .map(|a| a["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(
        kinds,
        ["terraform", "terraform", "cloudformation", "cloudformation"]
    );
    let bad = run(
        &[
            "generate",
            "-f",
            &example("minimal.yaml"),
            "--format",
            "helm",
        ],
        None,
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("invalid value 'helm' for '--format <KIND,...>'"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn audit_reports_who_can_assume_and_gates_on_high_findings() {
    let good = run(
        &["audit", "--trust-policy", &corpus("eksctl-with-sub.json")],
        None,
    );
    assert_eq!(good.status.code(), Some(0), "{}", stderr(&good));
    assert!(
        stdout(&good).contains("0123456789ABCDEF0123456789ABCDEF: payments/api\n  no findings"),
        "{}",
        stdout(&good)
    );

    let aud_only = run(
        &[
            "audit",
            "--trust-policy",
            &corpus("eksctl-aud-only.json"),
            "--trust-policy",
            &corpus("eksctl-with-sub.json"),
        ],
        None,
    );
    assert_eq!(aud_only.status.code(), Some(4));
    let text = stdout(&aud_only);
    assert!(text.contains("ANY service account"), "{text}");
    assert!(text.contains("high[no-sub] Statement[0]:"), "{text}");

    let json = run(
        &[
            "audit",
            "--trust-policy",
            &corpus("missing-aud.json"),
            "-o",
            "json",
        ],
        None,
    );
    assert_eq!(json.status.code(), Some(0));
    let reports: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(reports[0]["findings"][0]["code"], "missing-aud");
    assert!(
        reports[0]["corrected"]
            .as_str()
            .is_some_and(|c| c.contains(":aud"))
    );

    let malformed = run(
        &[
            "audit",
            "--trust-policy",
            &corpus("malformed-condition.json"),
        ],
        None,
    );
    assert_eq!(malformed.status.code(), Some(1));
    assert!(
        stdout(&malformed).contains("error: expected an object (at Statement[0].Condition)"),
        "{}",
        stdout(&malformed)
    );
}

#[test]
fn flags_wire_a_workload_container() {
    let out = run(
        &[
            "generate",
            "payments/api",
            "--role",
            "payments-api",
            "--account",
            "111122223333",
            "--issuer",
            ISSUER,
            "--assume",
            "deploy=payments-deploy",
            "--workload",
            "deployment/api",
            "--container",
            "app",
            "--regional-sts",
            "--format",
            "workload-patch,service-account",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("# kubernetes/payments/deployment-api.patch.yaml"),
        "{text}"
    );
    assert!(text.contains("      - name: app\n"), "{text}");
    assert!(
        text.contains("eks.amazonaws.com/sts-regional-endpoints: \"true\""),
        "{text}"
    );
}

/// A spec value cannot drive the terminal: control characters in messages are escaped.
#[test]
fn control_characters_in_spec_values_are_escaped_in_reports() {
    let spec = "{\"account\": \"\\u001b[2J1\", \"cluster\": \"https://issuer.example.com\", \"serviceAccount\": \"a/b\", \"role\": \"r\"}";
    let out = run(&["generate", "-f", "-"], Some(spec));
    assert_eq!(out.status.code(), Some(1));
    let report = stderr(&out);
    assert!(!report.contains('\u{1b}'), "{report:?}");
    assert!(report.contains("`\\u{1b}[2J1`"), "{report}");
}

/// `--profile` means what a workload entry's `profile` means: the flags-only form equals
/// the spec file's patch, and a profile the spec lacks is refused naming the known ones.
#[test]
fn flags_give_a_container_its_own_profile() {
    let flags = [
        "generate",
        "payments/api",
        "--role",
        "payments-api",
        "--account",
        "111122223333",
        "--issuer",
        ISSUER,
        "--assume",
        "deploy=payments-deploy",
        "--workload",
        "deployment/api",
        "--container",
        "app",
        "--profile",
        "deploy",
        "-o",
        "json",
    ];
    let spec = format!(
        "account: \"111122223333\"\ncluster: {ISSUER}\nserviceAccount: payments/api\nrole: payments-api\nassume: {{deploy: payments-deploy}}\nworkload: {{kind: deployment, name: api, container: app, profile: deploy}}\n"
    );
    let from_flags = run(&flags, None);
    assert_eq!(from_flags.status.code(), Some(0), "{}", stderr(&from_flags));
    let from_file = run(&["generate", "-f", "-", "-o", "json"], Some(&spec));
    assert_eq!(stdout(&from_flags), stdout(&from_file));
    assert!(stdout(&from_flags).contains("eks.amazonaws.com/skip-containers: app"));

    let mut unknown = flags.to_vec();
    let at = unknown
        .iter()
        .position(|a| *a == "deploy")
        .expect("profile");
    unknown[at] = "audit";
    let out = run(&unknown, None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("`audit` is not a profile of this spec; it has `default`, `deploy`"),
        "{}",
        stdout(&out)
    );
}

/// The live commands' arguments are checked before any kubeconfig is read or request made:
/// each bad one is a usage error (exit 2) naming what is wrong.
#[test]
fn live_commands_refuse_bad_arguments_before_any_request() {
    let home = tempfile::tempdir().expect("tempdir");
    let config = home.path().join("no-such-kubeconfig");
    for (args, says) in [
        (
            &["doctor", "a/b/c"][..],
            "`a/b/c` is not NAME, NAMESPACE/NAME or KIND/NAME",
        ),
        (
            &["doctor", "/api"][..],
            "`/api` is not NAME, NAMESPACE/NAME or KIND/NAME",
        ),
        (
            &["doctor", "deployment/"][..],
            "`deployment/` is not NAME, NAMESPACE/NAME or KIND/NAME",
        ),
        (
            &["status", "--request-timeout", "1d"][..],
            "`1d` is not a duration",
        ),
        (
            &["bind", "payments/api", "--role", "r", "--dry-run=maybe"][..],
            "invalid value 'maybe'",
        ),
        (&["unbind"][..], "required arguments were not provided"),
        (
            &["status", "-A", "-n", "payments"][..],
            "cannot be used with",
        ),
        (
            &["audit", "--policies", "p", "--trust-policy", "t"][..],
            "cannot be used with",
        ),
        (
            &["completion", "powershell-ish"][..],
            "invalid value 'powershell-ish'",
        ),
    ] {
        let output = Command::new(BIN)
            .args(args)
            .env("KUBECONFIG", &config)
            .env("HOME", home.path())
            .output()
            .expect("run");
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
}

#[test]
fn a_closed_pipe_ends_quietly_and_a_full_disk_is_an_error() {
    // `| head -1`: the reader leaves after the first line; every command stops quietly.
    for args in [
        vec!["generate", "-f", "examples/minimal.yaml"],
        vec!["completion", "zsh"],
    ] {
        let mut child = Command::new(BIN)
            .args(&args)
            .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn kubectl-irsa");
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("wait");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert!(
            !stderr(&out).contains("panicked"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    let full = Command::new(BIN)
        .args(["generate", "-f", &example("minimal.yaml"), "-o", "json"])
        .stdout(std::fs::File::create("/dev/full").expect("/dev/full"))
        .output()
        .expect("run");
    assert_eq!(full.status.code(), Some(3));
    assert!(
        stderr(&full).contains("\nerror: cannot write to standard output: No space left"),
        "{}",
        stderr(&full)
    );
}

#[test]
fn a_profile_given_twice_is_an_error_not_two_profiles() {
    let out = generate_flags(&["--assume", "deploy=x", "--assume", "deploy=y"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("error[duplicate] assume.deploy: `deploy` is given twice"),
        "{}",
        stderr(&out)
    );
    assert_eq!(stdout(&out), "");
}

#[test]
fn the_kubeconfig_is_read_as_kubectl_reads_it_and_its_errors_are_plain() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("config.yaml");
    std::fs::write(
        &config,
        "apiVersion: v1\nkind: Config\ncurrent-context: dev\ncontexts:\n- name: dev\n  context: {cluster: dev, user: dev}\nclusters:\n- name: dev\n  cluster: {server: \"https://127.0.0.1:1\"}\nusers:\n- name: dev\n  user: {token: x}\n",
    )
    .expect("write");
    let status = |kubeconfig: &str, extra: &[&str]| {
        let out = Command::new(BIN)
            .args(["status", "--request-timeout", "5s"])
            .args(extra)
            .env("KUBECONFIG", kubeconfig)
            .output()
            .expect("run");
        (out.status.code(), stderr(&out))
    };
    // A listed file that does not exist is skipped, as kubectl skips it.
    let listed = format!("/nonexistent/config:{}", config.display());
    let (code, said) = status(&listed, &[]);
    assert_eq!(code, Some(5), "{said}");
    assert!(
        said.contains("cannot reach the API server: Connection refused"),
        "{said}"
    );
    let (code, said) = status("/nonexistent/a:/nonexistent/b", &[]);
    assert_eq!(code, Some(5));
    assert!(said.contains("no file KUBECONFIG lists exists"), "{said}");
    let (code, said) = status(&listed, &["--context", "nope"]);
    assert_eq!(code, Some(5));
    assert!(
        said.contains("no context `nope` in the kubeconfig"),
        "{said}"
    );
}

#[test]
fn audit_reads_standard_input_and_checks_its_quota() {
    let policy = std::fs::read_to_string(corpus("eksctl-with-sub.json")).expect("read");
    let out = run(&["audit", "--trust-policy", "-"], Some(&policy));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("payments/api"), "{}", stdout(&out));
    let zero = run(&["audit", "--trust-policy", "x.json", "--quota", "0"], None);
    assert_eq!(zero.status.code(), Some(2));
    assert!(
        stderr(&zero).contains("0 is not in 1..=8192"),
        "{}",
        stderr(&zero)
    );
}

#[test]
fn a_format_the_spec_does_not_produce_is_said() {
    let out = run(
        &[
            "generate",
            "-f",
            &example("minimal.yaml"),
            "--format",
            "eksctl",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "");
    assert!(
        stderr(&out)
            .contains("warning: this spec gives no `eksctl` artifact (it needs `clusterName`)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn out_dir_says_what_an_earlier_spec_left_and_prune_removes_only_that() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let out_dir = out.display().to_string();
    let with_target = generate_flags(&["--assume", "deploy=deploy", "--out-dir", &out_dir]);
    assert_eq!(with_target.status.code(), Some(0));
    let left = out.join("iam/deploy.trust.json");
    assert!(left.exists());
    // Files irsa did not write, even in the bundle's directories, are never touched: a
    // README, Terraform's state beside the generated main.tf.
    std::fs::write(out.join("README.md"), "mine").expect("write");
    let state = out.join("terraform/standalone/terraform.tfstate");
    std::fs::write(&state, "{}").expect("write");
    let again = generate_flags(&["--out-dir", &out_dir]);
    assert_eq!(again.status.code(), Some(0));
    assert!(
        stderr(&again).contains(&format!(
            "warning: {} was written for an earlier spec",
            left.display()
        )),
        "{}",
        stderr(&again)
    );
    assert!(!stderr(&again).contains("tfstate"), "{}", stderr(&again));
    assert!(left.exists(), "a warning deletes nothing");
    // --format shows part of the bundle: the rest is not stale.
    let part = generate_flags(&["--out-dir", &out_dir, "--format", "trust-policy", "--prune"]);
    assert_eq!(part.status.code(), Some(0));
    assert!(
        out.join("kubernetes/a/serviceaccount-b.yaml").exists(),
        "{}",
        stderr(&part)
    );
    assert!(!left.exists(), "{}", stderr(&part));
    assert!(out.join("README.md").exists() && state.exists());
    assert!(out.join("iam/r.trust.json").exists());
    // What --format left out is still listed as irsa's, for a later spec to call stale.
    let listed = std::fs::read_to_string(out.join(".irsa-files")).expect("listed");
    assert!(
        listed
            .lines()
            .any(|l| l == "kubernetes/a/serviceaccount-b.yaml"),
        "{listed}"
    );
}

#[test]
fn prune_never_follows_a_symbolic_link_out_of_the_directory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let out_dir = out.display().to_string();
    let with_target = generate_flags(&["--assume", "deploy=deploy", "--out-dir", &out_dir]);
    assert_eq!(with_target.status.code(), Some(0));
    // iam/ moved elsewhere and linked back: what is there now is not irsa's to delete.
    let shared = dir.path().join("shared");
    std::fs::rename(out.join("iam"), &shared).expect("move");
    std::os::unix::fs::symlink(&shared, out.join("iam")).expect("link");
    let pruned = generate_flags(&["--out-dir", &out_dir, "--prune"]);
    assert_eq!(pruned.status.code(), Some(0), "{}", stderr(&pruned));
    assert!(
        shared.join("deploy.trust.json").exists(),
        "{}",
        stderr(&pruned)
    );
}

#[test]
fn help_examples_stay_whole_at_80_columns() {
    // An example is copied into a shell: clap must never wrap one, so each line fits and
    // only a line ending in `\` continues on the next.
    for command in [
        "generate",
        "bind",
        "unbind",
        "status",
        "doctor",
        "audit",
        "completion",
    ] {
        let out = Command::new(BIN)
            .args([command, "--help"])
            .env("COLUMNS", "80")
            .output()
            .expect("run");
        let help = stdout(&out);
        let examples: Vec<&str> = help
            .split("Examples:\n")
            .nth(1)
            .unwrap_or_else(|| panic!("{command} --help has examples"))
            .lines()
            .take_while(|line| !line.is_empty())
            .collect();
        assert!(
            examples.iter().all(|line| line.len() <= 80),
            "{command}: {examples:#?}"
        );
        for pair in examples.windows(2) {
            let [line, next] = pair else { continue };
            assert_eq!(
                next.starts_with("    "),
                line.ends_with('\\'),
                "{command}: wrapped or loose continuation:\n{line}\n{next}"
            );
        }
    }
}

#[test]
fn errors_in_the_flags_form_name_the_flag_of_each_key() {
    let out = run(
        &[
            "generate",
            "a/b",
            "--role",
            "r",
            "--account",
            "111122223333",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("error[missing-field] cluster:")
            && stderr(&out).contains("note: given as flags, `cluster` is --issuer"),
        "{}",
        stderr(&out)
    );
    // A spec file's errors need no such note.
    let file = run(&["generate", "-f", "-"], Some("role: r\n"));
    assert!(
        !stderr(&file).contains("note: given as flags"),
        "{}",
        stderr(&file)
    );
}

#[test]
fn completion_offers_the_artifact_kinds_for_format() {
    let out = run(&["__complete", "generate", "--format", "cl"], None);
    assert_eq!(stdout(&out), "cloudformation\n:4\n");
    // Written as one word, the value after the `=` is completed, bare, as cobra does.
    let joined = run(&["__complete", "generate", "--format=cl"], None);
    assert_eq!(stdout(&joined), "cloudformation\n:4\n");
    let short = run(&["__complete", "generate", "-o=y"], None);
    assert_eq!(stdout(&short), "yaml\n:4\n");
    // A file's flag leaves the value to the shell's file completion, as with a space.
    let file = run(&["__complete", "generate", "--filename=ex"], None);
    assert_eq!(stdout(&file), ":0\n");
    let unknown = run(&["__complete", "generate", "--nothing=x"], None);
    assert_eq!(stdout(&unknown), ":4\n");
    let bogus = run(
        &[
            "generate",
            "-f",
            &example("minimal.yaml"),
            "--format",
            "bogus",
        ],
        None,
    );
    assert_eq!(bogus.status.code(), Some(2));
    assert!(
        stderr(&bogus).contains("possible values: trust-policy"),
        "{}",
        stderr(&bogus)
    );
}
