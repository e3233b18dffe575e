//! Measurements: wall time and peak resident memory of child processes, medians of repeated runs,
//! and the full report behind `docs/performance.md`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::stages;

/// One child process run.
#[derive(Debug, Clone, Copy)]
pub struct Run {
    pub wall: Duration,
    /// User plus system CPU time.
    pub cpu: Duration,
    /// Peak resident set size (`ru_maxrss`), in bytes.
    pub max_rss: u64,
    pub code: i32,
}

/// Runs a command to completion and reports its wall time and peak resident memory.
///
/// The command is started by a small intermediate process (`xtask measure-child`): Linux
/// charges a child's `ru_maxrss` with the resident size of the process it was forked (or
/// vfork-spawned) from, so spawning directly from this process, which holds plans in memory,
/// would report this process's peak instead of the child's.
pub fn run(cmd: &mut Command) -> std::io::Result<Run> {
    let exe = std::env::current_exe()?;
    let mut outer = Command::new(exe);
    outer.arg("measure-child").arg("--").arg(cmd.get_program());
    outer.args(cmd.get_args());
    for (k, v) in cmd.get_envs() {
        match v {
            Some(v) => outer.env(k, v),
            None => outer.env_remove(k),
        };
    }
    if let Some(dir) = cmd.get_current_dir() {
        outer.current_dir(dir);
    }
    let out = outer.stderr(Stdio::inherit()).output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let fields: Vec<i64> = text
        .split_whitespace()
        .filter_map(|f| f.parse().ok())
        .collect();
    match fields.as_slice() {
        [wall_ns, cpu_ns, rss_kb, code] => Ok(Run {
            wall: Duration::from_nanos(*wall_ns as u64),
            cpu: Duration::from_nanos(*cpu_ns as u64),
            max_rss: *rss_kb as u64 * 1024,
            code: *code as i32,
        }),
        _ => Err(std::io::Error::other(format!(
            "measure-child printed {text:?}"
        ))),
    }
}

/// `xtask measure-child -- PROGRAM ARGS...`: runs the program with its output discarded and
/// prints `WALL_NS CPU_NS MAX_RSS_KB EXIT_CODE`.
pub fn measure_child(program: &str, args: &[String]) -> std::io::Result<()> {
    let start = Instant::now();
    let child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain data; wait4 fills it for the child we just spawned and reaps it.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let wall = start.elapsed();
    drop(child);
    if r < 0 {
        return Err(std::io::Error::last_os_error());
    }
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    let tv = |t: libc::timeval| t.tv_sec as u128 * 1_000_000_000 + t.tv_usec as u128 * 1_000;
    let cpu = tv(usage.ru_utime) + tv(usage.ru_stime);
    // Linux reports ru_maxrss in kilobytes.
    println!("{} {cpu} {} {code}", wall.as_nanos(), usage.ru_maxrss);
    Ok(())
}

/// CPU time of this process so far (user and system, all threads).
pub fn cpu_now() -> Duration {
    // SAFETY: clock_gettime writes the timespec it is given.
    let mut t: libc::timespec = unsafe { std::mem::zeroed() };
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut t) };
    Duration::new(t.tv_sec as u64, t.tv_nsec as u32)
}

