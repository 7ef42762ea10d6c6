//! `bind --iam`: the core's IAM model made real through the AWS SDK. Every IAM object is
//! read first and the writes it needs are planned; nothing is sent when none is needed (a
//! rerun prints `unchanged`), when a dry run only shows them, or when a merged trust
//! policy would not fit the quota. Then the writes go in the order IAM needs (providers,
//! the pod role, the targets); a failure lists what was done and what was not.
//!
//! Merge, never clobber: in a role that exists, only irsa's trust statements (their `Sid`
//! starts with `Irsa`) are replaced, tags are added or updated but never removed, managed
//! policies are attached but never detached, and a boundary is set only when the spec
//! names one. Roles irsa creates carry [`OWNER_TAG`].

use crate::Error;
use crate::aws::{self, Accounts};
use crate::diff;
use aws_sdk_iam::Client;
use aws_sdk_iam::types::Tag;
use irsa_core::iam::{INLINE_POLICY_NAME, Iam, LiveTrust, OidcProvider, Role};
use serde_json::Value;
use std::fmt::Write as _;

/// The tag on every role `bind --iam` creates: what `unbind --iam` may delete.
pub const OWNER_TAG: (&str, &str) = ("irsa.dev/created-by", "kubectl-irsa");
/// IAM's limit of tags per role.
const MAX_TAGS: usize = 50;
/// A trust policy naming a role created a moment ago can be refused as an invalid
/// principal until IAM has spread the new role: tries, a second more apart each time.
const NEW_PRINCIPAL_TRIES: u64 = 6;

/// What one IAM object needs, and the writes that do it.
#[derive(Debug)]
pub struct Change {
    pub account: String,
    /// `oidc-provider/HOST/id/ID` or `role/NAME`.
    pub object: String,
    pub word: &'static str,
    /// What changes, as lines for a person (a trust policy as a diff).
    pub detail: Vec<String>,
    pub writes: Vec<Write>,
}

impl Change {
    /// Nothing to do yet for `object` of `account`.
    fn unchanged(account: &str, object: String) -> Self {
        Change {
            account: account.to_owned(),
            object,
            word: "unchanged",
            detail: Vec::new(),
            writes: Vec::new(),
        }
    }

    /// Replaces role `name`'s trust policy `live` with `new`, shown as a diff.
    fn update_trust(&mut self, name: &str, live: &LiveTrust, new: &LiveTrust) {
        self.detail.push("~ trust policy:".to_owned());
        self.detail
            .extend(diff::lines(&pretty(live.value()), &pretty(new.value())));
        self.writes.push(Write::UpdateTrust {
            name: name.to_owned(),
            trust: new.to_json(),
        });
    }
}

/// One IAM write.
#[derive(Debug)]
pub enum Write {
    CreateProvider {
        url: String,
        client_id: String,
    },
    AddClientId {
        arn: String,
        client_id: String,
    },
    CreateRole {
        role: Box<Role>,
        trust: String,
    },
    UpdateTrust {
        name: String,
        trust: String,
    },
    UpdateMaxSession {
        name: String,
        seconds: i32,
    },
    PutBoundary {
        name: String,
        arn: String,
    },
    Tag {
        name: String,
        tags: Vec<(String, String)>,
    },
    PutInline {
        name: String,
        policy: String,
    },
    DeleteInline {
        name: String,
        policy: String,
    },
    Attach {
        name: String,
        arn: String,
    },
    Detach {
        name: String,
        arn: String,
    },
    DeleteRole {
        name: String,
    },
}

