//! N002 gateway-endpoint-partial-coverage: a Gateway endpoint that misses some NAT-routed tables.

use std::collections::HashMap;

use vpclint_plan::network::{NodeKind, NodeRef};
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
        // Endpoints that may be Gateway endpoints, indexed for "does another endpoint cover this
        // table?": by the tables they cover, and those whose tables or service are unknown.
        let mut covering: HashMap<NodeRef, Vec<NodeRef>> = HashMap::new();
        let mut uncertain: Vec<NodeRef> = Vec::new();
        for other in &endpoints {
            let o = network.endpoint(*other);
            if !o.is_type(EndpointType::Gateway) && matches!(o.endpoint_type, Fact::Known(_)) {
                continue;
            }
            let other_tables = network.endpoint_route_tables(*other);
            for table in &other_tables.nodes {
                covering.entry(*table).or_default().push(*other);
            }
            if !other_tables.complete || !matches!(o.service(), Fact::Known(_)) {
                uncertain.push(*other);
            }
        }
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
                // Another Gateway endpoint for the same service may cover this table: the first
                // such endpoint (in address order) that covers it or whose tables are unknown.
                let covers = covering.get(&table).map_or(&[][..], Vec::as_slice);
                let mut others: Vec<NodeRef> = covers
                    .iter()
                    .chain(&uncertain)
                    .copied()
                    .filter(|o| o != node)
                    .collect();
                others.sort();
                others.dedup();
                let first = others
                    .into_iter()
                    .find(|o| match network.endpoint(*o).service() {
                        Fact::Known(s) => s == service,
                        _ => true,
                    });
                match first {
                    Some(o) if covers.contains(&o) => continue 'tables,
                    Some(_) => {
                        ctx.unchecked(
                            &META,
                            network.address(*node),
                            "another endpoint's route tables or service are unknown",
                        );
                        continue 'tables;
                    }
                    None => {}
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
