//! vpclint's developer tasks, as a library so that the benchmarks share them: the realistic plan
//! generator ([`gen`]), the stages of `vpclint check` one by one ([`stages`]), and the
//! measurements behind `docs/performance.md` ([`measure`]).

pub mod gen;
pub mod measure;
pub mod rng;
pub mod stages;

use std::path::{Path, PathBuf};

/// Bump when the generator's output changes, so cached plans are regenerated.
pub const GEN_VERSION: u32 = 1;

/// The workspace's root directory.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is in the workspace")
        .to_path_buf()
}

/// The cargo target directory (`CARGO_TARGET_DIR`, else `target/` in the workspace).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// A generated plan of `instances` resource instances, written once and then reused.
pub fn cached_plan(dir: &Path, instances: usize, seed: u64) -> PathBuf {
    let path = dir.join(format!("plan-{instances}-seed{seed}-g{GEN_VERSION}.json"));
    if !path.exists() {
        std::fs::create_dir_all(dir).expect("create the plan directory");
        let tmp = path.with_extension("json.tmp");
        let file = std::fs::File::create(&tmp).expect("create plan file");
        gen::write_plan(
            &gen::GenOptions { instances, seed },
            std::io::BufWriter::with_capacity(1 << 20, file),
        )
        .expect("write plan");
        std::fs::rename(&tmp, &path).expect("rename plan file");
    }
    path
}
