//! The AWS network graph: VPCs, subnets, route tables and their routes, gateways, endpoints,
//! security groups and workloads, joined by resolved references.
//!
//! Rules never see petgraph or JSON: they ask [`Network`] questions ("which route table serves this
//! subnet", "where does the default route of this table go") and get [`Fact`]s back.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use foldhash::{HashMap, HashMapExt, HashSet};
use std::sync::Arc;

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction;

use crate::model::{Plan, ResId, Resource};
use crate::query::Endpoint;
use crate::resolve::{IdIndex, Link, Resolution, ResolvedBy, Resolver, Target};
use crate::value::{Fact, Step};

/// A node of the network: a resource instance, or the main route table AWS creates with a VPC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NodeRef {
    Resource(ResId),
    /// The implicit main route table of this VPC (a resource id of an `aws_vpc`).
    MainTable(ResId),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NodeKind {
    Vpc,
    Subnet,
    RouteTable,
    Route,
    NatGateway,
    InternetGateway,
    EgressOnlyInternetGateway,
    VpnGateway,
    TransitGateway,
    PeeringConnection,
    NetworkInterface,
    VpcEndpoint,
    EndpointService,
    SecurityGroup,
    SecurityGroupRule,
    Workload,
}

impl NodeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Vpc => "vpc",
            NodeKind::Subnet => "subnet",
            NodeKind::RouteTable => "route_table",
            NodeKind::Route => "route",
            NodeKind::NatGateway => "nat_gateway",
            NodeKind::InternetGateway => "internet_gateway",
            NodeKind::EgressOnlyInternetGateway => "egress_only_internet_gateway",
            NodeKind::VpnGateway => "vpn_gateway",
            NodeKind::TransitGateway => "transit_gateway",
            NodeKind::PeeringConnection => "peering_connection",
            NodeKind::NetworkInterface => "network_interface",
            NodeKind::VpcEndpoint => "vpc_endpoint",
            NodeKind::EndpointService => "endpoint_service",
            NodeKind::SecurityGroup => "security_group",
            NodeKind::SecurityGroupRule => "security_group_rule",
            NodeKind::Workload => "workload",
        }
    }

    /// The node kind of a resource type (managed or data source).
    pub fn of_type(rtype: &str) -> Option<NodeKind> {
        Some(match rtype {
            "aws_vpc" | "aws_default_vpc" => NodeKind::Vpc,
            "aws_subnet" | "aws_default_subnet" => NodeKind::Subnet,
            "aws_route_table" | "aws_default_route_table" => NodeKind::RouteTable,
            "aws_route" => NodeKind::Route,
            "aws_nat_gateway" => NodeKind::NatGateway,
            "aws_internet_gateway" => NodeKind::InternetGateway,
            "aws_egress_only_internet_gateway" => NodeKind::EgressOnlyInternetGateway,
            "aws_vpn_gateway" => NodeKind::VpnGateway,
            "aws_ec2_transit_gateway" => NodeKind::TransitGateway,
            "aws_vpc_peering_connection" => NodeKind::PeeringConnection,
            "aws_network_interface" => NodeKind::NetworkInterface,
            "aws_vpc_endpoint" => NodeKind::VpcEndpoint,
            "aws_vpc_endpoint_service" => NodeKind::EndpointService,
            "aws_security_group" | "aws_default_security_group" => NodeKind::SecurityGroup,
            "aws_security_group_rule"
            | "aws_vpc_security_group_ingress_rule"
            | "aws_vpc_security_group_egress_rule" => NodeKind::SecurityGroupRule,
            t if WORKLOAD_TYPES.contains(&t) => NodeKind::Workload,
            _ => return None,
        })
    }
}

pub const WORKLOAD_TYPES: &[&str] = &[
    "aws_instance",
    "aws_ecs_service",
    "aws_lambda_function",
    "aws_eks_cluster",
    "aws_eks_node_group",
    "aws_db_instance",
    "aws_lb",
];

const VPC: &[&str] = &["aws_vpc", "aws_default_vpc"];
const SUBNET: &[&str] = &["aws_subnet", "aws_default_subnet"];
const ROUTE_TABLE: &[&str] = &["aws_route_table", "aws_default_route_table"];
const SECURITY_GROUP: &[&str] = &["aws_security_group", "aws_default_security_group"];
const ENDPOINT: &[&str] = &["aws_vpc_endpoint"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EdgeKind {
    Contains,
    Association,
    MainRouteTable,
    Route,
    InRouteTable,
    Placement,
    EndpointRouteTable,
    SecurityGroup,
    Rule,
    Service,
}

impl EdgeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::Contains => "contains",
            EdgeKind::Association => "association",
            EdgeKind::MainRouteTable => "main_route_table",
            EdgeKind::Route => "route",
            EdgeKind::InRouteTable => "in_route_table",
            EdgeKind::Placement => "placement",
            EdgeKind::EndpointRouteTable => "endpoint_route_table",
            EdgeKind::SecurityGroup => "security_group",
            EdgeKind::Rule => "rule",
            EdgeKind::Service => "service",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeData {
    pub kind: EdgeKind,
    pub by: ResolvedBy,
    /// For `route` edges: the route's destination.
    pub destination: Option<String>,
    /// For `route` edges: the resource that declares the route.
    pub via: Option<ResId>,
}

/// A route's destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    Ipv4(String),
    Ipv6(String),
    PrefixList(String),
}

impl Destination {
    pub fn text(&self) -> &str {
        match self {
            Destination::Ipv4(s) | Destination::Ipv6(s) | Destination::PrefixList(s) => s,
        }
    }

    pub fn is_default_v4(&self) -> bool {
        matches!(self, Destination::Ipv4(c) if c == "0.0.0.0/0")
    }

    pub fn is_default_v6(&self) -> bool {
        matches!(self, Destination::Ipv6(c) if c == "::/0")
    }
}

/// What kind of thing a route sends traffic to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TargetKind {
    NatGateway,
    InternetGateway,
    EgressOnlyInternetGateway,
    VpnGateway,
    TransitGateway,
    PeeringConnection,
    NetworkInterface,
    VpcEndpoint,
    Instance,
    Local,
    /// Carrier, local or core-network gateways: outside the plan and outside our model.
    Other,
}

impl TargetKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TargetKind::NatGateway => "NAT gateway",
            TargetKind::InternetGateway => "internet gateway",
            TargetKind::EgressOnlyInternetGateway => "egress-only internet gateway",
            TargetKind::VpnGateway => "VPN gateway",
            TargetKind::TransitGateway => "transit gateway",
            TargetKind::PeeringConnection => "peering connection",
            TargetKind::NetworkInterface => "network interface",
            TargetKind::VpcEndpoint => "VPC endpoint",
            TargetKind::Instance => "instance",
            TargetKind::Local => "local",
            TargetKind::Other => "gateway outside the plan",
        }
    }

    /// Whether traffic sent here leaves what the plan describes (so a subnet is not isolated).
    pub fn leaves_plan(self) -> bool {
        matches!(
            self,
            TargetKind::TransitGateway
                | TargetKind::PeeringConnection
                | TargetKind::NetworkInterface
                | TargetKind::VpcEndpoint
                | TargetKind::Instance
                | TargetKind::VpnGateway
                | TargetKind::Other
        )
    }

    fn from_id(id: &str) -> TargetKind {
        let prefix = id.split('-').next().unwrap_or("");
        match prefix {
            "nat" => TargetKind::NatGateway,
            "igw" => TargetKind::InternetGateway,
            "eigw" => TargetKind::EgressOnlyInternetGateway,
            "vgw" => TargetKind::VpnGateway,
            "tgw" => TargetKind::TransitGateway,
            "pcx" => TargetKind::PeeringConnection,
            "eni" => TargetKind::NetworkInterface,
            "vpce" => TargetKind::VpcEndpoint,
            "i" => TargetKind::Instance,
            "local" => TargetKind::Local,
            _ => TargetKind::Other,
        }
    }

    fn of_node(kind: NodeKind) -> TargetKind {
        match kind {
            NodeKind::NatGateway => TargetKind::NatGateway,
            NodeKind::InternetGateway => TargetKind::InternetGateway,
            NodeKind::EgressOnlyInternetGateway => TargetKind::EgressOnlyInternetGateway,
            NodeKind::VpnGateway => TargetKind::VpnGateway,
            NodeKind::TransitGateway => TargetKind::TransitGateway,
            NodeKind::PeeringConnection => TargetKind::PeeringConnection,
            NodeKind::NetworkInterface => TargetKind::NetworkInterface,
            NodeKind::VpcEndpoint => TargetKind::VpcEndpoint,
            NodeKind::Workload => TargetKind::Instance,
            _ => TargetKind::Other,
        }
    }
}

