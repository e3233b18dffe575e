//! R001 interface-endpoint-single-az: one AZ's outage takes the endpoint away from every AZ.

use std::collections::HashMap;

use vpclint_plan::network::{NodeKind, NodeRef};
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
        // The workloads' subnets by VPC, and whether every workload's placement is known: built
        // on first need, once, instead of a pass over all workloads per endpoint.
        let mut workloads: Option<(HashMap<NodeRef, Vec<NodeRef>>, bool)> = None;
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
            let (by_vpc, all_complete) = workloads.get_or_insert_with(|| {
                let mut by_vpc: HashMap<NodeRef, Vec<NodeRef>> = HashMap::new();
                let mut complete = true;
                for &w in network.nodes_of(NodeKind::Workload) {
                    let p = network.placement(w);
                    complete &= p.complete;
                    for s in p.nodes {
                        if let Fact::Known(v) = network.vpc_of(s) {
                            by_vpc.entry(v).or_default().push(s);
                        }
                    }
                }
                (by_vpc, complete)
            });
            let mut client_subnets = by_vpc.get(&vpc).cloned().unwrap_or_default();
            let mut complete = *all_complete;
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
