//! `tabdump`: the table list, table/column descriptions (`-d`), a table as
//! stock CSV (all rows, disabled included, insertion order), `-w` filters,
//! `-n` (last N records of auditlog/eventlog) and `-f FILE` (written by the
//! daemon, so only for privileged callers).  Output is streamed in bounded
//! documents.

use super::output::{self, Chunked};
use super::{dbutil, descriptions, where_filter};
use crate::api::{Ctx, HandlerError, Responder};
use crate::getopt::{Config, Spec};
use std::io::Write;
use xcat_proto::Request;
use xcat_schema::db::{Conn, DbError, FilterOp, Row};

const USAGE: &[&str] = &[
    "Usage: tabdump [-d] [table]",
    "       tabdump      [table]",
    "       tabdump [-f <filename>]  [table]",
    "       tabdump [-n <# of records>]  [auditlog | eventlog]",
    "       tabdump [-w attr==val [-w attr=~val] ...] [table]",
    "       tabdump [-w attr==val [-w attr=~val] ...] [-f <filename>] [table]",
    "       tabdump [-?|-h|--help]",
    "       tabdump {-v|--version}",
    "       tabdump ",
];

/// tabdump reconfigures: `posix_default` (options first, no abbreviations),
/// then `bundling` (xCAT-server/lib/xcat/plugins/tabutils.pm:599-601).
const TABDUMP: Config = Config::DEFAULT.posix_default().bundling();

const OPTS: &[Spec] = &[
    Spec::new("h|?|help"),
    Spec::new("v|version"),
    Spec::new("n|lines=i"),
    Spec::new("d"),
    Spec::new("f=s"),
    Spec::new("w=s@"),
];

/// Resolve `-f` against the request's cwd as stock does.
fn resolve_file(name: &str, cwd: Option<&str>) -> String {
    if name.starts_with('/') {
        name.to_string()
    } else {
        format!("{}/{}", cwd.unwrap_or(""), name)
    }
}

pub fn run(ctx: &Ctx, req: &Request, out: &mut dyn Responder) -> Result<(), HandlerError> {
    let argv = req.args();
    let opts = match TABDUMP.parse(&argv, OPTS) {
        Ok(p) => p,
        Err(_) => return Ok(output::usage(out, USAGE, 1)?),
    };
    if opts.has("v") {
        return Ok(output::version(ctx, out)?);
    }
    if opts.has("h") {
        return Ok(output::usage(out, USAGE, 0)?);
    }
    let lines = opts.int("n").filter(|n| *n != 0);
    let desc = opts.has("d");
    let filters = opts.strs("w");
    let file = opts.str("f").filter(|f| !f.is_empty());
    if lines.is_some() && desc {
        return Ok(output::error(
            out,
            "You  cannot use the -n and -d flag together. ",
            1,
        )?);
    }
    if lines.is_some() && !filters.is_empty() {
        return Ok(output::error(
            out,
            "You  cannot use the -n and -w flag together. ",
            1,
        )?);
    }
    if lines.is_some() && file.is_some() {
        return Ok(output::error(
            out,
            "You  cannot use the -n and -f flag together. ",
            1,
        )?);
    }
    if opts.rest.len() > 1 {
        return Ok(output::usage(out, USAGE, 1)?);
    }
    let Some(table) = opts.rest.first().map(String::as_str) else {
        if file.is_some() {
            return Ok(output::error(
                out,
                "table name missing from the command input. ",
                1,
            )?);
        }
        return list_tables(ctx, out, desc);
    };
    if lines.is_some() && !table.starts_with("auditlog") && !table.starts_with("eventlog") {
        let msg = format!("{table} table is not supported in tabdump -n. You may only use this option on the auditlog or the eventlog.");
        return Ok(output::error(out, msg, 1)?);
    }
    if table.starts_with("x_teal") {
        let msg =
            format!("{table} table is not supported in tabdump. Use Teal maintenance commands. ");
        return Ok(output::error(out, msg, 1)?);
    }
    if desc {
        return describe_table(ctx, out, table);
    }
    let exists = ctx.db.read(|c| dbutil::table_exists(c, table))?;
    if !exists {
        return Ok(output::error(out, format!("No such table: {table}"), 1)?);
    }
    if let Some(n) = lines {
        return last_records(ctx, out, table, n);
    }
    let conds = match parse_filters(ctx, table, &filters)? {
        Ok(c) => c,
        Err(msg) => return Ok(output::error(out, msg, 1)?),
    };
    if let Some(file) = file {
        if !ctx.privileged {
            let msg = format!(
                "Error on tabdump of {table} to {file}. Only root may write files with tabdump -f."
            );
            return Ok(output::error(out, msg, 1)?);
        }
        let path = resolve_file(file, req.cwd());
        return dump_to_file(ctx, out, table, &conds, &path);
    }
    let (cols, rows) = read_rows(ctx, table, &conds)?;
    let mut chunks = Chunked::new(out);
    if rows.is_empty() {
        let schema_cols = ctx.db.read(|c| dbutil::schema_columns(c, table))?;
        chunks.line(dbutil::csv_header(&schema_cols))?;
    } else {
        chunks.line(dbutil::csv_header(&cols))?;
        for row in &rows {
            chunks.line(dbutil::csv_line(row))?;
        }
    }
    chunks.flush()?;
    Ok(())
}

