//! S004 public-ip-in-nat-subnet: public addresses in a subnet that egresses through NAT.

use vpclint_plan::network::NodeKind;
use vpclint_plan::query::SubnetClass;
use vpclint_plan::value::Fact;

use crate::{Category, Context, Finding, Rule, RuleMeta, Severity};

pub struct PublicIpInNatSubnet;

pub static META: RuleMeta = RuleMeta {
    id: "S004",
    slug: "public-ip-in-nat-subnet",
    severity: Severity::Warning,
    category: Category::Security,
    summary: "a NAT-routed subnet gives instances public IPv4 addresses at launch",
    anchor: "the subnet",
};

impl Rule for PublicIpInNatSubnet {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &mut Context<'_, '_>) {
        let network = ctx.network;
        for subnet in network.nodes(NodeKind::Subnet) {
            if network.bool_or_default(subnet, "map_public_ip_on_launch", false)
                != Fact::Known(true)
            {
                continue;
            }
            match network.subnet_class(subnet) {
                Fact::Known(SubnetClass::NatRouted) => {}
                Fact::Known(_) => continue,
                _ => {
                    ctx.unchecked(
                        &META,
                        network.address(subnet),
                        "the subnet's routes are unknown",
                    );
                    continue;
                }
            }
            let mut f = Finding::new(
                &META,
                network.address(subnet),
                format!(
                    "subnet {} is NAT-routed and has map_public_ip_on_launch = true: instances get public IPv4 addresses (billed, and exposed if an internet route is added) they cannot use for egress",
                    network.address(subnet)
                ),
            )
            .help("set map_public_ip_on_launch = false on private subnets")
            .fix("  map_public_ip_on_launch = false\n");
            if let Fact::Known(t) = network.route_table_of(subnet) {
                f = f.related(network.address(t), "route table");
            }
            ctx.report(f);
        }
    }
}
