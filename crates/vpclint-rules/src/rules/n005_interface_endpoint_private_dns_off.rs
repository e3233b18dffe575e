//! N005 interface-endpoint-private-dns-off: without private DNS, SDKs bypass the endpoint.

use vpclint_plan::network::NodeKind;
use vpclint_plan::query::EndpointType;
use vpclint_plan::services;
use vpclint_plan::value::Fact;

use crate::{Category, Context, Finding, Rule, RuleMeta, Severity};

pub struct InterfaceEndpointPrivateDnsOff;

pub static META: RuleMeta = RuleMeta {
    id: "N005",
    slug: "interface-endpoint-private-dns-off",
    severity: Severity::Warning,
    category: Category::Connectivity,
    summary:
        "an Interface endpoint has private DNS off, so SDKs call the public endpoint and bypass it",
    anchor: "the endpoint",
};

impl Rule for InterfaceEndpointPrivateDnsOff {
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
            let Fact::Known(name) = &e.service_name else {
                continue;
            };
            // AWS services only. S3's private DNS works differently (it needs a Gateway endpoint
            // for in-VPC traffic), and DynamoDB Interface endpoints support no private DNS.
            let Some(parsed) = services::parse(name) else {
                continue;
            };
            if parsed.customer || matches!(parsed.service, "s3" | "dynamodb") {
                continue;
            }
            match e.private_dns {
                Fact::Known(false) => {}
                Fact::Known(true) => continue,
                _ => {
                    ctx.unchecked(
                        &META,
                        network.address(node),
                        "private_dns_enabled is unknown",
                    );
                    continue;
                }
            }
            let unset = network
                .resource(node)
                .is_some_and(|r| r.values.bool("private_dns_enabled") == Fact::Absent)
                || network.is_unconfigured(node, "private_dns_enabled");
            let why = if unset {
                " (the Terraform default)"
            } else {
                ""
            };
            let message = format!(
                "{} endpoint {} has private DNS off{why}: SDKs resolve the public {} name and bypass it",
                parsed.service,
                network.address(node),
                parsed.service
            );
            ctx.report(
                Finding::new(&META, network.address(node), message)
                    .help("set private_dns_enabled = true (the VPC needs DNS support and DNS hostnames on)")
                    .fix("  private_dns_enabled = true\n"),
            );
        }
    }
}
