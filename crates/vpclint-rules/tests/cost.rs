//! The cost report on plans, against figures computed by hand (see `fixtures/cost/README.md`).

use std::path::{Path, PathBuf};

use vpclint_plan::input::{ReadOptions, Source};
use vpclint_plan::network::Network;
use vpclint_plan::Plan;
use vpclint_rules::cost::{
    cost_report, CostReport, Decision, DecisionKind, PriceOverrides, PriceTable, Traffic, Verdict,
    VpcCost,
};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn load(case: &str) -> Plan {
    let path = root().join("fixtures").join(case).join("plan.json");
    vpclint_plan::load(&Source::File(path), &ReadOptions::default()).unwrap()
}

fn report(plan: &Plan, prices: &PriceTable, traffic: &[&str]) -> CostReport {
    let network = Network::build(plan);
    cost_report(
        &network,
        prices,
        &Traffic::parse(traffic.iter().copied()).unwrap(),
    )
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-6)
}

#[track_caller]
fn assert_close(a: Option<f64>, b: f64) {
    assert!(close(a, b), "{a:?} != {b}");
}

fn decisions(vpc: &VpcCost, kind: DecisionKind) -> Vec<&Decision> {
    vpc.decisions.iter().filter(|d| d.kind == kind).collect()
}

/// Tokyo: one NAT gateway in ap-northeast-1a for private subnets in 1a and 1c, and six Interface
/// endpoints (private DNS on) in both AZs.
#[test]
fn tokyo_seed_case() {
    let plan = load("cost/tokyo-seed");
    let r = report(&plan, &PriceTable::builtin(), &[]);
    assert!(!r.with_traffic);
    let vpc = &r.vpcs[0];
    assert_eq!(vpc.vpc.as_deref(), Some("aws_vpc.main"));
    assert_eq!(vpc.region.as_deref(), Some("ap-northeast-1"));
    // NAT gateway: 730 x 0.062 = 45.26 hours, 730 x 0.005 = 3.65 public IPv4, 48.91 a month.
    let nat = &vpc.nat_gateways[0];
    assert_close(nat.hours_monthly_usd, 45.26);
    assert_close(nat.public_ipv4_monthly_usd, 3.65);
    assert_close(nat.monthly_usd, 48.91);
    // Each endpoint: 2 AZs x 0.014 x 730 = 20.44; six of them 122.64.
    assert_eq!(vpc.interface_endpoints.len(), 6);
    for e in &vpc.interface_endpoints {
        assert_close(e.monthly_usd, 20.44);
        assert_eq!(e.carries_traffic, Some(true));
    }
    // Fixed: 48.91 + 122.64 = 171.55.
    assert_close(vpc.fixed_monthly_usd, 171.55);
    // Through the NAT gateway: 0.062 from 1a, 0.062 + 2 x 0.01 = 0.082 from 1c (cross-AZ).
    let rate_from = |table: &str, dest: &str| {
        vpc.paths
            .iter()
            .find(|p| p.route_table.as_deref() == Some(table))
            .unwrap()
            .rates
            .iter()
            .find(|r| r.destination == dest)
            .unwrap()
            .per_gb_usd
    };
    assert_close(rate_from("aws_route_table.private_a", "internet"), 0.062);
    assert_close(rate_from("aws_route_table.private_c", "internet"), 0.082);
    assert_close(rate_from("aws_route_table.private_c", "ecr.dkr"), 0.01);
    assert_close(rate_from("aws_route_table.public", "internet"), 0.0);
    // The seed question: removing all six endpoints saves 122.64 a month and costs, per GB of
    // their traffic, the average NAT rate (0.062 + 0.082) / 2 = 0.072 less 0.01: 0.062. They pay
    // for themselves above 122.64 / 0.062 = 1978.06 GB a month.
    let seed = decisions(vpc, DecisionKind::EndpointsVersusNat);
    assert_eq!(seed.len(), 1);
    assert_close(seed[0].fixed_monthly_usd, -122.64);
    assert_close(seed[0].per_gb_usd, 0.062);
    assert_close(seed[0].break_even_gb_per_month, 122.64 / 0.062);
    assert_eq!(seed[0].verdict, Verdict::DependsOnTraffic);
    assert!(
        seed[0]
            .summary
            .contains("$122.64/month against $48.91/month"),
        "{}",
        seed[0].summary
    );
    // One endpoint: 20.44 / 0.062 = 329.68 GB a month.
    for d in decisions(vpc, DecisionKind::RemoveInterfaceEndpoint) {
        assert_close(d.break_even_gb_per_month, 20.44 / 0.062);
    }
    // S3 has no Gateway endpoint: free, and saves the 0.072 average.
    let s3 = decisions(vpc, DecisionKind::AddGatewayEndpoint);
    assert_eq!(s3.len(), 1);
    assert_eq!(s3[0].verdict, Verdict::AlwaysCheaper);
    assert_close(s3[0].per_gb_usd, -0.072);
    // A NAT gateway in 1c: 48.91 a month against 0.02/GB cross-AZ: 2445.5 GB a month.
    let spread = decisions(vpc, DecisionKind::SpreadNatGateways);
    assert_close(spread[0].fixed_monthly_usd, 48.91);
    assert_close(spread[0].break_even_gb_per_month, 2445.5);
    assert!(decisions(vpc, DecisionKind::ConsolidateNatGateways).is_empty());
}

