//! `vpclint graph --format mermaid|dot`: a picture of the network.
//!
//! VPCs are boxes, with one box per Availability Zone for its subnets (and the zonal NAT gateways
//! placed in them); route tables, internet gateways and endpoints sit in the VPC's box. Edges
//! follow egress: subnet to its route table, route table to each route's target labelled with the
//! route's destination, a Gateway endpoint from the tables it serves labelled with its service, a
//! NAT gateway or an Interface endpoint to the subnets it is placed in. A resource with findings is
//! highlighted and names their rule ids. A group of resources whose VPC is unknown until apply is a
//! box of its own.
//!
//! Mermaid renders in GitHub comments and Markdown; DOT renders with Graphviz (`dot -Tsvg`).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use vpclint_plan::network::{Network, NodeKind, NodeRef, RouteTarget, TargetKind};
use vpclint_plan::query::{EndpointType, SubnetClass};
use vpclint_plan::value::Fact;
use vpclint_rules::cost::{compact, vpc_groups, VpcGroup};
use vpclint_rules::Finding;

/// What to draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PictureOptions {
    /// Only this VPC: its address, or the address of any resource in it (which also selects a
    /// group whose VPC is unknown until apply).
    pub vpc: Option<String>,
    /// One node for the subnets of an AZ that share a route table and host the same NAT gateways
    /// and endpoints.
    pub collapse: bool,
}

impl Default for PictureOptions {
    fn default() -> Self {
        PictureOptions {
            vpc: None,
            collapse: true,
        }
    }
}

/// A picture that cannot be drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PictureError {
    /// `--vpc` names no VPC or resource of one; `vpcs` lists the VPCs there are.
    NoSuchVpc { vpc: String, vpcs: Vec<String> },
}

impl fmt::Display for PictureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PictureError::NoSuchVpc { vpc, vpcs } => {
                write!(f, "no VPC {vpc:?} in the plan")?;
                if !vpcs.is_empty() {
                    write!(f, " (VPCs: {})", vpcs.join(", "))?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for PictureError {}

/// The network as a Mermaid flowchart.
pub fn mermaid(
    network: &Network<'_>,
    findings: &[Finding],
    options: &PictureOptions,
) -> Result<String, PictureError> {
    let picture = Picture::build(network, findings, options)?;
    Ok(picture.mermaid())
}

/// The network as a Graphviz DOT digraph.
pub fn dot(
    network: &Network<'_>,
    findings: &[Finding],
    options: &PictureOptions,
) -> Result<String, PictureError> {
    let picture = Picture::build(network, findings, options)?;
    Ok(picture.dot())
}

// ---------------------------------------------------------------------------------------------
// The picture, independent of the format.
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    Subnet,
    RouteTable,
    Nat,
    Gateway,
    Endpoint,
    Vpc,
    Outside,
}

#[derive(Debug, Clone)]
struct PNode {
    id: String,
    shape: Shape,
    lines: Vec<String>,
    rules: BTreeSet<&'static str>,
    unknown: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Solid,
    Dotted,
}

#[derive(Debug, Clone)]
struct PEdge {
    from: String,
    to: String,
    label: Option<String>,
    style: Style,
}

#[derive(Debug, Clone)]
struct PZone {
    id: String,
    label: String,
    nodes: Vec<PNode>,
}

#[derive(Debug, Clone)]
struct PGroup {
    id: String,
    label: String,
    zones: Vec<PZone>,
    nodes: Vec<PNode>,
}

impl PGroup {
    /// The lone node of a VPC with nothing known to be in it, drawn without a box.
    fn only(&self) -> Option<&PNode> {
        match (self.zones.is_empty(), self.nodes.as_slice()) {
            (true, [n]) if n.shape == Shape::Vpc => Some(n),
            _ => None,
        }
    }
}

struct Picture {
    groups: Vec<PGroup>,
    /// Nodes outside every VPC: transit gateways, peering connections, targets outside the plan.
    outside: Vec<PNode>,
    edges: Vec<PEdge>,
    /// Findings on resources the picture does not draw.
    undrawn: Vec<String>,
}

struct Builder<'a, 'p> {
    network: &'a Network<'p>,
    rules: BTreeMap<&'a str, BTreeSet<&'static str>>,
    /// Drawn node of each network node.
    ids: BTreeMap<NodeRef, String>,
    next: usize,
    outside: Vec<PNode>,
    outside_ids: BTreeMap<String, String>,
    edges: Vec<PEdge>,
}

impl<'a, 'p> Builder<'a, 'p> {
    fn id(&mut self) -> String {
        let id = format!("n{}", self.next);
        self.next += 1;
        id
    }

