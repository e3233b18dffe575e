//! The registry and `rules/*.md` agree, and every rule has its fixtures (clippy's
//! missing-test-files, biome's rules_check).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use vpclint_rules::registry::RULES;
use vpclint_rules::{docs, Category, Severity};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

const HEADINGS: &[&str] = &[
    "## What it finds",
    "## Why it matters",
    "## Example",
    "## Fix",
    "## When it stays silent",
    "## References",
];

#[test]
fn ids_are_unique_sorted_and_well_formed() {
    let ids: Vec<&str> = RULES.iter().map(|r| r.meta().id).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "the registry must be sorted by id");
    let unique: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "duplicate ids");
    for rule in RULES {
        let m = rule.meta();
        let (letter, digits) = m.id.split_at(1);
        let expected_letter = match m.category {
            Category::Cost => "C",
            Category::Connectivity => "N",
            Category::Security => "S",
            Category::Reliability => "R",
        };
        assert_eq!(
            letter, expected_letter,
            "{}: id letter does not match its category",
            m.id
        );
        assert!(
            digits.len() == 3 && digits.chars().all(|c| c.is_ascii_digit()),
            "{}",
            m.id
        );
        assert!(
            m.slug
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}: slug {}",
            m.id,
            m.slug
        );
        assert!(
            m.summary.starts_with(|c: char| c.is_lowercase()) && !m.summary.ends_with('.'),
            "{}: summary must start lowercase and have no trailing period",
            m.id
        );
    }
    assert_eq!(RULES.len(), 20);
}

#[test]
fn every_rule_has_its_doc_and_every_doc_a_rule() {
    let mut docs_on_disk = BTreeSet::new();
    for entry in std::fs::read_dir(root().join("rules")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        if name != "README.md" && name.ends_with(".md") {
            docs_on_disk.insert(name);
        }
    }
    let expected: BTreeSet<String> = RULES
        .iter()
        .map(|r| format!("{}-{}.md", r.meta().id, r.meta().slug))
        .collect();
    assert_eq!(docs_on_disk, expected, "rules/*.md and the registry differ");
    assert_eq!(
        docs::DOCS.len(),
        RULES.len(),
        "docs.rs does not embed every doc"
    );
    for rule in RULES {
        let m = rule.meta();
        let doc = docs::doc(m.id).unwrap_or_else(|| panic!("{} is not embedded", m.id));
        let mut lines = doc.lines();
        assert_eq!(
            lines.next(),
            Some(format!("# {} {}", m.id, m.slug).as_str()),
            "{}: title",
            m.id
        );
        let severity = match m.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        assert!(
            doc.contains(&format!("- **Severity:** {severity}\n")),
            "{}: severity",
            m.id
        );
        assert!(
            doc.contains(&format!("- **Category:** {}\n", m.category.as_str())),
            "{}: category",
            m.id
        );
        assert!(
            doc.contains(&format!("\n{}\n", m.summary)),
            "{}: the doc's summary line differs from the rule's",
            m.id
        );
        let mut last = 0;
        for heading in HEADINGS {
            let at = doc
                .find(&format!("\n{heading}\n"))
                .unwrap_or_else(|| panic!("{}: no {heading}", m.id));
            assert!(at > last, "{}: {heading} out of order", m.id);
            last = at;
        }
        assert!(doc.contains("```hcl"), "{}: no HCL example", m.id);
    }
}

#[test]
fn every_rule_has_pass_and_fail_fixtures() {
    for rule in RULES {
        let id = rule.meta().id;
        let dir = root().join("fixtures").join(id);
        let cases: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|_| panic!("{id}: no fixtures/{id}/"))
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .filter(|n| dir.join(n).join("plan.json").exists())
            .collect();
        assert!(
            cases.iter().any(|c| c.starts_with("fail")),
            "{id}: no fail case"
        );
        assert!(
            cases.iter().any(|c| c.starts_with("pass")),
            "{id}: no pass case"
        );
        assert!(
            cases.iter().any(|c| c.contains("unknown")),
            "{id}: no unknown-value case"
        );
    }
}
