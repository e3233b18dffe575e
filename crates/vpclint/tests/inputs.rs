//! Input forms: state JSON, standard input, several files, binary plans through `terraform show`.

mod common;

use std::os::unix::fs::PermissionsExt;

fn graph_edges(stdout: &[u8]) -> usize {
    let graph: serde_json::Value = serde_json::from_slice(stdout).unwrap();
    graph["edges"].as_array().unwrap().len()
}

#[test]
fn reads_standard_input() {
    let plan = std::fs::read(common::fixtures().join("graph/same-module/plan.json")).unwrap();
    let output = common::vpclint()
        .args(["graph", "-"])
        .write_stdin(plan)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(graph_edges(&output.stdout) > 0);
}

#[test]
fn reads_a_state_file() {
    let output = common::vpclint()
        .arg("graph")
        .arg(common::fixtures().join("graph/state-file/plan.json"))
        .output()
        .unwrap();
    assert!(output.status.success());
    assert!(graph_edges(&output.stdout) > 0);
}

#[test]
fn reads_a_binary_plan_through_terraform_on_path() {
    let case = common::fixtures().join("graph/binary-plan");
    let bin = tempfile::tempdir().unwrap();
    let script = bin.path().join("terraform");
    std::fs::copy(case.join("fake-terraform"), &script).unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let direct = common::vpclint()
        .arg("graph")
        .arg(case.join("plan.json"))
        .output()
        .unwrap();
    let output = common::vpclint()
        .env("PATH", path)
        .arg("graph")
        .arg(case.join("tfplan"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.stdout, direct.stdout);
}

#[test]
fn binary_plan_without_terraform_says_how_to_make_json() {
    let case = common::fixtures().join("graph/binary-plan");
    let empty = tempfile::tempdir().unwrap();
    let output = common::vpclint()
        .env("PATH", empty.path())
        .arg("check")
        .arg(case.join("tfplan"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("terraform show -json"), "{stderr}");
}

#[test]
fn checks_several_files() {
    let output = common::vpclint()
        .args(["check", "--format", "json"])
        .arg(common::fixtures().join("graph/same-module/plan.json"))
        .arg(common::fixtures().join("graph/community-vpc/plan.json"))
        .output()
        .unwrap();
    assert!(matches!(output.status.code(), Some(0) | Some(1)));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["summary"]["plans"], 2);
}
