//! Which role a container acts as, for each AWS SDK family: the default credential chains
//! of the SDKs, modelled from their sources, over what a pod really has (its env after
//! the webhook's mutation and the AWS config file it can read).
//!
//! The chains differ in one place that matters on EKS: whether the profile `AWS_PROFILE`
//! selects comes before or after the webhook's web-identity variables. Each chain below
//! cites the source it follows.

use crate::eks::{CONTAINER_URI_ENV, ROLE_ARN_ENV, TOKEN_FILE_ENV};
use crate::plan::Plan;
use crate::profiles::Profile;
use crate::render::{aws_config, kubernetes};
use crate::webhook::{self, Injection};
use serde::Serialize;

crate::wire::wire_enum! {
    /// An SDK family whose default credential chain the model knows.
    pub enum Sdk {
        /// botocore: the AWS CLI and boto3.
        AwsCli => "aws-cli",
        GoV1 => "go-v1",
        GoV2 => "go-v2",
        /// Go v2 before `config` v1.27.34 (2024-09), as Debian ships it.
        GoV2Legacy => "go-v2-legacy",
        JavaV1 => "java-v1",
        /// Java v1 before 1.12.746 (2024-06), which takes no container endpoint but a
        /// loopback one.
        JavaV1Legacy => "java-v1-legacy",
        JavaV2 => "java-v2",
        JavascriptV3 => "javascript-v3",
        Dotnet => "dotnet",
        Rust => "rust",
        Ruby => "ruby",
    }
}

