//! The spec a command works from: a file, or the same keys given as flags.

use crate::Error;
use irsa_core::node::Node;
use std::io::Read;

#[derive(Debug, clap::Args)]
pub struct SpecInput {
    /// Service accounts the pod role trusts, `namespace/name` (bind also takes `name`, in
    /// -n's namespace), instead of a spec file
    #[arg(value_name = "NAMESPACE/NAME", conflicts_with = "filename")]
    pub service_accounts: Vec<String>,

    /// Spec file (YAML or JSON); `-` reads standard input
    #[arg(short = 'f', long = "filename", value_name = "SPEC")]
    pub filename: Option<String>,

    #[command(flatten)]
    pub flags: SpecFlags,
}

/// The spec's keys as flags, for the flags-only form.
#[derive(Debug, clap::Args)]
pub struct SpecFlags {
    /// The pod role: a name (in --account) or an ARN
    #[arg(long, conflicts_with = "filename")]
    pub role: Option<String>,
    /// Account of roles given by name (12 digits)
    #[arg(long, conflicts_with = "filename")]
    pub account: Option<String>,
    /// The cluster's OIDC issuer URL (repeat for several clusters)
    #[arg(long = "issuer", value_name = "URL", conflicts_with = "filename")]
    pub issuers: Vec<String>,
    /// A profile chaining into another role: PROFILE=ROLE (name or ARN; repeatable)
    #[arg(
        long = "assume",
        value_name = "PROFILE=ROLE",
        conflicts_with = "filename"
    )]
    pub assume: Vec<String>,
    /// Workload to wire to the service account: KIND/NAME
    #[arg(long, value_name = "KIND/NAME", conflicts_with = "filename")]
    pub workload: Option<String>,
    /// Container of the workload to wire (default: the workload's name)
    #[arg(long, requires = "workload", conflicts_with = "filename")]
    pub container: Option<String>,
    /// Profile the container acts as by default, in every AWS SDK but Java v1 (an --assume
    /// profile or the pod profile)
    #[arg(
        long,
        value_name = "PROFILE",
        requires = "workload",
        conflicts_with = "filename"
    )]
    pub profile: Option<String>,
    /// Partition of the roles, when the issuer does not tell
    #[arg(long, conflicts_with = "filename")]
    pub partition: Option<String>,
    /// Name of the pod role's profile in the AWS config file
    #[arg(long, value_name = "PROFILE", conflicts_with = "filename")]
    pub pod_profile: Option<String>,
    /// Annotate for regional STS endpoints and set them in every profile
    #[arg(long, conflicts_with = "filename")]
    pub regional_sts: bool,
}

/// Values the flags may leave out, filled from elsewhere (a live cluster).
#[derive(Debug, Default)]
pub struct Defaults {
    pub issuer: Option<String>,
    pub account: Option<String>,
    pub partition: Option<String>,
    pub cluster_name: Option<String>,
}

impl SpecInput {
    /// The spec text of `-f`, or `None` for the flags-only form.
    pub fn file_text(&self) -> Result<Option<String>, Error> {
        self.filename.as_deref().map(read_spec).transpose()
    }

    /// Builds the spec tree the flags describe, so flags and files share every rule.
    pub fn flags_node(&self, defaults: &Defaults) -> Result<Node, Error> {
        let flags = &self.flags;
        if self.service_accounts.is_empty() {
            return Err(Error::Usage(
                "give a spec with -f SPEC, or NAMESPACE/NAME with --role".to_owned(),
            ));
        }
        let string = |s: &String| Node::Str(s.clone());
        let list = |items: &[String]| Node::Seq(items.iter().map(string).collect());
        let mut map: Vec<(String, Node)> =
            vec![("serviceAccount".to_owned(), list(&self.service_accounts))];
        let mut put = |key: &str, value: Option<Node>| {
            if let Some(value) = value {
                map.push((key.to_owned(), value));
            }
        };
        put("role", flags.role.as_ref().map(string));
        put(
            "account",
            flags
                .account
                .as_ref()
                .or(defaults.account.as_ref())
                .map(string),
        );
        let issuers = match (&flags.issuers[..], &defaults.issuer) {
            ([], Some(issuer)) => vec![issuer.clone()],
            (issuers, _) => issuers.to_vec(),
        };
        put("cluster", (!issuers.is_empty()).then(|| list(&issuers)));
        put(
            "partition",
            flags
                .partition
                .as_ref()
                .or(defaults.partition.as_ref())
                .map(string),
        );
        put("clusterName", defaults.cluster_name.as_ref().map(string));
        put("podProfile", flags.pod_profile.as_ref().map(string));
        put(
            "regionalSts",
            flags.regional_sts.then_some(Node::Bool(true)),
        );
        let mut assume = Vec::new();
        for pair in &flags.assume {
            let Some((profile, role)) = pair.split_once('=') else {
                return Err(Error::Usage(format!(
                    "--assume `{pair}` must be PROFILE=ROLE, like deploy=arn:aws:iam::444455556666:role/deploy"
                )));
            };
            assume.push((profile.to_owned(), Node::Str(role.to_owned())));
        }
        put("assume", (!assume.is_empty()).then_some(Node::Map(assume)));
        put(
            "workload",
            flags.workload.as_ref().map(|w| {
                if flags.container.is_none() && flags.profile.is_none() {
                    return Node::Str(w.clone());
                }
                let (kind, name) = w.split_once('/').unwrap_or((w, ""));
                let mut entry = vec![
                    ("kind".to_owned(), Node::Str(kind.to_owned())),
                    ("name".to_owned(), Node::Str(name.to_owned())),
                ];
                for (key, value) in [("container", &flags.container), ("profile", &flags.profile)] {
                    if let Some(value) = value {
                        entry.push((key.to_owned(), Node::Str(value.clone())));
                    }
                }
                Node::Map(entry)
            }),
        );
        Ok(Node::Map(map))
    }

