//! N002 gateway-endpoint-partial-coverage: a Gateway endpoint that misses some NAT-routed tables.

use vpclint_plan::network::NodeKind;
use vpclint_plan::query::{EndpointType, SubnetClass};
use vpclint_plan::value::Fact;

use crate::facts;
use crate::{Category, Context, Finding, Rule, RuleMeta, Severity};

pub struct GatewayEndpointPartialCoverage;

pub static META: RuleMeta = RuleMeta {
    id: "N002",
    slug: "gateway-endpoint-partial-coverage",
    severity: Severity::Warning,
    category: Category::Connectivity,
    summary: "a Gateway endpoint misses NAT-routed route tables whose traffic to the service still takes the NAT",
    anchor: "the endpoint",
};

impl Rule for GatewayEndpointPartialCoverage {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &mut Context<'_, '_>) {
        let network = ctx.network;
        let endpoints = network.nodes(NodeKind::VpcEndpoint);
        for node in &endpoints {
            let e = network.endpoint(*node);
            if !e.is_type(EndpointType::Gateway) {
                continue;
            }
            let tables = network.endpoint_route_tables(*node);
            let (Fact::Known(vpc), Fact::Known(service)) = (e.vpc, e.service()) else {
                continue;
            };
            if tables.nodes.is_empty() {
                continue;
            }
            let mut missing = Vec::new();
            'tables: for table in network.in_vpc(vpc, NodeKind::RouteTable) {
                if tables.nodes.contains(&table) || network.subnets_served(table).nodes.is_empty() {
                    continue;
                }
                match network.table_class(table) {
                    Fact::Known(SubnetClass::NatRouted) => {}
                    Fact::Known(_) => continue,
                    _ => {
                        ctx.unchecked(
                            &META,
                            network.address(*node),
                            format!("the routes of {} are unknown", network.address(table)),
                        );
                        continue;
                    }
                }
                // Another Gateway endpoint for the same service may cover this table.
                for other in &endpoints {
                    if other == node {
                        continue;
                    }
                    let o = network.endpoint(*other);
                    let could_be_same = matches!(o.service(), Fact::Known(ref s) if *s == service)
                        || !matches!(o.service(), Fact::Known(_));
                    let could_be_gateway = o.is_type(EndpointType::Gateway)
                        || !matches!(o.endpoint_type, Fact::Known(_));
                    if !(could_be_same && could_be_gateway) {
                        continue;
                    }
                    let other_tables = network.endpoint_route_tables(*other);
                    if other_tables.nodes.contains(&table) {
                        continue 'tables;
                    }
                    if !other_tables.complete || !matches!(o.service(), Fact::Known(_)) {
                        ctx.unchecked(
                            &META,
                            network.address(*node),
                            "another endpoint's route tables or service are unknown",
                        );
                        continue 'tables;
                    }
                }
                missing.push(table);
            }
            if missing.is_empty() {
                continue;
            }
            if !tables.complete {
                // A table we think is missing may be among the unknown associations.
                ctx.unchecked(
                    &META,
                    network.address(*node),
                    "some of the endpoint's route tables are unknown until apply",
                );
                continue;
            }
            let names: Vec<String> = missing.iter().map(|t| network.address(*t)).collect();
            let message = format!(
                "route table(s) {} send default traffic to a NAT gateway but are not associated with {service} Gateway endpoint {}; their {service} traffic still goes through the NAT",
                facts::list(&names),
                network.address(*node)
            );
            let refs: Vec<String> = names.iter().map(|n| format!("{n}.id")).collect();
            let mut f = Finding::new(&META, network.address(*node), message)
                .help("add the missing route tables to route_table_ids (or add aws_vpc_endpoint_route_table_association resources)")
                .fix(format!("  route_table_ids = [ /* existing tables */, {} ]\n", refs.join(", ")));
            for n in names {
                f = f.related(n, "route table without the endpoint");
            }
            ctx.report(f);
        }
    }
}
