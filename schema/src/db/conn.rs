//! `Conn`: one pooled connection inside `Db::read` / `Db::write`, with the dynamic table
//! access of the pinned API (reads with the `disable` rule, deletes, plain inserts, table
//! and column lists). Table names must be schema tables or existing user tables (`x_*`),
//! column names real columns of that table; both are quoted, values always bound.

use super::query::{load_rows, quote_ident, DynQuery};
use super::{pg, sqlite, Backend, DbError, Row};
use crate::registry;
use diesel::connection::SimpleConnection;
use diesel::RunQueryDsl;
use std::collections::HashMap;
use std::sync::Arc;

/// The SQL of the `disable` rule: a row is active iff `disable` is NULL or
/// one of the "no" spellings; `''` and anything else hide the row.
const ACTIVE_CLAUSE: &str = "(\"disable\" IS NULL OR \"disable\" IN ('0','no','NO','No','nO'))";

pub(crate) enum Inner {
    Sqlite(sqlite::SqliteConn),
    Pg(pg::PgConn),
}

/// Real columns of one table: schema columns present in the DB in schema order, then extra
/// DB columns in DB order.
#[derive(Debug)]
pub(crate) struct TableCols {
    pub table: String,
    pub names: Vec<String>,
    /// Columns of an integer type (read through CAST, written through CAST on PostgreSQL).
    pub integer: Vec<bool>,
    pub has_disable: bool,
}

impl TableCols {
    pub(crate) fn index(&self, col: &str) -> Option<usize> {
        self.names.iter().position(|c| c == col)
    }

    pub(crate) fn require(&self, col: &str) -> Result<usize, DbError> {
        self.index(col).ok_or_else(|| DbError::NoColumn {
            table: self.table.clone(),
            column: col.to_string(),
        })
    }
}

/// Comparison operators of [`Conn::select_filtered`] (tabdump -w).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterOp {
    Eq,
    Ne,
    Like,
    NotLike,
    Lt,
    Le,
    Gt,
    Ge,
}

impl FilterOp {
    fn sql(self) -> &'static str {
        match self {
            FilterOp::Eq => " = ",
            FilterOp::Ne => " != ",
            FilterOp::Like => " LIKE ",
            FilterOp::NotLike => " NOT LIKE ",
            FilterOp::Lt => " < ",
            FilterOp::Le => " <= ",
            FilterOp::Gt => " > ",
            FilterOp::Ge => " >= ",
        }
    }
}

/// One connection checked out of the pool for a read or a write.
pub struct Conn {
    pub(crate) inner: Inner,
    writable: bool,
    in_txn: bool,
    /// A statement that may have changed data ran in this transaction.
    dirty: bool,
    cols: HashMap<String, Arc<TableCols>>,
}

impl Conn {
    pub(crate) fn sqlite(c: sqlite::SqliteConn, writable: bool) -> Conn {
        Conn {
            inner: Inner::Sqlite(c),
            writable,
            in_txn: false,
            dirty: false,
            cols: HashMap::new(),
        }
    }

    pub(crate) fn pg(c: pg::PgConn, writable: bool) -> Conn {
        Conn {
            inner: Inner::Pg(c),
            writable,
            in_txn: false,
            dirty: false,
            cols: HashMap::new(),
        }
    }

    /// The backend of this connection.
    pub fn backend(&self) -> Backend {
        match self.inner {
            Inner::Sqlite(_) => Backend::Sqlite,
            Inner::Pg(_) => Backend::Pg,
        }
    }

    // ---- transactions (used by Db::write) ----

    pub(crate) fn begin_write(&mut self) -> Result<(), DbError> {
        match &mut self.inner {
            Inner::Sqlite(c) => sqlite::exec_retrying_busy(c, "BEGIN IMMEDIATE")?,
            Inner::Pg(c) => c.batch_execute(&format!(
                "BEGIN; SELECT pg_advisory_xact_lock({});",
                pg::WRITE_LOCK
            ))?,
        }
        self.in_txn = true;
        Ok(())
    }

