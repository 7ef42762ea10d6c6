//! Terraform: a call of the irsa module (the few lines users keep), and the same IAM side
//! as plain resources for those who copy HCL. Roles in other accounts are created through
//! an aliased provider that may only touch that account.

use crate::arn::RoleArn;
use crate::iam::{self, RoleKind};
use crate::plan::Plan;
use crate::policy::PolicyDocument;
use crate::render::hcl::{self, Item, attr, list, string};
use crate::spec::{RoleSettings, Target, defaults};

/// The module call: `module "irsa"` with the spec's keys, plus a `target-role` call per role
/// in another account.
pub fn module_call(plan: &Plan) -> String {
    let spec = &plan.spec;
    let source = &spec.terraform_module_source;
    let mut body = vec![attr("source", string(source)), Item::Blank];
    body.push(attr(
        "clusters",
        list(&plan.issuers().map(|i| i.url()).collect::<Vec<_>>()),
    ));
    let subjects: Vec<String> = plan
        .subjects()
        .map(|s| format!("{}/{}", s.namespace, s.name))
        .collect();
    body.push(attr("service_accounts", list(&subjects)));
    body.push(attr("role_name", string(&plan.pod_role.name)));
    if spec.subject_patterns {
        body.push(attr("subject_patterns", "true"));
    }
    if plan.pod_role.path != defaults::ROLE_PATH {
        body.push(attr("path", string(&plan.pod_role.path)));
    }
    body.extend(settings_attrs(&spec.pod, Statements::List));
    if spec.create_oidc_provider {
        body.push(attr("create_oidc_provider", "true"));
    }
    if spec.pod_profile != defaults::POD_PROFILE {
        body.push(attr("pod_profile", string(&spec.pod_profile)));
    }
    if let Some(name) = &spec.role_session_name {
        body.push(attr("role_session_name", string(name)));
    }
    if let Some(seconds) = &spec.duration_seconds {
        body.push(attr("duration_seconds", seconds.value.to_string()));
    }
    if spec.regional_sts {
        body.push(attr("regional_sts", "true"));
    }
    if let Some(seconds) = spec.token_expiration {
        body.push(attr("token_expiration", seconds.to_string()));
    }
    if spec.trust_policy_quota != defaults::TRUST_POLICY_QUOTA {
        body.push(attr(
            "trust_policy_quota",
            spec.trust_policy_quota.to_string(),
        ));
    }
    body.extend(tags(&spec.pod.tags));
    let (local, remote): (Vec<_>, Vec<_>) = plan
        .targets
        .iter()
        .partition(|(_, arn)| arn.account == plan.pod_role.account);
    if !remote.is_empty() {
        let assume = remote
            .iter()
            .map(|(t, arn)| {
                let mut fields = vec![format!("role_arn = {}", string(&arn.to_string()))];
                if let Some(id) = &t.external_id {
                    fields.push(format!("external_id = {}", string(id)));
                }
                fields.extend(profile_fields(t).map(|(key, value)| format!("{key} = {value}")));
                attr(
                    &label_key(&t.profile),
                    format!("{{ {} }}", fields.join(", ")),
                )
            })
            .collect();
        body.push(Item::Map("assume".into(), assume));
    }
    if !local.is_empty() {
        let targets = local
            .iter()
            .map(|(t, arn)| Item::Map(label_key(&t.profile), target_fields(t, arn, None)))
            .collect();
        body.push(Item::Map("target_roles".into(), targets));
    }
    let mut blocks = vec![
        own_account_provider(plan),
        Item::Block("module \"irsa\"".into(), body),
    ];
    let labels: Vec<String> = target_labels(plan);
    for (account, targets) in by_account(&remote) {
        blocks.extend(account_provider(account));
        for (t, arn) in targets {
            let n = plan
                .targets
                .iter()
                .position(|(x, _)| x.profile == t.profile)
                .unwrap_or(0);
            let label = labels.get(n).cloned().unwrap_or_default();
            let mut call = vec![
                attr("source", string(&submodule_source(source))),
                attr(
                    "providers",
                    format!("{{ aws = aws.{} }}", account_alias(account)),
                ),
                Item::Blank,
            ];
            call.extend(target_fields(t, arn, Some("module.irsa.pod_role_arn")));
            blocks.push(Item::Block(format!("module \"{label}\""), call));
        }
    }
    blocks.push(output(
        "pod_role_arn",
        "module.irsa.pod_role_arn",
        "The ServiceAccounts' eks.amazonaws.com/role-arn.",
    ));
    blocks.push(output(
        "target_role_arns",
        "module.irsa.target_role_arns",
        "Profile => ARN of the role it chains into.",
    ));
    blocks.push(output(
        "service_account_annotations",
        "module.irsa.service_account_annotations",
        "Annotations for the ServiceAccounts.",
    ));
    blocks.push(output(
        "aws_config",
        "module.irsa.aws_config",
        "The AWS config file for the pods.",
    ));
    let header = format!(
        "Generated by irsa: the IAM side, through the irsa Terraform module (its source is\n\
         irsa's repository at this version; `terraformModuleSource` points it elsewhere).\n{}",
        apply_line(plan)
    );
    hcl::document(&header, &blocks)
}

