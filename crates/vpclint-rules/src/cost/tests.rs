//! The arithmetic against figures computed by hand.

use super::*;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

fn tokyo() -> UnitPrices {
    PriceTable::builtin()
        .region("ap-northeast-1")
        .unwrap()
        .clone()
}

#[test]
fn the_seed_case_six_endpoints_in_two_azs_against_one_nat_in_tokyo() {
    let p = tokyo();
    let hour = p.interface_endpoint_hour.as_ref().unwrap().usd;
    // 6 endpoints x 2 AZs x $0.014 x 730 h = $122.64
    let endpoints = interface_endpoints_month(hour, 6, 2);
    assert!(close(endpoints, 122.64), "{endpoints}");
    // One NAT gateway: 730 h x $0.062 = $45.26, plus 730 h x $0.005 = $3.65 for its address
    assert!(close(p.nat_gateway_hours_month().unwrap(), 45.26));
    assert!(close(p.public_ipv4_month(1).unwrap(), 3.65));
    let nat = nat_gateway_month(0.062, 0.005, 1);
    assert!(close(nat, 48.91), "{nat}");
    // Traffic pays $0.062/GB through the NAT gateway and $0.01/GB through an endpoint: the
    // endpoints pay for themselves above $122.64 / $0.052 = 2358.46 GB a month.
    let saving =
        p.nat_gateway_gb.as_ref().unwrap().usd - p.interface_endpoint_gb_first().unwrap().usd;
    assert!(close(saving, 0.052));
    let be = break_even_gb(endpoints, saving).unwrap();
    assert!(close(be, 2358.461538), "{be}");
    // One endpoint in two AZs: $20.44 / $0.052 = 393.08 GB a month.
    assert!(close(
        break_even_gb(interface_endpoints_month(hour, 1, 2), saving).unwrap(),
        393.076923
    ));
}

#[test]
fn us_east_1_figures() {
    let table = PriceTable::builtin();
    let p = table.region("us-east-1").unwrap();
    // 730 h x $0.045 = $32.85; with one address $36.50
    assert!(close(p.nat_gateway_hours_month().unwrap(), 32.85));
    assert!(close(nat_gateway_month(0.045, 0.005, 1), 36.5));
    // Two endpoints in three AZs at $0.01/h: 2 x 3 x 0.01 x 730 = $43.80
    let hour = p.interface_endpoint_hour.as_ref().unwrap().usd;
    assert!(close(interface_endpoints_month(hour, 2, 3), 43.8));
    // A NAT gateway per AZ against cross-AZ transfer ($0.01/GB each way): 36.50 / 0.02 = 1825 GB
    let cross = 2.0 * p.cross_az_gb.as_ref().unwrap().usd;
    assert!(close(break_even_gb(36.5, cross).unwrap(), 1825.0));
}

#[test]
fn no_saving_never_breaks_even() {
    assert_eq!(break_even_gb(10.0, 0.0), None);
    assert_eq!(break_even_gb(10.0, -0.01), None);
}

#[test]
fn unknown_figures_stay_unknown() {
    let table = PriceTable::builtin();
    // us-east-2 has NAT figures but no Interface endpoint hourly rate in any source found.
    let ohio = table.region("us-east-2").unwrap();
    assert_eq!(ohio.interface_endpoint_month(2), None);
    assert!(close(ohio.nat_gateway_hours_month().unwrap(), 32.85));
    // A region the overrides add with one figure has none of the others.
    let overrides: PriceOverrides =
        serde_json::from_value(serde_json::json!({"sa-east-1": {"interface_endpoint_gb": 0.02}}))
            .unwrap();
    let table = table.with_overrides(&overrides).unwrap();
    assert_eq!(
        table.region("sa-east-1").unwrap().nat_gateway_hours_month(),
        None
    );
}

#[test]
fn formats_money_rates_and_addresses() {
    assert_eq!(money(122.64), "$122.64");
    assert_eq!(money(-0.0), "$0.00");
    assert_eq!(rate(0.048), "$0.048");
    assert_eq!(rate(0.02), "$0.02");
    assert_eq!(rate(0.0), "$0.00");
    assert_eq!(rate(0.0516666), "$0.0517");
    assert_eq!(gb_month(2358.46), "2358 GB/month");
    assert_eq!(gb_month(2.26), "2.3 GB/month");
    assert_eq!(
        compact(&[
            "aws_subnet.private[0]".into(),
            "aws_subnet.private[1]".into(),
            "aws_subnet.public[0]".into(),
            "aws_vpc.main".into()
        ]),
        "aws_subnet.private[0], [1], aws_subnet.public[0], aws_vpc.main"
    );
}
