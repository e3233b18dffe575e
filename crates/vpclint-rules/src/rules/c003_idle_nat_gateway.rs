//! C003 idle-nat-gateway: a NAT gateway no route uses still bills every hour.

use vpclint_plan::network::NodeKind;
use vpclint_plan::value::Fact;
use vpclint_plan::Action;

use crate::facts;
use crate::prices::{usd, HOURS_PER_MONTH};
use crate::{Category, Context, Cost, Finding, Rule, RuleMeta, Severity};

pub struct IdleNatGateway;

pub static META: RuleMeta = RuleMeta {
    id: "C003",
    slug: "idle-nat-gateway",
    severity: Severity::Warning,
    category: Category::Cost,
    summary: "a NAT gateway bills every hour but no route in the plan sends traffic to it",
    anchor: "the NAT gateway",
};

impl Rule for IdleNatGateway {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, ctx: &mut Context<'_, '_>) {
        let network = ctx.network;
        for nat in network.nodes(NodeKind::NatGateway) {
            let Some(resource) = network.resource(nat) else {
                continue;
            };
            // Routes outside the plan can only target a NAT gateway that already exists.
            if !matches!(resource.action, Action::Create | Action::Replace) {
                continue;
            }
            if !network.routes_to(nat).is_empty() {
                continue;
            }
            let vpc = match network.vpc_of(nat) {
                Fact::Known(v) => Fact::Known(v),
                _ => match network.nat_subnet(nat) {
                    Fact::Known(s) => network.vpc_of(s),
                    _ => Fact::Unknown,
                },
            };
            let uncertain = match vpc {
                Fact::Known(v) => network.has_unknown_route_targets(v),
                // Without the VPC, every route in the plan must be known.
                _ => {
                    network
                        .nodes(NodeKind::Vpc)
                        .into_iter()
                        .any(|v| network.has_unknown_route_targets(v))
                        || network.nodes(NodeKind::Vpc).is_empty()
                }
            };
            if uncertain {
                ctx.unchecked(
                    &META,
                    network.address(nat),
                    "some route target in the VPC is unknown until apply",
                );
                continue;
            }
            let private = network.nat_is_private(nat) == Fact::Known(true);
            let cost = facts::prices_at(network, ctx.options, nat).and_then(|(region, p)| {
                let hour = p.nat_gateway_hour.as_ref()?;
                // A private NAT gateway has no public address to pay for.
                let ipv4 = if private {
                    0.0
                } else {
                    p.public_ipv4_hour.as_ref()?.usd
                };
                let monthly = (hour.usd + ipv4) * HOURS_PER_MONTH;
                Some(Cost {
                    region,
                    monthly_usd: Some(monthly),
                    per_gb_usd: None,
                    basis: if private {
                        format!("730 h x {}/h (as of {})", usd(hour.usd), hour.as_of)
                    } else {
                        format!(
                            "730 h x ({}/h NAT + {}/h public IPv4) (as of {})",
                            usd(hour.usd),
                            usd(ipv4),
                            hour.as_of
                        )
                    },
                })
            });
            let money = match &cost {
                Some(c) => format!(
                    "; it costs {} a month",
                    usd(c.monthly_usd.unwrap_or_default())
                ),
                None => String::new(),
            };
            let message = format!(
                "no route in the plan targets NAT gateway {}{money}",
                network.address(nat)
            );
            let mut f = Finding::new(&META, network.address(nat), message)
                .help(
                    "route private subnets' default route to it, or remove it (and its Elastic IP)",
                )
                .cost(cost);
            if let Fact::Known(s) = network.nat_subnet(nat) {
                f = f.related(network.address(s), "NAT gateway's subnet");
            }
            ctx.report(f);
        }
    }
}
