//! Every real plan in `../shared/corpus/` is read: `check` and `graph` exit 0 or 1, never 2 or a
//! panic. The folder can be moved with `VPCLINT_SHARED_DIR`.

mod common;

#[test]
fn every_corpus_plan_is_read() {
    let Some(shared) = common::shared_dir() else {
        eprintln!(
            "SKIPPED: no shared corpus (set VPCLINT_SHARED_DIR to the folder holding corpus/)"
        );
        return;
    };
    let mut plans: Vec<_> = std::fs::read_dir(shared.join("corpus"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    plans.sort();
    assert!(!plans.is_empty());
    let mut failures = Vec::new();
    for plan in &plans {
        for args in [
            vec!["check", "--format", "json"],
            vec!["graph", "--format", "json"],
        ] {
            let output = common::vpclint().args(&args).arg(plan).output().unwrap();
            let code = output.status.code();
            if !matches!(code, Some(0) | Some(1)) {
                failures.push(format!(
                    "{} {}: exit {:?}: {}",
                    args[0],
                    plan.display(),
                    code,
                    String::from_utf8_lossy(&output.stderr)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
