//! Bulk node attribute resolution for the table commands:
//! the node's own active rows, then its groups in `nodelist.groups` order
//! attribute by attribute (cartesian over multi-row group entries, as stock),
//! `site.hierarchicalattrs` concatenation, regular-expression rows evaluated
//! for the node, and optional group attribution for `nodels -b`.
//!
//! Each table is read once for all requested nodes (plus `nodelist` once for
//! the groups), so 10,000 nodes cost two table scans.  The work is done by
//! `xcat_schema::inherit`; the tests cross-check it against an independent
//! oracle (handlers/tests/tables_support/resolve_oracle.rs).

use std::collections::{BTreeMap, HashMap};
use xcat_schema::db::{Conn, DbError};
use xcat_schema::inherit;

/// One resolved value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Val {
    pub text: String,
    /// Group it came from (`node,g1,g2` for hierarchical attributes).
    pub from: Option<String>,
}

/// One record of a node: column → value, columns sorted.
pub type Rec = BTreeMap<String, Val>;

/// Options of a resolution.
#[derive(Debug, Clone, Default)]
pub struct Opts {
    pub attribution: bool,
}

/// Resolve `cols` of `table` for every node; a node without any value gets no
/// entry.  Delegates to `xcat_schema::inherit` (one bulk read of the table
/// and of nodelist).
pub fn resolve(
    conn: &mut Conn,
    table: &str,
    nodes: &[String],
    cols: &[&str],
    opts: &Opts,
) -> Result<HashMap<String, Vec<Rec>>, DbError> {
    if super::dbutil::nodekey(table).is_none() {
        return Ok(HashMap::new());
    }
    let ictx = inherit::InheritCtx::load(conn)?;
    resolve_with(conn, &ictx, table, nodes, cols, opts)
}

/// [`resolve`] with group membership and `site.hierarchicalattrs` already
/// loaded (one `nodelist` read for several tables of one request).
pub fn resolve_with(
    conn: &mut Conn,
    ictx: &inherit::InheritCtx,
    table: &str,
    nodes: &[String],
    cols: &[&str],
    opts: &Opts,
) -> Result<HashMap<String, Vec<Rec>>, DbError> {
    if super::dbutil::nodekey(table).is_none() {
        return Ok(HashMap::new());
    }
    let mut attrs = inherit::NodeAttrs::load(conn, ictx, table, cols)?;
    let mut out = HashMap::new();
    for node in nodes {
        let rows = attrs.resolve(node);
        let recs: Vec<Rec> = rows
            .into_iter()
            .map(|r| {
                let mut rec = Rec::new();
                for (i, col) in cols.iter().enumerate() {
                    if let Some(v) = r.values.get(i).cloned().flatten() {
                        let from = if opts.attribution {
                            r.from.get(i).cloned().flatten()
                        } else {
                            None
                        };
                        rec.insert(col.to_string(), Val { text: v, from });
                    }
                }
                rec
            })
            .collect();
        if recs.first().is_some_and(|r| !r.is_empty()) {
            out.insert(node.clone(), recs);
        }
    }
    Ok(out)
}
