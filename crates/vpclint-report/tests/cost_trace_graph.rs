//! Snapshots of `vpclint cost`, `vpclint trace` and `vpclint graph --format mermaid|dot` output on
//! fixture plans.

use std::path::{Path, PathBuf};

use vpclint_plan::input::{ReadOptions, Source};
use vpclint_plan::network::Network;
use vpclint_plan::Plan;
use vpclint_report::cost_report;
use vpclint_report::picture::{self, PictureError, PictureOptions};
use vpclint_report::trace::{self, TraceError};
use vpclint_rules::cost::{cost_report, PriceTable, Traffic};
use vpclint_rules::RuleOptions;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A fixture plan, named by its path from the workspace root so that output is the same on every
/// machine.
fn load(case: &str) -> Plan {
    let path = root().join("fixtures").join(case).join("plan.json");
    let mut plan = vpclint_plan::load(&Source::File(path), &ReadOptions::default()).unwrap();
    plan.name = format!("fixtures/{case}/plan.json");
    plan
}

fn cost(case: &str, traffic: &[&str]) -> vpclint_rules::cost::CostReport {
    let plan = load(case);
    let network = Network::build(&plan);
    cost_report(
        &network,
        &PriceTable::builtin(),
        &Traffic::parse(traffic.iter().copied()).unwrap(),
    )
}

// ---------------------------------------------------------------------------------------------
// cost
// ---------------------------------------------------------------------------------------------

#[test]
fn cost_of_the_readme_example() {
    let report = cost("example", &[]);
    insta::assert_snapshot!("cost_example_human", cost_report::render_human(&report));
    insta::assert_snapshot!(
        "cost_example_markdown",
        cost_report::render_markdown(&report)
    );
    insta::assert_snapshot!("cost_example_json", cost_report::render_json(&report));
}

#[test]
fn cost_of_the_tokyo_seed_case_with_traffic() {
    let report = cost(
        "cost/tokyo-seed",
        &["s3=2TB", "internet=500GB", "ecr.dkr=1TB"],
    );
    insta::assert_snapshot!("cost_tokyo_human", cost_report::render_human(&report));
    insta::assert_snapshot!("cost_tokyo_markdown", cost_report::render_markdown(&report));
}

#[test]
fn cost_of_two_nat_gateways_in_virginia() {
    let report = cost(
        "cost/virginia-two-nats",
        &["s3=3TB", "internet=1.5TB", "ecr.dkr=600GB", "ecr.api=100GB"],
    );
    insta::assert_snapshot!("cost_virginia_human", cost_report::render_human(&report));
    insta::assert_snapshot!("cost_virginia_json", cost_report::render_json(&report));
}

#[test]
fn cost_json_is_the_report_serialized() {
    let report = cost("example", &["s3=1TB"]);
    let json: serde_json::Value = serde_json::from_str(&cost_report::render_json(&report)).unwrap();
    assert_eq!(json, serde_json::to_value(&report).unwrap());
    assert_eq!(json["vpcs"][0]["vpc"], "module.network.aws_vpc.this");
}

// ---------------------------------------------------------------------------------------------
// trace
// ---------------------------------------------------------------------------------------------

fn traced(case: &str, from: &str, to: &str) -> trace::Trace {
    let plan = load(case);
    let network = Network::build(&plan);
    trace::trace(&network, &PriceTable::builtin(), from, to).unwrap()
}

#[test]
fn trace_through_a_nat_gateway() {
    // community-vpc: every id unknown, the VPC of every resource unknown (`local.vpc_id`).
    let t = traced(
        "graph/community-vpc",
        "module.vpc.aws_subnet.private[1]",
        "internet",
    );
    assert_eq!(t.paths[0].end.kind, "internet");
    // us-east-1: $0.045/GB NAT processing, the NAT gateway in the subnet's AZ.
    assert_eq!(t.paths[0].per_gb_usd, Some(0.045));
    insta::assert_snapshot!("trace_nat_routed_human", trace::render_human(&t));
    insta::assert_snapshot!("trace_nat_routed_json", trace::render_json(&t));
}

#[test]
fn trace_to_s3_across_azs() {
    let t = traced("example", "module.network.aws_subnet.private[1]", "s3");
    // eu-west-1: $0.048 NAT processing + 2 x $0.01 cross-AZ.
    assert_eq!(t.paths[0].per_gb_usd, Some(0.068));
    insta::assert_snapshot!("trace_cross_az_s3_human", trace::render_human(&t));
}

#[test]
fn trace_from_a_public_subnet() {
    let t = traced("C001/pass", "aws_subnet.public_a", "internet");
    assert_eq!(t.paths[0].per_gb_usd, Some(0.0));
    insta::assert_snapshot!("trace_public_human", trace::render_human(&t));
}