/// `tabdump` and `tabdump -d` without a table.
fn list_tables(ctx: &Ctx, out: &mut dyn Responder, desc: bool) -> Result<(), HandlerError> {
    let tables = ctx.db.read(dbutil::all_tables)?;
    let mut chunks = Chunked::new(out);
    let count = tables.len();
    for (i, t) in tables.iter().enumerate() {
        if desc {
            let text = descriptions::table(t).unwrap_or("User-defined table.");
            let mut l = descriptions::line(t, text);
            if i + 1 == count {
                l.pop();
            }
            chunks.line(l)?;
        } else {
            chunks.line(t.clone())?;
        }
    }
    chunks.flush()?;
    Ok(())
}

/// `tabdump -d <table>`.
fn describe_table(ctx: &Ctx, out: &mut dyn Responder, table: &str) -> Result<(), HandlerError> {
    let cols = ctx.db.read(|c| {
        if dbutil::table_exists(c, table)? {
            dbutil::schema_columns(c, table).map(Some)
        } else {
            Ok(None)
        }
    })?;
    let Some(cols) = cols else {
        return Ok(output::error(
            out,
            format!("table {table} does not exist."),
            1,
        )?);
    };
    let mut lines: Vec<String> = cols
        .iter()
        .map(|c| descriptions::line(c, &descriptions::column(table, c)))
        .collect();
    if let Some(last) = lines.last_mut() {
        last.pop();
    }
    let mut chunks = Chunked::new(out);
    for l in lines {
        chunks.line(l)?;
    }
    chunks.flush()?;
    Ok(())
}

/// Parse `-w` expressions and check their columns.
fn parse_filters(
    ctx: &Ctx,
    table: &str,
    filters: &[&str],
) -> Result<Result<Vec<where_filter::Cond>, String>, HandlerError> {
    let mut conds = Vec::new();
    for f in filters {
        match where_filter::parse(f) {
            Ok(c) => conds.push(c),
            Err(msg) => return Ok(Err(msg)),
        }
    }
    if conds.is_empty() {
        return Ok(Ok(conds));
    }
    let cols = ctx.db.read(|c| c.columns(table))?;
    for c in &conds {
        if !cols.contains(&c.column) {
            return Ok(Err(format!(
                "No column \"{}\" in table \"{table}\"",
                c.column
            )));
        }
    }
    Ok(Ok(conds))
}

/// Rows to dump: all rows, or the active rows passing every filter (SQL
/// with bound parameters, so LIKE and comparisons behave as on stock's
/// backend).
pub fn read_rows(
    ctx: &Ctx,
    table: &str,
    conds: &[where_filter::Cond],
) -> Result<(Vec<String>, Vec<Row>), DbError> {
    ctx.db.read(|c| read_rows_in(c, table, conds))
}

fn read_rows_in(
    c: &mut Conn,
    table: &str,
    conds: &[where_filter::Cond],
) -> Result<(Vec<String>, Vec<Row>), DbError> {
    let cols = c.columns(table)?;
    if conds.is_empty() {
        let rows = c.all_rows(table, false)?;
        return Ok((cols, rows));
    }
    let col_refs: Vec<&str> = cols.iter().map(String::as_str).collect();
    let filters: Vec<(&str, FilterOp, &str)> = conds
        .iter()
        .map(|k| (k.column.as_str(), k.op, k.value.as_str()))
        .collect();
    let rows = c.select_filtered(table, &col_refs, &filters, true)?;
    Ok((cols, rows))
}

/// `tabdump -n N auditlog|eventlog`: active rows with recid > max(recid) - N.
fn last_records(
    ctx: &Ctx,
    out: &mut dyn Responder,
    table: &str,
    n: i64,
) -> Result<(), HandlerError> {
    let (cols, rows) = ctx.db.read(|c| {
        let cols = c.columns(table)?;
        let rows = c.all_rows(table, true)?;
        Ok((cols, rows))
    })?;
    let Some(ri) = cols.iter().position(|c| c == "recid") else {
        return Ok(output::error(out, format!("Unable to open {table}"), 4)?);
    };
    let recid = |r: &Row| {
        r.get(ri)
            .and_then(|v| v.as_deref())
            .and_then(|v| v.trim().parse::<i64>().ok())
    };
    let Some(max) = rows.iter().filter_map(recid).max() else {
        let r = xcat_proto::Response::new()
            .data(format!("Nothing to display from {table}."))
            .errorcode(0);
        out.send(r)?;
        return Ok(());
    };
    let from = max - n;
    let mut chunks = Chunked::new(out);
    chunks.line(dbutil::csv_header(&cols))?;
    for row in rows.iter().filter(|r| recid(r).is_some_and(|id| id > from)) {
        chunks.line(dbutil::csv_line(row))?;
    }
    chunks.flush()?;
    Ok(())
}

/// `tabdump -f FILE`: header and rows into FILE (created or truncated).
fn dump_to_file(
    ctx: &Ctx,
    out: &mut dyn Responder,
    table: &str,
    conds: &[where_filter::Cond],
    path: &str,
) -> Result<(), HandlerError> {
    let file = match std::fs::File::create(path) {
        Ok(f) => f,
        Err(_) => {
            let msg = format!(
                "Error on tabdump of {table} to {path}. Unable to open the file for write. "
            );
            return Ok(output::error(out, msg, 1)?);
        }
    };
    let (cols, rows) = read_rows(ctx, table, conds)?;
    let mut w = std::io::BufWriter::new(file);
    let mut write = || -> std::io::Result<()> {
        writeln!(w, "{}", dbutil::csv_header(&cols))?;
        for row in &rows {
            writeln!(w, "{}", dbutil::csv_line(row))?;
        }
        w.flush()
    };
    if write().is_err() {
        return Ok(output::error(
            out,
            format!("Error on tabdump of {table} to {path} "),
            1,
        )?);
    }
    Ok(())
}
