//! The graph as JSON (`vpclint graph --format json`), the contract documented in `docs/graph.md`.

use serde_json::{json, Map, Value};

use crate::network::Network;

/// The nodes, edges and unresolved attributes of a network, sorted for byte-identical output.
pub fn graph_json(network: &Network<'_>) -> Value {
    let nodes: Vec<Value> = network
        .all_nodes()
        .into_iter()
        .map(|(node, kind)| json!({"id": network.address(node), "kind": kind.as_str()}))
        .collect();
    let edges: Vec<Value> = network
        .edges()
        .into_iter()
        .map(|(from, to, data)| {
            let mut edge = Map::new();
            edge.insert("from".into(), network.address(from).into());
            edge.insert("to".into(), network.address(to).into());
            edge.insert("kind".into(), data.kind.as_str().into());
            edge.insert("resolved_by".into(), data.by.as_str().into());
            if let Some(d) = &data.destination {
                edge.insert("destination".into(), d.clone().into());
            }
            if let Some(via) = data.via {
                edge.insert(
                    "via".into(),
                    network.plan().resources[via].id.clone().into(),
                );
            }
            Value::Object(edge)
        })
        .collect();
    let unknown: Vec<Value> = network
        .unknown()
        .iter()
        .map(|u| json!({"address": u.address, "attribute": u.attribute, "reason": u.reason}))
        .collect();
    json!({"nodes": nodes, "edges": edges, "unknown": unknown})
}
