//! The subcommands.

use std::io::{IsTerminal, Write};
use std::time::Instant;

use rayon::prelude::*;
use vpclint_plan::input::{ReadOptions, Source};
use vpclint_plan::network::Network;
use vpclint_plan::{Plan, PlanError};
use vpclint_report::{InputError, LocateOptions, Locator, PlanReport, RenderOptions, Report};
use vpclint_rules::{registry, RuleOptions, Severity};

use crate::baseline::{Baseline, Entry};
use crate::cli::{
    CheckArgs, CheckFormat, Cli, ColorChoice, Command, CostArgs, CostFormat, FailOn, GraphArgs,
    GraphFormat, InputArgs, ListFormat, TraceArgs,
};
use crate::config;
use crate::progress::Progress;

pub const EXIT_OK: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

pub fn run(cli: Cli) -> Result<u8, String> {
    match cli.command {
        Command::Check(args) => check(args),
        Command::Graph(args) => graph(args),
        Command::Cost(args) => cost(args),
        Command::Trace(args) => trace(args),
        Command::Rules(args) => rules(args.format),
        Command::Explain { rule } => explain(&rule),
        Command::Init { force } => init(force),
        Command::Config { config } => {
            let settings = settings(config.as_deref())?;
            match &settings.path {
                Some(p) => println!("# from {}", p.display()),
                None => println!("# no vpclint.toml found: defaults"),
            }
            print!("{}", settings.to_toml());
            Ok(EXIT_OK)
        }
    }
}

/// The configuration in force: `--config`, else `vpclint.toml` found upward, else defaults.
fn settings(explicit: Option<&std::path::Path>) -> Result<config::Settings, String> {
    let path = match explicit {
        Some(p) => Some(p.to_path_buf()),
        None => std::env::current_dir()
            .ok()
            .and_then(|d| config::discover(&d)),
    };
    match path {
        Some(p) => config::load(&p).map_err(|e| e.to_string()),
        None => Ok(config::Settings::default()),
    }
}