    pub(crate) fn commit(&mut self) -> Result<(), DbError> {
        if !self.dirty {
            // Nothing written: ending the transaction with ROLLBACK releases the locks
            // without SQLite's multi-file commit work (BEGIN IMMEDIATE write-locks every
            // attached file, and COMMIT would write a super-journal for all of them).
            self.rollback();
            return Ok(());
        }
        match &mut self.inner {
            Inner::Sqlite(c) => sqlite::exec_retrying_busy(c, "COMMIT")?,
            Inner::Pg(c) => c.batch_execute("COMMIT")?,
        }
        self.in_txn = false;
        Ok(())
    }

    pub(crate) fn rollback(&mut self) {
        if !self.in_txn {
            return;
        }
        let r = match &mut self.inner {
            Inner::Sqlite(c) => c.batch_execute("ROLLBACK"),
            Inner::Pg(c) => c.batch_execute("ROLLBACK"),
        };
        if let Err(e) = r {
            tracing::warn!("rollback failed: {e}");
        }
        self.in_txn = false;
    }

    /// Marks a point inside the open write transaction that
    /// [`Conn::rollback_to_savepoint`] can return to (per-object atomic
    /// writes of mkdef / chdef).  `name` is a fixed identifier of the caller.
    pub fn savepoint(&mut self, name: &'static str) -> Result<(), DbError> {
        self.savepoint_sql(&format!("SAVEPOINT {name}"))
    }

    /// Undoes every write since [`Conn::savepoint`]`(name)`; the transaction stays open.
    pub fn rollback_to_savepoint(&mut self, name: &'static str) -> Result<(), DbError> {
        self.savepoint_sql(&format!("ROLLBACK TO SAVEPOINT {name}"))
    }

    /// Keeps the writes since [`Conn::savepoint`]`(name)` and forgets the mark.
    pub fn release_savepoint(&mut self, name: &'static str) -> Result<(), DbError> {
        self.savepoint_sql(&format!("RELEASE SAVEPOINT {name}"))
    }

    fn savepoint_sql(&mut self, sql: &str) -> Result<(), DbError> {
        self.require_writable()?;
        if !self.in_txn {
            return Err(DbError::ReadOnly);
        }
        match &mut self.inner {
            Inner::Sqlite(c) => c.batch_execute(sql)?,
            Inner::Pg(c) => c.batch_execute(sql)?,
        }
        Ok(())
    }

    // ---- low-level execution ----

    pub(crate) fn load(&mut self, q: DynQuery, ncols: usize) -> Result<Vec<Row>, DbError> {
        Ok(match &mut self.inner {
            Inner::Sqlite(c) => load_rows(&mut **c, q, ncols)?,
            Inner::Pg(c) => load_rows(&mut **c, q, ncols)?,
        })
    }

    pub(crate) fn exec(&mut self, q: DynQuery) -> Result<usize, DbError> {
        if !self.writable {
            return Err(DbError::ReadOnly);
        }
        self.dirty = true;
        Ok(match &mut self.inner {
            Inner::Sqlite(c) => q.execute(&mut **c)?,
            Inner::Pg(c) => q.execute(&mut **c)?,
        })
    }

    /// The table as written in SQL (`"t"."t"` for an attached SQLite file, `"t"` on Pg).
    pub(crate) fn table_ref(&self, table: &str) -> String {
        match self.inner {
            Inner::Sqlite(_) => sqlite::table_ref(table),
            Inner::Pg(_) => quote_ident(table),
        }
    }

    /// Expression reading column `i` as text.
    pub(crate) fn read_expr(&self, tc: &TableCols, i: usize) -> String {
        let q = quote_ident(&tc.names[i]);
        if tc.integer[i] {
            format!("CAST({q} AS TEXT)")
        } else {
            q
        }
    }

    /// Appends the SQL comparing column `i` with a bound value.
    pub(crate) fn push_eq(&self, q: &mut DynQuery, tc: &TableCols, i: usize, value: &str) {
        let col = quote_ident(&tc.names[i]);
        if tc.integer[i] && self.backend() == Backend::Pg {
            q.sql(&format!("CAST({col} AS TEXT) = "));
        } else {
            q.sql(&col).sql(" = ");
        }
        q.bind_str(value);
    }

    /// Appends a bound value destined for column `i` (cast on Pg for integer columns).
    pub(crate) fn push_value(&self, q: &mut DynQuery, tc: &TableCols, i: usize, v: Option<String>) {
        if tc.integer[i] && self.backend() == Backend::Pg {
            q.sql("CAST(").bind(v).sql(" AS INTEGER)");
        } else {
            q.bind(v);
        }
    }