/// Where a route sends traffic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteTarget {
    Node(NodeRef),
    /// A known id of something outside the plan.
    External(String),
    Local,
}

/// One route of a route table.
#[derive(Debug, Clone)]
pub struct Route {
    pub table: NodeRef,
    pub destination: Fact<Destination>,
    /// The kind of target, when the route's target field says it even if the value is unknown.
    pub target_kind: Option<TargetKind>,
    pub target: Fact<RouteTarget>,
    pub by: ResolvedBy,
    /// The `aws_route`, or the `aws_route_table` of an inline route.
    pub declared_by: ResId,
}

/// The routes of a route table.
#[derive(Debug, Clone, Default)]
pub struct RouteSet {
    pub routes: Vec<usize>,
    /// False when some route of this table may be missing (an unknown inline `route` set, an
    /// `aws_route` whose table is unknown, a table that exists outside the plan).
    pub complete: bool,
}

/// A set of associations (route tables of an endpoint, subnets of a workload).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Linked {
    pub nodes: Vec<NodeRef>,
    /// False when some member could not be resolved.
    pub complete: bool,
}

impl Linked {
    fn push(&mut self, node: NodeRef) {
        if !self.nodes.contains(&node) {
            self.nodes.push(node);
        }
    }
}

/// An attribute that could not be resolved.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct UnknownEdge {
    pub address: String,
    pub attribute: String,
    pub reason: String,
}

#[derive(Debug, Clone)]
struct Edge {
    from: NodeRef,
    to: NodeRef,
    data: EdgeData,
}

/// The network built from one plan.
pub struct Network<'p> {
    plan: &'p Plan,
    graph: DiGraph<NodeRef, EdgeData>,
    index: HashMap<NodeRef, NodeIndex>,
    kinds: HashMap<NodeRef, NodeKind>,
    routes: Vec<Route>,
    route_sets: HashMap<NodeRef, RouteSet>,
    /// Main route table per VPC.
    main_tables: HashMap<NodeRef, Fact<NodeRef>>,
    vpc_of: HashMap<NodeRef, Fact<NodeRef>>,
    explicit_assoc: HashMap<NodeRef, Fact<NodeRef>>,
    /// VPCs (or all, under `None`) where some association's subnet could not be resolved.
    unresolved_assoc_vpcs: BTreeSet<Option<NodeRef>>,
    endpoint_tables: HashMap<NodeRef, Linked>,
    placements: HashMap<NodeRef, Linked>,
    security_groups: HashMap<NodeRef, Linked>,
    sg_rules: HashMap<NodeRef, Vec<ResId>>,
    /// Security groups with a rule resource whose group could not be resolved.
    sg_rules_complete: bool,
    extras: Extras,
    unknown: Vec<UnknownEdge>,
    /// Indexes over the above, built once so that each question rules ask costs what its answer
    /// holds, not a pass over the whole plan (see [`Indexes`]).
    indexes: Indexes,
    /// The plan's known ids, shared with the resolvers of [`Network::linked`].
    ids: Arc<IdIndex<'p>>,
}

/// Answers to the questions asked once per node, precomputed when the network is built.
#[derive(Default)]
struct Indexes {
    /// Nodes of each kind, sorted.
    by_kind: HashMap<NodeKind, Vec<NodeRef>>,
    /// Nodes of each kind by their known VPC, sorted.
    by_vpc: HashMap<(NodeRef, NodeKind), Vec<NodeRef>>,
    /// Nodes of each kind whose VPC is not known, sorted.
    without_vpc: HashMap<NodeKind, Vec<NodeRef>>,
    /// Subnets by the route table known to serve them, sorted.
    served: HashMap<NodeRef, Vec<NodeRef>>,
    /// Subnets whose route table is unknown, counted by their known VPC...
    unserved_by_vpc: HashMap<NodeRef, usize>,
    /// ...and those of unknown VPC.
    unserved_unknown_vpc: usize,
    /// Route indexes by their known target node, ascending.
    routes_to: HashMap<NodeRef, Vec<usize>>,
    /// VPCs (`None`: unknown VPC) with a route of unknown target or an incomplete route table.
    uncertain_route_vpcs: HashSet<Option<NodeRef>>,
    /// The facts of every endpoint node.
    endpoints: HashMap<NodeRef, Endpoint>,
}

/// Settings made by separate resources on an endpoint or endpoint service.
#[derive(Debug, Default, Clone)]
pub(crate) struct Extras {
    /// `aws_vpc_endpoint_private_dns.private_dns_enabled` per endpoint.
    pub private_dns: HashMap<NodeRef, Fact<bool>>,
    /// `aws_vpc_endpoint_policy.policy` per endpoint (the policy resource wins over the inline one).
    pub policy: HashMap<NodeRef, Fact<String>>,
    /// `aws_vpc_endpoint_service_allowed_principal.principal_arn` per endpoint service.
    pub principals: HashMap<NodeRef, Vec<Fact<String>>>,
    /// Some such resource's endpoint or service could not be resolved.
    pub unresolved_private_dns: bool,
    pub unresolved_policy: bool,
    pub unresolved_principals: bool,
}

/// Fields of a route naming its target, with the types each takes. Fields only ever computed
/// by the provider (`instance_id`, `network_interface_id` on routes to NAT) come last.
const TARGET_FIELDS: &[(&str, &[&str], Option<TargetKind>)] = &[
    (
        "nat_gateway_id",
        &["aws_nat_gateway"],
        Some(TargetKind::NatGateway),
    ),
    (
        "gateway_id",
        &["aws_internet_gateway", "aws_vpn_gateway"],
        None,
    ),
    (
        "egress_only_gateway_id",
        &["aws_egress_only_internet_gateway"],
        Some(TargetKind::EgressOnlyInternetGateway),
    ),
    (
        "transit_gateway_id",
        &["aws_ec2_transit_gateway"],
        Some(TargetKind::TransitGateway),
    ),
    (
        "vpc_peering_connection_id",
        &["aws_vpc_peering_connection"],
        Some(TargetKind::PeeringConnection),
    ),
    ("vpc_endpoint_id", ENDPOINT, Some(TargetKind::VpcEndpoint)),
    ("carrier_gateway_id", &[], Some(TargetKind::Other)),
    ("local_gateway_id", &[], Some(TargetKind::Other)),
    ("core_network_arn", &[], Some(TargetKind::Other)),
    (
        "network_interface_id",
        &["aws_network_interface"],
        Some(TargetKind::NetworkInterface),
    ),
    ("instance_id", &["aws_instance"], Some(TargetKind::Instance)),
];

