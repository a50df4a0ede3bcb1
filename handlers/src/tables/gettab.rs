//! `gettab [-H] key=value[,key=value] table.column ...`: the requested columns
//! of the first active row matching the keys (no inheritance, no regex).  One
//! column without `-H` prints the bare value, otherwise `table.column: value`.
//! Tables and columns are printed in command-line order (stock: hash order).

use super::args;
use super::{dbutil, output};
use crate::api::{Ctx, HandlerError, Responder};
use crate::getopt::Spec;
use xcat_proto::{Request, Response};
use xcat_schema::db::{Conn, DbError};
use xcat_schema::registry;

const USAGE: &[&str] = &[
    "Usage: gettab [-H|--with-fieldname] key=value,...  table.attribute ...",
    "       gettab [-?|-h|--help]",
];

const OPTS: &[Spec] = &[Spec::new("h|?|help"), Spec::new("H|with-fieldname")];

/// Key pairs as stock splits them: `split /=/` keeps the first two fields; a
/// missing value reads as undef.
fn parse_keys(spec: &str) -> Option<Vec<(String, Option<String>)>> {
    let mut keys = Vec::new();
    for pair in spec.split(',') {
        let mut it = pair.split('=');
        let key = it.next().filter(|k| !k.is_empty())?;
        keys.push((key.to_string(), it.next().map(str::to_string)));
    }
    Some(keys)
}

/// Perl truthiness of a key value: undef, '' and '0' become `IS NULL`.
fn is_false(v: &Option<String>) -> bool {
    matches!(v.as_deref(), None | Some("") | Some("0"))
}

/// getAttribs: first active row matching the keys with at least one of
/// `cols` non-empty.
pub fn get_attribs(
    conn: &mut Conn,
    table: &str,
    keys: &[(String, Option<String>)],
    cols: &[&str],
) -> Result<Option<Vec<Option<String>>>, DbError> {
    let eq: Vec<(&str, &str)> = keys
        .iter()
        .filter(|(_, v)| !is_false(v))
        .map(|(k, v)| (k.as_str(), v.as_deref().unwrap_or("")))
        .collect();
    let null_keys: Vec<&str> = keys
        .iter()
        .filter(|(_, v)| is_false(v))
        .map(|(k, _)| k.as_str())
        .collect();
    let mut want: Vec<&str> = cols.to_vec();
    want.extend(null_keys.iter().copied());
    let rows = conn.select(table, &want, &eq, true)?;
    for mut row in rows {
        let nulls_ok = row[cols.len()..].iter().all(Option::is_none);
        row.truncate(cols.len());
        let any = row
            .iter()
            .any(|v| v.as_deref().is_some_and(|v| !v.is_empty()));
        if nulls_ok && any {
            return Ok(Some(row));
        }
    }
    Ok(None)
}

pub fn run(ctx: &Ctx, req: &Request, out: &mut dyn Responder) -> Result<(), HandlerError> {
    let argv = req.args();
    if argv.is_empty() {
        return Ok(output::usage(out, USAGE, 1)?);
    }
    let Ok(opts) = args::TABUTILS.parse(&argv, OPTS) else {
        return Ok(output::usage(out, USAGE, 1)?);
    };
    if opts.has("h") {
        return Ok(output::usage(out, USAGE, 0)?);
    }
    if opts.rest.len() < 2 {
        return Ok(output::usage(out, USAGE, 1)?);
    }
    let Some(keys) = parse_keys(&opts.rest[0]) else {
        return Ok(output::usage(out, USAGE, 1)?);
    };
    let mut terse: i64 = if opts.has("H") { 0 } else { 2 };
    let mut tables: Vec<(String, Vec<String>)> = Vec::new();
    for spec in &opts.rest[1..] {
        terse -= 1;
        let mut it = spec.split('.');
        let t = it.next().unwrap_or("").to_string();
        let c = it.next().unwrap_or("").to_string();
        match tables.iter_mut().find(|(n, _)| *n == t) {
            Some((_, cols)) => {
                if !cols.contains(&c) {
                    cols.push(c)
                }
            }
            None => tables.push((t, vec![c])),
        }
    }
    for (t, cols) in &tables {
        let known: Vec<String> = match registry::table(t) {
            Some(d) => d.cols.iter().map(|c| c.to_string()).collect(),
            None if registry::is_user_table_name(t) => ctx.db.read(|c| {
                if dbutil::table_exists(c, t)? {
                    c.columns(t)
                } else {
                    Ok(Vec::new())
                }
            })?,
            None => Vec::new(),
        };
        for (k, _) in &keys {
            if !known.contains(k) {
                return Ok(output::error(out, format!("Unknown key {k} to {t}"), 1)?);
            }
        }
        for c in cols {
            if !known.contains(c) {
                let msg = format!("{t}.{c} not a valid table.column description");
                return Ok(output::error(out, msg, 1)?);
            }
        }
    }
    let mut reply = Response::new();
    for (t, cols) in &tables {
        let col_refs: Vec<&str> = cols.iter().map(String::as_str).collect();
        let row = ctx.db.read(|c| get_attribs(c, t, &keys, &col_refs))?;
        let Some(row) = row else { continue };
        for (c, v) in cols.iter().zip(row) {
            let v = v.unwrap_or_default();
            reply = if terse > 0 {
                reply.data(v)
            } else {
                reply.data(format!("{t}.{c}: {v}"))
            };
        }
    }
    if !reply.is_empty() {
        out.send(reply)?;
    }
    Ok(())
}
