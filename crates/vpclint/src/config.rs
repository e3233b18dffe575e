//! `vpclint.toml`: rule selection, severities, per-rule options, excludes, prices and traffic.
//!
//! Found in the current directory or the nearest parent that has one, or named with `--config`.
//! Unknown keys are an error naming the key and the file. Command-line flags override the file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::{Deserialize, Serialize};
use vpclint_rules::prices::{PriceOverrides, PriceTable};
use vpclint_rules::{registry, RuleOptions, Severity};

pub const FILE_NAME: &str = "vpclint.toml";

/// The file as written.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ConfigFile {
    /// Rules to run (ids or slugs); empty runs all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub select: Vec<String>,
    /// Rules not to run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignore: Vec<String>,
    /// Resource addresses whose findings are dropped, as globs over address segments:
    /// `module.legacy_*.**`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclude: Vec<String>,
    /// `error`, `warning`, `note` or `never`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fail_on: Option<String>,
    /// Severity per rule id or slug.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub severity: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "RulesSection::is_empty")]
    pub rules: RulesSection,
    /// Unit price overrides per region: `[prices.eu-west-1] nat_gateway_gb = 0.05`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub prices: BTreeMap<String, toml::Table>,
    /// Traffic assumptions, GB or TB a month per service: `s3 = "2TB"`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub traffic: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RulesSection {
    #[serde(rename = "C001", default, skip_serializing_if = "Option::is_none")]
    pub c001: Option<C001Options>,
    #[serde(rename = "N010", default, skip_serializing_if = "Option::is_none")]
    pub n010: Option<N010Options>,
}

impl RulesSection {
    fn is_empty(&self) -> bool {
        self.c001.is_none() && self.n010.is_none()
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct C001Options {
    /// Treat every VPC as using DynamoDB even without a table in the plan.
    #[serde(default)]
    pub uses_dynamodb: bool,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct N010Options {
    /// Extra endpoint services per workload type: `aws_ecs_service = ["secretsmanager"]`.
    #[serde(default)]
    pub required_endpoints: BTreeMap<String, Vec<String>>,
}

/// The settings in force: the file's, then the command line's on top.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// The file they came from, if any.
    pub path: Option<PathBuf>,
    pub file: ConfigFile,
}

/// A configuration problem: one line naming the file.
#[derive(Debug)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Finds `vpclint.toml` in `start` or the nearest parent directory that has one.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        let candidate = d.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        dir = d.parent();
    }
    None
}

/// Reads and checks a configuration file.
pub fn load(path: &Path) -> Result<Settings, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError(format!("{}: cannot read: {e}", path.display())))?;
    let file: ConfigFile = toml::from_str(&text).map_err(|e| {
        let at = e
            .span()
            .map(|s| {
                let line = text[..s.start].matches('\n').count() + 1;
                format!(" at line {line}")
            })
            .unwrap_or_default();
        // toml's message names the unknown key and lists the known ones.
        let message = e.message().trim().replace('\n', " ");
        ConfigError(format!("{}{at}: {message}", path.display()))
    })?;
    let settings = Settings {
        path: Some(path.to_path_buf()),
        file,
    };
    settings.validate()?;
    Ok(settings)
}

impl Settings {
    fn where_(&self) -> String {
        self.path
            .as_ref()
            .map_or_else(|| "command line".to_string(), |p| p.display().to_string())
    }

    /// Checks rule names, severities and globs, so a typo is an error rather than a no-op.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let file = &self.file;
        for name in file
            .select
            .iter()
            .chain(&file.ignore)
            .chain(file.severity.keys())
        {
            if registry::find(name).is_none() {
                return Err(ConfigError(format!(
                    "{}: unknown rule {name:?}",
                    self.where_()
                )));
            }
        }
        for (rule, severity) in &file.severity {
            if Severity::parse(severity).is_none() {
                return Err(ConfigError(format!(
                    "{}: severity of {rule} must be error, warning or note, not {severity:?}",
                    self.where_()
                )));
            }
        }
        if let Some(fail_on) = &file.fail_on {
            if !matches!(fail_on.as_str(), "error" | "warning" | "note" | "never") {
                return Err(ConfigError(format!(
                    "{}: fail-on must be error, warning, note or never, not {fail_on:?}",
                    self.where_()
                )));
            }
        }
        self.excludes()?;
        Ok(())
    }

    /// The built-in price table with the `[prices]` overrides applied. An unknown key, a negative
    /// price or a key that is not a region is an error, as in `vpclint cost`.
    pub fn price_table(&self) -> Result<PriceTable, ConfigError> {
        let overrides: PriceOverrides = toml::Value::Table(
            self.file
                .prices
                .iter()
                .map(|(region, table)| (region.clone(), toml::Value::Table(table.clone())))
                .collect(),
        )
        .try_into()
        .map_err(|e: toml::de::Error| ConfigError(format!("[prices]: {}", e.message())))?;
        PriceTable::builtin()
            .with_overrides(&overrides)
            .map_err(|e| ConfigError(format!("[prices]: {e}")))
    }

    /// The rule options these settings give, with the prices the cost findings quote.
    pub fn rule_options(&self) -> Result<RuleOptions, ConfigError> {
        let file = &self.file;
        let severity = file
            .severity
            .iter()
            .filter_map(|(name, s)| {
                Some((
                    registry::find(name)?.meta().id.to_string(),
                    Severity::parse(s)?,
                ))
            })
            .collect();
        Ok(RuleOptions {
            select: file.select.clone(),
            ignore: file.ignore.clone(),
            severity,
            uses_dynamodb: file.rules.c001.as_ref().is_some_and(|c| c.uses_dynamodb),
            required_endpoints: file
                .rules
                .n010
                .as_ref()
                .map(|n| n.required_endpoints.clone())
                .unwrap_or_default(),
            prices: self.price_table()?,
        })
    }

    /// The exclude globs, matched against resource addresses segment by segment.
    pub fn excludes(&self) -> Result<Excludes, ConfigError> {
        let mut builder = GlobSetBuilder::new();
        for pattern in &self.file.exclude {
            let glob = GlobBuilder::new(&pattern_path(pattern))
                .literal_separator(true)
                .build()
                .map_err(|e| ConfigError(format!("{}: exclude {pattern:?}: {e}", self.where_())))?;
            builder.add(glob);
        }
        let set = builder
            .build()
            .map_err(|e| ConfigError(format!("{}: exclude: {e}", self.where_())))?;
        Ok(Excludes { set })
    }

    /// The effective settings as TOML (`vpclint config`).
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(&self.file).unwrap_or_default()
    }
}

