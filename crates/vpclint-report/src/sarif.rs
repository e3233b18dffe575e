//! SARIF 2.1.0 for GitHub code scanning: one run, every registry rule in `tool.driver.rules` with
//! its doc as help, and every result with one physical location (the `.tf` block, relative to
//! `%SRCROOT%`), related locations, a logical location named by the resource address, and a
//! partial fingerprint from rule id and address, so alerts survive moved lines. A finding a
//! `vpclint:ignore` comment suppresses is a result too, with an `inSource` suppression that carries
//! the comment's reason, so code scanning shows it as dismissed instead of losing it.

use std::collections::BTreeMap;
use std::io;

use serde::Serialize;
use vpclint_plan::{Address, ModulePath};
use vpclint_rules::{Category, RuleMeta, Severity};

use crate::locate::{IgnoreComment, LocatedFinding, Location, SourceFile};
use crate::{level, Emitter, RenderOptions, Report, HOMEPAGE};

pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
pub const SARIF_VERSION: &str = "2.1.0";
/// The `uriBaseId` of paths relative to the repository root.
pub const SRCROOT: &str = "%SRCROOT%";
/// The key of vpclint's fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "vpclint/v1";

pub struct SarifEmitter {
    options: RenderOptions,
}

impl SarifEmitter {
    pub fn new(options: RenderOptions) -> Self {
        SarifEmitter { options }
    }
}

