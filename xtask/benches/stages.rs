//! `cargo bench -p xtask`: each stage of `vpclint check` on generated plans, beside the floor
//! (serde_json parsing the same bytes into `IgnoredAny`), and the `vpclint` binary end to end.
//!
//! Sizes come from `VPCLINT_BENCH_SIZES` (default `1000,10000`); plans are generated once into
//! `target/bench`. `xtask bench-report` makes the full report with the larger sizes.

// The allocator the `vpclint` binary uses, so that the stages cost what they cost there.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use divan::Bencher;
use vpclint_plan::input::Input;
use vpclint_plan::network::Network;
use vpclint_plan::Plan;
use xtask::stages;

fn main() {
    divan::main();
}

fn sizes() -> Vec<usize> {
    std::env::var("VPCLINT_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .filter(|v: &Vec<usize>| !v.is_empty())
        .unwrap_or_else(|| vec![1_000, 10_000])
}

fn plan_path(size: usize) -> PathBuf {
    xtask::cached_plan(&xtask::target_dir().join("bench"), size, 1)
}

fn bytes(size: usize) -> &'static [u8] {
    static CACHE: OnceLock<Mutex<HashMap<usize, &'static [u8]>>> = OnceLock::new();
    let mut cache = CACHE.get_or_init(Default::default).lock().unwrap();
    cache
        .entry(size)
        .or_insert_with(|| Vec::leak(std::fs::read(plan_path(size)).expect("read plan")))
}

fn plan(size: usize) -> &'static Plan {
    static CACHE: OnceLock<Mutex<HashMap<usize, &'static Plan>>> = OnceLock::new();
    let mut cache = CACHE.get_or_init(Default::default).lock().unwrap();
    cache
        .entry(size)
        .or_insert_with(|| Box::leak(Box::new(stages::parse(input(size)))))
}

fn network(size: usize) -> &'static Network<'static> {
    static CACHE: OnceLock<Mutex<HashMap<usize, &'static Network<'static>>>> = OnceLock::new();
    let p = plan(size);
    let mut cache = CACHE.get_or_init(Default::default).lock().unwrap();
    cache
        .entry(size)
        .or_insert_with(|| Box::leak(Box::new(stages::graph(p))))
}

fn input(size: usize) -> Input {
    Input {
        name: plan_path(size).display().to_string(),
        bytes: bytes(size).to_vec().into(),
        converted_from_binary: false,
    }
}

/// The reference: serde_json parsing the plan into `IgnoredAny`.
#[divan::bench(args = sizes(), sample_count = 10)]
fn floor(b: Bencher, size: usize) {
    let data = bytes(size);
    b.counter(divan::counter::BytesCount::new(data.len()))
        .bench(|| stages::floor_bytes(data));
}

#[divan::bench(args = sizes(), sample_count = 10)]
fn parse(b: Bencher, size: usize) {
    b.counter(divan::counter::BytesCount::new(bytes(size).len()))
        .with_inputs(|| input(size))
        .bench_values(stages::parse);
}

#[divan::bench(args = sizes(), sample_count = 10)]
fn resolve(b: Bencher, size: usize) {
    let p = plan(size);
    b.bench(|| stages::resolve(p));
}

#[divan::bench(args = sizes(), sample_count = 10)]
fn graph(b: Bencher, size: usize) {
    let p = plan(size);
    b.bench(|| stages::graph(p));
}

#[divan::bench(args = sizes(), sample_count = 10)]
fn rules(b: Bencher, size: usize) {
    let n = network(size);
    b.bench(|| stages::rules(n));
}

#[divan::bench(args = sizes(), sample_count = 10)]
fn report(b: Bencher, size: usize) {
    let p = plan(size);
    let outcome = stages::rules(network(size));
    b.with_inputs(|| outcome.clone())
        .bench_values(|o| stages::report(p, o));
}

/// `vpclint check --format json PLAN`, the built release binary, as a process.
#[divan::bench(args = sizes(), sample_count = 5)]
fn end_to_end(b: Bencher, size: usize) {
    let bin = xtask::measure::vpclint_bin();
    if !bin.exists() {
        eprintln!(
            "{} not built (cargo build --release -p vpclint): skipped",
            bin.display()
        );
        return;
    }
    let path = plan_path(size);
    b.counter(divan::counter::BytesCount::new(bytes(size).len()))
        .bench(|| xtask::measure::vpclint_check_direct(&bin, std::slice::from_ref(&path)));
}
