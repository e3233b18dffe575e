//! `vpclint cost`: what each VPC of a plan pays for egress, and what the alternatives would pay.
//!
//! Per VPC: the fixed monthly cost of its NAT gateways (hours plus public IPv4) and Interface
//! endpoints (endpoints x AZs x hours), the per-GB rate on every path from its subnets, and one
//! decision per alternative (add the missing Gateway endpoints, replace NAT egress to AWS services
//! with Interface endpoints or the reverse, spread or consolidate NAT gateways across AZs) with its
//! break-even traffic. Given [`Traffic`] assumptions, monthly totals for now and for each
//! alternative; without them, no volume is ever invented.
//!
//! Every figure comes from a [`PriceTable`]; a figure the table does not have is reported as
//! unknown, never replaced by another region's.

mod groups;
mod path;
mod traffic;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use vpclint_plan::network::{Network, NodeKind, NodeRef};
use vpclint_plan::query::{Destination, EndpointType, Path, PathEnd, SubnetClass};
use vpclint_plan::value::{Fact, Step};

use crate::facts;
use crate::RuleOptions;

pub use crate::prices::{
    PriceError, PriceOverrides, PriceTable, RegionOverride, UnitPrices, HOURS_PER_MONTH,
};
pub use groups::{vpc_groups, VpcGroup};
pub use path::{price_path, Charge, PathPrice};
pub use traffic::{parse_size, Service, Traffic, TrafficError};

// ---------------------------------------------------------------------------------------------
// The arithmetic, on its own so that it can be checked by hand.
// ---------------------------------------------------------------------------------------------

/// A zonal NAT gateway's month: hours plus its public IPv4 addresses.
pub fn nat_gateway_month(hour_usd: f64, public_ipv4_hour_usd: f64, addresses: usize) -> f64 {
    (hour_usd + public_ipv4_hour_usd * addresses as f64) * HOURS_PER_MONTH
}

/// `endpoints` Interface endpoints, each in `azs` Availability Zones, for a month.
pub fn interface_endpoints_month(hour_usd: f64, endpoints: usize, azs: usize) -> f64 {
    hour_usd * HOURS_PER_MONTH * (endpoints * azs) as f64
}

/// The traffic (GB/month) at which a fixed monthly cost is paid back by a per-GB saving; `None`
/// when there is no saving per GB (never paid back).
pub fn break_even_gb(fixed_monthly_usd: f64, saving_per_gb_usd: f64) -> Option<f64> {
    (saving_per_gb_usd > 0.0).then(|| fixed_monthly_usd / saving_per_gb_usd)
}

// ---------------------------------------------------------------------------------------------
// The report.
// ---------------------------------------------------------------------------------------------

/// The cost report of one plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CostReport {
    pub plan: String,
    pub hours_per_month: f64,
    /// Known VPCs in address order, then groups whose VPC is unknown until apply.
    pub vpcs: Vec<VpcCost>,
    /// Whether traffic assumptions were given.
    pub with_traffic: bool,
    /// Remarks about the whole report (traffic assumptions for a VPC not in the plan).
    pub notes: Vec<String>,
}

/// What one VPC pays.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VpcCost {
    /// The VPC's address; `None` when it is unknown until apply.
    pub vpc: Option<String>,
    /// The VPC's address, or a description of a group whose VPC is unknown.
    pub label: String,
    pub region: Option<String>,
    /// The unit prices used, with their dates and sources; `None` when the region has none.
    pub prices: Option<UnitPrices>,
    pub availability_zones: Vec<String>,
    pub nat_gateways: Vec<NatGatewayCost>,
    pub interface_endpoints: Vec<InterfaceEndpointCost>,
    pub gateway_endpoints: Vec<GatewayEndpoint>,
    /// The fixed monthly cost of the NAT gateways and Interface endpoints; `None` when a part is
    /// unknown.
    pub fixed_monthly_usd: Option<f64>,
    /// The sum of the parts that are known.
    pub fixed_monthly_known_usd: f64,
    /// Per-GB rates, one entry per route table and Availability Zone.
    pub paths: Vec<SourcePaths>,
    pub decisions: Vec<Decision>,
    /// Monthly totals under the traffic assumptions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub traffic: Option<TrafficTotal>,
    /// What could not be priced or decided, and why.
    pub unknown: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NatGatewayCost {
    pub address: String,
    /// `public` or `private`; `None` when unknown.
    pub connectivity: Option<String>,
    /// `zonal` or `regional`; `None` when unknown.
    pub mode: Option<String>,
    pub subnet: Option<String>,
    pub availability_zone: Option<String>,
    pub public_ipv4_addresses: Option<usize>,
    pub hours_monthly_usd: Option<f64>,
    pub public_ipv4_monthly_usd: Option<f64>,
    pub monthly_usd: Option<f64>,
    /// Route tables in the plan whose routes target it.
    pub routed_from: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InterfaceEndpointCost {
    pub address: String,
    /// The short service name (`ecr.dkr`); empty for a customer endpoint service.
    pub service: Option<String>,
    pub availability_zones: Option<Vec<String>>,
    pub monthly_usd: Option<f64>,
    /// Whether traffic from the VPC's subnets reaches the service through it (its private DNS
    /// answers for the service).
    pub carries_traffic: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GatewayEndpoint {
    pub address: String,
    pub service: Option<String>,
    pub route_tables: Vec<String>,
}

/// The paths from the subnets of one route table in one Availability Zone.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourcePaths {
    pub route_table: Option<String>,
    /// The subnets' Availability Zones (several when the AZ changes no rate).
    pub availability_zones: Vec<String>,
    pub subnets: Vec<String>,
    /// `public`, `nat_routed`, `isolated`, `other`, or `unknown`.
    pub class: &'static str,
    /// Whether the traffic assumptions count this source (every non-public subnet does).
    pub traffic_origin: bool,
    pub rates: Vec<Rate>,
}

/// The per-GB rate to one destination.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rate {
    /// `internet`, `s3`, `dynamodb`, or an Interface endpoint service.
    pub destination: String,
    pub via: Via,
    /// `None` when a figure or a hop is unknown, or no traffic gets through.
    pub per_gb_usd: Option<f64>,
    pub charges: Vec<Charge>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// What carries traffic out of the VPC on a path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Via {
    pub kind: ViaKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ViaKind {
    NatGateway,
    InternetGateway,
    GatewayEndpoint,
    InterfaceEndpoint,
    Local,
    LeavesPlan,
    NoRoute,
    Dropped,
    Unknown,
}

impl ViaKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ViaKind::NatGateway => "NAT gateway",
            ViaKind::InternetGateway => "internet gateway",
            ViaKind::GatewayEndpoint => "Gateway endpoint",
            ViaKind::InterfaceEndpoint => "Interface endpoint",
            ViaKind::Local => "local route",
            ViaKind::LeavesPlan => "outside the plan",
            ViaKind::NoRoute => "no route",
            ViaKind::Dropped => "dropped",
            ViaKind::Unknown => "unknown",
        }
    }

    /// Whether traffic gets through (or may: unknown).
    pub fn flows(self) -> bool {
        !matches!(self, ViaKind::NoRoute | ViaKind::Dropped)
    }
}

