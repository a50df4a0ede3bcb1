//! Thin layer over `xcat_schema::inherit` for the few tables snmove reads:
//! one bulk read per table, then per-node resolution in memory (own row,
//! groups in `nodelist.groups` order, hierarchical columns, regex rows).

use xcat_schema::db::{Conn, DbError, Row};
use xcat_schema::inherit::{InheritCtx, NodeAttrs};

/// Inherited columns of one table for many nodes.
pub struct Table {
    attrs: NodeAttrs,
}

impl Table {
    /// Read `cols` of `table` (active rows) once.
    pub fn load(
        conn: &mut Conn,
        ctx: &InheritCtx,
        table: &str,
        cols: &[&str],
    ) -> Result<Table, DbError> {
        Ok(Table {
            attrs: NodeAttrs::load(conn, ctx, table, cols)?,
        })
    }

    /// Build from rows already read: `(key, values aligned with cols)`.
    pub fn from_rows(
        ctx: &InheritCtx,
        table: &str,
        cols: &[&str],
        rows: impl IntoIterator<Item = (String, Row)>,
    ) -> Table {
        Table {
            attrs: NodeAttrs::from_rows(
                ctx,
                table,
                xcat_schema::inherit::nodekey_of(table),
                cols,
                rows,
            ),
        }
    }

    /// `node`'s values (first resolved row), aligned with the columns asked
    /// for; unset values are `None`.
    pub fn values(&mut self, node: &str) -> Vec<Option<String>> {
        let n = self.attrs.columns().len();
        let mut v = self
            .attrs
            .resolve(node)
            .into_iter()
            .next()
            .map(|r| r.values)
            .unwrap_or_default();
        v.resize(n, None);
        for x in v.iter_mut() {
            if x.as_deref().is_some_and(|s| s.is_empty()) {
                *x = None;
            }
        }
        v
    }

    /// `values` for a single-column table.
    pub fn value(&mut self, node: &str) -> Option<String> {
        self.values(node).into_iter().next().flatten()
    }

    /// The raw values stored under `key` (no inheritance, no regex).
    pub fn raw(&self, key: &str) -> Vec<Option<String>> {
        self.attrs
            .resolve_raw(key)
            .into_iter()
            .next()
            .map(|r| r.values)
            .unwrap_or_default()
    }
}
