//! N001 gateway-endpoint-no-route-tables: a Gateway endpoint no route table uses does nothing.

use vpclint_plan::network::NodeKind;
use vpclint_plan::query::{EndpointType, SubnetClass};
use vpclint_plan::value::Fact;

use crate::{Category, Context, Finding, Rule, RuleMeta, Severity};

pub struct GatewayEndpointNoRouteTables;

pub static META: RuleMeta = RuleMeta {
    id: "N001",
    slug: "gateway-endpoint-no-route-tables",
    severity: Severity::Error,
    category: Category::Connectivity,
    summary: "a Gateway endpoint is associated with no route table, so no subnet uses it",
    anchor: "the endpoint",
};

impl Rule for GatewayEndpointNoRouteTables {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &mut Context<'_, '_>) {
        let network = ctx.network;
        for node in network.nodes(NodeKind::VpcEndpoint) {
            let e = network.endpoint(node);
            if !e.is_type(EndpointType::Gateway) {
                continue;
            }
            // A Gateway endpoint for a service that has none is N003's finding.
            if !matches!(e.service(), Fact::Known(ref s) if vpclint_plan::services::is_gateway_service(s))
            {
                continue;
            }
            let tables = network.endpoint_route_tables(node);
            if !tables.complete {
                ctx.unchecked(
                    &META,
                    network.address(node),
                    "the endpoint's route tables are unknown until apply",
                );
                continue;
            }
            if !tables.nodes.is_empty() {
                continue;
            }
            let service = e.service().known().unwrap_or_default();
            let mut nat_tables = Vec::new();
            if let Fact::Known(vpc) = e.vpc {
                for table in network.in_vpc(vpc, NodeKind::RouteTable) {
                    if network.table_class(table) == Fact::Known(SubnetClass::NatRouted)
                        && !network.subnets_served(table).nodes.is_empty()
                    {
                        nat_tables.push(table);
                    }
                }
            }
            let tail = if nat_tables.is_empty() {
                String::new()
            } else {
                format!(
                    "; traffic to {} from {} NAT-routed route table(s) still goes through the NAT gateway",
                    if service.is_empty() { "the service" } else { &service },
                    nat_tables.len()
                )
            };
            let message = format!(
                "no route table is associated with Gateway endpoint {}{tail}",
                network.address(node)
            );
            let table_refs: Vec<String> = nat_tables
                .iter()
                .map(|t| format!("{}.id", network.address(*t)))
                .collect();
            let mut f = Finding::new(&META, network.address(node), message)
                .help("set route_table_ids to the route tables of the subnets that use the service, or add aws_vpc_endpoint_route_table_association resources")
                .fix(format!("  route_table_ids = [{}]\n", table_refs.join(", ")));
            for t in nat_tables {
                f = f.related(network.address(t), "NAT-routed route table");
            }
            ctx.report(f);
        }
    }
}
