//! The cost findings (C001, C002, C003, R002) quote the prices in `RuleOptions::prices`: the
//! built-in table by default, the user's `[prices]` overrides when given. Every fixture here is in
//! eu-west-1.

use std::path::{Path, PathBuf};

use vpclint_plan::input::{ReadOptions, Source};
use vpclint_plan::network::Network;
use vpclint_rules::prices::{PriceOverrides, PriceTable};
use vpclint_rules::{Finding, RuleOptions};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The first finding `rule` gives on `fixtures/<rule>/fail`, with `prices`.
fn finding(rule: &str, prices: PriceTable) -> Finding {
    let path = root().join("fixtures").join(rule).join("fail/plan.json");
    let plan = vpclint_plan::load(&Source::File(path), &ReadOptions::default()).unwrap();
    let network = Network::build(&plan);
    let options = RuleOptions {
        select: vec![rule.to_string()],
        prices,
        ..RuleOptions::default()
    };
    let mut findings = vpclint_rules::run(&network, &options).findings;
    assert!(!findings.is_empty(), "{rule} gave no finding");
    findings.remove(0)
}

fn overridden(figures: serde_json::Value) -> PriceTable {
    let overrides: PriceOverrides =
        serde_json::from_value(serde_json::json!({ "eu-west-1": figures })).unwrap();
    PriceTable::builtin().with_overrides(&overrides).unwrap()
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

#[test]
fn the_default_options_quote_the_built_in_table() {
    let c001 = finding("C001", RuleOptions::default().prices);
    let cost = c001.cost.as_ref().unwrap();
    assert_eq!(cost.per_gb_usd, Some(0.048));
    assert!(cost.basis.ends_with("(as of 2026-10-02)"), "{}", cost.basis);
    assert!(c001
        .message
        .contains("at $0.048/GB NAT processing in eu-west-1"));
}

#[test]
fn an_override_changes_the_nat_processing_of_c001() {
    let f = finding(
        "C001",
        overridden(serde_json::json!({"nat_gateway_gb": 0.05, "as_of": "2026-11-02"})),
    );
    let cost = f.cost.as_ref().unwrap();
    assert_eq!(cost.per_gb_usd, Some(0.05));
    assert_eq!(
        cost.basis,
        "NAT gateway data processing, $0.050 (as of 2026-11-02)"
    );
    assert!(
        f.message.contains("at $0.050/GB NAT processing"),
        "{}",
        f.message
    );
}

#[test]
fn an_override_changes_the_endpoint_month_of_c002() {
    let f = finding(
        "C002",
        overridden(serde_json::json!({
            "interface_endpoint_hour": 0.02,
            "interface_endpoint_gb": 0.008,
            "as_of": "2026-11-02"
        })),
    );
    let cost = f.cost.as_ref().unwrap();
    // 2 AZs x 730 h x $0.02
    assert!(close(cost.monthly_usd, 29.2), "{cost:?}");
    assert_eq!(cost.per_gb_usd, Some(0.008));
    assert!(cost.basis.ends_with("(as of 2026-11-02)"), "{}", cost.basis);
}

#[test]
fn an_override_changes_the_idle_month_of_c003() {
    let f = finding(
        "C003",
        overridden(serde_json::json!({"nat_gateway_hour": 0.05})),
    );
    let cost = f.cost.as_ref().unwrap();
    // 730 h x ($0.05 NAT + $0.005 public IPv4, still built in)
    assert!(close(cost.monthly_usd, 40.15), "{cost:?}");
    assert!(
        f.message.ends_with("it costs $40.15 a month"),
        "{}",
        f.message
    );
    assert!(cost.basis.ends_with("(as of undated)"), "{}", cost.basis);
}

#[test]
fn an_override_changes_the_cross_az_charge_of_r002() {
    let default = finding("R002", PriceTable::builtin());
    assert_eq!(default.cost.as_ref().unwrap().per_gb_usd, Some(0.02));
    assert!(default.message.contains("($0.01/GB each way)"));
    let f = finding(
        "R002",
        overridden(serde_json::json!({"cross_az_gb": 0.015})),
    );
    assert!(close(f.cost.as_ref().unwrap().per_gb_usd, 0.03));
    assert!(f.message.contains("($0.015/GB each way)"), "{}", f.message);
}