/// Plain resources: the OIDC providers (optional), every role with the exact policies of
/// the bundle, and the AWS config file as an output.
pub fn standalone(plan: &Plan) -> String {
    let spec = &plan.spec;
    let mut blocks = vec![Item::Block(
        "terraform".into(),
        vec![Item::Block(
            "required_providers".into(),
            vec![Item::Map(
                "aws".into(),
                vec![
                    attr("source", string("hashicorp/aws")),
                    attr("version", string(">= 5.81, < 7.0")),
                ],
            )],
        )],
    )];
    blocks.push(own_account_provider(plan));
    let oidc = !spec.pod_identity;
    blocks.extend(oidc.then(|| {
        Item::Block(
            "variable \"create_oidc_provider\"".into(),
            vec![
                attr(
                    "description",
                    string("Create the clusters' IAM OIDC providers (false: they exist already)."),
                ),
                attr("type", "bool"),
                attr(
                    "default",
                    if spec.create_oidc_provider {
                        "true"
                    } else {
                        "false"
                    },
                ),
            ],
        )
    }));
    let providers = &plan.iam.oidc_providers;
    if let Some(first) = providers.first() {
        // Keyed by issuer, not by place: removing one cluster leaves the others' providers.
        let urls: Vec<&str> = providers.iter().map(|p| p.url.as_str()).collect();
        blocks.push(Item::Block(
            "resource \"aws_iam_openid_connect_provider\" \"cluster\"".into(),
            vec![
                attr(
                    "for_each",
                    format!(
                        "var.create_oidc_provider ? toset({}) : toset([])",
                        list(&urls)
                    ),
                ),
                attr("url", "each.value"),
                attr("client_id_list", list(&[first.client_id.to_owned()])),
            ],
        ));
    }
    let mut accounts: Vec<&str> = Vec::new();
    let labels = std::iter::once("pod".to_owned()).chain(target_labels(plan));
    for (role, label) in plan.iam.roles().zip(labels) {
        let account = role.arn.account.as_str();
        let remote = plan.iam.is_remote(role);
        if remote && !accounts.contains(&account) {
            accounts.push(account);
            blocks.extend(account_provider(account));
        }
        // Resources of another account go through its provider.
        let provider =
            || remote.then(|| attr("provider", format!("aws.{}", account_alias(account))));
        let mut body: Vec<Item> = provider().into_iter().collect();
        body.push(attr("name", string(&role.arn.name)));
        body.push(attr("path", string(&role.arn.path)));
        body.push(attr(
            "max_session_duration",
            role.max_session_duration.to_string(),
        ));
        if let Some(boundary) = &role.permissions_boundary {
            body.push(attr("permissions_boundary", string(boundary.as_str())));
        }
        body.push(Item::Heredoc(
            "assume_role_policy".into(),
            role.trust.to_pretty_json(),
        ));
        body.extend(tags(&role.tags));
        // IAM checks that a trusted role exists, and the providers must exist first.
        let after = if role.kind != RoleKind::Pod {
            "aws_iam_role.pod"
        } else if providers.is_empty() {
            ""
        } else {
            "aws_iam_openid_connect_provider.cluster"
        };
        if !after.is_empty() {
            body.push(Item::Blank);
            body.push(attr("depends_on", format!("[{after}]")));
        }
        blocks.push(Item::Block(
            format!("resource \"aws_iam_role\" \"{label}\""),
            body,
        ));
        if let Some(policy) = &role.permissions {
            let mut body: Vec<Item> = provider().into_iter().collect();
            body.push(attr("name", string(iam::INLINE_POLICY_NAME)));
            body.push(attr("role", format!("aws_iam_role.{label}.id")));
            body.push(Item::Heredoc("policy".into(), policy.to_pretty_json()));
            blocks.push(Item::Block(
                format!("resource \"aws_iam_role_policy\" \"{label}\""),
                body,
            ));
        }
        if !role.managed_policies.is_empty() {
            let arns: Vec<&str> = role.managed_policies.iter().map(|p| p.as_str()).collect();
            let mut body: Vec<Item> = provider().into_iter().collect();
            // Keyed by ARN: removing one policy detaches only that one.
            body.push(attr("for_each", format!("toset({})", list(&arns))));
            // The id, unknown while the role is replaced (a new path): the attachment
            // is made again for the new role, where the unchanged name would leave it off.
            body.push(attr("role", format!("aws_iam_role.{label}.id")));
            body.push(attr("policy_arn", "each.value"));
            blocks.push(Item::Block(
                format!("resource \"aws_iam_role_policy_attachment\" \"{label}\""),
                body,
            ));
        }
    }
    for (n, association) in plan.iam.associations.iter().enumerate() {
        blocks.push(Item::Block(
            format!(
                "resource \"aws_eks_pod_identity_association\" \"service_account_{}\"",
                n + 1
            ),
            vec![
                attr("cluster_name", string(&association.cluster)),
                attr("namespace", string(&association.namespace)),
                attr("service_account", string(&association.service_account)),
                attr("role_arn", "aws_iam_role.pod.arn"),
            ],
        ));
    }
    blocks.push(output(
        "pod_role_arn",
        "aws_iam_role.pod.arn",
        if plan.spec.pod_identity {
            // Annotated, the webhook would put a web identity first in the SDKs' chains,
            // which this trust (pods.eks.amazonaws.com) refuses.
            "The pod role, for the Pod Identity associations; no ServiceAccount annotation."
        } else {
            "The ServiceAccounts' eks.amazonaws.com/role-arn."
        },
    ));
    if plan.has_profiles() {
        let config = crate::render::aws_config::render(plan);
        blocks.push(Item::Block(
            "output \"aws_config\"".into(),
            vec![
                attr("description", string("The AWS config file for the pods.")),
                Item::Heredoc("value".into(), config),
            ],
        ));
    }
    let header = format!(
        "Generated by irsa: the IAM side as plain Terraform resources.\n{}",
        apply_line(plan)
    );
    hcl::document(&header, &blocks)
}

