//! `tabrestore`: the stock client sends the table name (`table`), the file's
//! lines (`data`, one element per line) and `addrows` for `-a`.  Without `-a`
//! every row is deleted first.  All of it runs in one write transaction: any
//! error (header, CSV syntax, database) rolls everything back.  CSV parsing
//! follows stock's reader exactly, including its 0-based line numbers and the
//! `character N` offsets of its error texts (errorcode 4).

use super::dbutil;
use super::output;
use crate::api::{Ctx, HandlerError, Responder};
use xcat_proto::tree::MapExt;
use xcat_proto::Request;
use xcat_schema::db::{Conn, DbError};
use xcat_schema::registry;

/// One parsed record: column → value (`None` = empty field).
pub type Record = Vec<(String, Option<String>)>;

/// A CSV problem on a line (message text is stock's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError(pub String);

fn perl_index(hay: &str, needle: &str) -> i64 {
    hay.find(needle).map(|i| i as i64).unwrap_or(-1)
}

/// Parse the data lines after the header.  Returns, in order, each record
/// with its (0-based) line number and original text, or the error of a line.
pub fn parse_lines(
    lines: &[String],
    cols: &[String],
    auto_cols: &[&str],
) -> Vec<Result<(usize, String, Record), LineError>> {
    let count = lines.len();
    let mut results = Vec::new();
    let mut ln = 0usize;
    while ln < count {
        let mut line = lines[ln].trim_end().to_string();
        let orig = line.clone();
        let mut record: Record = Vec::new();
        let mut failed = None;
        'cols: for col in cols {
            let keep = !auto_cols.contains(&col.as_str());
            if line.is_empty() || line.starts_with(',') {
                if keep {
                    record.push((col.clone(), None));
                }
                if line.starts_with(',') {
                    line.remove(0);
                }
                continue;
            }
            let first_comma = line.find(',').unwrap_or(line.len());
            if line[..first_comma].contains('"') {
                if !line.starts_with('"') {
                    failed = Some(format!(
                        "CSV missing opening \" for record with \" characters on line {ln}, character {}: {orig}",
                        perl_index(&orig, &line)
                    ));
                    break 'cols;
                }
                let mut offset: usize = 1;
                loop {
                    match line[offset.min(line.len())..].find('"') {
                        None => {
                            if ln < count {
                                ln += 1;
                                let cont = lines.get(ln).map(String::as_str).unwrap_or("");
                                offset = line.len();
                                line.push('\n');
                                line.push_str(cont);
                                let trimmed = line.trim_end().len();
                                line.truncate(trimmed);
                                offset = offset.min(line.len());
                            } else {
                                failed = Some(format!(
                                    "CSV unmatched \" in record on line {ln}, character {}: {orig}",
                                    perl_index(&orig, &line)
                                ));
                                break 'cols;
                            }
                        }
                        Some(rel) => {
                            offset += rel + 1;
                            let next = line[offset..].chars().next();
                            if next == Some('"') {
                                offset += 1;
                            } else if offset == line.len() || next == Some(',') {
                                let ent: String = line[..offset].to_string();
                                line.replace_range(..offset, "");
                                if line.starts_with(',') {
                                    line.remove(0);
                                }
                                let inner = &ent[1..ent.len() - 1];
                                if keep {
                                    record.push((col.clone(), Some(inner.replace("\"\"", "\""))));
                                }
                                break;
                            } else {
                                failed = Some(format!(
                                    "CSV unescaped \" in record on line {ln}, character {}: {orig}",
                                    perl_index(&orig, &line)
                                ));
                                break 'cols;
                            }
                        }
                    }
                }
                continue;
            }
            // Unquoted field up to the next comma.
            let value = line[..first_comma].to_string();
            let cut = if first_comma < line.len() {
                first_comma + 1
            } else {
                first_comma
            };
            line.replace_range(..cut, "");
            if keep {
                record.push((col.clone(), Some(value)));
            }
        }
        if let Some(msg) = failed {
            results.push(Err(LineError(msg)));
        } else if !line.is_empty() && line != "0" {
            results.push(Err(LineError(format!(
                "Too many fields on line {ln}: {orig} | {line}"
            ))));
        } else {
            results.push(Ok((ln, orig, record)));
        }
        ln += 1;
    }
    results
}

/// Check the header and return its columns, or stock's error text.
pub fn header_columns(
    header: Option<&str>,
    table: &str,
    known: &[String],
) -> Result<Vec<String>, String> {
    let Some(h) = header.filter(|h| h.starts_with('#')) else {
        return Err("Data missing header line starting with #".to_string());
    };
    let h = h.replace('"', "");
    let h = h.strip_prefix('#').unwrap_or(&h).trim_end();
    let mut cols: Vec<String> = h.split(',').map(str::to_string).collect();
    while cols.last().is_some_and(|c| c.is_empty()) {
        cols.pop();
    }
    for c in &cols {
        if !known.iter().any(|k| k == c) {
            return Err(format!("The header line indicates that column '{c}' should exist, which is not defined in the schema for '{table}'"));
        }
    }
    Ok(cols)
}

/// Write one record with the effect of stock's setAttribs(record, record):
/// a line identical to an existing row (every column given) changes
/// nothing; otherwise the row is INSERTed (a key pair with an empty value
/// never matches in SQL), key columns not given set to `''` (not for the log
/// tables), so a second row with the same key is a database error.  A truly
/// blank line inserts nothing.
fn write_record(conn: &mut Conn, table: &str, record: &Record) -> Result<(), DbError> {
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
        for item in parse_lines(rest, &cols, auto_cols) {
            match item {
                Err(LineError(msg)) => errors.push((msg, 4)),
                // After a failure only CSV errors are still reported: a failed
                // statement may poison the transaction (PostgreSQL).
                Ok(_) if !errors.is_empty() => {}
                Ok((ln, orig, record)) => {
                    if let Err(e) = write_record(conn, &table, &record) {
                        errors.push((format!("DB error {e} with line {ln}: {orig}"), 4));
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
        let r = parse_lines(
            &lines(&["\"a\",\"x\"\"y\",,\n", "b,plain,,", "\"m\",\"l1", "l2\",,"]),
            &c,
            &[],
        );
        let ok: Vec<_> = r.into_iter().map(|x| x.unwrap()).collect();
        assert_eq!(ok[0].2[1].1.as_deref(), Some("x\"y"));
        assert_eq!(ok[0].2[2].1, None);
        assert_eq!(ok[1].2[1].1.as_deref(), Some("plain"));
        assert_eq!(ok[2].2[1].1.as_deref(), Some("l1\nl2"));
        assert_eq!(ok[2].0, 3);
    }

    #[test]
    fn stock_error_texts() {
        let c = cols(&["key", "value"]);
        let r = parse_lines(&lines(&["a\"b,c", "\"a\"b,c", "a,b,c", "\"open"]), &c, &[]);
        let msgs: Vec<String> = r.into_iter().map(|x| x.unwrap_err().0).collect();
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
