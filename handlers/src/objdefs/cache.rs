//! Whole-table reads cached for one command: every table is read at most once
//! (active rows only, or all rows for deletes/renames), with an index on the
//! table's node column.  Writes invalidate the tables they touch.

use crate::api::HandlerError;
use std::collections::HashMap;
use std::rc::Rc;
use xcat_schema::db::{Conn, Row};
use xcat_schema::inherit::{InheritCtx, NodeAttrs};
use xcat_schema::registry;

/// One table's rows.
#[derive(Debug, Default)]
pub struct Table {
    pub cols: Vec<String>,
    pub rows: Vec<Row>,
    col_idx: HashMap<String, usize>,
    /// node-column value → row indexes (in row order).
    by_node: HashMap<String, Vec<usize>>,
    /// The column `by_node` indexes.
    key_col: Option<usize>,
}

impl Table {
    fn new(name: &str, cols: Vec<String>, rows: Vec<Row>) -> Table {
        let col_idx: HashMap<String, usize> = cols
            .iter()
            .enumerate()
            .map(|(i, c)| (c.clone(), i))
            .collect();
        let mut by_node: HashMap<String, Vec<usize>> = HashMap::new();
        let key = registry::table(name).and_then(|t| t.nodekey).or_else(|| {
            // user tables and key/value tables: index the first key column
            registry::table(name).and_then(|t| t.keys.first().copied())
        });
        let key_col = key.and_then(|k| col_idx.get(k).copied());
        if let Some(k) = key_col {
            for (i, r) in rows.iter().enumerate() {
                if let Some(Some(v)) = r.get(k) {
                    by_node.entry(v.clone()).or_default().push(i);
                }
            }
        }
        Table {
            cols,
            rows,
            col_idx,
            by_node,
            key_col,
        }
    }

    pub fn col(&self, name: &str) -> Option<usize> {
        self.col_idx.get(name).copied()
    }

    /// Value of `col` in row `i`, empty treated as unset.
    pub fn get(&self, i: usize, col: usize) -> Option<&str> {
        self.rows
            .get(i)
            .and_then(|r| r.get(col))
            .and_then(|v| v.as_deref())
            .filter(|v| !v.is_empty())
    }

    /// Rows whose node (first key) column equals `key`.
    pub fn rows_for(&self, key: &str) -> &[usize] {
        self.by_node.get(key).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Rows where every `col = value` pair holds.
    pub fn rows_where(&self, eq: &[(String, String)]) -> Vec<usize> {
        let idx: Vec<Option<usize>> = eq.iter().map(|(c, _)| self.col(c)).collect();
        if idx.iter().any(Option::is_none) {
            return Vec::new();
        }
        let candidates: Vec<usize> = match (self.key_col, idx.first().copied().flatten()) {
            (Some(k), Some(c)) if k == c && !eq[0].1.is_empty() => self.rows_for(&eq[0].1).to_vec(),
            _ => (0..self.rows.len()).collect(),
        };
        candidates
            .into_iter()
            .filter(|&i| {
                eq.iter().zip(&idx).all(|((_, v), c)| {
                    let cell = c
                        .and_then(|c| self.rows[i].get(c))
                        .and_then(|x| x.as_deref())
                        .unwrap_or("");
                    cell == v
                })
            })
            .collect()
    }
}

/// The per-command cache.
#[derive(Default)]
pub struct Cache {
    active: HashMap<String, Rc<Table>>,
    all: HashMap<String, Rc<Table>>,
    /// How the request's noderanges expand (cwd, `^file` permission,
    /// bare-number prefix and suffix).
    pub range_opts: xcat_schema::noderange::ExpandOpts,
    /// Inheritance context (nodelist groups, hierarchicalattrs).
    inherit: Option<InheritCtx>,
    /// Per-table node resolvers (every schema column of the table).
    node_attrs: HashMap<String, NodeAttrs>,
}

impl Cache {
    pub fn new() -> Cache {
        Cache::default()
    }

    /// Active rows of `table` (disable rule applied by the storage layer).
    pub fn active(&mut self, conn: &mut Conn, table: &str) -> Result<Rc<Table>, HandlerError> {
        if let Some(t) = self.active.get(table) {
            return Ok(t.clone());
        }
        let cols = conn.columns(table)?;
        let rows = conn.all_rows(table, true)?;
        let t = Rc::new(Table::new(table, cols, rows));
        self.active.insert(table.to_string(), t.clone());
        Ok(t)
    }

    /// Every row of `table`, disabled ones included.
    pub fn all(&mut self, conn: &mut Conn, table: &str) -> Result<Rc<Table>, HandlerError> {
        if let Some(t) = self.all.get(table) {
            return Ok(t.clone());
        }
        let cols = conn.columns(table)?;
        let rows = conn.all_rows(table, false)?;
        let t = Rc::new(Table::new(table, cols, rows));
        self.all.insert(table.to_string(), t.clone());
        Ok(t)
    }

    /// Forget everything read (after a rollback to a savepoint).
    pub fn forget_all(&mut self) {
        self.active.clear();
        self.all.clear();
        self.node_attrs.clear();
        self.inherit = None;
    }

    /// Forget what was read from `table` (after writing it).
    pub fn forget(&mut self, table: &str) {
        self.active.remove(table);
        self.all.remove(table);
        self.node_attrs.remove(table);
        if table == "nodelist" || table == "site" {
            self.inherit = None;
            self.node_attrs.clear();
        }
    }

    /// The node resolver of `table` (xcat_schema::inherit), loaded once.
    pub fn node_attrs(
        &mut self,
        conn: &mut Conn,
        table: &str,
    ) -> Result<&mut NodeAttrs, HandlerError> {
        if self.inherit.is_none() {
            self.inherit = Some(InheritCtx::load(conn)?);
        }
        if !self.node_attrs.contains_key(table) {
            // Registry columns in schema order (the engine indexes them so).
            let cols: Vec<&str> = registry::table(table)
                .map(|t| t.cols.to_vec())
                .unwrap_or_default();
            let ctx = self.inherit.clone().unwrap_or_default();
            let na = NodeAttrs::load(conn, &ctx, table, &cols)?;
            self.node_attrs.insert(table.to_string(), na);
        }
        self.node_attrs
            .get_mut(table)
            .ok_or_else(|| HandlerError::Message(format!("cannot read table {table}")))
    }
}
