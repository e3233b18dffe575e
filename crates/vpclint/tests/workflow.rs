//! CI and local workflows: configuration, excludes, baselines, --changed-only, many plans.

mod common;

use std::path::Path;

use serde_json::Value;

fn findings(stdout: &[u8]) -> Vec<(String, String)> {
    let report: Value = serde_json::from_slice(stdout).unwrap();
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["address"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn c001_plan() -> std::path::PathBuf {
    common::fixtures().join("C001/fail/plan.json")
}

#[test]
fn configuration_is_discovered_upward_and_flags_override_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("vpclint.toml"),
        "ignore = [\"C001\"]\nfail-on = \"never\"\n",
    )
    .unwrap();
    let nested = dir.path().join("env/prod");
    std::fs::create_dir_all(&nested).unwrap();
    let out = common::vpclint()
        .current_dir(&nested)
        .args(["check", "--format", "json"])
        .arg(c001_plan())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "fail-on = never from the file");
    assert!(findings(&out.stdout).iter().all(|(r, _)| r != "C001"));
    // The command line wins over the file.
    let out = common::vpclint()
        .current_dir(&nested)
        .args([
            "check",
            "--format",
            "json",
            "--fail-on",
            "warning",
            "--select",
            "C001,N005",
        ])
        .arg(c001_plan())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "C001 stays ignored by the file");
    // An explicit --config replaces discovery.
    let other = dir.path().join("other.toml");
    std::fs::write(&other, "select = [\"C001\"]\n").unwrap();
    let out = common::vpclint()
        .current_dir(&nested)
        .args(["check", "--format", "json", "--config"])
        .arg(&other)
        .arg(c001_plan())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(findings(&out.stdout).iter().all(|(r, _)| r == "C001"));
    let out = common::vpclint()
        .current_dir(&nested)
        .args(["config"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("ignore = [\"C001\"]"));
}

#[test]
fn unknown_configuration_keys_are_errors_naming_key_and_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("vpclint.toml"),
        "[rules.C001]\nuse-dynamodb = true\n",
    )
    .unwrap();
    let out = common::vpclint()
        .current_dir(dir.path())
        .arg("check")
        .arg(c001_plan())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("vpclint.toml") && stderr.contains("use-dynamodb"),
        "{stderr}"
    );
}

#[test]
fn init_writes_a_valid_default() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::vpclint()
        .current_dir(dir.path())
        .arg("init")
        .output()
        .unwrap();
    assert!(out.status.success());
    let out = common::vpclint()
        .current_dir(dir.path())
        .arg("config")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let again = common::vpclint()
        .current_dir(dir.path())
        .arg("init")
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
}