impl<'p> Network<'p> {
    /// Builds the network of a plan.
    pub fn build(plan: &'p Plan) -> Network<'p> {
        // The id index and the node kinds read only the plan: side by side.
        let (ids, kinds) = rayon::join(|| IdIndex::new(plan), || Builder::node_kinds(plan));
        let resolver = Resolver::with_ids(plan, Arc::clone(&ids));
        // Most of the work is in two loops over the resources, each run on two threads: each
        // half of the resources on a builder of its own, with a resolver of its own (resolvers
        // cache in cells, not shared between threads). A loop's halves only read what the loops
        // before them wrote, and their writes are added in order, as one builder going through
        // all the resources would have written them (see `absorb_links` and `absorb`).
        type Loop<'p> = dyn Fn(&mut Builder<'_, 'p>, Range<ResId>) + Sync;
        let halves = |facts: &FirstPhaseFacts, run: &Loop<'p>| {
            let half = |ids_in: Range<ResId>| {
                let resolver = Resolver::with_ids(plan, Arc::clone(&ids));
                let mut half = Builder::new(&resolver, plan);
                (half.kinds, half.out.vpc_of, half.out.main_tables) = facts.clone();
                run(&mut half, ids_in);
                half.out
            };
            let split = plan.resources.len() / 2;
            rayon::join(|| half(0..split), || half(split..plan.resources.len()))
        };
        let mut b = Builder::new(&resolver, plan);
        b.kinds = kinds;
        let (first, second) = halves(&Default::default(), &|b, ids| b.vpc_links(ids));
        b.absorb_links(first);
        b.absorb_links(second);
        b.main_tables();
        let (first, second) = halves(&b.first_phase_facts(), &|b, ids| b.second_phase(ids));
        b.absorb(first);
        b.absorb(second);
        let mut network = b.finish(resolver.ids());
        network.index();
        network
    }

    /// Fills [`Indexes`] from the finished network, through the same queries they answer.
    fn index(&mut self) {
        let mut ix = Indexes::default();
        let mut nodes: Vec<(NodeRef, NodeKind)> =
            self.kinds.iter().map(|(n, k)| (*n, *k)).collect();
        nodes.sort();
        for (node, kind) in nodes {
            ix.by_kind.entry(kind).or_default().push(node);
            match self.vpc_of(node) {
                Fact::Known(vpc) => ix.by_vpc.entry((vpc, kind)).or_default().push(node),
                _ => ix.without_vpc.entry(kind).or_default().push(node),
            }
        }
        for &subnet in ix
            .by_kind
            .get(&NodeKind::Subnet)
            .map_or(&[][..], Vec::as_slice)
        {
            match self.route_table_of(subnet) {
                Fact::Known(table) => ix.served.entry(table).or_default().push(subnet),
                Fact::Absent => {}
                Fact::Unknown => match self.vpc_of(subnet) {
                    Fact::Known(vpc) => *ix.unserved_by_vpc.entry(vpc).or_default() += 1,
                    _ => ix.unserved_unknown_vpc += 1,
                },
            }
        }
        for (i, route) in self.routes.iter().enumerate() {
            match &route.target {
                Fact::Known(RouteTarget::Node(n)) => ix.routes_to.entry(*n).or_default().push(i),
                Fact::Known(_) => {}
                _ => {
                    ix.uncertain_route_vpcs
                        .insert(self.vpc_of(route.table).known());
                }
            }
        }
        for (table, set) in &self.route_sets {
            if !set.complete {
                ix.uncertain_route_vpcs.insert(self.vpc_of(*table).known());
            }
        }
        self.indexes = ix;
        // Endpoint facts last: `endpoint` reads the indexes above.
        // Each endpoint's facts read only the network: on the thread pool.
        let endpoints: HashMap<NodeRef, Endpoint> = {
            use rayon::prelude::*;
            let network = &*self;
            network
                .nodes_of(NodeKind::VpcEndpoint)
                .par_iter()
                .with_min_len(64)
                .map(|n| (*n, network.endpoint(*n)))
                .collect()
        };
        self.indexes.endpoints = endpoints;
    }

    /// The facts of an endpoint node (as [`Network::endpoint`]), without copying them; `None`
    /// for a node that is not an endpoint.
    pub fn endpoint_ref(&self, node: NodeRef) -> Option<&Endpoint> {
        self.indexes.endpoints.get(&node)
    }

