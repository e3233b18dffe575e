//! GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` line per finding, so
//! findings show inline in a pull request without code scanning.
//!
//! `::warning file=main.tf,line=12,endLine=20,title=C001 gateway-service-via-nat::message`
//!
//! Paths are relative to the repository root, which is what the runner's workspace is. Findings a
//! `vpclint:ignore` comment suppresses get no annotation; a malformed or unused comment gets a
//! warning on its line.

use std::io;

use vpclint_rules::Severity;

use crate::{Emitter, Report};

pub struct GithubEmitter;

/// Escapes a command's message: `%`, `\r`, `\n`.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command property: as data, plus `:` and `,`.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    }
}

impl Emitter for GithubEmitter {
    fn emit(&self, out: &mut dyn io::Write, report: &Report) -> io::Result<()> {
        for lf in report.findings() {
            let f = &lf.finding;
            let loc = &lf.location;
            let (start, end) = (loc.start(), loc.end());
            let mut props = vec![
                format!("file={}", escape_property(&loc.file.path())),
                format!("line={}", start.line),
                format!("endLine={}", end.line),
            ];
            // Columns only apply to an annotation on one line.
            if start.line == end.line {
                props.push(format!("col={}", start.column));
                props.push(format!("endColumn={}", end.column));
            }
            props.push(format!(
                "title={}",
                escape_property(&format!("{} {}: {}", f.rule, f.slug, f.address))
            ));
            let mut message = f.message.clone();
            if !f.help.is_empty() {
                message.push_str(&format!("\nhelp: {}", f.help));
            }
            if let Some(cost) = f.cost.as_ref().and_then(crate::human::cost_text) {
                message.push_str(&format!("\ncost: {cost}"));
            }
            message.push_str(&format!("\nsee {}", f.doc_url));
            writeln!(
                out,
                "::{} {}::{}",
                command(f.severity),
                props.join(","),
                escape_data(&message)
            )?;
        }
        for note in &report.ignore_notes {
            writeln!(
                out,
                "::warning file={},line={},title={}::{}",
                escape_property(&note.comment.file.path()),
                note.comment.line(),
                escape_property(crate::locate::IGNORE_MARKER),
                escape_data(&note.message())
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(escape_data("50%\r\nnext"), "50%25%0D%0Anext");
        assert_eq!(escape_property("C001: a,b%\n"), "C001%3A a%2Cb%25%0A");
    }
}
