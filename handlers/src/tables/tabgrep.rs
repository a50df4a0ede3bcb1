//! `tabgrep node`: the tables (with a `node` column) that have an active row
//! for the node or for one of its groups (nodelist.groups order; nodelist
//! itself never inherits).  Tables are listed sorted (stock: hash order).

use super::{dbutil, output};
use crate::api::{Ctx, HandlerError, Responder};
use xcat_proto::{Request, Response};
use xcat_schema::db::{Conn, DbError};
use xcat_schema::registry;

/// Groups of a node from its active nodelist row.
pub fn node_groups(conn: &mut Conn, node: &str) -> Result<Vec<String>, DbError> {
    let rows = conn.select("nodelist", &["groups"], &[("node", node)], true)?;
    Ok(rows
        .into_iter()
        .filter_map(|r| r.into_iter().next().flatten())
        .flat_map(|g| {
            g.split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect())
}

fn has_row(conn: &mut Conn, table: &str, name: &str) -> Result<bool, DbError> {
    Ok(!conn
        .select(table, &["node"], &[("node", name)], true)?
        .is_empty())
}

pub fn run(ctx: &Ctx, req: &Request, out: &mut dyn Responder) -> Result<(), HandlerError> {
    let nodes = req.nodes();
    let Some(node) = nodes.first().map(|s| s.to_string()) else {
        return Ok(output::usage(
            out,
            &["Usage: tabgrep nodename", "       tabgrep [-?|-h|--help]"],
            1,
        )?);
    };
    let mut tables: Vec<&str> = registry::tables()
        .iter()
        .map(|t| t.name)
        .filter(|t| dbutil::has_node_column(t))
        .collect();
    tables.sort_unstable();
    let found = ctx.db.read(|c| {
        let groups = node_groups(c, &node)?;
        let mut found = Vec::new();
        for t in &tables {
            let mut hit = has_row(c, t, &node)?;
            if !hit && *t != "nodelist" {
                for g in &groups {
                    if has_row(c, t, g)? {
                        hit = true;
                        break;
                    }
                }
            }
            if hit {
                found.push(t.to_string());
            }
        }
        Ok(found)
    })?;
    if !found.is_empty() {
        let mut r = Response::new();
        for t in found {
            r = r.data(t);
        }
        out.send(r)?;
    }
    Ok(())
}
