//! N007 nat-gateway-without-internet-route: a public NAT gateway needs an IGW route in its subnet.

use vpclint_plan::network::{NodeKind, TargetKind};
use vpclint_plan::value::Fact;

use crate::{Category, Context, Finding, Rule, RuleMeta, Severity};

pub struct NatGatewayWithoutInternetRoute;

pub static META: RuleMeta = RuleMeta {
    id: "N007",
    slug: "nat-gateway-without-internet-route",
    severity: Severity::Error,
    category: Category::Connectivity,
    summary: "a public NAT gateway sits in a subnet whose default route does not lead to an internet gateway",
    anchor: "the NAT gateway",
};

impl Rule for NatGatewayWithoutInternetRoute {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &mut Context<'_, '_>) {
        let network = ctx.network;
        for nat in network.nodes(NodeKind::NatGateway) {
            if network.nat_is_private(nat) != Fact::Known(false)
                || network.nat_is_regional(nat) != Fact::Known(false)
            {
                continue;
            }
            let Fact::Known(subnet) = network.nat_subnet(nat) else {
                ctx.unchecked(
                    &META,
                    network.address(nat),
                    "the NAT gateway's subnet is unknown",
                );
                continue;
            };
            let Fact::Known(table) = network.route_table_of(subnet) else {
                ctx.unchecked(
                    &META,
                    network.address(nat),
                    "the route table of the NAT gateway's subnet is unknown",
                );
                continue;
            };
            let what = match network.default_route_kind(table, false) {
                Fact::Known(Some(TargetKind::InternetGateway)) => continue,
                Fact::Known(Some(kind)) => format!("goes to a {}", kind.as_str()),
                Fact::Known(None) => "does not exist".to_string(),
                _ => {
                    ctx.unchecked(
                        &META,
                        network.address(nat),
                        "the default route of the NAT gateway's subnet is unknown",
                    );
                    continue;
                }
            };
            let message = format!(
                "public NAT gateway {} is in subnet {}, whose default route {what}: its traffic cannot reach the internet",
                network.address(nat),
                network.address(subnet)
            );
            ctx.report(
                Finding::new(&META, network.address(nat), message)
                    .help("place the NAT gateway in a public subnet (default route to an internet gateway), or add that route to the subnet's route table")
                    .fix("resource \"aws_route\" \"public_internet\" {\n  route_table_id         = /* the NAT subnet's route table */\n  destination_cidr_block = \"0.0.0.0/0\"\n  gateway_id             = aws_internet_gateway.this.id\n}\n")
                    .related(network.address(subnet), "NAT gateway's subnet")
                    .related(network.address(table), "its route table"),
            );
        }
    }
}
