//! Where a parsed plan's memory goes, by a counting allocator: the parse peak over the file, and
//! the live bytes of the configuration, the resource values and the rest of the model.
//!
//! `cargo run -p xtask --release --example alloc -- PLAN`

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
struct Count;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
unsafe impl GlobalAlloc for Count {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let n = LIVE.fetch_add(l.size(), Relaxed) + l.size();
        PEAK.fetch_max(n, Relaxed);
        System.alloc(l)
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size(), Relaxed);
        System.dealloc(p, l)
    }
}
#[global_allocator]
static A: Count = Count;
fn mb(n: usize) -> String {
    format!("{:.1} MB", n as f64 / 1e6)
}
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let base = LIVE.load(Relaxed);
    PEAK.store(base, Relaxed);
    let mut plan = vpclint_plan::Plan::from_json("x", &bytes).unwrap();
    let after = LIVE.load(Relaxed);
    println!(
        "file {} | parse peak over file {} | plan live {}",
        mb(bytes.len()),
        mb(PEAK.load(Relaxed) - base),
        mb(after - base)
    );
    plan.config = Default::default();
    let c = LIVE.load(Relaxed);
    println!("config {}", mb(after - c));
    for r in plan.resources.iter_mut() {
        r.values = Default::default();
    }
    let v = LIVE.load(Relaxed);
    println!("values {}", mb(c - v));
    println!("rest (resources, addresses, indexes) {}", mb(v - base));
    let plan = vpclint_plan::Plan::from_json("x", &bytes).unwrap();
    let p0 = LIVE.load(Relaxed);
    PEAK.store(p0, Relaxed);
    let net = vpclint_plan::network::Network::build(&plan);
    println!(
        "network live {} peak {}",
        mb(LIVE.load(Relaxed) - p0),
        mb(PEAK.load(Relaxed) - p0)
    );
    let outcome = xtask::stages::rules(&net);
    drop(net);
    let r0 = LIVE.load(Relaxed);
    PEAK.store(r0, Relaxed);
    let report = xtask::stages::report(&plan, outcome);
    println!(
        "report {} | report stage peak {}",
        mb(report.len()),
        mb(PEAK.load(Relaxed) - r0)
    );
}