impl Sdk {
    /// How people name it.
    pub fn label(self) -> &'static str {
        match self {
            Sdk::AwsCli => "AWS CLI/boto3",
            Sdk::GoV1 => "Go v1",
            Sdk::GoV2 => "Go v2",
            Sdk::GoV2Legacy => "Go v2 < 1.27.34",
            Sdk::JavaV1 => "Java v1",
            Sdk::JavaV1Legacy => "Java v1 < 1.12.746",
            Sdk::JavaV2 => "Java v2",
            Sdk::JavascriptV3 => "JavaScript v3",
            Sdk::Dotnet => ".NET",
            Sdk::Rust => "Rust",
            Sdk::Ruby => "Ruby",
        }
    }

    /// For a family's older versions, modelled apart where they answer differently: the
    /// newer ones.
    pub fn newer(self) -> Option<Sdk> {
        match self {
            Sdk::GoV2Legacy => Some(Sdk::GoV2),
            Sdk::JavaV1Legacy => Some(Sdk::JavaV1),
            _ => None,
        }
    }

    /// The default chain, in order. What each step finds is decided by [`Step`].
    fn chain(self) -> &'static [Step] {
        use Step::*;
        match self {
            // botocore/credentials.py `create_credential_resolver`: env, assume-role (a
            // profile with role_arn and a source), assume-role-with-web-identity (env or
            // profile, env values first), sso, shared files, process, container, IMDS.
            Sdk::AwsCli => &[
                EnvKeys,
                ProfileAssumeRole,
                WebIdentity,
                ProfileKeys,
                Container,
            ],
            // aws-sdk-go-v2 config/resolve_credentials.go `resolveCredentialChain`: static
            // env keys, then env web identity, then `resolveCredsFromProfile`, which falls
            // back to container credentials when the profile has none.
            // aws-sdk-go aws/session/credentials.go `resolveCredentials`: the same order.
            Sdk::GoV1 | Sdk::GoV2 | Sdk::GoV2Legacy => {
                &[EnvKeys, EnvWebIdentity, Profile, Container]
            }
            // Java v2 `DefaultCredentialsProvider`: system properties, env keys, web
            // identity token file, profile file, container, instance profile. Java v1
            // `DefaultAWSCredentialsProviderChain`: env, system properties, web identity,
            // profile, container/instance.
            Sdk::JavaV1 | Sdk::JavaV1Legacy | Sdk::JavaV2 => {
                &[EnvKeys, EnvWebIdentity, Profile, Container]
            }
            // @aws-sdk/credential-provider-node `defaultProvider`: fromEnv (skipped when
            // AWS_PROFILE is set), fromSSO, fromIni, fromProcess, fromTokenFile,
            // remoteProvider (container, IMDS).
            Sdk::JavascriptV3 => &[EnvKeys, Profile, EnvWebIdentity, Container],
            // aws-config `default_provider::credentials::DefaultCredentialsChain`:
            // environment, profile, web identity token, ECS (container), IMDS.
            Sdk::Rust => &[EnvKeys, Profile, EnvWebIdentity, Container],
            // aws-sdk-net `FallbackCredentialsFactory`: app config, web identity from the
            // env, the profile, env keys, container, instance.
            Sdk::Dotnet => &[EnvWebIdentity, Profile, EnvKeys, Container],
            // aws-sdk-ruby `CredentialProviderChain#providers`: static, env keys, env web
            // identity, then the shared config profile, container, instance.
            Sdk::Ruby => &[EnvKeys, EnvWebIdentity, Profile, Container],
        }
    }

    /// Whether `credential_source = EcsContainer` takes the full URI that EKS Pod Identity
    /// sets. Go v1 (aws/aws-sdk-go#4572), and Go v2 before `config` v1.27.34
    /// (aws-sdk-go-v2#2790), want the relative URI only ECS sets ("EcsContainer was
    /// specified as the credential_source, but 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'
    /// was not set").
    fn ecs_source_takes_full_uri(self) -> bool {
        !matches!(self, Sdk::GoV1 | Sdk::GoV2Legacy)
    }

    /// botocore's `Session` and Go v2's `LoadDefaultConfig` refuse a named profile they
    /// cannot find before resolving credentials (`ProfileNotFound`,
    /// `SharedConfigProfileNotExistError`).
    fn loads_profile_first(self) -> bool {
        matches!(self, Sdk::AwsCli | Sdk::GoV2 | Sdk::GoV2Legacy)
    }

    /// Java v1's `ProfileAssumeRoleCredentialsProvider` builds the source profile's
    /// credentials with `ProfileStaticCredentialsProvider`: static keys only. Its profiles
    /// know no `credential_source` at all (`com.amazonaws.auth.profile` reads
    /// `source_profile` alone).
    fn sources_only_static_keys(self) -> bool {
        matches!(self, Sdk::JavaV1 | Sdk::JavaV1Legacy)
    }

    /// Whether the SDK reads `AWS_CONFIG_FILE` without further ado: Go v1 reads the config
    /// file only when `AWS_SDK_LOAD_CONFIG` is set (aws/session/env_config.go).
    fn reads_config(self, env: &Env<'_>) -> bool {
        // strconv.ParseBool: 1, t, T, TRUE, true, True.
        self != Sdk::GoV1
            || env
                .get("AWS_SDK_LOAD_CONFIG")
                .is_some_and(|v| matches!(v, "1" | "t" | "T" | "TRUE" | "true" | "True"))
    }

    /// Java's `AwsCredentialsProviderChain` and .NET's `FallbackCredentialsFactory` catch a
    /// link's error and try the next one (container credentials, then instance metadata):
    /// a profile they cannot use falls through, often to the node's role.
    fn skips_failed_links(self) -> bool {
        matches!(
            self,
            Sdk::JavaV1 | Sdk::JavaV1Legacy | Sdk::JavaV2 | Sdk::Dotnet
        )
    }
}

#[derive(Debug, Clone, Copy)]
enum Step {
    /// `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`.
    EnvKeys,
    /// `AWS_WEB_IDENTITY_TOKEN_FILE` with `AWS_ROLE_ARN`.
    EnvWebIdentity,
    /// The selected profile, whatever gives its credentials.
    Profile,
    /// botocore only: the selected profile when it assumes a role from a source.
    ProfileAssumeRole,
    /// botocore only: web identity from the env, else from the selected profile.
    WebIdentity,
    /// botocore only: static keys in the selected profile.
    ProfileKeys,
    /// The container credentials endpoint (EKS Pod Identity's agent, ECS).
    Container,
}

