//! The rule docs from `rules/*.md`, embedded in the binary.

/// `(id, markdown)` for every doc in `rules/`, kept in sync with the registry by a test.
pub static DOCS: &[(&str, &str)] = &[];

/// The Markdown doc of a rule.
pub fn doc(id: &str) -> Option<&'static str> {
    DOCS.iter().find(|(i, _)| *i == id).map(|(_, d)| *d)
}
