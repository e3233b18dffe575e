//! `vpclint trace PLAN --from SUBNET --to DEST`: the path traffic takes from a subnet (or from each
//! subnet of a workload) to a destination, hop by hop, with the route that carries it and why that
//! route wins, the cost per GB on the path, and where the path becomes unknown.
//!
//! What AWS Reachability Analyzer shows after deployment, from the plan before it.

use std::fmt;

use serde::Serialize;

use vpclint_plan::network::{Network, NodeKind, NodeRef, RouteTarget};
use vpclint_plan::query::{Destination, EndpointType, Path, PathEnd};
use vpclint_plan::services;
use vpclint_plan::value::Fact;
use vpclint_rules::cost::{price_path, rate, Charge, PriceTable};
use vpclint_rules::facts;

/// The traced paths from one `--from` to one `--to`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trace {
    /// `--from` as given.
    pub from: String,
    /// The destination: `internet`, `internet6`, `s3`, `dynamodb` or a service's short name.
    pub to: String,
    pub region: Option<String>,
    /// One path per source subnet, in address order.
    pub paths: Vec<TracedPath>,
    /// What keeps the trace from being complete (a workload's unknown subnets).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// The path from one subnet.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TracedPath {
    /// The workload traced, when `--from` named one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workload: Option<String>,
    pub subnet: String,
    pub hops: Vec<TraceHop>,
    pub end: TraceEnd,
    /// The cost per GB on the path; `None` when a figure or a hop is unknown, or nothing gets
    /// through.
    pub per_gb_usd: Option<f64>,
    pub charges: Vec<Charge>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_included: Vec<String>,
}

/// One hop: a subnet, route table, gateway or endpoint.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TraceHop {
    pub address: String,
    /// The node kind, as in `vpclint graph --format json`.
    pub kind: &'static str,
    /// Why traffic is here.
    pub why: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub availability_zone: Option<String>,
    /// For a route table: the route that sends the traffic on, and why it wins.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route: Option<RouteUsed>,
    /// More about this hop: a NAT gateway's type, an AZ crossing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RouteUsed {
    /// `0.0.0.0/0`, `the s3 prefix list`, `the VPC CIDR (local route)`.
    pub destination: String,
    pub target: String,
    /// The resource that declares the route; `None` for the implicit local route.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declared_by: Option<String>,
    pub reason: String,
}

/// Where the path ends.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TraceEnd {
    /// `internet`, `gateway_endpoint`, `interface_endpoint`, `local`, `leaves_plan`, `no_route`,
    /// `dropped` or `unknown`.
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    pub summary: String,
    /// For an unknown end: the last hop that is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unknown_after: Option<String>,
}

/// A `--from` or `--to` that cannot be traced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TraceError {
    /// No subnet or workload has this address or id; `suggestions` are addresses that contain it.
    NotFound {
        from: String,
        suggestions: Vec<String>,
    },
    /// The address is a resource of another kind.
    NotASource { address: String, kind: String },
    /// Not `internet`, `internet6`, `s3`, `dynamodb` or a service name.
    Destination(String),
}

impl fmt::Display for TraceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TraceError::NotFound { from, suggestions } => {
                write!(f, "no subnet or workload {from:?} in the plan")?;
                if !suggestions.is_empty() {
                    write!(f, " (did you mean {}?)", suggestions.join(", "))?;
                }
                Ok(())
            }
            TraceError::NotASource { address, kind } => write!(
                f,
                "{address} is a {kind}: --from takes a subnet or a workload (aws_instance, aws_ecs_service, aws_lambda_function, ...)"
            ),
            TraceError::Destination(d) => write!(
                f,
                "destination {d:?}: expected internet, internet6, s3, dynamodb or a service name like ecr.dkr"
            ),
        }
    }
}

impl std::error::Error for TraceError {}

/// Traces the path from `from` (a subnet or workload address, a resource address whose instances
/// are subnets or workloads, or a subnet's known id) to `to`, priced at `prices`.
pub fn trace(
    network: &Network<'_>,
    prices: &PriceTable,
    from: &str,
    to: &str,
) -> Result<Trace, TraceError> {
    let to_name = destination_name(to)?;
    let destination = Destination::parse(&to_name);
    let (sources, notes) = sources(network, from)?;
    let region = sources
        .first()
        .and_then(|(s, w)| facts::region(network, w.unwrap_or(*s)));
    let mut paths = Vec::new();
    for (subnet, workload) in sources {
        let path = network.path(subnet, &destination);
        let region = facts::region(network, subnet);
        let unit = region.as_deref().and_then(|r| prices.region(r));
        let price = price_path(network, &path, &destination, unit, region.as_deref());
        paths.push(TracedPath {
            workload: workload.map(|w| network.address(w)),
            subnet: network.address(subnet),
            hops: hops(network, &path, &destination),
            end: end(network, &path, &destination),
            per_gb_usd: price.per_gb_usd,
            charges: price.charges,
            missing: price.missing,
            not_included: price.not_included,
        });
    }
    Ok(Trace {
        from: from.to_string(),
        to: to_name,
        region,
        paths,
        notes,
    })
}

