//! `noderm <noderange>`: deletes the node's rows (`node=<n>`) from every table
//! that has a `node` column, in one write transaction.  When
//! `site.pruneservices` is set (and not n/no) `makedhcp -d` runs first through
//! the runner; for CEC/frame nodes it notes the child nodes left behind.

use super::args;
use super::nodechange::{self, Mode, Plan};
use super::{dbutil, output};
use crate::api::{Ctx, HandlerError, Responder};
use crate::getopt::Spec;
use std::collections::{HashMap, HashSet};
use std::time::Duration;
use xcat_proto::{Request, Response};
use xcat_schema::db::{Conn, DbError};
use xcat_schema::registry;

const USAGE: &[&str] = &[
    "Usage:",
    "  noderm noderange",
    "  noderm {-v|--version}",
    "  noderm [-?|-h|--help]",
];

const OPTS: &[Spec] = &[Spec::new("h|?|help"), Spec::new("v|version")];

/// Stock's test: prune unless the value matches `/n(\z|o)/i`.
pub fn prune_enabled(value: Option<&str>) -> bool {
    let Some(v) = value else { return false };
    let l = v.to_ascii_lowercase();
    !(l.ends_with('n') || l.contains("no"))
}

/// Child nodes of CEC/frame nodes: (node, type, children).  One read of
/// `nodetype` for all nodes, then `ppc` only for the CECs and frames.
fn hardware_children(
    conn: &mut Conn,
    nodes: &[String],
) -> Result<Vec<(String, String, Vec<String>)>, DbError> {
    let wanted: HashSet<&str> = nodes.iter().map(String::as_str).collect();
    let mut types: HashMap<String, String> = HashMap::new();
    for row in conn.select("nodetype", &["node", "nodetype"], &[], true)? {
        if let [Some(node), Some(ty)] = row.as_slice() {
            if (ty == "cec" || ty == "frame") && wanted.contains(node.as_str()) {
                types.insert(node.clone(), ty.clone());
            }
        }
    }
    let mut found = Vec::new();
    for n in nodes {
        let Some(ty) = types.remove(n) else { continue };
        let kids: Vec<String> = conn
            .select("ppc", &["node"], &[("parent", n)], true)?
            .into_iter()
            .filter_map(|r| r.into_iter().next().flatten())
            .collect();
        if !kids.is_empty() {
            found.push((n.clone(), ty, kids));
        }
    }
    Ok(found)
}

pub fn run(ctx: &Ctx, req: &Request, out: &mut dyn Responder) -> Result<(), HandlerError> {
    let argv = req.args();
    let Some(_opts) = args::parse_or_answer(ctx, out, &argv, OPTS, USAGE)? else {
        return Ok(());
    };
    let nodes: Vec<String> = req.nodes().iter().map(|s| s.to_string()).collect();
    if nodes.is_empty() {
        return Ok(output::usage(out, USAGE, 1)?);
    }
    let (prune, children) = ctx.db.read(|c| {
        let prune = prune_enabled(dbutil::site_value(c, "pruneservices")?.as_deref());
        Ok((prune, hardware_children(c, &nodes)?))
    })?;
    if prune {
        let mut sub = Request::new("makedhcp");
        sub.set_nodes(&nodes);
        sub.set_args(&["-d"]);
        for r in ctx.runner.xcat(sub, Duration::from_secs(600)) {
            out.send(r)?;
        }
    }
    for (n, ty, kids) in children {
        let _ = n;
        out.send(Response::new().info(format!(
            "Removed a {ty} node, please remove these nodes belongs to it manually: {} \n",
            kids.join(",")
        )))?;
    }
    let mut tables: Vec<String> = registry::tables()
        .iter()
        .filter(|t| t.has_col("node"))
        .map(|t| t.name.to_string())
        .collect();
    tables.sort();
    let plan = Plan {
        delete_tables: tables,
        ..Default::default()
    };
    let parsed = nodechange::Parsed {
        plan,
        errors: Vec::new(),
        fatal: None,
    };
    nodechange::run_plan(ctx, out, Mode::Change, nodes, parsed, req)
}