/// One alternative to what the plan does, and what it would change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decision {
    pub kind: DecisionKind,
    /// The alternative in a few words: `add a Gateway endpoint for S3`.
    pub title: String,
    /// The service concerned, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    /// The alternative and its figures in one line.
    pub summary: String,
    /// Resources the alternative changes.
    pub resources: Vec<String>,
    /// The traffic whose per-GB rate changes: `s3 traffic from 2 subnet(s)`.
    pub affected: String,
    /// Change of the fixed monthly cost (negative: saved).
    pub fixed_monthly_usd: Option<f64>,
    /// Change of the per-GB rate of the affected traffic (negative: saved).
    pub per_gb_usd: Option<f64>,
    /// Affected traffic (GB/month) at which the alternative costs the same as the plan.
    pub break_even_gb_per_month: Option<f64>,
    pub verdict: Verdict,
    /// Under the traffic assumptions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub with_traffic: Option<Outcome>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    /// Add the Gateway endpoint S3 or DynamoDB traffic lacks.
    AddGatewayEndpoint,
    /// Remove an Interface endpoint (its traffic then goes through the NAT gateway).
    RemoveInterfaceEndpoint,
    /// An Interface endpoint that carries no traffic (private DNS off).
    UnusedInterfaceEndpoint,
    /// Remove all the Interface endpoints and keep the NAT gateways: the seed question.
    EndpointsVersusNat,
    /// Add an Interface endpoint for a service whose traffic goes through a NAT gateway.
    AddInterfaceEndpoint,
    /// Add a NAT gateway in each AZ whose traffic crosses to another AZ's NAT gateway.
    SpreadNatGateways,
    /// Keep one NAT gateway for every AZ.
    ConsolidateNatGateways,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Costs nothing and saves per GB: always cheaper.
    AlwaysCheaper,
    /// Cheaper under the traffic assumptions.
    Cheaper,
    /// Dearer under the traffic assumptions.
    Dearer,
    /// Depends on traffic: see the break-even.
    DependsOnTraffic,
    /// Not possible: the subnets would lose their only way to the service.
    Unavailable,
    /// A figure is unknown.
    Unknown,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::AlwaysCheaper => "always cheaper",
            Verdict::Cheaper => "cheaper",
            Verdict::Dearer => "dearer",
            Verdict::DependsOnTraffic => "depends on traffic",
            Verdict::Unavailable => "not possible",
            Verdict::Unknown => "unknown",
        }
    }
}

/// An alternative under the traffic assumptions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    pub affected_gb_per_month: f64,
    /// Change of the VPC's monthly total (negative: saved).
    pub monthly_change_usd: Option<f64>,
    pub current_monthly_usd: Option<f64>,
    pub alternative_monthly_usd: Option<f64>,
}

