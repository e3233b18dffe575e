//! Questions rules ask of the network: typed views of VPCs, subnets, NAT gateways and endpoints,
//! subnet classes, and the path traffic takes from a subnet to a destination.

use crate::network::{Network, NodeKind, NodeRef, Route, RouteTarget, TargetKind};
use crate::services;
use crate::value::Fact;

/// The type of a VPC endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointType {
    Gateway,
    Interface,
    GatewayLoadBalancer,
    /// `Resource` and `ServiceNetwork` endpoints: not modelled.
    Other,
}

/// Facts about one VPC endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub node: NodeRef,
    pub vpc: Fact<NodeRef>,
    pub service_name: Fact<String>,
    pub endpoint_type: Fact<EndpointType>,
    /// Private DNS, from the endpoint or an `aws_vpc_endpoint_private_dns` (Terraform default false).
    pub private_dns: Fact<bool>,
    /// The policy JSON; `Known(None)` when none is set (full access).
    pub policy: Fact<Option<String>>,
    pub service_region: Fact<String>,
}

impl Endpoint {
    /// The short service name (`s3`, `ecr.dkr`) of an AWS service.
    pub fn service(&self) -> Fact<String> {
        match &self.service_name {
            Fact::Known(name) => match services::parse(name) {
                Some(s) if !s.customer => Fact::Known(s.service.to_string()),
                // A customer endpoint service or another name: known, and not an AWS service.
                _ => Fact::Known(String::new()),
            },
            Fact::Unknown => Fact::Unknown,
            Fact::Absent => Fact::Unknown,
        }
    }

    pub fn is_type(&self, t: EndpointType) -> bool {
        self.endpoint_type == Fact::Known(t)
    }
}

/// A subnet's class by its route table's default routes (see the rule docs' terms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubnetClass {
    /// Default route to an internet gateway.
    Public,
    /// Default route to a NAT gateway.
    NatRouted,
    /// No default route and no route leading out of the plan.
    Isolated,
    /// Routes to something outside the plan (transit gateway, peering, appliance).
    Other,
}

/// Where traffic is headed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    Internet,
    Internet6,
    /// An AWS service by short name: `s3`, `dynamodb`, `ecr.dkr`.
    Service(String),
}

impl Destination {
    pub fn parse(text: &str) -> Destination {
        match text {
            "internet" => Destination::Internet,
            "internet6" => Destination::Internet6,
            other => Destination::Service(
                services::parse(other)
                    .map(|s| s.service.to_string())
                    .unwrap_or_else(|| other.to_string()),
            ),
        }
    }
}

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    pub node: NodeRef,
    /// Why traffic is here, in words: "main route table", "route 0.0.0.0/0".
    pub note: String,
}

