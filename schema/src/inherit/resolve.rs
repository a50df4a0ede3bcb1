//! The per-node resolution over one table's rows held in memory
//! ([`NodeAttrs`]), following stock `getNodeAttribs_nosub_returnany`:
//!
//! 1. own rows (active, at least one requested column non-empty); a column is
//!    satisfied when any own row has a non-empty, non-hierarchical value;
//! 2. unless the table is `nodelist`, each group of `nodelist.groups` in order
//!    fills the still missing columns (per column, first group wins); several
//!    group rows multiply the result rows (stock's cartesian expansion);
//! 3. hierarchical columns collect the own value and every group's value,
//!    then are split, de-duplicated and joined;
//! 4. every value goes through the regex-row evaluation with the node name;
//!    an empty result removes the value.
//!
//! Attribution (`nodels -b`): the group a value came from, or
//! `node,grp1,grp2` / `grp1,grp2` for hierarchical concatenations.

use super::hierarchy::dedup_join;
use super::source::RowSource;
use super::InheritCtx;
use crate::db::{DbError, Row};
use crate::regexattr::RegexEval;
use crate::registry;
use std::collections::HashMap;

/// One resolved row: values and attribution, aligned with the requested
/// columns.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResolvedRow {
    pub values: Vec<Option<String>>,
    /// The group (or `node,grp,...` list) a value was inherited from; `None`
    /// for the node's own values and for the node key column.
    pub from: Vec<Option<String>>,
}

impl ResolvedRow {
    /// The value of column `i` (`None` = not set).
    pub fn get(&self, i: usize) -> Option<&str> {
        self.values.get(i).and_then(|v| v.as_deref())
    }
}

/// Rows of one table for a set of requested columns, indexed by the node key.
pub struct NodeAttrs {
    table: String,
    cols: Vec<String>,
    nodekey_pos: Option<usize>,
    by_key: HashMap<String, Vec<Row>>,
    delims: Vec<Option<String>>,
    ctx: InheritCtx,
    regex: RegexEval,
}

/// A result row while groups are being merged.
#[derive(Clone)]
struct Partial {
    vals: Vec<Option<String>>,
    from: Vec<Option<String>>,
}

/// The column `nodels`/inheritance use to find node and group rows.
pub fn nodekey_of(table: &str) -> &'static str {
    registry::table(table)
        .and_then(|t| t.nodekey)
        .unwrap_or("node")
}

impl NodeAttrs {
    /// Reads the key column and `cols` of `table` (active rows) in one query.
    /// Requested columns the table does not have resolve to `None`; a schema
    /// table without a node key resolves nothing.
    pub fn load(
        src: &mut dyn RowSource,
        ctx: &InheritCtx,
        table: &str,
        cols: &[&str],
    ) -> Result<NodeAttrs, DbError> {
        let nodekey = nodekey_of(table);
        let def = registry::table(table);
        if def.is_some_and(|d| d.nodekey.is_none()) {
            // Not keyed by node (e.g. site): nothing resolves, as stock.
            return Ok(NodeAttrs::from_rows(ctx, table, nodekey, cols, []));
        }
        let known = |c: &str| match def {
            Some(d) => d.has_col(c),
            None => true,
        };
        let mut query: Vec<&str> = vec![nodekey];
        for c in cols {
            if known(c) && !query.contains(c) {
                query.push(c);
            }
        }
        let rows = src.active_rows(table, &query)?;
        let pos: Vec<Option<usize>> = cols
            .iter()
            .map(|c| query.iter().position(|q| q == c))
            .collect();
        let keyed = rows.into_iter().filter_map(|r| {
            let key = r.first().cloned().flatten()?;
            let vals = pos
                .iter()
                .map(|p| p.and_then(|i| r.get(i).cloned().flatten()))
                .collect();
            Some((key, vals))
        });
        Ok(NodeAttrs::from_rows(ctx, table, nodekey, cols, keyed))
    }

    /// Builds the index from `(key, values aligned with cols)` pairs of
    /// active rows (in table order).
    pub fn from_rows(
        ctx: &InheritCtx,
        table: &str,
        nodekey: &str,
        cols: &[&str],
        rows: impl IntoIterator<Item = (String, Row)>,
    ) -> NodeAttrs {
        let mut by_key: HashMap<String, Vec<Row>> = HashMap::new();
        for (key, mut vals) in rows {
            vals.resize(cols.len(), None);
            for v in vals.iter_mut() {
                if v.as_deref() == Some("") {
                    *v = None;
                }
            }
            by_key.entry(key).or_default().push(vals);
        }
        NodeAttrs {
            table: table.to_string(),
            cols: cols.iter().map(|c| c.to_string()).collect(),
            nodekey_pos: cols.iter().position(|c| *c == nodekey),
            by_key,
            delims: cols
                .iter()
                .map(|c| ctx.hierarchy.delimiter(c).map(str::to_string))
                .collect(),
            ctx: ctx.clone(),
            regex: RegexEval::new(),
        }
    }

    /// The requested columns.
    pub fn columns(&self) -> &[String] {
        &self.cols
    }

    /// The table name.
    pub fn table(&self) -> &str {
        &self.table
    }

