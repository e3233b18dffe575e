//! `# vpclint:ignore RULES reason` comments in `.tf` files, and the block each one sits next to.
//!
//! A plan JSON carries no comments, so the `.tf` sources the locator already reads are the only
//! place a suppression can live. A comment belongs to a `resource`, `data` or `module` block when
//! it is in the run of comment lines directly above the block, or on the block's opening line
//! (after its `{`). Any other `vpclint:ignore` comment suppresses nothing and is reported.
//!
//! The grammar, after `#` or `//`:
//!
//! ```text
//! vpclint:ignore RULE[, RULE...] [-- | :] REASON
//! ```
//!
//! where RULE is a rule id (`C001`) or slug (`gateway-service-via-nat`). The reason is required:
//! a suppression must say why, or nobody can later tell whether it still holds.

use std::ops::Range;
use std::sync::Arc;

use vpclint_rules::registry;

use super::tf::BlockKey;
use super::SourceFile;

/// What marks a suppression comment.
pub const IGNORE_MARKER: &str = "vpclint:ignore";

/// Names one comment across plans and threads: its file (absolute when known) and byte offset.
pub type IgnoreCommentId = (String, usize);

/// One `vpclint:ignore` comment in a `.tf` file.
#[derive(Debug)]
pub struct IgnoreComment {
    pub file: Arc<SourceFile>,
    /// From the comment's `#` or `//` to the end of its line.
    pub span: Range<usize>,
    /// The rules it names, in its order.
    pub rules: Vec<IgnoredRule>,
    /// The text after the rules; `None` when there is none.
    pub reason: Option<String>,
    /// The block it sits next to; `None` when it is next to none.
    pub(super) block: Option<BlockKey>,
}

/// A rule as an ignore comment names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoredRule {
    /// As written: `C001` or `gateway-service-via-nat`.
    pub written: String,
    /// The rule id it names; `None` when no rule has that id or slug.
    pub id: Option<&'static str>,
}

impl IgnoreComment {
    /// The 1-based line of the comment.
    pub fn line(&self) -> usize {
        self.file.position(self.span.start).line
    }

    /// `main.tf:12`, as a person reads it.
    pub fn display(&self) -> String {
        format!("{}:{}", self.file.display, self.line())
    }

    /// The comment's text, as written.
    pub fn text(&self) -> &str {
        &self.file.text()[self.span.clone()]
    }

    /// Whether it sits next to a `resource`, `data` or `module` block.
    pub fn is_attached(&self) -> bool {
        self.block.is_some()
    }

    /// Whether it suppresses findings of rule `id`: it is next to a block, names the rule, and
    /// gives a reason.
    pub fn suppresses(&self, id: &str) -> bool {
        self.is_attached() && self.reason.is_some() && self.rules.iter().any(|r| r.id == Some(id))
    }

    /// The same comment, whichever plan or thread read it: its file and byte offset.
    pub fn identity(&self) -> IgnoreCommentId {
        let file = match &self.file.abs_path {
            Some(p) => p.display().to_string(),
            None => self.file.path(),
        };
        (file, self.span.start)
    }
}

/// A block of a file, as the ignore comments next to it need it.
pub(super) struct BlockSpan {
    pub key: BlockKey,
    /// The whole block.
    pub span: Range<usize>,
    /// Its header, `resource "aws_subnet" "a"`, which ends before the body's `{`.
    pub header: Range<usize>,
}

