//! Secrets stay secret: a marker planted in sensitive attributes, and in attributes that are not
//! network facts (tags, descriptions, policies), never appears in any output format.

mod common;

use serde_json::{json, Value};

const SENSITIVE: &str = "SENSITIVE-MARKER-7731";
const PLAIN: &str = "PLAIN-VALUE-MARKER-9157";

/// The README example with markers planted in every resource's values.
fn planted_plan(dir: &std::path::Path) -> std::path::PathBuf {
    let text = std::fs::read_to_string(common::fixtures().join("example/plan.json")).unwrap();
    let mut plan: Value = serde_json::from_str(&text).unwrap();
    for rc in plan["resource_changes"].as_array_mut().unwrap() {
        let change = &mut rc["change"];
        let Some(after) = change["after"].as_object_mut() else {
            continue;
        };
        // A sensitive attribute, and values no report needs.
        after.insert("secret_value".into(), json!(SENSITIVE));
        after.insert("tags".into(), json!({"Owner": PLAIN}));
        after.insert("description".into(), json!(PLAIN));
        if after.contains_key("policy") {
            after.insert(
                "policy".into(),
                json!(format!(r#"{{"Statement":[{{"Sid":"{PLAIN}","Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}}]}}"#)),
            );
        }
        let sensitive = change["after_sensitive"]
            .as_object_mut()
            .map(|m| m.clone())
            .unwrap_or_default();
        let mut sensitive = sensitive;
        sensitive.insert("secret_value".into(), json!(true));
        change["after_sensitive"] = Value::Object(sensitive);
    }
    let path = dir.join("plan.json");
    std::fs::write(&path, serde_json::to_string_pretty(&plan).unwrap()).unwrap();
    path
}

#[test]
fn no_output_format_prints_plan_values_or_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let plan = planted_plan(dir.path());
    let mut runs: Vec<Vec<String>> = ["human", "json", "sarif", "github", "markdown"]
        .iter()
        .map(|f| {
            vec![
                "check".to_string(),
                "--format".into(),
                f.to_string(),
                "--no-timing".into(),
            ]
        })
        .collect();
    runs.push(vec!["graph".into(), "--format".into(), "json".into()]);
    runs.push(vec!["graph".into(), "--format".into(), "mermaid".into()]);
    runs.push(vec!["graph".into(), "--format".into(), "dot".into()]);
    runs.push(vec!["cost".into(), "--format".into(), "json".into()]);
    runs.push(vec!["cost".into(), "--format".into(), "markdown".into()]);
    for args in runs {
        let out = common::vpclint().args(&args).arg(&plan).output().unwrap();
        assert!(
            matches!(out.status.code(), Some(0) | Some(1)),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        for stream in [&out.stdout, &out.stderr] {
            let text = String::from_utf8_lossy(stream);
            assert!(
                !text.contains(SENSITIVE),
                "{args:?} prints a sensitive value"
            );
            assert!(
                !text.contains(PLAIN),
                "{args:?} prints an attribute value that is not a network fact"
            );
        }
    }
}