fn init(force: bool) -> Result<u8, String> {
    let path = std::path::Path::new(config::FILE_NAME);
    if path.exists() && !force {
        return Err(format!(
            "{} exists (use --force to replace it)",
            path.display()
        ));
    }
    std::fs::write(path, config::DEFAULT_FILE)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("wrote {}", path.display());
    Ok(EXIT_OK)
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
    // The file's settings, with the command line's on top.
    let mut settings = settings(args.config.as_deref())?;
    for name in args.select.iter().chain(&args.ignore) {
        if registry::find(name).is_none() {
            return Err(format!("unknown rule {name:?} (see `vpclint rules`)"));
        }
    }
    if !args.select.is_empty() {
        settings.file.select = args.select.clone();
    }
    settings.file.ignore.extend(args.ignore.iter().cloned());
    settings.file.exclude.extend(args.exclude.iter().cloned());
    let excludes = settings.excludes().map_err(|e| e.to_string())?;
    // Carries the `[prices]` overrides, so the cost findings quote what `vpclint cost` does.
    let rule_options: RuleOptions = settings.rule_options().map_err(|e| e.to_string())?;
    let fail_on = match (args.fail_on, settings.file.fail_on.as_deref()) {
        (Some(f), _) => f,
        (None, Some("error")) => FailOn::Error,
        (None, Some("note")) => FailOn::Note,
        (None, Some("never")) => FailOn::Never,
        (None, _) => FailOn::Warning,
    };
    let baseline = match &args.baseline {
        Some(path) => Some(Baseline::read(path)?),
        None => None,
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build()
        .map_err(|e| format!("cannot start {} threads: {e}", args.jobs.unwrap_or(0)))?;
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
    let inputs = expand_inputs(&args.plans)?;
    // The model of a large plan is a million small allocations: freeing them takes about 45 ms for
    // 50,000 instances, just before the process ends and the system takes the memory back at once.
    // A single plan is left to that; with several, each is freed once checked, so that memory
    // stays bounded by the plans being checked.
    let leave_to_exit = inputs.len() == 1;
    let check_plan = |arg: &str| -> Result<PlanReport, PlanError> {
        let plan = load(arg, &options)?;
        let outcome = {
            let network = Network::build(&plan);
            vpclint_rules::run(&network, &rule_options)
        };
        // Filtered after locating, so that an ignore comment whose finding is excluded or
        // unchanged still counts as in use.
        let mut located = locator.report(&plan, outcome);
        located.retain_findings(|f| {
            !excludes.matches(&f.address) && (!args.changed_only || touches_change(&plan, f))
        });
        if leave_to_exit {
            std::mem::forget(plan);
        }
        Ok(located)
    };
    // Plans are independent: read, check and locate them in parallel, report in input order.
    let progress = Progress::start(inputs.len());
    let results: Vec<Result<PlanReport, PlanError>> = pool.install(|| {
        inputs
            .par_iter()
            .enumerate()
            .map(|(i, (arg, _))| {
                // A thread takes a run of plans in order: the next one is read from the disk, if
                // it is not in the page cache, while this one is checked. A hint further ahead
                // made no difference.
                if let Some((next, _)) = inputs.get(i + 1) {
                    Source::from_arg(next).prefetch();
                }
                let result = check_plan(arg);
                progress.plan_done();
                result
            })
            .collect()
    });
    progress.finish();
    let mut report = Report {
        rules: registry::RULES.iter().map(|r| r.meta()).collect(),
        ..Report::default()
    };
    for (result, (_, from_directory)) in results.into_iter().zip(&inputs) {
        match result {
            Ok(plan) => report.plans.push(plan),
            // A directory holds other JSON too (tfvars, package files): skipped with a note.
            Err(e)
                if *from_directory
                    && matches!(e.kind, vpclint_plan::PlanErrorKind::NotAPlan(_)) =>
            {
                eprintln!("note: skipped {e}");
            }
            Err(e) => {
                eprintln!("error: {e}");
                report.errors.push(InputError {
                    plan: e.file.clone(),
                    message: e.to_string(),
                });
            }
        }
    }
    if let Some(path) = &args.write_baseline {
        let entries = report
            .findings()
            .map(|f| Entry {
                fingerprint: f.finding.fingerprint(),
                rule: f.finding.rule.to_string(),
                address: f.finding.address.clone(),
            })
            .collect();
        vpclint_report::write_atomically(path, Baseline::new(entries).to_json().as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    if let Some(baseline) = &baseline {
        let known = baseline.fingerprints();
        for plan in &mut report.plans {
            plan.findings
                .retain(|f| !known.contains(f.finding.fingerprint().as_str()));
        }
    }
    // Reports list plans by name, so the order plans were given in does not change a byte.
    report.plans.sort_by(|a, b| a.name.cmp(&b.name));
    report.errors.sort_by(|a, b| a.plan.cmp(&b.plan));
    let ran = |id: &str| registry::find(id).is_some_and(|r| rule_options.is_enabled(r.meta()));
    report.ignore_notes = vpclint_report::ignore_notes(
        &report.plans,
        args.report_unused_ignores
            .then_some(&ran as &dyn Fn(&str) -> bool),
    );
    // The human report lists them itself; with another format on stdout, a terminal still
    // learns that a comment it relies on does nothing.
    if args.format != CheckFormat::Human {
        for note in &report.ignore_notes {
            eprintln!("warning: {}: {}", note.comment.display(), note.message());
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
        pool.install(|| {
            vpclint_report::write_atomically_with(&out.path, |file| {
                vpclint_report::render_to(out.format, &report, &file_options, file)
            })
        })
        .map_err(|e| format!("cannot write {}: {e}", out.path.display()))?;
    }
    // On the pool too: the human report renders its snippets in parallel, within `-j`. Written
    // as it is rendered: a report of many plans is megabytes that would otherwise be held whole,
    // in memory the kernel hands over and zeroes first.
    let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout());
    let written = pool.install(|| {
        vpclint_report::render_to(
            args.format.report_format(),
            &report,
            &render_options,
            &mut stdout,
        )
    });
    match written.and_then(|()| stdout.flush()) {
        Ok(()) => {}
        // `vpclint check ... | head` is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => return Err(format!("cannot write to standard output: {e}")),
    }

    let threshold = match fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Note => Some(Severity::Note),
        FailOn::Never => None,
    };
    let code = if !report.errors.is_empty() {
        EXIT_ERROR
    } else if report.fails(threshold) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    };
    // The report is the last thing used before the process ends, which hands its memory back at
    // once: freeing it piece by piece first (every finding's strings; with many plans, each
    // plan's text, unmapped one by one) took about 10 ms for 200 plans, on one thread.
    std::mem::forget(report);
    Ok(code)
}

/// Expands directories (their `*.json` files, recursively) and globs (`plans/**/*.json`) into
/// inputs, in a stable order; the flag marks inputs found by expansion rather than named.
fn expand_inputs(args: &[String]) -> Result<Vec<(String, bool)>, String> {
    let mut inputs = Vec::new();
    for arg in args {
        let path = std::path::Path::new(arg);
        if arg != "-" && path.is_dir() {
            let mut found = Vec::new();
            walk(path, &mut |p| {
                if p.extension().is_some_and(|e| e == "json") {
                    found.push(p.display().to_string());
                }
            });
            if found.is_empty() {
                return Err(format!("{arg}: no *.json plan files in this directory"));
            }
            found.sort();
            inputs.extend(found.into_iter().map(|p| (p, true)));
        } else if arg.contains(['*', '?', '[']) && !path.exists() {
            let glob = globset::GlobBuilder::new(arg)
                .literal_separator(true)
                .build()
                .map_err(|e| format!("bad pattern {arg:?}: {e}"))?
                .compile_matcher();
            // Walk from the pattern's longest literal directory prefix.
            let literal: String = arg
                .chars()
                .take_while(|c| !matches!(c, '*' | '?' | '['))
                .collect();
            let base = match literal.rfind('/') {
                Some(i) => literal[..=i].to_string(),
                None => ".".to_string(),
            };
            let mut found = Vec::new();
            walk(std::path::Path::new(&base), &mut |p| {
                let shown = p.display().to_string();
                let relative = shown.strip_prefix("./").unwrap_or(&shown);
                if glob.is_match(relative) || glob.is_match(&shown) {
                    found.push(shown);
                }
            });
            if found.is_empty() {
                return Err(format!("no file matches {arg:?}"));
            }
            found.sort();
            inputs.extend(found.into_iter().map(|p| (p, true)));
        } else {
            inputs.push((arg.clone(), false));
        }
    }
    Ok(inputs)
}

fn walk(dir: &std::path::Path, visit: &mut dyn FnMut(&std::path::Path)) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<std::path::PathBuf> =
        entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        // Terraform's own working directory holds provider binaries and module copies.
        if p.file_name()
            .is_some_and(|n| n == ".terraform" || n == ".git")
        {
            continue;
        }
        if p.is_dir() {
            walk(&p, visit);
        } else {
            visit(&p);
        }
    }
}