#[test]
fn trace_from_an_isolated_subnet() {
    let t = traced("N010/fail", "aws_subnet.private_a", "internet");
    assert_eq!(t.paths[0].end.kind, "no_route");
    insta::assert_snapshot!("trace_isolated_human", trace::render_human(&t));
    insta::assert_snapshot!("trace_isolated_json", trace::render_json(&t));
}

#[test]
fn trace_through_a_gateway_endpoint() {
    let t = traced("C001/pass", "aws_subnet.private_a", "s3");
    assert_eq!(t.paths[0].end.kind, "gateway_endpoint");
    assert_eq!(t.paths[0].per_gb_usd, Some(0.0));
    insta::assert_snapshot!("trace_gateway_endpoint_human", trace::render_human(&t));
    insta::assert_snapshot!("trace_gateway_endpoint_json", trace::render_json(&t));
}

#[test]
fn trace_from_a_workload_through_an_interface_endpoint() {
    let t = traced(
        "N010/fail",
        "aws_ecs_service.app",
        "com.amazonaws.eu-west-1.ecr.dkr",
    );
    assert_eq!(t.to, "ecr.dkr");
    assert_eq!(t.paths.len(), 2);
    assert!(t.paths.iter().all(|p| p.end.kind == "interface_endpoint"));
    assert_eq!(t.paths[0].per_gb_usd, Some(0.01));
    insta::assert_snapshot!("trace_workload_interface_human", trace::render_human(&t));
}

#[test]
fn trace_that_becomes_unknown() {
    // The S3 Gateway endpoint's VPC is unknown: it may or may not serve the table.
    let t = traced("C001/pass-unknown", "aws_subnet.private_a", "s3");
    assert_eq!(t.paths[0].end.kind, "unknown");
    assert_eq!(t.paths[0].per_gb_usd, None);
    insta::assert_snapshot!("trace_unknown_human", trace::render_human(&t));
    insta::assert_snapshot!("trace_unknown_json", trace::render_json(&t));
}

#[test]
fn trace_every_instance_of_a_resource() {
    let t = traced("graph/community-vpc", "module.vpc.aws_subnet.private", "s3");
    let subnets: Vec<&str> = t.paths.iter().map(|p| p.subnet.as_str()).collect();
    assert_eq!(
        subnets,
        [
            "module.vpc.aws_subnet.private[0]",
            "module.vpc.aws_subnet.private[1]",
            "module.vpc.aws_subnet.private[2]"
        ]
    );
}

#[test]
fn trace_errors_say_what_is_wrong() {
    let plan = load("C001/pass");
    let network = Network::build(&plan);
    let prices = PriceTable::builtin();
    let err = trace::trace(&network, &prices, "aws_subnet.private", "s3").unwrap_err();
    assert_eq!(
        err,
        TraceError::NotFound {
            from: "aws_subnet.private".into(),
            suggestions: vec!["aws_subnet.private_a".into(), "aws_subnet.private_b".into()],
        }
    );
    assert_eq!(
        err.to_string(),
        "no subnet or workload \"aws_subnet.private\" in the plan (did you mean aws_subnet.private_a, aws_subnet.private_b?)"
    );
    let err = trace::trace(&network, &prices, "aws_nat_gateway.a", "s3").unwrap_err();
    assert!(matches!(err, TraceError::NotASource { ref kind, .. } if kind == "nat gateway"));
    let err = trace::trace(&network, &prices, "aws_subnet.private_a", "S3!").unwrap_err();
    assert_eq!(err, TraceError::Destination("S3!".into()));
}

// ---------------------------------------------------------------------------------------------
// graph
// ---------------------------------------------------------------------------------------------

fn pictures(case: &str, options: &PictureOptions) -> (String, String) {
    let plan = load(case);
    let network = Network::build(&plan);
    let findings = vpclint_rules::run(&network, &RuleOptions::default()).findings;
    (
        picture::mermaid(&network, &findings, options).unwrap(),
        picture::dot(&network, &findings, options).unwrap(),
    )
}

#[test]
fn graph_of_the_readme_example() {
    let (mermaid, dot) = pictures("example", &PictureOptions::default());
    // The example's findings are highlighted on their resources.
    assert!(mermaid.contains("class "), "{mermaid}");
    assert!(mermaid.contains("⚠ C001, R002"), "{mermaid}");
    insta::assert_snapshot!("graph_example_mermaid", mermaid);
    insta::assert_snapshot!("graph_example_dot", dot);
}

#[test]
fn graph_of_one_vpc() {
    let options = PictureOptions {
        vpc: Some("module.network.aws_vpc.this".into()),
        ..PictureOptions::default()
    };
    let (mermaid, _) = pictures("example", &options);
    assert!(!mermaid.contains("vpc_legacy"), "{mermaid}");
    insta::assert_snapshot!("graph_example_network_vpc_mermaid", mermaid);
    // A group whose VPC is unknown is picked by any of its resources.
    let options = PictureOptions {
        vpc: Some("module.vpc_legacy.aws_subnet.private[0]".into()),
        ..PictureOptions::default()
    };
    let (mermaid, _) = pictures("example", &options);
    assert!(mermaid.contains("VPC unknown until apply"), "{mermaid}");
    assert!(!mermaid.contains("module.network."), "{mermaid}");
}