impl Write {
    /// The IAM action, as a policy names it.
    pub fn action(&self) -> &'static str {
        match self {
            Write::CreateProvider { .. } => "iam:CreateOpenIDConnectProvider",
            Write::AddClientId { .. } => "iam:AddClientIDToOpenIDConnectProvider",
            Write::CreateRole { .. } => "iam:CreateRole",
            Write::UpdateTrust { .. } => "iam:UpdateAssumeRolePolicy",
            Write::UpdateMaxSession { .. } => "iam:UpdateRole",
            Write::PutBoundary { .. } => "iam:PutRolePermissionsBoundary",
            Write::Tag { .. } => "iam:TagRole",
            Write::PutInline { .. } => "iam:PutRolePolicy",
            Write::DeleteInline { .. } => "iam:DeleteRolePolicy",
            Write::Attach { .. } => "iam:AttachRolePolicy",
            Write::Detach { .. } => "iam:DetachRolePolicy",
            Write::DeleteRole { .. } => "iam:DeleteRole",
        }
    }

    /// `iam:Action target`, as a failure's done / not done lists name it.
    fn describe(&self) -> String {
        format!("{} {}", self.action(), self.target())
    }

    fn target(&self) -> String {
        match self {
            Write::CreateProvider { url, .. } => format!("oidc-provider {url}"),
            Write::AddClientId { arn, .. } => arn.clone(),
            Write::CreateRole { role, .. } => format!("role/{}", role.arn.name),
            Write::UpdateTrust { name, .. }
            | Write::UpdateMaxSession { name, .. }
            | Write::PutBoundary { name, .. }
            | Write::Tag { name, .. }
            | Write::PutInline { name, .. }
            | Write::DeleteInline { name, .. }
            | Write::Attach { name, .. }
            | Write::Detach { name, .. }
            | Write::DeleteRole { name } => format!("role/{name}"),
        }
    }

    fn failed<E, R>(&self) -> impl FnOnce(aws_sdk_iam::error::SdkError<E, R>) -> Error + '_
    where
        E: aws_sdk_iam::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        move |e| aws::error(self.action(), &self.target(), e)
    }

    /// Sends the write; a trust policy refused for naming a principal IAM has not spread
    /// yet (a pod role created seconds ago) is sent again, a second more apart each time.
    async fn send(&self, iam: &Client) -> Result<(), Error> {
        let mut tries = 1;
        loop {
            match self.send_once(iam).await {
                Err(Error::Aws(message))
                    if message.contains("Invalid principal") && tries < NEW_PRINCIPAL_TRIES =>
                {
                    tokio::time::sleep(std::time::Duration::from_secs(tries)).await;
                    tries += 1;
                }
                other => return other,
            }
        }
    }

    async fn send_once(&self, iam: &Client) -> Result<(), Error> {
        match self {
            Write::CreateProvider { url, client_id } => {
                let call = iam.create_open_id_connect_provider().url(url);
                call.client_id_list(client_id)
                    .send()
                    .await
                    .map_err(self.failed())?;
            }
            Write::AddClientId { arn, client_id } => {
                let call = iam.add_client_id_to_open_id_connect_provider();
                let call = call.open_id_connect_provider_arn(arn).client_id(client_id);
                call.send().await.map_err(self.failed())?;
            }
            Write::CreateRole { role, trust } => {
                let mut call = iam
                    .create_role()
                    .role_name(&role.arn.name)
                    .path(&role.arn.path)
                    .assume_role_policy_document(trust)
                    .max_session_duration(seconds(role.max_session_duration))
                    .set_permissions_boundary(
                        role.permissions_boundary.as_ref().map(|b| b.to_string()),
                    );
                let owner = (OWNER_TAG.0.to_owned(), OWNER_TAG.1.to_owned());
                for (key, value) in role.tags.iter().chain([&owner]) {
                    call = call.tags(tag(key, value)?);
                }
                call.send().await.map_err(self.failed())?;
            }
            Write::UpdateTrust { name, trust } => {
                let call = iam.update_assume_role_policy().role_name(name);
                call.policy_document(trust)
                    .send()
                    .await
                    .map_err(self.failed())?;
            }
            Write::UpdateMaxSession { name, seconds } => {
                let call = iam.update_role().role_name(name);
                call.max_session_duration(*seconds)
                    .send()
                    .await
                    .map_err(self.failed())?;
            }
            Write::PutBoundary { name, arn } => {
                let call = iam.put_role_permissions_boundary().role_name(name);
                call.permissions_boundary(arn)
                    .send()
                    .await
                    .map_err(self.failed())?;
            }
            Write::Tag { name, tags } => {
                let mut call = iam.tag_role().role_name(name);
                for (key, value) in tags {
                    call = call.tags(tag(key, value)?);
                }
                call.send().await.map_err(self.failed())?;
            }
            Write::PutInline { name, policy } => {
                let call = iam.put_role_policy().role_name(name);
                let call = call.policy_name(INLINE_POLICY_NAME).policy_document(policy);
                call.send().await.map_err(self.failed())?;
            }
            Write::DeleteInline { name, policy } => {
                let call = iam.delete_role_policy().role_name(name).policy_name(policy);
                call.send().await.map_err(self.failed())?;
            }
            Write::Attach { name, arn } => {
                let call = iam.attach_role_policy().role_name(name).policy_arn(arn);
                call.send().await.map_err(self.failed())?;
            }
            Write::Detach { name, arn } => {
                let call = iam.detach_role_policy().role_name(name).policy_arn(arn);
                call.send().await.map_err(self.failed())?;
            }
            Write::DeleteRole { name } => {
                iam.delete_role()
                    .role_name(name)
                    .send()
                    .await
                    .map_err(self.failed())?;
            }
        }
        Ok(())
    }
}