/// `s3`, `ecr.dkr` (also from `com.amazonaws.eu-west-1.ecr.dkr`), `internet`, `internet6`.
fn destination_name(to: &str) -> Result<String, TraceError> {
    let to = to.trim();
    if to == "internet" || to == "internet6" {
        return Ok(to.to_string());
    }
    match services::short_name(to) {
        Some(short) => Ok(short.to_string()),
        None => Err(TraceError::Destination(to.to_string())),
    }
}

type Sources = Vec<(NodeRef, Option<NodeRef>)>;

/// The subnets to trace from, each with the workload it stands for.
fn sources(network: &Network<'_>, from: &str) -> Result<(Sources, Vec<String>), TraceError> {
    let nodes = network.all_nodes();
    let mut matched: Vec<(NodeRef, NodeKind)> = nodes
        .iter()
        .filter(|(n, _)| network.address(*n) == from)
        .copied()
        .collect();
    if matched.is_empty() {
        // Every instance of a resource: `aws_subnet.private` for `aws_subnet.private[0]`, `[1]`.
        let prefix = format!("{from}[");
        matched = nodes
            .iter()
            .filter(|(n, k)| {
                matches!(k, NodeKind::Subnet | NodeKind::Workload)
                    && network.address(*n).starts_with(&prefix)
            })
            .copied()
            .collect();
    }
    if matched.is_empty() {
        // A subnet's or workload's known id: `subnet-0abc`.
        matched = nodes
            .iter()
            .filter(|(n, k)| {
                matches!(k, NodeKind::Subnet | NodeKind::Workload)
                    && network
                        .resource(*n)
                        .and_then(|r| r.known_id())
                        .is_some_and(|id| id == from)
            })
            .copied()
            .collect();
    }
    if matched.is_empty() {
        let needle = from.to_lowercase();
        let mut suggestions: Vec<String> = nodes
            .iter()
            .filter(|(_, k)| matches!(k, NodeKind::Subnet | NodeKind::Workload))
            .map(|(n, _)| network.address(*n))
            .filter(|a| {
                let a = a.to_lowercase();
                a.contains(&needle)
                    || needle
                        .rsplit('.')
                        .next()
                        .is_some_and(|last| !last.is_empty() && a.contains(last))
            })
            .collect();
        suggestions.truncate(5);
        return Err(TraceError::NotFound {
            from: from.to_string(),
            suggestions,
        });
    }
    let mut out = Vec::new();
    let mut notes = Vec::new();
    for (node, kind) in matched {
        match kind {
            NodeKind::Subnet => out.push((node, None)),
            NodeKind::Workload => {
                let placed = network.placement(node);
                if !placed.complete {
                    notes.push(format!(
                        "some subnets of {} are unknown until apply: they are not traced",
                        network.address(node)
                    ));
                } else if placed.nodes.is_empty() {
                    notes.push(format!(
                        "{} is placed in no subnet of the plan",
                        network.address(node)
                    ));
                }
                let mut subnets = placed.nodes.clone();
                subnets.sort_by_key(|s| network.address(*s));
                out.extend(subnets.into_iter().map(|s| (s, Some(node))));
            }
            other => {
                return Err(TraceError::NotASource {
                    address: network.address(node),
                    kind: other.as_str().replace('_', " "),
                })
            }
        }
    }
    Ok((out, notes))
}

