//! What is wrong with the `vpclint:ignore` comments of a run: a comment without a reason, naming
//! no rule or an unknown one, sitting next to no block, or (when asked) suppressing nothing.
//!
//! Each comment is judged once per run, however many plans share its sources. A malformed comment
//! suppresses nothing and is reported, but does not change the exit code: the findings it meant to
//! hide still count. An unused comment is reported only with `--report-unused-ignores`, and then
//! counts as a warning for `--fail-on`, like ruff's RUF100 or ESLint's unused directives.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::locate::{IgnoreComment, IgnoreCommentId, IGNORE_MARKER};
use crate::PlanReport;

/// One problem with one ignore comment.
#[derive(Debug, Clone)]
pub struct IgnoreNote {
    pub comment: Arc<IgnoreComment>,
    pub kind: IgnoreNoteKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IgnoreNoteKind {
    /// No reason after the rules: the comment suppresses nothing.
    NoReason,
    /// `vpclint:ignore` with no rule after it.
    NoRule,
    /// A rule id or slug, as written, that names no rule.
    UnknownRule(String),
    /// Not directly above, nor on the opening line of, a `resource`, `data` or `module` block.
    NotNextToBlock,
    /// A rule, as written, whose findings the comment suppressed in none of the run's plans.
    Unused(String),
}

impl IgnoreNote {
    /// The short name machine-readable reports use.
    pub fn kind_str(&self) -> &'static str {
        match self.kind {
            IgnoreNoteKind::NoReason => "no_reason",
            IgnoreNoteKind::NoRule => "no_rule",
            IgnoreNoteKind::UnknownRule(_) => "unknown_rule",
            IgnoreNoteKind::NotNextToBlock => "not_next_to_block",
            IgnoreNoteKind::Unused(_) => "unused",
        }
    }

    /// Whether it counts as a warning for `--fail-on`: only an unused comment, which is reported
    /// only when the user asked for it.
    pub fn counts_as_warning(&self) -> bool {
        matches!(self.kind, IgnoreNoteKind::Unused(_))
    }

    /// One line, without the file and line.
    pub fn message(&self) -> String {
        let rules: Vec<&str> = self
            .comment
            .rules
            .iter()
            .map(|r| r.written.as_str())
            .collect();
        match &self.kind {
            IgnoreNoteKind::NoReason => format!(
                "`{IGNORE_MARKER} {}` gives no reason, so it suppresses nothing: write why after the rule",
                rules.join(", ")
            ),
            IgnoreNoteKind::NoRule => {
                format!("`{IGNORE_MARKER}` names no rule, so it suppresses nothing")
            }
            IgnoreNoteKind::UnknownRule(written) => {
                format!("`{IGNORE_MARKER}` names unknown rule `{written}` (see `vpclint rules`)")
            }
            IgnoreNoteKind::NotNextToBlock => format!(
                "`{IGNORE_MARKER}` is not directly above or on the opening line of a resource, data or module block, so it suppresses nothing"
            ),
            IgnoreNoteKind::Unused(written) => format!(
                "`{IGNORE_MARKER} {written}` suppresses no finding: remove it, or the rule from it"
            ),
        }
    }
}

/// The notes on the ignore comments of a run's plans, sorted by file and line. `ran` says whether
/// a rule ran: with it, comments are also checked for rules that suppressed nothing, counting only
/// rules that ran (a rule turned off by `--select` or `--ignore` proves nothing).
pub fn ignore_notes(plans: &[PlanReport], ran: Option<&dyn Fn(&str) -> bool>) -> Vec<IgnoreNote> {
    // Each comment once, with what it suppressed in any plan.
    let mut comments: BTreeMap<IgnoreCommentId, (Arc<IgnoreComment>, Vec<&'static str>)> =
        BTreeMap::new();
    for plan in plans {
        for u in &plan.ignore_comments {
            let entry = comments
                .entry(u.comment.identity())
                .or_insert_with(|| (Arc::clone(&u.comment), Vec::new()));
            entry.1.extend(u.used.iter().copied());
        }
    }
    let mut notes = Vec::new();
    for (comment, used) in comments.into_values() {
        let mut kinds = Vec::new();
        if comment.rules.is_empty() {
            kinds.push(IgnoreNoteKind::NoRule);
        }
        for r in comment.rules.iter().filter(|r| r.id.is_none()) {
            kinds.push(IgnoreNoteKind::UnknownRule(r.written.clone()));
        }
        if !comment.is_attached() {
            kinds.push(IgnoreNoteKind::NotNextToBlock);
        } else if comment.reason.is_none() {
            kinds.push(IgnoreNoteKind::NoReason);
        } else if let Some(ran) = ran {
            for r in &comment.rules {
                if let Some(id) = r.id {
                    if ran(id) && !used.contains(&id) {
                        kinds.push(IgnoreNoteKind::Unused(r.written.clone()));
                    }
                }
            }
        }
        notes.extend(kinds.into_iter().map(|kind| IgnoreNote {
            comment: Arc::clone(&comment),
            kind,
        }));
    }
    // By the path reports print, then line: the identity sorts by absolute path.
    notes.sort_by_key(|n| (n.comment.file.path(), n.comment.span.start));
    notes
}
