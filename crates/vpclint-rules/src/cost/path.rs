//! The per-GB charges on a path: NAT gateway processing, cross-AZ transfer to a NAT gateway in
//! another Availability Zone, Interface endpoint processing; nothing for a Gateway endpoint.

use serde::Serialize;

use vpclint_plan::network::{Network, NodeKind, NodeRef, TargetKind};
use vpclint_plan::query::{Destination, Path, PathEnd};
use vpclint_plan::value::Fact;

use crate::prices::{Price, UnitPrices};

/// One per-GB charge on a path.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Charge {
    /// What is charged, in words: `NAT gateway data processing (aws_nat_gateway.a)`.
    pub item: String,
    pub usd_per_gb: f64,
    pub as_of: String,
    pub source: String,
}

impl Charge {
    fn new(item: String, price: &Price, times: f64) -> Charge {
        Charge {
            item,
            usd_per_gb: price.usd * times,
            as_of: price.as_of.to_string(),
            source: price.source.to_string(),
        }
    }
}

/// What traffic pays per GB on a path.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathPrice {
    /// The sum of the charges; `None` when a figure is missing or the path is not fully known,
    /// or when no traffic gets through.
    pub per_gb_usd: Option<f64>,
    pub charges: Vec<Charge>,
    /// Why `per_gb_usd` is missing.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    /// Charges that apply but are outside the price table.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_included: Vec<String>,
}

/// The charges on `path` (from a subnet to `destination`) at `prices` (`None`: the region has no
/// prices, or is unknown, which `region` says).
pub fn price_path(
    network: &Network<'_>,
    path: &Path,
    destination: &Destination,
    prices: Option<&UnitPrices>,
    region: Option<&str>,
) -> PathPrice {
    let mut out = PathPrice {
        per_gb_usd: None,
        charges: Vec::new(),
        missing: Vec::new(),
        not_included: Vec::new(),
    };
    let no_prices = || match region {
        Some(r) => format!("no prices for region {r}"),
        None => "the region is unknown".to_string(),
    };
    let mut last_subnet: Option<NodeRef> = None;
    for hop in &path.hops {
        match network.kind(hop.node) {
            Some(NodeKind::Subnet) => last_subnet = Some(hop.node),
            Some(NodeKind::NatGateway) => {
                let nat = network.address(hop.node);
                match prices.map(|p| &p.nat_gateway_gb) {
                    Some(Some(p)) => out.charges.push(Charge::new(
                        format!("NAT gateway data processing ({nat})"),
                        p,
                        1.0,
                    )),
                    Some(None) => out.missing.push(format!(
                        "no NAT gateway per-GB price for {}",
                        region.unwrap_or("this region")
                    )),
                    None => out.missing.push(no_prices()),
                }
                cross_az(network, hop.node, last_subnet, prices, &mut out, &no_prices);
            }
            Some(NodeKind::VpcEndpoint) => {
                if matches!(path.end, PathEnd::InterfaceEndpoint(e) if e == hop.node) {
                    let e = network.address(hop.node);
                    match prices.map(|p| p.interface_endpoint_gb_first()) {
                        Some(Some(p)) => out.charges.push(Charge::new(
                            format!("Interface endpoint data processing, first tier ({e})"),
                            p,
                            1.0,
                        )),
                        Some(None) => out.missing.push(format!(
                            "no Interface endpoint per-GB price for {}",
                            region.unwrap_or("this region")
                        )),
                        None => out.missing.push(no_prices()),
                    }
                }
            }
            _ => {}
        }
    }
    let flows = match &path.end {
        PathEnd::Internet(_) => {
            if matches!(destination, Destination::Internet | Destination::Internet6) {
                out.not_included
                    .push("data transfer out to the internet (the same on every path)".into());
            }
            true
        }
        PathEnd::GatewayEndpoint(_) | PathEnd::InterfaceEndpoint(_) | PathEnd::Local => true,
        PathEnd::LeavesPlan(kind) => {
            if *kind == TargetKind::NatGateway {
                // A NAT gateway that exists outside the plan still charges processing.
                if let Some(Some(p)) = prices.map(|p| &p.nat_gateway_gb) {
                    out.charges.push(Charge::new(
                        "NAT gateway data processing (a NAT gateway outside the plan)".into(),
                        p,
                        1.0,
                    ));
                }
                out.missing
                    .push("whether traffic crosses AZs to the NAT gateway outside the plan".into());
            } else {
                out.missing.push(format!(
                    "charges past the {} are outside the plan",
                    kind.as_str()
                ));
            }
            true
        }
        PathEnd::Unknown(reason) => {
            out.missing.push(reason.clone());
            true
        }
        PathEnd::NoRoute | PathEnd::Dropped(_) => false,
    };
    if flows && out.missing.is_empty() {
        out.per_gb_usd = Some(out.charges.iter().map(|c| c.usd_per_gb).sum::<f64>() + 0.0);
    }
    out
}

/// Cross-AZ transfer between the subnet that routed to a zonal NAT gateway and the NAT gateway's
/// own subnet: $0.01/GB in each direction, so twice the figure for each GB that crosses.
fn cross_az(
    network: &Network<'_>,
    nat: NodeRef,
    from: Option<NodeRef>,
    prices: Option<&UnitPrices>,
    out: &mut PathPrice,
    no_prices: &dyn Fn() -> String,
) {
    if network.nat_is_regional(nat) != Fact::Known(false) {
        // A regional NAT gateway is in every zone with workloads (or its mode is unknown, which
        // the path already says).
        return;
    }
    let Some(from) = from else { return };
    let nat_zone = match network.nat_subnet(nat) {
        Fact::Known(s) => network.availability_zone(s),
        _ => Fact::Unknown,
    };
    match (network.availability_zone(from), nat_zone) {
        (Fact::Known(a), Fact::Known(b)) if a == b => {}
        (Fact::Known(a), Fact::Known(b)) => match prices.map(|p| &p.cross_az_gb) {
            Some(Some(p)) => out.charges.push(Charge::new(
                format!("cross-AZ transfer {a} to {b}, each way"),
                p,
                2.0,
            )),
            Some(None) => out.missing.push("no cross-AZ transfer price".into()),
            None => out.missing.push(no_prices()),
        },
        _ => out.missing.push(format!(
            "whether traffic crosses AZs to {} (an Availability Zone is unknown)",
            network.address(nat)
        )),
    }
}