/// How to apply either form: where, with which credentials, and the role Terraform
/// assumes in each other account.
fn apply_line(plan: &Plan) -> String {
    let mut vars = Vec::new();
    for (_, arn) in &plan.targets {
        let var = format!(" -var account_{}_role_arn=ROLE_ARN", arn.account);
        if arn.account != plan.pod_role.account && !vars.contains(&var) {
            vars.push(var);
        }
    }
    // IAM is global, but the AWS provider refuses to start without a region, and Pod
    // Identity associations are made in the cluster's: the spec's region, pinned (an
    // AWS_REGION left from other work must not win), else the user's configuration.
    let account = &plan.pod_role.account;
    let (when, export) = match plan.region() {
        Some(region) => (
            " in the clusters' region".to_owned(),
            format!("\n  export AWS_REGION={region}"),
        ),
        None => (" and a region configured".to_owned(), String::new()),
    };
    format!(
        "In this directory, with credentials for account {account}{when}:{export}\n  terraform init && terraform apply{}",
        vars.concat()
    )
}

/// A target role's inputs: of the `target-role` module trusting `trusted_role`, or, without
/// it, of an entry of the irsa module's `target_roles` (which also takes its profile's
/// settings).
fn target_fields(target: &Target, arn: &RoleArn, trusted_role: Option<&str>) -> Vec<Item> {
    let mut fields = vec![attr("name", string(&arn.name))];
    if let Some(trusted) = trusted_role {
        fields.push(attr("trusted_role_arn", trusted));
    }
    if let Some(id) = &target.external_id {
        fields.push(attr("external_id", string(id)));
    }
    if arn.path != defaults::ROLE_PATH {
        fields.push(attr("path", string(&arn.path)));
    }
    match trusted_role {
        Some(_) => fields.extend(settings_attrs(&target.settings, Statements::List)),
        None => {
            fields.extend(settings_attrs(&target.settings, Statements::Documents));
            fields.extend(profile_fields(target).map(|(key, value)| attr(key, value)));
        }
    }
    fields.extend(tags(&target.settings.tags));
    fields
}

/// A chained profile's own settings in the AWS config file, as module inputs.
fn profile_fields(target: &Target) -> impl Iterator<Item = (&'static str, String)> {
    let seconds = target
        .duration_seconds
        .map(|s| ("duration_seconds", s.to_string()));
    let name = target
        .role_session_name
        .as_deref()
        .map(|n| ("role_session_name", string(n)));
    seconds.into_iter().chain(name)
}

/// How a role's own statements are given: a list (`inline_policy_statements`), or, in the
/// irsa module's `target_roles` map, whose entries must share one type whatever their
/// statements, JSON documents (`source_policy_documents`).
#[derive(Clone, Copy)]
enum Statements {
    List,
    Documents,
}