/// What a container has, as the SDKs in it see it.
#[derive(Debug, Clone, Copy)]
pub struct Container<'a> {
    /// Its env after the webhook's mutation ([`crate::webhook::mutate`]).
    pub env: &'a [(String, String)],
    /// The profiles of the file `AWS_CONFIG_FILE` names, when it can read it.
    pub config: &'a [Profile],
    /// The role EKS Pod Identity's agent hands this pod, when it is known.
    pub container_role: Option<&'a str>,
}

/// Who the SDK acts as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Identity {
    Role {
        arn: String,
    },
    /// The role of the pod's EKS Pod Identity association, which the pod does not show.
    PodIdentityRole,
    /// Static keys, from the env or a profile.
    Keys,
    /// Nothing in the pod: the SDK falls back to the node's instance metadata.
    Node,
    /// The SDK refuses to start, or fails on the first call.
    Fails {
        reason: String,
    },
}

impl Identity {
    pub fn role(&self) -> Option<&str> {
        match self {
            Identity::Role { arn } => Some(arn),
            _ => None,
        }
    }
}

impl std::fmt::Display for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Identity::Role { arn } => f.write_str(arn),
            Identity::PodIdentityRole => f.write_str("the Pod Identity association's role"),
            Identity::Keys => f.write_str("static access keys"),
            Identity::Node => f.write_str("the node's role (instance metadata)"),
            Identity::Fails { reason } => write!(f, "no credentials: {reason}"),
        }
    }
}

/// One SDK family's answer, and which link of its chain gave it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
pub struct Answer {
    pub sdk: Sdk,
    /// How people name the SDK family ([`Sdk::label`]), for front ends.
    pub label: &'static str,
    pub identity: Identity,
    /// The identity in words ([`Identity`]'s `Display`), for front ends.
    pub summary: String,
    /// The link that decided: `AWS_ROLE_ARN`, `profile deploy`, ...
    pub via: String,
}

/// How `via` begins when an SDK skipped a link it could not use and fell through to the
/// instance metadata: its own limitation, which no wiring can mend.
const FELL_THROUGH: &str = "instance metadata, after: ";

impl Answer {
    /// Whether the SDK fell through a link it cannot use (Java v1 chaining from a
    /// web-identity profile): a limit of that SDK, said rather than warned about.
    pub fn fell_through(&self) -> bool {
        self.via.starts_with(FELL_THROUGH)
    }
}

/// What every SDK family acts as in `container`.
pub fn resolve(container: &Container<'_>) -> Vec<Answer> {
    Sdk::ALL
        .iter()
        .map(|&sdk| {
            let (identity, via) = resolve_one(sdk, container);
            Answer {
                sdk,
                label: sdk.label(),
                summary: identity.to_string(),
                identity,
                via,
            }
        })
        .collect()
}

/// The answers grouped by identity, in the order each identity first appears.
pub fn by_identity(answers: &[Answer]) -> Vec<(&Identity, Vec<Sdk>)> {
    let mut groups: Vec<(&Identity, Vec<Sdk>)> = Vec::new();
    for a in answers {
        match groups.iter_mut().find(|(i, _)| **i == a.identity) {
            Some((_, sdks)) => sdks.push(a.sdk),
            None => groups.push((&a.identity, vec![a.sdk])),
        }
    }
    groups
}

/// The env as a lookup where an empty value counts as unset, as the SDKs read it.
#[derive(Debug, Clone, Copy)]
struct Env<'a>(&'a [(String, String)]);

impl<'a> Env<'a> {
    fn get(&self, key: &str) -> Option<&'a str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
    }

    fn has_keys(&self) -> bool {
        self.get("AWS_ACCESS_KEY_ID").is_some() && self.get("AWS_SECRET_ACCESS_KEY").is_some()
    }

    fn container_uri(&self) -> bool {
        self.get(CONTAINER_URI_ENV).is_some()
            || self.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").is_some()
    }
}