/// The ignore comments of one file, each with the block it sits next to.
pub(super) fn scan(file: &Arc<SourceFile>, blocks: &[BlockSpan]) -> Vec<IgnoreComment> {
    let text = file.text();
    // Most files have none: skip the line walk.
    if !text.contains(IGNORE_MARKER) {
        return Vec::new();
    }
    let lines = line_ranges(text);
    let line_of = |offset: usize| lines.partition_point(|l| l.start <= offset) - 1;
    let mut comments: Vec<IgnoreComment> = Vec::new();
    let mut line_of_comment: Vec<usize> = Vec::new();
    for (i, range) in lines.iter().enumerate() {
        let line = &text[range.clone()];
        let Some(start) = comment_start(line) else {
            continue;
        };
        let Some(directive) = parse_directive(comment_body(&line[start..])) else {
            continue;
        };
        comments.push(IgnoreComment {
            file: Arc::clone(file),
            span: range.start + start..range.end,
            rules: directive.rules,
            reason: directive.reason,
            block: None,
        });
        line_of_comment.push(i);
    }
    if comments.is_empty() {
        return comments;
    }
    let whole_line_comment = |i: usize| {
        let trimmed = text[lines[i].clone()].trim_start();
        trimmed.starts_with('#') || trimmed.starts_with("//")
    };
    for block in blocks {
        // The opening line: where the body's `{` is. A comment there, after the block's start.
        let brace = text[block.header.end..block.span.end]
            .find('{')
            .map_or(block.header.end, |i| block.header.end + i);
        let opening_line = line_of(brace);
        // The run of comment lines directly above the block.
        let first_line = line_of(block.span.start);
        let mut above = first_line;
        while above > 0 && whole_line_comment(above - 1) {
            above -= 1;
        }
        for (comment, &line) in comments.iter_mut().zip(&line_of_comment) {
            let next_to = (above..first_line).contains(&line)
                || (line == opening_line && comment.span.start > block.span.start);
            if next_to && comment.block.is_none() {
                comment.block = Some(block.key.clone());
            }
        }
    }
    comments
}

/// The byte range of each line, without its line break (`\n` or `\r\n`).
fn line_ranges(text: &str) -> Vec<Range<usize>> {
    let mut lines = Vec::new();
    let mut start = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            let end = if i > start && text.as_bytes()[i - 1] == b'\r' {
                i - 1
            } else {
                i
            };
            lines.push(start..end);
            start = i + 1;
        }
    }
    lines.push(start..text.len());
    lines
}

/// Where a line comment starts on a line: the first `#` or `//` outside a quoted string.
/// (Lines inside a heredoc are read as code; a `vpclint:ignore` there is not worth the parser.)
fn comment_start(line: &str) -> Option<usize> {
    super::tf::first_unquoted(line.as_bytes(), |b, i| {
        b[i] == b'#' || (b[i] == b'/' && b.get(i + 1) == Some(&b'/'))
    })
}

/// A comment's text without its `#` or `//`.
fn comment_body(comment: &str) -> &str {
    comment
        .strip_prefix("//")
        .or_else(|| comment.strip_prefix('#'))
        .unwrap_or(comment)
}

/// What an ignore comment says.
#[derive(Debug, PartialEq, Eq)]
struct Directive {
    rules: Vec<IgnoredRule>,
    reason: Option<String>,
}