    fn node(&mut self, nodes: &[NodeRef], shape: Shape, lines: Vec<String>) -> PNode {
        let id = self.id();
        let mut rules = BTreeSet::new();
        for n in nodes {
            self.ids.insert(*n, id.clone());
            if let Some(r) = self.rules.get(self.network.address(*n).as_str()) {
                rules.extend(r.iter().copied());
            }
        }
        PNode {
            id,
            shape,
            lines,
            rules,
            unknown: false,
        }
    }

    /// A node outside the VPCs, made once per key.
    fn outside(&mut self, key: String, lines: Vec<String>, unknown: bool) -> String {
        if let Some(id) = self.outside_ids.get(&key) {
            return id.clone();
        }
        let id = self.id();
        self.outside.push(PNode {
            id: id.clone(),
            shape: Shape::Outside,
            lines,
            rules: BTreeSet::new(),
            unknown,
        });
        self.outside_ids.insert(key, id.clone());
        id
    }

    fn edge(&mut self, from: &str, to: &str, label: Option<String>, style: Style) {
        let e = PEdge {
            from: from.to_string(),
            to: to.to_string(),
            label,
            style,
        };
        if !self
            .edges
            .iter()
            .any(|x| x.from == e.from && x.to == e.to && x.label == e.label)
        {
            self.edges.push(e);
        }
    }
}

fn class_text(class: Fact<SubnetClass>) -> &'static str {
    match class {
        Fact::Known(SubnetClass::Public) => "public",
        Fact::Known(SubnetClass::NatRouted) => "NAT-routed",
        Fact::Known(SubnetClass::Isolated) => "isolated",
        Fact::Known(SubnetClass::Other) => "routed elsewhere",
        _ => "class unknown",
    }
}

fn target_text(kind: TargetKind) -> &'static str {
    kind.as_str()
}

impl Picture {
    fn build(
        network: &Network<'_>,
        findings: &[Finding],
        options: &PictureOptions,
    ) -> Result<Picture, PictureError> {
        let all = vpc_groups(network);
        let groups: Vec<&VpcGroup> = match &options.vpc {
            None => all.iter().collect(),
            Some(selector) => {
                let chosen: Vec<&VpcGroup> = all
                    .iter()
                    .filter(|g| g.is_named(network, selector))
                    .collect();
                if chosen.is_empty() {
                    return Err(PictureError::NoSuchVpc {
                        vpc: selector.clone(),
                        vpcs: all
                            .iter()
                            .filter_map(|g| g.vpc.map(|v| network.address(v)))
                            .collect(),
                    });
                }
                chosen
            }
        };
        let mut rules: BTreeMap<&str, BTreeSet<&'static str>> = BTreeMap::new();
        for f in findings {
            rules.entry(f.address.as_str()).or_default().insert(f.rule);
        }
        let mut b = Builder {
            network,
            rules,
            ids: BTreeMap::new(),
            next: 0,
            outside: Vec::new(),
            outside_ids: BTreeMap::new(),
            edges: Vec::new(),
        };
        let mut pgroups = Vec::new();
        for (gi, g) in groups.iter().enumerate() {
            pgroups.push(group(&mut b, gi, g, options));
        }
        for g in &groups {
            group_edges(&mut b, g);
        }
        let drawn: BTreeSet<String> = b.ids.keys().map(|n| network.address(*n)).collect();
        let mut undrawn: Vec<String> = findings
            .iter()
            .filter(|f| !drawn.contains(&f.address))
            .filter(|f| {
                // Only findings of the VPCs drawn, when one was picked.
                options.vpc.is_none() || f.related.iter().any(|r| drawn.contains(&r.address))
            })
            .map(|f| format!("{} {}", f.rule, f.address))
            .collect();
        undrawn.sort();
        undrawn.dedup();
        Ok(Picture {
            groups: pgroups,
            outside: b.outside,
            edges: b.edges,
            undrawn,
        })
    }
}

