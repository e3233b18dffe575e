//! The graph as JSON (`vpclint graph --format json`), the contract documented in `docs/graph.md`.

use serde::Serialize;

use crate::network::Network;

/// The graph document. Structs rather than `serde_json` maps: their members are written in the
/// order declared here, which a `serde_json::Map` (sorted by key) would not keep.
#[derive(Debug, Serialize)]
pub struct GraphJson {
    pub nodes: Vec<NodeJson>,
    pub edges: Vec<EdgeJson>,
    pub unknown: Vec<UnknownJson>,
}

#[derive(Debug, Serialize)]
pub struct NodeJson {
    pub id: String,
    pub kind: &'static str,
}

#[derive(Debug, Serialize)]
pub struct EdgeJson {
    pub from: String,
    pub to: String,
    pub kind: &'static str,
    pub resolved_by: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct UnknownJson {
    pub address: String,
    pub attribute: String,
    pub reason: String,
}

/// The nodes, edges and unresolved attributes of a network, sorted for byte-identical output.
pub fn graph_json(network: &Network<'_>) -> GraphJson {
    let nodes = network
        .all_nodes()
        .into_iter()
        .map(|(node, kind)| NodeJson {
            id: network.address(node),
            kind: kind.as_str(),
        })
        .collect();
    let edges = network
        .edges()
        .into_iter()
        .map(|(from, to, data)| EdgeJson {
            from: network.address(from),
            to: network.address(to),
            kind: data.kind.as_str(),
            resolved_by: data.by.as_str(),
            destination: data.destination.clone(),
            via: data.via.map(|via| network.plan().resources[via].id.clone()),
        })
        .collect();
    let unknown = network
        .unknown()
        .iter()
        .map(|u| UnknownJson {
            address: u.address.clone(),
            attribute: u.attribute.clone(),
            reason: u.reason.clone(),
        })
        .collect();
    GraphJson {
        nodes,
        edges,
        unknown,
    }
}
