//! The terminal report: one miette diagnostic per finding, with the `.tf` snippet (or the plan
//! JSON) labelled at the anchor and the related resources, the help line and the rule's doc link,
//! then a summary, which also lists the findings `vpclint:ignore` comments suppress and what is
//! wrong with those comments.

use std::fmt;
use std::io;
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};
use vpclint_rules::{Cost, Severity};

use crate::locate::{LocatedFinding, Location, LocationKind, SourceFile, SourceKind};
use crate::{plural, Emitter, RenderOptions, Report};

/// How many unchecked entries the summary lists.
const MAX_UNCHECKED_LISTED: usize = 20;
/// How many suppressed findings the summary lists.
const MAX_SUPPRESSED_LISTED: usize = 20;

pub struct HumanEmitter {
    options: RenderOptions,
}

impl HumanEmitter {
    pub fn new(options: RenderOptions) -> Self {
        HumanEmitter { options }
    }

    fn handler(&self) -> GraphicalReportHandler {
        let theme = if self.options.color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        GraphicalReportHandler::new_themed(theme)
            .with_width(self.options.width.max(40))
            .with_links(false)
            .with_context_lines(1)
    }

    /// One finding, rendered.
    pub fn render_finding(&self, finding: &LocatedFinding, plan: Option<&str>) -> String {
        let diagnostic = FindingDiagnostic::new(finding);
        let handler = self.handler();
        let mut out = String::new();
        handler
            .render_report(&mut out, &diagnostic)
            .expect("rendering to a String cannot fail");
        // Snippets in other files follow as their own advice, without a header.
        for related in &diagnostic.related {
            handler
                .render_report(&mut out, related)
                .expect("rendering to a String cannot fail");
        }
        if let Some(plan) = plan {
            out.push_str(&format!("  in plan {plan}\n"));
        }
        out
    }

