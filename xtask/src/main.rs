//! `cargo run -p xtask --release -- <task>`: vpclint's developer tasks.
//!
//! - `gen-plan --instances N --out FILE [--seed S]`: write a realistic plan of N instances;
//! - `bench-report`: every measurement of `docs/performance.md`, as Markdown;
//! - `bench-smoke`: each benchmark stage once on a 1k plan (for CI, no timing asserted).

// The allocator the `vpclint` binary uses, so that the stages cost what they cost there.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::BufWriter;
use std::path::PathBuf;
use std::process::{Command, ExitCode};

use clap::{Parser, Subcommand};
use xtask::{gen, measure};

#[derive(Debug, Parser)]
#[command(name = "xtask", about = "vpclint developer tasks")]
struct Cli {
    #[command(subcommand)]
    task: Task,
}

#[derive(Debug, Subcommand)]
enum Task {
    /// Write a realistic `terraform show -json` plan (streaming, deterministic per seed).
    GenPlan {
        /// Resource instances in the plan (exactly).
        #[arg(long)]
        instances: usize,
        /// Output file (`-` for standard output).
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Run every measurement and print the Markdown tables of docs/performance.md.
    BenchReport {
        /// Plan sizes in resource instances.
        #[arg(long, value_delimiter = ',', default_values_t = [1_000, 10_000, 50_000, 100_000])]
        sizes: Vec<usize>,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Where generated plans are kept [default: target/bench].
        #[arg(long)]
        dir: Option<PathBuf>,
        /// How many 1 MB plans for the many-plans measurement (0 to skip).
        #[arg(long, default_value_t = 200)]
        many: usize,
        /// The checkov executable [default: $CHECKOV, /tmp/checkov-venv/bin/checkov, or on PATH].
        #[arg(long)]
        checkov: Option<PathBuf>,
        /// Plan sizes to run checkov on.
        #[arg(long, value_delimiter = ',', default_values_t = [1_000, 10_000])]
        checkov_sizes: Vec<usize>,
        /// One run of each measurement instead of medians (to check that it runs).
        #[arg(long)]
        quick: bool,
        /// Replace the measured section of this Markdown file (between the bench-report markers).
        #[arg(long)]
        write_doc: Option<PathBuf>,
        /// Do not run `cargo build --release -p vpclint` first.
        #[arg(long)]
        no_build: bool,
    },
    /// Each stage once on a generated 1k plan; fails if any stage fails. For CI.
    BenchSmoke,
    /// Run a program, print its wall time, peak RSS and exit code (used by the measurements).
    #[command(hide = true)]
    MeasureChild {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, required = true)]
        command: Vec<String>,
    },
    /// Run the stages up to one and exit (its peak memory is measured by the parent).
    #[command(hide = true)]
    MemProbe {
        #[arg(long)]
        stage: String,
        plan: PathBuf,
    },
}

const BEGIN: &str = "<!-- bench-report:begin -->";
const END: &str = "<!-- bench-report:end -->";

fn find_checkov() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHECKOV") {
        return Some(PathBuf::from(p));
    }
    let venv = PathBuf::from("/tmp/checkov-venv/bin/checkov");
    if venv.exists() {
        return Some(venv);
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join("checkov"))
        .find(|p| p.is_file())
}

fn main() -> ExitCode {
    // As the `vpclint` binary sets it (see its `main`), so that `mem-probe` measures what it uses.
    // SAFETY: sets an option's value, before any thread is started.
    unsafe {
        libmimalloc_sys::mi_option_set(libmimalloc_sys::mi_option_use_numa_nodes - 1, -1);
    }
    match Cli::parse().task {
        Task::GenPlan {
            instances,
            out,
            seed,
        } => {
            let options = gen::GenOptions { instances, seed };
            let stats = if out.as_os_str() == "-" {
                gen::write_plan(&options, BufWriter::new(std::io::stdout().lock()))
            } else {
                match std::fs::File::create(&out) {
                    Ok(f) => gen::write_plan(&options, BufWriter::with_capacity(1 << 20, f)),
                    Err(e) => Err(e),
                }
            };
            match stats {
                Ok(s) => {
                    eprintln!(
                        "wrote {} instances in {} stacks ({} environments), {} bytes",
                        s.instances, s.stacks, s.environments, s.bytes
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Task::BenchReport {
            sizes,
            seed,
            dir,
            many,
            checkov,
            checkov_sizes,
            quick,
            write_doc,
            no_build,
        } => {
            if !no_build {
                let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
                let status = Command::new(cargo)
                    .args(["build", "--release", "-p", "vpclint"])
                    .current_dir(xtask::workspace_root())
                    .status();
                if !status.is_ok_and(|s| s.success()) {
                    eprintln!("error: cargo build --release -p vpclint failed");
                    return ExitCode::FAILURE;
                }
            }
            let options = measure::ReportOptions {
                sizes,
                seed,
                dir: dir.unwrap_or_else(|| xtask::target_dir().join("bench")),
                many,
                checkov: checkov.or_else(find_checkov),
                checkov_sizes,
                quick,
            };
            let md = measure::bench_report(&options);
            print!("{md}");
            if let Some(doc) = write_doc {
                let text = std::fs::read_to_string(&doc).unwrap_or_default();
                let (Some(b), Some(e)) = (text.find(BEGIN), text.find(END)) else {
                    eprintln!("error: {} has no {BEGIN} ... {END} section", doc.display());
                    return ExitCode::FAILURE;
                };
                let new = format!("{}{BEGIN}\n{md}{}", &text[..b], &text[e..]);
                if let Err(e) = std::fs::write(&doc, new) {
                    eprintln!("error: cannot write {}: {e}", doc.display());
                    return ExitCode::FAILURE;
                }
                eprintln!("updated {}", doc.display());
            }
            ExitCode::SUCCESS
        }
        Task::BenchSmoke => match measure::bench_smoke() {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        Task::MeasureChild { command } => {
            match measure::measure_child(&command[0], &command[1..]) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: cannot run {}: {e}", command[0]);
                    ExitCode::FAILURE
                }
            }
        }
        Task::MemProbe { stage, plan } => {
            measure::mem_probe(&stage, &plan);
            ExitCode::SUCCESS
        }
    }
}