    /// The plan's id index (for resolving more attributes without indexing the plan again).
    pub(crate) fn ids(&self) -> Arc<IdIndex<'p>> {
        Arc::clone(&self.ids)
    }

    pub fn plan(&self) -> &'p Plan {
        self.plan
    }

    pub fn kind(&self, node: NodeRef) -> Option<NodeKind> {
        self.kinds.get(&node).copied()
    }

    pub fn resource(&self, node: NodeRef) -> Option<&'p Resource> {
        match node {
            NodeRef::Resource(id) => Some(&self.plan.resources[id]),
            NodeRef::MainTable(_) => None,
        }
    }

    /// The node's address: the instance address, or `<vpc>:main_route_table`.
    pub fn address(&self, node: NodeRef) -> String {
        match node {
            NodeRef::Resource(id) => self.plan.resources[id].id.clone(),
            NodeRef::MainTable(vpc) => format!("{}:main_route_table", self.plan.resources[vpc].id),
        }
    }

    /// All nodes of a kind, in address order.
    pub fn nodes(&self, kind: NodeKind) -> Vec<NodeRef> {
        self.nodes_of(kind).to_vec()
    }

    /// All nodes of a kind, in address order, without copying them.
    pub fn nodes_of(&self, kind: NodeKind) -> &[NodeRef] {
        self.indexes
            .by_kind
            .get(&kind)
            .map_or(&[][..], Vec::as_slice)
    }

    /// The VPC a node belongs to.
    pub fn vpc_of(&self, node: NodeRef) -> Fact<NodeRef> {
        if let NodeRef::MainTable(vpc) = node {
            return Fact::Known(NodeRef::Resource(vpc));
        }
        if self.kind(node) == Some(NodeKind::Vpc) {
            return Fact::Known(node);
        }
        self.vpc_of.get(&node).copied().unwrap_or(Fact::Unknown)
    }

    /// Nodes of `kind` known to be in `vpc`.
    pub fn in_vpc(&self, vpc: NodeRef, kind: NodeKind) -> Vec<NodeRef> {
        self.in_vpc_of(vpc, kind).to_vec()
    }

    /// Nodes of `kind` known to be in `vpc`, in address order, without copying them.
    pub fn in_vpc_of(&self, vpc: NodeRef, kind: NodeKind) -> &[NodeRef] {
        self.indexes
            .by_vpc
            .get(&(vpc, kind))
            .map_or(&[][..], Vec::as_slice)
    }

    /// Whether some node of `kind` has an unknown VPC (so a VPC-wide question may be incomplete).
    pub fn any_unknown_vpc(&self, kind: NodeKind) -> bool {
        !self.without_vpc(kind).is_empty()
    }

    /// Nodes of `kind` whose VPC is not known, in address order.
    pub fn without_vpc(&self, kind: NodeKind) -> &[NodeRef] {
        self.indexes
            .without_vpc
            .get(&kind)
            .map_or(&[][..], Vec::as_slice)
    }

    /// The VPC's main route table.
    pub fn main_table(&self, vpc: NodeRef) -> Fact<NodeRef> {
        self.main_tables.get(&vpc).copied().unwrap_or(Fact::Unknown)
    }

    /// The route table that serves a subnet: its explicit association, else its VPC's main table.
    pub fn route_table_of(&self, subnet: NodeRef) -> Fact<NodeRef> {
        match self.explicit_assoc.get(&subnet) {
            Some(Fact::Known(t)) => return Fact::Known(*t),
            Some(_) => return Fact::Unknown,
            None => {}
        }
        let Fact::Known(vpc) = self.vpc_of(subnet) else {
            return Fact::Unknown;
        };
        if self.unresolved_assoc_vpcs.contains(&None)
            || self.unresolved_assoc_vpcs.contains(&Some(vpc))
        {
            return Fact::Unknown;
        }
        self.main_table(vpc)
    }

    /// Whether the subnet has an `aws_route_table_association` (rather than using the main table).
    pub fn has_explicit_association(&self, subnet: NodeRef) -> bool {
        self.explicit_assoc.contains_key(&subnet)
    }

    /// The subnets a route table serves; `complete` is false when some subnet's table is unknown.
    pub fn subnets_served(&self, table: NodeRef) -> Linked {
        let ix = &self.indexes;
        // A subnet of unknown table leaves this one incomplete unless it is in another known VPC.
        let complete = match self.vpc_of(table) {
            Fact::Known(vpc) => {
                ix.unserved_unknown_vpc == 0 && !ix.unserved_by_vpc.contains_key(&vpc)
            }
            _ => ix.unserved_unknown_vpc == 0 && ix.unserved_by_vpc.is_empty(),
        };
        Linked {
            nodes: ix.served.get(&table).cloned().unwrap_or_default(),
            complete,
        }
    }

    /// Every route in the plan (inline and `aws_route`) whose table is known.
    pub fn all_routes(&self) -> &[Route] {
        &self.routes
    }

    pub fn route(&self, index: usize) -> &Route {
        &self.routes[index]
    }

    /// The routes of a table.
    pub fn routes_of(&self, table: NodeRef) -> RouteSet {
        self.route_sets.get(&table).cloned().unwrap_or_default()
    }

    /// The route carrying a destination's default (`0.0.0.0/0` or `::/0`).
    ///
    /// `Known(None)` means the table's routes are all known and none is a default route.
    pub fn default_route(&self, table: NodeRef, ipv6: bool) -> Fact<Option<&Route>> {
        static NONE: RouteSet = RouteSet {
            routes: Vec::new(),
            complete: false,
        };
        let set = self.route_sets.get(&table).unwrap_or(&NONE);
        let mut unknown_destination = false;
        for &i in &set.routes {
            let route = &self.routes[i];
            match &route.destination {
                Fact::Known(d) if (!ipv6 && d.is_default_v4()) || (ipv6 && d.is_default_v6()) => {
                    return Fact::Known(Some(route))
                }
                Fact::Known(_) => {}
                _ => unknown_destination = true,
            }
        }
        if set.complete && !unknown_destination {
            Fact::Known(None)
        } else {
            Fact::Unknown
        }
    }

    /// What a route sends traffic to, as a kind, when that much is known.
    pub fn target_kind(&self, route: &Route) -> Option<TargetKind> {
        match &route.target {
            Fact::Known(RouteTarget::Node(n)) => self.kind(*n).map(TargetKind::of_node),
            Fact::Known(RouteTarget::External(id)) => Some(TargetKind::from_id(id)),
            Fact::Known(RouteTarget::Local) => Some(TargetKind::Local),
            _ => route.target_kind,
        }
    }

    /// Route tables of a Gateway endpoint (inline `route_table_ids` and association resources).
    pub fn endpoint_route_tables(&self, endpoint: NodeRef) -> Linked {
        self.endpoint_tables
            .get(&endpoint)
            .cloned()
            .unwrap_or(Linked {
                nodes: Vec::new(),
                complete: true,
            })
    }

    /// Subnets a NAT gateway, endpoint or workload is placed in.
    pub fn placement(&self, node: NodeRef) -> Linked {
        self.placements.get(&node).cloned().unwrap_or(Linked {
            nodes: Vec::new(),
            complete: true,
        })
    }

    /// Security groups of an endpoint or workload.
    pub fn security_groups_of(&self, node: NodeRef) -> Linked {
        self.security_groups.get(&node).cloned().unwrap_or(Linked {
            nodes: Vec::new(),
            complete: true,
        })
    }

    /// Separate rule resources attached to a security group; the bool is false when some rule
    /// resource's group is unknown (so it might belong here).
    pub fn rules_of(&self, group: NodeRef) -> (Vec<ResId>, bool) {
        (
            self.sg_rules.get(&group).cloned().unwrap_or_default(),
            self.sg_rules_complete,
        )
    }

    pub(crate) fn extras(&self) -> &Extras {
        &self.extras
    }

    /// Nodes with an edge of `kind` into `node`.
    pub fn incoming(&self, node: NodeRef, kind: EdgeKind) -> Vec<NodeRef> {
        let Some(&ix) = self.index.get(&node) else {
            return Vec::new();
        };
        let mut out: Vec<NodeRef> = self
            .graph
            .edges_directed(ix, Direction::Incoming)
            .filter(|e| e.weight().kind == kind)
            .map(|e| self.graph[e.source()])
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// Routes (indexes) whose target is this node.
    pub fn routes_to(&self, node: NodeRef) -> Vec<usize> {
        self.indexes
            .routes_to
            .get(&node)
            .cloned()
            .unwrap_or_default()
    }

    /// Routes in the plan whose target is not known, in tables of this VPC or of unknown VPC
    /// (or route tables that may miss routes there).
    pub fn has_unknown_route_targets(&self, vpc: NodeRef) -> bool {
        let vpcs = &self.indexes.uncertain_route_vpcs;
        vpcs.contains(&None) || vpcs.contains(&Some(vpc))
    }

    /// Every edge, sorted.
    pub fn edges(&self) -> Vec<(NodeRef, NodeRef, &EdgeData)> {
        let mut edges: Vec<(NodeRef, NodeRef, &EdgeData)> = self
            .graph
            .edge_references()
            .map(|e| (self.graph[e.source()], self.graph[e.target()], e.weight()))
            .collect();
        // The sort keys are built once per edge, not once per comparison.
        edges.sort_by_cached_key(|e| {
            (
                self.address(e.0),
                self.address(e.1),
                e.2.kind,
                e.2.destination.clone(),
            )
        });
        edges
    }

    /// What could not be resolved, sorted.
    pub fn unknown(&self) -> &[UnknownEdge] {
        &self.unknown
    }

    /// Every node with its kind, sorted by address.
    pub fn all_nodes(&self) -> Vec<(NodeRef, NodeKind)> {
        let mut nodes: Vec<(NodeRef, NodeKind)> =
            self.kinds.iter().map(|(n, k)| (*n, *k)).collect();
        nodes.sort_by_cached_key(|(n, _)| self.address(*n));
        nodes
    }
}

struct Builder<'r, 'p> {
    resolver: &'r Resolver<'p>,
    plan: &'p Plan,
    kinds: BTreeMap<NodeRef, NodeKind>,
    out: Written,
}

/// What the loops over the resources write. A loop run on two halves of the resources
/// ([`Network::build`]) has each half written by a builder of its own, and the later half's added
/// to the earlier's ([`Builder::absorb_links`], [`Builder::absorb`]).
struct Written {
    edges: Vec<Edge>,
    routes: Vec<Route>,
    unknown: Vec<UnknownEdge>,
    vpc_of: HashMap<NodeRef, Fact<NodeRef>>,
    main_tables: HashMap<NodeRef, Fact<NodeRef>>,
    explicit_assoc: HashMap<NodeRef, Fact<NodeRef>>,
    unresolved_assoc_vpcs: BTreeSet<Option<NodeRef>>,
    endpoint_tables: HashMap<NodeRef, Linked>,
    placements: HashMap<NodeRef, Linked>,
    security_groups: HashMap<NodeRef, Linked>,
    sg_rules: HashMap<NodeRef, Vec<ResId>>,
    sg_rules_complete: bool,
    extras: Extras,
    unattached_routes: bool,
    incomplete_tables: BTreeSet<NodeRef>,
}

impl Default for Written {
    fn default() -> Self {
        Written {
            edges: Vec::new(),
            routes: Vec::new(),
            unknown: Vec::new(),
            vpc_of: HashMap::new(),
            main_tables: HashMap::new(),
            explicit_assoc: HashMap::new(),
            unresolved_assoc_vpcs: BTreeSet::new(),
            endpoint_tables: HashMap::new(),
            placements: HashMap::new(),
            security_groups: HashMap::new(),
            sg_rules: HashMap::new(),
            sg_rules_complete: true,
            extras: Extras::default(),
            unattached_routes: false,
            incomplete_tables: BTreeSet::new(),
        }
    }
}

/// What the first phase found and the second reads: the node kinds, VPC memberships and main
/// route tables.
type FirstPhaseFacts = (
    BTreeMap<NodeRef, NodeKind>,
    HashMap<NodeRef, Fact<NodeRef>>,
    HashMap<NodeRef, Fact<NodeRef>>,
);

