//! The stages of `vpclint check`, callable one by one, for the benchmarks and the report.
//!
//! They call the library the way the `vpclint` binary does: read the file, [`Plan::from_input`],
//! [`Network::build`], [`vpclint_rules::run`], then locate and render the JSON report.

use std::path::Path;

use serde::de::IgnoredAny;
use vpclint_plan::input::Input;
use vpclint_plan::network::Network;
use vpclint_plan::resolve::{Resolution, Resolver};
use vpclint_plan::value::Step;
use vpclint_plan::Plan;
use vpclint_report::{LocateOptions, Locator, Report};
use vpclint_rules::{registry, Outcome, RuleOptions};

/// The floor: what any tool reading the plan must do at least. Reads the file and parses it with
/// serde_json into `IgnoredAny` (validating every byte, building nothing).
pub fn floor(path: &Path) -> usize {
    let bytes = std::fs::read(path).expect("read plan");
    floor_bytes(&bytes);
    bytes.len()
}

pub fn floor_bytes(bytes: &[u8]) {
    serde_json::from_slice::<IgnoredAny>(bytes).expect("valid JSON");
}

/// Reading the input as the binary does (a large file is mapped, not copied).
pub fn read(path: &Path) -> Input {
    vpclint_plan::input::read_source(
        &vpclint_plan::input::Source::File(path.to_path_buf()),
        &vpclint_plan::input::ReadOptions::default(),
    )
    .expect("read plan")
}

/// Bytes into the typed model (what `vpclint_plan::load` does after reading).
pub fn parse(input: Input) -> Plan {
    Plan::from_input(input).expect("the plan parses")
}

/// A resource type, one of its reference attributes (a path of keys and list positions) and the
/// types the attribute takes.
type Reference = (
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
);

/// Reference attributes the graph builder resolves, by resource type.
const REFERENCES: &[Reference] = &[
    ("aws_subnet", &["vpc_id"], &["aws_vpc"]),
    ("aws_route_table", &["vpc_id"], &["aws_vpc"]),
    ("aws_security_group", &["vpc_id"], &["aws_vpc"]),
    ("aws_internet_gateway", &["vpc_id"], &["aws_vpc"]),
    ("aws_vpc_endpoint", &["vpc_id"], &["aws_vpc"]),
    (
        "aws_vpc_endpoint",
        &["route_table_ids"],
        &["aws_route_table"],
    ),
    ("aws_vpc_endpoint", &["subnet_ids"], &["aws_subnet"]),
    (
        "aws_vpc_endpoint",
        &["security_group_ids"],
        &["aws_security_group"],
    ),
    ("aws_nat_gateway", &["subnet_id"], &["aws_subnet"]),
    ("aws_route", &["route_table_id"], &["aws_route_table"]),
    ("aws_route", &["nat_gateway_id"], &["aws_nat_gateway"]),
    ("aws_route", &["gateway_id"], &["aws_internet_gateway"]),
    (
        "aws_route_table_association",
        &["route_table_id"],
        &["aws_route_table"],
    ),
    (
        "aws_route_table_association",
        &["subnet_id"],
        &["aws_subnet"],
    ),
    (
        "aws_vpc_security_group_ingress_rule",
        &["security_group_id"],
        &["aws_security_group"],
    ),
    (
        "aws_vpc_security_group_egress_rule",
        &["security_group_id"],
        &["aws_security_group"],
    ),
    ("aws_instance", &["subnet_id"], &["aws_subnet"]),
    (
        "aws_db_instance",
        &["db_subnet_group_name"],
        &["aws_db_subnet_group"],
    ),
    (
        "aws_ecs_service",
        &["network_configuration", "0", "subnets"],
        &["aws_subnet"],
    ),
    (
        "aws_lambda_function",
        &["vpc_config", "0", "subnet_ids"],
        &["aws_subnet"],
    ),
];

/// Resolution alone: every reference attribute of the table above, with one resolver.
/// Returns how many resolved to known links (so the work is not optimised away).
pub fn resolve(plan: &Plan) -> usize {
    let resolver = Resolver::new(plan);
    let mut known = 0;
    for (id, r) in plan.resources.iter().enumerate() {
        for (rtype, path, want) in REFERENCES {
            if r.rtype() != *rtype {
                continue;
            }
            let steps: Vec<Step<'_>> = path
                .iter()
                .map(|p| match p.parse::<usize>() {
                    Ok(i) => Step::Index(i),
                    Err(_) => Step::Key(p),
                })
                .collect();
            if let Resolution::Known(_) = resolver.resolve(id, &steps, want) {
                known += 1;
            }
        }
    }
    known
}

/// The network graph (resolution included).
pub fn graph(plan: &Plan) -> Network<'_> {
    Network::build(plan)
}

/// Every rule, with the default options.
pub fn rules(network: &Network<'_>) -> Outcome {
    vpclint_rules::run(network, &RuleOptions::default())
}

/// Locating the findings and rendering the JSON report, as `vpclint check --format json` does.
pub fn report(plan: &Plan, outcome: Outcome) -> String {
    let locator = Locator::new(LocateOptions {
        display_base: std::env::current_dir().ok(),
        ..LocateOptions::default()
    });
    let report = Report {
        plans: vec![locator.report(plan, outcome)],
        rules: registry::RULES.iter().map(|r| r.meta()).collect(),
        ..Report::default()
    };
    vpclint_report::render(
        vpclint_report::Format::Json,
        &report,
        &vpclint_report::RenderOptions::default(),
    )
}

/// All stages on one plan: what `vpclint check --format json` does in-process.
pub fn check(path: &Path) -> (usize, usize) {
    let plan = parse(read(path));
    let outcome = {
        let network = graph(&plan);
        rules(&network)
    };
    let findings = outcome.findings.len();
    let text = report(&plan, outcome);
    (findings, text.len())
}
