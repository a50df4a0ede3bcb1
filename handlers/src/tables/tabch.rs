//! `tabch` (the daemon side of `chtab`): add or update the rows matching
//! `key=value[,key=value]` with `table.column=value` (or `+=` to merge a comma
//! list without duplicates), or delete them with `-d`.  Key pairs split on the
//! LAST `=`.  Everything (the `+=` read included) runs in one write
//! transaction, so concurrent tabch of one key end with one row.

use super::args;
use super::{dbutil, output};
use crate::api::{Ctx, HandlerError, Responder};
use crate::getopt::{Config, Spec};
use xcat_proto::Request;
use xcat_schema::db::{Conn, DbError};

const USAGE: &[&str] = &[
    "Usage: tabch",
    "       To add or update rows for tables:",
    "       tabch keycolname=keyvalue[,keycolname=keyvalue...] tablename.colname=newvalue [tablename.colname=newvalue...]",
    "       To delete rows from tables:",
    "       tabch -d|--delete keycolname=keyvalue[,keycolname=keyvalue...] tablename [tablename...]",
    "         keycolname=keyvalue   a column name-and-value pair ",
    "         that identifies the rows in a table to be changed.",
    "         tablename.colname=newvalue ",
    "         the new value for the specified row and column of the table.",
    "       tabch [-h|--help]",
    "       tabch [-v|--version]",
];

/// tabch adds `$Getopt::Long::ignorecase = 0` to tabutils' configuration
/// (xCAT-server/lib/xcat/plugins/tabutils.pm:2271-2272): `--DELETE` is refused.
const TABCH: Config = args::TABUTILS.no_ignore_case();

const OPTS: &[Spec] = &[
    Spec::new("d|delete"),
    Spec::new("h|help"),
    Spec::new("v|version"),
];

/// Stock's test for "the first argument is already an assignment":
/// `/([^.=]+)\.([^.=]+)=(.+)/` anywhere in the first key pair.
pub fn looks_like_assignment(s: &str) -> bool {
    let b = s.as_bytes();
    for (dot, _) in s.match_indices('.') {
        let before_ok = dot > 0 && b[dot - 1] != b'=' && b[dot - 1] != b'.';
        if !before_ok {
            continue;
        }
        // [^.=]+ after the dot, then '=' and at least one character.
        let rest = &s[dot + 1..];
        let name_len = rest.find(['.', '=']).unwrap_or(rest.len());
        if name_len > 0 && rest[name_len..].starts_with('=') && rest.len() > name_len + 1 {
            return true;
        }
    }
    false
}

/// `key=value` pairs split on the last `=`; `Err(pair)` for a pair without `=`.
pub fn parse_keys(target: &str) -> Result<Vec<(String, String)>, String> {
    let mut keys = Vec::new();
    for pair in target.split(',') {
        let Some(at) = pair.rfind('=') else {
            return Err(pair.to_string());
        };
        keys.push((pair[..at].to_string(), pair[at + 1..].to_string()));
    }
    // Perl's split drops trailing empty fields.
    Ok(keys)
}

/// Merge a comma list without duplicates, existing values first.
pub fn merge_list(existing: &str, add: &str) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for item in existing.split(',').chain(add.split(',')) {
        if !item.is_empty() && !seen.contains(&item) {
            seen.push(item);
        }
    }
    seen.join(",")
}

enum Change {
    Set(String, Option<String>),
    Merge(String, String),
}

/// Why a tabch write stopped (rolled back).
enum Stop {
    Reply(Vec<String>, bool, i64),
    Db(DbError),
}

impl From<DbError> for Stop {
    fn from(e: DbError) -> Stop {
        Stop::Db(e)
    }
}

fn data_stop(lines: &[&str], code: i64) -> Stop {
    Stop::Reply(lines.iter().map(|s| s.to_string()).collect(), false, code)
}

fn error_stop(text: String, code: i64) -> Stop {
    Stop::Reply(vec![text], true, code)
}

fn check_keys(conn: &mut Conn, table: &str, keys: &[(String, String)]) -> Result<(), Stop> {
    let cols = conn.columns(table)?;
    for (k, _) in keys {
        if !cols.iter().any(|c| c == k) {
            return Err(error_stop(
                format!("No column \"{k}\" in table \"{table}\""),
                1,
            ));
        }
    }
    Ok(())
}