/// The boxes and nodes of one VPC.
fn group(b: &mut Builder<'_, '_>, gi: usize, g: &VpcGroup, options: &PictureOptions) -> PGroup {
    let network = b.network;
    let region = g.region(network);
    let label = match region {
        Some(r) => format!("{} ({r})", vpc_label(network, g)),
        None => vpc_label(network, g),
    };
    let mut out = PGroup {
        id: format!("vpc{gi}"),
        label,
        zones: Vec::new(),
        nodes: Vec::new(),
    };
    if let Some(v) = g.vpc {
        // The VPC itself carries findings (N006); it is the box, so its rules go on the label.
        if let Some(rules) = b.rules.get(network.address(v).as_str()) {
            out.label.push_str(&format!(
                " ⚠ {}",
                rules.iter().copied().collect::<Vec<_>>().join(", ")
            ));
        }
        let id = format!("vpc{gi}");
        b.ids.insert(v, id);
    }
    // What is placed in each subnet (for collapsing, and to draw zonal NAT gateways in its AZ).
    let mut placed_in: BTreeMap<NodeRef, Vec<NodeRef>> = BTreeMap::new();
    for n in g.nat_gateways.iter().chain(&g.endpoints) {
        for s in network.placement(*n).nodes {
            placed_in.entry(s).or_default().push(*n);
        }
    }
    // Subnets by AZ, collapsed by (route table, what is placed in them).
    let mut zones: BTreeMap<Option<String>, Vec<NodeRef>> = BTreeMap::new();
    for s in &g.subnets {
        zones
            .entry(network.availability_zone(*s).known())
            .or_default()
            .push(*s);
    }
    let mut zone_of_subnet: BTreeMap<NodeRef, usize> = BTreeMap::new();
    for (zi, (zone, subnets)) in zones.iter().enumerate() {
        let mut pzone = PZone {
            id: format!("vpc{gi}az{zi}"),
            label: zone.clone().unwrap_or_else(|| "AZ unknown".to_string()),
            nodes: Vec::new(),
        };
        let mut buckets: Vec<(String, Vec<NodeRef>)> = Vec::new();
        for s in subnets {
            zone_of_subnet.insert(*s, zi);
            let key = format!(
                "{:?}|{:?}",
                network
                    .route_table_of(*s)
                    .known()
                    .map(|t| network.address(t)),
                placed_in
                    .get(s)
                    .map(|v| v.iter().map(|n| network.address(*n)).collect::<Vec<_>>())
            );
            match buckets
                .iter_mut()
                .find(|(k, _)| options.collapse && *k == key)
            {
                Some((_, members)) => members.push(*s),
                None => buckets.push((key, vec![*s])),
            }
        }
        for (_, members) in buckets {
            let addresses: Vec<String> = members.iter().map(|s| network.address(*s)).collect();
            let class = class_text(network.subnet_class(members[0]));
            let second = if members.len() > 1 {
                format!("{} subnets, {class}", members.len())
            } else {
                let cidr = network
                    .resource(members[0])
                    .and_then(|r| r.values.str("cidr_block").known().map(str::to_string));
                match cidr {
                    Some(c) => format!("subnet {c}, {class}"),
                    None => format!("subnet, {class}"),
                }
            };
            let node = b.node(&members, Shape::Subnet, vec![compact(&addresses), second]);
            pzone.nodes.push(node);
        }
        out.zones.push(pzone);
    }
    // Zonal NAT gateways in the AZ box of their subnet; the rest in the VPC box.
    for nat in &g.nat_gateways {
        let private = match network.nat_is_private(*nat) {
            Fact::Known(true) => "private",
            Fact::Known(false) => "public",
            _ => "connectivity unknown",
        };
        let mode = match network.nat_is_regional(*nat) {
            Fact::Known(true) => "regional",
            Fact::Known(false) => "zonal",
            _ => "mode unknown",
        };
        let node = b.node(
            &[*nat],
            Shape::Nat,
            vec![
                network.address(*nat),
                format!("NAT gateway, {private}, {mode}"),
            ],
        );
        let zone = network
            .nat_subnet(*nat)
            .known()
            .and_then(|s| zone_of_subnet.get(&s).copied());
        match zone {
            Some(zi) if mode == "zonal" => out.zones[zi].nodes.push(node),
            _ => out.nodes.push(node),
        }
    }
    for t in &g.route_tables {
        let served = network.subnets_served(*t);
        let routes = network.routes_of(*t);
        if served.nodes.is_empty() && routes.routes.is_empty() {
            // A main table no subnet uses and that routes nowhere: nothing to show.
            continue;
        }
        let main =
            network.vpc_of(*t).known().map(|v| network.main_table(v)) == Some(Fact::Known(*t));
        let node = b.node(
            &[*t],
            Shape::RouteTable,
            vec![
                network.address(*t),
                if main {
                    "main route table"
                } else {
                    "route table"
                }
                .to_string(),
            ],
        );
        out.nodes.push(node);
    }
    for gw in &g.internet_gateways {
        let what = if network.kind(*gw) == Some(NodeKind::EgressOnlyInternetGateway) {
            "egress-only internet gateway"
        } else {
            "internet gateway"
        };
        let node = b.node(
            &[*gw],
            Shape::Gateway,
            vec![network.address(*gw), what.to_string()],
        );
        out.nodes.push(node);
    }
    for e in &g.endpoints {
        let ep = network.endpoint(*e);
        let service = match ep.service() {
            Fact::Known(s) if !s.is_empty() => s,
            Fact::Known(_) => "endpoint service".to_string(),
            _ => "service unknown".to_string(),
        };
        let second = match ep.endpoint_type {
            Fact::Known(EndpointType::Gateway) => format!("Gateway endpoint: {service}"),
            Fact::Known(EndpointType::Interface) => {
                let dns = match ep.private_dns {
                    Fact::Known(true) => "private DNS on",
                    Fact::Known(false) => "private DNS off",
                    _ => "private DNS unknown",
                };
                format!("Interface endpoint: {service}, {dns}")
            }
            Fact::Known(EndpointType::GatewayLoadBalancer) => {
                format!("GWLB endpoint: {service}")
            }
            _ => format!("endpoint: {service}"),
        };
        let node = b.node(&[*e], Shape::Endpoint, vec![network.address(*e), second]);
        out.nodes.push(node);
    }
    if out.zones.is_empty() && out.nodes.is_empty() {
        let mut lines = vec![vpc_label(network, g)];
        lines.push("no subnets known to be in this VPC".to_string());
        let mut node = PNode {
            id: format!("vpc{gi}only"),
            shape: Shape::Vpc,
            lines,
            rules: BTreeSet::new(),
            unknown: false,
        };
        if let Some(v) = g.vpc {
            if let Some(rules) = b.rules.get(network.address(v).as_str()) {
                node.rules.extend(rules.iter().copied());
            }
            b.ids.insert(v, node.id.clone());
        }
        out.nodes.push(node);
    }
    out
}