fn tag(key: &str, value: &str) -> Result<Tag, Error> {
    Tag::builder()
        .key(key)
        .value(value)
        .build()
        .map_err(|e| Error::Aws(format!("tag `{key}`: {e}")))
}

/// IAM takes seconds as an i32; the spec allows at most 43200.
fn seconds(value: u64) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

/// A role as IAM holds it.
#[derive(Debug)]
pub struct LiveRole {
    pub path: String,
    pub trust: LiveTrust,
    pub max_session_duration: i32,
    pub boundary: Option<String>,
    pub tags: Vec<(String, String)>,
}

impl LiveRole {
    pub fn created_by_irsa(&self) -> bool {
        self.tags
            .iter()
            .any(|(k, v)| k == OWNER_TAG.0 && v == OWNER_TAG.1)
    }
}

/// `iam:GetRole`; `None` when there is no such role.
pub async fn get_role(iam: &Client, name: &str) -> Result<Option<LiveRole>, Error> {
    let out = match iam.get_role().role_name(name).send().await {
        Ok(out) => out,
        Err(e) if aws::code(&e) == Some("NoSuchEntity") => return Ok(None),
        Err(e) => return Err(aws::error("iam:GetRole", &format!("role/{name}"), e)),
    };
    let Some(role) = out.role else {
        return Ok(None);
    };
    let text = decoded(role.assume_role_policy_document().unwrap_or_default());
    let trust = LiveTrust::parse(&text).map_err(|e| Error::Aws(format!("role/{name}: {e}")))?;
    Ok(Some(LiveRole {
        path: role.path,
        trust,
        max_session_duration: role.max_session_duration.unwrap_or(3600),
        boundary: role
            .permissions_boundary
            .and_then(|b| b.permissions_boundary_arn),
        tags: role
            .tags
            .unwrap_or_default()
            .into_iter()
            .map(|t| (t.key, t.value))
            .collect(),
    }))
}