/// Whether a finding's resource, or one of its related resources, is changed by this plan.
fn touches_change(plan: &Plan, finding: &vpclint_rules::Finding) -> bool {
    std::iter::once(&finding.address)
        .chain(finding.related.iter().map(|r| &r.address))
        .any(|address| {
            plan.by_address(address)
                .is_some_and(|id| plan.resource(id).action.is_change())
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
    let text = match args.format {
        GraphFormat::Json => {
            let doc = vpclint_plan::export::graph_json(&network);
            serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())? + "\n"
        }
        GraphFormat::Mermaid | GraphFormat::Dot => {
            // Findings are highlighted on their resources.
            let findings = vpclint_rules::run(&network, &RuleOptions::default()).findings;
            let options = vpclint_report::picture::PictureOptions {
                vpc: args.vpc.clone(),
                collapse: !args.no_collapse,
            };
            let picture = if args.format == GraphFormat::Mermaid {
                vpclint_report::picture::mermaid(&network, &findings, &options)
            } else {
                vpclint_report::picture::dot(&network, &findings, &options)
            };
            picture.map_err(|e| e.to_string())?
        }
    };
    print!("{text}");
    Ok(EXIT_OK)
}

/// The price table with `[prices]` of the configuration applied, and its `[traffic]`.
fn prices_and_traffic(
    config: Option<&std::path::Path>,
) -> Result<
    (
        vpclint_rules::prices::PriceTable,
        vpclint_rules::cost::Traffic,
    ),
    String,
> {
    let settings = settings(config)?;
    let prices = settings.price_table().map_err(|e| e.to_string())?;
    let mut traffic = vpclint_rules::cost::Traffic::default();
    for (service, size) in &settings.file.traffic {
        traffic
            .add(&format!("{service}={size}"))
            .map_err(|e| format!("[traffic]: {e}"))?;
    }
    Ok((prices, traffic))
}

fn cost(args: CostArgs) -> Result<u8, String> {
    let (prices, mut traffic) = prices_and_traffic(args.config.as_deref())?;
    for assignment in &args.traffic {
        traffic
            .add(assignment)
            .map_err(|e| format!("--traffic: {e}"))?;
    }
    let plan = load(&args.plan, &read_options(&args.input)).map_err(|e| e.to_string())?;
    let network = Network::build(&plan);
    let report = vpclint_rules::cost::cost_report(&network, &prices, &traffic);
    let text = match args.format {
        CostFormat::Human => vpclint_report::cost_report::render_human(&report),
        CostFormat::Json => vpclint_report::cost_report::render_json(&report),
        CostFormat::Markdown => vpclint_report::cost_report::render_markdown(&report),
    };
    print!("{text}");
    Ok(EXIT_OK)
}

fn trace(args: TraceArgs) -> Result<u8, String> {
    let (prices, _) = prices_and_traffic(args.config.as_deref())?;
    let plan = load(&args.plan, &read_options(&args.input)).map_err(|e| e.to_string())?;
    let network = Network::build(&plan);
    let trace = vpclint_report::trace::trace(&network, &prices, &args.from, &args.to)
        .map_err(|e| e.to_string())?;
    let text = match args.format {
        ListFormat::Human => vpclint_report::trace::render_human(&trace),
        ListFormat::Json => vpclint_report::trace::render_json(&trace),
    };
    print!("{text}");
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
            // A struct, not `json!`: its members are written in this order, which a
            // `serde_json::Map` (sorted by key) would not keep.
            #[derive(serde::Serialize)]
            struct Listed<'a> {
                id: &'a str,
                slug: &'a str,
                severity: vpclint_rules::Severity,
                category: vpclint_rules::Category,
                summary: &'a str,
                doc_url: String,
            }
            let list: Vec<Listed<'_>> = registry::RULES
                .iter()
                .map(|r| {
                    let m = r.meta();
                    Listed {
                        id: m.id,
                        slug: m.slug,
                        severity: m.severity,
                        category: m.category,
                        summary: m.summary,
                        doc_url: m.doc_url(),
                    }
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
