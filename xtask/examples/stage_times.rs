//! Wall and CPU time of each stage of `vpclint check --format json` on one plan, in one process:
//! `cargo run -p xtask --release --example stage_times -- PLAN`. For finding where time goes; the
//! recorded figures come from `bench-report`.

// The allocator the `vpclint` binary uses, so that the stages cost what they cost there.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::PathBuf;
use std::time::Instant;

fn cpu() -> f64 {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage fills the struct it is given.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}

/// Resident memory now and at its peak so far, from `/proc/self/status` (Linux).
fn memory() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map_or("?".to_string(), |v| v.trim().to_string())
    };
    format!(
        "rss {} (file {}) peak {}",
        field("VmRSS:"),
        field("RssFile:"),
        field("VmHWM:")
    )
}

fn timed<T>(name: &str, f: impl FnOnce() -> T) -> T {
    let (wall, start) = (Instant::now(), cpu());
    let out = f();
    eprintln!(
        "{name:>8}: wall {:8.1} ms  cpu {:8.1} ms  {}",
        wall.elapsed().as_secs_f64() * 1e3,
        (cpu() - start) * 1e3,
        memory()
    );
    out
}

fn main() {
    let path = PathBuf::from(
        std::env::args()
            .nth(1)
            .expect("usage: stage_times PLAN [parse|graph]"),
    );
    if std::env::args().nth(2).as_deref() == Some("parse") {
        // Parsing alone, a few times over, for a profiler.
        let bytes = std::fs::read(&path).expect("read plan");
        for _ in 0..5 {
            let input = vpclint_plan::input::Input {
                name: path.display().to_string(),
                bytes: bytes.clone().into(),
                converted_from_binary: false,
            };
            timed("parse", || xtask::stages::parse(input));
        }
        return;
    }
    if std::env::args().nth(2).as_deref() == Some("graph") {
        // The graph and rules alone, a few times over, for a profiler.
        let input = xtask::stages::read(&path);
        let plan = xtask::stages::parse(input);
        for _ in 0..5 {
            let network = timed("graph", || xtask::stages::graph(&plan));
            timed("rules", || xtask::stages::rules(&network));
        }
        return;
    }
    timed("floor", || xtask::stages::floor(&path));
    let input = timed("read", || xtask::stages::read(&path));
    let plan = timed("parse", || xtask::stages::parse(input));
    let network = timed("graph", || xtask::stages::graph(&plan));
    let outcome = timed("rules", || xtask::stages::rules(&network));
    timed("dropnet", || drop(network));
    let findings = outcome.findings.len();
    let text = timed("report", || xtask::stages::report(&plan, outcome));
    timed("drop", || drop(plan));
    eprintln!("{findings} findings, {} bytes of report", text.len());
}