    fn paint(&self, text: &str, code: &str) -> String {
        if self.options.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn summary(&self, report: &Report) -> String {
        let s = report.summary();
        let mut out = String::new();
        for plan in &report.plans {
            for note in &plan.notes {
                out.push_str(&format!("{} {note}\n", self.paint("note:", "1")));
            }
        }
        for note in &report.ignore_notes {
            out.push_str(&format!(
                "{} {}: {}\n",
                self.paint("warning:", "1;33"),
                note.comment.display(),
                note.message()
            ));
        }
        let scope = format!(
            "{}, {}",
            plural(s.plans, "plan", "plans"),
            plural(s.resources, "resource instance", "resource instances")
        );
        let mut suppressed = if s.suppressed > 0 {
            format!("; {} suppressed", s.suppressed)
        } else {
            String::new()
        };
        // Counted like a warning for --fail-on: say so where the exit code is explained.
        let unused = report
            .ignore_notes
            .iter()
            .filter(|n| n.counts_as_warning())
            .count();
        if unused > 0 {
            suppressed.push_str(&format!(
                "; {}",
                plural(unused, "unused ignore comment", "unused ignore comments")
            ));
        }
        if s.findings == 0 {
            out.push_str(&format!(
                "{}{suppressed} ({scope})\n",
                self.paint("No findings", "1;32")
            ));
        } else {
            let counts = [
                (s.error, "error", "errors", "1;31"),
                (s.warning, "warning", "warnings", "1;33"),
                (s.note, "note", "notes", "1;36"),
            ]
            .iter()
            .map(|(n, one, many, code)| {
                let text = plural(*n, one, many);
                if *n > 0 {
                    self.paint(&text, code)
                } else {
                    text
                }
            })
            .collect::<Vec<_>>()
            .join(", ");
            out.push_str(&format!(
                "{}: {counts}{suppressed} ({scope})\n",
                self.paint(&plural(s.findings, "finding", "findings"), "1")
            ));
        }
        if s.suppressed > 0 {
            out.push_str(&format!(
                "Suppressed by vpclint:ignore comments ({}):\n",
                s.suppressed
            ));
            let multi = report.plans.len() > 1;
            let entries = report.plans.iter().flat_map(|plan| {
                plan.suppressed
                    .iter()
                    .map(move |sf| (plan.name.as_str(), sf))
            });
            for (plan, sf) in entries.take(MAX_SUPPRESSED_LISTED) {
                let prefix = if multi {
                    format!("{plan}: ")
                } else {
                    String::new()
                };
                out.push_str(&format!(
                    "  {} {prefix}{} ({}): {}\n",
                    sf.finding.finding.rule,
                    sf.finding.finding.address,
                    sf.by.display(),
                    sf.reason()
                ));
            }
            if s.suppressed > MAX_SUPPRESSED_LISTED {
                out.push_str(&format!(
                    "  ... and {} more (`--format json` lists them all)\n",
                    s.suppressed - MAX_SUPPRESSED_LISTED
                ));
            }
        }
        if s.errors > 0 {
            out.push_str(&format!(
                "{} could not be read\n",
                plural(s.errors, "plan", "plans")
            ));
        }
        if s.unchecked > 0 {
            out.push_str(&format!(
                "Not checked, values unknown until apply ({}):\n",
                s.unchecked
            ));
            let multi = report.plans.len() > 1;
            let entries = report
                .plans
                .iter()
                .flat_map(|plan| plan.unchecked.iter().map(move |u| (plan.name.as_str(), u)));
            for (plan, u) in entries.take(MAX_UNCHECKED_LISTED) {
                let prefix = if multi {
                    format!("{plan}: ")
                } else {
                    String::new()
                };
                out.push_str(&format!(
                    "  {} {prefix}{}: {}\n",
                    u.rule, u.address, u.reason
                ));
            }
            if s.unchecked > MAX_UNCHECKED_LISTED {
                out.push_str(&format!(
                    "  ... and {} more (`--format json` lists them all)\n",
                    s.unchecked - MAX_UNCHECKED_LISTED
                ));
            }
        }
        if self.options.timing {
            if let Some(elapsed) = report.elapsed {
                let ms = elapsed.as_secs_f64() * 1000.0;
                let text = if ms < 1000.0 {
                    format!("{ms:.0} ms")
                } else {
                    format!("{:.2} s", ms / 1000.0)
                };
                out.push_str(&format!("Finished in {text}\n"));
            }
        }
        out
    }
}

impl Emitter for HumanEmitter {
    fn emit(&self, out: &mut dyn io::Write, report: &Report) -> io::Result<()> {
        use rayon::prelude::*;
        let multi = report.plans.len() > 1;
        for plan in &report.plans {
            let name = multi.then_some(plan.name.as_str());
            // Findings are rendered apart, in parallel, and written in order; the plan's pages are
            // handed back after each batch, as locating did.
            for batch in plan.findings.chunks(crate::locate::RELEASE_EVERY) {
                let texts: Vec<String> = batch
                    .par_iter()
                    .map(|f| self.render_finding(f, name))
                    .collect();
                for text in texts {
                    out.write_all(text.as_bytes())?;
                    out.write_all(b"\n")?;
                }
                if let Some(f) = batch.last() {
                    f.location.file.source_text().release_pages();
                }
            }
        }
        out.write_all(self.summary(report).as_bytes())
    }
}

/// A source file as miette reads it. Two differences from miette's `str` source: the window's
/// `line_count` is its own (miette counts from the file's start, which merges far-apart labels
/// into one snippet with everything between), and the plan JSON gets no context lines, so only
/// the `"address": ...` member is ever printed, never an attribute value.
#[derive(Debug)]
struct SnippetSource {
    file: Arc<SourceFile>,
}

impl SourceCode for SnippetSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let (before, after) = match self.file.kind {
            SourceKind::Plan => (0, 0),
            SourceKind::Terraform => (context_lines_before, context_lines_after),
        };
        if (before, after) == (0, 0) {
            if let Some(contents) = self.span_alone(span) {
                return Ok(Box::new(contents));
            }
        }
        let inner = self.file.text().read_span(span, before, after)?;
        let data = inner.data();
        let newlines = data.iter().filter(|b| **b == b'\n').count();
        let lines = newlines + usize::from(!data.ends_with(b"\n"));
        Ok(Box::new(MietteSpanContents::new_named(
            self.file.display.clone(),
            data,
            *inner.span(),
            inner.line(),
            inner.column(),
            lines,
        )))
    }
}

