//! Facts several rules share, derived from network queries.

use vpclint_plan::attr_value::AttrValue;
use vpclint_plan::network::{Network, NodeKind, NodeRef};
use vpclint_plan::query::{Endpoint, EndpointType};
use vpclint_plan::value::{Fact, Step, Values};

use crate::prices::UnitPrices;
use crate::RuleOptions;

/// The AWS region of a node (for the synthetic main table, its VPC's).
pub fn region(network: &Network<'_>, node: NodeRef) -> Option<String> {
    let id = match node {
        NodeRef::Resource(id) | NodeRef::MainTable(id) => id,
    };
    network.plan().resources[id].region.clone()
}

/// The region of a node and its unit prices in the table the rules were given (the built-in
/// figures with the user's overrides). `None` when the region is unknown or has no prices; a
/// figure the region lacks is `None` inside.
pub fn prices_at<'o>(
    network: &Network<'_>,
    options: &'o RuleOptions,
    node: NodeRef,
) -> Option<(String, &'o UnitPrices)> {
    let region = region(network, node)?;
    let p = options.prices.region(&region)?;
    Some((region, p))
}

/// Whether the plan uses DynamoDB: a table (resource or data source), a DynamoDB endpoint, or
/// the user said so.
pub fn uses_dynamodb(network: &Network<'_>, options: &RuleOptions) -> bool {
    options.uses_dynamodb
        || network
            .plan()
            .resources
            .iter()
            .any(|r| r.rtype() == "aws_dynamodb_table")
        || network
            .nodes(NodeKind::VpcEndpoint)
            .into_iter()
            .any(|e| network.endpoint(e).service() == Fact::Known("dynamodb".to_string()))
}

/// Whether a VPC has an endpoint that carries `service` for in-VPC clients: a Gateway endpoint, or
/// (when `interface_counts`) an Interface endpoint with private DNS on.
///
/// `Unknown` when an endpoint that might be one has an unknown VPC, type, service or DNS setting.
pub fn has_endpoint_for(
    network: &Network<'_>,
    vpc: Fact<NodeRef>,
    service: &str,
    interface_counts: bool,
) -> Fact<Option<NodeRef>> {
    let endpoint = |node: NodeRef| match network.endpoint_ref(node) {
        Some(e) => std::borrow::Cow::Borrowed(e),
        None => std::borrow::Cow::Owned(network.endpoint(node)),
    };
    let Fact::Known(vpc) = vpc else {
        // The VPC is unknown: any endpoint may be in it, if it is a match at all.
        let any = network
            .nodes_of(NodeKind::VpcEndpoint)
            .iter()
            .any(|n| could_serve(&endpoint(*n), service, interface_counts));
        return if any {
            Fact::Unknown
        } else {
            Fact::Known(None)
        };
    };
    // Endpoints of another known VPC never matter; those of unknown VPC only make it uncertain.
    let mut uncertain = network
        .without_vpc(NodeKind::VpcEndpoint)
        .iter()
        .any(|n| could_serve(&endpoint(*n), service, interface_counts));
    for &node in network.in_vpc_of(vpc, NodeKind::VpcEndpoint) {
        let e = endpoint(node);
        match (e.endpoint_type, e.service()) {
            (Fact::Known(EndpointType::Gateway), Fact::Known(s)) if s == service => {
                return Fact::Known(Some(node))
            }
            (Fact::Known(EndpointType::Interface), Fact::Known(s))
                if s == service && interface_counts =>
            {
                match e.private_dns {
                    Fact::Known(true) => return Fact::Known(Some(node)),
                    Fact::Known(false) => {}
                    _ => uncertain = true,
                }
            }
            (Fact::Known(_), Fact::Known(_)) => {}
            _ => uncertain = true,
        }
    }
    if uncertain {
        Fact::Unknown
    } else {
        Fact::Known(None)
    }
}

fn could_serve(e: &Endpoint, service: &str, interface_counts: bool) -> bool {
    let service_ok = match e.service() {
        Fact::Known(s) => s == service,
        _ => true,
    };
    let type_ok = match e.endpoint_type {
        Fact::Known(EndpointType::Gateway) => true,
        Fact::Known(EndpointType::Interface) => interface_counts,
        Fact::Known(_) => false,
        _ => true,
    };
    service_ok && type_ok
}

/// The distinct, known availability zones of subnets; `None` if any is unknown.
pub fn zones(network: &Network<'_>, subnets: &[NodeRef]) -> Option<Vec<String>> {
    let mut zones = Vec::new();
    for s in subnets {
        match network.availability_zone(*s) {
            Fact::Known(z) => {
                if !zones.contains(&z) {
                    zones.push(z);
                }
            }
            _ => return None,
        }
    }
    zones.sort();
    Some(zones)
}

