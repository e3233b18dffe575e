//! N008 private-nat-as-internet-exit: an internet gateway drops a private NAT gateway's traffic.

use vpclint_plan::network::{NodeKind, TargetKind};
use vpclint_plan::value::Fact;

use crate::{Category, Context, Finding, Rule, RuleMeta, Severity};

pub struct PrivateNatAsInternetExit;

pub static META: RuleMeta = RuleMeta {
    id: "N008",
    slug: "private-nat-as-internet-exit",
    severity: Severity::Error,
    category: Category::Connectivity,
    summary: "a private NAT gateway is used as the default route to the internet, which drops that traffic",
    anchor: "the NAT gateway",
};

impl Rule for PrivateNatAsInternetExit {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &mut Context<'_, '_>) {
        let network = ctx.network;
        for nat in network.nodes(NodeKind::NatGateway) {
            if network.nat_is_private(nat) != Fact::Known(true) {
                continue;
            }
            let default_routes: Vec<_> = network
                .routes_to(nat)
                .into_iter()
                .map(|i| network.route(i))
                .filter(|r| matches!(&r.destination, Fact::Known(d) if d.is_default_v4()))
                .collect();
            if default_routes.is_empty() {
                continue;
            }
            let Fact::Known(subnet) = network.nat_subnet(nat) else {
                continue;
            };
            let Fact::Known(table) = network.route_table_of(subnet) else {
                continue;
            };
            if network.default_route_kind(table, false)
                != Fact::Known(Some(TargetKind::InternetGateway))
            {
                continue;
            }
            let message = format!(
                "private NAT gateway {} is the default route of {} route table(s) and its subnet routes to an internet gateway, which drops traffic from a private NAT",
                network.address(nat),
                default_routes.len()
            );
            let mut f = Finding::new(&META, network.address(nat), message)
                .help("send internet-bound traffic to a public NAT gateway; use a private NAT gateway only for routes to other networks (transit gateway, VPN)")
                .fix("resource \"aws_nat_gateway\" \"public\" {\n  connectivity_type = \"public\"\n  allocation_id     = aws_eip.nat.id\n  subnet_id         = /* a public subnet */\n}\n")
                .related(network.address(subnet), "NAT gateway's subnet");
            for r in default_routes {
                f = f.related(
                    network.address(r.table),
                    "route table sending 0.0.0.0/0 here",
                );
            }
            ctx.report(f);
        }
    }
}
