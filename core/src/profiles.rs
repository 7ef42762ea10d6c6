//! Reading an AWS config file back — the one irsa writes, or one a user wrote — as the
//! AWS CLI reads it: `[default]` and `[profile NAME]` sections of `key = value` lines.

use serde::Serialize;

/// A profile and its settings, in file order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub name: String,
    pub settings: Vec<(String, String)>,
}

impl Profile {
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            settings: Vec::new(),
        }
    }

    /// Appends a setting (profiles keep their settings in file order).
    pub fn set(&mut self, key: &str, value: impl Into<String>) {
        self.settings.push((key.to_owned(), value.into()));
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.settings
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The role this profile assumes, if any.
    pub fn role_arn(&self) -> Option<&str> {
        self.get("role_arn")
    }

    /// Whether the profile assumes its role with the pod's web identity token.
    pub fn is_web_identity(&self) -> bool {
        self.get("web_identity_token_file").is_some()
    }
}

/// The profiles of a config file. Sections that are not profiles (`[sso-session x]`,
/// `[services x]`) and lines that are not settings are skipped, as the CLI skips them;
/// nested (indented) values belong to the setting above and are not profiles' own.
pub fn read(text: &str) -> Vec<Profile> {
    let mut profiles: Vec<Profile> = Vec::new();
    let mut in_profile = false;
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(header) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            let header = header.trim();
            let name = match header.strip_prefix("profile ") {
                Some(name) => Some(name.trim()),
                None if header == "default" => Some("default"),
                None => None,
            };
            in_profile = name.is_some();
            if let Some(name) = name {
                profiles.push(Profile {
                    name: name.to_owned(),
                    settings: Vec::new(),
                });
            }
            continue;
        }
        if !in_profile || raw.starts_with([' ', '\t']) {
            continue;
        }
        // Python's configparser, which the CLI uses, splits at the first `=` or `:` and
        // rejects an empty key.
        let split = line.find(['=', ':']).map(|i| line.split_at(i));
        if let (Some((key, value)), Some(profile)) = (split, profiles.last_mut()) {
            let (key, value) = (key.trim(), value.get(1..).unwrap_or_default().trim());
            if !key.is_empty() {
                profile.settings.push((key.to_owned(), value.to_owned()));
            }
        }
    }
    profiles
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_profiles_as_the_cli_does() {
        let text = "# note\n[default]\nrole_arn = arn:aws:iam::111122223333:role/pod\nweb_identity_token_file=/t\n\n[sso-session s]\nrole_arn = ignored\n[profile deploy]\nrole_arn = arn:aws:iam::444455556666:role/deploy\nsource_profile = default\ns3 =\n  max_concurrent_requests = 20\n; c\n[ profile  spaced ]\nregion = eu-west-2\n";
        let profiles = read(text);
        let names: Vec<&str> = profiles.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["default", "deploy", "spaced"]);
        assert!(profiles[0].is_web_identity());
        assert_eq!(
            profiles[1].role_arn(),
            Some("arn:aws:iam::444455556666:role/deploy")
        );
        assert_eq!(profiles[1].get("max_concurrent_requests"), None);
        assert_eq!(profiles[2].get("region"), Some("eu-west-2"));
        assert!(read("role_arn = x\n[broken\n").is_empty());
    }

    #[test]
    fn settings_split_as_configparser_splits_them() {
        let profiles =
            read("[default]\nregion: eu-west-2\nrole_arn = arn:aws:iam::111122223333:role/a\n");
        assert_eq!(profiles[0].get("region"), Some("eu-west-2"));
        assert_eq!(
            profiles[0].role_arn(),
            Some("arn:aws:iam::111122223333:role/a")
        );
        // Found by the aws_config fuzz target: an empty key is not a setting.
        assert!(read("[profile y]\n=").iter().all(|p| p.settings.is_empty()));
        assert!(
            read("[profile y]\n : x")
                .iter()
                .all(|p| p.settings.is_empty())
        );
    }
}
