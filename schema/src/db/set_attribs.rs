//! Stock `setAttribs` semantics, single and bulk:
//! * rows matching ALL given key pairs (`col = value`, disabled rows included) → every one of
//!   them is UPDATEd; a value that is exactly `NULL` is written as SQL NULL;
//! * no matching row → one INSERT of keys + values, every schema key column given neither
//!   way set to `''` (not for eventlog/auditlog); an insert whose values are all empty or
//!   unset is skipped;
//! * PostgreSQL inserts use `ON CONFLICT DO NOTHING` and fall back to the UPDATE, so a row a
//!   stock process inserted concurrently is updated instead of failing.
//!
//! The bulk form loads the table's existing key tuples once, then sends multi-row INSERTs and
//! `WITH v(...) AS (VALUES ...) UPDATE … FROM v` statements in chunks that stay inside the
//! bind-parameter limits. Chunk sizes are powers of two so the prepared-statement cache stays
//! small while each distinct statement is prepared only once per connection.

use super::conn::{Conn, TableCols};
use super::query::{quote_ident, DynQuery};
use super::{Backend, DbError};
use crate::registry;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Upper bound on rows per statement.
const MAX_ROWS_PER_STMT: usize = 512;

/// Bound parameters allowed per statement (SQLite 3.32+ allows 32766, PostgreSQL 65535).
fn bind_limit(b: Backend) -> usize {
    match b {
        Backend::Sqlite => 32_000,
        Backend::Pg => 65_000,
    }
}

/// Largest power of two ≤ n (n ≥ 1).
fn pow2_floor(n: usize) -> usize {
    if n == 0 {
        1
    } else {
        1 << (usize::BITS - 1 - n.leading_zeros())
    }
}

/// Splits `n` rows into statement sizes: full chunks of `max` then powers of two.
pub(crate) fn chunk_sizes(n: usize, width: usize, backend: Backend) -> Vec<usize> {
    let max = pow2_floor((bind_limit(backend) / width.max(1)).clamp(1, MAX_ROWS_PER_STMT));
    let mut out = Vec::new();
    let mut left = n;
    while left > 0 {
        let s = if left >= max { max } else { pow2_floor(left) };
        out.push(s);
        left -= s;
    }
    out
}

fn is_empty_value(v: &Option<String>) -> bool {
    v.as_deref().is_none_or(str::is_empty)
}

/// UPDATE rule: the literal string `NULL` means SQL NULL.
fn update_value(v: Option<String>) -> Option<String> {
    match v.as_deref() {
        Some("NULL") => None,
        _ => v,
    }
}

/// INSERTs rows (same column list) in chunks; returns the number of rows inserted.
pub(crate) fn insert_rows(
    conn: &mut Conn,
    tc: &TableCols,
    idx: &[usize],
    rows: &[Vec<Option<String>>],
    ignore_conflicts: bool,
) -> Result<usize, DbError> {
    conn.require_writable()?;
    if rows.is_empty() {
        return Ok(0);
    }
    let backend = conn.backend();
    if backend == Backend::Pg && rows.len() > 1 && !idx.is_empty() {
        return insert_rows_pg_arrays(conn, tc, idx, rows, ignore_conflicts);
    }
    let cols: Vec<String> = idx.iter().map(|i| quote_ident(&tc.names[*i])).collect();
    let head = format!(
        "INSERT INTO {} ({}) VALUES ",
        conn.table_ref(&tc.table),
        cols.join(", ")
    );
    let mut done = 0;
    let mut affected = 0;
    for size in chunk_sizes(rows.len(), idx.len().max(1), backend) {
        let mut q = DynQuery::new(head.clone());
        if idx.is_empty() {
            q = DynQuery::new(format!(
                "INSERT INTO {} DEFAULT VALUES",
                conn.table_ref(&tc.table)
            ));
        }
        for (r, row) in rows[done..done + size].iter().enumerate() {
            if idx.is_empty() {
                break;
            }
            q.sql(if r == 0 { "(" } else { ", (" });
            for (k, (i, v)) in idx.iter().zip(row.iter()).enumerate() {
                if k > 0 {
                    q.sql(", ");
                }
                conn.push_value(&mut q, tc, *i, v.clone());
            }
            q.sql(")");
        }
        if ignore_conflicts && backend == Backend::Pg {
            q.sql(" ON CONFLICT DO NOTHING");
        }
        affected += conn.exec(q)?;
        done += size;
    }
    Ok(affected)
}

