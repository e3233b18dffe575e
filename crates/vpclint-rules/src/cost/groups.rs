//! The plan's networks, one per VPC: subnets, route tables, gateways and endpoints grouped by the
//! VPC they belong to.
//!
//! A node whose `vpc_id` is unknown until apply (every resource of the community VPC module, whose
//! `vpc_id` is `local.vpc_id`) still belongs with the nodes it is joined to, because AWS only joins
//! resources of one VPC: a subnet and its route table, a route table and the NAT gateway or internet
//! gateway it routes to, a NAT gateway or endpoint and its subnets, a Gateway endpoint and its route
//! tables. Such a group without a known VPC is shown as one network whose VPC is unknown; it is
//! never attached to a VPC by guess.

use std::collections::BTreeMap;

use vpclint_plan::network::{Network, NodeKind, NodeRef, RouteTarget};
use vpclint_plan::value::Fact;

use crate::facts;

/// The nodes of one VPC (or of one group whose VPC is unknown), each list in address order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VpcGroup {
    /// The VPC node; `None` when no member's VPC is known.
    pub vpc: Option<NodeRef>,
    pub subnets: Vec<NodeRef>,
    pub route_tables: Vec<NodeRef>,
    pub nat_gateways: Vec<NodeRef>,
    /// Internet gateways and egress-only internet gateways.
    pub internet_gateways: Vec<NodeRef>,
    pub endpoints: Vec<NodeRef>,
}

impl VpcGroup {
    /// The VPC's address, or for a group of unknown VPC the first member's.
    pub fn key(&self, network: &Network<'_>) -> String {
        match self.vpc {
            Some(v) => network.address(v),
            None => self
                .members()
                .map(|n| network.address(n))
                .min()
                .unwrap_or_default(),
        }
    }

    /// `module.network.aws_vpc.this`, or `VPC unknown until apply (module.vpc.aws_subnet.private[0], …)`.
    pub fn label(&self, network: &Network<'_>) -> String {
        match self.vpc {
            Some(v) => network.address(v),
            None => {
                let first = self
                    .subnets
                    .first()
                    .or(self.route_tables.first())
                    .or(self.nat_gateways.first())
                    .or(self.endpoints.first())
                    .or(self.internet_gateways.first());
                match first {
                    Some(n) => format!(
                        "VPC unknown until apply (the VPC of {})",
                        network.address(*n)
                    ),
                    None => "VPC unknown until apply".to_string(),
                }
            }
        }
    }

    /// Every member, the VPC first.
    pub fn members(&self) -> impl Iterator<Item = NodeRef> + '_ {
        self.vpc
            .iter()
            .chain(&self.subnets)
            .chain(&self.route_tables)
            .chain(&self.nat_gateways)
            .chain(&self.internet_gateways)
            .chain(&self.endpoints)
            .copied()
    }

    pub fn contains(&self, node: NodeRef) -> bool {
        self.members().any(|n| n == node)
    }

    /// The region of the VPC, or of its first member that has one.
    pub fn region(&self, network: &Network<'_>) -> Option<String> {
        self.members().find_map(|n| facts::region(network, n))
    }

    /// Whether `selector` names this group: its VPC's address or any member's.
    pub fn is_named(&self, network: &Network<'_>, selector: &str) -> bool {
        self.members().any(|n| network.address(n) == selector)
    }
}

/// The kinds that make up a network picture and a cost report.
const GROUPED: &[NodeKind] = &[
    NodeKind::Vpc,
    NodeKind::Subnet,
    NodeKind::RouteTable,
    NodeKind::NatGateway,
    NodeKind::InternetGateway,
    NodeKind::EgressOnlyInternetGateway,
    NodeKind::VpcEndpoint,
];

struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn find(&mut self, i: usize) -> usize {
        let mut root = i;
        while self.parent[root] != root {
            root = self.parent[root];
        }
        let mut i = i;
        while self.parent[i] != root {
            let next = self.parent[i];
            self.parent[i] = root;
            i = next;
        }
        root
    }

    fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            // The smaller index (earlier address) stays root: deterministic.
            let (root, child) = if a < b { (a, b) } else { (b, a) };
            self.parent[child] = root;
        }
    }
}