/// The VPC's monthly total under the traffic assumptions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrafficTotal {
    /// How the volumes are spread over the VPC's subnets.
    pub assumption: String,
    pub destinations: Vec<TrafficLine>,
    pub fixed_monthly_usd: Option<f64>,
    pub processing_monthly_usd: Option<f64>,
    pub total_monthly_usd: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrafficLine {
    pub destination: String,
    pub gb_per_month: f64,
    /// The average rate over the subnets the traffic comes from.
    pub per_gb_usd: Option<f64>,
    pub monthly_usd: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The cost report of a network at `prices`, under `traffic` (empty: rates and fixed costs only).
pub fn cost_report(network: &Network<'_>, prices: &PriceTable, traffic: &Traffic) -> CostReport {
    let groups = vpc_groups(network);
    let uses_dynamodb = facts::uses_dynamodb(network, &RuleOptions::default());
    let vpcs: Vec<VpcCost> = groups
        .iter()
        .map(|g| VpcBuilder::new(network, g, prices, traffic, uses_dynamodb).build())
        .collect();
    let mut notes = Vec::new();
    for vpc in traffic.vpc.keys() {
        if !vpcs.iter().any(|v| v.vpc.as_deref() == Some(vpc.as_str())) {
            notes.push(format!(
                "traffic assumptions for {vpc}: no VPC with that address in the plan"
            ));
        }
    }
    CostReport {
        plan: network.plan().name.clone(),
        hours_per_month: HOURS_PER_MONTH,
        vpcs,
        with_traffic: !traffic.is_empty(),
        notes,
    }
}

// ---------------------------------------------------------------------------------------------
// Building one VPC's figures.
// ---------------------------------------------------------------------------------------------

/// Subnets that share a route table and an Availability Zone (so every path from them).
struct Source {
    table: Option<NodeRef>,
    zone: Option<String>,
    subnets: Vec<NodeRef>,
    class: Fact<SubnetClass>,
    origin: bool,
    /// Per destination: the path and its price.
    paths: BTreeMap<String, (Path, PathPrice)>,
}

impl Source {
    fn weight(&self) -> f64 {
        self.subnets.len() as f64
    }

    fn via(&self, network: &Network<'_>, destination: &str) -> Via {
        via(network, &self.paths[destination].0)
    }

    fn rate(&self, destination: &str) -> Option<f64> {
        self.paths[destination].1.per_gb_usd
    }

    fn label(&self, network: &Network<'_>) -> String {
        let subnets: Vec<String> = self.subnets.iter().map(|s| network.address(*s)).collect();
        compact(&subnets)
    }
}

struct VpcBuilder<'a, 'p> {
    network: &'a Network<'p>,
    group: &'a VpcGroup,
    prices: Option<&'a UnitPrices>,
    region: Option<String>,
    traffic: BTreeMap<Service, f64>,
    uses_dynamodb: bool,
    unknown: Vec<String>,
}

/// A weighted average over sources.
#[derive(Debug, Clone, Copy)]
struct Average {
    /// `None` when some source's figure is unknown.
    value: Option<f64>,
    /// The weight of the sources averaged (subnets).
    weight: f64,
    min: f64,
    max: f64,
}

impl Average {
    /// `$0.058/GB`, or `$0.048 to $0.068/GB ($0.058 on average)`.
    fn text(&self) -> String {
        match self.value {
            Some(v) if self.max - self.min > 1e-9 => format!(
                "{} to {}/GB ({} on average)",
                rate(self.min),
                rate(self.max),
                rate(v)
            ),
            Some(v) => format!("{}/GB", rate(v)),
            None => "an unknown amount per GB".to_string(),
        }
    }
}

impl<'a, 'p> VpcBuilder<'a, 'p> {
    fn new(
        network: &'a Network<'p>,
        group: &'a VpcGroup,
        table: &'a PriceTable,
        traffic: &Traffic,
        uses_dynamodb: bool,
    ) -> Self {
        let region = group.region(network);
        let prices = region.as_deref().and_then(|r| table.region(r));
        let vpc = group.vpc.map(|v| network.address(v));
        VpcBuilder {
            network,
            group,
            prices,
            region,
            traffic: traffic.for_vpc(vpc.as_deref()),
            uses_dynamodb,
            unknown: Vec::new(),
        }
    }

    fn region_text(&self) -> &str {
        self.region.as_deref().unwrap_or("an unknown region")
    }

    fn build(mut self) -> VpcCost {
        let network = self.network;
        match (&self.region, self.prices) {
            (None, _) => self
                .unknown
                .push("the region is unknown: no figures".to_string()),
            (Some(r), None) => self.unknown.push(format!(
                "no prices for region {r}: no figures (add them under [prices.{r}] in vpclint.toml)"
            )),
            _ => {}
        }
        let nat_gateways: Vec<NatGatewayCost> = self
            .group
            .nat_gateways
            .clone()
            .into_iter()
            .map(|n| self.nat_gateway(n))
            .collect();
        let destinations = self.destinations();
        let sources = self.sources(&destinations);
        let interface_endpoints: Vec<InterfaceEndpointCost> = self
            .group
            .endpoints
            .clone()
            .into_iter()
            .filter(|e| !network.endpoint(*e).is_type(EndpointType::Gateway))
            .map(|e| self.interface_endpoint(e, &sources))
            .collect();
        let gateway_endpoints = self
            .group
            .endpoints
            .iter()
            .filter(|e| network.endpoint(**e).is_type(EndpointType::Gateway))
            .map(|e| GatewayEndpoint {
                address: network.address(*e),
                service: network.endpoint(*e).service().known(),
                route_tables: network
                    .endpoint_route_tables(*e)
                    .nodes
                    .iter()
                    .map(|t| network.address(*t))
                    .collect(),
            })
            .collect();
        let parts: Vec<Option<f64>> = nat_gateways
            .iter()
            .map(|n| n.monthly_usd)
            .chain(interface_endpoints.iter().map(|e| e.monthly_usd))
            .collect();
        let fixed_known: f64 = parts.iter().flatten().sum();
        let fixed = parts.iter().all(Option::is_some).then_some(fixed_known);
        let mut zones: Vec<String> = self
            .group
            .subnets
            .iter()
            .filter_map(|s| network.availability_zone(*s).known())
            .collect();
        zones.sort();
        zones.dedup();
        let traffic_total = self.traffic_total(&sources, &destinations, fixed);
        let current = traffic_total.as_ref().and_then(|t| t.total_monthly_usd);
        let mut decisions = Vec::new();
        self.gateway_decisions(&sources, current, &mut decisions);
        self.endpoint_decisions(
            &sources,
            &interface_endpoints,
            &nat_gateways,
            current,
            &mut decisions,
        );
        self.new_endpoint_decisions(&sources, &interface_endpoints, current, &mut decisions);
        self.nat_decisions(&sources, &nat_gateways, current, &mut decisions);
        let mut paths: Vec<SourcePaths> = Vec::new();
        for s in &sources {
            let rates: Vec<Rate> = destinations
                .iter()
                .map(|d| {
                    let (path, price) = &s.paths[d];
                    Rate {
                        destination: d.clone(),
                        via: via(network, path),
                        per_gb_usd: price.per_gb_usd,
                        charges: price.charges.clone(),
                        note: rate_note(path, price),
                    }
                })
                .collect();
            let table = s.table.map(|t| network.address(t));
            // Subnets of one table whose AZ changes nothing share one entry.
            if let Some(same) = paths
                .iter_mut()
                .find(|p| p.route_table.is_some() && p.route_table == table && p.rates == rates)
            {
                same.availability_zones.extend(s.zone.clone());
                same.subnets
                    .extend(s.subnets.iter().map(|n| network.address(*n)));
                continue;
            }
            paths.push(SourcePaths {
                route_table: table,
                availability_zones: s.zone.iter().cloned().collect(),
                subnets: s.subnets.iter().map(|n| network.address(*n)).collect(),
                class: class_name(s.class),
                traffic_origin: s.origin,
                rates,
            });
        }
        let mut unknown = self.unknown;
        unknown.sort();
        unknown.dedup();
        tidy(VpcCost {
            vpc: self.group.vpc.map(|v| network.address(v)),
            label: self.group.label(network),
            region: self.region.clone(),
            prices: self.prices.cloned(),
            availability_zones: zones,
            nat_gateways,
            interface_endpoints,
            gateway_endpoints,
            fixed_monthly_usd: fixed,
            fixed_monthly_known_usd: fixed_known,
            paths,
            decisions,
            traffic: traffic_total,
            unknown,
        })
    }

    /// `internet`, `s3`, `dynamodb` (when the plan uses it), the services of the VPC's Interface
    /// endpoints, and every destination of the traffic assumptions.
    fn destinations(&self) -> Vec<String> {
        let mut rest = BTreeSet::new();
        for e in &self.group.endpoints {
            let e = self.network.endpoint(*e);
            if e.is_type(EndpointType::Interface) {
                if let Fact::Known(s) = e.service() {
                    if !s.is_empty() {
                        rest.insert(s);
                    }
                }
            }
        }
        for s in self.traffic.keys() {
            rest.insert(s.clone());
        }
        let mut out = vec!["internet".to_string(), "s3".to_string()];
        if self.uses_dynamodb || rest.contains("dynamodb") {
            out.push("dynamodb".to_string());
        }
        for s in rest {
            if !out.contains(&s) {
                out.push(s);
            }
        }
        out
    }

    fn sources(&mut self, destinations: &[String]) -> Vec<Source> {
        let network = self.network;
        let mut by_key: BTreeMap<(Option<String>, Option<String>), Source> = BTreeMap::new();
        for subnet in &self.group.subnets {
            let table = network.route_table_of(*subnet).known();
            let zone = network.availability_zone(*subnet).known();
            let key = (table.map(|t| network.address(t)), zone.clone());
            by_key
                .entry(key)
                .or_insert_with(|| {
                    let class = network.subnet_class(*subnet);
                    Source {
                        table,
                        zone,
                        subnets: Vec::new(),
                        class,
                        origin: class != Fact::Known(SubnetClass::Public),
                        paths: BTreeMap::new(),
                    }
                })
                .subnets
                .push(*subnet);
        }
        let mut sources: Vec<Source> = by_key.into_values().collect();
        // Sorted by key, but sources with an unknown table last.
        sources.sort_by_key(|s| s.table.is_none());
        if !sources.iter().any(|s| s.origin) {
            // Only public subnets: the traffic comes from them.
            for s in &mut sources {
                s.origin = true;
            }
        }
        for s in &mut sources {
            for d in destinations {
                let dest = Destination::parse(d);
                let path = network.path(s.subnets[0], &dest);
                let price = price_path(network, &path, &dest, self.prices, self.region.as_deref());
                s.paths.insert(d.clone(), (path, price));
            }
        }
        sources
    }

    /// The average rate to `destination` over the origins `pick` selects, weighted by subnets.
    /// Origins from which no traffic gets through are left out.
    fn average(
        &self,
        sources: &[Source],
        destination: &str,
        pick: impl Fn(&Source) -> bool,
        rate: impl Fn(&Source) -> Option<f64>,
    ) -> Average {
        let mut weight = 0.0;
        let mut sum = 0.0;
        let mut known = true;
        let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
        for s in sources.iter().filter(|s| s.origin && pick(s)) {
            if !s.via(self.network, destination).kind.flows() {
                continue;
            }
            weight += s.weight();
            match rate(s) {
                Some(r) => {
                    sum += r * s.weight();
                    min = min.min(r);
                    max = max.max(r);
                }
                None => known = false,
            }
        }
        Average {
            value: (known && weight > 0.0).then(|| sum / weight),
            weight,
            min,
            max,
        }
    }

    /// The weight of the origins from which traffic to `destination` gets through.
    fn flowing_weight(&self, sources: &[Source], destination: &str) -> f64 {
        self.average(sources, destination, |_| true, |_| Some(0.0))
            .weight
    }

    fn nat_gateway(&mut self, nat: NodeRef) -> NatGatewayCost {
        let network = self.network;
        let address = network.address(nat);
        let private = network.nat_is_private(nat);
        let regional = network.nat_is_regional(nat);
        let subnet = network.nat_subnet(nat).known();
        let zone = subnet.and_then(|s| network.availability_zone(s).known());
        let values = network.resource(nat).map(|r| &r.values);
        let addresses: Option<usize> = match (private, regional) {
            (Fact::Known(true), _) => Some(0),
            (Fact::Known(false), Fact::Known(false)) => {
                values.and_then(
                    |v| match v.len_at(&[Step::Key("secondary_allocation_ids")]) {
                        Fact::Known(n) => Some(1 + n),
                        Fact::Absent => Some(1),
                        Fact::Unknown
                            if network.is_unconfigured(nat, "secondary_allocation_ids") =>
                        {
                            Some(1)
                        }
                        Fact::Unknown => None,
                    },
                )
            }
            (Fact::Known(false), Fact::Known(true)) => values.and_then(|v| {
                let blocks = v
                    .len_at(&[Step::Key("availability_zone_address")])
                    .known()?;
                let mut n = 0;
                for i in 0..blocks {
                    n += v
                        .len_at(&[
                            Step::Key("availability_zone_address"),
                            Step::Index(i),
                            Step::Key("allocation_ids"),
                        ])
                        .known()?;
                }
                (n > 0).then_some(n)
            }),
            _ => None,
        };
        let mut note = None;
        let hours = match regional {
            Fact::Known(false) => self.prices.and_then(|p| p.nat_gateway_hours_month()),
            Fact::Known(true) => {
                note = Some(
                    "how a regional NAT gateway's hours accrue per AZ is not in the price facts"
                        .to_string(),
                );
                None
            }
            _ => None,
        };
        let ipv4 = addresses.and_then(|n| {
            if n == 0 {
                Some(0.0)
            } else {
                self.prices.and_then(|p| p.public_ipv4_month(n))
            }
        });
        if self.prices.is_some() {
            if hours.is_none() && regional == Fact::Known(false) {
                self.unknown.push(format!(
                    "no NAT gateway hourly price for {}",
                    self.region_text()
                ));
            }
            if addresses.is_none() {
                self.unknown.push(format!(
                    "the public IPv4 addresses of {address} are unknown"
                ));
            }
        }
        let routed_from: Vec<String> = network
            .routes_to(nat)
            .into_iter()
            .map(|i| network.address(network.route(i).table))
            .collect::<BTreeSet<String>>()
            .into_iter()
            .collect();
        if routed_from.is_empty() && note.is_none() {
            note = Some("no route in the plan targets it".to_string());
        }
        NatGatewayCost {
            address,
            connectivity: private
                .known()
                .map(|p| if p { "private" } else { "public" }.to_string()),
            mode: regional
                .known()
                .map(|r| if r { "regional" } else { "zonal" }.to_string()),
            subnet: subnet.map(|s| network.address(s)),
            availability_zone: zone,
            public_ipv4_addresses: addresses,
            hours_monthly_usd: hours,
            public_ipv4_monthly_usd: ipv4,
            monthly_usd: hours.zip(ipv4).map(|(h, i)| h + i),
            routed_from,
            note,
        }
    }

    fn interface_endpoint(&mut self, node: NodeRef, sources: &[Source]) -> InterfaceEndpointCost {
        let network = self.network;
        let e = network.endpoint(node);
        let address = network.address(node);
        let placed = network.placement(node);
        let zones = if placed.complete {
            facts::zones(network, &placed.nodes)
        } else {
            None
        };
        let mut note = None;
        let monthly = match (&e.endpoint_type, &zones) {
            (Fact::Known(EndpointType::Interface), Some(z)) if !z.is_empty() => {
                match self.prices.map(|p| p.interface_endpoint_month(z.len())) {
                    Some(Some(m)) => Some(m),
                    Some(None) => {
                        self.unknown.push(format!(
                            "no Interface endpoint hourly price for {}",
                            self.region_text()
                        ));
                        None
                    }
                    None => None,
                }
            }
            (Fact::Known(EndpointType::Interface), Some(_)) => {
                note = Some("placed in no subnet".to_string());
                None
            }
            (Fact::Known(EndpointType::Interface), None) => {
                self.unknown
                    .push(format!("the Availability Zones of {address} are unknown"));
                None
            }
            (Fact::Known(EndpointType::GatewayLoadBalancer), _) => {
                note = Some(
                    "a Gateway Load Balancer endpoint: its hourly price is not in the price facts"
                        .to_string(),
                );
                None
            }
            _ => {
                note = Some("not an Interface endpoint of a known type".to_string());
                None
            }
        };
        let service = e.service().known();
        let carries = match service.as_deref() {
            Some(s) if !s.is_empty() => {
                let mut any = false;
                let mut unknown = false;
                for src in sources {
                    match &src.paths.get(s).map(|(p, _)| &p.end) {
                        Some(PathEnd::InterfaceEndpoint(n)) if *n == node => any = true,
                        Some(PathEnd::Unknown(_)) => unknown = true,
                        _ => {}
                    }
                }
                if any {
                    Some(true)
                } else if unknown {
                    None
                } else {
                    if note.is_none() {
                        note = Some(idle_reason(network, node));
                    }
                    Some(false)
                }
            }
            _ => None,
        };
        InterfaceEndpointCost {
            address,
            service,
            availability_zones: zones,
            monthly_usd: monthly,
            carries_traffic: carries,
            note,
        }
    }

    fn traffic_total(
        &mut self,
        sources: &[Source],
        destinations: &[String],
        fixed: Option<f64>,
    ) -> Option<TrafficTotal> {
        if self.traffic.is_empty() {
            return None;
        }
        let origins: usize = sources
            .iter()
            .filter(|s| s.origin)
            .map(|s| s.subnets.len())
            .sum();
        let mut lines = Vec::new();
        let mut processing = Some(0.0);
        for d in destinations {
            let Some(&gb) = self.traffic.get(d) else {
                continue;
            };
            let avg = self.average(sources, d, |_| true, |s| s.rate(d));
            let (monthly, note) = if avg.weight == 0.0 {
                (
                    Some(0.0),
                    Some("no subnet has a route to it: this traffic cannot flow".to_string()),
                )
            } else {
                (avg.value.map(|r| r * gb), None)
            };
            processing = processing.zip(monthly).map(|(a, b)| a + b);
            lines.push(TrafficLine {
                destination: d.clone(),
                gb_per_month: gb,
                per_gb_usd: avg.value,
                monthly_usd: monthly,
                note,
            });
        }
        Some(TrafficTotal {
            assumption: format!(
                "each volume is spread evenly over the {origins} subnet(s) it can come from: the VPC's non-public subnets, or all of them when every one is public; destinations without an assumption are left out; Interface endpoint processing at the first-tier rate, under 1 PB a month"
            ),
            destinations: lines,
            fixed_monthly_usd: fixed,
            processing_monthly_usd: processing,
            total_monthly_usd: fixed.zip(processing).map(|(a, b)| a + b),
        })
    }

    fn outcome(
        &self,
        current: Option<f64>,
        affected_gb: f64,
        fixed: Option<f64>,
        per_gb: Option<f64>,
    ) -> Outcome {
        let change = fixed.zip(per_gb).map(|(f, g)| f + g * affected_gb);
        Outcome {
            affected_gb_per_month: affected_gb,
            monthly_change_usd: change,
            current_monthly_usd: current,
            alternative_monthly_usd: current.zip(change).map(|(c, d)| c + d),
        }
    }

    /// Traffic to `destination` under the assumptions that comes from the origins `pick` selects.
    fn share(
        &self,
        sources: &[Source],
        destination: &str,
        pick: impl Fn(&Source) -> bool,
    ) -> Option<f64> {
        let gb = *self.traffic.get(destination)?;
        let all = self.flowing_weight(sources, destination);
        if all == 0.0 {
            return Some(0.0);
        }
        let part = self
            .average(sources, destination, pick, |_| Some(0.0))
            .weight;
        Some(gb * part / all)
    }

    fn verdict(fixed: Option<f64>, per_gb: Option<f64>, outcome: Option<&Outcome>) -> Verdict {
        match outcome.and_then(|o| o.monthly_change_usd) {
            Some(c) if c < 0.0 => return Verdict::Cheaper,
            Some(_) => return Verdict::Dearer,
            None if outcome.is_some() => return Verdict::Unknown,
            None => {}
        }
        match (fixed, per_gb) {
            (Some(f), Some(g)) if f <= 0.0 && g <= 0.0 && (f < 0.0 || g < 0.0) => {
                Verdict::AlwaysCheaper
            }
            (Some(_), Some(_)) => Verdict::DependsOnTraffic,
            _ => Verdict::Unknown,
        }
    }

    /// Adding the Gateway endpoints for S3 (and DynamoDB) where their traffic pays per GB.
    fn gateway_decisions(
        &mut self,
        sources: &[Source],
        current: Option<f64>,
        out: &mut Vec<Decision>,
    ) {
        let network = self.network;
        let mut services = vec!["s3"];
        if self.uses_dynamodb || self.traffic.contains_key("dynamodb") {
            services.push("dynamodb");
        }
        for service in services {
            let paying = |s: &Source| {
                matches!(
                    s.via(network, service).kind,
                    ViaKind::NatGateway | ViaKind::InterfaceEndpoint
                )
            };
            for s in sources.iter().filter(|s| s.origin) {
                if s.via(network, service).kind == ViaKind::Unknown {
                    self.unknown.push(format!(
                        "whether {service} traffic from {} pays per GB: {}",
                        s.label(network),
                        s.paths[service].1.missing.join("; ")
                    ));
                }
            }
            let affected: Vec<&Source> = sources.iter().filter(|s| s.origin && paying(s)).collect();
            if affected.is_empty() {
                continue;
            }
            let avg = self.average(sources, service, paying, |s| s.rate(service));
            let tables: Vec<String> = affected
                .iter()
                .filter_map(|s| s.table.map(|t| network.address(t)))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            let subnets: usize = affected.iter().map(|s| s.subnets.len()).sum();
            let per_gb = avg.value.map(|v| -v);
            let outcome = self
                .share(sources, service, paying)
                .map(|gb| self.outcome(current, gb, Some(0.0), per_gb));
            let name = service_name(service);
            let saving = format!("stops paying {}", avg.text());
            let mut summary = format!(
                "add a Gateway endpoint for {name} on {}: free, and {name} traffic from {subnets} subnet(s) {saving}",
                compact(&tables)
            );
            if let Some(o) = &outcome {
                summary.push_str(&traffic_text(o, service));
            }
            out.push(Decision {
                kind: DecisionKind::AddGatewayEndpoint,
                title: format!("add a Gateway endpoint for {name}"),
                service: Some(service.to_string()),
                summary,
                resources: tables,
                affected: format!("{service} traffic from {subnets} subnet(s)"),
                fixed_monthly_usd: Some(0.0),
                per_gb_usd: per_gb,
                break_even_gb_per_month: Some(0.0),
                verdict: Self::verdict(Some(0.0), per_gb, outcome.as_ref()),
                with_traffic: outcome,
            });
        }
    }

    /// The NAT route's rate for traffic from `s` to a service with no endpoint: the rate of its
    /// internet path when that goes through a NAT gateway.
    fn nat_rate(&self, s: &Source) -> Option<f64> {
        (s.via(self.network, "internet").kind == ViaKind::NatGateway)
            .then(|| s.rate("internet"))
            .flatten()
    }

    /// Keeping or removing the Interface endpoints the plan has.
    fn endpoint_decisions(
        &mut self,
        sources: &[Source],
        endpoints: &[InterfaceEndpointCost],
        nats: &[NatGatewayCost],
        current: Option<f64>,
        out: &mut Vec<Decision>,
    ) {
        let network = self.network;
        let ep_gb = self
            .prices
            .and_then(|p| p.interface_endpoint_gb_first())
            .map(|p| p.usd);
        let nat_avg = self.average(
            sources,
            "internet",
            |s| s.via(network, "internet").kind == ViaKind::NatGateway,
            |s| self.nat_rate(s),
        );
        let nat_routed = nat_avg.weight > 0.0;
        let mut carrying = Vec::new();
        for e in endpoints {
            let Some(service) = e.service.as_deref().filter(|s| !s.is_empty()) else {
                continue;
            };
            let saving = nat_avg.value.zip(ep_gb).map(|(n, g)| n - g);
            match e.carries_traffic {
                Some(false) => {
                    let reason = e.note.clone().unwrap_or_default();
                    let cost = match e.monthly_usd {
                        Some(m) => format!("costs {}/month and ", money(m)),
                        None => "bills every hour but ".to_string(),
                    };
                    let gateway = matches!(service, "s3" | "dynamodb");
                    let fix = if gateway {
                        format!(
                            "remove it: a Gateway endpoint for {} carries the VPC's traffic free (keep it only for on-premises or peered clients)",
                            service_name(service)
                        )
                    } else if reason.starts_with("private DNS") {
                        format!("turn its private DNS on so that it carries {service} traffic, or remove it")
                    } else if reason.starts_with("the VPC's DNS") {
                        format!("turn the VPC's DNS support and hostnames on so that it carries {service} traffic, or remove it")
                    } else {
                        "remove it".to_string()
                    };
                    let mut summary = format!(
                        "{} ({service}) {cost}carries no traffic from the VPC ({reason}): {fix}",
                        e.address
                    );
                    if let Some(be) = e
                        .monthly_usd
                        .zip(saving)
                        .filter(|_| !gateway)
                        .and_then(|(m, s)| break_even_gb(m, s))
                    {
                        summary.push_str(&format!(
                            "; carrying it, it would pay for itself above {} of {service} traffic",
                            gb_month(be)
                        ));
                    }
                    out.push(Decision {
                        kind: DecisionKind::UnusedInterfaceEndpoint,
                        title: format!("remove unused {}", e.address),
                        service: Some(service.to_string()),
                        summary,
                        resources: vec![e.address.clone()],
                        affected: "none: its traffic already goes another way".to_string(),
                        fixed_monthly_usd: e.monthly_usd.map(|m| -m),
                        per_gb_usd: Some(0.0),
                        break_even_gb_per_month: None,
                        // An Interface endpoint bills every hour in every AZ, priced or not.
                        verdict: Verdict::AlwaysCheaper,
                        with_traffic: None,
                    });
                }
                Some(true) => {
                    carrying.push(e);
                    let through: Vec<&Source> = sources
                        .iter()
                        .filter(|s| {
                            s.origin
                                && matches!(&s.paths[service].0.end,
                                    PathEnd::InterfaceEndpoint(n) if network.address(*n) == e.address)
                        })
                        .collect();
                    let no_nat = through
                        .iter()
                        .any(|s| s.via(network, "internet").kind != ViaKind::NatGateway);
                    if no_nat {
                        out.push(Decision {
                            kind: DecisionKind::RemoveInterfaceEndpoint,
                            title: format!("remove {}", e.address),
                            service: Some(service.to_string()),
                            summary: format!(
                                "{} ({service}) is the only way to {service} from subnets without a NAT gateway route: removing it would cut them off",
                                e.address
                            ),
                            resources: vec![e.address.clone()],
                            affected: format!("{service} traffic"),
                            fixed_monthly_usd: e.monthly_usd.map(|m| -m),
                            per_gb_usd: None,
                            break_even_gb_per_month: None,
                            verdict: Verdict::Unavailable,
                            with_traffic: None,
                        });
                        continue;
                    }
                    let via_nat = self.average(
                        sources,
                        service,
                        |s| matches!(&s.paths[service].0.end, PathEnd::InterfaceEndpoint(n) if network.address(*n) == e.address),
                        |s| self.nat_rate(s),
                    );
                    let via_ep = self.average(
                        sources,
                        service,
                        |s| matches!(&s.paths[service].0.end, PathEnd::InterfaceEndpoint(n) if network.address(*n) == e.address),
                        |s| s.rate(service),
                    );
                    let per_gb = via_nat.value.zip(via_ep.value).map(|(n, p)| n - p);
                    let fixed = e.monthly_usd.map(|m| -m);
                    let be = e
                        .monthly_usd
                        .zip(per_gb)
                        .and_then(|(m, g)| break_even_gb(m, g));
                    let outcome = self
                        .share(sources, service, |s| {
                            matches!(&s.paths[service].0.end, PathEnd::InterfaceEndpoint(n) if network.address(*n) == e.address)
                        })
                        .map(|gb| self.outcome(current, gb, fixed, per_gb));
                    let mut summary = format!(
                        "remove {} ({service}) and send its traffic through the NAT gateway: ",
                        e.address
                    );
                    summary.push_str(&match (e.monthly_usd, per_gb) {
                        (Some(m), Some(g)) => format!(
                            "saves {}/month, costs {}/GB more; the endpoint pays for itself above {}",
                            money(m),
                            rate(g),
                            be.map(gb_month).unwrap_or_else(|| "no traffic (never)".into())
                        ),
                        (None, _) => "the endpoint's monthly cost is unknown".to_string(),
                        (_, None) => "a per-GB rate is unknown".to_string(),
                    });
                    if let Some(o) = &outcome {
                        summary.push_str(&traffic_text(o, service));
                    }
                    out.push(Decision {
                        kind: DecisionKind::RemoveInterfaceEndpoint,
                        title: format!("remove {}", e.address),
                        service: Some(service.to_string()),
                        summary,
                        resources: vec![e.address.clone()],
                        affected: format!("{service} traffic"),
                        fixed_monthly_usd: fixed,
                        per_gb_usd: per_gb,
                        break_even_gb_per_month: be,
                        verdict: Self::verdict(fixed, per_gb, outcome.as_ref()),
                        with_traffic: outcome,
                    });
                }
                None => {}
            }
        }
        // The seed question: all the endpoints against the NAT gateways they sit beside.
        let routed_nats: Vec<&NatGatewayCost> =
            nats.iter().filter(|n| !n.routed_from.is_empty()).collect();
        if carrying.len() >= 2 && nat_routed && !routed_nats.is_empty() {
            let fixed: Option<f64> = carrying.iter().map(|e| e.monthly_usd).sum();
            let nat_fixed: Option<f64> = routed_nats.iter().map(|n| n.monthly_usd).sum();
            let per_gb = nat_avg.value.zip(ep_gb).map(|(n, g)| n - g);
            let be = fixed.zip(per_gb).and_then(|(f, g)| break_even_gb(f, g));
            let services: Vec<&str> = carrying
                .iter()
                .filter_map(|e| e.service.as_deref())
                .collect();
            // Only when every one of their services has an assumption.
            let affected_gb: Option<f64> =
                services.iter().map(|s| self.traffic.get(*s).copied()).sum();
            let minus = fixed.map(|f| -f);
            let outcome = affected_gb.map(|gb| self.outcome(current, gb, minus, per_gb));
            let mut summary = format!(
                "the {} Interface endpoints cost {}/month against {}/month for the NAT gateway(s) their subnets already route to",
                carrying.len(),
                fixed.map(money).unwrap_or_else(|| "an unknown amount".into()),
                nat_fixed.map(money).unwrap_or_else(|| "an unknown amount".into()),
            );
            match (per_gb, be) {
                (Some(g), Some(b)) => summary.push_str(&format!(
                    "; through the NAT gateway their traffic would pay {}/GB more, so together they pay for themselves above {} of traffic to their {} services",
                    rate(g),
                    gb_month(b),
                    services.len()
                )),
                _ => summary.push_str("; the break-even is unknown"),
            }
            if let Some(o) = &outcome {
                summary.push_str(&traffic_text(o, "their services'"));
            }
            out.push(Decision {
                kind: DecisionKind::EndpointsVersusNat,
                title: format!(
                    "all {} Interface endpoints or the NAT gateway",
                    carrying.len()
                ),
                service: None,
                summary,
                resources: carrying.iter().map(|e| e.address.clone()).collect(),
                affected: format!("traffic to {}", services.join(", ")),
                fixed_monthly_usd: minus,
                per_gb_usd: per_gb,
                break_even_gb_per_month: be,
                verdict: Self::verdict(minus, per_gb, outcome.as_ref()),
                with_traffic: outcome,
            });
        }
    }

    /// Adding an Interface endpoint for a service whose traffic goes through a NAT gateway.
    fn new_endpoint_decisions(
        &mut self,
        sources: &[Source],
        endpoints: &[InterfaceEndpointCost],
        current: Option<f64>,
        out: &mut Vec<Decision>,
    ) {
        let network = self.network;
        let nat_sources: Vec<&Source> = sources
            .iter()
            .filter(|s| s.origin && s.via(network, "internet").kind == ViaKind::NatGateway)
            .collect();
        if nat_sources.is_empty() {
            return;
        }
        let mut zones: Vec<String> = nat_sources.iter().filter_map(|s| s.zone.clone()).collect();
        zones.sort();
        zones.dedup();
        let zones_known = nat_sources.iter().all(|s| s.zone.is_some());
        let fixed = if zones_known {
            self.prices
                .and_then(|p| p.interface_endpoint_month(zones.len()))
        } else {
            None
        };
        let ep_gb = self
            .prices
            .and_then(|p| p.interface_endpoint_gb_first())
            .map(|p| p.usd);
        let traffic_services: Vec<String> = self
            .traffic
            .keys()
            .filter(|s| {
                !matches!(s.as_str(), "internet" | "s3" | "dynamodb")
                    && !endpoints
                        .iter()
                        .any(|e| e.service.as_deref() == Some(s.as_str()))
            })
            .cloned()
            .collect();
        let zone_text = if zones_known {
            format!("{} AZ(s) ({})", zones.len(), zones.join(", "))
        } else {
            "the AZs of the NAT-routed subnets (some unknown)".to_string()
        };
        let make = |service: Option<&str>, builder: &Self| -> Option<Decision> {
            let (avg, gb) = match service {
                Some(s) => {
                    let via_nat = |x: &Source| x.via(network, s).kind == ViaKind::NatGateway;
                    let avg = builder.average(sources, s, via_nat, |x| x.rate(s));
                    if avg.weight == 0.0 {
                        return None;
                    }
                    (avg, builder.share(sources, s, via_nat))
                }
                None => (
                    builder.average(
                        sources,
                        "internet",
                        |x| x.via(network, "internet").kind == ViaKind::NatGateway,
                        |x| builder.nat_rate(x),
                    ),
                    None,
                ),
            };
            let per_gb = avg.value.zip(ep_gb).map(|(n, g)| g - n);
            let be = fixed.zip(per_gb).and_then(|(f, g)| break_even_gb(f, -g));
            let outcome = gb.map(|gb| builder.outcome(current, gb, fixed, per_gb));
            let what = match service {
                Some(s) => format!("an Interface endpoint for {s}"),
                None => "an Interface endpoint for an AWS service".to_string(),
            };
            let mut summary = format!("add {what} in {zone_text}: ");
            summary.push_str(&match (fixed, per_gb, be) {
                (Some(f), Some(g), Some(b)) => format!(
                    "{}/month, and its traffic pays {}/GB less than through the NAT gateway; it pays for itself above {}{}",
                    money(f),
                    rate(-g),
                    gb_month(b),
                    if service.is_none() { " of that service's traffic" } else { "" }
                ),
                (Some(f), Some(_), None) => format!("{}/month, and it saves nothing per GB", money(f)),
                (None, g, _) => format!(
                    "the monthly cost is unknown (no Interface endpoint hourly price for {}){}",
                    builder.region_text(),
                    match g {
                        Some(g) if g < 0.0 => format!(
                            "; its traffic would pay {}/GB less than through the NAT gateway",
                            rate(-g)
                        ),
                        _ => String::new(),
                    }
                ),
                (_, None, _) => "a per-GB rate is unknown".to_string(),
            });
            if let (Some(o), Some(s)) = (&outcome, service) {
                summary.push_str(&traffic_text(o, s));
            }
            Some(Decision {
                kind: DecisionKind::AddInterfaceEndpoint,
                title: match service {
                    Some(s) => format!("add an Interface endpoint for {s}"),
                    None => "add an Interface endpoint (any service)".to_string(),
                },
                service: service.map(str::to_string),
                summary,
                resources: Vec::new(),
                affected: match service {
                    Some(s) => format!("{s} traffic through NAT gateways"),
                    None => "one service's traffic through NAT gateways".to_string(),
                },
                fixed_monthly_usd: fixed,
                per_gb_usd: per_gb,
                break_even_gb_per_month: be,
                verdict: Self::verdict(fixed, per_gb, outcome.as_ref()),
                with_traffic: outcome,
            })
        };
        if traffic_services.is_empty() {
            if let Some(d) = make(None, self) {
                out.push(d);
            }
        } else {
            for s in &traffic_services {
                if let Some(d) = make(Some(s), self) {
                    out.push(d);
                }
            }
        }
    }

    /// GB/month of NAT-bound traffic under the assumptions from the origins `pick` selects.
    fn nat_traffic(&self, sources: &[Source], pick: impl Fn(&Source) -> bool) -> Option<f64> {
        if self.traffic.is_empty() {
            return None;
        }
        let mut total = 0.0;
        for d in self.traffic.keys() {
            let Some(first) = sources.first() else {
                continue;
            };
            if !first.paths.contains_key(d) {
                continue;
            }
            let through =
                |s: &Source| s.via(self.network, d).kind == ViaKind::NatGateway && pick(s);
            total += self.share(sources, d, through).unwrap_or(0.0);
        }
        Some(total)
    }

    /// Spreading NAT gateways (one per AZ) or consolidating them (one for all).
    fn nat_decisions(
        &mut self,
        sources: &[Source],
        nats: &[NatGatewayCost],
        current: Option<f64>,
        out: &mut Vec<Decision>,
    ) {
        let network = self.network;
        let cross = self
            .prices
            .and_then(|p| p.cross_az_gb.as_ref())
            .map(|p| 2.0 * p.usd);
        let nat_of = |s: &Source| -> Option<&NatGatewayCost> {
            match &s.paths["internet"]
                .0
                .hops
                .iter()
                .find(|h| network.kind(h.node) == Some(NodeKind::NatGateway))
            {
                Some(h) => nats.iter().find(|n| n.address == network.address(h.node)),
                None => None,
            }
        };
        let zonal = |n: &NatGatewayCost| n.mode.as_deref() == Some("zonal");
        // Spread: origins whose NAT gateway is in another AZ.
        let crossing: Vec<&Source> = sources
            .iter()
            .filter(|s| s.origin)
            .filter(|s| match (nat_of(s), &s.zone) {
                (Some(n), Some(z)) => {
                    zonal(n) && n.availability_zone.as_ref().is_some_and(|nz| nz != z)
                }
                _ => false,
            })
            .collect();
        if !crossing.is_empty() {
            let mut zones: Vec<String> = crossing.iter().filter_map(|s| s.zone.clone()).collect();
            zones.sort();
            zones.dedup();
            let zones: Vec<String> = zones
                .into_iter()
                .filter(|z| {
                    !nats
                        .iter()
                        .any(|n| zonal(n) && n.availability_zone.as_ref() == Some(z))
                })
                .collect();
            let one = self.prices.and_then(|p| {
                let hours = p.nat_gateway_hours_month()?;
                Some(hours + p.public_ipv4_month(1)?)
            });
            let (fixed, resources, what) = if zones.is_empty() {
                // Each AZ has a NAT gateway already: only the routes need changing.
                (
                    Some(0.0),
                    crossing
                        .iter()
                        .filter_map(|s| s.table.map(|t| network.address(t)))
                        .collect::<Vec<_>>(),
                    "route each AZ's subnets to the NAT gateway in their own AZ".to_string(),
                )
            } else {
                (
                    one.map(|m| m * zones.len() as f64),
                    crossing
                        .iter()
                        .filter_map(|s| s.table.map(|t| network.address(t)))
                        .collect::<Vec<_>>(),
                    format!(
                        "add a NAT gateway in {} and route its subnets to it",
                        zones.join(", ")
                    ),
                )
            };
            let per_gb = cross.map(|c| -c);
            let be = fixed.zip(cross).and_then(|(f, c)| break_even_gb(f, c));
            let in_crossing = |s: &Source| crossing.iter().any(|c| std::ptr::eq(*c, s));
            let outcome = self
                .nat_traffic(sources, in_crossing)
                .map(|gb| self.outcome(current, gb, fixed, per_gb));
            let subnets: usize = crossing.iter().map(|s| s.subnets.len()).sum();
            let mut summary = format!("{what}: ");
            summary.push_str(&match (fixed, cross) {
                (Some(f), Some(c)) if f > 0.0 => format!(
                    "{}/month more, and NAT traffic from {subnets} subnet(s) stops paying {}/GB cross-AZ; pays for itself above {} of such traffic, and each AZ keeps its egress when another fails",
                    money(f),
                    rate(c),
                    be.map(gb_month).unwrap_or_default()
                ),
                (Some(_), Some(c)) => format!(
                    "free, and NAT traffic from {subnets} subnet(s) stops paying {}/GB cross-AZ",
                    rate(c)
                ),
                _ => "a figure is unknown".to_string(),
            });
            if let Some(o) = &outcome {
                summary.push_str(&traffic_text(o, "NAT"));
            }
            out.push(Decision {
                kind: DecisionKind::SpreadNatGateways,
                title: if zones.is_empty() {
                    "route each AZ to its own NAT gateway".to_string()
                } else {
                    format!("add a NAT gateway in {}", zones.join(", "))
                },
                service: None,
                summary,
                resources: resources
                    .into_iter()
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect(),
                affected: format!(
                    "NAT traffic from {subnets} subnet(s) in another AZ than their NAT gateway"
                ),
                fixed_monthly_usd: fixed,
                per_gb_usd: per_gb,
                break_even_gb_per_month: be,
                verdict: Self::verdict(fixed, per_gb, outcome.as_ref()),
                with_traffic: outcome,
            });
        }
        // Consolidate: two or more zonal NAT gateways used by the VPC's origins.
        let used: Vec<&NatGatewayCost> = nats
            .iter()
            .filter(|n| {
                zonal(n)
                    && sources
                        .iter()
                        .any(|s| s.origin && nat_of(s).is_some_and(|m| m.address == n.address))
            })
            .collect();
        if used.len() >= 2 {
            let keep = used[0];
            let removed = &used[1..];
            let saved: Option<f64> = removed.iter().map(|n| n.monthly_usd).sum();
            let keep_zone = keep.availability_zone.clone();
            let moving = |s: &Source| {
                s.origin
                    && nat_of(s).is_some_and(|n| n.address != keep.address)
                    && match (&s.zone, &keep_zone) {
                        (Some(a), Some(b)) => a != b,
                        _ => true,
                    }
                    && nat_of(s)
                        .and_then(|n| n.availability_zone.as_ref())
                        .zip(s.zone.as_ref())
                        .is_some_and(|(nz, z)| nz == z)
            };
            let fixed = saved.map(|s| -s);
            let be = saved.zip(cross).and_then(|(s, c)| break_even_gb(s, c));
            let outcome = self
                .nat_traffic(sources, moving)
                .map(|gb| self.outcome(current, gb, fixed, cross));
            let zone = keep_zone.clone().unwrap_or_else(|| "an unknown AZ".into());
            let mut summary = format!(
                "keep only {} ({zone}) for the VPC's {} NAT gateways: ",
                keep.address,
                used.len()
            );
            summary.push_str(&match (saved, cross, be) {
                (Some(s), Some(c), Some(b)) => format!(
                    "saves {}/month, but NAT traffic from the other AZs pays {}/GB cross-AZ and loses its egress when {zone} fails; cheaper below {} of such traffic",
                    money(s),
                    rate(c),
                    gb_month(b)
                ),
                _ => "a figure is unknown".to_string(),
            });
            if let Some(o) = &outcome {
                summary.push_str(&traffic_text(o, "NAT"));
            }
            out.push(Decision {
                kind: DecisionKind::ConsolidateNatGateways,
                title: format!("keep only {}", keep.address),
                service: None,
                summary,
                resources: used.iter().map(|n| n.address.clone()).collect(),
                affected: "NAT traffic from the AZs that lose their NAT gateway".to_string(),
                fixed_monthly_usd: fixed,
                per_gb_usd: cross,
                break_even_gb_per_month: be,
                verdict: Self::verdict(fixed, cross, outcome.as_ref()),
                with_traffic: outcome,
            });
        }
    }
}

/// Rounds the figures to a millionth of a dollar, so that JSON shows `116.8`, not
/// `116.80000000000001`.
fn r6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6 + 0.0
}

