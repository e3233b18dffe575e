//! R002 nat-cross-az: a route table sends one AZ's egress through a NAT gateway in another.

use vpclint_plan::network::NodeKind;
use vpclint_plan::value::Fact;

use crate::facts;
use crate::prices::usd;
use crate::{Category, Context, Cost, Finding, Rule, RuleMeta, Severity};

pub struct NatCrossAz;

pub static META: RuleMeta = RuleMeta {
    id: "R002",
    slug: "nat-cross-az",
    severity: Severity::Warning,
    category: Category::Reliability,
    summary: "a route table sends one Availability Zone's egress through a NAT gateway in another",
    anchor: "the route table",
};

impl Rule for NatCrossAz {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &mut Context<'_, '_>) {
        let network = ctx.network;
        for table in network.nodes(NodeKind::RouteTable) {
            let Fact::Known(Some(route)) = network.default_route(table, false) else {
                continue;
            };
            let Some(nat) = network.route_nat(route) else {
                continue;
            };
            if network.nat_is_regional(nat) != Fact::Known(false) {
                continue;
            }
            let Fact::Known(nat_subnet) = network.nat_subnet(nat) else {
                continue;
            };
            let Fact::Known(nat_zone) = network.availability_zone(nat_subnet) else {
                ctx.unchecked(
                    &META,
                    network.address(table),
                    "the NAT gateway's AZ is unknown",
                );
                continue;
            };
            let mut other = Vec::new();
            for s in network.subnets_served(table).nodes {
                match network.availability_zone(s) {
                    Fact::Known(z) if z != nat_zone => other.push((s, z)),
                    Fact::Known(_) => {}
                    _ => ctx.unchecked(
                        &META,
                        network.address(table),
                        "the AZ of a served subnet is unknown",
                    ),
                }
            }
            if other.is_empty() {
                continue;
            }
            let mut zones: Vec<String> = other.iter().map(|(_, z)| z.clone()).collect();
            zones.sort();
            zones.dedup();
            let cross_az = facts::prices_at(network, ctx.options, table)
                .and_then(|(region, p)| Some((region, p.cross_az_gb.as_ref()?.usd)));
            // The message prints the figure as written ($0.01, not usd()'s $0.010), so the default
            // message is unchanged; a region without a price keeps the standard $0.01 it always
            // quoted.
            let each_way = cross_az.as_ref().map_or(0.01, |(_, gb)| *gb);
            let cost = cross_az.map(|(region, gb)| Cost {
                region,
                monthly_usd: None,
                per_gb_usd: Some(gb * 2.0),
                basis: format!(
                    "cross-AZ transfer {}/GB each way, on top of NAT processing",
                    usd(gb)
                ),
            });
            let message = format!(
                "{} sends egress from subnets in {} through NAT gateway {} in {nat_zone}: cross-AZ charges (${each_way}/GB each way), and an outage of {nat_zone} cuts their egress",
                network.address(table),
                zones.join(", "),
                network.address(nat)
            );
            let mut f = Finding::new(&META, network.address(table), message)
                .help("give each AZ its own NAT gateway and route table (one_nat_gateway_per_az = true in the community VPC module)")
                .fix("resource \"aws_nat_gateway\" \"per_az\" {\n  for_each      = aws_subnet.public\n  subnet_id     = each.value.id\n  allocation_id = aws_eip.nat[each.key].id\n}\n")
                .cost(cost)
                .related(network.address(nat), "NAT gateway")
                .related(network.address(nat_subnet), "NAT gateway's subnet");
            for (s, _) in other {
                f = f.related(network.address(s), "subnet in another AZ");
            }
            ctx.report(f);
        }
    }
}
