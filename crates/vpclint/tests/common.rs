//! Helpers shared by the CLI tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

pub fn fixtures() -> PathBuf {
    workspace().join("fixtures")
}

/// `../shared` beside the project, or `VPCLINT_SHARED_DIR`.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("VPCLINT_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("../shared"));
    dir.is_dir().then_some(dir)
}

pub fn vpclint() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("vpclint").unwrap();
    cmd.env("NO_COLOR", "1");
    cmd
}