    /// Appends ` WHERE k1 = ? AND k2 = ?` (nothing for no pairs).
    pub(crate) fn push_where_eq(
        &self,
        q: &mut DynQuery,
        tc: &TableCols,
        eq: &[(usize, &str)],
        active_only: bool,
    ) {
        let mut first = true;
        for (i, v) in eq {
            q.sql(if first { " WHERE " } else { " AND " });
            first = false;
            self.push_eq(q, tc, *i, v);
        }
        if active_only && tc.has_disable {
            q.sql(if first { " WHERE " } else { " AND " });
            q.sql(ACTIVE_CLAUSE);
        }
    }

    pub(crate) fn require_writable(&self) -> Result<(), DbError> {
        if self.writable {
            Ok(())
        } else {
            Err(DbError::ReadOnly)
        }
    }

    /// Column description of a table, cached for the life of this `Conn` (one request).
    pub(crate) fn table_cols(&mut self, table: &str) -> Result<Arc<TableCols>, DbError> {
        if let Some(tc) = self.cols.get(table) {
            return Ok(tc.clone());
        }
        let def = registry::table(table);
        if def.is_none() && !registry::is_user_table_name(table) {
            return Err(DbError::NoTable(table.to_string()));
        }
        let db_cols = match &mut self.inner {
            Inner::Sqlite(c) => sqlite::columns_of(c, table)?,
            Inner::Pg(c) => pg::columns_of(c, table)?,
        };
        if db_cols.is_empty() {
            return Err(DbError::NoTable(table.to_string()));
        }
        let mut ordered: Vec<(String, String)> = Vec::with_capacity(db_cols.len());
        if let Some(def) = def {
            for c in def.cols {
                if let Some(dc) = db_cols.iter().find(|(n, _)| n == c) {
                    ordered.push(dc.clone());
                }
            }
        }
        for dc in &db_cols {
            if !ordered.iter().any(|(n, _)| *n == dc.0) {
                ordered.push(dc.clone());
            }
        }
        let integer = ordered
            .iter()
            .map(|(_, ty)| {
                let t = ty.to_ascii_lowercase();
                t.starts_with("int") || t == "bigint" || t == "smallint" || t == "serial"
            })
            .collect();
        let names: Vec<String> = ordered.into_iter().map(|(n, _)| n).collect();
        let tc = Arc::new(TableCols {
            table: table.to_string(),
            has_disable: names.iter().any(|n| n == "disable"),
            names,
            integer,
        });
        self.cols.insert(table.to_string(), tc.clone());
        Ok(tc)
    }

    // ---- pinned API ----

    /// Real DB columns of a table: schema columns in schema order, then extra columns.
    pub fn columns(&mut self, table: &str) -> Result<Vec<String>, DbError> {
        Ok(self.table_cols(table)?.names.clone())
    }

    /// Every row (all columns in [`Conn::columns`] order) in DB order (insertion order on
    /// SQLite); with `active_only` the `disable` rule applies.
    pub fn all_rows(&mut self, table: &str, active_only: bool) -> Result<Vec<Row>, DbError> {
        let tc = self.table_cols(table)?;
        let exprs: Vec<String> = (0..tc.names.len())
            .map(|i| self.read_expr(&tc, i))
            .collect();
        let mut q = DynQuery::new(format!(
            "SELECT {} FROM {}",
            exprs.join(", "),
            self.table_ref(table)
        ));
        self.push_where_eq(&mut q, &tc, &[], active_only);
        if self.backend() == Backend::Sqlite {
            q.sql(" ORDER BY rowid");
        }
        self.load(q, tc.names.len())
    }

    /// Rows matching all `eq` pairs (`col = value`), the requested columns in order.
    pub fn select(
        &mut self,
        table: &str,
        cols: &[&str],
        eq: &[(&str, &str)],
        active_only: bool,
    ) -> Result<Vec<Row>, DbError> {
        let filters: Vec<(&str, FilterOp, &str)> =
            eq.iter().map(|(c, v)| (*c, FilterOp::Eq, *v)).collect();
        self.select_filtered(table, cols, &filters, active_only)
    }

