//! A pull-request comment: a summary line and a table of findings (severity, rule, resource,
//! message, monthly cost where known). Past the first rows, the table continues inside a
//! `<details>` block; what could not be checked is in another, and so are the findings
//! `vpclint:ignore` comments suppress, with their reasons.

use std::io;

use crate::locate::LocatedFinding;
use crate::{plural, Emitter, Report};

/// Rows shown before the rest collapse into `<details>`.
pub const VISIBLE_ROWS: usize = 10;

pub struct MarkdownEmitter;

/// Text for a table cell: no line breaks, pipes escaped, HTML neutralised, and `$` escaped
/// (GitHub renders `$...$` as math).
pub(crate) fn cell(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace('$', "\\$")
        .replace(['\r', '\n'], " ")
}

/// A code span for a table cell.
pub(crate) fn code(text: &str) -> String {
    let text = text.replace('|', "\\|").replace(['\r', '\n'], " ");
    if text.contains('`') {
        format!("`` {text} ``")
    } else {
        format!("`{text}`")
    }
}

fn cost_cell(lf: &LocatedFinding) -> String {
    match &lf.finding.cost {
        Some(c) => match (c.monthly_usd, c.per_gb_usd) {
            (Some(m), _) => format!("\\${m:.2}"),
            (None, Some(g)) => format!("\\${}/GB", crate::human::trim_price(g)),
            (None, None) => String::new(),
        },
        None => String::new(),
    }
}

fn table(out: &mut String, rows: &[&LocatedFinding], with_plan: bool) {
    if with_plan {
        out.push_str("| Severity | Rule | Plan | Resource | Message | Monthly cost |\n");
        out.push_str("| --- | --- | --- | --- | --- | ---: |\n");
    } else {
        out.push_str("| Severity | Rule | Resource | Message | Monthly cost |\n");
        out.push_str("| --- | --- | --- | --- | ---: |\n");
    }
    for lf in rows {
        let f = &lf.finding;
        let start = lf.location.start();
        let resource = format!(
            "{}<br>{}",
            code(&f.address),
            code(&format!("{}:{}", lf.location.file.path(), start.line))
        );
        let rule = format!("[{}]({}) {}", f.rule, f.doc_url, code(f.slug));
        let plan = if with_plan {
            format!(" {} |", code(&f.plan))
        } else {
            String::new()
        };
        out.push_str(&format!(
            "| {} | {rule} |{plan} {resource} | {} | {} |\n",
            f.severity.as_str(),
            cell(&f.message),
            cost_cell(lf)
        ));
    }
}

impl Emitter for MarkdownEmitter {
    fn emit(&self, out: &mut dyn io::Write, report: &Report) -> io::Result<()> {
        let s = report.summary();
        let mut md = String::from("### vpclint\n\n");
        let scope = format!(
            "{}, {}",
            plural(s.plans, "plan", "plans"),
            plural(s.resources, "resource instance", "resource instances")
        );
        let suppressed = if s.suppressed > 0 {
            format!("; {} suppressed", s.suppressed)
        } else {
            String::new()
        };
        if s.findings == 0 {
            md.push_str(&format!("No findings{suppressed} ({scope}).\n"));
        } else {
            md.push_str(&format!(
                "**{}**: {}, {}, {}{suppressed} ({scope}).\n",
                plural(s.findings, "finding", "findings"),
                plural(s.error, "error", "errors"),
                plural(s.warning, "warning", "warnings"),
                plural(s.note, "note", "notes"),
            ));
            let monthly: f64 = report
                .findings()
                .filter_map(|f| f.finding.cost.as_ref().and_then(|c| c.monthly_usd))
                .sum();
            if monthly > 0.0 {
                md.push_str(&format!(
                    "\nFixed monthly cost named by these findings: **\\${monthly:.2}**.\n"
                ));
            }
        }
        if s.errors > 0 {
            md.push_str(&format!(
                "\n{} could not be read.\n",
                plural(s.errors, "plan", "plans")
            ));
        }
        let rows: Vec<&LocatedFinding> = report.findings().collect();
        let with_plan = report.plans.len() > 1;
        if !rows.is_empty() {
            md.push('\n');
            let visible = rows.len().min(VISIBLE_ROWS);
            table(&mut md, &rows[..visible], with_plan);
            if rows.len() > visible {
                let more = rows.len() - visible;
                md.push_str(&format!(
                    "\n<details><summary>{more} more {}</summary>\n\n",
                    if more == 1 { "finding" } else { "findings" }
                ));
                table(&mut md, &rows[visible..], with_plan);
                md.push_str("\n</details>\n");
            }
        }
        if !report.ignore_notes.is_empty() {
            md.push_str("\n`vpclint:ignore` comments to fix:\n\n");
            for note in &report.ignore_notes {
                md.push_str(&format!(
                    "- {} {}\n",
                    code(&format!(
                        "{}:{}",
                        note.comment.file.path(),
                        note.comment.line()
                    )),
                    cell(&note.message())
                ));
            }
        }
        if s.suppressed > 0 {
            md.push_str(&format!(
                "\n<details><summary>Suppressed by <code>vpclint:ignore</code> comments ({})</summary>\n\n",
                s.suppressed
            ));
            md.push_str("| Rule | Resource | Reason |\n| --- | --- | --- |\n");
            for sf in report.suppressed() {
                let f = &sf.finding.finding;
                md.push_str(&format!(
                    "| [{}]({}) | {}<br>{} | {} |\n",
                    f.rule,
                    f.doc_url,
                    code(&f.address),
                    code(&format!("{}:{}", sf.by.file.path(), sf.by.line())),
                    cell(sf.reason())
                ));
            }
            md.push_str("\n</details>\n");
        }
        if s.unchecked > 0 {
            md.push_str(&format!(
                "\n<details><summary>Not checked, values unknown until apply ({})</summary>\n\n",
                s.unchecked
            ));
            md.push_str("| Rule | Resource | Reason |\n| --- | --- | --- |\n");
            for p in &report.plans {
                for u in &p.unchecked {
                    md.push_str(&format!(
                        "| {} | {} | {} |\n",
                        u.rule,
                        code(&u.address),
                        cell(&u.reason)
                    ));
                }
            }
            md.push_str("\n</details>\n");
        }
        out.write_all(md.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_escaped() {
        assert_eq!(cell("a | <b>\nc $1"), "a \\| &lt;b&gt; c \\$1");
        assert_eq!(code("aws_subnet.a[\"x|y\"]"), "`aws_subnet.a[\"x\\|y\"]`");
        assert_eq!(code("a`b"), "`` a`b ``");
    }
}
