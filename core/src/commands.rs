//! The `kubectl irsa` command lines that reproduce a spec, for front ends (the page's
//! commands tab): generate from the file, the same from flags alone where every key the
//! spec sets has a flag, bind with `--iam`, and the bundle's own scripts.

use crate::node::Node;
use crate::render::aws_cli::quote;

/// The spec as `kubectl irsa generate` arguments after the command name: service
/// accounts, then flags. `None` when a key it sets has no flag (the spec file is then the
/// only way), or when it lacks the service accounts or role flags need.
pub fn flags(spec: &Node) -> Option<Vec<String>> {
    let Node::Map(entries) = spec else {
        return None;
    };
    let get = |key: &str| entries.iter().find(|(k, _)| k == key).map(|(_, v)| v);
    // A string, or a whole number where the spec reader takes one (an unquoted account).
    let text = |node: &Node| match node {
        Node::Str(s) => Some(s.clone()),
        Node::Int(i) => Some(i.to_string()),
        _ => None,
    };
    // One string or a list of them.
    let texts = |node: &Node| match node {
        Node::Seq(items) => items.iter().map(text).collect::<Option<Vec<_>>>(),
        other => text(other).map(|s| vec![s]),
    };
    let mut args = texts(get("serviceAccount")?).filter(|sas| !sas.is_empty())?;
    let flag = |args: &mut Vec<String>, name: &str, value: String| {
        args.extend([format!("--{name}"), value]);
    };
    for (key, value) in entries {
        match (key.as_str(), value) {
            ("serviceAccount", _) => {}
            ("role", v) => flag(&mut args, "role", text(v)?),
            ("account", v) => flag(&mut args, "account", text(v)?),
            ("partition", v) => flag(&mut args, "partition", text(v)?),
            ("podProfile", v) => flag(&mut args, "pod-profile", text(v)?),
            ("cluster", v) => texts(v)?
                .into_iter()
                .for_each(|i| flag(&mut args, "issuer", i)),
            ("assume", Node::Map(targets)) => {
                for (profile, role) in targets {
                    flag(&mut args, "assume", format!("{profile}={}", text(role)?));
                }
            }
            ("workload", Node::Str(w)) => flag(&mut args, "workload", w.clone()),
            ("workload", Node::Map(w)) => {
                let field = |k: &str| w.iter().find(|(key, _)| key == k).map(|(_, v)| v);
                if w.iter()
                    .any(|(k, _)| !["kind", "name", "container", "profile"].contains(&k.as_str()))
                {
                    return None;
                }
                flag(
                    &mut args,
                    "workload",
                    format!("{}/{}", text(field("kind")?)?, text(field("name")?)?),
                );
                for key in ["container", "profile"] {
                    if let Some(v) = field(key) {
                        flag(&mut args, key, text(v)?);
                    }
                }
            }
            ("regionalSts", Node::Bool(true)) => args.push("--regional-sts".to_owned()),
            ("regionalSts", Node::Bool(false)) => {}
            _ => return None,
        }
    }
    args.iter().any(|a| a == "--role").then_some(args)
}

/// The commands tab: the lines, with a comment each, that produce the spec's bundle and
/// apply it.
pub fn command_lines(spec: &Node) -> String {
    let mut out = vec![
        "# Save the spec as irsa.yaml (Copy as irsa.yaml), then write every artifact:".to_owned(),
        "kubectl irsa generate -f irsa.yaml --out-dir irsa/".to_owned(),
        String::new(),
    ];
    if let Some(args) = flags(spec) {
        let words: Vec<String> = args.iter().map(|a| quote(a)).collect();
        out.push("# The same, from flags only:".to_owned());
        out.push(format!(
            "kubectl irsa generate {} --out-dir irsa/",
            words.join(" ")
        ));
        out.push(String::new());
    }
    out.extend(
        [
            "# Both sides at once, IAM then Kubernetes, on the current kube context and AWS credentials:",
            "kubectl irsa bind -f irsa.yaml --iam",
            "",
            "# Or the IAM side from the bundle:",
            "bash irsa/aws-cli/create-iam.sh",
        ]
        .map(str::to_owned),
    );
    let pod_identity = matches!(spec, Node::Map(e) if e.iter().any(|(k, v)| k == "podIdentity" && *v == Node::Bool(true)));
    if pod_identity {
        out.push("bash irsa/pod-identity/associations.sh".to_owned());
    }
    out.extend(
        [
            "# Apply the Kubernetes objects to the current context (server-side apply, one request each):",
            "kubectl irsa bind -f irsa.yaml",
            "# or, without the plugin:",
            "kubectl apply --server-side --field-manager=kubectl-irsa -R -f irsa/kubernetes/",
            "",
        ]
        .map(str::to_owned),
    );
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(json: &str) -> Node {
        crate::node::parse(json).unwrap_or(Node::Null)
    }

    #[test]
    fn an_unquoted_account_is_a_flag_and_no_service_account_is_no_command() {
        let args = flags(&spec(
            r#"{"serviceAccount": "a/b", "role": "r", "account": 111122223333}"#,
        ));
        assert_eq!(
            args.as_deref(),
            Some(&["a/b", "--role", "r", "--account", "111122223333"].map(str::to_owned)[..])
        );
        assert_eq!(flags(&spec(r#"{"serviceAccount": [], "role": "r"}"#)), None);
        assert_eq!(flags(&spec(r#"{"serviceAccount": "a/b"}"#)), None);
    }
}
