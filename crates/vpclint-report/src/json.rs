//! The JSON report: `{"version": 1, "findings": [...], "suppressed": [...], "unchecked": [...],
//! "errors": [...], "ignore_notes": [...], "summary": {...}}`. Findings keep every field of
//! [`vpclint_rules::Finding`] and add their `fingerprint` and `location` (and each related
//! resource's location); suppressed findings add the `suppression` that hides them.

use std::io;

use serde::Serialize;
use vpclint_rules::{Category, Cost, Severity};

use crate::locate::{IgnoreComment, LocatedFinding, Location, LocationKind, SuppressedFinding};
use crate::pretty::PrettyObject;
use crate::{Emitter, Report};

/// The version of this document's shape.
pub const JSON_VERSION: u32 = 1;

pub struct JsonEmitter;

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    slug: &'a str,
    severity: Severity,
    category: Category,
    address: &'a str,
    plan: &'a str,
    message: &'a str,
    help: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<&'a str>,
    related: Vec<JsonRelated<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cost: Option<&'a Cost>,
    doc_url: &'a str,
    fingerprint: String,
    location: JsonLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppression: Option<JsonSuppression<'a>>,
}

/// The ignore comment that suppresses a finding: SARIF's `inSource` suppression.
#[derive(Serialize)]
struct JsonSuppression<'a> {
    kind: &'static str,
    reason: &'a str,
    file: String,
    line: usize,
}

impl<'a> JsonSuppression<'a> {
    fn new(comment: &'a IgnoreComment) -> Self {
        JsonSuppression {
            kind: "inSource",
            reason: comment.reason.as_deref().unwrap_or_default(),
            file: comment.file.path(),
            line: comment.line(),
        }
    }
}

/// A problem with an ignore comment.
#[derive(Serialize)]
struct JsonIgnoreNote {
    file: String,
    line: usize,
    /// `no_reason`, `no_rule`, `unknown_rule`, `not_next_to_block` or `unused`.
    kind: &'static str,
    message: String,
    /// Whether it counts as a warning for `--fail-on` (only `unused` does).
    counts_as_warning: bool,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    address: &'a str,
    label: &'a str,
    location: JsonLocation,
}

/// A location: 1-based lines and columns (Unicode code points), end exclusive.
#[derive(Serialize)]
pub struct JsonLocation {
    /// Relative to the repository root when inside it.
    pub file: String,
    pub start_line: usize,
    pub start_column: usize,
    pub end_line: usize,
    pub end_column: usize,
    /// `resource`, `module_call` or `plan`.
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub module: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub module_source: Option<String>,
}

impl JsonLocation {
    pub fn new(loc: &Location) -> JsonLocation {
        let (start, end) = (loc.start(), loc.end());
        let (module, module_source) = match &loc.kind {
            LocationKind::ModuleCall { name, source } => (Some(name.clone()), source.clone()),
            _ => (None, None),
        };
        JsonLocation {
            file: loc.file.path(),
            start_line: start.line,
            start_column: start.column,
            end_line: end.line,
            end_column: end.column,
            kind: loc.kind.as_str(),
            module,
            module_source,
        }
    }
}

#[derive(Serialize)]
struct JsonUnchecked<'a> {
    plan: &'a str,
    rule: &'a str,
    address: &'a str,
    reason: &'a str,
}

#[derive(Serialize)]
struct JsonError<'a> {
    plan: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonSummary {
    plans: usize,
    errors: usize,
    resources: usize,
    findings: usize,
    by_severity: BySeverity,
    unchecked: usize,
    suppressed: usize,
    ignore_notes: usize,
}

#[derive(Serialize)]
struct BySeverity {
    error: usize,
    warning: usize,
    note: usize,
}

fn json_finding<'a>(
    lf: &'a LocatedFinding,
    suppression: Option<JsonSuppression<'a>>,
) -> JsonFinding<'a> {
    let f = &lf.finding;
    JsonFinding {
        rule: f.rule,
        slug: f.slug,
        severity: f.severity,
        category: f.category,
        address: &f.address,
        plan: &f.plan,
        message: &f.message,
        help: &f.help,
        fix: f.fix.as_deref(),
        related: f
            .related
            .iter()
            .zip(&lf.related)
            .map(|(r, loc)| JsonRelated {
                address: &r.address,
                label: &r.label,
                location: JsonLocation::new(loc),
            })
            .collect(),
        cost: f.cost.as_ref(),
        doc_url: &f.doc_url,
        fingerprint: f.fingerprint(),
        location: JsonLocation::new(&lf.location),
        suppression,
    }
}

impl Emitter for JsonEmitter {
    fn emit(&self, out: &mut dyn io::Write, report: &Report) -> io::Result<()> {
        let s = report.summary();
        let findings: Vec<&LocatedFinding> = report.findings().collect();
        let suppressed: Vec<&SuppressedFinding> = report.suppressed().collect();
        let unchecked: Vec<JsonUnchecked<'_>> = report
            .plans
            .iter()
            .flat_map(|p| {
                p.unchecked.iter().map(|u| JsonUnchecked {
                    plan: &p.name,
                    rule: u.rule,
                    address: &u.address,
                    reason: &u.reason,
                })
            })
            .collect();
        let errors: Vec<JsonError<'_>> = report
            .errors
            .iter()
            .map(|e| JsonError {
                plan: &e.plan,
                message: &e.message,
            })
            .collect();
        let ignore_notes: Vec<JsonIgnoreNote> = report
            .ignore_notes
            .iter()
            .map(|n| JsonIgnoreNote {
                file: n.comment.file.path(),
                line: n.comment.line(),
                kind: n.kind_str(),
                message: n.message(),
                counts_as_warning: n.counts_as_warning(),
            })
            .collect();
        let summary = JsonSummary {
            plans: s.plans,
            errors: s.errors,
            resources: s.resources,
            findings: s.findings,
            by_severity: BySeverity {
                error: s.error,
                warning: s.warning,
                note: s.note,
            },
            unchecked: s.unchecked,
            suppressed: s.suppressed,
            ignore_notes: s.ignore_notes,
        };
        // The members in the order of the module's documentation; findings, most of the text,
        // are written on the thread pool.
        let mut doc = PrettyObject::begin(&mut *out)?;
        doc.member("version", &JSON_VERSION)?;
        doc.par_array("findings", &findings, |lf| json_finding(lf, None))?;
        doc.par_array("suppressed", &suppressed, |sf| {
            json_finding(&sf.finding, Some(JsonSuppression::new(&sf.by)))
        })?;
        doc.member("unchecked", &unchecked)?;
        doc.member("errors", &errors)?;
        doc.member("ignore_notes", &ignore_notes)?;
        doc.member("summary", &summary)?;
        doc.end()?;
        out.write_all(b"\n")
    }
}