/// Where a path ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathEnd {
    /// Out to the internet through this internet gateway (or egress-only gateway).
    Internet(NodeRef),
    /// Delivered by a Gateway endpoint (free).
    GatewayEndpoint(NodeRef),
    /// Delivered by an Interface endpoint through private DNS.
    InterfaceEndpoint(NodeRef),
    /// Inside the VPC (the local route).
    Local,
    /// To something outside the plan: a transit gateway, peering connection, appliance, an
    /// existing NAT gateway.
    LeavesPlan(TargetKind),
    /// Dropped: no route for the destination.
    NoRoute,
    /// Dropped for a stated reason (a private NAT's traffic at an internet gateway, IPv6 at a NAT).
    Dropped(String),
    /// A value on the way is unknown until apply.
    Unknown(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Path {
    pub hops: Vec<Hop>,
    pub end: PathEnd,
}

impl Path {
    /// The NAT gateways the path goes through.
    pub fn nat_gateways(&self, network: &Network<'_>) -> Vec<NodeRef> {
        self.hops
            .iter()
            .filter(|h| network.kind(h.node) == Some(NodeKind::NatGateway))
            .map(|h| h.node)
            .collect()
    }
}

impl<'p> Network<'p> {
    /// Facts about a VPC endpoint node.
    pub fn endpoint(&self, node: NodeRef) -> Endpoint {
        if let Some(e) = self.endpoint_ref(node) {
            return e.clone();
        }
        let values = &self.resource(node).expect("endpoint is a resource").values;
        let endpoint_type = self
            .str_or_default(node, "vpc_endpoint_type", "Gateway")
            .map(|t| match t.as_str() {
                "Gateway" => EndpointType::Gateway,
                "Interface" => EndpointType::Interface,
                "GatewayLoadBalancer" => EndpointType::GatewayLoadBalancer,
                _ => EndpointType::Other,
            });
        let extras = self.extras();
        let private_dns = match extras.private_dns.get(&node) {
            Some(f) => f.or_default_value(false),
            None if extras.unresolved_private_dns => Fact::Unknown,
            None => self.bool_or_default(node, "private_dns_enabled", false),
        };
        let policy = match extras.policy.get(&node) {
            Some(Fact::Known(p)) => Fact::Known(Some(p.clone())),
            Some(Fact::Absent) => Fact::Known(None),
            Some(Fact::Unknown) => Fact::Unknown,
            None if extras.unresolved_policy => Fact::Unknown,
            None => match values.str("policy") {
                Fact::Known(p) => Fact::Known(Some(p.to_string())),
                Fact::Absent => Fact::Known(None),
                // Not configured: AWS attaches its default full-access policy, which the
                // provider reads back after apply.
                Fact::Unknown if self.is_unconfigured(node, "policy") => Fact::Known(None),
                Fact::Unknown => Fact::Unknown,
            },
        };
        Endpoint {
            node,
            vpc: self.vpc_of(node),
            service_name: values.str("service_name").map(str::to_string),
            endpoint_type,
            private_dns,
            policy,
            // Not configured on a new endpoint: no cross-Region service.
            service_region: match self.str_or_default(node, "service_region", "") {
                Fact::Known(r) if r.is_empty() => Fact::Absent,
                other => other,
            },
        }
    }

    /// A boolean argument with the provider's default: an argument left out of the configuration
    /// of a resource this plan creates takes the default, even where the provider shows it as
    /// known only after apply (an optional, computed argument).
    pub fn bool_or_default(&self, node: NodeRef, attribute: &str, default: bool) -> Fact<bool> {
        let Some(r) = self.resource(node) else {
            return Fact::Unknown;
        };
        match r.values.bool(attribute) {
            Fact::Absent => Fact::Known(default),
            Fact::Unknown if self.default_applies(node, attribute) => Fact::Known(default),
            other => other,
        }
    }

    /// A string argument with the provider's default (see [`Network::bool_or_default`]).
    pub fn str_or_default(
        &self,
        node: NodeRef,
        attribute: &str,
        default: &'static str,
    ) -> Fact<String> {
        let Some(r) = self.resource(node) else {
            return Fact::Unknown;
        };
        match r.values.str(attribute) {
            Fact::Known(v) => Fact::Known(v.to_string()),
            Fact::Absent => Fact::Known(default.to_string()),
            Fact::Unknown if self.default_applies(node, attribute) => {
                Fact::Known(default.to_string())
            }
            Fact::Unknown => Fact::Unknown,
        }
    }

    /// Whether an unknown `attribute` takes the provider's default: the resource is created (or
    /// replaced) by this plan and its configuration does not set the argument.
    fn default_applies(&self, node: NodeRef, attribute: &str) -> bool {
        self.resource(node).is_some_and(|r| {
            matches!(
                r.action,
                crate::model::Action::Create | crate::model::Action::Replace
            )
        }) && self.is_unconfigured(node, attribute)
    }

    /// Whether the configuration of a resource is present and does not set `attribute`.
    pub fn is_unconfigured(&self, node: NodeRef, attribute: &str) -> bool {
        let NodeRef::Resource(id) = node else {
            return false;
        };
        self.plan()
            .config_of(id)
            .is_some_and(|c| c.expr_at(&[crate::value::Step::Key(attribute)]).is_none())
    }

    /// Resolves a reference attribute of a node to the resources of the wanted types.
    pub fn linked(
        &self,
        node: NodeRef,
        path: &[crate::value::Step<'_>],
        want: &[&str],
    ) -> Fact<Vec<NodeRef>> {
        let NodeRef::Resource(id) = node else {
            return Fact::Unknown;
        };
        // The id index is the network's: no pass over the plan per question.
        let resolver = crate::resolve::Resolver::with_ids(self.plan(), self.ids());
        match resolver.resolve(id, path, want) {
            crate::resolve::Resolution::Known(links) => {
                let mut out = Vec::new();
                for link in links {
                    match link.target {
                        crate::resolve::Target::Resource(r) => out.push(NodeRef::Resource(r)),
                        _ => return Fact::Unknown,
                    }
                }
                Fact::Known(out)
            }
            crate::resolve::Resolution::Unknown(_) => Fact::Unknown,
            crate::resolve::Resolution::Absent => Fact::Absent,
        }
    }

    /// Every endpoint in a VPC, and whether the list is complete (no endpoint of unknown VPC).
    pub fn endpoints_in(&self, vpc: NodeRef) -> (Vec<Endpoint>, bool) {
        let out = self
            .in_vpc_of(vpc, NodeKind::VpcEndpoint)
            .iter()
            .map(|n| self.endpoint(*n))
            .collect();
        (out, !self.any_unknown_vpc(NodeKind::VpcEndpoint))
    }

    /// Principals allowed by `aws_vpc_endpoint_service_allowed_principal` resources, and whether
    /// the list is complete.
    pub fn allowed_principal_resources(&self, service: NodeRef) -> (Vec<Fact<String>>, bool) {
        let extras = self.extras();
        (
            extras.principals.get(&service).cloned().unwrap_or_default(),
            !extras.unresolved_principals,
        )
    }

    /// The VPC's DNS support and hostnames attributes, with the provider's defaults.
    pub fn vpc_dns(&self, vpc: NodeRef) -> (Fact<bool>, Fact<bool>) {
        let Some(r) = self.resource(vpc) else {
            return (Fact::Unknown, Fact::Unknown);
        };
        // The default VPC has both on; aws_vpc defaults hostnames off.
        let default_vpc = r.rtype() == "aws_default_vpc";
        let support = self.bool_or_default(vpc, "enable_dns_support", true);
        let hostnames = self.bool_or_default(vpc, "enable_dns_hostnames", default_vpc);
        if r.is_data() {
            // A data source reports both when it was read; absent means not read.
            let known = |f: Fact<bool>| if f == Fact::Absent { Fact::Unknown } else { f };
            return (
                known(r.values.bool("enable_dns_support")),
                known(r.values.bool("enable_dns_hostnames")),
            );
        }
        (support, hostnames)
    }

    /// A subnet's availability zone.
    pub fn availability_zone(&self, subnet: NodeRef) -> Fact<String> {
        match self.resource(subnet) {
            Some(r) => match r.values.str("availability_zone") {
                Fact::Known(az) => Fact::Known(az.to_string()),
                Fact::Absent => match r.values.str("availability_zone_id") {
                    Fact::Known(id) => Fact::Known(id.to_string()),
                    _ => Fact::Unknown,
                },
                Fact::Unknown => Fact::Unknown,
            },
            None => Fact::Unknown,
        }
    }

    /// The kind of target of a table's default route: `Known(None)` when it has none.
    pub fn default_route_kind(&self, table: NodeRef, ipv6: bool) -> Fact<Option<TargetKind>> {
        match self.default_route(table, ipv6) {
            Fact::Known(Some(route)) => match self.target_kind(route) {
                Some(kind) => Fact::Known(Some(kind)),
                None => Fact::Unknown,
            },
            Fact::Known(None) => Fact::Known(None),
            _ => Fact::Unknown,
        }
    }

    /// The class of subnets a route table serves.
    pub fn table_class(&self, table: NodeRef) -> Fact<SubnetClass> {
        let v4 = self.default_route_kind(table, false);
        match v4 {
            Fact::Known(Some(TargetKind::InternetGateway)) => {
                return Fact::Known(SubnetClass::Public)
            }
            Fact::Known(Some(TargetKind::NatGateway)) => {
                return Fact::Known(SubnetClass::NatRouted)
            }
            Fact::Known(Some(_)) => return Fact::Known(SubnetClass::Other),
            Fact::Unknown | Fact::Absent => return Fact::Unknown,
            Fact::Known(None) => {}
        }
        match self.default_route_kind(table, true) {
            Fact::Known(Some(_)) => return Fact::Known(SubnetClass::Other),
            Fact::Known(None) => {}
            _ => return Fact::Unknown,
        }
        // No default route: isolated, unless some route leads out of the plan.
        let set = self.routes_of(table);
        for &i in &set.routes {
            let route = self.route(i);
            match self.target_kind(route) {
                Some(k) if k.leaves_plan() => return Fact::Known(SubnetClass::Other),
                Some(_) => {}
                None => return Fact::Unknown,
            }
        }
        Fact::Known(SubnetClass::Isolated)
    }

    pub fn subnet_class(&self, subnet: NodeRef) -> Fact<SubnetClass> {
        match self.route_table_of(subnet) {
            Fact::Known(table) => self.table_class(table),
            _ => Fact::Unknown,
        }
    }

    /// The NAT gateway node a route targets, when it is one in the plan.
    pub fn route_nat(&self, route: &Route) -> Option<NodeRef> {
        match &route.target {
            Fact::Known(RouteTarget::Node(n)) if self.kind(*n) == Some(NodeKind::NatGateway) => {
                Some(*n)
            }
            _ => None,
        }
    }

    /// A NAT gateway's connectivity (`public` by default) and whether it is regional.
    pub fn nat_is_private(&self, nat: NodeRef) -> Fact<bool> {
        self.str_or_default(nat, "connectivity_type", "public")
            .map(|t| t == "private")
    }

    pub fn nat_is_regional(&self, nat: NodeRef) -> Fact<bool> {
        self.str_or_default(nat, "availability_mode", "zonal")
            .map(|m| m == "regional")
    }

    /// The single subnet a zonal NAT gateway is placed in.
    pub fn nat_subnet(&self, nat: NodeRef) -> Fact<NodeRef> {
        let placed = self.placement(nat);
        match (placed.nodes.as_slice(), placed.complete) {
            ([subnet], _) => Fact::Known(*subnet),
            _ => Fact::Unknown,
        }
    }

    /// Gateway endpoints for a service that a route table is associated with.
    fn gateway_endpoint_for(&self, table: NodeRef, service: &str) -> Fact<Option<NodeRef>> {
        let mut uncertain = false;
        for node in self.nodes(NodeKind::VpcEndpoint) {
            let e = self.endpoint(node);
            let tables = self.endpoint_route_tables(node);
            match (&e.endpoint_type, e.service()) {
                (Fact::Known(EndpointType::Gateway), Fact::Known(s)) if s == service => {
                    if tables.nodes.contains(&table) {
                        return Fact::Known(Some(node));
                    }
                    if !tables.complete {
                        uncertain = true;
                    }
                }
                (Fact::Known(EndpointType::Gateway), Fact::Known(_)) => {}
                (Fact::Known(_), _) => {}
                _ => uncertain = true,
            }
        }
        if uncertain {
            Fact::Unknown
        } else {
            Fact::Known(None)
        }
    }

    /// An Interface endpoint for a service in the VPC whose private DNS answers for the service.
    ///
    /// Only an endpoint that could answer makes the answer unknown: one in another known VPC, of
    /// another known type or service, or with private DNS (or its VPC's DNS) known to be off never
    /// does, even when the subnet's own VPC is unknown.
    fn interface_endpoint_for(&self, vpc: Fact<NodeRef>, service: &str) -> Fact<Option<NodeRef>> {
        let mut uncertain = false;
        for node in self.nodes(NodeKind::VpcEndpoint) {
            let e = self.endpoint(node);
            let same_vpc = match (e.vpc, vpc) {
                (Fact::Known(a), Fact::Known(b)) if a != b => continue,
                (Fact::Known(_), Fact::Known(_)) => true,
                _ => false,
            };
            match e.endpoint_type {
                Fact::Known(EndpointType::Interface) => {}
                Fact::Known(_) => continue,
                _ => {}
            }
            match e.service() {
                Fact::Known(s) if s == service => {}
                Fact::Known(_) => continue,
                _ => {}
            }
            let (support, hostnames) = match e.vpc {
                Fact::Known(v) => self.vpc_dns(v),
                _ => (Fact::Unknown, Fact::Unknown),
            };
            match (e.private_dns, support, hostnames) {
                (Fact::Known(false), _, _)
                | (_, Fact::Known(false), _)
                | (_, _, Fact::Known(false)) => {}
                (Fact::Known(true), Fact::Known(true), Fact::Known(true))
                    if same_vpc
                        && e.is_type(EndpointType::Interface)
                        && e.service() == Fact::Known(service.to_string()) =>
                {
                    return Fact::Known(Some(node))
                }
                _ => uncertain = true,
            }
        }
        if uncertain {
            Fact::Unknown
        } else {
            Fact::Known(None)
        }
    }

    /// The path traffic takes from a subnet to a destination.
    pub fn path(&self, subnet: NodeRef, destination: &Destination) -> Path {
        let mut hops = vec![Hop {
            node: subnet,
            note: "source subnet".into(),
        }];
        let end = self.walk(subnet, destination, &mut hops, false, 0);
        Path { hops, end }
    }

    fn walk(
        &self,
        subnet: NodeRef,
        destination: &Destination,
        hops: &mut Vec<Hop>,
        from_private_nat: bool,
        depth: usize,
    ) -> PathEnd {
        if depth > 4 {
            return PathEnd::Unknown("routing loop".into());
        }
        let table = match self.route_table_of(subnet) {
            Fact::Known(t) => t,
            _ => {
                return PathEnd::Unknown(format!(
                    "the route table of {} is unknown",
                    self.address(subnet)
                ))
            }
        };
        let explicit = self.has_explicit_association(subnet);
        hops.push(Hop {
            node: table,
            note: if explicit {
                "associated route table".into()
            } else {
                "main route table (no explicit association)".into()
            },
        });
        let ipv6 = *destination == Destination::Internet6;
        if let Destination::Service(service) = destination {
            if depth == 0 {
                if services::is_gateway_service(service) {
                    match self.gateway_endpoint_for(table, service) {
                        Fact::Known(Some(e)) => {
                            hops.push(Hop {
                                node: e,
                                note: format!("prefix-list route for {service} (more specific than 0.0.0.0/0)"),
                            });
                            return PathEnd::GatewayEndpoint(e);
                        }
                        Fact::Known(None) => {}
                        _ => {
                            return PathEnd::Unknown(format!(
                                "a Gateway endpoint for {service} may serve this table"
                            ))
                        }
                    }
                }
                match self.interface_endpoint_for(self.vpc_of(subnet), service) {
                    Fact::Known(Some(e)) => {
                        hops.push(Hop {
                            node: e,
                            note: format!(
                                "private DNS resolves {service} to the endpoint (local route)"
                            ),
                        });
                        return PathEnd::InterfaceEndpoint(e);
                    }
                    Fact::Known(None) => {}
                    _ => {
                        return PathEnd::Unknown(format!(
                            "an Interface endpoint for {service} may answer its DNS name"
                        ))
                    }
                }
            }
        }
        let route = match self.default_route(table, ipv6) {
            Fact::Known(Some(route)) => route,
            Fact::Known(None) => return PathEnd::NoRoute,
            _ => {
                return PathEnd::Unknown(format!(
                    "the routes of {} are unknown",
                    self.address(table)
                ))
            }
        };
        let dest_text = if ipv6 { "::/0" } else { "0.0.0.0/0" };
        match &route.target {
            Fact::Known(RouteTarget::Node(node)) => {
                let kind = self.kind(*node);
                hops.push(Hop {
                    node: *node,
                    note: format!("route {dest_text} (the default route)"),
                });
                match kind {
                    Some(NodeKind::InternetGateway) => {
                        if from_private_nat {
                            PathEnd::Dropped(
                                "the internet gateway drops traffic from a private NAT gateway"
                                    .into(),
                            )
                        } else {
                            PathEnd::Internet(*node)
                        }
                    }
                    Some(NodeKind::EgressOnlyInternetGateway) => {
                        if ipv6 {
                            PathEnd::Internet(*node)
                        } else {
                            PathEnd::Dropped(
                                "an egress-only internet gateway carries only IPv6".into(),
                            )
                        }
                    }
                    Some(NodeKind::NatGateway) => {
                        if ipv6 {
                            return PathEnd::Dropped(
                                "a NAT gateway does not forward IPv6 (only NAT64 for 64:ff9b::/96)"
                                    .into(),
                            );
                        }
                        let private = self.nat_is_private(*node);
                        match self.nat_is_regional(*node) {
                            Fact::Known(true) => return PathEnd::Internet(*node),
                            Fact::Known(false) => {}
                            _ => {
                                return PathEnd::Unknown("the NAT gateway's mode is unknown".into())
                            }
                        }
                        let Fact::Known(private) = private else {
                            return PathEnd::Unknown(
                                "the NAT gateway's connectivity is unknown".into(),
                            );
                        };
                        match self.nat_subnet(*node) {
                            Fact::Known(nat_subnet) => {
                                hops.push(Hop {
                                    node: nat_subnet,
                                    note: "the NAT gateway's subnet".into(),
                                });
                                self.walk(
                                    nat_subnet,
                                    &Destination::Internet,
                                    hops,
                                    private,
                                    depth + 1,
                                )
                            }
                            _ => PathEnd::Unknown("the NAT gateway's subnet is unknown".into()),
                        }
                    }
                    Some(other) => PathEnd::LeavesPlan(match other {
                        NodeKind::TransitGateway => TargetKind::TransitGateway,
                        NodeKind::PeeringConnection => TargetKind::PeeringConnection,
                        NodeKind::NetworkInterface => TargetKind::NetworkInterface,
                        NodeKind::VpnGateway => TargetKind::VpnGateway,
                        NodeKind::VpcEndpoint => TargetKind::VpcEndpoint,
                        _ => TargetKind::Other,
                    }),
                    None => PathEnd::Unknown("the route target is not a network resource".into()),
                }
            }
            Fact::Known(RouteTarget::External(_)) => {
                PathEnd::LeavesPlan(self.target_kind(route).unwrap_or(TargetKind::Other))
            }
            Fact::Known(RouteTarget::Local) => PathEnd::Local,
            Fact::Absent => PathEnd::Dropped("the default route has no target".into()),
            Fact::Unknown => PathEnd::Unknown(format!(
                "the default route's target in {} is unknown",
                self.address(table)
            )),
        }
    }
}