impl<'r, 'p> Builder<'r, 'p> {
    fn new(resolver: &'r Resolver<'p>, plan: &'p Plan) -> Self {
        Builder {
            resolver,
            plan,
            kinds: BTreeMap::new(),
            out: Written::default(),
        }
    }

    fn first_phase_facts(&self) -> FirstPhaseFacts {
        (
            self.kinds.clone(),
            self.out.vpc_of.clone(),
            self.out.main_tables.clone(),
        )
    }

    /// Adds the links of a builder that went through later resources ([`Builder::vpc_links`]), as
    /// if this one had gone on through them: lists in order, a later VPC membership replacing an
    /// earlier one, an earlier main table kept.
    fn absorb_links(&mut self, later: Written) {
        self.out.edges.extend(later.edges);
        self.out.unknown.extend(later.unknown);
        self.out.vpc_of.extend(later.vpc_of);
        for (vpc, table) in later.main_tables {
            self.out.main_tables.entry(vpc).or_insert(table);
        }
    }

    /// Adds the writes of a builder that went through later resources in the second phase, as if
    /// this one had gone on through them: lists in order, a later value replacing an earlier one,
    /// sets joined. (Its VPC memberships and main tables are the first phase's, only read.)
    fn absorb(&mut self, later: Written) {
        // Every field named, so that one added to `Written` is not left out here.
        let Written {
            edges,
            routes,
            unknown,
            vpc_of: _,
            main_tables: _,
            explicit_assoc,
            unresolved_assoc_vpcs,
            endpoint_tables,
            placements,
            security_groups,
            sg_rules,
            sg_rules_complete,
            extras,
            unattached_routes,
            incomplete_tables,
        } = later;
        // Each set as `link_all` and `endpoint_assoc` would have gone on with it.
        for (kind, sets) in [
            (EdgeKind::EndpointRouteTable, endpoint_tables),
            (EdgeKind::Placement, placements),
            (EdgeKind::SecurityGroup, security_groups),
        ] {
            for (node, later) in sets {
                let set = self.set_of(kind, node);
                set.complete &= later.complete;
                for member in later.nodes {
                    set.push(member);
                }
            }
        }
        let out = &mut self.out;
        out.edges.extend(edges);
        out.routes.extend(routes);
        out.unknown.extend(unknown);
        out.explicit_assoc.extend(explicit_assoc);
        out.unresolved_assoc_vpcs.extend(unresolved_assoc_vpcs);
        for (group, rules) in sg_rules {
            out.sg_rules.entry(group).or_default().extend(rules);
        }
        out.sg_rules_complete &= sg_rules_complete;
        out.extras.private_dns.extend(extras.private_dns);
        out.extras.policy.extend(extras.policy);
        for (service, principals) in extras.principals {
            let known = out.extras.principals.entry(service).or_default();
            known.extend(principals);
        }
        out.extras.unresolved_private_dns |= extras.unresolved_private_dns;
        out.extras.unresolved_policy |= extras.unresolved_policy;
        out.extras.unresolved_principals |= extras.unresolved_principals;
        out.unattached_routes |= unattached_routes;
        out.incomplete_tables.extend(incomplete_tables);
    }

    /// The first phase: node kinds, VPC membership and main route tables, which routes and
    /// implicit associations need. Here the kinds.
    fn node_kinds(plan: &Plan) -> BTreeMap<NodeRef, NodeKind> {
        let mut kinds = BTreeMap::new();
        for (id, r) in plan.resources.iter().enumerate() {
            if let Some(kind) = NodeKind::of_type(r.rtype()) {
                kinds.insert(NodeRef::Resource(id), kind);
            }
        }
        kinds
    }

    /// The VPC membership of the resources in `ids`, and the main tables `aws_default_route_table`
    /// sets. Reads nothing the builder wrote: the references followed never name route tables
    /// (the main tables' ids).
    fn vpc_links(&mut self, ids: Range<ResId>) {
        let plan = self.plan;
        for (id, r) in plan.resources[ids.clone()].iter().enumerate() {
            let id = ids.start + id;
            let node = NodeRef::Resource(id);
            match r.rtype() {
                "aws_subnet"
                | "aws_route_table"
                | "aws_security_group"
                | "aws_vpc_endpoint"
                | "aws_internet_gateway"
                | "aws_egress_only_internet_gateway"
                | "aws_vpn_gateway"
                | "aws_default_security_group" => {
                    self.link_vpc(id, node, "vpc_id");
                }
                "aws_nat_gateway"
                    if r.values.str("availability_mode") == Fact::Known("regional") =>
                {
                    self.link_vpc(id, node, "vpc_id");
                }
                "aws_internet_gateway_attachment" | "aws_vpn_gateway_attachment" => {
                    let field = if r.rtype() == "aws_internet_gateway_attachment" {
                        ("internet_gateway_id", &["aws_internet_gateway"][..])
                    } else {
                        ("vpn_gateway_id", &["aws_vpn_gateway"][..])
                    };
                    let gw = self.one(id, &[Step::Key(field.0)], field.1);
                    let vpc = self.one(id, &[Step::Key("vpc_id")], VPC);
                    if let (Some((g, _)), Some((v, by))) = (gw, vpc) {
                        self.out.vpc_of.insert(g, Fact::Known(v));
                        self.edge(v, g, EdgeKind::Contains, by);
                    }
                }
                "aws_default_route_table" => {
                    if let Some((vpc, by)) =
                        self.one(id, &[Step::Key("default_route_table_id")], VPC)
                    {
                        // Its `vpc_id` is computed: no `contains` edge, but it is in this VPC.
                        self.out.vpc_of.insert(node, Fact::Known(vpc));
                        self.out.main_tables.entry(vpc).or_insert(Fact::Known(node));
                        self.edge(vpc, node, EdgeKind::MainRouteTable, by);
                    }
                }
                _ => {}
            }
        }
    }

    /// The main tables of the associations, and of the VPCs this plan creates without one.
    fn main_tables(&mut self) {
        let plan = self.plan;
        // An explicit main association replaces the default table as main.
        for (id, r) in plan.resources.iter().enumerate() {
            if r.rtype() != "aws_main_route_table_association" {
                continue;
            }
            let vpc = self.one(id, &[Step::Key("vpc_id")], VPC);
            let table = self.one(id, &[Step::Key("route_table_id")], ROUTE_TABLE);
            match (vpc, table) {
                (Some((v, _)), Some((t, by))) => {
                    self.out.main_tables.insert(v, Fact::Known(t));
                    self.edge(v, t, EdgeKind::MainRouteTable, by);
                }
                (Some((v, _)), None) => {
                    self.out.main_tables.insert(v, Fact::Unknown);
                }
                _ => {}
            }
        }
        // VPCs created or managed in this plan without a managed main table keep the one AWS made.
        for (id, r) in plan.resources.iter().enumerate() {
            let node = NodeRef::Resource(id);
            if matches!(r.rtype(), "aws_vpc" | "aws_default_vpc")
                && !self.out.main_tables.contains_key(&node)
            {
                // The main table of an existing VPC exists outside the plan, with routes we
                // cannot see; only a VPC this plan creates is known to start with a bare one.
                if r.is_data() || r.action != crate::model::Action::Create {
                    self.out.main_tables.insert(node, Fact::Unknown);
                    continue;
                }
                let main = NodeRef::MainTable(id);
                self.kinds.insert(main, NodeKind::RouteTable);
                self.out.vpc_of.insert(main, Fact::Known(node));
                self.out.main_tables.insert(node, Fact::Known(main));
                self.edge(node, main, EdgeKind::MainRouteTable, ResolvedBy::Implicit);
            }
        }
    }