fn r6o(x: &mut Option<f64>) {
    if let Some(v) = x {
        *v = r6(*v);
    }
}

fn tidy(mut v: VpcCost) -> VpcCost {
    r6o(&mut v.fixed_monthly_usd);
    v.fixed_monthly_known_usd = r6(v.fixed_monthly_known_usd);
    for n in &mut v.nat_gateways {
        r6o(&mut n.hours_monthly_usd);
        r6o(&mut n.public_ipv4_monthly_usd);
        r6o(&mut n.monthly_usd);
    }
    for e in &mut v.interface_endpoints {
        r6o(&mut e.monthly_usd);
    }
    for p in &mut v.paths {
        for r in &mut p.rates {
            r6o(&mut r.per_gb_usd);
            for c in &mut r.charges {
                c.usd_per_gb = r6(c.usd_per_gb);
            }
        }
    }
    for d in &mut v.decisions {
        r6o(&mut d.fixed_monthly_usd);
        r6o(&mut d.per_gb_usd);
        r6o(&mut d.break_even_gb_per_month);
        if let Some(o) = &mut d.with_traffic {
            o.affected_gb_per_month = r6(o.affected_gb_per_month);
            r6o(&mut o.monthly_change_usd);
            r6o(&mut o.current_monthly_usd);
            r6o(&mut o.alternative_monthly_usd);
        }
    }
    if let Some(t) = &mut v.traffic {
        r6o(&mut t.fixed_monthly_usd);
        r6o(&mut t.processing_monthly_usd);
        r6o(&mut t.total_monthly_usd);
        for l in &mut t.destinations {
            l.gb_per_month = r6(l.gb_per_month);
            r6o(&mut l.per_gb_usd);
            r6o(&mut l.monthly_usd);
        }
    }
    v
}