/// The median of `n` timings of `f` (after one warm-up when `n > 1`), by the clock `now`.
fn median_by<T>(n: usize, now: fn() -> Duration, mut f: impl FnMut() -> T) -> Duration {
    if n > 1 {
        std::hint::black_box(f());
    }
    let mut times: Vec<Duration> = (0..n.max(1))
        .map(|_| {
            let start = now();
            std::hint::black_box(f());
            now() - start
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

/// Median CPU time of `f`: what single-threaded work costs, whatever else the machine runs.
pub fn median<T>(n: usize, f: impl FnMut() -> T) -> Duration {
    median_by(n, cpu_now, f)
}

fn wall_now() -> Duration {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    START.get_or_init(Instant::now).elapsed()
}

/// Median wall time of `f` (for parallel work).
pub fn median_wall<T>(n: usize, f: impl FnMut() -> T) -> Duration {
    median_by(n, wall_now, f)
}

fn median_of(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Stage timings of one in-process run of `vpclint check` on a plan.
#[derive(Debug, Clone, Copy, Default)]
pub struct StageTimes {
    pub read: Duration,
    pub parse: Duration,
    pub resolve: Duration,
    pub graph: Duration,
    pub rules: Duration,
    pub report: Duration,
}

impl StageTimes {
    /// Everything but the report: reading, parsing, the graph and the rules.
    pub fn analysis(&self) -> Duration {
        self.read + self.parse + self.graph + self.rules
    }
}

/// Runs every stage once, timing each by CPU time.
pub fn stages_once(path: &Path) -> (StageTimes, usize) {
    let mut t = StageTimes::default();
    let start = cpu_now();
    let input = stages::read(path);
    t.read = cpu_now() - start;
    let start = cpu_now();
    let plan = stages::parse(input);
    t.parse = cpu_now() - start;
    let start = cpu_now();
    std::hint::black_box(stages::resolve(&plan));
    t.resolve = cpu_now() - start;
    let start = cpu_now();
    let network = stages::graph(&plan);
    t.graph = cpu_now() - start;
    let start = cpu_now();
    let outcome = stages::rules(&network);
    t.rules = cpu_now() - start;
    drop(network);
    let findings = outcome.findings.len();
    let start = cpu_now();
    std::hint::black_box(stages::report(&plan, outcome));
    t.report = cpu_now() - start;
    (t, findings)
}

/// Median of each stage over `n` runs.
pub fn stages_median(path: &Path, n: usize) -> (StageTimes, usize) {
    let runs: Vec<(StageTimes, usize)> = (0..n.max(1)).map(|_| stages_once(path)).collect();
    let pick = |f: fn(&StageTimes) -> Duration| median_of(runs.iter().map(|(t, _)| f(t)).collect());
    (
        StageTimes {
            read: pick(|t| t.read),
            parse: pick(|t| t.parse),
            resolve: pick(|t| t.resolve),
            graph: pick(|t| t.graph),
            rules: pick(|t| t.rules),
            report: pick(|t| t.report),
        },
        runs[0].1,
    )
}

/// The `vpclint` binary next to this executable (same profile).
pub fn vpclint_bin() -> PathBuf {
    if let Some(p) = std::env::var_os("VPCLINT_BIN") {
        return PathBuf::from(p);
    }
    let exe = std::env::current_exe().expect("current exe");
    let mut dir = exe.parent().expect("exe dir").to_path_buf();
    if dir.ends_with("deps") {
        dir.pop();
    }
    dir.join("vpclint")
}

/// `vpclint check --format json PLAN...` with stdout discarded.
pub fn vpclint_check(bin: &Path, plans: &[PathBuf], extra: &[&str], env: &[(&str, &str)]) -> Run {
    vpclint_check_as(bin, "json", plans, extra, env)
}

/// `vpclint check --format FORMAT PLAN...` with stdout discarded.
pub fn vpclint_check_as(
    bin: &Path,
    format: &str,
    plans: &[PathBuf],
    extra: &[&str],
    env: &[(&str, &str)],
) -> Run {
    let mut cmd = Command::new(bin);
    cmd.arg("check").arg("--format").arg(format).args(extra);
    cmd.args(plans);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let r = run(&mut cmd).expect("run vpclint");
    assert!(
        r.code == 0 || r.code == 1,
        "vpclint exited {} on {}",
        r.code,
        plans[0].display()
    );
    r
}

/// `vpclint check --format json PLAN...` with its output discarded, run directly (for timing by
/// the caller, as the divan benchmark does); panics unless it exits 0 or 1.
pub fn vpclint_check_direct(bin: &Path, plans: &[PathBuf]) {
    let status = Command::new(bin)
        .args(["check", "--format", "json"])
        .args(plans)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run vpclint");
    assert!(
        matches!(status.code(), Some(0 | 1)),
        "vpclint exited {status} on {}",
        plans[0].display()
    );
}

/// Median wall time and highest peak RSS of `n` runs (after one warm-up when `n > 1`).
pub fn repeat(n: usize, mut f: impl FnMut() -> Run) -> Run {
    if n > 1 {
        f();
    }
    let runs: Vec<Run> = (0..n.max(1)).map(|_| f()).collect();
    summary(&runs)
}

/// The median wall and CPU times of `runs`, their highest peak and the first's exit code.
fn summary(runs: &[Run]) -> Run {
    Run {
        wall: median_of(runs.iter().map(|r| r.wall).collect()),
        cpu: median_of(runs.iter().map(|r| r.cpu).collect()),
        max_rss: runs.iter().map(|r| r.max_rss).max().unwrap_or(0),
        code: runs[0].code,
    }
}

/// Two commands run one after the other `n` times, after one warm-up run of each (when `n` is
/// more than one), so that a machine slowing down or speeding up during the measurement (a shared
/// one does) weighs on both alike.
fn alternating_runs(
    n: usize,
    mut a: impl FnMut() -> Run,
    mut b: impl FnMut() -> Run,
) -> (Vec<Run>, Vec<Run>) {
    if n > 1 {
        a();
        b();
    }
    (0..n.max(1)).map(|_| (a(), b())).unzip()
}

/// Wall times of two commands run alternately (`alternating_runs`).
pub struct Paired {
    /// The median wall time of the first command, and of the second.
    pub a: Duration,
    pub b: Duration,
    /// The median of `b`'s time over `a`'s, pair by pair. A ratio taken from two runs seconds
    /// apart holds even while the shared machine drifts by 2x within minutes.
    pub ratio: f64,
    /// The pair ratios' lower and upper quartiles: the middle half of the pairs, to show how far
    /// one pair strays on this machine.
    pub middle: (f64, f64),
}

/// `a` and `b` run alternately `n` times (see [`alternating_runs`]), their ratios pair by pair.
pub fn paired_walls(n: usize, a: impl FnMut() -> Run, b: impl FnMut() -> Run) -> Paired {
    let (runs_a, runs_b) = alternating_runs(n, a, b);
    let mut ratios: Vec<f64> = runs_a
        .iter()
        .zip(&runs_b)
        .map(|(a, b)| b.wall.as_secs_f64() / a.wall.as_secs_f64().max(1e-9))
        .collect();
    ratios.sort_by(f64::total_cmp);
    let at = |q: usize| ratios[(ratios.len() - 1) * q / 4];
    Paired {
        a: summary(&runs_a).wall,
        b: summary(&runs_b).wall,
        ratio: ratios[ratios.len() / 2],
        middle: (at(1), at(3)),
    }
}

/// A child that runs the stages up to `stage` (see `xtask mem-probe`): the floor, timed like the
/// `vpclint` process, or any stage for its peak RSS.
fn probe(stage: &str, plan: &Path) -> Run {
    let exe = std::env::current_exe().expect("current exe");
    let mut cmd = Command::new(exe);
    cmd.arg("mem-probe").arg("--stage").arg(stage).arg(plan);
    let r = run(&mut cmd).expect("run mem-probe");
    assert_eq!(r.code, 0, "mem-probe {stage} failed");
    r
}

/// Peak RSS of a child that runs the stages up to `stage` (see `xtask mem-probe`).
pub fn probe_memory(stage: &str, plan: &Path) -> u64 {
    probe(stage, plan).max_rss
}

/// What `xtask mem-probe` runs in its own process.
pub fn mem_probe(stage: &str, plan: &Path) {
    match stage {
        "read" => {
            std::hint::black_box(stages::read(plan));
        }
        "floor" => {
            stages::floor(plan);
        }
        _ => {
            let plan = stages::parse(stages::read(plan));
            if stage == "parse" {
                return;
            }
            let network = stages::graph(&plan);
            if stage == "graph" {
                return;
            }
            let outcome = stages::rules(&network);
            drop(network);
            if stage == "rules" {
                return;
            }
            std::hint::black_box(stages::report(&plan, outcome));
        }
    }
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else if ms >= 10.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.2} ms")
    }
}

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64()
}

fn cmd_output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The machine and the code measured.
pub fn environment() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find(|l| l.starts_with("MemTotal"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or("?".into(), |kb| format!("{:.0} GiB", kb as f64 / 1048576.0));
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease")
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    let rustc = cmd_output("rustc", &["--version"]).unwrap_or_default();
    let root = crate::workspace_root();
    let root = root.to_str().unwrap_or(".");
    let commit = cmd_output("git", &["-C", root, "rev-parse", "--short", "HEAD"])
        .unwrap_or_else(|| "unknown".into());
    let dirty =
        cmd_output("git", &["-C", root, "status", "--porcelain"]).is_some_and(|s| !s.is_empty());
    let date = cmd_output("date", &["-u", "+%Y-%m-%d"]).unwrap_or_default();
    format!(
        "- date: {date}\n- commit: `{commit}`{}\n- machine: {cpu}, {cores} cores, {mem} memory, Linux {kernel}\n- toolchain: {rustc}, `--release` (the workspace's release profile)\n",
        if dirty { " (with uncommitted changes)" } else { "" }
    )
}

/// Options of `xtask bench-report`.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    pub sizes: Vec<usize>,
    pub seed: u64,
    pub dir: PathBuf,
    /// Plans of about 1 MB for the many-plans measurement.
    pub many: usize,
    pub checkov: Option<PathBuf>,
    pub checkov_sizes: Vec<usize>,
    pub quick: bool,
}

/// Pairs of alternating runs behind a pair-by-pair ratio. The ratio of one pair ranges from 0.5x
/// to 2x on this shared machine; 9 pairs left the median moving by ±0.1 between runs minutes
/// apart, hence 15.
const PAIRS: usize = 15;

fn runs_for(size: usize, quick: bool) -> usize {
    if quick {
        1
    } else if size <= 1_000 {
        11
    } else if size <= 10_000 {
        5
    } else {
        // Five runs each: a run takes about a second, but on a shared machine one run in three
        // can be a third slower than the next (page faults that take the kernel longer).
        5
    }
}

/// Does the binary take `-j`?
fn has_jobs_flag(bin: &Path) -> bool {
    Command::new(bin)
        .args(["check", "--help"])
        .output()
        .map(|o| {
            let text = String::from_utf8_lossy(&o.stdout);
            text.contains("--jobs") || text.contains("-j,")
        })
        .unwrap_or(false)
}

/// Runs every measurement and returns the Markdown for `docs/performance.md`.
pub fn bench_report(options: &ReportOptions) -> String {
    let bin = vpclint_bin();
    assert!(
        bin.exists(),
        "{} not found: build it with `cargo build --release -p vpclint`",
        bin.display()
    );
    let mut md = String::new();
    let _ = writeln!(md, "{}", environment());

    // Sizes: floor, stages, end to end, memory.
    let mut rows = Vec::new();
    for &size in &options.sizes {
        eprintln!("[bench-report] {size} instances: generating or reusing the plan");
        let path = crate::cached_plan(&options.dir, size, options.seed);
        let bytes = std::fs::metadata(&path).map_or(0, |m| m.len());
        let n = runs_for(size, options.quick);
        eprintln!("[bench-report] {size}: floor");
        let floor = median(n, || stages::floor(&path));
        let parse_floor = {
            let data = std::fs::read(&path).expect("read");
            median(n, || stages::floor_bytes(&data))
        };
        eprintln!("[bench-report] {size}: stages");
        let (st, findings) = stages_median(&path, n);
        eprintln!("[bench-report] {size}: end to end");
        let e2e = repeat(n, || {
            vpclint_check(&bin, std::slice::from_ref(&path), &[], &[])
        });
        // The human report is `check`'s default, and renders a snippet of the plan per finding.
        let human = repeat(n, || {
            vpclint_check_as(
                &bin,
                "human",
                std::slice::from_ref(&path),
                &["--no-timing"],
                &[],
            )
        });
        eprintln!("[bench-report] {size}: floor and end to end, alternating");
        let paired = paired_walls(
            match options.quick {
                true => 1,
                false => runs_for(size, false).max(PAIRS),
            },
            || probe("floor", &path),
            || vpclint_check(&bin, std::slice::from_ref(&path), &[], &[]),
        );
        eprintln!("[bench-report] {size}: memory");
        let mem: Vec<(&str, u64)> = ["floor", "parse", "graph", "rules", "report"]
            .iter()
            .map(|s| (*s, probe_memory(s, &path)))
            .collect();
        rows.push((
            size,
            path,
            bytes,
            floor,
            parse_floor,
            st,
            findings,
            e2e,
            mem,
            human,
            paired,
        ));
    }

    let _ = writeln!(md, "### Time\n");
    let _ = writeln!(
        md,
        "Medians of CPU time (user + system: the machine may be shared). `floor` reads the file and \
         parses it into `serde::de::IgnoredAny`; `e2e` is the `vpclint check --format json PLAN` \
         process (its wall time beside it, and the wall time over the floor: the floor runs on \
         one thread, vpclint reads a large plan on two); `analysis` is read + parse + graph + rules in one \
         process, without locating and rendering the report. The stage columns are the same \
         stages run one by one in-process; `resolve alone` re-resolves the graph's reference \
         attributes with a fresh resolver (it is part of `graph`). `human wall` is the same \
         command with `--format human`, `check`'s default, which renders a snippet of the plan for \
         each finding.\n"
    );
    let _ = writeln!(
        md,
        "| instances | plan size | floor | e2e | e2e / floor | analysis | analysis / floor | e2e wall | e2e wall / floor | human wall | human wall / floor | read | parse | graph | rules | report | resolve alone | findings |"
    );
    let _ = writeln!(
        md,
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    for (size, _, bytes, floor, _, st, findings, e2e, _, human, _) in &rows {
        let _ = writeln!(
            md,
            "| {size} | {} | {} | {} | **{:.2}x** | {} | **{:.2}x** | {} | **{:.2}x** | {} | {:.2}x | {} | {} | {} | {} | {} | {} | {findings} |",
            mb(*bytes),
            ms(*floor),
            ms(e2e.cpu),
            ratio(e2e.cpu, *floor),
            ms(st.analysis()),
            ratio(st.analysis(), *floor),
            ms(e2e.wall),
            ratio(e2e.wall, *floor),
            ms(human.wall),
            ratio(human.wall, *floor),
            ms(st.read),
            ms(st.parse),
            ms(st.graph),
            ms(st.rules),
            ms(st.report),
            ms(st.resolve),
        );
    }
    let _ = writeln!(md);
    let _ = writeln!(
        md,
        "serde_json's parse into `IgnoredAny` alone (file already in memory): {}.\n",
        rows.iter()
            .map(|r| format!("{} at {}", ms(r.4), r.0))
            .collect::<Vec<_>>()
            .join(", ")
    );

    let _ = writeln!(
        md,
        "The floor and `vpclint check --format json` again, each as a process, their runs \
         alternating ({PAIRS} pairs or more, after a warm-up pair): the medians of their wall times, and \
         the median of the ratio pair by pair, which holds best while the shared machine drifts.\n"
    );
    let _ = writeln!(
        md,
        "| instances | floor process wall | e2e wall | e2e wall / floor wall, pair by pair | middle half of the pairs |"
    );
    let _ = writeln!(md, "| ---: | ---: | ---: | ---: | ---: |");
    for row in &rows {
        let paired = &row.10;
        let _ = writeln!(
            md,
            "| {} | {} | {} | **{:.2}x** | {:.2}x to {:.2}x |",
            row.0,
            ms(paired.a),
            ms(paired.b),
            paired.ratio,
            paired.middle.0,
            paired.middle.1
        );
    }
    let _ = writeln!(md);

    let _ = writeln!(md, "### Memory\n");
    let _ = writeln!(
        md,
        "Peak resident set size (`ru_maxrss` from `wait4`). `e2e` is the `vpclint` process; the \
         other columns are `xtask mem-probe` processes that stop after that stage.\n"
    );
    let _ = writeln!(
        md,
        "| instances | plan size | e2e | e2e / size | human | human / size | floor | parse | graph | rules | report |"
    );
    let _ = writeln!(
        md,
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    for (size, _, bytes, _, _, _, _, e2e, mem, human, _) in &rows {
        let get = |s: &str| mem.iter().find(|(k, _)| *k == s).map_or(0, |(_, v)| *v);
        let _ = writeln!(
            md,
            "| {size} | {} | {} | **{:.2}x** | {} | {:.2}x | {} | {} | {} | {} | {} |",
            mb(*bytes),
            mb(e2e.max_rss),
            e2e.max_rss as f64 / *bytes as f64,
            mb(human.max_rss),
            human.max_rss as f64 / *bytes as f64,
            mb(get("floor")),
            mb(get("parse")),
            mb(get("graph")),
            mb(get("rules")),
            mb(get("report")),
        );
    }
    let _ = writeln!(md);

    // Linearity: each size against the one ten times smaller.
    let _ = writeln!(md, "### Scaling\n");
    let _ = writeln!(
        md,
        "Time of each size divided by the time of the size ten times smaller (10x the resources; \
         the target is at most 11x).\n"
    );
    let _ = writeln!(
        md,
        "| step | e2e | analysis | floor | parse | graph | rules | report |"
    );
    let _ = writeln!(
        md,
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    for big in &rows {
        let Some(small) = rows.iter().find(|r| r.0 * 10 == big.0) else {
            continue;
        };
        let _ = writeln!(
            md,
            "| {} → {} | **{:.2}x** | **{:.2}x** | {:.2}x | {:.2}x | {:.2}x | {:.2}x | {:.2}x |",
            small.0,
            big.0,
            ratio(big.7.cpu, small.7.cpu),
            ratio(big.5.analysis(), small.5.analysis()),
            ratio(big.3, small.3),
            ratio(big.5.parse, small.5.parse),
            ratio(big.5.graph, small.5.graph),
            ratio(big.5.rules, small.5.rules),
            ratio(big.5.report, small.5.report),
        );
    }
    let _ = writeln!(md);

    // Many plans.
    if options.many > 0 {
        let _ = writeln!(md, "### Many plans\n");
        eprintln!(
            "[bench-report] many plans: generating {} plans",
            options.many
        );
        let many_dir = options.dir.join("many");
        // About 1 MB each: calibrate instances from a sample.
        let sample = crate::cached_plan(&many_dir, 300, 1_000_000);
        let per_instance = std::fs::metadata(&sample).map_or(3000, |m| m.len()) as f64 / 300.0;
        let instances = (1_000_000.0 / per_instance).round() as usize;
        let plans: Vec<PathBuf> = (0..options.many)
            .map(|i| crate::cached_plan(&many_dir, instances, 2_000 + i as u64))
            .collect();
        let total: u64 = plans
            .iter()
            .map(|p| std::fs::metadata(p).map_or(0, |m| m.len()))
            .sum();
        let n = if options.quick { 1 } else { PAIRS };
        // The speed-up is the median of `-j 1`'s time over `-j 2`'s, pair by pair, as for the
        // floor above: the machine's drift between two runs seconds apart is small.
        let jobs = |j: &'static str| {
            let bin = &bin;
            let plans = &plans;
            move || {
                if has_jobs_flag(bin) {
                    vpclint_check(bin, plans, &["-j", j], &[])
                } else {
                    vpclint_check(bin, plans, &[], &[("RAYON_NUM_THREADS", j)])
                }
            }
        };
        let how = if has_jobs_flag(&bin) {
            "`vpclint check -j N` (runs alternating)"
        } else {
            "`vpclint check` with `RAYON_NUM_THREADS=N` (the binary has no `-j` yet)"
        };
        let speed_up = paired_walls(n, jobs("2"), jobs("1"));
        let lib = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("thread pool");
            median_wall(n, || {
                pool.install(|| plans.par_iter().map(|p| stages::check(p).0).sum::<usize>())
            })
        };
        let (lib1, lib2) = (lib(1), lib(2));
        let _ = writeln!(
            md,
            "{} plans of {} instances ({} in all), one process.\n",
            plans.len(),
            instances,
            mb(total)
        );
        let _ = writeln!(
            md,
            "Medians of the wall times; the binary's speed-up is the median of the ratio pair by pair ({n} pairs, runs alternating; beside it the middle half of the pairs), the library's the ratio of the medians.\n"
        );
        let _ = writeln!(
            md,
            "| how | 1 thread | 2 threads | speed-up | middle half of the pairs |"
        );
        let _ = writeln!(md, "| --- | ---: | ---: | ---: | ---: |");
        let _ = writeln!(
            md,
            "| {how} | {} | {} | **{:.2}x** | {:.2}x to {:.2}x |",
            ms(speed_up.b),
            ms(speed_up.a),
            speed_up.ratio,
            speed_up.middle.0,
            speed_up.middle.1
        );
        let _ = writeln!(
            md,
            "| library: rayon pool over `stages::check` | {} | {} | {:.2}x | |",
            ms(lib1),
            ms(lib2),
            ratio(lib1, lib2)
        );
        let _ = writeln!(md);
    }

    // checkov.
    let _ = writeln!(md, "### Against checkov\n");
    match &options.checkov {
        None => {
            let _ = writeln!(
                md,
                "checkov was not found (pass `--checkov PATH`); not measured.\n"
            );
        }
        Some(checkov) => {
            let version = cmd_output(checkov.to_str().unwrap_or("checkov"), &["--version"])
                .unwrap_or_else(|| "unknown version".into());
            let _ = writeln!(
                md,
                "checkov {version}: `checkov -f PLAN --framework terraform_plan --skip-download` (output discarded), \
                 one run per plan after a warm-up run on the 1k plan; vpclint's e2e median from the table above.\n"
            );
            let _ = writeln!(md, "| instances | checkov wall | checkov CPU | checkov peak RSS | vpclint wall | vpclint CPU | vpclint peak RSS | wall: checkov / vpclint | CPU: checkov / vpclint |"
            );
            let _ = writeln!(
                md,
                "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
            );
            let mut warmed = false;
            for &size in &options.checkov_sizes {
                let path = crate::cached_plan(&options.dir, size, options.seed);
                let cmd = || {
                    let mut c = Command::new(checkov);
                    c.args(["-f"])
                        .arg(&path)
                        // No network here; and a network fetch has no place in the time.
                        .args(["--framework", "terraform_plan", "--skip-download"]);
                    c
                };
                if !warmed {
                    let _ = run(&mut cmd());
                    warmed = true;
                }
                eprintln!("[bench-report] checkov on {size}");
                let c = match run(&mut cmd()) {
                    Ok(r) => r,
                    Err(e) => {
                        let _ = writeln!(md, "| {size} | failed to run: {e} | | | | |");
                        continue;
                    }
                };
                let v = rows
                    .iter()
                    .find(|r| r.0 == size)
                    .map(|r| r.7)
                    .unwrap_or_else(|| {
                        repeat(3, || {
                            vpclint_check(&bin, std::slice::from_ref(&path), &[], &[])
                        })
                    });
                let _ = writeln!(
                    md,
                    "| {size} | {} | {} | {} (exit {}) | {} | {} | {} | **{:.0}x** | {:.0}x |",
                    ms(c.wall),
                    ms(c.cpu),
                    mb(c.max_rss),
                    c.code,
                    ms(v.wall),
                    ms(v.cpu),
                    mb(v.max_rss),
                    ratio(c.wall, v.wall),
                    ratio(c.cpu, v.cpu),
                );
            }
            let _ = writeln!(md);
        }
    }
    md
}

/// `xtask bench-smoke`: every stage once on a small generated plan, to check that the benchmark
/// code still runs (CI). No timing is asserted.
pub fn bench_smoke() -> Result<(), String> {
    let dir = std::env::temp_dir().join(format!("vpclint-bench-smoke-{}", std::process::id()));
    let result = (|| {
        let started = Instant::now();
        let path = crate::cached_plan(&dir, 1_000, 1);
        let bytes = std::fs::metadata(&path).map_err(|e| e.to_string())?.len();
        println!("generated {} ({} bytes)", path.display(), bytes);
        let floor = median(1, || stages::floor(&path));
        let (st, findings) = stages_once(&path);
        println!(
            "floor {} | read {} parse {} resolve {} graph {} rules {} report {} | {findings} findings",
            ms(floor),
            ms(st.read),
            ms(st.parse),
            ms(st.resolve),
            ms(st.graph),
            ms(st.rules),
            ms(st.report)
        );
        if findings == 0 {
            return Err("the generated plan produced no findings".into());
        }
        for stage in ["floor", "report"] {
            println!("peak RSS up to {stage}: {}", mb(probe_memory(stage, &path)));
        }
        let bin = vpclint_bin();
        if bin.exists() {
            let r = vpclint_check(&bin, std::slice::from_ref(&path), &[], &[]);
            println!(
                "{} check: {} (exit {}), peak RSS {}",
                bin.display(),
                ms(r.wall),
                r.code,
                mb(r.max_rss)
            );
        } else {
            println!("{} not built: end-to-end run skipped", bin.display());
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .map_err(|e| e.to_string())?;
        let plans = [path.clone(), path.clone()];
        let n: usize = pool.install(|| plans.par_iter().map(|p| stages::check(p).0).sum());
        println!("two plans in parallel: {n} findings");
        println!("bench-smoke ok in {}", ms(started.elapsed()));
        Ok(())
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}
