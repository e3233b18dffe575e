//! vpclint's reports: one module per format, each an [`Emitter`] over a [`Report`].
//!
//! - [`human`]: miette diagnostics with the `.tf` snippet, then a summary;
//! - [`json`]: findings with their locations, for scripts;
//! - [`sarif`]: SARIF 2.1.0 for GitHub code scanning;
//! - [`github`]: GitHub Actions workflow commands (inline pull-request annotations);
//! - [`markdown`]: a table for a pull-request comment.
//!
//! [`locate`] maps each finding to the `.tf` block of its resource (or the plan JSON), and sets
//! aside the findings a `# vpclint:ignore` comment there suppresses; [`ignore_notes()`] reports the
//! comments that are malformed or unused. Output is
//! deterministic: the same input renders byte-identical output, except the human summary's
//! timing, which [`RenderOptions::timing`] turns off.

pub mod cost_report;
pub mod github;
pub mod human;
pub mod ignore_notes;
pub mod json;
pub mod locate;
pub mod markdown;
pub mod picture;
mod pretty;
pub mod sarif;
pub mod trace;
mod write;

use std::fmt;
use std::io;
use std::str::FromStr;
use std::time::Duration;

use vpclint_rules::{RuleMeta, Severity, Unchecked};

pub use ignore_notes::{ignore_notes, IgnoreNote, IgnoreNoteKind};
pub use locate::{
    IgnoreComment, IgnoreCommentUse, LocateOptions, LocatedFinding, Location, LocationKind,
    Locator, SourceFile, SuppressedFinding,
};
pub use write::{write_atomically, write_atomically_with};

/// The project's home, for SARIF's `informationUri`.
pub const HOMEPAGE: &str = "https://github.com/vpclint/vpclint";

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
    Markdown,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::Human,
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::Markdown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Markdown => "markdown",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Format, String> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Format::ALL.iter().map(|f| f.as_str()).collect();
                format!("unknown format {s:?} (one of {})", names.join(", "))
            })
    }
}

/// One plan's findings, located, and what could not be checked.
#[derive(Debug, Clone, Default)]
pub struct PlanReport {
    /// The plan's name as given (a path, or `<stdin>`).
    pub name: String,
    /// Resource instances in the plan.
    pub resources: usize,
    /// Sorted as [`vpclint_rules::run`] sorts them.
    pub findings: Vec<LocatedFinding>,
    /// Findings a `vpclint:ignore` comment suppresses, in the same order. They count toward no
    /// exit code, and every format still shows them.
    pub suppressed: Vec<SuppressedFinding>,
    /// Every `vpclint:ignore` comment of the plan's sources, with what it suppressed.
    pub ignore_comments: Vec<IgnoreCommentUse>,
    pub unchecked: Vec<Unchecked>,
    /// Problems met while locating (a `.tf` file that does not parse), one line each.
    pub notes: Vec<String>,
}

/// A plan that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub plan: String,
    /// One line that names no plan value.
    pub message: String,
}

/// Everything one `vpclint check` reports.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// In input order.
    pub plans: Vec<PlanReport>,
    pub errors: Vec<InputError>,
    /// The rules of the run's registry, for SARIF's `tool.driver.rules` (every rule, run or not).
    pub rules: Vec<&'static RuleMeta>,
    /// Wall time of the check, shown only in the human summary.
    pub elapsed: Option<Duration>,
    /// Problems with the `vpclint:ignore` comments of the plans' sources (see [`ignore_notes()`]).
    pub ignore_notes: Vec<IgnoreNote>,
}

impl PlanReport {
    /// Keeps the findings, suppressed or not, for which `keep` holds. What each ignore comment
    /// suppressed stays recorded: a finding a later filter drops (`--changed-only`, an exclude)
    /// still shows that its comment is in use.
    pub fn retain_findings(&mut self, mut keep: impl FnMut(&vpclint_rules::Finding) -> bool) {
        self.findings.retain(|f| keep(&f.finding));
        self.suppressed.retain(|s| keep(&s.finding.finding));
    }
}

