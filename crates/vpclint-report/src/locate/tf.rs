//! The blocks of one Terraform module directory: `resource`, `data` and `module` blocks of its
//! `.tf` files, with their byte spans, read with hcl-edit, and the `vpclint:ignore` comments next
//! to them.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use hcl_edit::structure::Block;
use hcl_edit::Span;

use super::ignore_comments::{self, BlockSpan, IgnoreComment};
use super::{Location, LocationKind, SourceFile, SourceKind};

/// Which block: `resource "TYPE" "NAME"`, `data "TYPE" "NAME"` or `module "NAME"`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum BlockKey {
    Resource(String, String),
    Data(String, String),
    Module(String),
}

#[derive(Debug)]
struct TfBlock {
    file: usize,
    span: Range<usize>,
    header: Range<usize>,
}

#[derive(Debug, Default)]
pub(super) struct TfDir {
    files: Vec<Arc<SourceFile>>,
    blocks: HashMap<BlockKey, TfBlock>,
    /// `source` of each `module` block whose source is a string literal.
    pub(super) module_sources: HashMap<String, String>,
    /// Files that could not be read or parsed, one line each.
    pub(super) notes: Vec<String>,
    /// The `vpclint:ignore` comments of the files, in file and line order.
    pub(super) ignores: Vec<Arc<IgnoreComment>>,
}

/// Whether `dir` holds at least one `.tf` file.
pub(super) fn has_tf_files(dir: &Path) -> bool {
    !tf_files(dir).is_empty()
}

/// The `.tf` files of a directory, sorted by name, override files (`override.tf`,
/// `*_override.tf`) last: Terraform merges them into the blocks the other files define.
fn tf_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "tf") && p.is_file())
        .collect();
    files.sort_by_key(|p| {
        let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
        let is_override = name
            .as_deref()
            .is_some_and(|n| n == "override.tf" || n.ends_with("_override.tf"));
        (is_override, p.clone())
    });
    files
}

impl TfDir {
    /// Reads the `.tf` files of `dir`. `names` gives an absolute path's display name and
    /// repository path. The first definition of a block wins, in file name order.
    pub(super) fn read(dir: &Path, names: impl Fn(&Path) -> (String, Option<String>)) -> TfDir {
        let mut out = TfDir::default();
        for path in tf_files(dir) {
            let (display, repo_path) = names(&path);
            let text = match std::fs::read(&path) {
                Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                Err(e) => {
                    out.notes.push(format!("{display}: cannot read: {e}"));
                    continue;
                }
            };
            let body = match hcl_edit::parser::parse_body(&text) {
                Ok(body) => body,
                Err(e) => {
                    let loc = e.location();
                    out.notes.push(format!(
                        "{display}:{}:{}: not located in: HCL parse error: {}",
                        loc.line(),
                        loc.column(),
                        e.message()
                    ));
                    continue;
                }
            };
            let file = out.files.len();
            let mut file_blocks = Vec::new();
            for block in body.blocks() {
                let Some(key) = block_key(block) else {
                    continue;
                };
                let Some(span) = block.span() else {
                    continue;
                };
                if let BlockKey::Module(name) = &key {
                    if let Some(source) = block
                        .body
                        .get_attribute("source")
                        .and_then(|a| a.value.as_str())
                    {
                        out.module_sources
                            .entry(name.clone())
                            .or_insert_with(|| source.to_string());
                    }
                }
                let header = header_span(&text, span.clone());
                file_blocks.push(BlockSpan {
                    key: key.clone(),
                    span: span.clone(),
                    header: header.clone(),
                });
                out.blocks
                    .entry(key)
                    .or_insert(TfBlock { file, span, header });
            }
            let source = Arc::new(SourceFile::new(
                display,
                repo_path,
                Some(path),
                SourceKind::Terraform,
                Arc::new(vpclint_plan::SourceText::from(text)),
            ));
            out.ignores.extend(
                ignore_comments::scan(&source, &file_blocks)
                    .into_iter()
                    .map(Arc::new),
            );
            out.files.push(source);
        }
        out
    }

    /// The ignore comments next to a block.
    pub(super) fn ignores_on<'a>(
        &'a self,
        key: &'a BlockKey,
    ) -> impl Iterator<Item = &'a Arc<IgnoreComment>> + 'a {
        self.ignores
            .iter()
            .filter(move |c| c.block.as_ref() == Some(key))
    }

    pub(super) fn location(&self, key: &BlockKey, kind: LocationKind) -> Option<Location> {
        let block = self.blocks.get(key)?;
        Some(Location {
            file: Arc::clone(&self.files[block.file]),
            span: block.span.clone(),
            focus: block.header.clone(),
            kind,
        })
    }
}

pub(super) fn block_key(block: &Block) -> Option<BlockKey> {
    let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
    match (block.ident.as_str(), labels.as_slice()) {
        ("resource", [t, n]) => Some(BlockKey::Resource(t.to_string(), n.to_string())),
        ("data", [t, n]) => Some(BlockKey::Data(t.to_string(), n.to_string())),
        ("module", [n]) => Some(BlockKey::Module(n.to_string())),
        _ => None,
    }
}

/// The first position in `bytes` where `found` holds outside a double-quoted HCL string.
pub(super) fn first_unquoted(bytes: &[u8], found: impl Fn(&[u8], usize) -> bool) -> Option<usize> {
    let mut in_string = false;
    let mut escaped = false;
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            match b {
                b'\\' if !escaped => escaped = true,
                b'"' if !escaped => in_string = false,
                _ => escaped = false,
            }
        } else if b == b'"' {
            in_string = true;
        } else if found(bytes, i) {
            return Some(i);
        }
    }
    None
}

/// `resource "aws_subnet" "a"` of a block: from its start to the last non-blank character before
/// the body's `{` (skipping quoted labels).
pub(super) fn header_span(text: &str, span: Range<usize>) -> Range<usize> {
    let bytes = text.as_bytes();
    let i = first_unquoted(&bytes[span.clone()], |b, i| b[i] == b'{')
        .map_or(span.end, |at| span.start + at);
    let mut end = i;
    while end > span.start && bytes[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    if end == span.start {
        return span;
    }
    span.start..end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_stops_before_the_body() {
        let text = "resource \"aws_s3_bucket\" \"a{b\" {\n  x = 1\n}\n";
        let span = 0..text.trim_end().len();
        assert_eq!(
            &text[header_span(text, span)],
            "resource \"aws_s3_bucket\" \"a{b\""
        );
    }

    #[test]
    fn blocks_have_spans() {
        let text = "# c\n\nresource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n\nmodule \"vpc\" {\n  source = \"terraform-aws-modules/vpc/aws\"\n}\n";
        let body = hcl_edit::parser::parse_body(text).unwrap();
        let keys: Vec<_> = body
            .blocks()
            .map(|b| (block_key(b).unwrap(), b.span().unwrap()))
            .collect();
        assert_eq!(
            keys[0].0,
            BlockKey::Resource("aws_vpc".into(), "main".into())
        );
        assert!(text[keys[0].1.clone()].starts_with("resource \"aws_vpc\""));
        assert!(text[keys[0].1.clone()].ends_with('}'));
        assert_eq!(keys[1].0, BlockKey::Module("vpc".into()));
    }
}