    /// Raw rows stored under `key` (node or group name) with at least one
    /// requested value: stock `keep_raw` (group objects in lsdef, gettab) —
    /// no inheritance, no regex evaluation.
    pub fn resolve_raw(&self, key: &str) -> Vec<ResolvedRow> {
        self.own_rows(key)
            .map(|vals| ResolvedRow {
                from: vec![None; vals.len()],
                values: vals.clone(),
            })
            .collect()
    }

    /// Resolves `node` with inheritance and regex rows.  An empty vector
    /// means the table has nothing for the node.
    pub fn resolve(&mut self, node: &str) -> Vec<ResolvedRow> {
        let merged = self.merge(node);
        merged
            .into_iter()
            .map(|p| {
                let values = p
                    .vals
                    .into_iter()
                    .map(|v| v.and_then(|v| self.regex.eval_owned(node, v)))
                    .collect();
                ResolvedRow {
                    values,
                    from: p.from,
                }
            })
            .collect()
    }

    fn own_rows<'a>(&'a self, key: &str) -> impl Iterator<Item = &'a Row> + 'a {
        self.by_key
            .get(key)
            .into_iter()
            .flatten()
            .filter(|r| r.iter().any(Option::is_some))
    }

    fn is_hier(&self, col: usize) -> bool {
        self.delims[col].is_some()
    }

    /// Steps 1-3 (everything but regex evaluation).
    fn merge(&self, node: &str) -> Vec<Partial> {
        let n = self.cols.len();
        let nodelist = self.table == "nodelist";
        let mut results: Vec<Partial> = self
            .own_rows(node)
            .map(|r| {
                let mut vals = r.clone();
                if !nodelist {
                    for (i, v) in vals.iter_mut().enumerate() {
                        if let (Some(v), Some(d)) = (v.as_mut(), &self.delims[i]) {
                            v.push_str(d);
                        }
                    }
                }
                Partial {
                    vals,
                    from: vec![None; n],
                }
            })
            .collect();
        let mut todo: Vec<usize> = (0..n)
            .filter(|&i| {
                !results
                    .iter()
                    .any(|r| r.vals[i].is_some() && !self.is_hier(i))
            })
            .collect();
        if !(todo.is_empty() || nodelist) {
            results = self.merge_groups(node, results, &mut todo);
        }
        for r in &mut results {
            for (i, v) in r.vals.iter_mut().enumerate() {
                if let (Some(val), Some(d)) = (v.as_mut(), &self.delims[i]) {
                    *val = dedup_join(val, d);
                }
            }
        }
        results
    }

    fn merge_groups(
        &self,
        node: &str,
        mut results: Vec<Partial>,
        todo: &mut Vec<usize>,
    ) -> Vec<Partial> {
        let n = self.cols.len();
        let groups = self.ctx.groups.clone();
        for group in groups.groups_of(node) {
            let group_rows: Vec<&Row> = self
                .by_key
                .get(group)
                .into_iter()
                .flatten()
                .filter(|r| todo.iter().any(|&i| r[i].is_some()))
                .collect();
            if group_rows.is_empty() {
                continue;
            }
            let mut done = vec![false; n];
            let mut expanded = Vec::new();
            for grow in group_rows {
                let mut current = results.clone();
                if current.is_empty() {
                    // No row yet: the group row becomes a new result row.
                    let mut p = Partial {
                        vals: vec![None; n],
                        from: vec![None; n],
                    };
                    for &i in todo.iter() {
                        if let Some(v) = &grow[i] {
                            p.vals[i] = Some(self.with_delim(v, i));
                            if Some(i) != self.nodekey_pos {
                                p.from[i] = Some(group.to_string());
                            }
                            done[i] = !self.is_hier(i);
                        }
                    }
                    if let Some(k) = self.nodekey_pos {
                        if p.vals[k].is_some() {
                            p.vals[k] = Some(node.to_string());
                        }
                    }
                    current.push(p);
                } else {
                    for &i in todo.iter() {
                        let Some(v) = &grow[i] else { continue };
                        done[i] = !self.is_hier(i);
                        let gv = self.with_delim(v, i);
                        for r in &mut current {
                            self.fill(r, i, &gv, node, group);
                        }
                    }
                }
                expanded.extend(current);
            }
            results = expanded;
            todo.retain(|&i| !done[i]);
            if todo.is_empty() {
                break;
            }
        }
        results
    }

    /// Puts a group value into column `i` of one result row.
    fn fill(&self, r: &mut Partial, i: usize, gv: &str, node: &str, group: &str) {
        let attributed = Some(i) != self.nodekey_pos;
        match &mut r.vals[i] {
            Some(existing) if self.is_hier(i) => {
                existing.push_str(gv);
                if attributed {
                    r.from[i] = Some(match r.from[i].take() {
                        Some(f) => format!("{f},{group}"),
                        None => format!("{node},{group}"),
                    });
                }
            }
            Some(_) => {}
            slot @ None => {
                *slot = Some(gv.to_string());
                if attributed {
                    r.from[i] = Some(group.to_string());
                }
            }
        }
    }

    fn with_delim(&self, v: &str, i: usize) -> String {
        match &self.delims[i] {
            Some(d) => format!("{v}{d}"),
            None => v.to_string(),
        }
    }
}
