//! C001 gateway-service-via-nat: S3/DynamoDB traffic paying NAT processing for want of a free
//! Gateway endpoint.

use std::collections::HashMap;

use vpclint_plan::network::{NodeKind, NodeRef};
use vpclint_plan::value::Fact;

use crate::facts::{self, hcl_str};
use crate::prices::usd;
use crate::{Category, Context, Cost, Finding, Rule, RuleMeta, Severity};

pub struct GatewayServiceViaNat;

pub static META: RuleMeta = RuleMeta {
    id: "C001",
    slug: "gateway-service-via-nat",
    severity: Severity::Warning,
    category: Category::Cost,
    summary:
        "subnets reach S3 or DynamoDB through a NAT gateway because the VPC has no Gateway endpoint",
    anchor: "the route table",
};

impl Rule for GatewayServiceViaNat {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &mut Context<'_, '_>) {
        let network = ctx.network;
        let mut services = vec!["s3"];
        if facts::uses_dynamodb(network, ctx.options) {
            services.push("dynamodb");
        }
        // Tables of one VPC share the answer: ask once per VPC and service.
        let mut endpoint_for: HashMap<(Option<NodeRef>, &str), Fact<Option<NodeRef>>> =
            HashMap::new();
        for &table in network.nodes_of(NodeKind::RouteTable) {
            let served = network.subnets_served(table);
            if served.nodes.is_empty() {
                continue;
            }
            let route = match network.default_route(table, false) {
                Fact::Known(Some(route)) => route,
                Fact::Known(None) | Fact::Absent => continue,
                Fact::Unknown => continue,
            };
            let Some(nat) = network.route_nat(route) else {
                continue;
            };
            match network.nat_is_private(nat) {
                Fact::Known(false) => {}
                Fact::Known(true) => continue,
                _ => {
                    ctx.unchecked(
                        &META,
                        network.address(table),
                        "the NAT gateway's connectivity type is unknown",
                    );
                    continue;
                }
            }
            let vpc = network.vpc_of(table);
            let mut missing = Vec::new();
            for service in &services {
                // DynamoDB Interface endpoints have no private DNS: only S3's can take SDK traffic.
                let found = *endpoint_for
                    .entry((vpc.known(), *service))
                    .or_insert_with(|| {
                        facts::has_endpoint_for(network, vpc, service, *service == "s3")
                    });
                match found {
                    Fact::Known(None) => missing.push(*service),
                    Fact::Known(Some(_)) => {}
                    _ => ctx.unchecked(
                        &META,
                        network.address(table),
                        format!("an endpoint that may carry {service} has an unknown VPC, type, service or DNS setting"),
                    ),
                }
            }
            if missing.is_empty() {
                continue;
            }
            ctx.report(finding(ctx, table, nat, vpc, &served.nodes, &missing));
        }
    }
}

fn finding(
    ctx: &Context<'_, '_>,
    table: NodeRef,
    nat: NodeRef,
    vpc: Fact<NodeRef>,
    subnets: &[NodeRef],
    missing: &[&str],
) -> Finding {
    let network = ctx.network;
    let names: Vec<&str> = missing
        .iter()
        .map(|s| if *s == "s3" { "S3" } else { "DynamoDB" })
        .collect();
    let services = names.join(" and ");
    let either = names.join(" or ");
    let subnet_addresses: Vec<String> = subnets.iter().map(|s| network.address(*s)).collect();
    // The NAT gateway's region first; the route table's when the gateway's is not priced.
    let nat_gb = [nat, table].into_iter().find_map(|node| {
        let (region, p) = facts::prices_at(network, ctx.options, node)?;
        Some((region, p.nat_gateway_gb.as_ref()?))
    });
    let (charge, cost) = match nat_gb {
        Some((region, gb)) => (
            format!("{}/GB NAT processing in {region}", usd(gb.usd)),
            Some(Cost {
                region,
                monthly_usd: None,
                per_gb_usd: Some(gb.usd),
                basis: format!(
                    "NAT gateway data processing, {} (as of {})",
                    usd(gb.usd),
                    gb.as_of
                ),
            }),
        ),
        None => (
            "NAT processing per GB (no price for this region)".to_string(),
            None,
        ),
    };
    let message = format!(
        "traffic to {services} from {} subnet(s) goes through NAT gateway {} at {charge}; the VPC has no Gateway endpoint for {either}",
        subnets.len(),
        network.address(nat),
    );
    let region = facts::region(network, table).unwrap_or_else(|| "REGION".to_string());
    let vpc_ref = match vpc {
        Fact::Known(v) => format!("{}.id", network.address(v)),
        _ => "VPC_ID".to_string(),
    };
    let table_ref = match table {
        NodeRef::Resource(_) => format!("{}.id", network.address(table)),
        NodeRef::MainTable(v) => format!(
            "{}.main_route_table_id",
            network.address(NodeRef::Resource(v))
        ),
    };
    let mut fix = String::new();
    for service in missing {
        fix.push_str(&format!(
            "resource \"aws_vpc_endpoint\" \"{service}\" {{\n  vpc_id            = {vpc_ref}\n  service_name      = {}\n  vpc_endpoint_type = \"Gateway\"\n  route_table_ids   = [{table_ref}]\n}}\n",
            hcl_str(&format!("com.amazonaws.{region}.{service}"))
        ));
    }
    let mut f = Finding::new(&META, network.address(table), message)
        .help(format!(
            "add a Gateway endpoint for {services} (free) and associate it with this route table; traffic to the service then leaves the NAT gateway"
        ))
        .fix(fix)
        .cost(cost)
        .related(network.address(nat), "NAT gateway");
    for s in subnet_addresses {
        f = f.related(s, "served subnet");
    }
    if let Fact::Known(v) = vpc {
        f = f.related(network.address(v), "VPC");
    }
    f
}
