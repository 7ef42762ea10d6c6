//! The real kubectl finds the plugin on PATH and runs it: `kubectl plugin list`,
//! `kubectl irsa …`, environment (KUBECONFIG) passed through to a live command.

use irsa_tests::fake_kube::FakeKube;
use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_kubectl-irsa");

/// kubectl, or `None` (the test says SKIPPED) on a machine without it.
fn kubectl() -> Option<&'static str> {
    let found = Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok();
    if !found {
        eprintln!("SKIPPED: no kubectl on PATH");
    }
    found.then_some("kubectl")
}

fn run(
    kubectl: &str,
    dir: &Path,
    args: &[&str],
    kubeconfig: Option<&Path>,
) -> (i32, String, String) {
    let path = format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut command = Command::new(kubectl);
    command.args(args).env("PATH", path).env("HOME", dir);
    if let Some(config) = kubeconfig {
        command.env("KUBECONFIG", config);
    }
    let output = command.output().expect("run kubectl");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn kubectl_discovers_and_runs_the_plugin() {
    let Some(kubectl) = kubectl() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let installed = dir.path().join("kubectl-irsa");
    std::fs::copy(BIN, &installed).expect("install the plugin");

    let (code, stdout, stderr) = run(kubectl, dir.path(), &["plugin", "list"], None);
    assert!(
        stdout.contains(&installed.display().to_string()),
        "{code} {stdout} {stderr}"
    );
    assert!(
        !stderr.contains("kubectl-irsa") || !stderr.contains("warning"),
        "{stderr}"
    );

    let (code, stdout, _) = run(kubectl, dir.path(), &["irsa", "--help"], None);
    assert_eq!(code, 0);
    assert!(stdout.contains("Usage: kubectl irsa <COMMAND>"), "{stdout}");
    let (code, stdout, _) = run(kubectl, dir.path(), &["irsa", "bind", "-h"], None);
    assert_eq!(code, 0);
    assert!(stdout.contains("Usage: kubectl irsa bind"), "{stdout}");

    // A live command through kubectl: KUBECONFIG reaches the plugin.
    let kube = FakeKube::start();
    kube.add_namespace("payments");
    let config = dir.path().join("config");
    std::fs::write(
        &config,
        kube.kubeconfig(
            "arn:aws:eks:eu-west-2:111122223333:cluster/prod",
            Some("payments"),
        ),
    )
    .expect("kubeconfig");
    let (code, stdout, stderr) = run(
        kubectl,
        dir.path(),
        &[
            "irsa",
            "bind",
            "api",
            "--role",
            "payments-api",
            "--issuer",
            "https://oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF",
        ],
        Some(&config),
    );
    assert_eq!(code, 0, "{stdout} {stderr}");
    assert_eq!(stdout, "serviceaccount/api created\n");
    let (code, stdout, _) = run(kubectl, dir.path(), &["irsa", "status"], Some(&config));
    assert_eq!(code, 0);
    assert!(
        stdout.contains("api              arn:aws:iam::111122223333:role/payments-api"),
        "{stdout}"
    );
    // Exit codes pass through kubectl.
    let (code, _, _) = run(
        kubectl,
        dir.path(),
        &["irsa", "doctor", "ghost"],
        Some(&config),
    );
    assert_eq!(code, 4);
}

#[test]
fn completion_scripts_name_every_command() {
    for shell in ["bash", "zsh", "fish"] {
        let output = Command::new(BIN)
            .args(["completion", shell])
            .output()
            .expect("run");
        assert!(output.status.success(), "{shell}");
        let script = String::from_utf8_lossy(&output.stdout);
        for command in ["generate", "bind", "unbind", "status", "doctor", "audit"] {
            assert!(
                script.contains(command),
                "{shell} completion lacks {command}"
            );
        }
        assert!(script.contains("force-conflicts"), "{shell}");
    }
    // Sourced into bash and asked as the shell asks it, a word at a time.
    let bash = Command::new(BIN)
        .args(["completion", "bash"])
        .output()
        .expect("run");
    let dir = tempfile::tempdir().expect("tempdir");
    let script = dir.path().join("kubectl-irsa.bash");
    std::fs::write(&script, &bash.stdout).expect("write");
    let complete = |words: &[&str]| {
        let line = words.join(" ");
        let driver = format!(
            "source {script}\nCOMP_WORDS=({words})\nCOMP_CWORD={cword}\nCOMP_LINE='{line}'\nCOMP_POINT=${{#COMP_LINE}}\n\
             _kubectl__irsa kubectl-irsa '{cur}' '{prev}'\necho \"${{COMPREPLY[*]}}\"\n",
            script = script.display(),
            words = words
                .iter()
                .map(|w| format!("'{w}'"))
                .collect::<Vec<_>>()
                .join(" "),
            cword = words.len() - 1,
            cur = words[words.len() - 1],
            prev = words[words.len() - 2],
        );
        let out = Command::new("bash")
            .args(["-c", &driver])
            .output()
            .expect("bash");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    };
    assert_eq!(complete(&["kubectl-irsa", "generate", "--fo"]), "--format");
    assert_eq!(
        complete(&["kubectl-irsa", "bind", "--force-c"]),
        "--force-conflicts"
    );
    // Every command, and not the one kubectl's completion calls.
    assert_eq!(
        complete(&["kubectl-irsa", ""]),
        "-h -V --help --version generate bind unbind status doctor audit completion help"
    );
}

/// The krew manifest template renders (as krew-release-bot renders it) into a manifest
/// with the fields krew validates: one platform per OS and architecture, each with the
/// binary this crate builds.
#[test]
fn krew_manifest_template_renders_a_valid_manifest() {
    let template =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.krew.yaml"))
            .expect("the .krew.yaml template");
    let tag = format!("v{}", env!("CARGO_PKG_VERSION"));
    let rendered: String = template
        .lines()
        .map(|line| {
            let line = line.replace("{{ .TagName }}", &tag);
            match line.trim().strip_prefix("{{addURIAndSha \"") {
                Some(rest) => {
                    let uri = rest.split('"').next().unwrap_or_default();
                    let indent = &line[..line.len() - line.trim_start().len()];
                    format!("{indent}uri: {uri}\n{indent}sha256: {}", "a".repeat(64))
                }
                None => line,
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert!(!rendered.contains("{{"), "{rendered}");
    let manifest: serde_json::Value = serde_saphyr::from_str(&rendered).expect("YAML");
    assert_eq!(
        manifest["apiVersion"],
        "krew.googlecontainertools.github.com/v1alpha2"
    );
    assert_eq!(manifest["kind"], "Plugin");
    assert_eq!(manifest["metadata"]["name"], "irsa");
    assert_eq!(manifest["spec"]["version"], tag.as_str());
    assert!(
        manifest["spec"]["shortDescription"]
            .as_str()
            .is_some_and(|s| s.len() <= 60)
    );
    let platforms = manifest["spec"]["platforms"].as_array().expect("platforms");
    let mut seen = Vec::new();
    for platform in platforms {
        let labels = &platform["selector"]["matchLabels"];
        let (os, arch) = (
            labels["os"].as_str().expect("os"),
            labels["arch"].as_str().expect("arch"),
        );
        let uri = platform["uri"].as_str().expect("uri");
        assert!(
            uri.ends_with(&format!("kubectl-irsa_{tag}_{os}_{arch}.tar.gz")),
            "{uri}"
        );
        assert!(
            uri.starts_with("https://github.com/irsa-dev/irsa/releases/download/"),
            "{uri}"
        );
        let bin = if os == "windows" {
            "kubectl-irsa.exe"
        } else {
            "kubectl-irsa"
        };
        assert_eq!(platform["bin"], bin);
        assert_eq!(platform["sha256"].as_str().map(str::len), Some(64));
        seen.push(format!("{os}/{arch}"));
    }
    for wanted in [
        "linux/amd64",
        "linux/arm64",
        "darwin/amd64",
        "darwin/arm64",
        "windows/amd64",
    ] {
        assert!(seen.iter().any(|s| s == wanted), "no {wanted} platform");
    }
}

/// The generated manifests as the README applies them without the plugin: real kubectl,
/// `kubectl apply --server-side --field-manager=kubectl-irsa -R -f kubernetes/`, against
/// the fake API server: the fields it sets are `kubectl-irsa`'s, so `unbind` can release them. The fake
/// serves no OpenAPI documents, so kubectl's client-side validation is off here; the
/// kubernetes_validate suite checks the same files against the real schemas.
#[test]
fn kubectl_applies_the_generated_manifests_server_side() {
    let Some(kubectl) = kubectl() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let kube = FakeKube::start();
    kube.add_namespace("payments");
    kube.seed(
        "kubectl-client-side-apply",
        serde_json::json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "api", "namespace": "payments"},
            "spec": {"selector": {"matchLabels": {"app": "api"}}, "template": {
                "metadata": {"labels": {"app": "api"}},
                "spec": {"containers": [{"name": "app", "image": "example/app:1"}]}}}
        }),
    );
    let config = dir.path().join("kubeconfig");
    std::fs::write(&config, kube.kubeconfig("fake", Some("payments"))).expect("kubeconfig");
    let out = dir.path().join("irsa");
    let generated = Command::new(BIN)
        .args([
            "generate",
            "payments/api",
            "--role",
            "payments-api",
            "--account",
            "111122223333",
            "--issuer",
            "https://oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF",
            "--assume",
            "deploy=payments-deploy",
            "--workload",
            "deployment/api",
            "--container",
            "app",
            "--profile",
            "deploy",
            "--out-dir",
        ])
        .arg(&out)
        .output()
        .expect("generate");
    assert!(generated.status.success(), "{generated:?}");
    let manifests = out.join("kubernetes").display().to_string();
    let (code, stdout, stderr) = run(
        kubectl,
        dir.path(),
        &[
            "apply",
            "--server-side",
            "--field-manager=kubectl-irsa",
            "--validate=false",
            "-R",
            "-f",
            &manifests,
        ],
        Some(&config),
    );
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert!(
        stdout.contains("deployment.apps/api serverside-applied"),
        "{stdout}"
    );
    let deployment = kube
        .object("Deployment", "payments", "api")
        .expect("deployment");
    assert_eq!(
        deployment
            .pointer("/spec/template/metadata/annotations/eks.amazonaws.com~1skip-containers"),
        Some(&serde_json::json!("app"))
    );
    let managers: Vec<_> = deployment["metadata"]["managedFields"]
        .as_array()
        .expect("managedFields")
        .iter()
        .filter_map(|entry| entry["manager"].as_str())
        .collect();
    assert!(managers.contains(&"kubectl-irsa"), "{managers:?}");
    assert!(
        kube.object("ConfigMap", "payments", "api-aws-config")
            .is_some()
    );
}

#[test]
fn kubectl_completes_the_plugin_through_kubectl_complete_irsa() {
    let Some(kubectl) = kubectl() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let installed = dir.path().join("kubectl-irsa");
    std::fs::copy(BIN, &installed).expect("install the plugin");
    // What the completion help says to do: the same binary under kubectl's name for it.
    std::os::unix::fs::symlink(&installed, dir.path().join("kubectl_complete-irsa"))
        .expect("link kubectl_complete-irsa");
    let (code, stdout, stderr) = run(kubectl, dir.path(), &["__complete", "irsa", "gen"], None);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.starts_with("generate\tGenerate every artifact"),
        "{stdout}"
    );
    assert!(stdout.ends_with(":4\n"), "{stdout}");
    let (_, stdout, _) = run(
        kubectl,
        dir.path(),
        &["__complete", "irsa", "bind", "--dry-"],
        None,
    );
    assert_eq!(
        stdout.lines().next(),
        Some("--dry-run\t`client` sends nothing, `server` sends dryRun=All"),
        "{stdout}"
    );
    let (_, stdout, _) = run(
        kubectl,
        dir.path(),
        &["__complete", "irsa", "generate", "-o", ""],
        None,
    );
    assert_eq!(stdout, "json\nyaml\n:4\n");
    // `--output=y` as kubectl answers for its own flags: the values, bare.
    let (_, stdout, _) = run(
        kubectl,
        dir.path(),
        &["__complete", "irsa", "generate", "--output=y"],
        None,
    );
    assert_eq!(stdout, "yaml\n:4\n");
    // A file for -f, nothing the shell could guess for a role name.
    for (flag, directive) in [("-f", ":0\n"), ("--role", ":4\n")] {
        let (code, stdout, _) = run(
            kubectl,
            dir.path(),
            &["__complete", "irsa", "generate", flag, ""],
            None,
        );
        assert_eq!((code, stdout.as_str()), (0, directive), "{flag}");
    }
}