#[derive(Serialize)]
pub struct SarifLog {
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    pub version: &'static str,
    pub runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Run {
    pub tool: Tool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub automation_details: Option<AutomationDetails>,
    pub invocations: Vec<Invocation>,
    pub column_kind: &'static str,
    pub results: Vec<SarifResult>,
}

#[derive(Serialize)]
pub struct Tool {
    pub driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Driver {
    pub name: &'static str,
    pub version: String,
    pub semantic_version: String,
    pub information_uri: &'static str,
    pub rules: Vec<ReportingDescriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportingDescriptor {
    pub id: String,
    pub name: String,
    pub short_description: Message,
    pub full_description: Message,
    pub help: MultiformatMessage,
    pub help_uri: String,
    pub default_configuration: Configuration,
    pub properties: RuleProperties,
}

#[derive(Serialize)]
pub struct Configuration {
    pub level: &'static str,
}

#[derive(Serialize)]
pub struct RuleProperties {
    pub tags: Vec<String>,
    pub precision: &'static str,
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    pub security_severity: Option<String>,
}

#[derive(Serialize)]
pub struct Message {
    pub text: String,
}

#[derive(Serialize)]
pub struct MultiformatMessage {
    pub text: String,
    pub markdown: String,
}

#[derive(Serialize)]
pub struct AutomationDetails {
    pub id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Invocation {
    pub execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
pub struct Notification {
    pub level: &'static str,
    pub message: Message,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<SarifLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifResult {
    pub rule_id: String,
    pub rule_index: usize,
    pub level: &'static str,
    pub message: Message,
    pub locations: Vec<SarifLocation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related_locations: Vec<SarifLocation>,
    pub partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suppressions: Vec<Suppression>,
    pub properties: ResultProperties,
}

/// Why a result is not an open alert: a `vpclint:ignore` comment in the source.
#[derive(Serialize)]
pub struct Suppression {
    /// `inSource`: the suppression lives in the analysed code.
    pub kind: &'static str,
    pub justification: String,
    /// The comment.
    pub location: SarifLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultProperties {
    pub plan: String,
    pub category: Category,
    pub location_kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monthly_cost_usd: Option<f64>,
    /// The per-GB charge on the path a finding is about (C001, R002).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_gb_cost_usd: Option<f64>,
    /// How the cost figures were made, with the price date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost_basis: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifLocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<usize>,
    pub physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub logical_locations: Vec<LogicalLocation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<Message>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhysicalLocation {
    pub artifact_location: ArtifactLocation,
    pub region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ArtifactLocation {
    pub uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Region {
    pub start_line: usize,
    pub start_column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogicalLocation {
    pub name: String,
    pub fully_qualified_name: String,
    pub kind: &'static str,
}

/// A rule as SARIF describes it: from the registry, or from a finding whose rule is not there.
struct RuleInfo {
    id: &'static str,
    slug: &'static str,
    severity: Severity,
    category: Category,
    summary: String,
    doc_url: String,
}

impl RuleInfo {
    fn from_meta(m: &RuleMeta) -> RuleInfo {
        RuleInfo {
            id: m.id,
            slug: m.slug,
            severity: m.severity,
            category: m.category,
            summary: m.summary.to_string(),
            doc_url: m.doc_url(),
        }
    }

    fn descriptor(&self) -> ReportingDescriptor {
        let doc = vpclint_rules::docs::doc(self.id);
        // The summary, then why it matters (the doc's first paragraph under that heading).
        let full = match doc.and_then(|d| section_paragraph(d, "Why it matters")) {
            Some(why) if !why.ends_with(':') => format!("{} {why}", sentence(&self.summary)),
            _ => sentence(&self.summary),
        };
        let (text, markdown) = match doc {
            Some(doc) => (doc.to_string(), doc.to_string()),
            None => (
                format!(
                    "{}\n\nDocumentation: {}",
                    sentence(&self.summary),
                    self.doc_url
                ),
                format!(
                    "{}\n\n[Documentation]({})",
                    sentence(&self.summary),
                    self.doc_url
                ),
            ),
        };
        let mut tags = vec![
            "aws".to_string(),
            "terraform".to_string(),
            self.category.as_str().to_string(),
        ];
        tags.sort();
        let security_severity = (self.category == Category::Security).then(|| {
            match self.severity {
                Severity::Error => "8.0",
                Severity::Warning => "5.5",
                Severity::Note => "3.0",
            }
            .to_string()
        });
        ReportingDescriptor {
            id: self.id.to_string(),
            name: self.slug.to_string(),
            short_description: Message {
                text: self.summary.clone(),
            },
            full_description: Message { text: full },
            help: MultiformatMessage { text, markdown },
            help_uri: self.doc_url.clone(),
            default_configuration: Configuration {
                level: level(self.severity),
            },
            properties: RuleProperties {
                tags,
                // Rules fire only on known or resolved values, never on guesses.
                precision: "very-high",
                security_severity,
            },
        }
    }
}

/// The first paragraph under `## heading`, joined into one line.
fn section_paragraph(doc: &str, heading: &str) -> Option<String> {
    let mut lines = doc.lines().skip_while(|l| {
        l.strip_prefix("## ")
            .is_none_or(|h| !h.trim().eq_ignore_ascii_case(heading))
    });
    lines.next()?;
    let paragraph: Vec<&str> = lines
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(str::trim)
        .collect();
    (!paragraph.is_empty()).then(|| paragraph.join(" "))
}

/// `summary` as a sentence: capitalised, with a final period.
fn sentence(summary: &str) -> String {
    let mut chars = summary.chars();
    let mut s: String = match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    if !s.ends_with('.') {
        s.push('.');
    }
    s
}

/// Percent-encodes a path for a URI, keeping `/`.
pub fn encode_uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn artifact(file: &SourceFile) -> ArtifactLocation {
    if let Some(p) = &file.repo_path {
        return ArtifactLocation {
            uri: encode_uri_path(p),
            uri_base_id: Some(SRCROOT),
        };
    }
    if let Some(abs) = &file.abs_path {
        let path = abs.to_string_lossy().replace('\\', "/");
        let path = if path.starts_with('/') {
            path
        } else {
            format!("/{path}")
        };
        return ArtifactLocation {
            uri: format!("file://{}", encode_uri_path(&path)),
            uri_base_id: None,
        };
    }
    ArtifactLocation {
        uri: encode_uri_path(&file.display),
        uri_base_id: None,
    }
}

fn sarif_location(
    loc: &Location,
    address: &str,
    id: Option<usize>,
    message: Option<String>,
) -> SarifLocation {
    let (start, end) = (loc.start(), loc.end());
    // The address inside its module: `aws_subnet.private[0]`.
    let name = match Address::parse(address) {
        Some(mut a) => {
            a.module = ModulePath::root();
            a.to_string()
        }
        None => address.to_string(),
    };
    SarifLocation {
        id,
        physical_location: PhysicalLocation {
            artifact_location: artifact(&loc.file),
            region: Region {
                start_line: start.line,
                start_column: start.column,
                end_line: end.line,
                end_column: end.column,
            },
        },
        logical_locations: vec![LogicalLocation {
            name,
            fully_qualified_name: address.to_string(),
            kind: "resource",
        }],
        message: message.map(|text| Message { text }),
    }
}

/// The result of one finding; `rules` are the run's, which hold the finding's rule.
fn result(lf: &LocatedFinding, rules: &[RuleInfo]) -> SarifResult {
    let f = &lf.finding;
    let rule_index = rules
        .iter()
        .position(|r| r.id == f.rule)
        .expect("every finding's rule is listed");
    let related_locations = f
        .related
        .iter()
        .zip(&lf.related)
        .enumerate()
        .map(|(i, (r, loc))| {
            sarif_location(
                loc,
                &r.address,
                Some(i + 1),
                Some(format!("{}: {}", r.label, r.address)),
            )
        })
        .collect();
    let mut partial_fingerprints = BTreeMap::new();
    partial_fingerprints.insert(FINGERPRINT_KEY, f.fingerprint());
    SarifResult {
        rule_id: f.rule.to_string(),
        rule_index,
        level: level(f.severity),
        message: Message {
            text: f.message.clone(),
        },
        locations: vec![sarif_location(&lf.location, &f.address, None, None)],
        related_locations,
        partial_fingerprints,
        suppressions: Vec::new(),
        properties: ResultProperties {
            plan: f.plan.clone(),
            category: f.category,
            location_kind: lf.location.kind.as_str(),
            monthly_cost_usd: f.cost.as_ref().and_then(|c| c.monthly_usd),
            per_gb_cost_usd: f.cost.as_ref().and_then(|c| c.per_gb_usd),
            cost_basis: f.cost.as_ref().map(|c| c.basis.clone()),
        },
    }
}

/// Where an ignore comment is: its line, from the `#` or `//` to the end.
fn comment_location(comment: &IgnoreComment) -> SarifLocation {
    let (start, end) = (
        comment.file.position(comment.span.start),
        comment.file.position(comment.span.end),
    );
    SarifLocation {
        id: None,
        physical_location: PhysicalLocation {
            artifact_location: artifact(&comment.file),
            region: Region {
                start_line: start.line,
                start_column: start.column,
                end_line: end.line,
                end_column: end.column,
            },
        },
        logical_locations: Vec::new(),
        message: None,
    }
}

impl SarifEmitter {
    pub fn log(&self, report: &Report) -> SarifLog {
        let mut rules: Vec<RuleInfo> = report
            .rules
            .iter()
            .map(|m| RuleInfo::from_meta(m))
            .collect();
        // A finding whose rule is not in the registry still gets a rule entry.
        let mut extra: Vec<RuleInfo> = Vec::new();
        for lf in report
            .findings()
            .chain(report.suppressed().map(|s| &s.finding))
        {
            let f = &lf.finding;
            if !rules.iter().chain(&extra).any(|r| r.id == f.rule) {
                extra.push(RuleInfo {
                    id: f.rule,
                    slug: f.slug,
                    severity: f.severity,
                    category: f.category,
                    summary: f.slug.replace('-', " "),
                    doc_url: f.doc_url.clone(),
                });
            }
        }
        extra.sort_by_key(|r| r.id);
        rules.extend(extra);

        let mut results: Vec<SarifResult> =
            report.findings().map(|lf| result(lf, &rules)).collect();
        results.extend(report.suppressed().map(|sf| {
            let mut r = result(&sf.finding, &rules);
            r.suppressions.push(Suppression {
                kind: "inSource",
                justification: sf.reason().to_string(),
                location: comment_location(&sf.by),
            });
            r
        }));

        let mut notifications: Vec<Notification> = report
            .errors
            .iter()
            .map(|e| Notification {
                level: "error",
                message: Message {
                    text: e.message.clone(),
                },
                locations: Vec::new(),
            })
            .collect();
        notifications.extend(report.plans.iter().flat_map(|p| {
            p.notes.iter().map(|n| Notification {
                level: "warning",
                message: Message { text: n.clone() },
                locations: Vec::new(),
            })
        }));
        notifications.extend(report.ignore_notes.iter().map(|n| Notification {
            level: "warning",
            message: Message {
                text: format!("{}: {}", n.comment.display(), n.message()),
            },
            locations: vec![comment_location(&n.comment)],
        }));

        SarifLog {
            schema: SARIF_SCHEMA,
            version: SARIF_VERSION,
            runs: vec![Run {
                tool: Tool {
                    driver: Driver {
                        name: "vpclint",
                        version: self.options.version.clone(),
                        semantic_version: self.options.version.clone(),
                        information_uri: HOMEPAGE,
                        rules: rules.iter().map(RuleInfo::descriptor).collect(),
                    },
                },
                automation_details: self.options.category.as_ref().map(|c| AutomationDetails {
                    id: if c.ends_with('/') {
                        c.clone()
                    } else {
                        format!("{c}/")
                    },
                }),
                invocations: vec![Invocation {
                    execution_successful: report.errors.is_empty(),
                    tool_execution_notifications: notifications,
                }],
                column_kind: "unicodeCodePoints",
                results,
            }],
        }
    }
}

impl Emitter for SarifEmitter {
    fn emit(&self, out: &mut dyn io::Write, report: &Report) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, &self.log(report))?;
        out.write_all(b"\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(
            encode_uri_path("modules/net work/main.tf"),
            "modules/net%20work/main.tf"
        );
        assert_eq!(encode_uri_path("<stdin>"), "%3Cstdin%3E");
    }

    #[test]
    fn paragraphs_under_a_heading() {
        let doc = "# C001 x\n\nsummary\n\n## What it finds\n\nThe rule reports a route table\nwhen all of these hold:\n\n- a\n\n## Why it matters\n\nA NAT gateway\nis charged.\n\nMore.\n";
        assert_eq!(
            section_paragraph(doc, "What it finds").unwrap(),
            "The rule reports a route table when all of these hold:"
        );
        assert_eq!(
            section_paragraph(doc, "Why it matters").unwrap(),
            "A NAT gateway is charged."
        );
        assert_eq!(sentence("a thing"), "A thing.");
    }
}