fn resolve_one(sdk: Sdk, c: &Container<'_>) -> (Identity, String) {
    let env = Env(c.env);
    let explicit = env.get("AWS_PROFILE");
    let name = explicit.unwrap_or("default");
    let config: &[Profile] = if sdk.reads_config(&env) {
        c.config
    } else {
        &[]
    };
    let profile = config.iter().find(|p| p.name == name);
    let missing = explicit.filter(|_| profile.is_none()).map(|name| {
        (
            Identity::Fails {
                reason: format!("profile `{name}` is not in the config file"),
            },
            format!("AWS_PROFILE={name}"),
        )
    });
    // botocore and Go v2 load the named profile before any credential lookup; the other
    // SDKs fail only when their chain reaches the profile.
    if let (Some(missing), true) = (&missing, sdk.loads_profile_first()) {
        return missing.clone();
    }
    let via_profile = || format!("profile {name}");
    let mut skipped = None;
    for step in sdk.chain() {
        let found = match step {
            Step::EnvKeys if sdk == Sdk::JavascriptV3 && explicit.is_some() => None,
            Step::EnvKeys => env
                .has_keys()
                .then(|| (Identity::Keys, "AWS_ACCESS_KEY_ID".to_owned())),
            Step::EnvWebIdentity => env_web_identity(&env),
            Step::Profile if missing.is_some() => missing.clone(),
            Step::Profile => profile
                .and_then(|p| from_profile(sdk, p, config, &env, 0))
                .map(|i| (i, via_profile())),
            Step::ProfileAssumeRole => profile
                .filter(|p| {
                    p.get("source_profile").is_some() || p.get("credential_source").is_some()
                })
                .and_then(|p| from_profile(sdk, p, config, &env, 0))
                .map(|i| (i, via_profile())),
            // botocore's web-identity provider takes each setting from the env first,
            // then from the profile: AWS_ROLE_ARN overrides the profile's role_arn.
            Step::WebIdentity => env_web_identity(&env).or_else(|| {
                let p = profile.filter(|p| p.is_web_identity())?;
                let role = p.role_arn()?;
                Some((role_identity(role), via_profile()))
            }),
            Step::ProfileKeys => profile
                .filter(|p| p.get("aws_access_key_id").is_some())
                .map(|_| (Identity::Keys, via_profile())),
            // Java checks the full URI's host. Java v1's last link is one wrapper that, with
            // a full URI set, asks no instance metadata; Java v2's chain goes on to it.
            Step::Container => match java_refusal(sdk, &env) {
                Some(reason) if matches!(sdk, Sdk::JavaV1 | Sdk::JavaV1Legacy) => {
                    return (Identity::Fails { reason }, CONTAINER_URI_ENV.to_owned());
                }
                Some(reason) => Some((Identity::Fails { reason }, CONTAINER_URI_ENV.to_owned())),
                None => env
                    .container_uri()
                    .then(|| (container_identity(c), CONTAINER_URI_ENV.to_owned())),
            },
        };
        match found {
            Some((Identity::Fails { reason }, _)) if sdk.skips_failed_links() => {
                skipped = Some(reason);
            }
            Some(found) => return found,
            None => {}
        }
    }
    let via = match skipped {
        Some(reason) => format!("{FELL_THROUGH}{reason}"),
        None => "instance metadata".to_owned(),
    };
    (Identity::Node, via)
}