pub fn run(ctx: &Ctx, req: &Request, out: &mut dyn Responder) -> Result<(), HandlerError> {
    let argv = req.args();
    if argv.is_empty() {
        return Ok(output::usage(out, USAGE, 1)?);
    }
    let Ok(opts) = TABCH.parse(&argv, OPTS) else {
        return Ok(output::usage(out, USAGE, 1)?);
    };
    if opts.has("h") {
        return Ok(output::usage(out, USAGE, 0)?);
    }
    if opts.has("v") {
        let line = format!("tabch :{}", ctx.server.version_line);
        return Ok(output::usage(out, &[&line], 0)?);
    }
    let mut rest = opts.rest.clone();
    if rest.is_empty() || rest[0].is_empty() {
        return Ok(output::usage(out, USAGE, 1)?);
    }
    let target = rest.remove(0);
    let first_pair = target.split(',').next().unwrap_or("");
    let keys = if looks_like_assignment(first_pair) {
        rest.insert(0, target.clone());
        Vec::new()
    } else {
        match parse_keys(&target) {
            Ok(k) => k,
            Err(bad) => {
                let l1 = format!("Incorrect argument \"{bad}\".\n");
                return Ok(output::data_error(
                    out,
                    &[&l1, "Check man tabch or tabch -h\n"],
                    1,
                )?);
            }
        }
    };
    let result = if opts.has("d") {
        ctx.db.write(|conn| delete(conn, &keys, &rest))
    } else {
        ctx.db.write(|conn| update(conn, &keys, &rest))
    };
    match result {
        Ok(replies) => {
            for (text, code) in replies {
                output::data_error(out, &[&text], code)?;
            }
            Ok(())
        }
        Err(Stop::Db(e)) => Ok(output::error(out, format!("DB error {e}"), 4)?),
        Err(Stop::Reply(lines, is_error, code)) => {
            if is_error {
                for l in lines {
                    output::error(out, l, code)?;
                }
            } else {
                let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
                output::data_error(out, &refs, code)?;
            }
            Ok(())
        }
    }
}

/// `tabch -d keys table ...`: messages for missing tables are reported but
/// do not stop the others.
fn delete(
    conn: &mut Conn,
    keys: &[(String, String)],
    tables: &[String],
) -> Result<Vec<(String, i64)>, Stop> {
    if tables.is_empty() {
        return Err(data_stop(
            &["Missing table name.\n", "Check man tabch or tabch -h\n"],
            1,
        ));
    }
    let mut replies = Vec::new();
    let eq: Vec<(&str, &str)> = keys.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    for t in tables {
        if !dbutil::table_exists(conn, t)? {
            replies.push((format!("Table {t} does not exist."), 1));
            continue;
        }
        check_keys(conn, t, keys)?;
        conn.delete_where(t, &eq)?;
    }
    Ok(replies)
}

/// `tabch keys table.col=value ...`.
fn update(
    conn: &mut Conn,
    keys: &[(String, String)],
    assignments: &[String],
) -> Result<Vec<(String, i64)>, Stop> {
    let mut per_table: Vec<(String, Vec<Change>)> = Vec::new();
    for a in assignments {
        let (table, spec) = match a.split_once('.') {
            Some((t, s)) => (t.to_string(), Some(s.to_string())),
            None => (a.clone(), None),
        };
        if !dbutil::table_exists(conn, &table)? {
            return Err(data_stop(&[&format!("Table {table} does not exist.\n")], 1));
        }
        check_keys(conn, &table, keys)?;
        let spec = spec.unwrap_or_default();
        let change = if let Some((col, val)) = spec.split_once("+=") {
            Change::Merge(col.to_string(), val.to_string())
        } else {
            match spec.split_once('=') {
                Some((col, val)) => Change::Set(col.to_string(), Some(val.to_string())),
                None => Change::Set(spec.clone(), None),
            }
        };
        let col = match &change {
            Change::Set(c, _) | Change::Merge(c, _) => c.clone(),
        };
        let cols = conn.columns(&table)?;
        if col.is_empty() || !cols.contains(&col) {
            return Err(error_stop(
                format!("{table}.{col} not a valid table.column description"),
                1,
            ));
        }
        match per_table.iter_mut().find(|(t, _)| *t == table) {
            Some((_, v)) => v.push(change),
            None => per_table.push((table, vec![change])),
        }
    }
    let eq: Vec<(&str, &str)> = keys.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    for (table, changes) in per_table {
        let mut values: Vec<(String, Option<String>)> = Vec::new();
        for ch in changes {
            let (col, val) = match ch {
                Change::Set(c, v) => (c, v),
                Change::Merge(c, add) => {
                    let current = current_value(conn, &table, &eq, &c)?;
                    let merged = match current {
                        Some(cur) => merge_list(&cur, &add),
                        None => add,
                    };
                    (c, Some(merged))
                }
            };
            match values.iter_mut().find(|(c, _)| *c == col) {
                Some(slot) => slot.1 = val,
                None => values.push((col, val)),
            }
        }
        let vals: Vec<(&str, Option<&str>)> = values
            .iter()
            .map(|(c, v)| (c.as_str(), v.as_deref()))
            .collect();
        conn.set_attribs(&table, &eq, &vals)?;
    }
    Ok(Vec::new())
}

/// getAttribs: the column of the first active row matching the keys, when
/// non-empty.
fn current_value(
    conn: &mut Conn,
    table: &str,
    eq: &[(&str, &str)],
    col: &str,
) -> Result<Option<String>, DbError> {
    let rows = conn.select(table, &[col], eq, true)?;
    Ok(rows
        .into_iter()
        .filter_map(|r| r.into_iter().next().flatten())
        .find(|v| !v.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_parsing() {
        assert!(looks_like_assignment("site.value=1"));
        assert!(!looks_like_assignment("node=cn21"));
        assert!(!looks_like_assignment("key=a.b"));
        assert!(looks_like_assignment("key=a.b=c"));
        assert_eq!(
            parse_keys("a=b=c,node=n1").unwrap(),
            vec![
                ("a=b".to_string(), "c".to_string()),
                ("node".to_string(), "n1".to_string())
            ]
        );
        assert_eq!(parse_keys("x").unwrap_err(), "x");
        assert_eq!(merge_list("a,b", "b,c"), "a,b,c");
    }
}