impl Report {
    /// Every finding, plans in input order.
    pub fn findings(&self) -> impl Iterator<Item = &LocatedFinding> {
        self.plans.iter().flat_map(|p| p.findings.iter())
    }

    /// Every suppressed finding, plans in input order.
    pub fn suppressed(&self) -> impl Iterator<Item = &SuppressedFinding> {
        self.plans.iter().flat_map(|p| p.suppressed.iter())
    }

    pub fn unchecked(&self) -> impl Iterator<Item = &Unchecked> {
        self.plans.iter().flat_map(|p| p.unchecked.iter())
    }

    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            plans: self.plans.len(),
            errors: self.errors.len(),
            ignore_notes: self.ignore_notes.len(),
            ..Summary::default()
        };
        for p in &self.plans {
            s.resources += p.resources;
            s.unchecked += p.unchecked.len();
            s.suppressed += p.suppressed.len();
            for f in &p.findings {
                s.findings += 1;
                match f.finding.severity {
                    Severity::Error => s.error += 1,
                    Severity::Warning => s.warning += 1,
                    Severity::Note => s.note += 1,
                }
            }
        }
        s
    }

    /// Whether a finding at or above `threshold` remains (`None`: never). Suppressed findings do
    /// not count; an unused ignore comment (reported only when asked for) counts as a warning.
    pub fn fails(&self, threshold: Option<Severity>) -> bool {
        threshold.is_some_and(|t| {
            self.findings().any(|f| f.finding.severity.at_least(t))
                || (Severity::Warning.at_least(t)
                    && self.ignore_notes.iter().any(IgnoreNote::counts_as_warning))
        })
    }
}

/// Counts over a report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub plans: usize,
    pub errors: usize,
    pub resources: usize,
    pub findings: usize,
    pub error: usize,
    pub warning: usize,
    pub note: usize,
    pub unchecked: usize,
    /// Findings a `vpclint:ignore` comment suppresses (not in `findings`).
    pub suppressed: usize,
    pub ignore_notes: usize,
}

/// How to render.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// ANSI colours in the human format.
    pub color: bool,
    /// Terminal width for the human format.
    pub width: usize,
    /// Show the elapsed time in the human summary.
    pub timing: bool,
    /// SARIF `automationDetails.id` (`--category`).
    pub category: Option<String>,
    /// The tool version written into SARIF.
    pub version: String,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            color: false,
            width: 80,
            timing: true,
            category: None,
            version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

/// Writes a report in one format.
pub trait Emitter {
    fn emit(&self, out: &mut dyn io::Write, report: &Report) -> io::Result<()>;
}

/// The emitter of a format.
pub fn emitter(format: Format, options: &RenderOptions) -> Box<dyn Emitter> {
    match format {
        Format::Human => Box::new(human::HumanEmitter::new(options.clone())),
        Format::Json => Box::new(json::JsonEmitter),
        Format::Sarif => Box::new(sarif::SarifEmitter::new(options.clone())),
        Format::Github => Box::new(github::GithubEmitter),
        Format::Markdown => Box::new(markdown::MarkdownEmitter),
    }
}

/// Writes a report in one format to `out` as it is rendered: a large report is never held whole
/// (the CLI writes its standard output this way).
pub fn render_to(
    format: Format,
    report: &Report,
    options: &RenderOptions,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    emitter(format, options).emit(out, report)
}

/// Renders a report in one format into a string.
pub fn render(format: Format, report: &Report, options: &RenderOptions) -> String {
    // At about its size from the start: grown by doubling, a large report (a few MB) would be
    // copied several times into memory the kernel has to hand over and zero first. Pages
    // reserved but never written cost nothing.
    let entries: usize = report
        .plans
        .iter()
        .map(|p| 2 * (p.findings.len() + p.suppressed.len()) + p.unchecked.len() / 4)
        .sum();
    let mut out = Vec::with_capacity(64 * 1024 + entries * 1024);
    render_to(format, report, options, &mut out).expect("writing to a Vec cannot fail");
    String::from_utf8(out).expect("reports are UTF-8")
}

/// `1 finding`, `2 findings`.
pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The SARIF/GitHub level of a severity.
pub(crate) fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}