/// Rows per PostgreSQL array statement.
pub(crate) const PG_ARRAY_ROWS: usize = 10_000;

/// A PostgreSQL array literal (`{"a","b\"c",NULL}`) of text values, bound as one parameter.
pub(crate) fn pg_text_array<'a>(values: impl Iterator<Item = Option<&'a str>>) -> String {
    let mut out = String::from("{");
    for (n, v) in values.enumerate() {
        if n > 0 {
            out.push(',');
        }
        match v {
            None => out.push_str("NULL"),
            Some(v) => {
                out.push('"');
                for ch in v.chars() {
                    if ch == '"' || ch == '\\' {
                        out.push('\\');
                    }
                    out.push(ch);
                }
                out.push('"');
            }
        }
    }
    out.push('}');
    out
}

/// Appends `unnest(CAST($1 AS TEXT[]), …) AS "alias"("p0", …)` with one array per column.
fn push_unnest(q: &mut DynQuery, columns: &[Vec<Option<&str>>], alias: &str, names: &[String]) {
    q.sql("unnest(");
    for (n, col) in columns.iter().enumerate() {
        if n > 0 {
            q.sql(", ");
        }
        q.sql("CAST(")
            .bind(Some(pg_text_array(col.iter().copied())))
            .sql(" AS TEXT[])");
    }
    q.sql(&format!(") AS \"{alias}\"({})", names.join(", ")));
}

/// PostgreSQL bulk INSERT: one statement per chunk with one array parameter per column
/// (`INSERT … SELECT … FROM unnest(…)`), so the server plans few, small statements.
fn insert_rows_pg_arrays(
    conn: &mut Conn,
    tc: &TableCols,
    idx: &[usize],
    rows: &[Vec<Option<String>>],
    ignore_conflicts: bool,
) -> Result<usize, DbError> {
    let cols: Vec<String> = idx.iter().map(|i| quote_ident(&tc.names[*i])).collect();
    let names: Vec<String> = (0..idx.len()).map(|n| format!("\"c{n}\"")).collect();
    let exprs: Vec<String> = idx
        .iter()
        .enumerate()
        .map(|(n, i)| {
            if tc.integer[*i] {
                format!("CAST(\"u\".\"c{n}\" AS INTEGER)")
            } else {
                format!("\"u\".\"c{n}\"")
            }
        })
        .collect();
    let mut affected = 0;
    for chunk in rows.chunks(PG_ARRAY_ROWS) {
        let columns: Vec<Vec<Option<&str>>> = (0..idx.len())
            .map(|k| chunk.iter().map(|r| r[k].as_deref()).collect())
            .collect();
        let mut q = DynQuery::new(format!(
            "INSERT INTO {} ({}) SELECT {} FROM ",
            conn.table_ref(&tc.table),
            cols.join(", "),
            exprs.join(", ")
        ));
        push_unnest(&mut q, &columns, "u", &names);
        if ignore_conflicts {
            q.sql(" ON CONFLICT DO NOTHING");
        }
        affected += conn.exec(q)?;
    }
    Ok(affected)
}

/// `UPDATE t SET … WHERE keys` for one row set.
fn update_one(
    conn: &mut Conn,
    tc: &TableCols,
    keys: &[(usize, &str)],
    values: &[(usize, Option<String>)],
) -> Result<usize, DbError> {
    if values.is_empty() {
        return Ok(0);
    }
    let mut q = DynQuery::new(format!("UPDATE {} SET ", conn.table_ref(&tc.table)));
    for (n, (i, v)) in values.iter().enumerate() {
        if n > 0 {
            q.sql(", ");
        }
        q.sql(&quote_ident(&tc.names[*i])).sql(" = ");
        conn.push_value(&mut q, tc, *i, update_value(v.clone()));
    }
    conn.push_where_eq(&mut q, tc, keys, false);
    conn.exec(q)
}