/// Why Java's `ContainerCredentialsProvider` refuses the full URI, where it does (ECS's
/// relative URI, which it prefers, is never refused). Java v2, and Java v1 since 1.12.746,
/// take https (`Objects.equals("https", scheme)`), a host that is loopback, and in the
/// default endpoint mode the ECS and EKS agents' IPv4 addresses, in the IPv6 one EKS's
/// `[fd00:ec2::23]` only (`isAllowedHost`, `isMetadataServiceEndpoint`; aws/aws-sdk-java#3062;
/// EKS user guide, pod-id-minimum-sdk). Java v1 before took `localhost` and `127.0.0.1`
/// alone. A host name is not resolved here: only `localhost` counts as loopback.
fn java_refusal(sdk: Sdk, env: &Env<'_>) -> Option<String> {
    if !matches!(sdk, Sdk::JavaV1 | Sdk::JavaV1Legacy | Sdk::JavaV2)
        || env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").is_some()
    {
        return None;
    }
    let uri = env.get(CONTAINER_URI_ENV)?;
    let (scheme, rest) = uri.split_once("://").unwrap_or(("", uri));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    // `[fd00:ec2::23]:80` keeps its brackets (as `URI.getHost` does), `127.0.0.1:80` loses
    // its port.
    let host = match authority.strip_prefix('[') {
        Some(v6) => format!("[{}]", v6.split(']').next().unwrap_or_default()),
        None => authority.split(':').next().unwrap_or_default().to_owned(),
    }
    .to_ascii_lowercase();
    if sdk == Sdk::JavaV1Legacy {
        return (!matches!(host.as_str(), "127.0.0.1" | "localhost")).then(|| {
            format!(
                "Java v1 before 1.12.746 takes {CONTAINER_URI_ENV} on 127.0.0.1 or localhost only, not the EKS Pod Identity agent's"
            )
        });
    }
    let ipv4_loopback = host.strip_prefix("127.").is_some_and(|rest| {
        let octets: Vec<&str> = rest.split('.').collect();
        octets.len() == 3 && octets.iter().all(|n| n.parse::<u8>().is_ok())
    });
    let loopback =
        ipv4_loopback || matches!(host.as_str(), "localhost" | "[::1]" | "[0:0:0:0:0:0:0:1]");
    let ipv6_mode = env
        .get("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE")
        .is_some_and(|m| m.eq_ignore_ascii_case("IPV6"));
    let agent = if ipv6_mode {
        host == "[fd00:ec2::23]"
    } else {
        matches!(host.as_str(), "169.254.170.2" | "169.254.170.23")
    };
    if scheme == "https" || loopback || agent {
        return None;
    }
    let agents = if ipv6_mode {
        "at EKS's [fd00:ec2::23] in the IPv6 endpoint mode set here"
    } else {
        "at the ECS and EKS agents' 169.254.170.2 and 169.254.170.23 (EKS's IPv6 [fd00:ec2::23] only with AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPV6)"
    };
    Some(format!(
        "{} takes {CONTAINER_URI_ENV} over https, on loopback or {agents}, not `{host}`",
        sdk.label()
    ))
}

fn role_identity(arn: &str) -> Identity {
    Identity::Role {
        arn: arn.to_owned(),
    }
}

fn container_identity(c: &Container<'_>) -> Identity {
    c.container_role
        .map_or(Identity::PodIdentityRole, role_identity)
}

fn env_web_identity(env: &Env<'_>) -> Option<(Identity, String)> {
    env.get(TOKEN_FILE_ENV)?;
    let identity = match env.get(ROLE_ARN_ENV) {
        Some(role) => role_identity(role),
        None => Identity::Fails {
            reason: format!("{TOKEN_FILE_ENV} is set without {ROLE_ARN_ENV}"),
        },
    };
    Some((identity, ROLE_ARN_ENV.to_owned()))
}

/// Profiles chain through `source_profile`; SDKs stop at a loop, and so does this.
const MAX_CHAIN: usize = 8;