    /// Rows matching all `(column, operator, value)` filters (AND), requested columns in
    /// order — the bound-parameter form of `tabdump -w`. `Like` takes SQL LIKE patterns.
    pub fn select_filtered(
        &mut self,
        table: &str,
        cols: &[&str],
        filters: &[(&str, FilterOp, &str)],
        active_only: bool,
    ) -> Result<Vec<Row>, DbError> {
        let tc = self.table_cols(table)?;
        let idx: Vec<usize> = cols
            .iter()
            .map(|c| tc.require(c))
            .collect::<Result<_, _>>()?;
        if idx.is_empty() {
            return Ok(Vec::new());
        }
        let exprs: Vec<String> = idx.iter().map(|i| self.read_expr(&tc, *i)).collect();
        let mut q = DynQuery::new(format!(
            "SELECT {} FROM {}",
            exprs.join(", "),
            self.table_ref(table)
        ));
        let mut first = true;
        for (c, op, v) in filters {
            let i = tc.require(c)?;
            q.sql(if first { " WHERE " } else { " AND " });
            first = false;
            if *op == FilterOp::Eq {
                self.push_eq(&mut q, &tc, i, v);
            } else {
                let col = quote_ident(&tc.names[i]);
                if tc.integer[i] && matches!(op, FilterOp::Like | FilterOp::NotLike) {
                    q.sql(&format!("CAST({col} AS TEXT)"));
                } else if tc.integer[i] && self.backend() == Backend::Pg {
                    // numeric comparison with a text parameter
                    q.sql(&col)
                        .sql(op.sql())
                        .sql("CAST(")
                        .bind_str(v)
                        .sql(" AS INTEGER)");
                    continue;
                } else {
                    q.sql(&col);
                }
                q.sql(op.sql()).bind_str(v);
            }
        }
        if active_only && tc.has_disable {
            q.sql(if first { " WHERE " } else { " AND " });
            q.sql(ACTIVE_CLAUSE);
        }
        if self.backend() == Backend::Sqlite {
            q.sql(" ORDER BY rowid");
        }
        self.load(q, idx.len())
    }

    /// Deletes the rows matching all pairs; with no pairs every row (like stock
    /// `delEntries` without a key). Returns the number of rows deleted.
    pub fn delete_where(&mut self, table: &str, eq: &[(&str, &str)]) -> Result<usize, DbError> {
        self.require_writable()?;
        let tc = self.table_cols(table)?;
        let pairs: Vec<(usize, &str)> = eq
            .iter()
            .map(|(c, v)| Ok((tc.require(c)?, *v)))
            .collect::<Result<_, DbError>>()?;
        let mut q = DynQuery::new(format!("DELETE FROM {}", self.table_ref(table)));
        self.push_where_eq(&mut q, &tc, &pairs, false);
        self.exec(q)
    }

    /// Deletes every row of the table.
    pub fn delete_all(&mut self, table: &str) -> Result<usize, DbError> {
        self.delete_where(table, &[])
    }

    /// A plain INSERT of one row (no key defaulting, `"NULL"` stored literally).
    pub fn insert(
        &mut self,
        table: &str,
        cols: &[&str],
        values: &[Option<&str>],
    ) -> Result<(), DbError> {
        self.require_writable()?;
        if cols.len() != values.len() {
            return Err(DbError::Other(
                "insert: columns and values differ in number".into(),
            ));
        }
        let tc = self.table_cols(table)?;
        let idx: Vec<usize> = cols
            .iter()
            .map(|c| tc.require(c))
            .collect::<Result<_, _>>()?;
        let row: Vec<Option<String>> = values.iter().map(|v| v.map(str::to_string)).collect();
        super::set_attribs::insert_rows(self, &tc, &idx, &[row], false)?;
        Ok(())
    }

    /// Schema tables (registry order) followed by existing user tables `x_*` (sorted).
    pub fn tables(&mut self) -> Result<Vec<String>, DbError> {
        let mut out: Vec<String> = registry::tables()
            .iter()
            .map(|t| t.name.to_string())
            .collect();
        let user = match &mut self.inner {
            Inner::Sqlite(c) => sqlite::user_tables(c)?,
            Inner::Pg(c) => pg::user_tables(c)?,
        };
        out.extend(user);
        Ok(out)
    }
}