    /// Routes, associations, placements, endpoints, security groups and workloads of the
    /// resources in `ids`. Reads what the first phase wrote; writes neither VPC memberships nor
    /// main tables.
    fn second_phase(&mut self, ids: Range<ResId>) {
        let plan = self.plan;
        for (id, r) in plan.resources[ids.clone()].iter().enumerate() {
            let id = ids.start + id;
            let node = NodeRef::Resource(id);
            match r.rtype() {
                "aws_route_table" | "aws_default_route_table" => {
                    if r.is_data() {
                        self.out.incomplete_tables.insert(node);
                    } else {
                        self.inline_routes(id, node);
                    }
                }
                "aws_route" => self.aws_route(id, node),
                "aws_route_table_association" => self.association(id),
                "aws_nat_gateway" => self.place(id, node, &[Step::Key("subnet_id")]),
                "aws_vpc_endpoint" => self.endpoint(id, node),
                "aws_vpc_endpoint_route_table_association" => self.endpoint_assoc(
                    id,
                    "route_table_id",
                    ROUTE_TABLE,
                    EdgeKind::EndpointRouteTable,
                ),
                "aws_vpc_endpoint_subnet_association" => {
                    self.endpoint_assoc(id, "subnet_id", SUBNET, EdgeKind::Placement)
                }
                "aws_vpc_endpoint_security_group_association" => self.endpoint_assoc(
                    id,
                    "security_group_id",
                    SECURITY_GROUP,
                    EdgeKind::SecurityGroup,
                ),
                "aws_security_group_rule"
                | "aws_vpc_security_group_ingress_rule"
                | "aws_vpc_security_group_egress_rule" => {
                    match self.one(id, &[Step::Key("security_group_id")], SECURITY_GROUP) {
                        Some((sg, by)) => {
                            self.out.sg_rules.entry(sg).or_default().push(id);
                            self.edge(node, sg, EdgeKind::Rule, by);
                        }
                        None => self.out.sg_rules_complete = false,
                    }
                }
                "aws_vpc_endpoint_private_dns" => {
                    match self.one(id, &[Step::Key("vpc_endpoint_id")], ENDPOINT) {
                        Some((e, _)) => {
                            let value = r.values.bool("private_dns_enabled");
                            self.out.extras.private_dns.insert(e, value);
                        }
                        None => self.out.extras.unresolved_private_dns = true,
                    }
                }
                "aws_vpc_endpoint_policy" => {
                    match self.one(id, &[Step::Key("vpc_endpoint_id")], ENDPOINT) {
                        Some((e, _)) => {
                            let value = r.values.str("policy").map(str::to_string);
                            self.out.extras.policy.insert(e, value);
                        }
                        None => self.out.extras.unresolved_policy = true,
                    }
                }
                "aws_vpc_endpoint_service_allowed_principal" => {
                    match self.one(
                        id,
                        &[Step::Key("vpc_endpoint_service_id")],
                        &["aws_vpc_endpoint_service"],
                    ) {
                        Some((svc, _)) => {
                            let value = r.values.str("principal_arn").map(str::to_string);
                            self.out
                                .extras
                                .principals
                                .entry(svc)
                                .or_default()
                                .push(value);
                        }
                        None => self.out.extras.unresolved_principals = true,
                    }
                }
                t if WORKLOAD_TYPES.contains(&t) => self.workload(id, node),
                _ => {}
            }
        }
    }

