//! Every case under `fixtures/graph/` lists the exact edges its plan must produce.

use std::path::{Path, PathBuf};

use serde_json::Value;
use vpclint_plan::export::graph_json;
use vpclint_plan::input::{ReadOptions, Source};
use vpclint_plan::network::Network;

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/graph")
}

fn edge_key(edge: &Value) -> String {
    let field = |k: &str| {
        edge.get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    format!(
        "{} -> {} [{} by {}] {} {}",
        field("from"),
        field("to"),
        field("kind"),
        field("resolved_by"),
        field("destination"),
        field("via")
    )
}

fn check_case(dir: &Path) -> Result<(), String> {
    let plan_path = dir.join("plan.json");
    let plan = vpclint_plan::load(&Source::File(plan_path.clone()), &ReadOptions::default())
        .map_err(|e| e.to_string())?;
    let network = Network::build(&plan);
    let graph = serde_json::to_value(graph_json(&network)).unwrap();
    let expected: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    let mut actual: Vec<String> = graph["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(edge_key)
        .collect();
    let mut wanted: Vec<String> = expected["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(edge_key)
        .collect();
    actual.sort();
    wanted.sort();
    let mut problems = Vec::new();
    for e in &wanted {
        if !actual.contains(e) {
            problems.push(format!("  missing:    {e}"));
        }
    }
    for e in &actual {
        if !wanted.contains(e) {
            problems.push(format!("  unexpected: {e}"));
        }
    }
    if let Some(unknown) = expected.get("unknown").and_then(Value::as_array) {
        let got = graph["unknown"].as_array().unwrap();
        for u in unknown {
            let found = got
                .iter()
                .any(|g| g["address"] == u["address"] && g["attribute"] == u["attribute"]);
            if !found {
                problems.push(format!(
                    "  not reported unknown: {} {}",
                    u["address"], u["attribute"]
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

#[test]
fn every_graph_fixture_has_exactly_its_expected_edges() {
    let mut failures = Vec::new();
    let mut cases = 0;
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(fixtures_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expected.json").exists())
        .collect();
    dirs.sort();
    for dir in dirs {
        cases += 1;
        if let Err(e) = check_case(&dir) {
            failures.push(format!(
                "{}:\n{e}",
                dir.file_name().unwrap().to_string_lossy()
            ));
        }
    }
    assert!(
        cases >= 14,
        "expected the graph fixture cases, found {cases}"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
