//! `tabrestore`: the stock client sends the table name (`table`), the file's
//! lines (`data`, one element per line) and `addrows` for `-a`.  Without `-a`
//! every row is deleted first.  All of it runs in one write transaction: any
//! error (header, CSV syntax, database) rolls everything back.  CSV parsing and
//! the error texts are `xcat_schema::csv` (stock's reader, 0-based line numbers and
//! `character N` offsets, errorcode 4).

use super::dbutil;
use super::output;
use crate::api::{Ctx, HandlerError, Responder};
use xcat_proto::tree::MapExt;
use xcat_proto::Request;
use xcat_schema::db::{Conn, DbError};
use xcat_schema::{csv, registry};

/// One parsed record: column → value (`None` = empty field).
type Fields = Vec<(String, Option<String>)>;

/// Check the header and return its columns, or stock's error text.
pub fn header_columns(
    header: Option<&str>,
    table: &str,
    known: &[String],
) -> Result<Vec<String>, String> {
    let cols = csv::parse_header(header.unwrap_or(""))?;
    match cols.iter().find(|c| !known.contains(c)) {
        Some(c) => Err(csv::unknown_header_column(c, table)),
        None => Ok(cols),
    }
}

/// Write one record with the effect of stock's setAttribs(record, record):
/// a line identical to an existing row (every column given) changes
/// nothing; otherwise the row is INSERTed (a key pair with an empty value
/// never matches in SQL), key columns not given set to `''` (not for the log
/// tables), so a second row with the same key is a database error.  A truly
/// blank line inserts nothing.
fn write_record(conn: &mut Conn, table: &str, record: &Fields) -> Result<(), DbError> {
    if record
        .iter()
        .all(|(_, v)| v.as_deref().is_none_or(str::is_empty))
    {
        return Ok(());
    }
    let mut cols: Vec<&str> = Vec::new();
    let mut vals: Vec<Option<&str>> = Vec::new();
    for (c, v) in record {
        if let Some(v) = v {
            cols.push(c);
            vals.push(Some(v));
        }
    }
    if cols.len() == record.len() {
        let eq: Vec<(&str, &str)> = cols
            .iter()
            .zip(&vals)
            .map(|(c, v)| (*c, v.unwrap_or("")))
            .collect();
        if !conn.select(table, &cols[..1], &eq, false)?.is_empty() {
            return Ok(());
        }
    }
    if table != "eventlog" && table != "auditlog" {
        if let Some(def) = registry::table(table) {
            for k in def.keys.iter() {
                if !cols.contains(k) {
                    cols.push(k);
                    vals.push(Some(""));
                }
            }
        }
    }
    conn.insert(table, &cols, &vals)
}

/// Why a restore was rolled back.
enum Rollback {
    /// Messages (text, errorcode) for the client.
    Messages(Vec<(String, i64)>),
    Db(DbError),
}

impl From<DbError> for Rollback {
    fn from(e: DbError) -> Rollback {
        Rollback::Db(e)
    }
}

pub fn run(ctx: &Ctx, req: &Request, out: &mut dyn Responder) -> Result<(), HandlerError> {
    let table = req.get("table").unwrap_or("").to_string();
    let add_rows = req.map.contains_key("addrows");
    if table.starts_with("x_teal") {
        let msg =
            format!("{table} is not supported in tabrestore. Use Teal maintenance commands. ");
        return Ok(output::error(out, msg, 1)?);
    }
    let data: Vec<String> = req
        .map
        .texts("data")
        .into_iter()
        .map(str::to_string)
        .collect();
    let auto_cols: &[&str] = if table == "eventlog" || table == "auditlog" {
        &["recid"]
    } else {
        &[]
    };
    let result = ctx.db.write(|conn| -> Result<(), Rollback> {
        if table.is_empty() || !dbutil::table_exists(conn, &table)? {
            let msg = format!("Unable to open {table}");
            return Err(Rollback::Messages(vec![(msg, 4)]));
        }
        let known = dbutil::schema_columns(conn, &table)?;
        let cols = header_columns(data.first().map(String::as_str), &table, &known)
            .map_err(|msg| Rollback::Messages(vec![(msg, 1)]))?;
        if !add_rows {
            conn.delete_all(&table)?;
        }
        let mut errors = Vec::new();
        let rest = data.get(1..).unwrap_or(&[]);
        for item in csv::parse_rows(rest, &cols, auto_cols) {
            match item {
                Err(e) => errors.push((e.message, csv::LINE_ERRORCODE as i64)),
                // After a failure only CSV errors are still reported: a failed
                // statement may poison the transaction (PostgreSQL).
                Ok(_) if !errors.is_empty() => {}
                Ok(rec) => {
                    if let Err(e) = write_record(conn, &table, &rec.fields) {
                        let msg = csv::db_error(&e.to_string(), rec.index, &rec.original);
                        errors.push((msg, csv::LINE_ERRORCODE as i64));
                    }
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Rollback::Messages(errors))
        }
    });
    match result {
        Ok(()) => Ok(()),
        Err(Rollback::Db(e)) => Err(HandlerError::Db(e)),
        Err(Rollback::Messages(errs)) => {
            for (m, c) in errs {
                output::error(out, m, c)?;
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    fn lines(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses_stock_csv() {
        let c = cols(&["key", "value", "comments", "disable"]);
        let r = csv::parse_rows(
            &lines(&["\"a\",\"x\"\"y\",,\n", "b,plain,,", "\"m\",\"l1", "l2\",,"]),
            &c,
            &[],
        );
        let ok: Vec<_> = r
            .into_iter()
            .map(|x| x.unwrap())
            .map(|r| (r.index, r.original, r.fields))
            .collect();
        assert_eq!(ok[0].2[1].1.as_deref(), Some("x\"y"));
        assert_eq!(ok[0].2[2].1, None);
        assert_eq!(ok[1].2[1].1.as_deref(), Some("plain"));
        assert_eq!(ok[2].2[1].1.as_deref(), Some("l1\nl2"));
        assert_eq!(ok[2].0, 3);
    }

    #[test]
    fn stock_error_texts() {
        let c = cols(&["key", "value"]);
        let r = csv::parse_rows(&lines(&["a\"b,c", "\"a\"b,c", "a,b,c", "\"open"]), &c, &[]);
        let msgs: Vec<String> = r.into_iter().map(|x| x.unwrap_err().message).collect();
        assert_eq!(
            msgs[0],
            "CSV missing opening \" for record with \" characters on line 0, character 0: a\"b,c"
        );
        assert_eq!(
            msgs[1],
            "CSV unescaped \" in record on line 1, character 0: \"a\"b,c"
        );
        assert_eq!(msgs[2], "Too many fields on line 2: a,b,c | c");
        assert_eq!(
            msgs[3],
            "CSV unmatched \" in record on line 4, character 0: \"open"
        );
        let known = cols(&["key", "value"]);
        assert_eq!(
            header_columns(Some("key,value"), "site", &known).unwrap_err(),
            "Data missing header line starting with #"
        );
        assert!(header_columns(Some("#key,bogus"), "site", &known)
            .unwrap_err()
            .contains("column 'bogus' should exist"));
        assert_eq!(
            header_columns(Some("#\"key\",value\n"), "site", &known).unwrap(),
            known
        );
    }
}
