//! SPLIT GLUE (temporary, the one place to switch): stock's per-service-node
//! split (`getSNformattedhash`, `perl-xCAT/xCAT/ServiceNodeUtils.pm:751`,
//! handlers.md §1.4) for the NIM commands, until the shared helper in
//! `crate::hierarchy` is on main.  Then [`per_service_node`]'s body becomes
//! `crate::hierarchy::split(ctx, request, Style::PerServiceNode(ty))` and
//! this file goes.
//!
//! A node goes to every service node its `servicenode` list names (`All`),
//! the first (`Primary`) or the second (`Backup`, a one-name list keeps its
//! name); nodes without one go to `site.master` (run here when unset).

use super::xcat2nim::options::SnChoice;
use crate::api::{Ctx, HandlerError, Part};
use std::collections::BTreeMap;
use xcat_proto::Request;
use xcat_schema::inherit::NodeAttrs;

/// One part per service node, each with its nodes in request order.
pub fn per_service_node(
    ctx: &Ctx,
    request: &Request,
    choice: SnChoice,
) -> Result<Vec<Part>, HandlerError> {
    let nodes: Vec<String> = request.nodes().iter().map(|n| n.to_string()).collect();
    if nodes.is_empty() {
        return Ok(vec![Part::local(request.clone())]);
    }
    let by_sn = ctx.db.read(|conn| {
        let inherit = ctx.inherit_ctx(conn)?;
        let master = crate::tables::dbutil::site_value(conn, "master")?.unwrap_or_default();
        let mut attrs = NodeAttrs::load(conn, &inherit, "noderes", &["servicenode"])?;
        let mut by_sn: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for node in &nodes {
            let raw = attrs
                .resolve(node)
                .into_iter()
                .next()
                .and_then(|r| r.values.into_iter().next().flatten())
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| master.trim().to_string());
            for sn in pick(&raw, choice) {
                let list = by_sn.entry(sn.to_string()).or_default();
                if !list.contains(node) {
                    list.push(node.clone());
                }
            }
        }
        Ok(by_sn)
    })?;
    Ok(by_sn
        .into_iter()
        .map(|(sn, nodes)| {
            let mut r = request.clone();
            r.set_nodes(&nodes);
            Part {
                request: r,
                dest: if sn.is_empty() { Vec::new() } else { vec![sn] },
            }
        })
        .collect())
}

fn pick(raw: &str, choice: SnChoice) -> Vec<&str> {
    let names: Vec<&str> = raw
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    match (choice, names.as_slice()) {
        (_, []) => vec![raw],
        (SnChoice::Primary, [first, ..]) => vec![first],
        (SnChoice::Backup, [_, second, ..]) => vec![second],
        (SnChoice::Backup | SnChoice::All, all) => all.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_as_stock() {
        assert_eq!(pick("sn1,sn2", SnChoice::All), ["sn1", "sn2"]);
        assert_eq!(pick("sn1,sn2", SnChoice::Primary), ["sn1"]);
        assert_eq!(pick("sn1,sn2", SnChoice::Backup), ["sn2"]);
        assert_eq!(pick("sn1", SnChoice::Backup), ["sn1"]);
        assert_eq!(pick("", SnChoice::All), [""]);
    }
}