/// The identity a profile gives, or `None` when it holds no credentials (the chain goes
/// on). A profile that names a role assumes it once its source resolves.
fn from_profile(
    sdk: Sdk,
    profile: &Profile,
    config: &[Profile],
    env: &Env<'_>,
    depth: usize,
) -> Option<Identity> {
    let fails = |reason: String| Some(Identity::Fails { reason });
    let name = &profile.name;
    if depth > MAX_CHAIN {
        return fails(format!("profile `{name}` is part of a source_profile loop"));
    }
    let Some(role) = profile.role_arn() else {
        return profile.get("aws_access_key_id").map(|_| Identity::Keys);
    };
    if let Some(source) = profile.get("source_profile") {
        let Some(source_profile) = config.iter().find(|p| p.name == source) else {
            return fails(format!(
                "profile `{name}` names source_profile `{source}`, which is not in the config file"
            ));
        };
        if sdk.sources_only_static_keys() && source_profile.get("aws_access_key_id").is_none() {
            return fails(format!(
                "{} assumes a role only from a source_profile with static keys, and `{source}` has none",
                sdk.label()
            ));
        }
        // The source is resolved as a profile of its own: a web-identity source uses its
        // own role_arn and token file, whatever the env says.
        return match from_profile(sdk, source_profile, config, env, depth + 1) {
            Some(Identity::Fails { reason }) => fails(reason),
            Some(_) => Some(role_identity(role)),
            None => fails(format!(
                "source_profile `{source}` of profile `{name}` has no credentials"
            )),
        };
    }
    if profile.is_web_identity() {
        return Some(role_identity(role));
    }
    if sdk.sources_only_static_keys() {
        return fails(format!(
            "{} assumes a role only from a source_profile with static keys, not from profile `{name}`'s credential_source",
            sdk.label()
        ));
    }
    match profile.get("credential_source") {
        Some("EcsContainer")
            if env.get(CONTAINER_URI_ENV).is_some()
                && !sdk.ecs_source_takes_full_uri()
                && env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").is_none() =>
        {
            fails(format!(
                "profile `{name}` uses credential_source EcsContainer, which {} reads only from AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                sdk.label()
            ))
        }
        // The same provider as the chain's container link, with the same host check.
        Some("EcsContainer") if env.container_uri() => match java_refusal(sdk, env) {
            Some(reason) => fails(format!(
                "profile `{name}` uses credential_source EcsContainer, and {reason}"
            )),
            None => Some(role_identity(role)),
        },
        Some("EcsContainer") => fails(format!(
            "profile `{name}` uses credential_source EcsContainer, but the container has no credentials endpoint"
        )),
        Some("Environment") if env.has_keys() => Some(role_identity(role)),
        Some("Ec2InstanceMetadata") => Some(role_identity(role)),
        Some(other) => fails(format!(
            "profile `{name}` has credential_source `{other}` and nothing provides it"
        )),
        None => fails(format!("profile `{name}` names role_arn without a source")),
    }
}

/// One container a spec wires, and the role each SDK family acts as in it once the
/// webhook has mutated its pod: what the page's "which role does my code get?" shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "tsify", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct ContainerRoles {
    pub namespace: String,
    /// kubectl's form: `deployment/api`.
    pub workload: String,
    pub container: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// The role the spec names for the container.
    pub expected: String,
    pub answers: Vec<Answer>,
}