#[test]
fn tokyo_seed_case_with_traffic() {
    let plan = load("cost/tokyo-seed");
    let r = report(
        &plan,
        &PriceTable::builtin(),
        &["s3=2TB", "internet=500GB", "ecr.dkr=1TB"],
    );
    let vpc = &r.vpcs[0];
    let t = vpc.traffic.as_ref().unwrap();
    // s3: 2000 GB x 0.072 = 144; internet: 500 x 0.072 = 36; ecr.dkr: 1000 x 0.01 = 10.
    let line = |d: &str| t.destinations.iter().find(|l| l.destination == d).unwrap();
    assert_close(line("s3").monthly_usd, 144.0);
    assert_close(line("internet").monthly_usd, 36.0);
    assert_close(line("ecr.dkr").monthly_usd, 10.0);
    assert_close(t.processing_monthly_usd, 190.0);
    assert_close(t.total_monthly_usd, 361.55);
    // The S3 Gateway endpoint saves all 144.
    let s3 = decisions(vpc, DecisionKind::AddGatewayEndpoint)[0];
    let o = s3.with_traffic.as_ref().unwrap();
    assert_close(Some(o.affected_gb_per_month), 2000.0);
    assert_close(o.monthly_change_usd, -144.0);
    assert_close(o.alternative_monthly_usd, 217.55);
    assert_eq!(s3.verdict, Verdict::Cheaper);
    // ecr.dkr at 1000 GB: removing its endpoint saves 20.44 and costs 1000 x 0.062 = 62.
    let dkr = decisions(vpc, DecisionKind::RemoveInterfaceEndpoint)
        .into_iter()
        .find(|d| d.service.as_deref() == Some("ecr.dkr"))
        .unwrap();
    assert_close(dkr.with_traffic.as_ref().unwrap().monthly_change_usd, 41.56);
    assert_eq!(dkr.verdict, Verdict::Dearer);
    // The other services have no assumption: no outcome for all six together.
    let seed = decisions(vpc, DecisionKind::EndpointsVersusNat)[0];
    assert!(seed.with_traffic.is_none());
    assert_eq!(seed.verdict, Verdict::DependsOnTraffic);
    // A NAT gateway in 1c: NAT traffic from 1c is s3 1000 + internet 250 = 1250 GB;
    // 48.91 - 1250 x 0.02 = 23.91 more.
    let spread = decisions(vpc, DecisionKind::SpreadNatGateways)[0];
    let o = spread.with_traffic.as_ref().unwrap();
    assert_close(Some(o.affected_gb_per_month), 1250.0);
    assert_close(o.monthly_change_usd, 23.91);
}