/// IAM returns policy documents URL-encoded (RFC 3986); text that is JSON already is kept.
pub fn decoded(text: &str) -> String {
    if text.trim_start().starts_with('{') {
        return text.to_owned();
    }
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

/// Reads every object of `model` and plans the writes that make IAM match it.
pub async fn plan(model: &Iam, accounts: &Accounts, quota: u64) -> Result<Vec<Change>, Error> {
    let mut changes = Vec::new();
    let pod_iam = accounts.iam(model.pod.arn.account.as_str())?;
    for provider in &model.oidc_providers {
        changes.push(provider_change(pod_iam, model.pod.arn.account.as_str(), provider).await?);
    }
    for role in model.roles() {
        let iam = accounts.iam(role.arn.account.as_str())?;
        changes.push(role_change(iam, role, quota).await?);
    }
    Ok(changes)
}

async fn provider_change(
    iam: &Client,
    account: &str,
    provider: &OidcProvider,
) -> Result<Change, Error> {
    let object = format!(
        "oidc-provider/{}",
        provider.url.trim_start_matches("https://")
    );
    let live = iam
        .get_open_id_connect_provider()
        .open_id_connect_provider_arn(&provider.arn)
        .send()
        .await;
    let mut change = Change::unchanged(account, object);
    let (word, detail, writes) = match live {
        Err(e) if aws::code(&e) == Some("NoSuchEntity") => (
            "created",
            vec![format!("+ client id {}", provider.client_id)],
            vec![Write::CreateProvider {
                url: provider.url.clone(),
                client_id: provider.client_id.to_owned(),
            }],
        ),
        Err(e) => {
            return Err(aws::error("iam:GetOpenIDConnectProvider", &provider.arn, e));
        }
        Ok(out) if !out.client_id_list().iter().any(|c| c == provider.client_id) => (
            "configured",
            vec![format!("+ client id {}", provider.client_id)],
            vec![Write::AddClientId {
                arn: provider.arn.clone(),
                client_id: provider.client_id.to_owned(),
            }],
        ),
        Ok(_) => return Ok(change),
    };
    (change.word, change.detail, change.writes) = (word, detail, writes);
    Ok(change)
}

async fn role_change(iam: &Client, role: &Role, quota: u64) -> Result<Change, Error> {
    let name = role.arn.name.clone();
    let mut change = Change::unchanged(role.arn.account.as_str(), format!("role/{name}"));
    let Some(live) = get_role(iam, &name).await? else {
        if role.tags.len() + 1 > MAX_TAGS {
            return Err(Error::Refused(format!(
                "role/{name}: the spec's {} tags and irsa's {} make more than IAM's {MAX_TAGS}",
                role.tags.len(),
                OWNER_TAG.0
            )));
        }
        change.word = "created";
        change.detail.push("+ trust policy:".to_owned());
        let trust = pretty(LiveTrust::from(&role.trust).value());
        change.detail.extend(diff::lines("", &trust));
        change.writes.push(Write::CreateRole {
            role: Box::new(role.clone()),
            trust: role.trust.to_pretty_json(),
        });
        if let Some(doc) = &role.permissions {
            change
                .detail
                .push(format!("+ inline policy {INLINE_POLICY_NAME}"));
            change.writes.push(Write::PutInline {
                name: name.clone(),
                policy: doc.to_pretty_json(),
            });
        }
        for arn in &role.managed_policies {
            change.detail.push(format!("+ managed policy {arn}"));
            change.writes.push(Write::Attach {
                name: name.clone(),
                arn: arn.to_string(),
            });
        }
        return Ok(change);
    };
    if live.path != role.arn.path {
        return Err(Error::Refused(format!(
            "role/{name} exists with path `{}`, but the spec gives `{}`: IAM cannot move a role, and the ServiceAccount would name an ARN that does not exist",
            live.path, role.arn.path
        )));
    }
    let merged = live.trust.merged(&role.trust);
    if merged != live.trust {
        let size = merged.quota_size();
        let quota = usize::try_from(quota).unwrap_or(usize::MAX);
        if size > quota {
            return Err(Error::Refused(format!(
                "role/{name}: its trust policy with irsa's statements would be {size} characters, {} over the quota of {quota}; it keeps {} statement(s) irsa did not write\n  hint: move service accounts to another role, or raise the IAM quota `Role trust policy length` and set `trustPolicyQuota`",
                size - quota,
                merged.others()
            )));
        }
        change.update_trust(&name, &live.trust, &merged);
    }
    let max = seconds(role.max_session_duration);
    if role.max_session_duration_set && live.max_session_duration != max {
        change.detail.push(format!(
            "~ max session duration {} -> {max}",
            live.max_session_duration
        ));
        change.writes.push(Write::UpdateMaxSession {
            name: name.clone(),
            seconds: max,
        });
    }
    if let (Some(theirs), Some(ours)) = (&live.boundary, &role.permissions_boundary) {
        if theirs.as_str() != ours.as_str() {
            return Err(Error::Refused(format!(
                "role/{name} has the permissions boundary {theirs}, the spec names {ours}: irsa does not replace a boundary someone set (change one of them)"
            )));
        }
    }
    if let Some(boundary) = role
        .permissions_boundary
        .as_ref()
        .filter(|_| live.boundary.is_none())
    {
        change
            .detail
            .push(format!("~ permissions boundary {boundary}"));
        change.writes.push(Write::PutBoundary {
            name: name.clone(),
            arn: boundary.to_string(),
        });
    }
    let tags: Vec<(String, String)> = role
        .tags
        .iter()
        .filter(|t| !live.tags.contains(t))
        .cloned()
        .collect();
    let keys = live.tags.iter().chain(&tags).map(|(k, _)| k.as_str());
    let count = keys.collect::<std::collections::BTreeSet<_>>().len();
    if count > MAX_TAGS {
        return Err(Error::Refused(format!(
            "role/{name} would have {count} tags with the spec's; IAM allows {MAX_TAGS}"
        )));
    }
    if !tags.is_empty() {
        for (key, value) in &tags {
            change.detail.push(format!("~ tag {key} = {value}"));
        }
        change.writes.push(Write::Tag {
            name: name.clone(),
            tags,
        });
    }
    inline_change(iam, role, &mut change).await?;
    if !role.managed_policies.is_empty() {
        let attached = attached_policies(iam, &name).await?;
        for arn in &role.managed_policies {
            if !attached.iter().any(|a| a == arn.as_str()) {
                change.detail.push(format!("+ managed policy {arn}"));
                change.writes.push(Write::Attach {
                    name: name.clone(),
                    arn: arn.to_string(),
                });
            }
        }
    }
    if !change.writes.is_empty() {
        change.word = "configured";
    }
    Ok(change)
}

/// The inline policy irsa names `irsa`: written when the spec's differs. A spec without
/// permissions leaves it alone: another bind of the same role may have written it (only
/// `unbind --iam` deletes it, with the role).
async fn inline_change(iam: &Client, role: &Role, change: &mut Change) -> Result<(), Error> {
    let name = &role.arn.name;
    let live = match iam
        .get_role_policy()
        .role_name(name)
        .policy_name(INLINE_POLICY_NAME)
        .send()
        .await
    {
        Ok(out) => serde_json::from_str::<Value>(&decoded(out.policy_document())).ok(),
        Err(e) if aws::code(&e) == Some("NoSuchEntity") => None,
        Err(e) => return Err(aws::error("iam:GetRolePolicy", &change.object, e)),
    };
    let wanted = role
        .permissions
        .as_ref()
        .and_then(|doc| serde_json::to_value(doc).ok());
    match (&live, &wanted) {
        (live, Some(wanted)) if live.as_ref() != Some(wanted) => {
            let before = live.as_ref().map(pretty).unwrap_or_default();
            change
                .detail
                .push(format!("~ inline policy {INLINE_POLICY_NAME}:"));
            change.detail.extend(diff::lines(&before, &pretty(wanted)));
            change.writes.push(Write::PutInline {
                name: name.clone(),
                policy: serde_json::to_string(wanted).unwrap_or_default(),
            });
        }
        _ => {}
    }
    Ok(())
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// What `unbind --iam` takes out of a role's trust.
#[derive(Debug, Clone, Copy)]
pub enum Removal<'a> {
    /// A pod role: these service accounts of the cluster with this issuer.
    Subjects { issuer: &'a str, subs: &'a [String] },
    /// A target role: irsa's statement trusting this pod role.
    PodRole(&'a str),
}

/// `unbind --iam`: what taking `removal` out of role `name` needs, and whether the role
/// is left with no statement of irsa's (its chain then goes too). A role irsa created
/// whose trust is then empty is deleted, its policies first; a role irsa did not create
/// is never deleted, nor left with an empty trust (IAM refuses one): that is said.
pub async fn release(
    iam: &Client,
    account: &str,
    name: &str,
    removal: Removal<'_>,
) -> Result<(Change, bool), Error> {
    let mut change = Change::unchanged(account, format!("role/{name}"));
    let Some(live) = get_role(iam, name).await? else {
        change.detail.push("no such role".to_owned());
        return Ok((change, true));
    };
    let rest = match removal {
        Removal::Subjects { issuer, subs } => subs
            .iter()
            .fold(live.trust.clone(), |t, sub| t.without_subject(issuer, sub)),
        Removal::PodRole(arn) => live.trust.without_pod_role(arn),
    };
    if rest == live.trust {
        return Ok((change, rest.ours() == 0));
    }
    if rest.statements().is_empty() && live.created_by_irsa() {
        delete_role(iam, name, &mut change).await?;
        return Ok((change, true));
    }
    if rest.statements().is_empty() {
        eprintln!(
            "warning: role/{name} still trusts what unbind would take out: without it its trust would be empty, which IAM refuses, and irsa did not create the role to delete it; change its trust policy by hand"
        );
        return Ok((change, false));
    }
    change.update_trust(name, &live.trust, &rest);
    change.word = "configured";
    Ok((change, rest.ours() == 0))
}

/// The writes that delete role `name`: inline policies, managed attachments, the role.
async fn delete_role(iam: &Client, name: &str, change: &mut Change) -> Result<(), Error> {
    let object = change.object.clone();
    let inline = iam
        .list_role_policies()
        .role_name(name)
        .send()
        .await
        .map_err(|e| aws::error("iam:ListRolePolicies", &object, e))?;
    for policy in inline.policy_names() {
        change.detail.push(format!("- inline policy {policy}"));
        change.writes.push(Write::DeleteInline {
            name: name.to_owned(),
            policy: policy.clone(),
        });
    }
    for arn in attached_policies(iam, name).await? {
        change.detail.push(format!("- managed policy {arn}"));
        change.writes.push(Write::Detach {
            name: name.to_owned(),
            arn,
        });
    }
    change
        .detail
        .push(format!("- role {name} (created by kubectl irsa)"));
    change.writes.push(Write::DeleteRole {
        name: name.to_owned(),
    });
    change.word = "deleted";
    Ok(())
}

/// The ARNs of the managed policies attached to role `name`.
async fn attached_policies(iam: &Client, name: &str) -> Result<Vec<String>, Error> {
    let attached = iam
        .list_attached_role_policies()
        .role_name(name)
        .send()
        .await
        .map_err(|e| aws::error("iam:ListAttachedRolePolicies", &format!("role/{name}"), e))?;
    Ok(attached
        .attached_policies()
        .iter()
        .filter_map(|p| p.policy_arn().map(str::to_owned))
        .collect())
}

/// Sends every planned write in order, printing a line per object as `bind` does for
/// Kubernetes objects. On a failure, says what was done and what was not.
pub async fn apply(
    changes: &[Change],
    accounts: &Accounts,
    out: &mut dyn std::io::Write,
) -> Result<(), Error> {
    let mut done: Vec<String> = Vec::new();
    for (n, change) in changes.iter().enumerate() {
        let iam = accounts.iam(&change.account)?;
        for write in &change.writes {
            if let Err(error) = write.send(iam).await {
                let left: Vec<String> = changes[n..]
                    .iter()
                    .flat_map(|c| &c.writes)
                    .skip_while(|w| !std::ptr::eq(*w, write))
                    .map(Write::describe)
                    .collect();
                let mut message = error.to_string();
                let _ = write!(
                    message,
                    "\n  done: {}\n  not done: {}",
                    list(&done),
                    list(&left)
                );
                return Err(Error::Aws(message));
            }
            done.push(write.describe());
        }
        let _ = writeln!(out, "iam {} {}", change.object, change.word);
    }
    if changes
        .iter()
        .any(|c| c.word == "created" && c.object.starts_with("role/"))
    {
        eprintln!(
            "note: IAM is eventually consistent: a role just created may not be assumable for a few seconds; pods that start at once retry"
        );
    }
    Ok(())
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "nothing".to_owned()
    } else {
        items.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::decoded;

    #[test]
    fn policies_iam_returns_url_encoded_are_read() {
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Sid%22%3A%22IrsaPodRole1%22%2C%22Condition%22%3A%7B%22StringLike%22%3A%7B%22x%22%3A%22a%2Bb%20c%25%22%7D%7D%7D%5D%7D";
        assert_eq!(
            decoded(encoded),
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"IrsaPodRole1","Condition":{"StringLike":{"x":"a+b c%"}}}]}"#
        );
        // A document that is JSON already (moto, some proxies) is kept as it is, `%` too.
        let plain = r#"{"Statement":[{"Condition":{"StringLike":{"x":"100%25"}}}]}"#;
        assert_eq!(decoded(plain), plain);
    }
}