fn settings_attrs(settings: &RoleSettings, statements: Statements) -> Vec<Item> {
    let mut out = Vec::new();
    if let Some(seconds) = settings.max_session_duration {
        out.push(attr("max_session_duration", seconds.to_string()));
    }
    if let Some(boundary) = &settings.permissions_boundary {
        out.push(attr("permissions_boundary", string(boundary.as_str())));
    }
    if !settings.managed_policies.is_empty() {
        out.push(attr(
            "managed_policy_arns",
            list(&settings.managed_policies),
        ));
    }
    if !settings.statements.is_empty() {
        out.push(match statements {
            Statements::List => {
                let json = serde_json::to_string(&settings.statements).unwrap_or_default();
                attr(
                    "inline_policy_statements",
                    format!("jsondecode({})", string(&json)),
                )
            }
            Statements::Documents => {
                let document = PolicyDocument::new(settings.statements.clone());
                let json = serde_json::to_string(&document).unwrap_or_default();
                attr("source_policy_documents", format!("[{}]", string(&json)))
            }
        });
    }
    out
}

fn tags(tags: &[(String, String)]) -> Option<Item> {
    (!tags.is_empty()).then(|| {
        Item::Map(
            "tags".into(),
            tags.iter()
                .map(|(k, v)| attr(&string(k), string(v)))
                .collect(),
        )
    })
}

fn output(name: &str, value: &str, description: &str) -> Item {
    Item::Block(
        format!("output \"{name}\""),
        vec![
            attr("description", string(description)),
            attr("value", value),
        ],
    )
}

/// The default provider, pinned to the pod role's account: credentials for another (a
/// wrong AWS_PROFILE) fail every plan, apply and destroy before any call that changes
/// something, as the other accounts' providers do.
fn own_account_provider(plan: &Plan) -> Item {
    Item::Block(
        "provider \"aws\"".into(),
        vec![attr(
            "allowed_account_ids",
            list(&[plan.pod_role.account.as_str()]),
        )],
    )
}

/// A provider that can only act in `account`, reached by assuming a role there.
fn account_provider(account: &str) -> [Item; 2] {
    let alias = account_alias(account);
    [
        Item::Block(
            format!("variable \"{alias}_role_arn\""),
            vec![
                attr(
                    "description",
                    string(&format!(
                        "A role in account {account} that Terraform assumes to create roles there."
                    )),
                ),
                attr("type", "string"),
            ],
        ),
        Item::Block(
            "provider \"aws\"".into(),
            vec![
                attr("alias", string(&alias)),
                attr("allowed_account_ids", list(&[account.to_owned()])),
                Item::Blank,
                Item::Block(
                    "assume_role".into(),
                    vec![attr("role_arn", format!("var.{alias}_role_arn"))],
                ),
            ],
        ),
    ]
}

fn account_alias(account: &str) -> String {
    format!("account_{account}")
}

fn by_account<'a, T>(items: &[&'a (T, RoleArn)]) -> Vec<(&'a str, Vec<&'a (T, RoleArn)>)> {
    let mut groups: Vec<(&str, Vec<&(T, RoleArn)>)> = Vec::new();
    for item in items {
        let account = item.1.account.as_str();
        match groups.iter_mut().find(|(a, _)| *a == account) {
            Some((_, list)) => list.push(item),
            None => groups.push((account, vec![item])),
        }
    }
    groups
}

/// `…//terraform/irsa?ref=v1` -> `…//terraform/irsa/modules/target-role?ref=v1`.
fn submodule_source(source: &str) -> String {
    match source.split_once('?') {
        Some((path, query)) => {
            format!("{}/modules/target-role?{query}", path.trim_end_matches('/'))
        }
        None => format!("{}/modules/target-role", source.trim_end_matches('/')),
    }
}

/// A map key: bare when it is an identifier, quoted otherwise.
fn label_key(profile: &str) -> String {
    let ident = profile.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && profile
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ident {
        profile.to_owned()
    } else {
        string(profile)
    }
}

/// A unique resource or module label per target, from its profile name (letters, digits, `_`).
fn target_labels(plan: &Plan) -> Vec<String> {
    let mut labels: Vec<String> = Vec::new();
    for (n, (target, _)) in plan.targets.iter().enumerate() {
        let base: String = target
            .profile
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .collect();
        // `a-b`, `a_b` and `a_b_3` share a base: number the later ones until unique.
        let mut label = format!("target_{base}");
        let mut suffix = n + 1;
        while labels.contains(&label) {
            label = format!("target_{base}_{suffix}");
            suffix += 1;
        }
        labels.push(label);
    }
    labels
}

#[cfg(test)]
mod tests {
    #[test]
    fn target_labels_stay_unique_whatever_the_profile_names() {
        let spec = "account: \"111122223333\"\ncluster: https://oidc.eks.eu-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF\nserviceAccount: a/b\nrole: pod\nassume: {a_b_3: r1, a-b: r2, a_b: r3, A_B: r4}\n";
        let labels = crate::plan(spec)
            .map(|plan| super::target_labels(&plan))
            .unwrap_or_default();
        assert_eq!(labels.len(), 4, "{labels:?}");
        let mut unique = labels.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), labels.len(), "{labels:?}");
    }
}
