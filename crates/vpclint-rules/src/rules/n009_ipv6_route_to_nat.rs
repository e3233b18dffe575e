//! N009 ipv6-route-to-nat: NAT gateways do not forward IPv6 (only NAT64 for 64:ff9b::/96).

use vpclint_plan::network::{Destination, TargetKind};
use vpclint_plan::value::Fact;

use crate::{Category, Context, Finding, Rule, RuleMeta, Severity};

pub struct Ipv6RouteToNat;

pub static META: RuleMeta = RuleMeta {
    id: "N009",
    slug: "ipv6-route-to-nat",
    severity: Severity::Error,
    category: Category::Connectivity,
    summary: "an IPv6 route other than the NAT64 prefix targets a NAT gateway, which does not forward IPv6",
    anchor: "the resource that declares the route",
};

const NAT64_PREFIX: &str = "64:ff9b::/96";

impl Rule for Ipv6RouteToNat {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &mut Context<'_, '_>) {
        let network = ctx.network;
        for route in network.all_routes() {
            let Fact::Known(Destination::Ipv6(cidr)) = &route.destination else {
                continue;
            };
            if cidr == NAT64_PREFIX || network.target_kind(route) != Some(TargetKind::NatGateway) {
                continue;
            }
            let declared = network.plan().resources[route.declared_by].id.clone();
            let message = format!(
                "route {cidr} in {} targets a NAT gateway, which does not forward IPv6",
                network.address(route.table)
            );
            let mut f = Finding::new(&META, declared, message)
                .help("route IPv6 egress to an egress-only internet gateway (egress_only_gateway_id); only 64:ff9b::/96 (NAT64) may go to a NAT gateway")
                .fix("resource \"aws_egress_only_internet_gateway\" \"this\" {\n  vpc_id = aws_vpc.this.id\n}\n\n# in the route:\n  egress_only_gateway_id = aws_egress_only_internet_gateway.this.id\n")
                .related(network.address(route.table), "route table");
            if let Some(nat) = network.route_nat(route) {
                f = f.related(network.address(nat), "NAT gateway");
            }
            ctx.report(f);
        }
    }
}