fn hops(network: &Network<'_>, path: &Path, destination: &Destination) -> Vec<TraceHop> {
    let mut out = Vec::new();
    let ipv6 = *destination == Destination::Internet6;
    let mut last_subnet: Option<NodeRef> = None;
    let mut tables = 0;
    for (i, hop) in path.hops.iter().enumerate() {
        let kind = network.kind(hop.node);
        let next = path.hops.get(i + 1);
        let mut h = TraceHop {
            address: network.address(hop.node),
            kind: kind.map(|k| k.as_str()).unwrap_or("unknown"),
            why: hop.note.clone(),
            availability_zone: None,
            route: None,
            detail: None,
        };
        match kind {
            Some(NodeKind::Subnet) => {
                h.availability_zone = network.availability_zone(hop.node).known();
                last_subnet = Some(hop.node);
            }
            Some(NodeKind::RouteTable) => {
                h.why = if hop.note.starts_with("associated") {
                    "the route table associated with the subnet".to_string()
                } else {
                    "the VPC's main route table (the subnet has no explicit association)"
                        .to_string()
                };
                tables += 1;
                match next {
                    Some(n) => {
                        h.route =
                            route_used(network, hop.node, n.node, path, destination, tables == 1)
                    }
                    None => h.detail = table_end(network, hop.node, path, destination, ipv6),
                }
            }
            Some(NodeKind::NatGateway) => {
                h.why = "the target of the default route".to_string();
                h.detail = Some(nat_detail(network, hop.node, last_subnet));
            }
            Some(NodeKind::InternetGateway) => {
                h.why = "the target of the default route".to_string();
                h.detail = Some("out to the internet".to_string());
            }
            Some(NodeKind::EgressOnlyInternetGateway) => {
                h.why = "the target of the default route".to_string();
                h.detail = Some("IPv6 out to the internet (outbound only)".to_string());
            }
            Some(NodeKind::VpcEndpoint) => {
                let e = network.endpoint(hop.node);
                let service = e.service().known().unwrap_or_default();
                if e.is_type(EndpointType::Gateway) {
                    h.why = format!("the Gateway endpoint for {service}");
                    h.detail = Some("delivers to the service in the region; free".to_string());
                } else {
                    h.why = format!("the Interface endpoint for {service}");
                    let zones = facts::zones(network, &network.placement(hop.node).nodes);
                    h.detail = Some(match zones {
                        Some(z) if !z.is_empty() => {
                            format!("network interfaces in {}", z.join(", "))
                        }
                        _ => "its Availability Zones are unknown".to_string(),
                    });
                }
            }
            _ => {
                h.why = hop.note.clone();
            }
        }
        out.push(h);
    }
    out
}

/// The route of `table` that sends traffic on to `next`, and why it wins.
///
/// Endpoints only answer for traffic that starts in the VPC (`first`): past a NAT gateway, the
/// default route carries everything.
fn route_used(
    network: &Network<'_>,
    table: NodeRef,
    next: NodeRef,
    path: &Path,
    destination: &Destination,
    first: bool,
) -> Option<RouteUsed> {
    let service = match destination {
        Destination::Service(s) => Some(s.as_str()),
        _ => None,
    };
    match path.end {
        PathEnd::GatewayEndpoint(e) if e == next => {
            let s = service.unwrap_or("the service");
            return Some(RouteUsed {
                destination: format!("the {s} prefix list"),
                target: network.address(e),
                declared_by: Some(network.address(e)),
                reason: format!(
                    "the Gateway endpoint adds a route for {s}'s prefix list to the tables it is associated with; it is more specific than 0.0.0.0/0, so it wins"
                ),
            });
        }
        PathEnd::InterfaceEndpoint(e) if e == next => {
            let s = service.unwrap_or("the service");
            return Some(RouteUsed {
                destination: "the VPC CIDR".to_string(),
                target: "local".to_string(),
                declared_by: None,
                reason: format!(
                    "the endpoint's private DNS resolves {s}'s name to its network interfaces in the VPC, which the local route reaches"
                ),
            });
        }
        _ => {}
    }
    let ipv6 = *destination == Destination::Internet6;
    let Fact::Known(Some(route)) = network.default_route(table, ipv6) else {
        return None;
    };
    let target = match &route.target {
        Fact::Known(RouteTarget::Node(n)) => network.address(*n),
        Fact::Known(RouteTarget::External(id)) => id.clone(),
        Fact::Known(RouteTarget::Local) => "local".to_string(),
        _ => network.address(next),
    };
    let default = if ipv6 { "::/0" } else { "0.0.0.0/0" };
    let mut reason = String::new();
    if let Some(s) = service.filter(|_| first) {
        if services::is_gateway_service(s) {
            reason.push_str(&format!(
                "no Gateway endpoint for {s} is associated with this table and no Interface endpoint with private DNS answers for {s} in the VPC, so "
            ));
        } else {
            reason.push_str(&format!(
                "no Interface endpoint with private DNS answers for {s} in the VPC, so "
            ));
        }
    }
    reason.push_str(&format!(
        "the default route carries it ({default} matches every address no more specific route covers)"
    ));
    Some(RouteUsed {
        destination: default.to_string(),
        target,
        declared_by: Some(network.plan().resources[route.declared_by].id.clone()),
        reason,
    })
}

