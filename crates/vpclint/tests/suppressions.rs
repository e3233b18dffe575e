//! Inline suppressions: `# vpclint:ignore RULE reason` comments in the `.tf` sources, through the
//! binary. Fixtures are in `fixtures/suppressions/` (see its README).

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

fn fixture(case: &str) -> PathBuf {
    common::fixtures().join("suppressions").join(case)
}

/// `vpclint check` from the workspace root, so that paths are `fixtures/...`.
fn check(args: &[&str], plan: &Path) -> Output {
    common::vpclint()
        .current_dir(common::workspace())
        .env_remove("CI")
        .arg("check")
        .args(args)
        .arg(plan)
        .output()
        .unwrap()
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// `(rule, address)` of each entry of a JSON report's array.
fn entries(report: &Value, key: &str) -> Vec<(String, String)> {
    report[key]
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

/// `(kind, file:line)` of each ignore note of a JSON report.
fn ignore_notes(report: &Value) -> Vec<(String, String)> {
    report["ignore_notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["kind"].as_str().unwrap().to_string(),
                format!("{}:{}", n["file"].as_str().unwrap(), n["line"]),
            )
        })
        .collect()
}

const RESOURCE_TF: &str = "fixtures/suppressions/resource/main.tf";

#[test]
fn an_ignore_comment_with_a_reason_suppresses_the_finding_in_every_format() {
    let plan = fixture("resource").join("plan.json");
    // The same plan without the comments fails the run.
    let unsuppressed = check(
        &["--format", "json"],
        &fixture("no-reason").join("plan.json"),
    );
    assert_eq!(unsuppressed.status.code(), Some(1));

    let out = check(&["--format", "json"], &plan);
    assert_eq!(
        out.status.code(),
        Some(0),
        "suppressed findings do not fail the run"
    );
    let report = json(&out);
    assert!(entries(&report, "findings").is_empty(), "{report:#}");
    assert_eq!(
        entries(&report, "suppressed"),
        vec![
            ("C001".into(), "aws_route_table.private_a".into()),
            ("C001".into(), "aws_route_table.private_b".into()),
        ]
    );
    let suppressions: Vec<&Value> = report["suppressed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| &f["suppression"])
        .collect();
    // `#` above the block, by id.
    assert_eq!(suppressions[0]["kind"], "inSource");
    assert_eq!(
        suppressions[0]["reason"],
        "S3 traffic from these subnets goes through the egress proxy, which logs it"
    );
    assert_eq!(suppressions[0]["file"], RESOURCE_TF);
    assert_eq!(suppressions[0]["line"], 69);
    // `//` on the opening line, by slug, with `--` before the reason.
    assert_eq!(suppressions[1]["reason"], "same proxy as private_a");
    assert_eq!(suppressions[1]["line"], 74);
    assert_eq!(report["summary"]["suppressed"], 2);
    assert_eq!(report["summary"]["findings"], 0);
    assert!(ignore_notes(&report).is_empty(), "{report:#}");

    let out = check(&["--format", "sarif"], &plan);
    assert_eq!(out.status.code(), Some(0));
    let sarif = json(&out);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 2, "suppressed findings stay results");
    for result in results {
        assert_eq!(result["ruleId"], "C001");
        let suppression = &result["suppressions"][0];
        assert_eq!(suppression["kind"], "inSource");
        assert!(
            suppression["justification"]
                .as_str()
                .is_some_and(|j| !j.is_empty()),
            "{result:#}"
        );
        assert_eq!(
            suppression["location"]["physicalLocation"]["artifactLocation"]["uri"],
            RESOURCE_TF
        );
    }
    assert_eq!(
        results[1]["suppressions"][0]["justification"],
        "same proxy as private_a"
    );

    let out = check(&["--no-timing"], &plan);
    let human = String::from_utf8_lossy(&out.stdout);
    assert!(human.contains("No findings; 2 suppressed"), "{human}");
    assert!(
        human.contains(
            "C001 aws_route_table.private_b (fixtures/suppressions/resource/main.tf:74): same proxy as private_a"
        ),
        "{human}"
    );

    // GitHub annotations leave dismissed findings out; the Markdown comment lists them.
    let out = check(&["--format", "github"], &plan);
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = check(&["--format", "markdown"], &plan);
    let markdown = String::from_utf8_lossy(&out.stdout);
    assert!(markdown.contains("No findings; 2 suppressed"), "{markdown}");
    assert!(
        markdown.contains("| same proxy as private_a |"),
        "{markdown}"
    );
}

