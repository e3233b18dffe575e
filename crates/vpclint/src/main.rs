//! The `vpclint` command line.

mod baseline;
mod cli;
mod commands;
mod config;
mod progress;

use std::process::ExitCode;

use clap::Parser;

// Reading a plan allocates many small strings and frees them in bursts; mimalloc spends about a
// third of the time glibc's allocator does on it (see docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc's `mi_option_t` (v3 `mimalloc.h`; the crate names the
/// options around it, `mi_option_use_numa_nodes` = 16, but not this one).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t =
    libmimalloc_sys::mi_option_use_numa_nodes - 1;

fn main() -> ExitCode {
    // Reading a large plan frees, once the model is built, much of what it allocated; handed back
    // to the system after 200 ms instead of mimalloc's default of about a second, it adds less to
    // the peak (at 100,000 instances: 303 MB kept forever, 273 MB at 200 ms). Sooner costs time:
    // pages handed back are faulted in and zeroed again by the next stage (at 50 ms, a run in
    // three spent 0.1 s to 0.4 s more in the kernel; at 1 ms, +10% CPU at 50,000 instances).
    // SAFETY: sets an option's value, before any thread of ours is started.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 200) };
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(commands::EXIT_ERROR)
        }
    }
}
