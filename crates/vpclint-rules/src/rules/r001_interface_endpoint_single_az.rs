//! R001 interface-endpoint-single-az: one AZ's outage takes the endpoint away from every AZ.

use vpclint_plan::network::NodeKind;
use vpclint_plan::query::{EndpointType, SubnetClass};
use vpclint_plan::value::Fact;

use crate::facts;
use crate::{Category, Context, Finding, Rule, RuleMeta, Severity};

pub struct InterfaceEndpointSingleAz;

pub static META: RuleMeta = RuleMeta {
    id: "R001",
    slug: "interface-endpoint-single-az",
    severity: Severity::Warning,
    category: Category::Reliability,
    summary:
        "an Interface endpoint sits in one Availability Zone while the VPC's workloads span several",
    anchor: "the endpoint",
};

impl Rule for InterfaceEndpointSingleAz {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &mut Context<'_, '_>) {
        let network = ctx.network;
        for node in network.nodes(NodeKind::VpcEndpoint) {
            let e = network.endpoint(node);
            if !e.is_type(EndpointType::Interface) {
                continue;
            }
            let placement = network.placement(node);
            if !placement.complete || placement.nodes.is_empty() {
                continue;
            }
            let Some(zones) = facts::zones(network, &placement.nodes) else {
                ctx.unchecked(
                    &META,
                    network.address(node),
                    "the AZ of an endpoint subnet is unknown",
                );
                continue;
            };
            if zones.len() != 1 {
                continue;
            }
            let Fact::Known(vpc) = e.vpc else { continue };
            // Where the clients are: the VPC's workloads, else its private subnets.
            let mut client_subnets = Vec::new();
            let mut complete = true;
            for w in network.nodes(NodeKind::Workload) {
                let p = network.placement(w);
                let in_vpc: Vec<_> = p
                    .nodes
                    .iter()
                    .copied()
                    .filter(|s| network.vpc_of(*s) == Fact::Known(vpc))
                    .collect();
                complete &= p.complete;
                client_subnets.extend(in_vpc);
            }
            let basis;
            if client_subnets.is_empty() {
                basis = "NAT-routed and isolated subnets";
                for s in network.in_vpc(vpc, NodeKind::Subnet) {
                    match network.subnet_class(s) {
                        Fact::Known(SubnetClass::NatRouted | SubnetClass::Isolated) => {
                            client_subnets.push(s)
                        }
                        Fact::Known(_) => {}
                        _ => complete = false,
                    }
                }
            } else {
                basis = "workloads";
            }
            let Some(client_zones) = facts::zones(network, &client_subnets) else {
                ctx.unchecked(
                    &META,
                    network.address(node),
                    "the AZ of a client subnet is unknown",
                );
                continue;
            };
            if client_zones.len() < 2 {
                if !complete {
                    ctx.unchecked(
                        &META,
                        network.address(node),
                        "the placement of some workloads is unknown",
                    );
                }
                continue;
            }
            let message = format!(
                "endpoint {} is only in {} while the VPC's {basis} span {}",
                network.address(node),
                zones[0],
                client_zones.join(", ")
            );
            let mut f = Finding::new(&META, network.address(node), message)
                .help("add a subnet in each AZ the clients use to subnet_ids; an endpoint in one AZ fails with that AZ and charges cross-AZ transfer to the others")
                .fix("  subnet_ids = [ /* one subnet in each Availability Zone */ ]\n");
            for s in placement.nodes {
                f = f.related(network.address(s), "endpoint subnet");
            }
            ctx.report(f);
        }
    }
}