/// Why a path stops at a route table.
fn table_end(
    network: &Network<'_>,
    table: NodeRef,
    path: &Path,
    destination: &Destination,
    ipv6: bool,
) -> Option<String> {
    let default = if ipv6 { "::/0" } else { "0.0.0.0/0" };
    match &path.end {
        PathEnd::Unknown(_) => {
            let Destination::Service(service) = destination else {
                return None;
            };
            let candidates = uncertain_endpoints(network, service);
            (!candidates.is_empty()).then(|| {
                format!(
                    "unknown until apply: whether {} carries {service} traffic from this table",
                    candidates.join(", ")
                )
            })
        }
        PathEnd::NoRoute => {
            let set = network.routes_of(table);
            let others: Vec<String> = set
                .routes
                .iter()
                .filter_map(|&i| match &network.route(i).destination {
                    Fact::Known(d) => Some(d.text().to_string()),
                    _ => None,
                })
                .collect();
            Some(if others.is_empty() {
                format!("no route for {default}: only the local route")
            } else {
                format!(
                    "no route for {default}: its routes cover only {} and the local route",
                    others.join(", ")
                )
            })
        }
        _ => None,
    }
}

/// Endpoints that may carry `service` traffic but whose VPC, route tables, type, service or DNS
/// setting is unknown until apply.
fn uncertain_endpoints(network: &Network<'_>, service: &str) -> Vec<String> {
    let mut out = Vec::new();
    for node in network.nodes(NodeKind::VpcEndpoint) {
        let e = network.endpoint(node);
        let service_may = match e.service() {
            Fact::Known(s) => s == service,
            _ => true,
        };
        if !service_may {
            continue;
        }
        let uncertain = match e.endpoint_type {
            Fact::Known(EndpointType::Gateway) => {
                services::is_gateway_service(service)
                    && (!network.endpoint_route_tables(node).complete
                        || !matches!(e.vpc, Fact::Known(_)))
            }
            Fact::Known(EndpointType::Interface) => {
                e.private_dns != Fact::Known(false)
                    && (!matches!(e.vpc, Fact::Known(_))
                        || e.private_dns.is_unknown()
                        || e.service().is_unknown())
            }
            Fact::Known(_) => false,
            _ => true,
        };
        if uncertain {
            out.push(network.address(node));
        }
    }
    out
}

fn nat_detail(network: &Network<'_>, nat: NodeRef, from: Option<NodeRef>) -> String {
    let connectivity = match network.nat_is_private(nat) {
        Fact::Known(true) => "private",
        Fact::Known(false) => "public",
        _ => "connectivity unknown",
    };
    match network.nat_is_regional(nat) {
        Fact::Known(true) => {
            format!("{connectivity}, regional NAT gateway: out to the internet in every AZ")
        }
        Fact::Known(false) => {
            let zone = match network.nat_subnet(nat) {
                Fact::Known(s) => network.availability_zone(s).known(),
                _ => None,
            };
            let from_zone = from.and_then(|s| network.availability_zone(s).known());
            let mut text = format!(
                "{connectivity}, zonal NAT gateway in {}",
                zone.as_deref().unwrap_or("an unknown AZ")
            );
            if let (Some(a), Some(b)) = (&from_zone, &zone) {
                if a != b {
                    text.push_str(&format!("; traffic crosses from {a} to {b}"));
                }
            }
            text
        }
        _ => format!("{connectivity} NAT gateway, mode unknown"),
    }
}

fn end(network: &Network<'_>, path: &Path, destination: &Destination) -> TraceEnd {
    let what = match destination {
        Destination::Internet => "the internet".to_string(),
        Destination::Internet6 => "the internet (IPv6)".to_string(),
        Destination::Service(s) => s.clone(),
    };
    let last = path.hops.last().map(|h| network.address(h.node));
    let (kind, address, summary) = match &path.end {
        PathEnd::Internet(n) => {
            let a = network.address(*n);
            let summary = match destination {
                Destination::Service(s) => {
                    format!("reaches {s}'s public endpoint over the internet, through {a}")
                }
                _ => format!("reaches {what} through {a}"),
            };
            ("internet", Some(a), summary)
        }
        PathEnd::GatewayEndpoint(e) => {
            let a = network.address(*e);
            (
                "gateway_endpoint",
                Some(a.clone()),
                format!("reaches {what} through the Gateway endpoint {a}"),
            )
        }
        PathEnd::InterfaceEndpoint(e) => {
            let a = network.address(*e);
            (
                "interface_endpoint",
                Some(a.clone()),
                format!("reaches {what} through the Interface endpoint {a}"),
            )
        }
        PathEnd::Local => (
            "local",
            None,
            "stays in the VPC (the local route)".to_string(),
        ),
        PathEnd::LeavesPlan(kind) => (
            "leaves_plan",
            None,
            format!(
                "leaves the plan through a {}: the rest of the path is not in the plan",
                kind.as_str()
            ),
        ),
        PathEnd::NoRoute => (
            "no_route",
            None,
            match destination {
                Destination::Service(s) => format!(
                    "dropped: no endpoint for {s} and no default route, so {s} is unreachable"
                ),
                _ => format!("dropped: no route to {what}"),
            },
        ),
        PathEnd::Dropped(reason) => ("dropped", None, format!("dropped: {reason}")),
        PathEnd::Unknown(reason) => ("unknown", None, format!("unknown: {reason}")),
    };
    TraceEnd {
        kind,
        address,
        summary,
        unknown_after: if kind == "unknown" { last } else { None },
    }
}

