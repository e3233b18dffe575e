//! N006 vpc-dns-disabled: private DNS for endpoints needs the VPC's DNS support and hostnames.

use vpclint_plan::network::NodeKind;
use vpclint_plan::query::EndpointType;
use vpclint_plan::value::Fact;

use crate::{Category, Context, Finding, Rule, RuleMeta, Severity};

pub struct VpcDnsDisabled;

pub static META: RuleMeta = RuleMeta {
    id: "N006",
    slug: "vpc-dns-disabled",
    severity: Severity::Error,
    category: Category::Connectivity,
    summary:
        "a VPC with private-DNS Interface endpoints has DNS support or DNS hostnames turned off",
    anchor: "the VPC",
};

impl Rule for VpcDnsDisabled {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &mut Context<'_, '_>) {
        let network = ctx.network;
        for vpc in network.nodes(NodeKind::Vpc) {
            let (endpoints, _) = network.endpoints_in(vpc);
            let with_dns: Vec<_> = endpoints
                .iter()
                .filter(|e| {
                    e.is_type(EndpointType::Interface) && e.private_dns == Fact::Known(true)
                })
                .collect();
            if with_dns.is_empty() {
                continue;
            }
            let (support, hostnames) = network.vpc_dns(vpc);
            let mut off = Vec::new();
            if support == Fact::Known(false) {
                off.push("enable_dns_support");
            }
            if hostnames == Fact::Known(false) {
                off.push("enable_dns_hostnames");
            }
            if off.is_empty() {
                if support.is_unknown() || hostnames.is_unknown() {
                    ctx.unchecked(
                        &META,
                        network.address(vpc),
                        "the VPC's DNS attributes are unknown",
                    );
                }
                continue;
            }
            let unset_hostnames = network.resource(vpc).is_some_and(|r| {
                !r.is_data() && r.values.bool("enable_dns_hostnames") == Fact::Absent
            });
            let default_note = if off.contains(&"enable_dns_hostnames") && unset_hostnames {
                " (enable_dns_hostnames defaults to false)"
            } else {
                ""
            };
            let message = format!(
                "{} {} off on VPC {}{default_note}, so the private DNS of its {} Interface endpoint(s) does not resolve",
                off.join(" and "),
                if off.len() > 1 { "are" } else { "is" },
                network.address(vpc),
                with_dns.len()
            );
            let mut fix = String::new();
            for attr in &off {
                fix.push_str(&format!("  {attr} = true\n"));
            }
            let mut f = Finding::new(&META, network.address(vpc), message)
                .help("turn on enable_dns_support and enable_dns_hostnames on the VPC")
                .fix(fix);
            for e in with_dns {
                f = f.related(
                    network.address(e.node),
                    "Interface endpoint with private DNS",
                );
            }
            ctx.report(f);
        }
    }
}
