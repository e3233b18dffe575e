//! S002 endpoint-sg-open-ingress: an endpoint security group open to the world.

use std::collections::BTreeMap;

use vpclint_plan::network::{NodeKind, NodeRef};
use vpclint_plan::query::EndpointType;

use crate::facts;
use crate::{Category, Context, Finding, Rule, RuleMeta, Severity};

pub struct EndpointSgOpenIngress;

pub static META: RuleMeta = RuleMeta {
    id: "S002",
    slug: "endpoint-sg-open-ingress",
    severity: Severity::Warning,
    category: Category::Security,
    summary: "a security group on an Interface endpoint allows ingress from 0.0.0.0/0 or ::/0",
    anchor: "the security group",
};

impl Rule for EndpointSgOpenIngress {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &mut Context<'_, '_>) {
        let network = ctx.network;
        let mut groups: BTreeMap<NodeRef, Vec<NodeRef>> = BTreeMap::new();
        for node in network.nodes(NodeKind::VpcEndpoint) {
            if !network.endpoint(node).is_type(EndpointType::Interface) {
                continue;
            }
            for g in network.security_groups_of(node).nodes {
                groups.entry(g).or_default().push(node);
            }
        }
        for (group, endpoints) in groups {
            let Some(rules) = facts::ingress_rules(network, group) else {
                ctx.unchecked(
                    &META,
                    network.address(group),
                    "some of the group's rules are unknown",
                );
                continue;
            };
            let open: Vec<&facts::IngressRule> =
                rules.iter().filter(|r| r.open_to_world()).collect();
            if open.is_empty() {
                continue;
            }
            let ports: Vec<String> = open
                .iter()
                .map(|r| {
                    if r.protocol == "-1" || r.protocol == "all" {
                        "all traffic".to_string()
                    } else if r.from_port == r.to_port {
                        format!("{} {}", r.protocol, r.from_port)
                    } else {
                        format!("{} {}-{}", r.protocol, r.from_port, r.to_port)
                    }
                })
                .collect();
            let message = format!(
                "security group {} of {} Interface endpoint(s) allows ingress from anywhere ({})",
                network.address(group),
                endpoints.len(),
                ports.join(", ")
            );
            let mut f = Finding::new(&META, network.address(group), message)
                .help("allow TCP 443 only from the VPC's CIDR or from the clients' security groups")
                .fix("  ingress {\n    from_port   = 443\n    to_port     = 443\n    protocol    = \"tcp\"\n    cidr_blocks = [aws_vpc.this.cidr_block]\n  }\n");
            for e in endpoints {
                f = f.related(network.address(e), "Interface endpoint");
            }
            ctx.report(f);
        }
    }
}
