//! Replays the committed fuzz corpus (`fuzz/corpus/*/`) and the kept crashers (`fuzz/artifacts/`)
//! through what the fuzz targets run: read the plan (`vpclint_plan::load`, which also sniffs zips),
//! build the network, export the graph, run every rule. No input may panic; an input that is not a
//! plan must give a one-line error that starts with the file's name. See `docs/reliability.md`.

use std::path::{Path, PathBuf};

use vpclint_plan::input::{ReadOptions, Source};
use vpclint_plan::network::Network;
use vpclint_rules::RuleOptions;

/// The values `fuzz/src/lib.rs` plants.
const CANARY: &str = "SECRETCANARY7f3a";
const CANARY_NUMBER: &str = "918273645546";

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

/// Regular files directly in `dir`, sorted.
fn files_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    files.sort();
    files
}

fn replay(path: &Path) -> Result<(), String> {
    let options = ReadOptions {
        // A zip with a `tfplan` entry would be handed to terraform: never run one here.
        terraform_bin: Some(PathBuf::from("/nonexistent/vpclint-replay-terraform")),
    };
    let source = Source::File(path.to_path_buf());
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        match vpclint_plan::load(&source, &options) {
            Ok(plan) => {
                let network = Network::build(&plan);
                let graph = vpclint_plan::export::graph_json(&network);
                serde_json::to_string(&graph).expect("graph serialises");
                vpclint_rules::run(&network, &RuleOptions::default());
                Ok(())
            }
            Err(e) => {
                let text = e.to_string();
                if text.contains('\n') {
                    return Err(format!("error is not one line: {text}"));
                }
                if !text.starts_with(&format!("{}: ", path.display())) {
                    return Err(format!("error does not name the file: {text}"));
                }
                // The structure-aware fuzzer plants these values; errors never print values
                // (addresses are not values and are named on purpose).
                if !text.contains("resource address")
                    && (text.contains(CANARY) || text.contains(CANARY_NUMBER))
                {
                    return Err(format!("error prints a value: {text}"));
                }
                Ok(())
            }
        }
    }));
    match outcome {
        Ok(result) => result,
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Err(format!("panicked: {message}"))
        }
    }
}

#[test]
fn fuzz_corpus_and_crashers_replay_without_panics() {
    let fuzz = fuzz_dir();
    let mut inputs = Vec::new();
    for target in files_in_dirs(&fuzz.join("corpus")) {
        inputs.extend(files_in(&target));
    }
    let crashers = files_in(&fuzz.join("artifacts"));
    assert!(
        !crashers.is_empty(),
        "no kept crashers in {}",
        fuzz.join("artifacts").display()
    );
    inputs.extend(crashers);
    assert!(inputs.len() > 20, "corpus missing: {} inputs", inputs.len());
    let failures: Vec<String> = inputs
        .iter()
        .filter_map(|p| replay(p).err().map(|e| format!("{}: {e}", p.display())))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn files_in_dirs(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}