/// The prediction for every container a plan wires.
pub fn of_plan(plan: &Plan) -> Vec<ContainerRoles> {
    let config = if plan.has_profiles() {
        aws_config::profiles(plan)
    } else {
        Vec::new()
    };
    let pod_role = plan.pod_role.to_string();
    let pod_identity = plan.spec.pod_identity;
    let injection = Injection {
        role_arn: (!pod_identity).then(|| pod_role.clone()),
        pod_identity,
        regional_sts: plan.spec.regional_sts,
        region: plan.region().map(str::to_owned),
    };
    let mut out = Vec::new();
    for workload in &plan.workloads {
        let skip = workload.skipped(pod_identity);
        for container in &workload.containers {
            let env: Vec<(String, String)> = if plan.has_profiles() {
                kubernetes::container_env(plan, container)
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v))
                    .collect()
            } else {
                Vec::new()
            };
            let env = webhook::mutate(&container.name, &env, &skip, &injection);
            let answers = resolve(&Container {
                env: &env,
                config: &config,
                container_role: pod_identity.then_some(pod_role.as_str()),
            });
            let expected = container
                .profile
                .as_ref()
                .and_then(|p| plan.targets.iter().find(|(t, _)| t.profile == *p))
                .map_or_else(|| pod_role.clone(), |(_, arn)| arn.to_string());
            out.push(ContainerRoles {
                namespace: workload.subject.namespace.clone(),
                workload: crate::cluster::objects::slash(workload.kind.as_str(), &workload.name),
                container: container.name.clone(),
                profile: container.profile.clone(),
                expected,
                answers,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const POD: &str = "arn:aws:iam::111122223333:role/pod";
    const DEPLOY: &str = "arn:aws:iam::111122223333:role/deploy";

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn config() -> Vec<Profile> {
        crate::profiles::read(&format!(
            "[default]\nrole_arn = {POD}\nweb_identity_token_file = /t\n[profile deploy]\nrole_arn = {DEPLOY}\nsource_profile = default\n[profile ecs]\nrole_arn = {DEPLOY}\ncredential_source = EcsContainer\n"
        ))
    }

    fn answers(env: &[(String, String)], container_role: Option<&str>) -> Vec<(Sdk, Identity)> {
        let config = config();
        resolve(&Container {
            env,
            config: &config,
            container_role,
        })
        .into_iter()
        .map(|a| (a.sdk, a.identity))
        .collect()
    }

    fn who(answers: &[(Sdk, Identity)], sdk: Sdk) -> Option<&str> {
        answers
            .iter()
            .find(|(s, _)| *s == sdk)
            .and_then(|(_, i)| i.role())
    }

    /// The webhook's variables with AWS_PROFILE set by hand: the chains' orders decide.
    #[test]
    fn a_hand_set_profile_loses_where_web_identity_comes_first() {
        let env = env(&[
            ("AWS_ROLE_ARN", POD),
            ("AWS_WEB_IDENTITY_TOKEN_FILE", "/t"),
            ("AWS_CONFIG_FILE", "/etc/irsa/config"),
            ("AWS_PROFILE", "deploy"),
        ]);
        let a = answers(&env, None);
        for sdk in [Sdk::AwsCli, Sdk::JavascriptV3, Sdk::Rust] {
            assert_eq!(who(&a, sdk), Some(DEPLOY), "{sdk:?}");
        }
        for sdk in [
            Sdk::GoV1,
            Sdk::GoV2,
            Sdk::GoV2Legacy,
            Sdk::JavaV1,
            Sdk::JavaV1Legacy,
            Sdk::JavaV2,
            Sdk::Dotnet,
            Sdk::Ruby,
        ] {
            assert_eq!(who(&a, sdk), Some(POD), "{sdk:?}");
        }
    }

    /// Without the webhook's variables every SDK takes the profile, except Java v1, which
    /// chains only from static keys, and Go v1 until it is told to read the config file.
    /// (Go v1 then misses the profile it was told to use.)
    #[test]
    fn without_the_webhook_every_sdk_takes_the_profile() {
        let mut env = env(&[
            ("AWS_CONFIG_FILE", "/etc/irsa/config"),
            ("AWS_PROFILE", "deploy"),
        ]);
        let a = answers(&env, None);
        assert!(matches!(
            a.iter().find(|(s, _)| *s == Sdk::GoV1),
            Some((_, Identity::Fails { .. }))
        ));
        env.push(("AWS_SDK_LOAD_CONFIG".to_owned(), "true".to_owned()));
        for (sdk, identity) in answers(&env, None) {
            match sdk {
                // Java's chain skips the profile it cannot use: on to instance metadata.
                Sdk::JavaV1 | Sdk::JavaV1Legacy => {
                    assert!(matches!(identity, Identity::Node))
                }
                _ => assert_eq!(identity.role(), Some(DEPLOY), "{sdk:?}"),
            }
        }
    }

    #[test]
    fn ecs_container_source_needs_the_relative_uri_in_old_go() {
        let env = env(&[
            (
                "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                "http://169.254.170.23/v1/credentials",
            ),
            ("AWS_CONFIG_FILE", "/etc/irsa/config"),
            ("AWS_SDK_LOAD_CONFIG", "true"),
            ("AWS_PROFILE", "ecs"),
        ]);
        let a = answers(&env, Some(POD));
        assert_eq!(who(&a, Sdk::GoV2), Some(DEPLOY));
        assert_eq!(who(&a, Sdk::AwsCli), Some(DEPLOY));
        for sdk in [Sdk::GoV1, Sdk::GoV2Legacy] {
            assert!(
                matches!(
                    a.iter().find(|(s, _)| *s == sdk),
                    Some((_, Identity::Fails { .. }))
                ),
                "{sdk:?}"
            );
        }
    }

    /// Java v1 reads no credential_source: a chained profile falls through to the container
    /// credentials, the pod role's. Java v2, and Java v1 since 1.12.746, take the EKS Pod
    /// Identity agent's address (the IPv6 one only in the IPv6 endpoint mode); Java v1
    /// before, loopback only, so under EKS Pod Identity it had no credentials at all. Java
    /// v2 refused goes on to instance metadata; Java v1 refused stops.
    #[test]
    fn java_takes_the_container_endpoints_its_host_check_allows() {
        let agent = |uri: &'static str, mode: Option<&'static str>| {
            let mut vars = vec![
                ("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri),
                ("AWS_CONFIG_FILE", "/etc/irsa/config"),
                ("AWS_PROFILE", "ecs"),
            ];
            vars.extend(mode.map(|m| ("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", m)));
            answers(&env(&vars), Some(POD))
        };
        let of = |a: &[(Sdk, Identity)], sdk: Sdk| {
            a.iter()
                .find(|(s, _)| *s == sdk)
                .map(|(_, i)| i.clone())
                .unwrap_or(Identity::Node)
        };
        let fails = |a: &[(Sdk, Identity)], sdk: Sdk| matches!(of(a, sdk), Identity::Fails { .. });
        let a = agent("http://169.254.170.23/v1/credentials", None);
        assert_eq!(who(&a, Sdk::JavaV2), Some(DEPLOY));
        assert_eq!(who(&a, Sdk::JavaV1), Some(POD), "{a:?}");
        assert!(fails(&a, Sdk::JavaV1Legacy), "{a:?}");
        let v6 = "http://[fd00:ec2::23]:80/v1/credentials";
        let a = agent(v6, None);
        assert!(fails(&a, Sdk::JavaV1), "{a:?}");
        assert_eq!(of(&a, Sdk::JavaV2), Identity::Node, "{a:?}");
        let a = agent(v6, Some("ipv6"));
        assert_eq!(who(&a, Sdk::JavaV1), Some(POD));
        assert_eq!(who(&a, Sdk::JavaV2), Some(DEPLOY));
        // In the IPv6 mode the IPv4 agent is refused.
        assert!(fails(
            &agent("http://169.254.170.23/v1/credentials", Some("IPv6")),
            Sdk::JavaV1
        ));
        for refused in [
            "http://10.0.0.1/creds",
            "http://127.example.com/",
            "HTTPS://creds.example.com/",
        ] {
            assert!(fails(&agent(refused, None), Sdk::JavaV1), "{refused}");
        }
        for taken in [
            "https://creds.example.com/",
            "http://user@127.0.0.1:8080/creds",
            "http://LOCALHOST?x=1",
            "http://[::1]/c",
        ] {
            assert_eq!(who(&agent(taken, None), Sdk::JavaV1), Some(POD), "{taken}");
        }
        assert_eq!(
            who(
                &agent("http://127.0.0.1:8080/creds", None),
                Sdk::JavaV1Legacy
            ),
            Some(POD)
        );
    }

    #[test]
    fn missing_profiles_and_loops_fail_without_panicking() {
        let a = answers(&env(&[("AWS_PROFILE", "nope")]), None);
        assert!(
            a.iter()
                .all(|(_, i)| matches!(i, Identity::Fails { .. } | Identity::Node))
        );
        let looped = crate::profiles::read(
            "[profile a]\nrole_arn = x\nsource_profile = b\n[profile b]\nrole_arn = y\nsource_profile = a\n",
        );
        let env = env(&[("AWS_PROFILE", "a")]);
        let out = resolve(&Container {
            env: &env,
            config: &looped,
            container_role: None,
        });
        // Java and .NET skip the link they cannot use and fall through.
        assert!(
            out.iter()
                .all(|a| matches!(a.identity, Identity::Fails { .. }) || a.fell_through())
        );
    }
}