fn vpc_label(network: &Network<'_>, g: &VpcGroup) -> String {
    match g.vpc {
        Some(v) => format!("VPC {}", network.address(v)),
        None => g.label(network),
    }
}

/// The egress edges of one VPC.
fn group_edges(b: &mut Builder<'_, '_>, g: &VpcGroup) {
    let network = b.network;
    for s in &g.subnets {
        let (Some(from), Fact::Known(t)) = (b.ids.get(s).cloned(), network.route_table_of(*s))
        else {
            continue;
        };
        if let Some(to) = b.ids.get(&t).cloned() {
            b.edge(&from, &to, None, Style::Solid);
        }
    }
    for t in &g.route_tables {
        let Some(from) = b.ids.get(t).cloned() else {
            continue;
        };
        let set = network.routes_of(*t);
        for &i in &set.routes {
            let route = network.route(i);
            let label = match &route.destination {
                Fact::Known(d) => d.text().to_string(),
                _ => "destination unknown".to_string(),
            };
            let to = match &route.target {
                Fact::Known(RouteTarget::Node(n)) => match b.ids.get(n).cloned() {
                    Some(id) => id,
                    None => {
                        let kind = network
                            .kind(*n)
                            .map(|k| k.as_str().replace('_', " "))
                            .unwrap_or_default();
                        b.outside(network.address(*n), vec![network.address(*n), kind], false)
                    }
                },
                Fact::Known(RouteTarget::External(id)) => {
                    let kind = network
                        .target_kind(route)
                        .map(target_text)
                        .unwrap_or("target");
                    b.outside(
                        id.clone(),
                        vec![id.clone(), format!("{kind} outside the plan")],
                        false,
                    )
                }
                Fact::Known(RouteTarget::Local) => continue,
                _ => {
                    let kind = route.target_kind.map(target_text).unwrap_or("route target");
                    b.outside(
                        format!("unknown {kind}"),
                        vec![format!("{kind}"), "unknown until apply".to_string()],
                        true,
                    )
                }
            };
            b.edge(&from, &to, Some(label), Style::Solid);
        }
        if !set.complete {
            let to = b.outside(
                "unknown routes".to_string(),
                vec!["more routes".to_string(), "unknown until apply".to_string()],
                true,
            );
            b.edge(&from, &to, Some("?".to_string()), Style::Dotted);
        }
    }
    for e in &g.endpoints {
        let Some(id) = b.ids.get(e).cloned() else {
            continue;
        };
        let ep = network.endpoint(*e);
        let service = ep.service().known().unwrap_or_default();
        for t in network.endpoint_route_tables(*e).nodes {
            if let Some(from) = b.ids.get(&t).cloned() {
                let label = if service.is_empty() {
                    "prefix list".to_string()
                } else {
                    format!("{service} prefix list")
                };
                b.edge(&from, &id, Some(label), Style::Solid);
            }
        }
        for s in network.placement(*e).nodes {
            if let Some(to) = b.ids.get(&s).cloned() {
                b.edge(&id, &to, Some("ENI".to_string()), Style::Dotted);
            }
        }
    }
    for nat in &g.nat_gateways {
        let Some(id) = b.ids.get(nat).cloned() else {
            continue;
        };
        for s in network.placement(*nat).nodes {
            if let Some(to) = b.ids.get(&s).cloned() {
                b.edge(&id, &to, Some("in".to_string()), Style::Dotted);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Mermaid.
// ---------------------------------------------------------------------------------------------

fn mermaid_text(text: &str) -> String {
    text.replace('&', "#amp;")
        .replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
}

fn mermaid_label(node: &PNode) -> String {
    let mut lines: Vec<String> = node.lines.iter().map(|l| mermaid_text(l)).collect();
    if !node.rules.is_empty() {
        lines.push(format!(
            "⚠ {}",
            node.rules.iter().copied().collect::<Vec<_>>().join(", ")
        ));
    }
    lines.join("<br/>")
}

fn mermaid_node(out: &mut String, indent: &str, node: &PNode) {
    let label = mermaid_label(node);
    let (open, close) = match node.shape {
        Shape::Subnet => ("[\"", "\"]"),
        Shape::RouteTable => ("[[\"", "\"]]"),
        Shape::Nat => ("{{\"", "\"}}"),
        Shape::Gateway => ("[/\"", "\"\\]"),
        Shape::Endpoint => ("([\"", "\"])"),
        Shape::Vpc => ("[\"", "\"]"),
        Shape::Outside => (">\"", "\"]"),
    };
    out.push_str(&format!("{indent}{}{open}{label}{close}\n", node.id));
}

impl Picture {
    fn mermaid(&self) -> String {
        let mut out = String::from("flowchart LR\n");
        for g in &self.groups {
            if let Some(only) = g.only() {
                mermaid_node(&mut out, "  ", only);
                continue;
            }
            out.push_str(&format!(
                "  subgraph {}[\"{}\"]\n",
                g.id,
                mermaid_text(&g.label)
            ));
            for z in &g.zones {
                out.push_str(&format!(
                    "    subgraph {}[\"{}\"]\n",
                    z.id,
                    mermaid_text(&z.label)
                ));
                for n in &z.nodes {
                    mermaid_node(&mut out, "      ", n);
                }
                out.push_str("    end\n");
            }
            for n in &g.nodes {
                mermaid_node(&mut out, "    ", n);
            }
            out.push_str("  end\n");
        }
        for n in &self.outside {
            mermaid_node(&mut out, "  ", n);
        }
        for e in &self.edges {
            let arrow = match e.style {
                Style::Solid => "-->",
                Style::Dotted => "-.->",
            };
            match &e.label {
                Some(l) => out.push_str(&format!(
                    "  {} {arrow}|\"{}\"| {}\n",
                    e.from,
                    mermaid_text(l),
                    e.to
                )),
                None => out.push_str(&format!("  {} {arrow} {}\n", e.from, e.to)),
            }
        }
        out.push_str("  classDef finding fill:#fde2e1,stroke:#d1242f,stroke-width:2px\n");
        out.push_str("  classDef unknown stroke-dasharray:4 4\n");
        let flagged: Vec<&str> = self
            .nodes()
            .filter(|n| !n.rules.is_empty())
            .map(|n| n.id.as_str())
            .collect();
        if !flagged.is_empty() {
            out.push_str(&format!("  class {} finding\n", flagged.join(",")));
        }
        let unknown: Vec<&str> = self
            .nodes()
            .filter(|n| n.unknown)
            .map(|n| n.id.as_str())
            .collect();
        if !unknown.is_empty() {
            out.push_str(&format!("  class {} unknown\n", unknown.join(",")));
        }
        for u in &self.undrawn {
            out.push_str(&format!("  %% finding on a resource not drawn: {u}\n"));
        }
        out
    }

    fn nodes(&self) -> impl Iterator<Item = &PNode> {
        self.groups
            .iter()
            .flat_map(|g| {
                g.zones
                    .iter()
                    .flat_map(|z| z.nodes.iter())
                    .chain(g.nodes.iter())
            })
            .chain(self.outside.iter())
    }

    // -----------------------------------------------------------------------------------------
    // DOT.
    // -----------------------------------------------------------------------------------------

    fn dot(&self) -> String {
        let mut out = String::from("digraph vpclint {\n");
        out.push_str("  rankdir=LR;\n  compound=true;\n  newrank=true;\n");
        out.push_str(
            "  node [fontname=\"Helvetica\", fontsize=10, shape=box, style=\"rounded\"];\n",
        );
        out.push_str("  edge [fontname=\"Helvetica\", fontsize=9];\n");
        for g in &self.groups {
            if let Some(only) = g.only() {
                dot_node(&mut out, "  ", only);
                continue;
            }
            out.push_str(&format!("  subgraph cluster_{} {{\n", g.id));
            out.push_str(&format!(
                "    label={};\n    style=\"rounded\";\n    color=\"#1f6feb\";\n    fontname=\"Helvetica\";\n",
                dot_string(&g.label)
            ));
            for z in &g.zones {
                out.push_str(&format!("    subgraph cluster_{} {{\n", z.id));
                out.push_str(&format!(
                    "      label={};\n      style=\"dashed\";\n      color=\"#8c959f\";\n",
                    dot_string(&z.label)
                ));
                for n in &z.nodes {
                    dot_node(&mut out, "      ", n);
                }
                out.push_str("    }\n");
            }
            for n in &g.nodes {
                dot_node(&mut out, "    ", n);
            }
            out.push_str("  }\n");
        }
        for n in &self.outside {
            dot_node(&mut out, "  ", n);
        }
        for e in &self.edges {
            let mut attrs = Vec::new();
            if let Some(l) = &e.label {
                attrs.push(format!("label={}", dot_string(l)));
            }
            if e.style == Style::Dotted {
                attrs.push("style=dotted".to_string());
            }
            if attrs.is_empty() {
                out.push_str(&format!("  {} -> {};\n", e.from, e.to));
            } else {
                out.push_str(&format!(
                    "  {} -> {} [{}];\n",
                    e.from,
                    e.to,
                    attrs.join(", ")
                ));
            }
        }
        for u in &self.undrawn {
            out.push_str(&format!("  // finding on a resource not drawn: {u}\n"));
        }
        out.push_str("}\n");
        out
    }
}

fn dot_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

fn dot_node(out: &mut String, indent: &str, node: &PNode) {
    let mut lines = node.lines.clone();
    if !node.rules.is_empty() {
        lines.push(format!(
            "⚠ {}",
            node.rules.iter().copied().collect::<Vec<_>>().join(", ")
        ));
    }
    let label = lines
        .iter()
        .map(|l| l.replace('\\', "\\\\").replace('"', "\\\""))
        .collect::<Vec<_>>()
        .join("\\n");
    let shape = match node.shape {
        Shape::Subnet => "box",
        Shape::RouteTable => "note",
        Shape::Nat => "hexagon",
        Shape::Gateway => "invhouse",
        Shape::Endpoint => "cds",
        Shape::Vpc => "box3d",
        Shape::Outside => "box",
    };
    let mut attrs = vec![format!("label=\"{label}\""), format!("shape={shape}")];
    let mut style = vec!["rounded"];
    if node.rules.is_empty() {
        if node.unknown {
            style.push("dashed");
        }
    } else {
        style.push("filled");
        attrs.push("fillcolor=\"#fde2e1\"".to_string());
        attrs.push("color=\"#d1242f\"".to_string());
        attrs.push("penwidth=2".to_string());
    }
    attrs.push(format!("style=\"{}\"", style.join(",")));
    out.push_str(&format!("{indent}{} [{}];\n", node.id, attrs.join(", ")));
}
