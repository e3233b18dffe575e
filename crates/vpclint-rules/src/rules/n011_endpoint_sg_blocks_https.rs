//! N011 endpoint-sg-blocks-https: an Interface endpoint must accept TCP 443.

use vpclint_plan::network::NodeKind;
use vpclint_plan::query::EndpointType;

use crate::facts;
use crate::{Category, Context, Finding, Rule, RuleMeta, Severity};

pub struct EndpointSgBlocksHttps;

pub static META: RuleMeta = RuleMeta {
    id: "N011",
    slug: "endpoint-sg-blocks-https",
    severity: Severity::Error,
    category: Category::Connectivity,
    summary: "an Interface endpoint's security groups admit no inbound TCP 443",
    anchor: "the endpoint",
};

impl Rule for EndpointSgBlocksHttps {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &mut Context<'_, '_>) {
        let network = ctx.network;
        'endpoints: for node in network.nodes(NodeKind::VpcEndpoint) {
            let e = network.endpoint(node);
            if !e.is_type(EndpointType::Interface) {
                continue;
            }
            let groups = network.security_groups_of(node);
            if !groups.complete || groups.nodes.is_empty() {
                // No groups means the VPC's default group, whose rules the plan may not hold.
                ctx.unchecked(
                    &META,
                    network.address(node),
                    "the endpoint's security groups are unknown",
                );
                continue;
            }
            for g in &groups.nodes {
                match facts::ingress_rules(network, *g) {
                    Some(rules) => {
                        if rules.iter().any(facts::IngressRule::allows_https) {
                            continue 'endpoints;
                        }
                    }
                    None => {
                        ctx.unchecked(
                            &META,
                            network.address(node),
                            format!("the rules of {} are unknown", network.address(*g)),
                        );
                        continue 'endpoints;
                    }
                }
            }
            let message = format!(
                "no security group of Interface endpoint {} allows inbound TCP 443, so clients cannot reach it",
                network.address(node)
            );
            let mut f = Finding::new(&META, network.address(node), message)
                .help("allow TCP 443 from the VPC's CIDR (or the clients' security groups) on the endpoint's security group")
                .fix("resource \"aws_vpc_security_group_ingress_rule\" \"endpoint_https\" {\n  security_group_id = aws_security_group.endpoints.id\n  ip_protocol       = \"tcp\"\n  from_port         = 443\n  to_port           = 443\n  cidr_ipv4         = aws_vpc.this.cidr_block\n}\n");
            for g in groups.nodes {
                f = f.related(network.address(g), "endpoint security group");
            }
            ctx.report(f);
        }
    }
}
