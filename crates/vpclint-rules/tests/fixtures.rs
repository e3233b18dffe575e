//! Each `fixtures/<ID>/<case>/` runs only rule ID on its plan and must give exactly the
//! (rule, anchor) pairs in its `expected.json`; `fail*` cases fire, `pass*` cases stay silent.
//! The findings' messages are kept as insta snapshots.

use std::path::{Path, PathBuf};

use serde_json::Value;
use vpclint_plan::input::{ReadOptions, Source};
use vpclint_plan::network::Network;
use vpclint_rules::registry::RULES;
use vpclint_rules::RuleOptions;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn run(plan: &Path, select: &[&str]) -> vpclint_rules::Outcome {
    let plan =
        vpclint_plan::load(&Source::File(plan.to_path_buf()), &ReadOptions::default()).unwrap();
    let network = Network::build(&plan);
    let options = RuleOptions {
        select: select.iter().map(|s| s.to_string()).collect(),
        ..RuleOptions::default()
    };
    vpclint_rules::run(&network, &options)
}

/// The findings as the snapshot shows them: without the plan path, which depends on the machine.
fn snapshot_view(outcome: &vpclint_rules::Outcome) -> Vec<Ordered> {
    outcome
        .findings
        .iter()
        .map(|f| {
            let text = serde_json::to_string(f).unwrap();
            match serde_json::from_str(&text).unwrap() {
                Ordered::Object(members) => {
                    Ordered::Object(members.into_iter().filter(|(k, _)| k != "plan").collect())
                }
                other => other,
            }
        })
        .collect()
}

/// A JSON value whose objects keep their members in the order written: a finding's fields in
/// the order it declares them. (`serde_json::Value` sorts them by key.)
enum Ordered {
    Scalar(Value),
    Array(Vec<Ordered>),
    Object(Vec<(String, Ordered)>),
}

impl<'de> serde::Deserialize<'de> for Ordered {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Ordered;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Ordered, E> {
                Ok(Ordered::Scalar(v.into()))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Ordered, E> {
                Ok(Ordered::Scalar(v.into()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Ordered, E> {
                Ok(Ordered::Scalar(v.into()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Ordered, E> {
                Ok(Ordered::Scalar(v.into()))
            }
            fn visit_str<E>(self, v: &str) -> Result<Ordered, E> {
                Ok(Ordered::Scalar(v.into()))
            }
            fn visit_unit<E>(self) -> Result<Ordered, E> {
                Ok(Ordered::Scalar(Value::Null))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Ordered, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Ordered::Array(items))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Ordered, A::Error> {
                let mut members = Vec::new();
                while let Some(member) = map.next_entry()? {
                    members.push(member);
                }
                Ok(Ordered::Object(members))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl serde::Serialize for Ordered {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Ordered::Scalar(v) => v.serialize(serializer),
            Ordered::Array(items) => serializer.collect_seq(items),
            Ordered::Object(members) => serializer.collect_map(members.iter().map(|(k, v)| (k, v))),
        }
    }
}

#[test]
fn rule_fixtures_give_exactly_their_expected_findings() {
    let mut failures = Vec::new();
    let mut cases = 0;
    for rule in RULES {
        let id = rule.meta().id;
        let dir = root().join("fixtures").join(id);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut case_dirs: Vec<PathBuf> = entries
            .map(|e| e.unwrap().path())
            .filter(|p| p.join("plan.json").exists())
            .collect();
        case_dirs.sort();
        for case in case_dirs {
            cases += 1;
            let name = case.file_name().unwrap().to_string_lossy().to_string();
            let outcome = run(&case.join("plan.json"), &[id]);
            let actual: Vec<(String, String)> = outcome
                .findings
                .iter()
                .map(|f| (f.rule.to_string(), f.address.clone()))
                .collect();
            let expected: Value =
                serde_json::from_str(&std::fs::read_to_string(case.join("expected.json")).unwrap())
                    .unwrap();
            let mut wanted: Vec<(String, String)> = expected["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| {
                    (
                        f["rule"].as_str().unwrap().to_string(),
                        f["address"].as_str().unwrap().to_string(),
                    )
                })
                .collect();
            wanted.sort();
            if actual != wanted {
                failures.push(format!("{id}/{name}: expected {wanted:?}, got {actual:?}"));
            }
            if name.starts_with("fail") && actual.is_empty() {
                failures.push(format!("{id}/{name}: a fail case must fire"));
            }
            if name.starts_with("pass") && !actual.is_empty() {
                failures.push(format!("{id}/{name}: a pass case must not fire"));
            }
            for f in &outcome.findings {
                if !f.message.starts_with(|c: char| c.is_lowercase()) || f.message.ends_with('.') {
                    failures.push(format!("{id}/{name}: message convention: {}", f.message));
                }
            }
            let mut settings = insta::Settings::clone_current();
            settings.set_snapshot_path(root().join("fixtures").join(id).join("snapshots"));
            settings.set_prepend_module_to_snapshot(false);
            settings.bind(|| insta::assert_json_snapshot!(name.clone(), snapshot_view(&outcome)));
        }
    }
    assert!(cases >= 20, "found only {cases} fixture cases");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Findings on the real plans of `../shared/corpus/`, reviewed by hand (see docs/corpus-review.md).
#[test]
fn corpus_findings_are_the_reviewed_ones() {
    let shared = std::env::var_os("VPCLINT_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("../shared"));
    let corpus = shared.join("corpus");
    if !corpus.is_dir() {
        eprintln!(
            "SKIPPED: no corpus at {} (set VPCLINT_SHARED_DIR)",
            corpus.display()
        );
        return;
    }
    let mut plans: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    plans.sort();
    let mut lines = Vec::new();
    for plan in plans {
        let outcome = run(&plan, &[]);
        for f in outcome.findings {
            lines.push(format!(
                "{} {} {}",
                plan.file_name().unwrap().to_string_lossy(),
                f.rule,
                f.address
            ));
        }
    }
    insta::assert_snapshot!("corpus_findings", lines.join("\n"));
}

/// The README example fires several rules; its `expected.json` lists every finding.
#[test]
fn the_readme_example_gives_its_expected_findings() {
    let dir = root().join("fixtures/example");
    let outcome = run(&dir.join("plan.json"), &[]);
    let actual: Vec<(String, String)> = outcome
        .findings
        .iter()
        .map(|f| (f.rule.to_string(), f.address.clone()))
        .collect();
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    let mut wanted: Vec<(String, String)> = expected["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["address"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    wanted.sort();
    let mut actual_sorted = actual.clone();
    actual_sorted.sort();
    assert_eq!(actual_sorted, wanted);
    let rules: std::collections::BTreeSet<&str> = outcome.findings.iter().map(|f| f.rule).collect();
    assert!(
        rules.len() >= 6,
        "the example should show several rules, got {rules:?}"
    );
}