/// Why an Interface endpoint carries no traffic.
fn idle_reason(network: &Network<'_>, node: NodeRef) -> String {
    let e = network.endpoint(node);
    if e.private_dns == Fact::Known(false) {
        return "private DNS is off, so the service's name resolves to its public address".into();
    }
    if let Fact::Known(vpc) = e.vpc {
        let (support, hostnames) = network.vpc_dns(vpc);
        if support == Fact::Known(false) || hostnames == Fact::Known(false) {
            return "the VPC's DNS support or DNS hostnames is off".into();
        }
    }
    "another endpoint answers for the service".into()
}

fn via(network: &Network<'_>, path: &Path) -> Via {
    let nat = path
        .hops
        .iter()
        .find(|h| network.kind(h.node) == Some(NodeKind::NatGateway))
        .map(|h| h.node);
    let (kind, node) = match &path.end {
        PathEnd::Internet(n) => match nat {
            Some(nat) => (ViaKind::NatGateway, Some(nat)),
            None => (ViaKind::InternetGateway, Some(*n)),
        },
        PathEnd::GatewayEndpoint(e) => (ViaKind::GatewayEndpoint, Some(*e)),
        PathEnd::InterfaceEndpoint(e) => (ViaKind::InterfaceEndpoint, Some(*e)),
        PathEnd::Local => (ViaKind::Local, None),
        PathEnd::LeavesPlan(_) => (ViaKind::LeavesPlan, None),
        PathEnd::NoRoute => (ViaKind::NoRoute, None),
        PathEnd::Dropped(_) => (ViaKind::Dropped, nat),
        PathEnd::Unknown(_) => (ViaKind::Unknown, None),
    };
    Via {
        kind,
        address: node.map(|n| network.address(n)),
    }
}