#[test]
fn an_ignore_comment_without_a_reason_suppresses_nothing_and_is_reported() {
    let plan = fixture("no-reason").join("plan.json");
    let out = check(&["--format", "json"], &plan);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the findings it meant to hide still count"
    );
    let report = json(&out);
    assert_eq!(
        entries(&report, "findings"),
        vec![
            ("C001".into(), "aws_route_table.private_a".into()),
            ("C001".into(), "aws_route_table.private_b".into()),
        ]
    );
    assert!(entries(&report, "suppressed").is_empty());
    let tf = "fixtures/suppressions/no-reason/main.tf";
    assert_eq!(
        ignore_notes(&report),
        vec![
            ("unknown_rule".into(), format!("{tf}:14")),
            ("no_reason".into(), format!("{tf}:68")),
            ("not_next_to_block".into(), format!("{tf}:74")),
        ]
    );
    // With a machine format on stdout, standard error names them too.
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: fixtures/suppressions/no-reason/main.tf:68: `vpclint:ignore C001` gives no reason"),
        "{stderr}"
    );

    let out = check(&["--no-timing"], &plan);
    assert_eq!(out.status.code(), Some(1));
    let human = String::from_utf8_lossy(&out.stdout);
    assert!(
        human.contains("warning: fixtures/suppressions/no-reason/main.tf:68: `vpclint:ignore C001` gives no reason, so it suppresses nothing"),
        "{human}"
    );
    assert!(human.contains("unknown rule `C01`"), "{human}");
    assert!(
        human.contains("2 findings: 0 errors, 2 warnings, 0 notes (1 plan"),
        "{human}"
    );
    // Malformed comments never change the exit code by themselves.
    let out = check(&["--format", "json", "--fail-on", "error"], &plan);
    assert_eq!(out.status.code(), Some(0));

    let out = check(&["--format", "sarif"], &plan);
    let sarif = json(&out);
    let notifications = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notifications.len(), 3, "{notifications:#?}");
    assert_eq!(
        notifications[1]["locations"][0]["physicalLocation"]["region"]["startLine"],
        68
    );
    assert!(sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r.get("suppressions").is_none()));

    let out = check(&["--format", "github"], &plan);
    let github = String::from_utf8_lossy(&out.stdout);
    assert!(
        github.contains("::warning file=fixtures/suppressions/no-reason/main.tf,line=68,title=vpclint%3Aignore::"),
        "{github}"
    );
}