impl SnippetSource {
    /// The span without context lines, as miette's `str` source gives it, from the text's index
    /// of lines: miette counts lines from the start of the text for every snippet, which on a
    /// plan of one line of many megabytes made the report quadratic (37 s for 10,000
    /// instances). `None` in the cases the index does not answer as miette would (an empty span,
    /// one past the end, holding a `\r` or starting after one, a text with a lone `\r`).
    fn span_alone(&self, span: &SourceSpan) -> Option<MietteSpanContents<'_>> {
        let bytes = self.file.text().as_bytes();
        let (start, end) = (span.offset(), span.offset() + span.len());
        let data = bytes.get(start..end).filter(|data| !data.is_empty())?;
        // Inside a `\r\n`, miette's count differs; no plan span starts or ends there.
        if data.contains(&b'\r') || start.checked_sub(1).map(|i| bytes[i]) == Some(b'\r') {
            return None;
        }
        let (line, column) = self.file.source_text().line_and_byte_column(start)?;
        let newlines = data.iter().filter(|b| **b == b'\n').count();
        let lines = newlines + usize::from(!data.ends_with(b"\n"));
        Some(MietteSpanContents::new_named(
            self.file.display.clone(),
            data,
            *span,
            line,
            column,
            lines,
        ))
    }
}

/// A finding as a miette diagnostic.
#[derive(Debug)]
struct FindingDiagnostic {
    message: String,
    severity: miette::Severity,
    code: String,
    url: String,
    help: String,
    source: Option<SnippetSource>,
    labels: Vec<LabeledSpan>,
    related: Vec<RelatedDiagnostic>,
}

/// Labels of related resources in another file than the anchor.
#[derive(Debug)]
struct RelatedDiagnostic {
    message: String,
    source: SnippetSource,
    labels: Vec<LabeledSpan>,
}

/// Labels grouped by file and span: count instances share one block.
struct LabelSet {
    file: Arc<SourceFile>,
    spans: Vec<SpanLabels>,
}

/// The labels on one span: the anchor's text, and related addresses by role.
struct SpanLabels {
    focus: std::ops::Range<usize>,
    primary: Option<String>,
    roles: Vec<(String, Vec<String>)>,
}

impl SpanLabels {
    fn text(&self) -> String {
        let mut parts: Vec<String> = self.primary.iter().cloned().collect();
        for (role, addresses) in &self.roles {
            parts.push(format!("{role}: {}", compress(addresses)));
        }
        parts.join("; ")
    }
}

/// An address inside module call `name`, as the label on that call's block shows it:
/// `module.vpc.aws_subnet.private[0]` is `aws_subnet.private[0]` there. Addresses through a
/// module instance key (`module.vpc["a"]`) stay whole.
fn in_module<'a>(address: &'a str, name: &str) -> &'a str {
    let prefix = format!("module.{name}.");
    let mut start = 0;
    while let Some(i) = address[start..].find(&prefix) {
        let at = start + i;
        if at == 0 || address.as_bytes()[at - 1] == b'.' {
            return &address[at + prefix.len()..];
        }
        start = at + 1;
    }
    address
}