fn rate_note(path: &Path, price: &PathPrice) -> Option<String> {
    match &path.end {
        PathEnd::Dropped(reason) => return Some(reason.clone()),
        PathEnd::LeavesPlan(kind) => {
            return Some(format!("leaves the plan through a {}", kind.as_str()))
        }
        _ => {}
    }
    let mut parts: Vec<String> = price.missing.clone();
    parts.extend(
        price
            .not_included
            .iter()
            .map(|n| format!("not included: {n}")),
    );
    (!parts.is_empty()).then(|| parts.join("; "))
}

fn class_name(class: Fact<SubnetClass>) -> &'static str {
    match class {
        Fact::Known(SubnetClass::Public) => "public",
        Fact::Known(SubnetClass::NatRouted) => "nat_routed",
        Fact::Known(SubnetClass::Isolated) => "isolated",
        Fact::Known(SubnetClass::Other) => "other",
        _ => "unknown",
    }
}

fn service_name(service: &str) -> &str {
    match service {
        "s3" => "S3",
        "dynamodb" => "DynamoDB",
        other => other,
    }
}

/// ` (at 2000 GB/month: saves $96.00/month, $140.00 instead of $236.00)`.
fn traffic_text(o: &Outcome, what: &str) -> String {
    let gb = format!("{} of {what} traffic", gb_month(o.affected_gb_per_month));
    match o.monthly_change_usd {
        Some(c) => {
            let change = if c < 0.0 {
                format!("saves {}/month", money(-c))
            } else if c > 0.0 {
                format!("costs {}/month more", money(c))
            } else {
                "no change".to_string()
            };
            match (o.current_monthly_usd, o.alternative_monthly_usd) {
                (Some(now), Some(alt)) => format!(
                    " (at {gb}: {change}, {} a month instead of {})",
                    money(alt),
                    money(now)
                ),
                _ => format!(" (at {gb}: {change})"),
            }
        }
        None => format!(" (at {gb}: the change is unknown)"),
    }
}