#[test]
fn graph_of_an_unknown_vpc_is_an_error() {
    let plan = load("example");
    let network = Network::build(&plan);
    let options = PictureOptions {
        vpc: Some("aws_vpc.nope".into()),
        ..PictureOptions::default()
    };
    let err = picture::mermaid(&network, &[], &options).unwrap_err();
    assert_eq!(
        err,
        PictureError::NoSuchVpc {
            vpc: "aws_vpc.nope".into(),
            vpcs: vec![
                "module.network.aws_vpc.this".into(),
                "module.vpc_legacy.aws_vpc.this[0]".into()
            ],
        }
    );
}

#[test]
fn graph_of_the_community_module() {
    let (mermaid, dot) = pictures("graph/community-vpc", &PictureOptions::default());
    insta::assert_snapshot!("graph_community_vpc_mermaid", mermaid);
    insta::assert_snapshot!("graph_community_vpc_dot", dot);
}

/// The Tokyo fixture with a second private subnet in ap-northeast-1a on the same route table, with
/// the same endpoints.
fn tokyo_with_two_subnets_in_1a() -> Plan {
    let text = std::fs::read_to_string(root().join("fixtures/cost/tokyo-seed/plan.json")).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let resources = doc["values"]["root_module"]["resources"]
        .as_array_mut()
        .unwrap();
    let copy = |address: &str, rename: &dyn Fn(&mut serde_json::Value)| {
        let mut r = resources
            .iter()
            .find(|r| r["address"] == address)
            .unwrap()
            .clone();
        rename(&mut r);
        r
    };
    let subnet = copy("aws_subnet.private_a", &|r| {
        r["address"] = "aws_subnet.private_a2".into();
        r["name"] = "private_a2".into();
        r["values"]["id"] = "subnet-0prva2".into();
        r["values"]["cidr_block"] = "10.0.11.0/24".into();
    });
    let assoc = copy("aws_route_table_association.private_a", &|r| {
        r["address"] = "aws_route_table_association.private_a2".into();
        r["name"] = "private_a2".into();
        r["values"]["id"] = "rtbassoc-prva2".into();
        r["values"]["subnet_id"] = "subnet-0prva2".into();
    });
    // The endpoints are in both subnets of 1a, so that the two are alike.
    for r in resources.iter_mut() {
        if let Some(ids) = r["values"]["subnet_ids"].as_array_mut() {
            if ids.iter().any(|id| id == "subnet-0prva") {
                ids.push("subnet-0prva2".into());
            }
        }
    }
    resources.push(subnet);
    resources.push(assoc);
    Plan::from_json("tokyo-two-subnets.json", doc.to_string().as_bytes()).unwrap()
}

#[test]
fn collapsing_merges_identical_subnets_of_an_az() {
    let plan = tokyo_with_two_subnets_in_1a();
    let network = Network::build(&plan);
    let collapsed = picture::mermaid(&network, &[], &PictureOptions::default()).unwrap();
    assert!(
        collapsed.contains("aws_subnet.private_a, aws_subnet.private_a2<br/>2 subnets, NAT-routed"),
        "{collapsed}"
    );
    let full = picture::mermaid(
        &network,
        &[],
        &PictureOptions {
            collapse: false,
            ..PictureOptions::default()
        },
    )
    .unwrap();
    assert!(
        full.contains("aws_subnet.private_a2<br/>subnet 10.0.11.0/24, NAT-routed"),
        "{full}"
    );
    // Subnets of different AZs or route tables never merge.
    assert!(
        collapsed.contains("aws_subnet.private_c<br/>subnet"),
        "{collapsed}"
    );
    assert!(
        collapsed.contains("aws_subnet.public_a<br/>subnet"),
        "{collapsed}"
    );
}

#[test]
fn the_docs_show_the_current_picture_of_the_example() {
    let doc = std::fs::read_to_string(root().join("docs/graph-pictures.md")).unwrap();
    let start = doc.find("```mermaid\n").unwrap() + "```mermaid\n".len();
    let end = start + doc[start..].find("```").unwrap();
    let (mermaid, _) = pictures("example", &PictureOptions::default());
    assert_eq!(
        &doc[start..end],
        mermaid,
        "docs/graph-pictures.md is out of date: paste `vpclint graph fixtures/example/plan.json --format mermaid` into it (and regenerate docs/example-network.svg)"
    );
}

#[test]
fn pictures_are_deterministic() {
    let a = pictures("example", &PictureOptions::default());
    let b = pictures("example", &PictureOptions::default());
    assert_eq!(a, b);
}