/// `a.b[0], a.b[1], a.c` as `a.b[0], [1], a.c`; past three instances of one resource, a count.
fn compress(addresses: &[String]) -> String {
    let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
    for a in addresses {
        let (base, key) = match a.strip_suffix(']').and_then(|s| s.rfind('[')) {
            Some(i) if !a.contains(':') => (&a[..i], &a[i..]),
            _ => (a.as_str(), ""),
        };
        match groups.iter_mut().find(|(b, _)| *b == base) {
            Some((_, keys)) => keys.push(key),
            None => groups.push((base, vec![key])),
        }
    }
    groups
        .into_iter()
        .map(|(base, keys)| {
            let shown: Vec<&str> = keys.iter().take(3).copied().collect();
            let mut text = format!("{base}{}", shown.join(", "));
            if keys.len() > 3 {
                text.push_str(&format!(" and {} more", keys.len() - 3));
            }
            text
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl LabelSet {
    fn new(file: &Arc<SourceFile>) -> LabelSet {
        LabelSet {
            file: Arc::clone(file),
            spans: Vec::new(),
        }
    }

    fn entry(&mut self, loc: &Location) -> &mut SpanLabels {
        let i = match self.spans.iter().position(|s| s.focus == loc.focus) {
            Some(i) => i,
            None => {
                self.spans.push(SpanLabels {
                    focus: loc.focus.clone(),
                    primary: None,
                    roles: Vec::new(),
                });
                self.spans.len() - 1
            }
        };
        &mut self.spans[i]
    }

    fn add_related(&mut self, loc: &Location, role: &str, address: &str) {
        let entry = self.entry(loc);
        match entry.roles.iter_mut().find(|(r, _)| r == role) {
            Some((_, addresses)) => {
                if !addresses.iter().any(|a| a == address) {
                    addresses.push(address.to_string());
                }
            }
            None => entry
                .roles
                .push((role.to_string(), vec![address.to_string()])),
        }
    }

    fn labels(&self) -> Vec<LabeledSpan> {
        self.spans
            .iter()
            .map(|s| {
                let span = (s.focus.start, s.focus.len());
                if s.primary.is_some() {
                    LabeledSpan::new_primary_with_span(Some(s.text()), span)
                } else {
                    LabeledSpan::new_with_span(Some(s.text()), span)
                }
            })
            .collect()
    }

    fn source(&self) -> SnippetSource {
        SnippetSource {
            file: Arc::clone(&self.file),
        }
    }
}

impl FindingDiagnostic {
    fn new(lf: &LocatedFinding) -> FindingDiagnostic {
        let f = &lf.finding;
        let mut help = f.help.clone();
        if let Some(cost) = f.cost.as_ref().and_then(cost_text) {
            if !help.is_empty() {
                help.push('\n');
            }
            help.push_str(&format!("cost: {cost}"));
        }
        if let Some(fix) = f.fix.as_deref().filter(|fix| !fix.trim().is_empty()) {
            if !help.is_empty() {
                help.push('\n');
            }
            help.push_str("fix:\n");
            for line in fix.trim_end().lines() {
                help.push_str("    ");
                help.push_str(line);
                help.push('\n');
            }
            help.pop();
        }
        let mut diagnostic = FindingDiagnostic {
            message: f.message.clone(),
            severity: match f.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
                Severity::Note => miette::Severity::Advice,
            },
            code: format!("{} {}", f.rule, f.slug),
            url: f.doc_url.clone(),
            help,
            source: None,
            labels: Vec::new(),
            related: Vec::new(),
        };
        let primary_text = match &lf.location.kind {
            LocationKind::ModuleCall { name, .. } => {
                format!("{}, built by this module", in_module(&f.address, name))
            }
            LocationKind::Plan => format!("{} (plan JSON)", f.address),
            LocationKind::Resource => f.address.clone(),
        };
        let mut sets = vec![LabelSet::new(&lf.location.file)];
        sets[0].entry(&lf.location).primary = Some(primary_text);
        for (loc, r) in lf.related.iter().zip(&f.related) {
            // In the plan JSON, one span per snippet: a window over two members would print
            // whatever lies between them.
            let i = match sets.iter().position(|s| {
                Arc::ptr_eq(&s.file, &loc.file)
                    && (loc.file.kind == SourceKind::Terraform
                        || s.spans.iter().all(|l| l.focus == loc.focus))
            }) {
                Some(i) => i,
                None => {
                    sets.push(LabelSet::new(&loc.file));
                    sets.len() - 1
                }
            };
            let address = match &loc.kind {
                LocationKind::ModuleCall { name, .. } => in_module(&r.address, name),
                _ => &r.address,
            };
            sets[i].add_related(loc, &r.label, address);
        }
        let mut sets = sets.into_iter();
        let anchor = sets.next().expect("the anchor's set");
        diagnostic.labels = anchor.labels();
        diagnostic.source = Some(anchor.source());
        diagnostic.related = sets
            .map(|set| RelatedDiagnostic {
                message: if Arc::ptr_eq(&set.file, &lf.location.file) {
                    "related".to_string()
                } else {
                    format!("related, in {}", set.file.display)
                },
                labels: set.labels(),
                source: set.source(),
            })
            .collect();
        diagnostic
    }
}

/// `$32.85/month in us-east-1 (basis)`.
pub(crate) fn cost_text(cost: &Cost) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(m) = cost.monthly_usd {
        parts.push(format!("${m:.2}/month"));
    }
    if let Some(g) = cost.per_gb_usd {
        parts.push(format!("${}/GB", trim_price(g)));
    }
    if parts.is_empty() {
        return None;
    }
    let mut text = format!("{} in {}", parts.join(" + "), cost.region);
    if !cost.basis.is_empty() {
        text.push_str(&format!(" ({})", cost.basis));
    }
    Some(text)
}

/// A per-unit price with as many decimals as it has, at most four: `0.045`, `0.01`.
pub(crate) fn trim_price(value: f64) -> String {
    let text = format!("{value:.4}");
    let text = text.trim_end_matches('0');
    let text = text.strip_suffix('.').unwrap_or(text);
    if text.contains('.') {
        text.to_string()
    } else {
        format!("{text}.00")
    }
}

impl fmt::Display for FindingDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FindingDiagnostic {}

impl Diagnostic for FindingDiagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.help.is_empty()).then(|| Box::new(&self.help) as Box<dyn fmt::Display>)
    }

    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.url))
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().cloned()))
    }
}

