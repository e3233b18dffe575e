//! N004 endpoint-region-mismatch: a service name for another region than the VPC's.

use vpclint_plan::network::NodeKind;
use vpclint_plan::query::EndpointType;
use vpclint_plan::services;
use vpclint_plan::value::Fact;

use crate::facts;
use crate::{Category, Context, Finding, Rule, RuleMeta, Severity};

pub struct EndpointRegionMismatch;

pub static META: RuleMeta = RuleMeta {
    id: "N004",
    slug: "endpoint-region-mismatch",
    severity: Severity::Error,
    category: Category::Connectivity,
    summary: "an endpoint's service name is for a different region than its VPC",
    anchor: "the endpoint",
};

impl Rule for EndpointRegionMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &mut Context<'_, '_>) {
        let network = ctx.network;
        for node in network.nodes(NodeKind::VpcEndpoint) {
            let e = network.endpoint(node);
            let Fact::Known(name) = &e.service_name else {
                continue;
            };
            let Some(parsed) = services::parse(name) else {
                continue;
            };
            let Some(service_region) = parsed.region else {
                continue;
            };
            // The VPC's region: from the VPC's own provider, else the endpoint's.
            let vpc_region = match e.vpc {
                Fact::Known(v) => facts::region(network, v),
                _ => None,
            }
            .or_else(|| facts::region(network, node));
            let Some(vpc_region) = vpc_region else {
                ctx.unchecked(&META, network.address(node), "the VPC's region is unknown");
                continue;
            };
            if vpc_region == service_region {
                continue;
            }
            let wrong = match e.endpoint_type {
                Fact::Known(EndpointType::Gateway) => true,
                Fact::Known(EndpointType::Interface) => match &e.service_region {
                    Fact::Known(r) => r != service_region,
                    Fact::Absent => true,
                    Fact::Unknown => {
                        ctx.unchecked(&META, network.address(node), "service_region is unknown");
                        false
                    }
                },
                _ => false,
            };
            if !wrong {
                continue;
            }
            let message = format!(
                "endpoint {} names {name}, a service in {service_region}, but its VPC is in {vpc_region}",
                network.address(node)
            );
            let help = if e.is_type(EndpointType::Gateway) {
                format!("Gateway endpoints work only in their own region: use com.amazonaws.{vpc_region}.{}", parsed.service)
            } else {
                format!(
                    "use com.amazonaws.{vpc_region}.{}, or for cross-Region PrivateLink set service_region = \"{service_region}\"",
                    parsed.service
                )
            };
            ctx.report(
                Finding::new(&META, network.address(node), message)
                    .help(help)
                    .fix(format!(
                        "  service_name = \"com.amazonaws.{vpc_region}.{}\"\n",
                        parsed.service
                    )),
            );
        }
    }
}