/// The directive in a comment's text, when the text starts with [`IGNORE_MARKER`].
fn parse_directive(body: &str) -> Option<Directive> {
    let rest = body.trim_start().strip_prefix(IGNORE_MARKER)?;
    // `vpclint:ignored` or `vpclint:ignore-file` are other words, not this marker.
    if rest.chars().next().is_some_and(|c| !c.is_whitespace()) {
        return None;
    }
    let is_rule_char = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let mut rules = Vec::new();
    let mut rest = rest.trim_start();
    loop {
        let end = rest.find(|c: char| !is_rule_char(c)).unwrap_or(rest.len());
        // A lone `--` introduces the reason; it is not a rule.
        if end == 0 || rest[..end].chars().all(|c| c == '-') {
            break;
        }
        let written = &rest[..end];
        rules.push(IgnoredRule {
            written: written.to_string(),
            id: registry::find(written).map(|r| r.meta().id),
        });
        rest = &rest[end..];
        match rest.trim_start().strip_prefix(',') {
            Some(more) => rest = more.trim_start(),
            None => break,
        }
    }
    let reason = rest.trim();
    let reason = reason
        .strip_prefix("--")
        .or_else(|| reason.strip_prefix(':'))
        .unwrap_or(reason)
        .trim();
    Some(Directive {
        rules,
        reason: (!reason.is_empty()).then(|| reason.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use hcl_edit::Span;

    use super::*;
    use crate::locate::tf::{block_key, header_span};
    use crate::locate::SourceKind;

    fn rule(written: &str, id: Option<&'static str>) -> IgnoredRule {
        IgnoredRule {
            written: written.into(),
            id,
        }
    }

    #[test]
    fn directives() {
        assert_eq!(
            parse_directive(" vpclint:ignore C001 S3 goes through the proxy"),
            Some(Directive {
                rules: vec![rule("C001", Some("C001"))],
                reason: Some("S3 goes through the proxy".into()),
            })
        );
        assert_eq!(
            parse_directive("vpclint:ignore gateway-service-via-nat, n005 -- legacy"),
            Some(Directive {
                rules: vec![
                    rule("gateway-service-via-nat", Some("C001")),
                    rule("n005", Some("N005")),
                ],
                reason: Some("legacy".into()),
            })
        );
        assert_eq!(
            parse_directive(" vpclint:ignore C001: until the migration"),
            Some(Directive {
                rules: vec![rule("C001", Some("C001"))],
                reason: Some("until the migration".into()),
            })
        );
        assert_eq!(
            parse_directive(" vpclint:ignore C001\r"),
            Some(Directive {
                rules: vec![rule("C001", Some("C001"))],
                reason: None,
            })
        );
        assert_eq!(
            parse_directive(" vpclint:ignore X999 why"),
            Some(Directive {
                rules: vec![rule("X999", None)],
                reason: Some("why".into()),
            })
        );
        assert_eq!(
            parse_directive(" vpclint:ignore"),
            Some(Directive {
                rules: vec![],
                reason: None,
            })
        );
        assert_eq!(parse_directive(" vpclint:ignored C001 x"), None);
        assert_eq!(parse_directive(" see vpclint:ignore C001 x"), None);
    }

    #[test]
    fn comments_outside_strings() {
        assert_eq!(comment_start("  # x"), Some(2));
        assert_eq!(comment_start("a = \"#no\" // yes"), Some(10));
        assert_eq!(comment_start("a = \"\\\"#\""), None);
        assert_eq!(comment_start("url = \"https://x\""), None);
    }

    fn scanned(text: &str) -> Vec<(usize, Option<BlockKey>)> {
        let file = Arc::new(SourceFile::new(
            "main.tf".into(),
            None,
            None,
            SourceKind::Terraform,
            Arc::new(text.to_string().into()),
        ));
        let body = hcl_edit::parser::parse_body(text).unwrap();
        let blocks: Vec<BlockSpan> = body
            .blocks()
            .filter_map(|b| {
                let key = block_key(b)?;
                let span = b.span()?;
                let header = header_span(text, span.clone());
                Some(BlockSpan { key, span, header })
            })
            .collect();
        scan(&file, &blocks)
            .into_iter()
            .map(|c| (c.line(), c.block))
            .collect()
    }

    #[test]
    fn comments_attach_to_the_block_below_or_on_its_opening_line() {
        let text = "\
# vpclint:ignore C001 above
# more words
resource \"aws_route_table\" \"a\" {
  vpc_id = \"x\" # vpclint:ignore C001 inside: not next to the block
}

resource \"aws_route_table\" \"b\" { // vpclint:ignore C001 on the opening line
}
# vpclint:ignore C001 a blank line below

module \"vpc\" {
  source = \"./vpc\"
}
locals { # vpclint:ignore C001 not a resource
}
";
        let table = |n: &str| Some(BlockKey::Resource("aws_route_table".into(), n.into()));
        assert_eq!(
            scanned(text),
            vec![
                (1, table("a")),
                (4, None),
                (7, table("b")),
                (9, None),
                (14, None),
            ]
        );
        let text = "resource \"aws_vpc\" \"a\" {}\n// vpclint:ignore N006 why\nmodule \"m\" {\n}\n";
        assert_eq!(scanned(text), vec![(2, Some(BlockKey::Module("m".into())))]);
    }
}