/// The trace as pretty JSON, with a final newline.
pub fn render_json(trace: &Trace) -> String {
    let mut text = serde_json::to_string_pretty(trace).expect("a trace serializes");
    text.push('\n');
    text
}

/// The trace for a terminal: numbered hops, then where it ends and what a GB costs.
pub fn render_human(trace: &Trace) -> String {
    let mut out = format!(
        "trace {} -> {} ({})\n",
        trace.from,
        trace.to,
        trace.region.as_deref().unwrap_or("region unknown")
    );
    for note in &trace.notes {
        out.push_str(&format!("note: {note}\n"));
    }
    if trace.paths.is_empty() {
        out.push_str("\nno subnet to trace from\n");
    }
    for p in &trace.paths {
        out.push('\n');
        if trace.paths.len() > 1 || p.workload.is_some() {
            match &p.workload {
                Some(w) => out.push_str(&format!("from {} in {}\n", w, p.subnet)),
                None => out.push_str(&format!("from {}\n", p.subnet)),
            }
        }
        for (i, h) in p.hops.iter().enumerate() {
            let zone = h
                .availability_zone
                .as_ref()
                .map(|z| format!(" ({z})"))
                .unwrap_or_default();
            out.push_str(&format!(
                "  {}. {} {}{zone}\n",
                i + 1,
                kind_name(h.kind),
                h.address
            ));
            out.push_str(&format!("     {}\n", h.why));
            if let Some(r) = &h.route {
                let by = match &r.declared_by {
                    Some(b) => format!("declared by {b}"),
                    None => "implicit in every route table".to_string(),
                };
                out.push_str(&format!(
                    "     route {} -> {} ({by})\n     {}\n",
                    r.destination, r.target, r.reason
                ));
            }
            if let Some(d) = &h.detail {
                out.push_str(&format!("     {d}\n"));
            }
        }
        out.push_str(&format!("  end: {}\n", p.end.summary));
        if let Some(after) = &p.end.unknown_after {
            out.push_str(&format!("       known up to {after}\n"));
        }
        out.push_str(&format!("  cost: {}\n", cost_line(p)));
        for n in &p.not_included {
            out.push_str(&format!("        not included: {n}\n"));
        }
    }
    out
}

/// `NAT gateway` for `nat_gateway`.
fn kind_name(kind: &str) -> String {
    match kind {
        "nat_gateway" => "NAT gateway".to_string(),
        "vpc_endpoint" => "VPC endpoint".to_string(),
        "egress_only_internet_gateway" => "egress-only internet gateway".to_string(),
        "vpn_gateway" => "VPN gateway".to_string(),
        other => other.replace('_', " "),
    }
}

fn cost_line(p: &TracedPath) -> String {
    if matches!(p.end.kind, "no_route" | "dropped") {
        return "none: no traffic gets through".to_string();
    }
    let parts: Vec<String> = p
        .charges
        .iter()
        .map(|c| {
            if c.as_of == "undated" {
                format!("{} {} (undated)", c.item, rate(c.usd_per_gb))
            } else {
                format!("{} {} (as of {})", c.item, rate(c.usd_per_gb), c.as_of)
            }
        })
        .collect();
    match p.per_gb_usd {
        Some(total) if parts.is_empty() => {
            format!("{}/GB: no processing charge on this path", rate(total))
        }
        Some(total) => format!("{}/GB = {}", rate(total), parts.join(" + ")),
        None => {
            let mut text = "unknown per GB".to_string();
            if !parts.is_empty() {
                text.push_str(&format!(" (at least {})", parts.join(" + ")));
            }
            if !p.missing.is_empty() {
                text.push_str(&format!(": {}", p.missing.join("; ")));
            }
            text
        }
    }
}
