//! Where the semantics layer reads rows from: a [`RowSource`] hands out the
//! active rows (stock's disable rule applied) of one table in bulk.
//! It is implemented for the real [`Conn`] and for [`MemTables`], an
//! in-memory table set used by unit tests and benchmarks.

use crate::db::{Conn, DbError, Row};
use std::collections::HashMap;

/// Bulk, read-only access to active rows.
pub trait RowSource {
    /// Every active row of `table`, values in the order of `cols`.
    fn active_rows(&mut self, table: &str, cols: &[&str]) -> Result<Vec<Row>, DbError>;

    /// Active rows of `table` whose columns equal the given values.
    fn active_rows_where(
        &mut self,
        table: &str,
        cols: &[&str],
        eq: &[(&str, &str)],
    ) -> Result<Vec<Row>, DbError>;
}

impl RowSource for Conn {
    fn active_rows(&mut self, table: &str, cols: &[&str]) -> Result<Vec<Row>, DbError> {
        self.select(table, cols, &[], true)
    }

    fn active_rows_where(
        &mut self,
        table: &str,
        cols: &[&str],
        eq: &[(&str, &str)],
    ) -> Result<Vec<Row>, DbError> {
        self.select(table, cols, eq, true)
    }
}

/// The value of one `site` key (first active row, empty = unset).
pub fn site_value(src: &mut dyn RowSource, key: &str) -> Result<Option<String>, DbError> {
    let rows = src.active_rows_where("site", &["value"], &[("key", key)])?;
    Ok(rows
        .into_iter()
        .next()
        .and_then(|r| r.into_iter().next().flatten())
        .filter(|v| !v.is_empty()))
}

/// True for the stock "row is active" rule: `disable` NULL or one of
/// `0 no NO No nO`.
pub fn is_active(disable: Option<&str>) -> bool {
    matches!(disable, None | Some("0" | "no" | "NO" | "No" | "nO"))
}

/// In-memory tables (tests, benchmarks): rows are stored with their column
/// names and filtered with the same `disable` rule as the SQL layer.
#[derive(Debug, Default, Clone)]
pub struct MemTables {
    tables: HashMap<String, (Vec<String>, Vec<Row>)>,
}

impl MemTables {
    pub fn new() -> MemTables {
        MemTables::default()
    }

    /// Adds a row given as `(column, value)` pairs.
    pub fn add(&mut self, table: &str, values: &[(&str, &str)]) -> &mut Self {
        let entry = self.tables.entry(table.to_string()).or_default();
        for (c, _) in values {
            if !entry.0.iter().any(|x| x == c) {
                entry.0.push(c.to_string());
                for row in &mut entry.1 {
                    row.push(None);
                }
            }
        }
        let row = entry
            .0
            .iter()
            .map(|c| {
                values
                    .iter()
                    .find(|(k, _)| k == c)
                    .map(|(_, v)| v.to_string())
            })
            .collect();
        entry.1.push(row);
        self
    }

    fn rows(&self, table: &str, cols: &[&str], eq: &[(&str, &str)]) -> Vec<Row> {
        let Some((names, rows)) = self.tables.get(table) else {
            return Vec::new();
        };
        let pos = |c: &str| names.iter().position(|n| n == c);
        let disable = pos("disable");
        rows.iter()
            .filter(|r| is_active(disable.and_then(|i| r[i].as_deref())))
            .filter(|r| {
                eq.iter()
                    .all(|(c, v)| pos(c).and_then(|i| r[i].as_deref()) == Some(*v))
            })
            .map(|r| {
                cols.iter()
                    .map(|c| pos(c).and_then(|i| r[i].clone()))
                    .collect()
            })
            .collect()
    }
}

impl RowSource for MemTables {
    fn active_rows(&mut self, table: &str, cols: &[&str]) -> Result<Vec<Row>, DbError> {
        Ok(self.rows(table, cols, &[]))
    }

    fn active_rows_where(
        &mut self,
        table: &str,
        cols: &[&str],
        eq: &[(&str, &str)],
    ) -> Result<Vec<Row>, DbError> {
        Ok(self.rows(table, cols, eq))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disable_rule() {
        for v in [
            None,
            Some("0"),
            Some("no"),
            Some("NO"),
            Some("No"),
            Some("nO"),
        ] {
            assert!(is_active(v));
        }
        for v in [Some(""), Some("1"), Some("yes"), Some("x")] {
            assert!(!is_active(v));
        }
        let mut m = MemTables::new();
        m.add("site", &[("key", "a"), ("value", "1")]);
        m.add("site", &[("key", "b"), ("value", "2"), ("disable", "1")]);
        assert_eq!(site_value(&mut m, "a").unwrap().as_deref(), Some("1"));
        assert_eq!(site_value(&mut m, "b").unwrap(), None);
    }
}
