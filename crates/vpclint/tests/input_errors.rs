//! Malformed input exits 2 with a one-line error naming the file (and line and column for JSON).

mod common;

use std::io::Write;

fn run_on(content: &[u8]) -> (i32, String) {
    let mut file = tempfile::Builder::new().suffix(".json").tempfile().unwrap();
    file.write_all(content).unwrap();
    let output = common::vpclint()
        .arg("check")
        .arg(file.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    assert!(
        stderr.contains(&file.path().display().to_string()),
        "error does not name the file: {stderr}"
    );
    (output.status.code().unwrap(), stderr)
}

#[test]
fn malformed_inputs_exit_2_with_one_line_errors() {
    let cases: &[(&[u8], &str)] = &[
        (b"", "empty file"),
        (b"  \n\t ", "empty file"),
        (b"{\"format_version\": \"1.2\", \"resource_changes\": [", "invalid JSON at line 1 column"),
        (b"{\"format_version\": \"1.2\",\n \"resource_changes\": [}", "invalid JSON at line 2 column"),
        (b"{\"hello\": \"world\"}", "not a Terraform plan or state"),
        (b"null", "not a Terraform plan or state"),
        (b"[]", "not a Terraform plan or state"),
        (b"{\"format_version\": \"9.0\", \"values\": {}}", "unsupported format_version"),
        (b"{\"format_version\": \"1.2\", \"resource_changes\": {}}", "invalid JSON"),
        (b"{\"format_version\": \"1.2\", \"resource_changes\": [{\"address\": 5}]}", "invalid JSON"),
        (b"{\"format_version\": \"1.2\", \"resource_changes\": [{\"address\": \"not an address\"}]}", "does not parse"),
        (b"\xff\xfe{}", "invalid JSON"),
    ];
    for (content, expected) in cases {
        let (code, stderr) = run_on(content);
        assert_eq!(code, 2, "{:?}: {stderr}", String::from_utf8_lossy(content));
        assert!(
            stderr.contains(expected),
            "{:?}: {stderr}",
            String::from_utf8_lossy(content)
        );
        assert_eq!(
            stderr.trim_end().lines().count(),
            1,
            "not one line: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn one_bad_plan_does_not_hide_the_others() {
    let good = common::fixtures().join("graph/same-module/plan.json");
    let mut bad = tempfile::Builder::new().suffix(".json").tempfile().unwrap();
    bad.write_all(b"{").unwrap();
    let output = common::vpclint()
        .args(["check", "--format", "json"])
        .arg(&good)
        .arg(bad.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["summary"]["plans"], 1);
}
