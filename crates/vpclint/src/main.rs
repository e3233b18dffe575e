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

/// `mi_option_purge_delay` in mimalloc's `mi_option_t` (`mimalloc.h`, the same place in versions 2
/// and 3; the crate names the options around it, `mi_option_use_numa_nodes` = 16, but not this
/// one).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t =
    libmimalloc_sys::mi_option_use_numa_nodes - 1;

/// A purge delay of -1: never.
const NEVER: std::ffi::c_long = -1;

fn main() -> ExitCode {
    // Memory freed is kept for the allocations after it, never handed back to the system: pages
    // handed back are faulted in and zeroed again when the next stage allocates, which this
    // machine's kernel does at 0.35 to 1.7 GB/s. At 100,000 instances, handing them back 200 ms
    // after they were freed cost 0.3 s to 0.6 s in the kernel in some runs (5,500 page faults
    // against 1,500) for the same peak (227 MB): the peak is reached while the plan is read, and
    // what is freed after is used again. mimalloc's default hands them back after about a second.
    // SAFETY: sets an option's value, before any thread of ours is started.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, NEVER) };
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(commands::EXIT_ERROR)
        }
    }
}
