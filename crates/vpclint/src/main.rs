//! The `vpclint` command line.

mod baseline;
mod cli;
mod commands;
mod config;
mod progress;

use std::process::ExitCode;

use clap::Parser;

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
