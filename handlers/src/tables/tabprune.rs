//! `tabprune <eventlog|auditlog> [-V] -a | -n N | -i recid | -p percent | -d days`
//! (`-a` works on any table): deletes old records in one write transaction,
//! `-V` prints the removed rows instead of `tabprune of <t> complete.`.
//! As stock, only active rows are considered by -n/-p/-i/-d.

use super::args;
use super::where_filter::{Cond, Op};
use super::{dbutil, output};
use crate::api::{Ctx, HandlerError, Responder};
use crate::getopt::Spec;
use xcat_proto::{Request, Response};
use xcat_schema::db::{Conn, DbError, Row};

const USAGE: &[&str] = &[
    "Usage: tabprune <tablename> [-V] -a",
    "       tabprune <tablename> [-V] -n <# of records>",
    "       tabprune <tablename> [-V] -i <recid>",
    "       tabprune <tablename> [-V] -p <percent>",
    "       tabprune <tablename> [-V] -d <# of days>",
    "       tabprune [-h|--help]",
    "       tabprune [-v|--version]",
    "       tables supported:eventlog,auditlog,unless -a which supports all tables",
    "       -d option only supported for eventlog,auditlog",
];

const OPTS: &[Spec] = &[
    Spec::new("h|?|help"),
    Spec::new("v|version"),
    Spec::new("V"),
    Spec::new("p|percent=i"),
    Spec::new("d|days=i"),
    Spec::new("i|recid=s"),
    Spec::new("a"),
    Spec::new("n|number=i"),
];

/// What to prune.
#[derive(Debug, Clone)]
enum Mode {
    All,
    Number(i64),
    Percent(i64),
    Recid(String),
    Days(i64),
}

fn msg(out: &mut dyn Responder, text: &str, code: i64) -> Result<(), HandlerError> {
    Ok(output::data_error(out, &[text], code)?)
}

pub fn run(ctx: &Ctx, req: &Request, out: &mut dyn Responder) -> Result<(), HandlerError> {
    let argv = req.args();
    let Some(opts) = args::parse_or_answer(ctx, out, &argv, OPTS, USAGE)? else {
        return Ok(());
    };
    if opts.rest.len() > 1 {
        return Ok(output::usage(out, USAGE, 1)?);
    }
    let Some(table) = opts.rest.first() else {
        return msg(out, "Table name required.", 1);
    };
    let table: String = table.chars().filter(|c| !c.is_whitespace()).collect();
    let log_table = table == "eventlog" || table == "auditlog";
    let all = opts.has("a");
    if !log_table && table != "isnm_perf" && table != "isnm_perf_sum" && !all {
        let t = format!("Table {table} not supported, see tabprune -h for supported tables.");
        return msg(out, &t, 1);
    }
    if !log_table && opts.has("d") {
        return msg(
            out,
            &format!("Table {table} not supported for the -d option."),
            1,
        );
    }
    let given = ["p", "i", "a", "n"].iter().filter(|k| opts.has(k)).count();
    if given == 0 && !opts.has("d") {
        return msg(
            out,
            "One option -p or -i or -n or -a or -d must be supplied.",
            1,
        );
    }
    if given > 1 {
        return msg(
            out,
            "Only one option -p or -i or -n or -a maybe used at a time.",
            1,
        );
    }
    let mut modes = Vec::new();
    if all {
        modes.push(Mode::All);
    }
    if let Some(n) = opts.int("n") {
        modes.push(Mode::Number(n));
    }
    if let Some(p) = opts.int("p") {
        modes.push(Mode::Percent(p));
    }
    if let Some(r) = opts.str("i") {
        modes.push(Mode::Recid(r.to_string()));
    }
    if let Some(d) = opts.int("d") {
        modes.push(Mode::Days(d));
    }
    let recid_col = if log_table {
        "recid"
    } else if table == "isnm_perf" {
        "perfid"
    } else {
        "period"
    };
    let verbose = opts.has("V");
    let result = ctx
        .db
        .write(|conn| -> Result<Result<Vec<Response>, String>, DbError> {
            if !dbutil::table_exists(conn, &table)? {
                return Ok(Err(format!("Unable to open {table}")));
            }
            let mut replies = Vec::new();
            for m in &modes {
                replies.extend(prune(conn, &table, recid_col, m, verbose)?);
            }
            Ok(Ok(replies))
        })?;
    match result {
        Err(e) => Ok(output::error(out, e, 4)?),
        Ok(replies) => {
            for r in replies {
                out.send(r)?;
            }
            if !verbose {
                msg(out, &format!("tabprune of {table} complete."), 0)?;
            }
            Ok(())
        }
    }
}

fn dump(cols: &[String], rows: &[&Row]) -> Response {
    let mut r = Response::new().data(dbutil::csv_header(cols));
    for row in rows {
        r = r.data(dbutil::csv_line(row));
    }
    r
}

fn prune(
    conn: &mut Conn,
    table: &str,
    recid_col: &str,
    mode: &Mode,
    verbose: bool,
) -> Result<Vec<Response>, DbError> {
    let cols = conn.columns(table)?;
    let mut replies = Vec::new();
    if let Mode::All = mode {
        if verbose {
            let rows = conn.all_rows(table, false)?;
            replies.push(dump(&cols, &rows.iter().collect::<Vec<_>>()));
        }
        conn.delete_all(table)?;
        return Ok(replies);
    }
    let Some(ri) = cols.iter().position(|c| c == recid_col) else {
        return Ok(replies);
    };
    let rows = conn.all_rows(table, true)?;
    let ids: Vec<i64> = rows
        .iter()
        .filter_map(|r| r.get(ri).and_then(|v| v.as_deref()))
        .filter_map(|v| v.trim().parse().ok())
        .collect();
    let cond = match mode {
        Mode::Number(_) | Mode::Percent(_) => {
            let (Some(min), Some(max)) = (ids.iter().min(), ids.iter().max()) else {
                let r = Response::new()
                    .data(format!("Nothing to prune from {table}."))
                    .errorcode(0);
                return Ok(vec![r]);
            };
            let below = match mode {
                Mode::Number(n) => min + n,
                Mode::Percent(p) => {
                    let total = (max - min + 1) as f64;
                    min + (total * (*p as f64) / 100.0).trunc() as i64
                }
                _ => *min,
            };
            Cond {
                column: recid_col.to_string(),
                op: Op::Lt,
                value: below.to_string(),
            }
        }
        Mode::Recid(r) => Cond {
            column: recid_col.to_string(),
            op: Op::Lt,
            value: r.clone(),
        },
        Mode::Days(d) => {
            let col = if table == "eventlog" {
                "eventtime"
            } else {
                "audittime"
            };
            Cond {
                column: col.to_string(),
                op: Op::Lt,
                value: local_time_days_ago(*d),
            }
        }
        Mode::All => return Ok(replies),
    };
    let ci = cols.iter().position(|c| *c == cond.column);
    let doomed: Vec<&Row> = rows
        .iter()
        .filter(|r| cond.matches(ci.and_then(|i| r.get(i)).and_then(|v| v.as_deref()), true))
        .collect();
    if verbose {
        replies.push(dump(&cols, &doomed));
    }
    for row in doomed {
        if let Some(id) = row.get(ri).and_then(|v| v.as_deref()) {
            conn.delete_where(table, &[(recid_col, id)])?;
        }
    }
    Ok(replies)
}

/// `YYYY-MM-DD hh:mm:ss` in local time, `days` days ago (stock's format of
/// eventtime/audittime).
fn local_time_days_ago(days: i64) -> String {
    crate::localtime::local_time(crate::localtime::now_secs() - days * 86400).padded()
}
