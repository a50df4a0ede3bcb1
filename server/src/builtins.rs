//! Commands answered inside the daemon: `authcheck`,
//! `noderange` and `extnoderange`, each one document with `serverdone`.

use crate::reply::Tail;
use crate::state::Shared;
use xcat_proto::{Request, Response, Value};

/// The commands answered here (the README command map lists them).
pub const COMMANDS: &[&str] = &["authcheck", "noderange", "extnoderange"];

pub fn authcheck(peer_name: Option<&str>) -> Tail {
    let doc = match peer_name {
        Some(n) => Response::new().set("username", n).data("Authenticated"),
        None => Response::new().data("Unauthenticated"),
    };
    let mut tail = Tail::with(doc);
    tail.transid = false;
    tail
}

fn node_list(nodes: &[String]) -> Vec<Value> {
    nodes.iter().map(|n| Value::text(n.as_str())).collect()
}

pub fn noderange(shared: &Shared, req: &Request, privileged: bool) -> Tail {
    let range = req.noderange().unwrap_or("");
    let mut doc = Response::new();
    let opts = crate::noderange_bridge::range_opts(req, privileged);
    match shared.store.inner().expand_with(range, &opts) {
        Ok(exp) => {
            if !exp.missing.is_empty() {
                doc = doc.set(
                    "warning",
                    format!("Invalid nodes in noderange:{}", exp.missing.join(",")),
                );
            }
            if !exp.nodes.is_empty() {
                doc.map.insert("node".into(), node_list(&exp.nodes));
            }
        }
        Err(e) => doc = doc.error(format!("noderange: {e}")),
    }
    Tail::with(doc)
}

/// `node` list, plus `intersectinggroups` (sorted) when an argument contains
/// `subgroups`: the groups that hold at least one of the nodes.
pub fn extnoderange(shared: &Shared, req: &Request, privileged: bool) -> Tail {
    let range = req.noderange().unwrap_or("");
    let subgroups = req.args().iter().any(|a| a.contains("subgroups"));
    let mut doc = Response::new();
    let opts = crate::noderange_bridge::range_opts(req, privileged);
    match shared.store.inner().expand_with(range, &opts) {
        Ok(exp) => {
            if !exp.nodes.is_empty() {
                doc.map.insert("node".into(), node_list(&exp.nodes));
            }
            if subgroups {
                match shared.store.inner().groups_of(&exp.nodes) {
                    Ok(groups) if !groups.is_empty() => {
                        doc.map
                            .insert("intersectinggroups".into(), node_list(&groups));
                    }
                    Ok(_) => {}
                    Err(e) => doc = doc.error(format!("extnoderange: {e}")),
                }
            }
        }
        Err(e) => doc = doc.error(format!("extnoderange: {e}")),
    }
    let mut tail = Tail::with(doc);
    tail.transid = false;
    tail
}
