//! SARIF with inline suppressions and notes on ignore comments still validates against the SARIF
//! 2.1.0 schema and carries what GitHub code scanning needs: suppressed findings are results with
//! an `inSource` suppression, and each ignore note is a notification at the comment's line.

mod common;

use serde_json::Value;
use vpclint_plan::network::Network;
use vpclint_plan::Plan;
use vpclint_report::{ignore_notes, render, Format, LocateOptions, Locator, RenderOptions, Report};
use vpclint_rules::{registry, RuleOptions};

/// The reports of the `fixtures/suppressions/` plans, with every kind of ignore note.
fn report() -> Report {
    let root = common::workspace_root();
    let locator = Locator::new(LocateOptions {
        repo_root: Some(root.clone()),
        cwd: Some(root.clone()),
        ..LocateOptions::default()
    });
    let mut report = Report {
        rules: registry::RULES.iter().map(|r| r.meta()).collect(),
        ..Report::default()
    };
    for case in ["module", "no-reason", "resource"] {
        let path = root
            .join("fixtures/suppressions")
            .join(case)
            .join("plan.json");
        let bytes = std::fs::read(&path).unwrap();
        let mut plan = Plan::from_json(&path.display().to_string(), &bytes).unwrap();
        plan.source = std::sync::Arc::new(String::from_utf8(bytes).unwrap().into());
        let outcome = {
            let network = Network::build(&plan);
            vpclint_rules::run(&network, &RuleOptions::default())
        };
        report.plans.push(locator.report(&plan, outcome));
    }
    let every_rule_ran = |_: &str| true;
    report.ignore_notes = ignore_notes(&report.plans, Some(&every_rule_ran));
    report
}

#[test]
fn suppressions_and_ignore_notes_give_valid_sarif() {
    let report = report();
    assert_eq!(report.summary().suppressed, 4);
    let kinds: Vec<&str> = report.ignore_notes.iter().map(|n| n.kind_str()).collect();
    assert_eq!(
        kinds,
        ["unknown_rule", "no_reason", "not_next_to_block", "unused"]
    );
    let sarif: Value =
        serde_json::from_str(&render(Format::Sarif, &report, &RenderOptions::default())).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let suppressed: Vec<&Value> = results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 4);
    for r in &suppressed {
        assert_eq!(r["suppressions"][0]["kind"], "inSource");
        let line = &r["suppressions"][0]["location"]["physicalLocation"]["region"]["startLine"];
        assert!(line.as_u64().is_some_and(|l| l > 0), "{r:#}");
    }
    let notifications = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notifications.len(), 4);
    let Some(validator) = common::sarif_validator("suppressions_and_ignore_notes_give_valid_sarif")
    else {
        return;
    };
    common::assert_valid(&validator, &sarif, "suppressions");
    common::assert_github_fields(&sarif, "suppressions");
}

#[test]
fn the_json_report_carries_suppressions_and_notes() {
    let report = report();
    let json: Value =
        serde_json::from_str(&render(Format::Json, &report, &RenderOptions::default())).unwrap();
    assert_eq!(json["summary"]["suppressed"], 4);
    assert_eq!(json["summary"]["ignore_notes"], 4);
    assert_eq!(json["suppressed"].as_array().unwrap().len(), 4);
    for s in json["suppressed"].as_array().unwrap() {
        assert!(s["suppression"]["reason"]
            .as_str()
            .is_some_and(|r| !r.is_empty()));
        assert!(s["fingerprint"].is_string());
    }
    assert!(json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f.get("suppression").is_none()));
}
