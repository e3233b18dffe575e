//! The subcommands.

use rayon::prelude::*;
use serde_json::json;
use vpclint_plan::input::{ReadOptions, Source};
use vpclint_plan::network::Network;
use vpclint_plan::{Plan, PlanError};
use vpclint_rules::{registry, RuleOptions, Severity};

use crate::cli::{CheckArgs, CheckFormat, Cli, Command, FailOn, GraphArgs, InputArgs, ListFormat};

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
    // Plans are independent: read and check them in parallel, report in input order.
    let results: Vec<Result<(vpclint_rules::Outcome, usize), PlanError>> = args
        .plans
        .par_iter()
        .map(|arg| {
            let plan = load(arg, &options)?;
            let network = Network::build(&plan);
            let outcome = vpclint_rules::run(&network, &rule_options);
            Ok((outcome, plan.resources.len()))
        })
        .collect();
    let mut findings = Vec::new();
    let mut unchecked = Vec::new();
    let mut errors = Vec::new();
    let mut resources = 0;
    for result in results {
        match result {
            Ok((outcome, n)) => {
                findings.extend(outcome.findings);
                unchecked.extend(outcome.unchecked);
                resources += n;
            }
            Err(e) => errors.push(e),
        }
    }
    for e in &errors {
        eprintln!("error: {e}");
    }
    match args.format {
        CheckFormat::Json => {
            let doc = json!({
                "version": 1,
                "findings": findings,
                "summary": {
                    "plans": args.plans.len() - errors.len(),
                    "errors": errors.len(),
                    "resources": resources,
                    "findings": findings.len(),
                    "unchecked": unchecked.len(),
                },
                "unchecked": unchecked,
            });
            println!(
                "{}",
                serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?
            );
        }
        CheckFormat::Human => {
            for f in &findings {
                println!(
                    "{}: {} [{} {}] {}",
                    f.address,
                    f.severity.as_str(),
                    f.rule,
                    f.slug,
                    f.message
                );
            }
            println!(
                "{} plan(s), {} resource instance(s), {} finding(s), {} check(s) skipped on unknown values",
                args.plans.len() - errors.len(),
                resources,
                findings.len(),
                unchecked.len()
            );
        }
    }
    if !errors.is_empty() {
        return Ok(EXIT_ERROR);
    }
    let threshold = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Note => Some(Severity::Note),
        FailOn::Never => None,
    };
    let failing = threshold.is_some_and(|t| findings.iter().any(|f| f.severity.at_least(t)));
    Ok(if failing { EXIT_FINDINGS } else { EXIT_OK })
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
