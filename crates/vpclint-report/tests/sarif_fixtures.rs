//! The SARIF of every fixture plan in the workspace (`fixtures/**/plan*.json`) and of every plan in
//! the shared corpus validates against the SARIF 2.1.0 schema and carries what GitHub code
//! scanning needs, with the real rules and their embedded docs.

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;
use vpclint_plan::network::Network;
use vpclint_plan::Plan;
use vpclint_report::{render, Format, LocateOptions, Locator, RenderOptions, Report};
use vpclint_rules::{registry, RuleOptions};

/// Plan JSON files under `dir`, sorted; `expected*.json` and `.terraform/` are not plans.
fn plan_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if name != ".terraform" && name != "snapshots" {
                plan_files(&path, out);
            }
        } else if name.ends_with(".json") && !name.starts_with("expected") {
            out.push(path);
        }
    }
    out.sort();
}

/// Checks, locates and renders one plan as SARIF; `None` when the file is not a plan.
fn sarif_of(path: &Path, locator: &Locator) -> Option<Value> {
    let bytes = std::fs::read(path).unwrap();
    let mut plan = Plan::from_json(&path.display().to_string(), &bytes).ok()?;
    plan.source = std::sync::Arc::new(String::from_utf8(bytes).unwrap().into());
    let outcome = {
        let network = Network::build(&plan);
        vpclint_rules::run(&network, &RuleOptions::default())
    };
    let report = Report {
        plans: vec![locator.report(&plan, outcome)],
        rules: registry::RULES.iter().map(|r| r.meta()).collect(),
        ..Report::default()
    };
    let text = render(Format::Sarif, &report, &RenderOptions::default());
    Some(serde_json::from_str(&text).expect("SARIF is JSON"))
}

fn check_all(test: &str, files: &[PathBuf], locator: &Locator) -> (usize, usize) {
    let Some(validator) = common::sarif_validator(test) else {
        return (0, 0);
    };
    let (mut plans, mut results) = (0, 0);
    for path in files {
        let Some(sarif) = sarif_of(path, locator) else {
            continue;
        };
        let what = path.display().to_string();
        common::assert_valid(&validator, &sarif, &what);
        common::assert_github_fields(&sarif, &what);
        plans += 1;
        results += sarif["runs"][0]["results"].as_array().unwrap().len();
    }
    (plans, results)
}

#[test]
fn every_fixture_plan_gives_valid_sarif() {
    let root = common::workspace_root();
    let mut files = Vec::new();
    plan_files(&root.join("fixtures"), &mut files);
    let locator = Locator::new(LocateOptions {
        repo_root: Some(root.clone()),
        cwd: Some(root),
        ..LocateOptions::default()
    });
    let (plans, results) = check_all("every_fixture_plan_gives_valid_sarif", &files, &locator);
    eprintln!("{plans} fixture plans, {results} SARIF results validated");
    if common::sarif_validator("every_fixture_plan_gives_valid_sarif").is_some() {
        assert!(plans > 0, "no fixture plan found under fixtures/");
    }
}

#[test]
fn every_corpus_plan_gives_valid_sarif() {
    let corpus = common::shared_dir().join("corpus");
    if !corpus.is_dir() {
        eprintln!(
            "SKIPPED every_corpus_plan_gives_valid_sarif: no corpus at {} (set VPCLINT_SHARED_DIR)",
            corpus.display()
        );
        return;
    }
    let mut files = Vec::new();
    plan_files(&corpus, &mut files);
    // Corpus plans come without sources: every location is in the plan JSON.
    let locator = Locator::new(LocateOptions {
        repo_root: Some(corpus.clone()),
        cwd: Some(corpus),
        no_sources: true,
        ..LocateOptions::default()
    });
    let (plans, results) = check_all("every_corpus_plan_gives_valid_sarif", &files, &locator);
    eprintln!("{plans} corpus plans, {results} SARIF results validated");
}

#[test]
fn rule_help_is_the_embedded_doc() {
    let report = Report {
        rules: registry::RULES.iter().map(|r| r.meta()).collect(),
        ..Report::default()
    };
    let sarif: Value =
        serde_json::from_str(&render(Format::Sarif, &report, &RenderOptions::default())).unwrap();
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert_eq!(rules.len(), registry::RULES.len(), "every registry rule");
    for (rule, meta) in rules.iter().zip(registry::RULES.iter().map(|r| r.meta())) {
        assert_eq!(rule["id"], meta.id);
        assert_eq!(rule["helpUri"], meta.doc_url());
        assert_eq!(rule["shortDescription"]["text"], meta.summary);
        if let Some(doc) = vpclint_rules::docs::doc(meta.id) {
            assert_eq!(rule["help"]["markdown"], doc, "{}", meta.id);
            assert_eq!(rule["help"]["text"], doc, "{}", meta.id);
        }
        let security = meta.category == vpclint_rules::Category::Security;
        assert_eq!(
            rule["properties"]["security-severity"].is_string(),
            security,
            "{}: security-severity only on security rules",
            meta.id
        );
    }
}
