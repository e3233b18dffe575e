//! The benchmark code still runs: `xtask bench-smoke` runs each stage once on a generated 1k plan.
//! No timing is asserted.
//!
//! It runs from the test suite rather than as `cargo run -p xtask` in CI: a test's binary is built
//! with the features of the whole workspace, the same as every other test's, while `cargo run -p
//! xtask` resolves xtask's features alone (no `float_roundtrip`, no miette `fancy`) and compiles
//! the workspace's crates a second time, which once filled the CI machine's disk.

use std::process::Command;

#[test]
fn every_benchmark_stage_runs_once() {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("bench-smoke")
        .output()
        .expect("start xtask");
    assert!(
        out.status.success(),
        "xtask bench-smoke failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