    /// The diagnostics, and for a spec made of flags, which flag each key named is:
    /// messages speak of the spec's keys.
    pub fn report(&self, diagnostics: &[irsa_core::Diagnostic]) {
        crate::printer::diagnostics(diagnostics, &mut std::io::stderr());
        if self.filename.is_some() {
            return;
        }
        let mut said = Vec::new();
        for d in diagnostics {
            let key = d.field.split(['.', '[']).next().unwrap_or_default();
            let flag = match key {
                "cluster" => "--issuer",
                "serviceAccount" => "NAMESPACE/NAME",
                "role" => "--role",
                "account" => "--account",
                "assume" => "--assume PROFILE=ROLE",
                "workload" => "--workload (--container, --profile)",
                "partition" => "--partition",
                "podProfile" => "--pod-profile",
                "regionalSts" => "--regional-sts",
                _ => continue,
            };
            if !said.contains(&key) {
                said.push(key);
                eprintln!("note: given as flags, `{key}` is {flag}");
            }
        }
    }

    /// The bundle of the file or the flags.
    pub fn bundle(&self, defaults: &Defaults) -> Result<irsa_core::Bundle, Error> {
        Ok(match self.file_text()? {
            Some(text) => irsa_core::generate(&text),
            None => irsa_core::generate_node(&self.flags_node(defaults)?),
        })
    }

    /// The bundle, and the plan it was rendered from when it has no errors (`bind --iam`
    /// applies its IAM model). The spec is read once.
    pub fn bundle_and_plan(
        &self,
        defaults: &Defaults,
    ) -> Result<(irsa_core::Bundle, Option<irsa_core::Plan>), Error> {
        Ok(match self.file_text()? {
            Some(text) => (irsa_core::generate(&text), irsa_core::plan(&text).ok()),
            None => {
                let node = self.flags_node(defaults)?;
                (
                    irsa_core::generate_node(&node),
                    irsa_core::plan_node(&node).ok(),
                )
            }
        })
    }
}

pub fn read_spec(path: &str) -> Result<String, Error> {
    if path == "-" {
        read_limited(std::io::stdin().lock(), path)
    } else {
        read_file(std::path::Path::new(path))
    }
}

/// A user's file (a spec, a policy), read through the size limit: `-f /dev/zero` or a
/// huge file is refused after the limit, never read whole.
pub fn read_file(path: &std::path::Path) -> Result<String, Error> {
    let shown = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|source| Error::Read {
        path: shown.clone(),
        source,
    })?;
    read_limited(file, &shown)
}

fn read_limited(reader: impl Read, path: &str) -> Result<String, Error> {
    let limit = irsa_core::node::MAX_INPUT_BYTES;
    let mut bytes = Vec::new();
    reader
        .take(limit as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| Error::Read {
            path: path.to_owned(),
            source,
        })?;
    let invalid = |message: String| Error::Read {
        path: path.to_owned(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, message),
    };
    if bytes.len() > limit {
        return Err(invalid(format!(
            "larger than {limit} bytes, the limit for a spec or a policy"
        )));
    }
    String::from_utf8(bytes).map_err(|_| invalid("not UTF-8 text".to_owned()))
}
