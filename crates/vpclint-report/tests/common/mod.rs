//! Helpers shared by the report tests: the SARIF schema from the shared directory, schema
//! validation, and the fields GitHub code scanning needs.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use serde_json::Value;

/// The workspace root (two levels above this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

/// `$VPCLINT_SHARED_DIR`, or `../shared` beside the workspace root.
pub fn shared_dir() -> PathBuf {
    match std::env::var_os("VPCLINT_SHARED_DIR") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => workspace_root().join("../shared"),
    }
}

/// The SARIF 2.1.0 schema validator, or `None` (with a visible message) when the schema is absent.
pub fn sarif_validator(test: &str) -> Option<jsonschema::Validator> {
    let path = shared_dir().join("sarif/sarif-schema-2.1.0.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!(
            "SKIPPED {test}: SARIF schema not found at {} (set VPCLINT_SHARED_DIR)",
            path.display()
        );
        return None;
    };
    let schema: Value = serde_json::from_str(&text).expect("the SARIF schema is JSON");
    Some(
        jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .expect("the SARIF schema compiles"),
    )
}

/// Panics with every schema error of `sarif`.
pub fn assert_valid(validator: &jsonschema::Validator, sarif: &Value, what: &str) {
    let errors: Vec<String> = validator
        .iter_errors(sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what}: SARIF does not validate:\n{}",
        errors.join("\n")
    );
}

fn text<'a>(v: &'a Value, pointer: &str, what: &str) -> &'a str {
    let s = v
        .pointer(pointer)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("{what}: {pointer} is missing or not a string in {v}"));
    assert!(!s.trim().is_empty(), "{what}: {pointer} is empty");
    s
}

fn number(v: &Value, pointer: &str, what: &str) -> u64 {
    v.pointer(pointer)
        .and_then(Value::as_u64)
        .unwrap_or_else(|| panic!("{what}: {pointer} is missing or not a number in {v}"))
}

/// Asserts what GitHub code scanning needs on the run, every rule and every result.
pub fn assert_github_fields(sarif: &Value, what: &str) {
    let runs = sarif["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1, "{what}: one run per invocation");
    let run = &runs[0];
    text(run, "/tool/driver/name", what);
    text(run, "/tool/driver/version", what);
    text(run, "/tool/driver/informationUri", what);
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    for (i, rule) in rules.iter().enumerate() {
        let w = format!("{what}: rule {i}");
        text(rule, "/id", &w);
        text(rule, "/name", &w);
        text(rule, "/shortDescription/text", &w);
        text(rule, "/fullDescription/text", &w);
        text(rule, "/help/text", &w);
        text(rule, "/help/markdown", &w);
        text(rule, "/helpUri", &w);
        let level = text(rule, "/defaultConfiguration/level", &w);
        assert!(
            ["error", "warning", "note"].contains(&level),
            "{w}: level {level}"
        );
        text(rule, "/properties/precision", &w);
        let tags = rule["properties"]["tags"].as_array().expect("tags");
        assert!(!tags.is_empty(), "{w}: no tags");
        if tags.iter().any(|t| t == "security") {
            let sev = text(rule, "/properties/security-severity", &w);
            let sev: f64 = sev.parse().expect("security-severity is a number");
            assert!((0.0..=10.0).contains(&sev), "{w}: security-severity {sev}");
        }
    }
    for (i, result) in run["results"]
        .as_array()
        .expect("results")
        .iter()
        .enumerate()
    {
        let w = format!("{what}: result {i}");
        let rule_id = text(result, "/ruleId", &w);
        let index = number(result, "/ruleIndex", &w) as usize;
        assert_eq!(rules[index]["id"], rule_id, "{w}: ruleIndex");
        text(result, "/level", &w);
        text(result, "/message/text", &w);
        let locations = result["locations"].as_array().expect("locations");
        assert_eq!(locations.len(), 1, "{w}: exactly one primary location");
        let loc = &locations[0];
        let uri = text(loc, "/physicalLocation/artifactLocation/uri", &w);
        if !uri.starts_with("file://") {
            assert_eq!(
                text(loc, "/physicalLocation/artifactLocation/uriBaseId", &w),
                "%SRCROOT%",
                "{w}"
            );
        }
        let start_line = number(loc, "/physicalLocation/region/startLine", &w);
        let start_col = number(loc, "/physicalLocation/region/startColumn", &w);
        let end_line = number(loc, "/physicalLocation/region/endLine", &w);
        let end_col = number(loc, "/physicalLocation/region/endColumn", &w);
        assert!(start_line >= 1 && start_col >= 1, "{w}: region starts at 1");
        assert!(
            (end_line, end_col) >= (start_line, start_col),
            "{w}: region ends before it starts"
        );
        text(loc, "/logicalLocations/0/fullyQualifiedName", &w);
        let fingerprints = result["partialFingerprints"]
            .as_object()
            .expect("partialFingerprints");
        assert!(!fingerprints.is_empty(), "{w}: no partialFingerprints");
        if let Some(related) = result.get("relatedLocations") {
            for r in related.as_array().expect("relatedLocations") {
                text(r, "/physicalLocation/artifactLocation/uri", &w);
                number(r, "/physicalLocation/region/startLine", &w);
                text(r, "/message/text", &w);
            }
        }
    }
}