impl fmt::Display for RelatedDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RelatedDiagnostic {}

impl Diagnostic for RelatedDiagnostic {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Advice)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The snippet of a span alone, from the index of lines, is what miette's own reading gives,
    /// and the cases the index cannot answer are left to miette.
    #[test]
    fn spans_alone_read_as_miette_reads_them() {
        let source = |text: &str| SnippetSource {
            file: Arc::new(SourceFile::new(
                "plan.json".into(),
                None,
                None,
                SourceKind::Plan,
                Arc::new(text.to_string().into()),
            )),
        };
        for text in [
            r#"{"a":{"address":"aws_vpc.é","x":[1,2]},"b":{"address":"module.m[\"k\"].aws_subnet.s"}}"#,
            "{\n  \"address\": \"aws_vpc.a\",\n  \"v\": {\n    \"address\": \"b\"\n  }\n}\n",
            "{\r\n  \"address\": \"aws_vpc.a\",\r\n  \"v\": \"ü\"\r\n}",
            "\n\n\nx\n",
        ] {
            let snippet = source(text);
            for start in (0..text.len()).filter(|&i| text.is_char_boundary(i)) {
                for end in (start + 1..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                    let span = SourceSpan::from(start..end);
                    let Some(ours) = snippet.span_alone(&span) else {
                        let after_cr = text[..start].ends_with('\r');
                        assert!(
                            text[start..end].contains('\r') || after_cr,
                            "{text:?} {start}..{end}"
                        );
                        continue;
                    };
                    let theirs = text.read_span(&span, 0, 0).unwrap();
                    let at = format!("{text:?} {start}..{end}");
                    assert_eq!(ours.data(), theirs.data(), "{at}");
                    assert_eq!(ours.span(), theirs.span(), "{at}");
                    assert_eq!(ours.line(), theirs.line(), "{at}");
                    assert_eq!(ours.column(), theirs.column(), "{at}");
                }
            }
        }
        // A lone carriage return is a line break to miette that the index does not record.
        let lone = source("{\r\"address\":\"a\"}");
        assert!(lone.span_alone(&SourceSpan::from(2..11)).is_none());
        // Empty spans and spans past the end are miette's to read.
        let plain = source("{}");
        assert!(plain.span_alone(&SourceSpan::from(1..1)).is_none());
        assert!(plain.span_alone(&SourceSpan::from(1..3)).is_none());
    }

    #[test]
    fn addresses_inside_a_module_call() {
        assert_eq!(
            in_module("module.vpc.aws_subnet.private[0]", "vpc"),
            "aws_subnet.private[0]"
        );
        assert_eq!(
            in_module("module.app.module.vpc.aws_vpc.this[0]", "vpc"),
            "aws_vpc.this[0]"
        );
        assert_eq!(
            in_module("module.vpc[\"a\"].aws_vpc.this", "vpc"),
            "module.vpc[\"a\"].aws_vpc.this"
        );
        assert_eq!(
            in_module("module.myvpc.aws_vpc.this", "vpc"),
            "module.myvpc.aws_vpc.this"
        );
        assert_eq!(
            compress(&["a.b[0]".into(), "a.b[1]".into(), "a.c".into()]),
            "a.b[0], [1], a.c"
        );
    }

    #[test]
    fn prices() {
        assert_eq!(trim_price(0.045), "0.045");
        assert_eq!(trim_price(0.01), "0.01");
        assert_eq!(trim_price(1.0), "1.00");
        let cost = Cost {
            region: "us-east-1".into(),
            monthly_usd: Some(32.85),
            per_gb_usd: Some(0.045),
            basis: "730 h x $0.045".into(),
        };
        assert_eq!(
            cost_text(&cost).unwrap(),
            "$32.85/month + $0.045/GB in us-east-1 (730 h x $0.045)"
        );
    }
}