/// The networks of a plan: groups with a known VPC in VPC address order, then groups of unknown
/// VPC in the order of their first member's address.
pub fn vpc_groups(network: &Network<'_>) -> Vec<VpcGroup> {
    let mut nodes: Vec<(String, NodeRef, NodeKind)> = network
        .all_nodes()
        .into_iter()
        .filter(|(_, k)| GROUPED.contains(k))
        .map(|(n, k)| (network.address(n), n, k))
        .collect();
    nodes.sort_by(|a, b| a.0.cmp(&b.0));
    let index: BTreeMap<NodeRef, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, (_, n, _))| (*n, i))
        .collect();
    let mut uf = UnionFind {
        parent: (0..nodes.len()).collect(),
    };
    let join = |uf: &mut UnionFind, a: NodeRef, b: NodeRef| {
        if let (Some(&i), Some(&j)) = (index.get(&a), index.get(&b)) {
            uf.union(i, j);
        }
    };
    for (_, node, kind) in &nodes {
        if let Fact::Known(v) = network.vpc_of(*node) {
            join(&mut uf, *node, v);
        }
        match kind {
            NodeKind::Subnet => {
                if let Fact::Known(t) = network.route_table_of(*node) {
                    join(&mut uf, *node, t);
                }
            }
            NodeKind::NatGateway | NodeKind::VpcEndpoint => {
                for s in network.placement(*node).nodes {
                    join(&mut uf, *node, s);
                }
                for t in network.endpoint_route_tables(*node).nodes {
                    join(&mut uf, *node, t);
                }
            }
            _ => {}
        }
    }
    for route in network.all_routes() {
        if let Fact::Known(RouteTarget::Node(target)) = &route.target {
            // Only targets that must be in the table's own VPC.
            if matches!(
                network.kind(*target),
                Some(
                    NodeKind::NatGateway
                        | NodeKind::InternetGateway
                        | NodeKind::EgressOnlyInternetGateway
                )
            ) {
                join(&mut uf, route.table, *target);
            }
        }
    }
    let mut components: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..nodes.len() {
        let root = uf.find(i);
        components.entry(root).or_default().push(i);
    }
    let mut groups = Vec::new();
    for members in components.values() {
        let vpcs: Vec<NodeRef> = members
            .iter()
            .filter(|&&i| nodes[i].2 == NodeKind::Vpc)
            .map(|&i| nodes[i].1)
            .collect();
        if vpcs.len() <= 1 {
            groups.push(group(
                vpcs.first().copied(),
                members.iter().map(|&i| &nodes[i]),
            ));
        } else {
            // Joined across VPCs (a plan AWS would reject): each node to its own VPC, the rest
            // together as unknown.
            for v in &vpcs {
                groups.push(group(
                    Some(*v),
                    members
                        .iter()
                        .map(|&i| &nodes[i])
                        .filter(|(_, n, _)| network.vpc_of(*n) == Fact::Known(*v)),
                ));
            }
            let rest: Vec<_> = members
                .iter()
                .map(|&i| &nodes[i])
                .filter(|(_, n, _)| !matches!(network.vpc_of(*n), Fact::Known(_)))
                .collect();
            if !rest.is_empty() {
                groups.push(group(None, rest.into_iter()));
            }
        }
    }
    groups.sort_by_key(|g| (g.vpc.is_none(), g.key(network)));
    groups
}

fn group<'a>(
    vpc: Option<NodeRef>,
    members: impl Iterator<Item = &'a (String, NodeRef, NodeKind)>,
) -> VpcGroup {
    let mut g = VpcGroup {
        vpc,
        subnets: Vec::new(),
        route_tables: Vec::new(),
        nat_gateways: Vec::new(),
        internet_gateways: Vec::new(),
        endpoints: Vec::new(),
    };
    // `members` come in address order.
    for (_, node, kind) in members {
        match kind {
            NodeKind::Subnet => g.subnets.push(*node),
            NodeKind::RouteTable => g.route_tables.push(*node),
            NodeKind::NatGateway => g.nat_gateways.push(*node),
            NodeKind::InternetGateway | NodeKind::EgressOnlyInternetGateway => {
                g.internet_gateways.push(*node)
            }
            NodeKind::VpcEndpoint => g.endpoints.push(*node),
            _ => {}
        }
    }
    g
}
