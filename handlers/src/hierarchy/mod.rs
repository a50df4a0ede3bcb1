//! Splitting a request per service node, the two stock styles
//! (perl-xCAT/xCAT/ServiceNodeUtils.pm get_ServiceNode, getSNformattedhash), for handlers' `preprocess`:
//!
//! - **anycast**: one part per `noderes.servicenode` value, its destination
//!   the value itself (`sn1,sn2`: the daemon tries them in order until one
//!   accepts), stock `get_ServiceNode` (`perl-xCAT/xCAT/ServiceNodeUtils.pm:481`);
//! - **per service node** (broadcast): one part per single service node, a
//!   node under each SN the [`SnType`] picks (primary, backup or all), stock
//!   `getSNformattedhash` (`perl-xCAT/xCAT/ServiceNodeUtils.pm:751`).
//!
//! Nodes without a service node go to `site.master` (the management node,
//! which the daemon runs here); when `site.master` is unset they stay local.
//! Groups are in name order (stock: Perl hash order), nodes in request order.

use crate::api::{Ctx, HandlerError, Part};
use std::collections::BTreeMap;
use xcat_proto::Request;
use xcat_schema::db::{Conn, DbError};
use xcat_schema::inherit::{InheritCtx, NodeAttrs};

/// Which column names a node's server (stock's `"MN"` / `"Node"` argument).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnColumn {
    /// `noderes.servicenode`: the servers as the MN sees them.
    ServiceNode,
    /// `noderes.xcatmaster`: the server as the node sees it.
    XcatMaster,
}

impl SnColumn {
    fn name(self) -> &'static str {
        match self {
            SnColumn::ServiceNode => "servicenode",
            SnColumn::XcatMaster => "xcatmaster",
        }
    }
}

/// Which service nodes of a comma list a node goes to (`getSNformattedhash`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnType {
    /// The first name.
    Primary,
    /// The second name; a list with one name keeps it (stock: "if there is no
    /// second name, all names in the key are used").
    Backup,
    /// Every name.
    All,
}

/// How [`split`] cuts a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Anycast,
    PerServiceNode(SnType),
}

/// Raw server value (or `site.master`, or `""` when that is unset too) →
/// the nodes with it, in the order given.  Group inheritance and regex rows
/// apply (stock `get_ServiceNode`).
pub fn service_nodes(
    conn: &mut Conn,
    ctx: &InheritCtx,
    nodes: &[String],
    column: SnColumn,
) -> Result<BTreeMap<String, Vec<String>>, DbError> {
    let master = crate::tables::dbutil::site_value(conn, "master")?.unwrap_or_default();
    let mut attrs = NodeAttrs::load(conn, ctx, "noderes", &[column.name()])?;
    let mut by_key: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for node in nodes {
        let value = attrs
            .resolve(node)
            .into_iter()
            .next()
            .and_then(|r| r.values.into_iter().next().flatten())
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| master.clone());
        by_key.entry(value).or_default().push(node.clone());
    }
    Ok(by_key)
}

/// The names of a raw value a node goes to under `ty`.
pub fn pick(raw: &str, ty: SnType) -> Vec<&str> {
    let names: Vec<&str> = raw
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    match (ty, names.as_slice()) {
        (_, []) => vec![raw],
        (SnType::Primary, [first, ..]) => vec![first],
        (SnType::Backup, [_, second, ..]) => vec![second],
        (SnType::Backup, all) | (SnType::All, all) => all.to_vec(),
    }
}

/// Single service node → nodes (stock `getSNformattedhash`); a node may
/// appear under several.
pub fn per_service_node(
    by_raw: &BTreeMap<String, Vec<String>>,
    ty: SnType,
) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (raw, nodes) in by_raw {
        for sn in pick(raw, ty) {
            let list = out.entry(sn.to_string()).or_default();
            for n in nodes {
                if !list.contains(n) {
                    list.push(n.clone());
                }
            }
        }
    }
    out
}

/// One part per key of `groups`: `request` with its `node` list replaced,
/// the key as destination (`""`: run here).
pub fn parts(request: &Request, groups: &BTreeMap<String, Vec<String>>) -> Vec<Part> {
    groups
        .iter()
        .map(|(dest, nodes)| {
            let mut r = request.clone();
            r.set_nodes(nodes);
            Part {
                request: r,
                dest: if dest.is_empty() {
                    Vec::new()
                } else {
                    vec![dest.clone()]
                },
            }
        })
        .collect()
}

/// Split `request` (its `node` list) per service node in `style`.  A
/// request without nodes is one local part.
pub fn split(ctx: &Ctx, request: &Request, style: Style) -> Result<Vec<Part>, HandlerError> {
    let nodes: Vec<String> = request.nodes().iter().map(|n| n.to_string()).collect();
    if nodes.is_empty() {
        return Ok(vec![Part::local(request.clone())]);
    }
    let by_raw = ctx.db.read(|conn| {
        let inherit = ctx.inherit_ctx(conn)?;
        service_nodes(conn, &inherit, &nodes, SnColumn::ServiceNode)
    })?;
    Ok(match style {
        Style::Anycast => parts(request, &by_raw),
        Style::PerServiceNode(ty) => {
            let mut per_sn = per_service_node(&by_raw, ty);
            in_request_order(&mut per_sn, &nodes);
            parts(request, &per_sn)
        }
    })
}

/// Each list in the order of `nodes` (a node gathered from several raw
/// values would otherwise follow the values' order).
fn in_request_order(groups: &mut BTreeMap<String, Vec<String>>, nodes: &[String]) {
    let position: std::collections::HashMap<&str, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    for list in groups.values_mut() {
        list.sort_by_key(|n| position.get(n.as_str()).copied().unwrap_or(usize::MAX));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stock_formatted_hash_rules() {
        assert_eq!(pick("sn1,sn2", SnType::Primary), ["sn1"]);
        assert_eq!(pick("sn1,sn2", SnType::Backup), ["sn2"]);
        assert_eq!(pick("sn1", SnType::Backup), ["sn1"]);
        assert_eq!(pick("sn1,sn2,sn3", SnType::All), ["sn1", "sn2", "sn3"]);
        let mut raw = BTreeMap::new();
        raw.insert(
            "sn1,sn2".to_string(),
            vec!["a".to_string(), "b".to_string()],
        );
        raw.insert("sn2".to_string(), vec!["c".to_string()]);
        let all = per_service_node(&raw, SnType::All);
        assert_eq!(all["sn1"], ["a", "b"]);
        assert_eq!(all["sn2"], ["a", "b", "c"]);
        let backup = per_service_node(&raw, SnType::Backup);
        assert_eq!(backup.len(), 1);
        assert_eq!(backup["sn2"], ["a", "b", "c"]);
    }
}