#[test]
fn unused_ignore_comments_are_reported_when_asked_and_count_as_warnings() {
    let plan = fixture("resource").join("plan.json");
    let unused = vec![("unused".to_string(), format!("{RESOURCE_TF}:15"))];
    let out = check(&["--format", "json", "--report-unused-ignores"], &plan);
    assert_eq!(
        out.status.code(),
        Some(1),
        "an unused comment counts as a warning"
    );
    let report = json(&out);
    assert_eq!(ignore_notes(&report), unused);
    assert_eq!(report["ignore_notes"][0]["counts_as_warning"], true);
    assert_eq!(report["summary"]["suppressed"], 2);
    // Below the threshold, reported but not failing.
    let out = check(
        &[
            "--format",
            "json",
            "--report-unused-ignores",
            "--fail-on",
            "error",
        ],
        &plan,
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(ignore_notes(&json(&out)), unused);
    // A rule that did not run proves nothing about its comments.
    let out = check(
        &[
            "--format",
            "json",
            "--report-unused-ignores",
            "--ignore",
            "N006",
        ],
        &plan,
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(ignore_notes(&json(&out)).is_empty());
    let out = check(&["--no-timing", "--report-unused-ignores"], &plan);
    let human = String::from_utf8_lossy(&out.stdout);
    assert!(
        human.contains(
            "warning: fixtures/suppressions/resource/main.tf:15: `vpclint:ignore N006` suppresses no finding"
        ),
        "{human}"
    );
    assert!(human.contains("; 1 unused ignore comment"), "{human}");
}

#[test]
fn a_finding_dropped_by_changed_only_keeps_its_comment_in_use() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixture("resource").join("main.tf"),
        dir.path().join("main.tf"),
    )
    .unwrap();
    let mut plan: Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("resource").join("plan.json")).unwrap(),
    )
    .unwrap();
    for rc in plan["resource_changes"].as_array_mut().unwrap() {
        rc["change"]["actions"] = serde_json::json!(["no-op"]);
    }
    let path = dir.path().join("plan.json");
    std::fs::write(&path, plan.to_string()).unwrap();
    let out = check(
        &[
            "--format",
            "json",
            "--report-unused-ignores",
            "--changed-only",
        ],
        &path,
    );
    let report = json(&out);
    assert!(entries(&report, "suppressed").is_empty());
    let kinds: Vec<String> = ignore_notes(&report)
        .into_iter()
        .map(|(k, l)| format!("{k} {}", l.rsplit('/').next().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        vec!["unused main.tf:15".to_string()],
        "only N006's comment"
    );
}

#[test]
fn a_module_block_ignore_covers_every_resource_of_the_call() {
    let out = check(&["--format", "json"], &fixture("module").join("plan.json"));
    let report = json(&out);
    assert_eq!(
        entries(&report, "suppressed"),
        vec![
            (
                "C001".into(),
                "module.network.aws_route_table.private[0]".into()
            ),
            (
                "C001".into(),
                "module.network.aws_route_table.private[1]".into()
            ),
        ]
    );
    for s in report["suppressed"].as_array().unwrap() {
        assert_eq!(
            s["suppression"]["file"],
            "fixtures/suppressions/module/main.tf"
        );
        assert_eq!(s["suppression"]["line"], 14);
        // The finding itself still points at the block inside the module.
        assert_eq!(
            s["location"]["file"],
            "fixtures/suppressions/module/modules/network/main.tf"
        );
    }
    // Only C001 is named: S001 on the root's endpoint stays, and fails the run.
    assert_eq!(
        entries(&report, "findings"),
        vec![("S001".into(), "aws_vpc_endpoint.s3".into())]
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn without_sources_there_are_no_inline_suppressions() {
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.json");
    std::fs::copy(fixture("resource").join("plan.json"), &plan).unwrap();
    // No `.tf` beside the plan or in the current directory: locations are in the plan JSON.
    let out = common::vpclint()
        .current_dir(dir.path())
        .args(["check", "--format", "json"])
        .arg(&plan)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    assert_eq!(entries(&report, "findings").len(), 2);
    assert!(entries(&report, "suppressed").is_empty());
    // `--source-dir` brings the comments back.
    let out = common::vpclint()
        .current_dir(dir.path())
        .args(["check", "--format", "json", "--source-dir"])
        .arg(fixture("resource"))
        .arg(&plan)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(entries(&json(&out), "suppressed").len(), 2);
}

#[test]
fn many_plans_off_a_terminal_print_no_progress() {
    let plans: Vec<PathBuf> = ["resource", "no-reason", "module"]
        .iter()
        .map(|c| fixture(c).join("plan.json"))
        .collect();
    let out = common::vpclint()
        .current_dir(common::workspace())
        .env_remove("CI")
        .args(["check", "--format", "json"])
        .args(&plans)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("checking plans"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "{stderr}");
    json(&out);
}