/// Builds the INSERT record: keys, then values (a value overrides a key of the same column),
/// then '' for every other schema key column (not for the log tables).
fn insert_record(
    tc: &TableCols,
    keys: &[(usize, &str)],
    values: &[(usize, Option<String>)],
) -> Vec<(usize, Option<String>)> {
    let mut rec: Vec<(usize, Option<String>)> = keys
        .iter()
        .map(|(i, v)| (*i, Some(v.to_string())))
        .collect();
    for (i, v) in values {
        match rec.iter_mut().find(|(j, _)| j == i) {
            Some(slot) => slot.1 = v.clone(),
            None => rec.push((*i, v.clone())),
        }
    }
    if let Some(def) = registry::table(&tc.table) {
        if !def.is_log_table() {
            for k in def.keys {
                if let Some(i) = tc.index(k) {
                    if !rec.iter().any(|(j, _)| *j == i) {
                        rec.push((i, Some(String::new())));
                    }
                }
            }
        }
    }
    rec.sort_by_key(|(i, _)| *i);
    rec
}

fn resolve_keys<'a>(
    tc: &TableCols,
    keys: &[(&str, &'a str)],
) -> Result<Vec<(usize, &'a str)>, DbError> {
    keys.iter().map(|(c, v)| Ok((tc.require(c)?, *v))).collect()
}

fn resolve_values(
    tc: &TableCols,
    values: &[(&str, Option<&str>)],
) -> Result<Vec<(usize, Option<String>)>, DbError> {
    values
        .iter()
        .map(|(c, v)| Ok((tc.require(c)?, v.map(str::to_string))))
        .collect()
}

fn set_one(
    conn: &mut Conn,
    tc: &TableCols,
    keys: &[(usize, &str)],
    values: &[(usize, Option<String>)],
) -> Result<(), DbError> {
    let mut q = DynQuery::new(format!("SELECT 1 FROM {}", conn.table_ref(&tc.table)));
    conn.push_where_eq(&mut q, tc, keys, false);
    q.sql(" LIMIT 1");
    if !conn.load(q, 1)?.is_empty() {
        update_one(conn, tc, keys, values)?;
        return Ok(());
    }
    if values.iter().all(|(_, v)| is_empty_value(v)) {
        return Ok(()); // stock: don't insert truly blank rows
    }
    let rec = insert_record(tc, keys, values);
    let idx: Vec<usize> = rec.iter().map(|(i, _)| *i).collect();
    let row: Vec<Option<String>> = rec.into_iter().map(|(_, v)| v).collect();
    if insert_rows(conn, tc, &idx, &[row], true)? == 0 {
        // a concurrent writer inserted the row meanwhile (PostgreSQL): update it
        update_one(conn, tc, keys, values)?;
    }
    Ok(())
}

/// One bulk item with columns resolved to indexes.
type Item = (Vec<(usize, String)>, Vec<(usize, Option<String>)>);
/// Column indexes of a statement (the cache key of a statement shape).
type Sig = Vec<usize>;
/// Pending UPDATE rows: (key tuple, new values).
type UpdateRows = Vec<(Vec<String>, Vec<Option<String>>)>;

/// Pending work of the bulk writer for one key column set.
struct Bulk {
    tc: Arc<TableCols>,
    keyset: Vec<usize>,
    existing: HashSet<Vec<String>>,
    pending_insert_keys: HashSet<Vec<String>>,
    inserts: HashMap<Sig, Vec<Vec<Option<String>>>>,
    pending_update_keys: HashSet<Vec<String>>,
    /// value columns → list of (key tuple, values)
    updates: HashMap<Sig, UpdateRows>,
}

impl Bulk {
    fn load(conn: &mut Conn, tc: Arc<TableCols>, keyset: Vec<usize>) -> Result<Bulk, DbError> {
        let exprs: Vec<String> = keyset.iter().map(|i| conn.read_expr(&tc, *i)).collect();
        let q = DynQuery::new(format!(
            "SELECT {} FROM {}",
            exprs.join(", "),
            conn.table_ref(&tc.table)
        ));
        let rows = conn.load(q, keyset.len())?;
        let existing = rows
            .into_iter()
            .filter_map(|r| r.into_iter().collect::<Option<Vec<String>>>())
            .collect();
        Ok(Bulk {
            tc,
            keyset,
            existing,
            pending_insert_keys: HashSet::new(),
            inserts: HashMap::new(),
            pending_update_keys: HashSet::new(),
            updates: HashMap::new(),
        })
    }

    fn add(
        &mut self,
        conn: &mut Conn,
        keys: Vec<(usize, String)>,
        values: Vec<(usize, Option<String>)>,
    ) -> Result<(), DbError> {
        let tuple: Vec<String> = keys.iter().map(|(_, v)| v.clone()).collect();
        if self.existing.contains(&tuple) {
            if values.is_empty() {
                return Ok(());
            }
            if self.pending_insert_keys.contains(&tuple) {
                self.flush_inserts(conn)?;
            }
            if self.pending_update_keys.contains(&tuple) {
                self.flush_updates(conn)?;
            }
            let mut values = values;
            values.sort_by_key(|(i, _)| *i);
            values.dedup_by_key(|(i, _)| *i);
            let sig: Vec<usize> = values.iter().map(|(i, _)| *i).collect();
            let vals = values.into_iter().map(|(_, v)| update_value(v)).collect();
            self.pending_update_keys.insert(tuple.clone());
            self.updates.entry(sig).or_default().push((tuple, vals));
            return Ok(());
        }
        if values.iter().all(|(_, v)| is_empty_value(v)) {
            return Ok(());
        }
        let key_refs: Vec<(usize, &str)> = keys.iter().map(|(i, v)| (*i, v.as_str())).collect();
        let rec = insert_record(&self.tc, &key_refs, &values);
        let sig: Vec<usize> = rec.iter().map(|(i, _)| *i).collect();
        self.inserts
            .entry(sig)
            .or_default()
            .push(rec.into_iter().map(|(_, v)| v).collect());
        self.existing.insert(tuple.clone());
        self.pending_insert_keys.insert(tuple);
        Ok(())
    }

    fn flush_inserts(&mut self, conn: &mut Conn) -> Result<(), DbError> {
        let mut groups: Vec<(Sig, Vec<Vec<Option<String>>>)> = self.inserts.drain().collect();
        groups.sort_by(|a, b| a.0.cmp(&b.0));
        for (sig, rows) in groups {
            let inserted = insert_rows(conn, &self.tc, &sig, &rows, true)?;
            if inserted < rows.len() {
                // PostgreSQL skipped rows a concurrent writer inserted: update those.
                for row in rows {
                    let keys: Vec<(usize, &str)> = self
                        .keyset
                        .iter()
                        .filter_map(|k| {
                            let p = sig.iter().position(|s| s == k)?;
                            Some((*k, row[p].as_deref().unwrap_or("")))
                        })
                        .collect();
                    let vals: Vec<(usize, Option<String>)> = sig
                        .iter()
                        .zip(row.iter())
                        .filter(|(i, _)| !self.keyset.contains(i))
                        .map(|(i, v)| (*i, v.clone()))
                        .collect();
                    update_one(conn, &self.tc, &keys, &vals)?;
                }
            }
        }
        self.pending_insert_keys.clear();
        Ok(())
    }

    fn flush_updates(&mut self, conn: &mut Conn) -> Result<(), DbError> {
        let mut groups: Vec<_> = self.updates.drain().collect();
        groups.sort_by(|a, b| a.0.cmp(&b.0));
        for (sig, rows) in groups {
            bulk_update(conn, &self.tc, &self.keyset, &sig, &rows)?;
        }
        self.pending_update_keys.clear();
        Ok(())
    }

    fn flush(&mut self, conn: &mut Conn) -> Result<(), DbError> {
        self.flush_inserts(conn)?;
        self.flush_updates(conn)
    }
}

/// `WITH v(k.., v..) AS (VALUES …) UPDATE t AS t SET c = v.vN … FROM v WHERE t.k = v.kN`.
fn bulk_update(
    conn: &mut Conn,
    tc: &TableCols,
    keyset: &[usize],
    sig: &[usize],
    rows: &[(Vec<String>, Vec<Option<String>>)],
) -> Result<(), DbError> {
    let backend = conn.backend();
    let pg = backend == Backend::Pg;
    let width = keyset.len() + sig.len();
    let mut names: Vec<String> = (0..keyset.len()).map(|n| format!("\"k{n}\"")).collect();
    names.extend((0..sig.len()).map(|n| format!("\"v{n}\"")));
    let mut tail = format!(") UPDATE {} AS \"t\" SET ", conn.table_ref(&tc.table));
    for (n, i) in sig.iter().enumerate() {
        if n > 0 {
            tail.push_str(", ");
        }
        let col = quote_ident(&tc.names[*i]);
        if pg && tc.integer[*i] {
            tail.push_str(&format!("{col} = CAST(\"v\".\"v{n}\" AS INTEGER)"));
        } else {
            tail.push_str(&format!("{col} = \"v\".\"v{n}\""));
        }
    }
    tail.push_str(" FROM \"v\" WHERE ");
    for (n, i) in keyset.iter().enumerate() {
        if n > 0 {
            tail.push_str(" AND ");
        }
        let col = format!("\"t\".{}", quote_ident(&tc.names[*i]));
        if pg && tc.integer[*i] {
            tail.push_str(&format!("CAST({col} AS TEXT) = \"v\".\"k{n}\""));
        } else {
            tail.push_str(&format!("{col} = \"v\".\"k{n}\""));
        }
    }
    if pg && rows.len() > 1 {
        let set_where = tail.trim_start_matches(") ");
        let (set_part, where_part) = set_where
            .split_once(" FROM \"v\" WHERE ")
            .unwrap_or((set_where, "TRUE"));
        for chunk in rows.chunks(PG_ARRAY_ROWS) {
            let mut columns: Vec<Vec<Option<&str>>> = (0..keyset.len())
                .map(|k| {
                    chunk
                        .iter()
                        .map(|(keys, _)| Some(keys[k].as_str()))
                        .collect()
                })
                .collect();
            columns.extend(
                (0..sig.len()).map(|k| chunk.iter().map(|(_, vals)| vals[k].as_deref()).collect()),
            );
            let mut q = DynQuery::new(format!("{set_part} FROM "));
            push_unnest(&mut q, &columns, "v", &names);
            q.sql(" WHERE ").sql(where_part);
            conn.exec(q)?;
        }
        return Ok(());
    }
    let head = format!("WITH \"v\"({}) AS (VALUES ", names.join(", "));
    let mut done = 0;
    for size in chunk_sizes(rows.len(), width, backend) {
        let mut q = DynQuery::new(head.clone());
        for (r, (keys, vals)) in rows[done..done + size].iter().enumerate() {
            q.sql(if r == 0 { "(" } else { ", (" });
            let mut first = true;
            for k in keys {
                if !first {
                    q.sql(", ");
                }
                first = false;
                q.bind_str(k);
            }
            for v in vals {
                q.sql(", ");
                q.bind(v.clone());
            }
            q.sql(")");
        }
        q.sql(&tail);
        conn.exec(q)?;
        done += size;
    }
    Ok(())
}

impl Conn {
    /// Stock `setAttribs(keys, values)`.
    pub fn set_attribs(
        &mut self,
        table: &str,
        keys: &[(&str, &str)],
        values: &[(&str, Option<&str>)],
    ) -> Result<(), DbError> {
        self.require_writable()?;
        let tc = self.table_cols(table)?;
        let keys = resolve_keys(&tc, keys)?;
        let values = resolve_values(&tc, values)?;
        set_one(self, &tc, &keys, &values)
    }

    /// `set_attribs` for many items with the same semantics, applied in order, in bulk.
    #[allow(clippy::type_complexity)]
    pub fn set_attribs_many(
        &mut self,
        table: &str,
        items: &[(Vec<(String, String)>, Vec<(String, Option<String>)>)],
    ) -> Result<(), DbError> {
        self.require_writable()?;
        let tc = self.table_cols(table)?;
        let mut resolved: Vec<Item> = Vec::with_capacity(items.len());
        for (keys, values) in items {
            let mut k: Vec<(usize, String)> = keys
                .iter()
                .map(|(c, v)| Ok((tc.require(c)?, v.clone())))
                .collect::<Result<_, DbError>>()?;
            k.sort_by_key(|(i, _)| *i);
            k.dedup_by_key(|(i, _)| *i);
            let v: Vec<(usize, Option<String>)> = values
                .iter()
                .map(|(c, v)| Ok((tc.require(c)?, v.clone())))
                .collect::<Result<_, DbError>>()?;
            resolved.push((k, v));
        }
        let mut bulk: Option<Bulk> = None;
        for (keys, values) in resolved {
            if keys.is_empty() {
                if let Some(b) = bulk.as_mut() {
                    b.flush(self)?;
                }
                bulk = None;
                set_one(self, &tc, &[], &values)?;
                continue;
            }
            let keyset: Vec<usize> = keys.iter().map(|(i, _)| *i).collect();
            if bulk.as_ref().is_none_or(|b| b.keyset != keyset) {
                if let Some(b) = bulk.as_mut() {
                    b.flush(self)?;
                }
                bulk = Some(Bulk::load(self, tc.clone(), keyset)?);
            }
            if let Some(b) = bulk.as_mut() {
                b.add(self, keys, values)?;
            }
        }
        if let Some(b) = bulk.as_mut() {
            b.flush(self)?;
        }
        Ok(())
    }
}