/// us-east-1: NAT gateways in 1a and 1b, private subnets in 1a, 1b and 1c (1c routed to the NAT
/// gateway in 1a), an S3 Gateway endpoint on the 1a and 1b tables only, and two Interface
/// endpoints in three AZs.
#[test]
fn virginia_two_nat_gateways() {
    let plan = load("cost/virginia-two-nats");
    let r = report(
        &plan,
        &PriceTable::builtin(),
        &["s3=3TB", "internet=1.5TB", "ecr.dkr=600GB", "ecr.api=100GB"],
    );
    let vpc = &r.vpcs[0];
    // Two NAT gateways at 730 x (0.045 + 0.005) = 36.50; two endpoints at 3 x 0.01 x 730 = 21.90.
    assert_close(vpc.fixed_monthly_usd, 116.8);
    let t = vpc.traffic.as_ref().unwrap();
    let line = |d: &str| t.destinations.iter().find(|l| l.destination == d).unwrap();
    // internet: 1500 x (0.045 + 0.045 + 0.065) / 3 = 77.50
    assert_close(line("internet").monthly_usd, 77.5);
    // s3: only 1c pays, 1000 GB x 0.065 = 65
    assert_close(line("s3").monthly_usd, 65.0);
    assert_close(line("ecr.dkr").monthly_usd, 6.0);
    assert_close(line("ecr.api").monthly_usd, 1.0);
    assert_close(t.total_monthly_usd, 266.3);
    let s3 = decisions(vpc, DecisionKind::AddGatewayEndpoint)[0];
    assert_eq!(s3.resources, vec!["aws_route_table.private_c"]);
    assert_close(s3.with_traffic.as_ref().unwrap().monthly_change_usd, -65.0);
    // Removing the ecr.dkr endpoint: -21.90 + 600 x (0.051667 - 0.01) = +3.10
    let dkr = decisions(vpc, DecisionKind::RemoveInterfaceEndpoint)
        .into_iter()
        .find(|d| d.service.as_deref() == Some("ecr.dkr"))
        .unwrap();
    assert_close(dkr.break_even_gb_per_month, 21.9 / (0.155 / 3.0 - 0.01));
    assert_close(dkr.with_traffic.as_ref().unwrap().monthly_change_usd, 3.1);
    assert_eq!(dkr.verdict, Verdict::Dearer);
    // Both endpoints: -43.80 + 700 x 0.041667 = -14.63
    let both = decisions(vpc, DecisionKind::EndpointsVersusNat)[0];
    assert_close(
        both.with_traffic.as_ref().unwrap().monthly_change_usd,
        -43.8 + 700.0 * (0.155 / 3.0 - 0.01),
    );
    assert_eq!(both.verdict, Verdict::Cheaper);
    // A NAT gateway in 1c: NAT traffic from 1c is internet 500 + s3 1000 = 1500 GB:
    // 36.50 - 1500 x 0.02 = +6.50
    let spread = decisions(vpc, DecisionKind::SpreadNatGateways)[0];
    assert_eq!(spread.title, "add a NAT gateway in us-east-1c");
    assert_close(
        spread.with_traffic.as_ref().unwrap().monthly_change_usd,
        6.5,
    );
    assert_eq!(spread.verdict, Verdict::Dearer);
    // Keeping only the 1a NAT gateway: -36.50 + 500 GB (internet from 1b) x 0.02 = -26.50
    let consolidate = decisions(vpc, DecisionKind::ConsolidateNatGateways)[0];
    assert_eq!(consolidate.title, "keep only aws_nat_gateway.a");
    assert_close(consolidate.break_even_gb_per_month, 1825.0);
    assert_close(
        consolidate
            .with_traffic
            .as_ref()
            .unwrap()
            .monthly_change_usd,
        -26.5,
    );
    assert_eq!(consolidate.verdict, Verdict::Cheaper);
}

