//! The output side of `vpclint check`: formats, `--output` files, locations, colour, exit codes.

mod common;

use serde_json::Value;

const EXAMPLE: &str = "fixtures/example/plan.json";

fn check(args: &[&str]) -> std::process::Output {
    common::vpclint()
        .current_dir(common::workspace())
        .arg("check")
        .args(args)
        .output()
        .unwrap()
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn human_report_shows_the_tf_snippet_with_the_resource_underlined() {
    let output = check(&[EXAMPLE, "--no-timing"]);
    let text = stdout(&output);
    assert!(
        !text.contains('\u{1b}'),
        "NO_COLOR and no terminal: plain text"
    );
    assert!(
        text.contains("╭─[fixtures/example/modules/network/main.tf:"),
        "{text}"
    );
    assert!(
        text.contains("│ resource \"aws_route_table\" \"private\" {"),
        "{text}"
    );
    assert!(text.contains("──┬──"), "{text}");
    assert!(text.contains("help: "), "{text}");
    assert!(text.contains("https://github.com/vpclint/vpclint/blob/main/rules/"));
    // A resource of the registry module lands on its module call.
    assert!(text.contains("module \"vpc_legacy\" {"), "{text}");
    assert!(text.contains("built by this module"), "{text}");
    assert!(!text.contains("Finished in"));
    assert_eq!(
        text,
        stdout(&check(&[EXAMPLE, "--no-timing"])),
        "deterministic"
    );
}

#[test]
fn colour_follows_the_flag() {
    let coloured = stdout(&check(&[EXAMPLE, "--color", "always"]));
    assert!(coloured.contains('\u{1b}'));
    assert!(coloured.contains("Finished in"));
    let plain = stdout(&check(&[EXAMPLE, "--color", "auto"]));
    assert!(!plain.contains('\u{1b}'));
}

#[test]
fn outputs_are_written_beside_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).display().to_string();
    let output = check(&[
        EXAMPLE,
        "--format",
        "github",
        "--category",
        "example",
        "--output",
        &format!("sarif={}", path("out.sarif")),
        "--output",
        &format!("json={}", path("out.json")),
        "--output",
        &format!("markdown={}", path("out.md")),
        "--output",
        &format!("human={}", path("out.txt")),
    ]);
    assert_eq!(output.status.code(), Some(1), "the example has warnings");
    let annotations = stdout(&output);
    assert!(!annotations.is_empty());
    for line in annotations.lines() {
        assert!(
            line.starts_with("::warning file=")
                || line.starts_with("::error file=")
                || line.starts_with("::notice file="),
            "{line}"
        );
    }
    assert!(annotations.contains("file=fixtures/example/modules/network/main.tf,line="));

    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(path("out.sarif")).unwrap()).unwrap();
    let run = &sarif["runs"][0];
    assert_eq!(run["automationDetails"]["id"], "example/");
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), annotations.lines().count());
    for r in results {
        let artifact = &r["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(artifact["uriBaseId"], "%SRCROOT%");
        let uri = artifact["uri"].as_str().unwrap();
        assert!(
            uri.starts_with("fixtures/example/") && uri.ends_with(".tf"),
            "{uri}"
        );
    }

    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(path("out.json")).unwrap()).unwrap();
    assert_eq!(json["version"], 1);
    assert_eq!(json["findings"].as_array().unwrap().len(), results.len());
    let md = std::fs::read_to_string(path("out.md")).unwrap();
    assert!(md.starts_with("### vpclint\n"), "{md}");
    let human = std::fs::read_to_string(path("out.txt")).unwrap();
    assert!(!human.contains('\u{1b}'), "files never get colour");
    assert!(human.contains("resource \"aws_route_table\" \"private\""));
    // Only the four reports: no temporary file is left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 4);
}

#[test]
fn repo_root_and_source_dir_choose_the_paths() {
    let output = check(&[
        EXAMPLE,
        "--format",
        "json",
        "--repo-root",
        "fixtures/example",
    ]);
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let files: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["location"]["file"].as_str().unwrap())
        .collect();
    assert!(files.contains(&"modules/network/main.tf"), "{files:?}");
    assert!(files.contains(&"main.tf"), "{files:?}");

    // A source directory without `.tf` files: every location is in the plan JSON.
    let empty = tempfile::tempdir().unwrap();
    let output = check(&[
        EXAMPLE,
        "--format",
        "json",
        "--source-dir",
        &empty.path().display().to_string(),
        "--repo-root",
        ".",
    ]);
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    for f in json["findings"].as_array().unwrap() {
        assert_eq!(f["location"]["kind"], "plan", "{f}");
        assert_eq!(f["location"]["file"], EXAMPLE);
        assert!(f["location"]["start_line"].as_u64().unwrap() > 1);
    }
}

#[test]
fn fail_on_sets_the_exit_code() {
    let json: Value =
        serde_json::from_slice(&check(&[EXAMPLE, "--format", "json"]).stdout).unwrap();
    let by = &json["summary"]["by_severity"];
    let count = |s: &str| by[s].as_u64().unwrap();
    for (threshold, failing) in [
        ("error", count("error") > 0),
        ("warning", count("error") + count("warning") > 0),
        ("note", json["summary"]["findings"].as_u64().unwrap() > 0),
        ("never", false),
    ] {
        let code = check(&[EXAMPLE, "--format", "json", "--fail-on", threshold])
            .status
            .code();
        assert_eq!(
            code,
            Some(if failing { 1 } else { 0 }),
            "--fail-on {threshold}"
        );
    }
}

#[test]
fn bad_output_flags_are_usage_errors() {
    for args in [
        vec![EXAMPLE, "--output", "sarif"],
        vec![EXAMPLE, "--output", "yaml=x.yaml"],
        vec![EXAMPLE, "--output", "sarif="],
        vec![EXAMPLE, "--output", "sarif=-"],
        vec![
            EXAMPLE,
            "--output",
            "sarif=a.sarif",
            "--output",
            "json=a.sarif",
        ],
        vec![EXAMPLE, "--color", "sometimes"],
    ] {
        let output = check(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(!String::from_utf8_lossy(&output.stderr).is_empty());
    }
    let output = check(&[EXAMPLE, "--output", "sarif=/nonexistent-dir/x.sarif"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot write"));
}