/// Formats a list of addresses for a message: `a, b and 2 more`.
pub fn list(items: &[String]) -> String {
    match items.len() {
        0 => String::new(),
        1..=3 => items.join(", "),
        n => format!("{} and {} more", items[..2].join(", "), n - 2),
    }
}

/// One security group rule, as far as N011 and S002 need it.
#[derive(Debug, Clone, PartialEq)]
pub struct IngressRule {
    pub protocol: String,
    pub from_port: i64,
    pub to_port: i64,
    pub cidrs: Vec<String>,
}

impl IngressRule {
    /// Whether the rule lets TCP 443 in (from any source).
    pub fn allows_https(&self) -> bool {
        let any = matches!(self.protocol.as_str(), "-1" | "all");
        let tcp = matches!(self.protocol.as_str(), "tcp" | "6");
        any || (tcp && self.from_port <= 443 && 443 <= self.to_port)
    }

    pub fn open_to_world(&self) -> bool {
        self.cidrs.iter().any(|c| c == "0.0.0.0/0" || c == "::/0")
    }
}

/// The ingress rules of a security group: inline `ingress` blocks plus rule resources.
/// `None` when any of them is unknown.
pub fn ingress_rules(network: &Network<'_>, group: NodeRef) -> Option<Vec<IngressRule>> {
    let r = network.resource(group)?;
    let mut rules = Vec::new();
    match r.values.len_at(&[Step::Key("ingress")]) {
        Fact::Known(n) => {
            for i in 0..n {
                let base = [Step::Key("ingress"), Step::Index(i)];
                rules.push(read_rule(
                    &r.values,
                    &base,
                    "protocol",
                    &["cidr_blocks", "ipv6_cidr_blocks"],
                )?);
            }
        }
        Fact::Absent => {}
        Fact::Unknown => {
            if !network.is_unconfigured(group, "ingress") {
                return None;
            }
        }
    }
    if r.is_data() {
        // A data source does not list its rules.
        return None;
    }
    let (rule_ids, complete) = network.rules_of(group);
    if !complete {
        return None;
    }
    for id in rule_ids {
        let rule = &network.plan().resources[id];
        match rule.rtype() {
            "aws_security_group_rule" => match rule.values.str("type") {
                Fact::Known("ingress") => rules.push(read_rule(
                    &rule.values,
                    &[],
                    "protocol",
                    &["cidr_blocks", "ipv6_cidr_blocks"],
                )?),
                Fact::Known(_) => {}
                _ => return None,
            },
            "aws_vpc_security_group_ingress_rule" => rules.push(read_rule(
                &rule.values,
                &[],
                "ip_protocol",
                &["cidr_ipv4", "cidr_ipv6"],
            )?),
            _ => {}
        }
    }
    Some(rules)
}

fn read_rule(
    values: &Values,
    base: &[Step<'_>],
    protocol_key: &str,
    cidr_keys: &[&str],
) -> Option<IngressRule> {
    let at = |key: &'static str| {
        let mut p = base.to_vec();
        p.push(Step::Key(key));
        p
    };
    let mut p = base.to_vec();
    p.push(Step::Key(protocol_key));
    let protocol = match values.get(&p) {
        Fact::Known(AttrValue::String(s)) => s.to_lowercase(),
        Fact::Known(AttrValue::Number(n)) => n.to_string(),
        _ => return None,
    };
    let port = |key: &'static str| match values.i64_at(&at(key)) {
        Fact::Known(v) => Some(v),
        // `ip_protocol = "-1"` rules have no ports.
        Fact::Absent => Some(if key == "from_port" { 0 } else { 65535 }),
        Fact::Unknown => None,
    };
    let (from_port, to_port) = (port("from_port")?, port("to_port")?);
    let mut cidrs = Vec::new();
    for key in cidr_keys {
        let mut p = base.to_vec();
        p.push(Step::Key(key));
        match values.get(&p) {
            Fact::Known(AttrValue::String(c)) => cidrs.push(c.to_string()),
            Fact::Known(AttrValue::Array(_)) => match values.str_list_at(&p) {
                Fact::Known(items) => {
                    for item in items {
                        match item {
                            Fact::Known(c) => cidrs.push(c.to_string()),
                            Fact::Absent => {}
                            Fact::Unknown => return None,
                        }
                    }
                }
                _ => return None,
            },
            Fact::Known(_) | Fact::Absent => {}
            Fact::Unknown => return None,
        }
    }
    Some(IngressRule {
        protocol,
        from_port,
        to_port,
        cidrs,
    })
}

/// An HCL string literal.
pub fn hcl_str(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}