#[test]
fn unknown_figures_are_reported_not_guessed() {
    let plan = load("example");
    let r = report(&plan, &PriceTable::builtin(), &[]);
    let vpc = &r.vpcs[0];
    assert_eq!(vpc.vpc.as_deref(), Some("module.network.aws_vpc.this"));
    // eu-west-1 has an Interface endpoint hourly rate ($0.011, docs/prices-sources.md):
    // 38.69 + 3 endpoints x 1 AZ x 0.011 x 730 + 1 x 2 AZs x 0.011 x 730 = 78.84
    assert_close(vpc.fixed_monthly_usd, 78.84);
    assert!(vpc.unknown.iter().all(|u| !u.contains("hourly price")));
    // The endpoints carry nothing: private DNS is off.
    for e in &vpc.interface_endpoints {
        assert_eq!(e.carries_traffic, Some(false), "{}", e.address);
    }
    // The legacy VPC's resources all have an unknown `vpc_id`: one group of unknown VPC.
    let legacy = r.vpcs.iter().find(|v| v.vpc.is_none()).unwrap();
    assert!(legacy.label.starts_with("VPC unknown until apply"));
    assert_eq!(legacy.nat_gateways.len(), 1);

    // us-east-2's rate is in no source found: the same plan there reports it unknown, and the
    // total with it, rather than borrowing us-east-1's.
    let text = std::fs::read_to_string(root().join("fixtures/example/plan.json"))
        .unwrap()
        .replace("eu-west-1", "us-east-2");
    let plan = Plan::from_json("us-east-2.json", text.as_bytes()).unwrap();
    let r = report(&plan, &PriceTable::builtin(), &[]);
    let vpc = &r.vpcs[0];
    assert_eq!(vpc.fixed_monthly_usd, None);
    // One NAT gateway: 730 h x ($0.045 + $0.005)
    assert_close(Some(vpc.fixed_monthly_known_usd), 36.5);
    assert!(vpc
        .unknown
        .iter()
        .any(|u| u == "no Interface endpoint hourly price for us-east-2"));
    // With an override, the figure is known: 36.50 + 5 endpoint-AZs x 0.011 x 730 = 76.65
    let overrides: PriceOverrides = serde_json::from_value(serde_json::json!({
        "us-east-2": {"interface_endpoint_hour": 0.011, "as_of": "2026-11-01"}
    }))
    .unwrap();
    let prices = PriceTable::builtin().with_overrides(&overrides).unwrap();
    let r = report(&plan, &prices, &[]);
    assert_close(r.vpcs[0].fixed_monthly_usd, 76.65);
}

#[test]
fn a_region_without_prices_gets_no_figures() {
    let text = std::fs::read_to_string(root().join("fixtures/cost/tokyo-seed/plan.json"))
        .unwrap()
        .replace("ap-northeast-1", "sa-east-1");
    let plan = Plan::from_json("sa-east-1.json", text.as_bytes()).unwrap();
    let r = report(&plan, &PriceTable::builtin(), &["s3=1TB"]);
    let vpc = &r.vpcs[0];
    assert_eq!(vpc.region.as_deref(), Some("sa-east-1"));
    assert!(vpc.prices.is_none());
    assert_eq!(vpc.fixed_monthly_usd, None);
    assert_eq!(vpc.fixed_monthly_known_usd, 0.0);
    assert!(vpc.unknown[0].starts_with("no prices for region sa-east-1"));
    for p in &vpc.paths {
        for rate in &p.rates {
            // Only free paths (the internet gateway) have a figure.
            assert!(!matches!(rate.per_gb_usd, Some(r) if r != 0.0), "{rate:?}");
        }
    }
    assert_eq!(vpc.traffic.as_ref().unwrap().total_monthly_usd, None);
}

#[test]
fn traffic_for_a_vpc_not_in_the_plan_is_noted() {
    let plan = load("cost/tokyo-seed");
    let r = report(&plan, &PriceTable::builtin(), &["s3@aws_vpc.other=1TB"]);
    assert_eq!(
        r.notes,
        vec!["traffic assumptions for aws_vpc.other: no VPC with that address in the plan"]
    );
}

#[test]
fn the_report_is_deterministic() {
    let plan = load("example");
    let a = serde_json::to_string(&report(&plan, &PriceTable::builtin(), &["s3=1TB"])).unwrap();
    let b = serde_json::to_string(&report(&plan, &PriceTable::builtin(), &["s3=1TB"])).unwrap();
    assert_eq!(a, b);
}