/// `$122.64`.
pub fn money(usd: f64) -> String {
    format!("${:.2}", usd + 0.0)
}

/// `$0.048/GB` without the unit: up to four decimals, at least two.
pub fn rate(usd: f64) -> String {
    let text = format!("{:.4}", usd + 0.0);
    let text = text.trim_end_matches('0');
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    let frac = format!("{frac:0<2}");
    format!("${int}.{frac}")
}

/// `2358 GB/month`.
pub fn gb_month(gb: f64) -> String {
    if gb >= 10.0 {
        format!("{:.0} GB/month", gb)
    } else {
        format!("{:.1} GB/month", gb)
    }
}

/// `aws_subnet.private[0], [1], [2]`: addresses that differ only in their last index, shortened.
pub fn compact(addresses: &[String]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut last_base: Option<String> = None;
    for a in addresses {
        match a.rfind('[') {
            Some(i) if a.ends_with(']') => {
                let (base, index) = a.split_at(i);
                if last_base.as_deref() == Some(base) {
                    out.push(index.to_string());
                } else {
                    out.push(a.clone());
                    last_base = Some(base.to_string());
                }
            }
            _ => {
                out.push(a.clone());
                last_base = None;
            }
        }
    }
    out.join(", ")
}

#[cfg(test)]
mod tests;
