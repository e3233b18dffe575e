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

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(commands::EXIT_ERROR)
        }
    }
}
