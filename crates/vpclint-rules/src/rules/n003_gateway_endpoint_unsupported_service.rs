//! N003 gateway-endpoint-unsupported-service: only S3 and DynamoDB have Gateway endpoints.

use vpclint_plan::network::NodeKind;
use vpclint_plan::query::EndpointType;
use vpclint_plan::services;
use vpclint_plan::value::Fact;

use crate::{Category, Context, Finding, Rule, RuleMeta, Severity};

pub struct GatewayEndpointUnsupportedService;

pub static META: RuleMeta = RuleMeta {
    id: "N003",
    slug: "gateway-endpoint-unsupported-service",
    severity: Severity::Error,
    category: Category::Connectivity,
    summary: "a Gateway endpoint names a service that offers no Gateway endpoint",
    anchor: "the endpoint",
};

impl Rule for GatewayEndpointUnsupportedService {
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
            let Fact::Known(name) = &e.service_name else {
                continue;
            };
            let service = services::parse(name).map(|s| s.service);
            if service.is_some_and(services::is_gateway_service) {
                continue;
            }
            let unset = network
                .resource(node)
                .is_some_and(|r| r.values.str("vpc_endpoint_type") == Fact::Absent);
            let how = if unset {
                "vpc_endpoint_type is unset, which means Gateway"
            } else {
                "vpc_endpoint_type is Gateway"
            };
            let message = format!(
                "endpoint {} is a Gateway endpoint for {name}, which has no Gateway endpoint ({how}); apply will fail",
                network.address(node)
            );
            ctx.report(
                Finding::new(&META, network.address(node), message)
                    .help("set vpc_endpoint_type = \"Interface\" with subnet_ids, security_group_ids and private_dns_enabled = true; only s3 and dynamodb have Gateway endpoints")
                    .fix("  vpc_endpoint_type   = \"Interface\"\n  private_dns_enabled = true\n  subnet_ids          = [ /* one subnet per AZ */ ]\n  security_group_ids  = [ /* allows TCP 443 from the VPC */ ]\n"),
            );
        }
    }
}
