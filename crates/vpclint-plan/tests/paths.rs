//! Route evaluation: where traffic from a subnet goes.

use std::path::{Path, PathBuf};

use vpclint_plan::input::{ReadOptions, Source};
use vpclint_plan::network::{Network, NodeRef};
use vpclint_plan::query::{Destination, PathEnd};
use vpclint_plan::Plan;

fn load(case: &str) -> Plan {
    let path: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(case)
        .join("plan.json");
    vpclint_plan::load(&Source::File(path), &ReadOptions::default()).unwrap()
}

fn node(plan: &Plan, address: &str) -> NodeRef {
    NodeRef::Resource(
        plan.by_address(address)
            .unwrap_or_else(|| panic!("{address}")),
    )
}

fn hops(network: &Network<'_>, subnet: NodeRef, to: &str) -> (Vec<String>, PathEnd) {
    let path = network.path(subnet, &Destination::parse(to));
    (
        path.hops.iter().map(|h| network.address(h.node)).collect(),
        path.end,
    )
}

#[test]
fn community_vpc_private_subnets_leave_through_their_own_nat_and_the_igw() {
    let plan = load("graph/community-vpc");
    let network = Network::build(&plan);
    for i in 0..3 {
        let subnet = node(&plan, &format!("module.vpc.aws_subnet.private[{i}]"));
        let (addresses, end) = hops(&network, subnet, "internet");
        assert_eq!(
            addresses,
            vec![
                format!("module.vpc.aws_subnet.private[{i}]"),
                format!("module.vpc.aws_route_table.private[{i}]"),
                format!("module.vpc.aws_nat_gateway.this[{i}]"),
                format!("module.vpc.aws_subnet.public[{i}]"),
                "module.vpc.aws_route_table.public[0]".to_string(),
                "module.vpc.aws_internet_gateway.this[0]".to_string(),
            ]
        );
        assert_eq!(
            end,
            PathEnd::Internet(node(&plan, "module.vpc.aws_internet_gateway.this[0]"))
        );
        // No endpoints anywhere: S3 takes the same way out.
        let (_, end) = hops(&network, subnet, "s3");
        assert!(matches!(end, PathEnd::Internet(_)), "{end:?}");
    }
}

#[test]
fn a_gateway_endpoint_route_wins_over_the_default_route() {
    let plan = load("C001/pass");
    let network = Network::build(&plan);
    let subnet = node(&plan, "aws_subnet.private_a");
    let (addresses, end) = hops(&network, subnet, "s3");
    assert_eq!(
        end,
        PathEnd::GatewayEndpoint(node(&plan, "aws_vpc_endpoint.s3"))
    );
    assert_eq!(addresses.last().unwrap(), "aws_vpc_endpoint.s3");
    // The internet still goes through the NAT gateway.
    let (_, end) = hops(&network, subnet, "internet");
    assert!(matches!(end, PathEnd::Internet(_)), "{end:?}");
    // IPv6 has no route here.
    let (_, end) = hops(&network, subnet, "internet6");
    assert_eq!(end, PathEnd::NoRoute);
}

#[test]
fn an_interface_endpoint_with_private_dns_answers_for_its_service() {
    let plan = load("C001/pass-s3-interface-private-dns");
    let network = Network::build(&plan);
    let subnet = node(&plan, "aws_subnet.private_a");
    let (_, end) = hops(&network, subnet, "com.amazonaws.eu-west-1.s3");
    assert!(matches!(end, PathEnd::InterfaceEndpoint(_)), "{end:?}");
}

#[test]
fn isolated_subnets_have_no_route_out() {
    let plan = load("N010/fail");
    let network = Network::build(&plan);
    let subnet = node(&plan, "aws_subnet.private_a");
    assert_eq!(hops(&network, subnet, "internet").1, PathEnd::NoRoute);
}

#[test]
fn unknown_values_end_the_path_as_unknown() {
    let plan = load("R002/pass-unknown");
    let network = Network::build(&plan);
    let unknown = plan
        .resources
        .iter()
        .filter(|r| r.rtype() == "aws_subnet")
        .map(|r| hops(&network, node(&plan, &r.id), "internet").1)
        .any(|end| matches!(end, PathEnd::Unknown(_)));
    assert!(unknown, "some subnet's path should end unknown");
}