    fn finish(mut self, ids: Arc<IdIndex<'p>>) -> Network<'p> {
        // Implicit associations: a subnet without an explicit association uses its VPC's main table.
        let subnets: Vec<NodeRef> = self
            .kinds
            .iter()
            .filter(|(_, k)| **k == NodeKind::Subnet)
            .map(|(n, _)| *n)
            .collect();
        for subnet in subnets {
            if self.out.explicit_assoc.contains_key(&subnet) {
                continue;
            }
            if let Some(Fact::Known(vpc)) = self.out.vpc_of.get(&subnet).copied() {
                if self.out.unresolved_assoc_vpcs.contains(&None)
                    || self.out.unresolved_assoc_vpcs.contains(&Some(vpc))
                {
                    continue;
                }
                if let Some(Fact::Known(table)) = self.out.main_tables.get(&vpc).copied() {
                    self.edge(subnet, table, EdgeKind::Association, ResolvedBy::Implicit);
                }
            }
        }
        let mut route_sets: HashMap<NodeRef, RouteSet> = HashMap::new();
        for (node, kind) in &self.kinds {
            if *kind == NodeKind::RouteTable {
                route_sets.insert(
                    *node,
                    RouteSet {
                        routes: Vec::new(),
                        complete: !self.out.unattached_routes
                            && !self.out.incomplete_tables.contains(node),
                    },
                );
            }
        }
        for (i, route) in self.out.routes.iter().enumerate() {
            if let Some(set) = route_sets.get_mut(&route.table) {
                set.routes.push(i);
            }
        }
        let mut graph = DiGraph::with_capacity(self.kinds.len(), self.out.edges.len());
        let mut index = HashMap::with_capacity(self.kinds.len());
        for node in self.kinds.keys() {
            index.insert(*node, graph.add_node(*node));
        }
        // Stable, as before on one thread: equal edges keep the order they were written in.
        rayon::slice::ParallelSliceMut::par_sort_by(&mut self.out.edges[..], |a, b| {
            (a.from, a.to, a.data.kind, &a.data.destination).cmp(&(
                b.from,
                b.to,
                b.data.kind,
                &b.data.destination,
            ))
        });
        self.out
            .edges
            .dedup_by(|a, b| a.from == b.from && a.to == b.to && a.data == b.data);
        for e in self.out.edges {
            if let (Some(&f), Some(&t)) = (index.get(&e.from), index.get(&e.to)) {
                graph.add_edge(f, t, e.data);
            }
        }
        self.out.unknown.sort();
        self.out.unknown.dedup();
        Network {
            plan: self.plan,
            graph,
            index,
            kinds: self.kinds.into_iter().collect(),
            routes: self.out.routes,
            route_sets,
            main_tables: self.out.main_tables,
            vpc_of: self.out.vpc_of,
            explicit_assoc: self.out.explicit_assoc,
            unresolved_assoc_vpcs: self.out.unresolved_assoc_vpcs,
            endpoint_tables: self.out.endpoint_tables,
            placements: self.out.placements,
            security_groups: self.out.security_groups,
            sg_rules: self.out.sg_rules,
            sg_rules_complete: self.out.sg_rules_complete,
            extras: self.out.extras,
            unknown: self.out.unknown,
            indexes: Indexes::default(),
            ids,
        }
    }

    fn edge(&mut self, from: NodeRef, to: NodeRef, kind: EdgeKind, by: ResolvedBy) {
        self.out.edges.push(Edge {
            from,
            to,
            data: EdgeData {
                kind,
                by,
                destination: None,
                via: None,
            },
        });
    }

    fn note_unknown(&mut self, id: ResId, path: &[Step<'_>], reason: String) {
        let attribute = path
            .iter()
            .map(|s| match s {
                Step::Key(k) => (*k).to_string(),
                Step::Index(i) => i.to_string(),
            })
            .collect::<Vec<_>>()
            .join(".");
        self.out.unknown.push(UnknownEdge {
            address: self.plan.resources[id].id.clone(),
            attribute,
            reason,
        });
    }

    fn node_of(&self, target: &Target) -> Option<NodeRef> {
        match target {
            Target::Resource(id) => Some(NodeRef::Resource(*id)),
            Target::VpcMainTable(vpc) => match self.out.main_tables.get(&NodeRef::Resource(*vpc)) {
                // `default_route_table_id` is the table an aws_default_route_table manages.
                Some(Fact::Known(t)) => Some(*t),
                _ => None,
            },
            Target::External(_) => None,
        }
    }

    /// Resolves a single-valued attribute to a node, noting what stays unknown.
    fn one(
        &mut self,
        id: ResId,
        path: &[Step<'_>],
        want: &[&str],
    ) -> Option<(NodeRef, ResolvedBy)> {
        match self.resolver.resolve_one(id, path, want) {
            Resolution::Known(links) => {
                let link = &links[0];
                match self.node_of(&link.target) {
                    Some(n) => Some((n, link.by)),
                    None => {
                        if let Target::External(_) = link.target {
                            // Known, but outside the plan: nothing to join, nothing unknown.
                        } else {
                            self.note_unknown(id, path, "main route table not known".into());
                        }
                        None
                    }
                }
            }
            Resolution::Unknown(reason) => {
                self.note_unknown(id, path, reason);
                None
            }
            Resolution::Absent => None,
        }
    }

    /// Resolves a list attribute; `complete` is false when something stayed unknown.
    fn many(
        &mut self,
        id: ResId,
        path: &[Step<'_>],
        want: &[&str],
    ) -> (Vec<(NodeRef, ResolvedBy)>, bool) {
        match self.resolver.resolve(id, path, want) {
            Resolution::Known(links) => {
                let mut nodes = Vec::new();
                let mut complete = true;
                for link in links {
                    match self.node_of(&link.target) {
                        Some(n) => nodes.push((n, link.by)),
                        None => {
                            if !matches!(link.target, Target::External(_)) {
                                complete = false;
                            }
                        }
                    }
                }
                (nodes, complete)
            }
            Resolution::Unknown(reason) => {
                self.note_unknown(id, path, reason);
                (Vec::new(), false)
            }
            Resolution::Absent => (Vec::new(), true),
        }
    }

    fn link_vpc(&mut self, id: ResId, node: NodeRef, field: &str) {
        match self.one(id, &[Step::Key(field)], VPC) {
            Some((vpc, by)) => {
                self.out.vpc_of.insert(node, Fact::Known(vpc));
                self.edge(vpc, node, EdgeKind::Contains, by);
            }
            None => {
                self.out.vpc_of.insert(node, Fact::Unknown);
            }
        }
    }

    /// Routes written as `route` blocks of `aws_route_table` / `aws_default_route_table`.
    fn inline_routes(&mut self, id: ResId, table: NodeRef) {
        let values = &self.plan.resources[id].values;
        match values.len_at(&[Step::Key("route")]) {
            Fact::Known(n) => {
                for i in 0..n {
                    let path = [Step::Key("route"), Step::Index(i)];
                    let destination = route_destination(
                        values,
                        &path,
                        &[
                            "cidr_block",
                            "ipv6_cidr_block",
                            "destination_prefix_list_id",
                        ],
                    );
                    self.add_route(id, table, &path, destination);
                }
            }
            // `route` not set at all: Terraform leaves existing routes alone on aws_default_route_table.
            Fact::Absent if self.plan.resources[id].rtype() == "aws_default_route_table" => {
                if self.plan.resources[id].action != crate::model::Action::Create
                    && self
                        .plan
                        .config_of(id)
                        .is_none_or(|c| c.expr_at(&[Step::Key("route")]).is_none())
                {
                    self.out.incomplete_tables.insert(table);
                }
            }
            Fact::Absent => {}
            Fact::Unknown => {
                // Without a `route` argument the provider only computes the set from `aws_route`s,
                // which the plan lists on their own.
                let configured = !self.plan.config.present
                    || self
                        .plan
                        .config_of(id)
                        .is_some_and(|c| c.expr_at(&[Step::Key("route")]).is_some());
                if configured {
                    self.note_unknown(
                        id,
                        &[Step::Key("route")],
                        "the route set is unknown until apply".into(),
                    );
                    self.out.incomplete_tables.insert(table);
                }
            }
        }
    }

    fn aws_route(&mut self, id: ResId, node: NodeRef) {
        let path = [Step::Key("route_table_id")];
        let table = match self.resolver.resolve_one(id, &path, ROUTE_TABLE) {
            Resolution::Known(links) => match self.node_of(&links[0].target) {
                Some(t) => {
                    self.edge(node, t, EdgeKind::InRouteTable, links[0].by);
                    t
                }
                // A table outside the plan (an existing VPC's main table, a known foreign id):
                // the route changes nothing vpclint models.
                None => return,
            },
            Resolution::Unknown(reason) => {
                // A route we cannot place could be in any table.
                self.note_unknown(id, &path, reason);
                self.out.unattached_routes = true;
                return;
            }
            Resolution::Absent => return,
        };
        let values = &self.plan.resources[id].values;
        let destination = route_destination(
            values,
            &[],
            &[
                "destination_cidr_block",
                "destination_ipv6_cidr_block",
                "destination_prefix_list_id",
            ],
        );
        self.add_route(id, table, &[], destination);
    }

    /// Adds a route whose fields live at `base` in resource `id`'s values.
    fn add_route(
        &mut self,
        id: ResId,
        table: NodeRef,
        base: &[Step<'_>],
        destination: Fact<Destination>,
    ) {
        let values = &self.plan.resources[id].values;
        let config = self.plan.config_of(id);
        let mut chosen: Option<(&str, &[&str], Option<TargetKind>, bool)> = None;
        for (field, want, kind) in TARGET_FIELDS {
            let mut path = base.to_vec();
            path.push(Step::Key(field));
            match values.str_at(&path) {
                Fact::Known(_) => {
                    chosen = Some((field, want, *kind, true));
                    break;
                }
                Fact::Unknown => {
                    let configured = config.is_some_and(|c| c.expr_at(&path).is_some());
                    if chosen.is_none() || (configured && !chosen.is_some_and(|c| c.3)) {
                        chosen = Some((field, want, *kind, configured));
                    }
                }
                Fact::Absent => {}
            }
        }
        let mut path = base.to_vec();
        let (target, target_kind, by) = match chosen {
            None => (Fact::Absent, None, ResolvedBy::Id),
            Some((field, want, kind, _)) => {
                path.push(Step::Key(field));
                if want.is_empty() {
                    match values.str_at(&path) {
                        Fact::Known(v) => (
                            Fact::Known(RouteTarget::External(v.to_string())),
                            kind,
                            ResolvedBy::Id,
                        ),
                        _ => (Fact::Unknown, kind, ResolvedBy::Id),
                    }
                } else if values.str_at(&path) == Fact::Known("local") {
                    (
                        Fact::Known(RouteTarget::Local),
                        Some(TargetKind::Local),
                        ResolvedBy::Id,
                    )
                } else {
                    match self.resolver.resolve_one(id, &path, want) {
                        Resolution::Known(links) => {
                            let Link { target, by } = links[0].clone();
                            match target {
                                Target::Resource(r) => (
                                    Fact::Known(RouteTarget::Node(NodeRef::Resource(r))),
                                    kind,
                                    by,
                                ),
                                Target::External(ext) => {
                                    let k = kind.or(Some(TargetKind::from_id(&ext)));
                                    (Fact::Known(RouteTarget::External(ext)), k, by)
                                }
                                Target::VpcMainTable(_) => (Fact::Unknown, kind, by),
                            }
                        }
                        Resolution::Unknown(reason) => {
                            self.note_unknown(id, &path, reason);
                            (Fact::Unknown, kind, ResolvedBy::Reference)
                        }
                        Resolution::Absent => (Fact::Absent, kind, ResolvedBy::Id),
                    }
                }
            }
        };
        if destination.is_unknown() {
            let mut dpath = base.to_vec();
            dpath.push(Step::Key("destination"));
            self.note_unknown(
                id,
                &dpath,
                "the route's destination is unknown until apply".into(),
            );
        }
        if let Fact::Known(RouteTarget::Node(to)) = &target {
            let destination_text = match &destination {
                Fact::Known(d) => Some(d.text().to_string()),
                _ => None,
            };
            self.out.edges.push(Edge {
                from: table,
                to: *to,
                data: EdgeData {
                    kind: EdgeKind::Route,
                    by,
                    destination: destination_text,
                    via: Some(id),
                },
            });
        }
        self.out.routes.push(Route {
            table,
            destination,
            target_kind,
            target,
            by,
            declared_by: id,
        });
    }

    fn association(&mut self, id: ResId) {
        let values = &self.plan.resources[id].values;
        // An edge association (`gateway_id`) routes ingress; it serves no subnet.
        if !matches!(values.str("gateway_id"), Fact::Absent)
            && matches!(values.str("subnet_id"), Fact::Absent)
        {
            return;
        }
        let table = self.one(id, &[Step::Key("route_table_id")], ROUTE_TABLE);
        match self.one(id, &[Step::Key("subnet_id")], SUBNET) {
            Some((subnet, by)) => match table {
                Some((t, table_by)) => {
                    let by = by.max(table_by);
                    self.out.explicit_assoc.insert(subnet, Fact::Known(t));
                    self.edge(subnet, t, EdgeKind::Association, by);
                }
                None => {
                    self.out.explicit_assoc.insert(subnet, Fact::Unknown);
                }
            },
            None => {
                let vpc = table.and_then(|(t, _)| match self.out.vpc_of.get(&t) {
                    Some(Fact::Known(v)) => Some(*v),
                    _ => None,
                });
                if table.is_none() || vpc.is_some() {
                    self.out.unresolved_assoc_vpcs.insert(vpc);
                } else {
                    self.out.unresolved_assoc_vpcs.insert(None);
                }
            }
        }
    }

    fn place(&mut self, id: ResId, node: NodeRef, path: &[Step<'_>]) {
        let (subnets, complete) = self.many(id, path, SUBNET);
        self.link_all(node, EdgeKind::Placement, subnets, complete);
    }

    fn endpoint(&mut self, id: ResId, node: NodeRef) {
        let (tables, complete) = self.many(id, &[Step::Key("route_table_ids")], ROUTE_TABLE);
        self.link_all(node, EdgeKind::EndpointRouteTable, tables, complete);
        self.place(id, node, &[Step::Key("subnet_ids")]);
        let (groups, complete) = self.many(id, &[Step::Key("security_group_ids")], SECURITY_GROUP);
        self.link_all(node, EdgeKind::SecurityGroup, groups, complete);
        // `service_name = aws_vpc_endpoint_service.x.service_name`: a link to the service.
        if let Some(expr) = self.plan.expr_of(id, &[Step::Key("service_name")]) {
            if self.plan.resources[id]
                .values
                .str("service_name")
                .is_unknown()
                && expr
                    .references
                    .iter()
                    .any(|r| r.contains("aws_vpc_endpoint_service."))
            {
                if let Resolution::Known(links) = self.resolver.resolve_one(
                    id,
                    &[Step::Key("service_name")],
                    &["aws_vpc_endpoint_service"],
                ) {
                    if let Target::Resource(s) = links[0].target {
                        self.edge(node, NodeRef::Resource(s), EdgeKind::Service, links[0].by);
                    }
                }
            }
        }
    }

    fn endpoint_assoc(&mut self, id: ResId, field: &str, want: &[&str], kind: EdgeKind) {
        let endpoint = self.one(id, &[Step::Key("vpc_endpoint_id")], ENDPOINT);
        let other = self.one(id, &[Step::Key(field)], want);
        let Some((e, _)) = endpoint else {
            // An association we cannot place might belong to any endpoint.
            for node in self
                .kinds
                .iter()
                .filter(|(_, k)| **k == NodeKind::VpcEndpoint)
                .map(|(n, _)| *n)
                .collect::<Vec<_>>()
            {
                self.set_of(kind, node).complete = false;
            }
            return;
        };
        match other {
            Some((o, by)) => {
                self.set_of(kind, e).push(o);
                self.edge(e, o, kind, by);
            }
            None => self.set_of(kind, e).complete = false,
        }
    }

    /// Records resolved links of `node` (placement, endpoint route tables, security groups) and
    /// their edges; `complete` is false when some member could not be resolved.
    fn link_all(
        &mut self,
        node: NodeRef,
        kind: EdgeKind,
        links: Vec<(NodeRef, ResolvedBy)>,
        complete: bool,
    ) {
        let set = self.set_of(kind, node);
        set.complete &= complete;
        for (to, _) in &links {
            set.push(*to);
        }
        for (to, by) in links {
            self.edge(node, to, kind, by);
        }
    }

    fn set_of(&mut self, kind: EdgeKind, node: NodeRef) -> &mut Linked {
        let map = match kind {
            EdgeKind::EndpointRouteTable => &mut self.out.endpoint_tables,
            EdgeKind::SecurityGroup => &mut self.out.security_groups,
            _ => &mut self.out.placements,
        };
        map.entry(node).or_insert(Linked {
            nodes: Vec::new(),
            complete: true,
        })
    }

    fn workload(&mut self, id: ResId, node: NodeRef) {
        let r = &self.plan.resources[id];
        let (subnet_paths, sg_paths): (Vec<Vec<Step<'static>>>, Vec<Vec<Step<'static>>>) =
            match r.rtype() {
                "aws_instance" => (
                    vec![vec![Step::Key("subnet_id")]],
                    vec![vec![Step::Key("vpc_security_group_ids")]],
                ),
                "aws_ecs_service" => (
                    vec![vec![
                        Step::Key("network_configuration"),
                        Step::Index(0),
                        Step::Key("subnets"),
                    ]],
                    vec![vec![
                        Step::Key("network_configuration"),
                        Step::Index(0),
                        Step::Key("security_groups"),
                    ]],
                ),
                "aws_lambda_function" => (
                    vec![vec![
                        Step::Key("vpc_config"),
                        Step::Index(0),
                        Step::Key("subnet_ids"),
                    ]],
                    vec![vec![
                        Step::Key("vpc_config"),
                        Step::Index(0),
                        Step::Key("security_group_ids"),
                    ]],
                ),
                "aws_eks_cluster" => (
                    vec![vec![
                        Step::Key("vpc_config"),
                        Step::Index(0),
                        Step::Key("subnet_ids"),
                    ]],
                    vec![vec![
                        Step::Key("vpc_config"),
                        Step::Index(0),
                        Step::Key("security_group_ids"),
                    ]],
                ),
                "aws_eks_node_group" => (vec![vec![Step::Key("subnet_ids")]], vec![]),
                "aws_lb" => (
                    vec![vec![Step::Key("subnets")]],
                    vec![vec![Step::Key("security_groups")]],
                ),
                "aws_db_instance" => (vec![], vec![vec![Step::Key("vpc_security_group_ids")]]),
                _ => (vec![], vec![]),
            };
        // A workload with no network placement in the plan (a Lambda outside a VPC) is not placed.
        for path in &subnet_paths {
            if !matches!(r.values.get(path), Fact::Absent) || self.plan.expr_of(id, path).is_some()
            {
                self.place(id, node, path);
            }
        }
        if r.rtype() == "aws_db_instance" {
            self.db_subnets(id, node);
        }
        for path in &sg_paths {
            let (groups, complete) = self.many(id, path, SECURITY_GROUP);
            self.link_all(node, EdgeKind::SecurityGroup, groups, complete);
        }
    }

    /// An RDS instance is placed in the subnets of its DB subnet group.
    fn db_subnets(&mut self, id: ResId, node: NodeRef) {
        let group = match self.resolver.resolve_one(
            id,
            &[Step::Key("db_subnet_group_name")],
            &["aws_db_subnet_group"],
        ) {
            Resolution::Known(links) => match links[0].target {
                Target::Resource(g) => Some(g),
                _ => None,
            },
            _ => None,
        };
        let Some(group) = group else {
            return;
        };
        let (subnets, complete) = self.many(group, &[Step::Key("subnet_ids")], SUBNET);
        self.link_all(node, EdgeKind::Placement, subnets, complete);
    }
}

/// The destination of a route from whichever of the destination fields is set.
fn route_destination(
    values: &crate::value::Values,
    base: &[Step<'_>],
    fields: &[&str; 3],
) -> Fact<Destination> {
    let mut any_unknown = false;
    for (i, field) in fields.iter().enumerate() {
        let mut path = base.to_vec();
        path.push(Step::Key(field));
        match values.str_at(&path) {
            Fact::Known(v) => {
                let v = v.to_string();
                return Fact::Known(match i {
                    0 => Destination::Ipv4(v),
                    1 => Destination::Ipv6(v),
                    _ => Destination::PrefixList(v),
                });
            }
            Fact::Unknown => any_unknown = true,
            Fact::Absent => {}
        }
    }
    if any_unknown {
        Fact::Unknown
    } else {
        Fact::Absent
    }
}