#[test]
fn glob_excludes_drop_findings_on_matching_addresses() {
    let plan = common::fixtures().join("example/plan.json");
    let all = common::vpclint()
        .args(["check", "--format", "json"])
        .arg(&plan)
        .output()
        .unwrap();
    assert!(findings(&all.stdout)
        .iter()
        .any(|(_, a)| a.starts_with("module.vpc_legacy.")));
    let out = common::vpclint()
        .args(["check", "--format", "json", "--exclude", "module.vpc_*.**"])
        .arg(&plan)
        .output()
        .unwrap();
    let kept = findings(&out.stdout);
    assert!(!kept.is_empty());
    assert!(
        kept.iter()
            .all(|(_, a)| !a.starts_with("module.vpc_legacy.")),
        "{kept:?}"
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn a_baseline_survives_moved_lines() {
    let dir = tempfile::tempdir().unwrap();
    let example = dir.path().join("example");
    copy_dir(&common::fixtures().join("example"), &example);
    let baseline = dir.path().join("baseline.json");
    let out = common::vpclint()
        .args(["check", "--format", "json", "--write-baseline"])
        .arg(&baseline)
        .arg(example.join("plan.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let recorded: Value =
        serde_json::from_str(&std::fs::read_to_string(&baseline).unwrap()).unwrap();
    assert_eq!(
        recorded["findings"].as_array().unwrap().len(),
        findings(&out.stdout).len()
    );
    // Lines added above every resource block move every location, not the fingerprints.
    let main = example.join("main.tf");
    let text = std::fs::read_to_string(&main).unwrap();
    std::fs::write(&main, format!("# moved\n\n\n{text}")).unwrap();
    let out = common::vpclint()
        .args(["check", "--format", "json", "--baseline"])
        .arg(&baseline)
        .arg(example.join("plan.json"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(findings(&out.stdout).is_empty());
}

#[test]
fn changed_only_keeps_findings_on_what_the_plan_changes() {
    let mut plan: Value =
        serde_json::from_str(&std::fs::read_to_string(c001_plan()).unwrap()).unwrap();
    let anchors: Vec<String> = {
        let out = common::vpclint()
            .args(["check", "--format", "json", "--select", "C001"])
            .arg(c001_plan())
            .output()
            .unwrap();
        findings(&out.stdout).into_iter().map(|(_, a)| a).collect()
    };
    assert!(!anchors.is_empty());
    // Everything exists already, except one changed unrelated resource.
    for rc in plan["resource_changes"].as_array_mut().unwrap() {
        rc["change"]["actions"] = serde_json::json!(["no-op"]);
    }
    let dir = tempfile::tempdir().unwrap();
    let unchanged = dir.path().join("unchanged.json");
    std::fs::write(&unchanged, plan.to_string()).unwrap();
    let out = common::vpclint()
        .args([
            "check",
            "--format",
            "json",
            "--select",
            "C001",
            "--changed-only",
        ])
        .arg(&unchanged)
        .output()
        .unwrap();
    assert!(
        findings(&out.stdout).is_empty(),
        "no finding touches a change"
    );
    // Updating the anchor brings its finding back.
    for rc in plan["resource_changes"].as_array_mut().unwrap() {
        if rc["address"] == anchors[0].as_str() {
            rc["change"]["actions"] = serde_json::json!(["update"]);
        }
    }
    let updated = dir.path().join("updated.json");
    std::fs::write(&updated, plan.to_string()).unwrap();
    let out = common::vpclint()
        .args([
            "check",
            "--format",
            "json",
            "--select",
            "C001",
            "--changed-only",
        ])
        .arg(&updated)
        .output()
        .unwrap();
    let kept = findings(&out.stdout);
    assert!(kept.iter().any(|(_, a)| a == &anchors[0]), "{kept:?}");
}

#[test]
fn a_directory_of_fifty_plans_with_one_broken_file() {
    let dir = tempfile::tempdir().unwrap();
    let plans = dir.path().join("plans");
    std::fs::create_dir_all(plans.join("nested")).unwrap();
    let text = std::fs::read(c001_plan()).unwrap();
    for i in 0..49 {
        let sub = if i % 2 == 0 {
            plans.clone()
        } else {
            plans.join("nested")
        };
        std::fs::write(sub.join(format!("plan-{i:02}.json")), &text).unwrap();
    }
    std::fs::write(plans.join("broken.json"), b"{\"format_version\": \"1.2\", ").unwrap();
    std::fs::write(plans.join("package.json"), b"{\"name\": \"not a plan\"}").unwrap();
    let out = common::vpclint()
        .args(["check", "--format", "json", "-j", "2"])
        .arg(&plans)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("broken.json"), "{stderr}");
    assert!(
        stderr.contains("note: skipped") && stderr.contains("package.json"),
        "{stderr}"
    );
    let per_plan: std::collections::BTreeSet<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["plan"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(per_plan.len(), 49, "every good plan is reported");
    // A glob names the same plans.
    let pattern = format!("{}/**/*.json", plans.display());
    let out = common::vpclint()
        .args(["check", "--format", "json"])
        .arg(&pattern)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn cost_trace_and_pictures_run_from_the_command_line() {
    let example = common::fixtures().join("example/plan.json");
    let out = common::vpclint()
        .args(["cost", "--format", "json", "--traffic", "s3=2TB"])
        .arg(&example)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Value>(&out.stdout).unwrap();
    let bad = common::vpclint()
        .args(["cost", "--traffic", "s3=lots"])
        .arg(&example)
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    let community = common::fixtures().join("graph/community-vpc/plan.json");
    let out = common::vpclint()
        .args([
            "trace",
            "--from",
            "module.vpc.aws_subnet.private[0]",
            "--to",
            "internet",
            "--format",
            "json",
        ])
        .arg(&community)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("aws_internet_gateway.this[0]"));
    for format in ["mermaid", "dot"] {
        let out = common::vpclint()
            .args(["graph", "--format", format])
            .arg(&example)
            .output()
            .unwrap();
        assert!(out.status.success(), "{format}");
        assert!(!out.stdout.is_empty());
    }
}

#[test]
fn explain_prints_each_rule_doc_and_rules_lists_them() {
    let rules_dir = common::workspace().join("rules");
    let mut docs: Vec<_> = std::fs::read_dir(&rules_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap() != "README.md")
        .collect();
    docs.sort();
    assert_eq!(docs.len(), 20);
    let list = common::vpclint()
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    let listed: Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 20);
    for doc in docs {
        let name = doc.file_stem().unwrap().to_string_lossy().to_string();
        let (id, slug) = name.split_at(4);
        let expected = std::fs::read_to_string(&doc).unwrap();
        for key in [id, &slug[1..]] {
            let out = common::vpclint().args(["explain", key]).output().unwrap();
            assert!(out.status.success(), "{key}");
            assert_eq!(String::from_utf8_lossy(&out.stdout), expected, "{key}");
        }
    }
}

/// The first C001 finding of a `check --format json` or `--format sarif` run in `dir`.
fn c001_cost_in(dir: &Path, format: &str) -> Value {
    let out = common::vpclint()
        .current_dir(dir)
        .args(["check", "--format", format])
        .arg(c001_plan())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found = match format {
        "sarif" => report["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["ruleId"] == "C001")
            .cloned(),
        _ => report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == "C001")
            .cloned(),
    };
    found.expect("a C001 finding")
}

#[test]
fn price_overrides_reach_the_findings_of_check() {
    // Without a configuration, C001 quotes the built-in eu-west-1 NAT processing charge.
    let plain = tempfile::tempdir().unwrap();
    let built_in = c001_cost_in(plain.path(), "json");
    assert_eq!(built_in["cost"]["per_gb_usd"], 0.048);
    assert!(built_in["message"]
        .as_str()
        .unwrap()
        .contains("$0.048/GB NAT processing in eu-west-1"));

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("vpclint.toml"),
        "[prices.eu-west-1]\nnat_gateway_gb = 0.05\nas_of = \"2026-11-02\"\nsource = \"EDP rate card\"\n",
    )
    .unwrap();
    let overridden = c001_cost_in(dir.path(), "json");
    assert_eq!(overridden["cost"]["per_gb_usd"], 0.05);
    assert_eq!(
        overridden["cost"]["basis"],
        "NAT gateway data processing, $0.050 (as of 2026-11-02)"
    );
    assert!(overridden["message"]
        .as_str()
        .unwrap()
        .contains("$0.050/GB NAT processing in eu-west-1"));
    // SARIF carries the same figure.
    let sarif = c001_cost_in(dir.path(), "sarif");
    assert_eq!(sarif["properties"]["perGbCostUsd"], 0.05);

    // A price that cannot be used is an error, as it is for `vpclint cost`.
    std::fs::write(
        dir.path().join("vpclint.toml"),
        "[prices.eu-west-1]\nnat_gateway_gb = -1.0\n",
    )
    .unwrap();
    let out = common::vpclint()
        .current_dir(dir.path())
        .arg("check")
        .arg(c001_plan())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("eu-west-1.nat_gateway_gb"), "{stderr}");
}