/// Resource-address globs: `*` stays inside one segment, `**` crosses segments.
pub struct Excludes {
    set: GlobSet,
}

impl Excludes {
    pub fn matches(&self, address: &str) -> bool {
        !self.set.is_empty() && self.set.is_match(address_path(address))
    }
}

/// `module.a.aws_x.y` as `module/a/aws_x/y`, so glob separators fall between segments. Dots
/// inside `["..."]` keys are kept.
fn address_path(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let mut in_key = false;
    for c in address.chars() {
        match c {
            '[' => {
                in_key = true;
                out.push(c);
            }
            ']' => {
                in_key = false;
                out.push(c);
            }
            '.' if !in_key => out.push('/'),
            _ => out.push(c),
        }
    }
    out
}

/// A pattern as a glob over [`address_path`]: brackets are literal (instance keys), so
/// `aws_x.y[*]` matches every instance.
fn pattern_path(pattern: &str) -> String {
    address_path(pattern)
        .replace('[', "\\[")
        .replace(']', "\\]")
}

/// The commented default `vpclint init` writes.
pub const DEFAULT_FILE: &str = r#"# vpclint configuration. Command-line flags override these settings.
# Run `vpclint config` to see the settings in force, `vpclint rules` for the rule ids.

# Rules to run (ids or slugs); empty runs them all.
select = []
# Rules not to run.
ignore = []

# Exit 1 when a finding at or above this severity remains: error, warning, note or never.
fail-on = "warning"

# Drop findings on resources whose address matches: `*` stays within one segment, `**` crosses.
exclude = [
  # "module.legacy_*.**",
]

# Severity per rule (id or slug): error, warning or note.
[severity]
# C002 = "warning"

[rules.C001]
# Treat every VPC as using DynamoDB, even without an aws_dynamodb_table in the plan.
uses-dynamodb = false

[rules.N010]
# Endpoint services workloads in isolated subnets need beyond the built-in sets.
required-endpoints = { }
# required-endpoints = { aws_ecs_service = ["secretsmanager", "ssm"] }

# Unit price overrides per region, USD (see docs/cost.md for the keys), for `vpclint cost`,
# `vpclint trace` and the cost figures of `vpclint check`.
[prices]
# [prices.eu-west-1]
# nat_gateway_gb = 0.048

# Traffic assumptions for `vpclint cost`, per month.
[traffic]
# s3 = "2TB"
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Settings, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, text).unwrap();
        load(&path)
    }

    #[test]
    fn the_default_file_is_valid() {
        let settings = parse(DEFAULT_FILE).unwrap();
        assert_eq!(settings.file.fail_on.as_deref(), Some("warning"));
    }

    #[test]
    fn unknown_keys_name_the_key_and_the_file() {
        let err = parse("selcet = [\"C001\"]\n").unwrap_err().to_string();
        assert!(err.contains("vpclint.toml at line 1"), "{err}");
        assert!(err.contains("selcet"), "{err}");
        let err = parse("[rules.C001]\nuses-dynamo = true\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("uses-dynamo"), "{err}");
        let err = parse("select = [\"C999\"]\n").unwrap_err().to_string();
        assert!(err.contains("unknown rule \"C999\""), "{err}");
    }

    #[test]
    fn excludes_match_address_segments() {
        let settings =
            parse("exclude = [\"module.legacy_*.**\", \"aws_vpc_endpoint.interface[*]\"]\n")
                .unwrap();
        let ex = settings.excludes().unwrap();
        assert!(ex.matches("module.legacy_vpc.aws_route_table.private[0]"));
        assert!(ex.matches("module.legacy_vpc.module.inner.aws_subnet.a"));
        assert!(!ex.matches("module.platform.module.legacy_vpc.aws_subnet.a"));
        assert!(!ex.matches("module.vpc.aws_subnet.a"));
        assert!(ex.matches("aws_vpc_endpoint.interface[\"ecr.api\"]"));
    }

    #[test]
    fn discovery_walks_up() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE_NAME), "").unwrap();
        let nested = dir.path().join("a/b");
        std::fs::create_dir_all(&nested).unwrap();
        assert_eq!(discover(&nested), Some(dir.path().join(FILE_NAME)));
    }
}
