//! C002 interface-endpoint-for-gateway-service: paying for an Interface endpoint where a Gateway
//! endpoint would carry in-VPC traffic for free.

use vpclint_plan::network::NodeKind;
use vpclint_plan::query::EndpointType;
use vpclint_plan::value::Fact;

use crate::facts;
use crate::prices::usd;
use crate::{Category, Context, Cost, Finding, Rule, RuleMeta, Severity};

pub struct InterfaceEndpointForGatewayService;

pub static META: RuleMeta = RuleMeta {
    id: "C002",
    slug: "interface-endpoint-for-gateway-service",
    severity: Severity::Note,
    category: Category::Cost,
    summary: "in-VPC traffic pays for an S3 or DynamoDB Interface endpoint where a Gateway endpoint is free",
    anchor: "the Interface endpoint",
};

impl Rule for InterfaceEndpointForGatewayService {
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
            let Fact::Known(service) = e.service() else {
                continue;
            };
            if service != "s3" && service != "dynamodb" {
                continue;
            }
            if !matches!(e.vpc, Fact::Known(_)) {
                ctx.unchecked(
                    &META,
                    network.address(node),
                    "the endpoint's VPC is unknown",
                );
                continue;
            }
            match facts::has_endpoint_for(network, e.vpc, &service, false) {
                Fact::Known(None) => {}
                Fact::Known(Some(_)) => continue,
                _ => {
                    ctx.unchecked(
                        &META,
                        network.address(node),
                        "an endpoint in the VPC has an unknown type or service",
                    );
                    continue;
                }
            }
            let subnets = network.placement(node).nodes;
            let zones = facts::zones(network, &subnets);
            let cost = facts::prices_at(network, ctx.options, node).and_then(|(region, p)| {
                let per_gb = p.interface_endpoint_gb_first()?.usd;
                let monthly = zones.as_ref().and_then(|z| {
                    let azs = z.len().max(1);
                    let hour = p.interface_endpoint_hour.as_ref()?;
                    Some((p.interface_endpoint_month(azs)?, azs, hour))
                });
                Some(Cost {
                    region,
                    monthly_usd: monthly.map(|(m, _, _)| m),
                    per_gb_usd: Some(per_gb),
                    basis: match monthly {
                        // The date is the hourly rate's, which makes most of the month.
                        Some((m, azs, hour)) => format!(
                            "{azs} AZ(s) x 730 h = {} a month, plus {}/GB processed (as of {})",
                            usd(m),
                            usd(per_gb),
                            hour.as_of
                        ),
                        None => format!(
                            "{}/GB processed; hourly rate per AZ not in the price table",
                            usd(per_gb)
                        ),
                    },
                })
            });
            let name = if service == "s3" { "S3" } else { "DynamoDB" };
            let region = facts::region(network, node).unwrap_or_else(|| "REGION".into());
            let Fact::Known(vpc) = e.vpc else { continue };
            let message = format!(
                "in-VPC traffic to {name} pays for Interface endpoint {} where a Gateway endpoint would carry it free; the VPC has no {name} Gateway endpoint",
                network.address(node)
            );
            let fix = format!(
                "resource \"aws_vpc_endpoint\" \"{service}_gateway\" {{\n  vpc_id            = {}.id\n  service_name      = \"com.amazonaws.{region}.{service}\"\n  vpc_endpoint_type = \"Gateway\"\n  route_table_ids   = [ /* the private route tables */ ]\n}}\n",
                network.address(vpc)
            );
            ctx.report(
                Finding::new(&META, network.address(node), message)
                    .help(format!(
                        "keep the Interface endpoint for on-premises or peered clients, and add a {name} Gateway endpoint beside it for traffic from inside the VPC"
                    ))
                    .fix(fix)
                    .cost(cost)
                    .related(network.address(vpc), "VPC"),
            );
        }
    }
}
