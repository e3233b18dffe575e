//! The subcommands.

use std::io::{IsTerminal, Write};
use std::time::Instant;

use rayon::prelude::*;
use serde_json::json;
use vpclint_plan::input::{ReadOptions, Source};
use vpclint_plan::network::Network;
use vpclint_plan::{Plan, PlanError};
use vpclint_report::{InputError, LocateOptions, Locator, PlanReport, RenderOptions, Report};
use vpclint_rules::{registry, RuleOptions, Severity};

use crate::cli::{CheckArgs, Cli, ColorChoice, Command, FailOn, GraphArgs, InputArgs, ListFormat};

pub const EXIT_OK: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

pub fn run(cli: Cli) -> Result<u8, String> {
    match cli.command {
        Command::Check(args) => check(args),
        Command::Graph(args) => graph(args),
        Command::Rules(args) => rules(args.format),
        Command::Explain { rule } => explain(&rule),
    }
}

fn read_options(input: &InputArgs) -> ReadOptions {
    ReadOptions {
        terraform_bin: input.terraform_bin.clone(),
    }
}

fn load(arg: &str, options: &ReadOptions) -> Result<Plan, PlanError> {
    vpclint_plan::load(&Source::from_arg(arg), options)
}

fn check(args: CheckArgs) -> Result<u8, String> {
    let started = Instant::now();
    let options = read_options(&args.input);
    let rule_options = RuleOptions {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        ..RuleOptions::default()
    };
    for name in args.select.iter().chain(&args.ignore) {
        if registry::find(name).is_none() {
            return Err(format!("unknown rule {name:?} (see `vpclint rules`)"));
        }
    }
    for (i, out) in args.output.iter().enumerate() {
        if args.output[..i].iter().any(|o| o.path == out.path) {
            return Err(format!("--output names {} twice", out.path.display()));
        }
    }
    let locator = Locator::new(LocateOptions {
        source_dir: args.source_dir.clone(),
        repo_root: args.repo_root.clone(),
        display_base: std::env::current_dir().ok(),
        ..LocateOptions::default()
    });
    // Plans are independent: read, check and locate them in parallel, report in input order.
    let results: Vec<Result<PlanReport, PlanError>> = args
        .plans
        .par_iter()
        .map(|arg| {
            let plan = load(arg, &options)?;
            let outcome = {
                let network = Network::build(&plan);
                vpclint_rules::run(&network, &rule_options)
            };
            Ok(locator.report(&plan, outcome))
        })
        .collect();
    let mut report = Report {
        rules: registry::RULES.iter().map(|r| r.meta()).collect(),
        ..Report::default()
    };
    for result in results {
        match result {
            Ok(plan) => report.plans.push(plan),
            Err(e) => {
                eprintln!("error: {e}");
                report.errors.push(InputError {
                    plan: e.file.clone(),
                    message: e.to_string(),
                });
            }
        }
    }
    report.elapsed = Some(started.elapsed());

    let stdout_is_terminal = std::io::stdout().is_terminal();
    let render_options = RenderOptions {
        color: use_color(args.color, stdout_is_terminal),
        width: terminal_width(stdout_is_terminal),
        timing: !args.no_timing,
        category: args.category.clone(),
        ..RenderOptions::default()
    };
    for out in &args.output {
        // Files never get colour.
        let file_options = RenderOptions {
            color: false,
            ..render_options.clone()
        };
        let text = vpclint_report::render(out.format, &report, &file_options);
        vpclint_report::write_atomically(&out.path, text.as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", out.path.display()))?;
    }
    let text = vpclint_report::render(args.format.report_format(), &report, &render_options);
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => {}
        // `vpclint check ... | head` is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => return Err(format!("cannot write to standard output: {e}")),
    }

    if !report.errors.is_empty() {
        return Ok(EXIT_ERROR);
    }
    let threshold = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Note => Some(Severity::Note),
        FailOn::Never => None,
    };
    Ok(if report.fails(threshold) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}

/// `--color`: `auto` colours a terminal unless NO_COLOR is set (to anything but the empty
/// string) or TERM is `dumb`.
fn use_color(choice: ColorChoice, is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
            let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
            is_terminal && !no_color && !dumb
        }
    }
}

/// The human report's width: `COLUMNS`, else the terminal's, else 100.
fn terminal_width(is_terminal: bool) -> usize {
    if let Some(cols) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|c| *c > 0)
    {
        return cols;
    }
    if is_terminal {
        if let Some((terminal_size::Width(w), _)) = terminal_size::terminal_size() {
            return usize::from(w);
        }
    }
    100
}

fn graph(args: GraphArgs) -> Result<u8, String> {
    let plan = load(&args.plan, &read_options(&args.input)).map_err(|e| e.to_string())?;
    let network = Network::build(&plan);
    let doc = vpclint_plan::export::graph_json(&network);
    println!(
        "{}",
        serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?
    );
    Ok(EXIT_OK)
}

fn rules(format: ListFormat) -> Result<u8, String> {
    match format {
        ListFormat::Human => {
            for rule in registry::RULES {
                let m = rule.meta();
                println!(
                    "{} {:<40} {:<8} {:<13} {}",
                    m.id,
                    m.slug,
                    m.severity.as_str(),
                    m.category.as_str(),
                    m.summary
                );
            }
        }
        ListFormat::Json => {
            let list: Vec<_> = registry::RULES
                .iter()
                .map(|r| {
                    let m = r.meta();
                    json!({"id": m.id, "slug": m.slug, "severity": m.severity, "category": m.category, "summary": m.summary, "doc_url": m.doc_url()})
                })
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&list).map_err(|e| e.to_string())?
            );
        }
    }
    Ok(EXIT_OK)
}

fn explain(name: &str) -> Result<u8, String> {
    let rule = registry::find(name)
        .ok_or_else(|| format!("unknown rule {name:?} (see `vpclint rules`)"))?;
    match vpclint_rules::docs::doc(rule.meta().id) {
        Some(doc) => {
            print!("{doc}");
            Ok(EXIT_OK)
        }
        None => Err(format!("rule {} has no documentation", rule.meta().id)),
    }
}
