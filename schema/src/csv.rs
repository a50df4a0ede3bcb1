//! tabdump CSV formatting and the tabrestore parser, with stock's quoting rules and error
//! texts (xCAT-server/lib/xcat/plugins/tabutils.pm:566-790).
//!
//! Dump: `#c1,c2,…` header; each set value written as `"value"` with `"` doubled, NULL and
//! `''` as nothing, no trailing comma, newlines raw.
//!
//! Restore: each line loses its trailing whitespace; a field is empty (→ NULL), `"quoted"`
//! (`""` = one quote, may continue over following lines joined with `\n`) or unquoted (no
//! comma). Errors carry errorcode 4 and 0-based data-line indexes; the parser reproduces
//! stock's messages including the `character N` offsets (`-1` when not found) and, for an
//! unterminated quote, the line index one past the last line.

/// Header line `#c1,c2,…`.
pub fn header_line<S: AsRef<str>>(cols: &[S]) -> String {
    let mut out = String::from("#");
    for (i, c) in cols.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(c.as_ref());
    }
    out
}

/// One tabdump data line.
pub fn format_row<S: AsRef<str>>(values: &[Option<S>]) -> String {
    let mut out = String::new();
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        if let Some(v) = v.as_ref().map(AsRef::as_ref).filter(|v| !v.is_empty()) {
            out.push('"');
            out.push_str(&v.replace('"', "\"\""));
            out.push('"');
        }
    }
    out
}

/// Error code stock sets on every tabrestore line error.
pub const LINE_ERRORCODE: i32 = 4;

/// Message when the first line is not a header.
pub const MISSING_HEADER: &str = "Data missing header line starting with #";

/// Message for a header column the table does not have (errorcode 1).
pub fn unknown_header_column(col: &str, table: &str) -> String {
    format!(
        "The header line indicates that column '{col}' should exist, which is not defined in the schema for '{table}'"
    )
}

/// Message when writing a parsed line failed (errorcode 4).
pub fn db_error(msg: &str, index: usize, original: &str) -> String {
    format!("DB error {msg} with line {index}: {original}")
}

/// Parses the header line: must start with `#`; quotes are removed, trailing whitespace and
/// empty trailing fields dropped. `Err` is [`MISSING_HEADER`].
pub fn parse_header(line: &str) -> Result<Vec<String>, String> {
    if !line.starts_with('#') {
        return Err(MISSING_HEADER.to_string());
    }
    let h = line.replace('"', "");
    let h = h.strip_prefix('#').unwrap_or(&h);
    let h = trim_end_ws(h);
    let mut cols: Vec<String> = h.split(',').map(str::to_string).collect();
    while cols.last().is_some_and(|c| c.is_empty()) {
        cols.pop();
    }
    Ok(cols)
}

/// One successfully parsed record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// 0-based index of the record's last data line (the one stock reports).
    pub index: usize,
    /// The record's first line without trailing whitespace.
    pub original: String,
    /// (column, value) for every header column not in `skip_cols`; `None` = empty field.
    pub fields: Vec<(String, Option<String>)>,
}

/// A line stock rejects (errorcode [`LINE_ERRORCODE`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub index: usize,
    pub message: String,
}

/// Perl's `s/\s+$//`.
fn trim_end_ws(s: &str) -> &str {
    s.trim_end_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c'])
}

/// Perl's `index($origline, $line)`.
fn char_pos(orig: &str, rest: &str) -> i64 {
    orig.find(rest).map_or(-1, |p| p as i64)
}

/// Parses the data lines (header excluded). Columns in `skip_cols` (auto-increment ones)
/// are parsed but not returned. Every line yields a record or an error, in order.
pub fn parse_rows<S: AsRef<str>>(
    lines: &[S],
    columns: &[String],
    skip_cols: &[&str],
) -> Vec<Result<Record, LineError>> {
    let count = lines.len();
    let mut out = Vec::new();
    let mut n = 0;
    while n < count {
        let (result, last) = parse_one(lines, n, count, columns, skip_cols);
        out.push(result);
        n = last + 1;
    }
    out
}

/// Parses the record starting at line `n`; returns it and the index of its last line.
fn parse_one<S: AsRef<str>>(
    lines: &[S],
    mut n: usize,
    count: usize,
    columns: &[String],
    skip_cols: &[&str],
) -> (Result<Record, LineError>, usize) {
    let orig = trim_end_ws(lines[n].as_ref()).to_string();
    let mut line = orig.clone();
    let mut fields = Vec::new();
    let err = |index: usize, message: String| Err(LineError { index, message });
    for col in columns {
        let value: Option<String>;
        if line.is_empty() || line.starts_with(',') {
            value = None;
            if line.starts_with(',') {
                line.remove(0);
            }
        } else if line.split(',').next().is_some_and(|f| f.contains('"')) {
            if !line.starts_with('"') {
                let m = format!(
                    "CSV missing opening \" for record with \" characters on line {n}, character {}: {orig}",
                    char_pos(&orig, &line)
                );
                return (err(n, m), n);
            }
            let mut offset = 1usize;
            loop {
                match line.get(offset..).and_then(|s| s.find('"')) {
                    None => {
                        if n < count {
                            n += 1;
                            let next = lines.get(n).map(|l| l.as_ref()).unwrap_or("");
                            offset = line.len();
                            line.push('\n');
                            line.push_str(next);
                            let t = trim_end_ws(&line).len();
                            line.truncate(t);
                            continue;
                        }
                        let m = format!(
                            "CSV unmatched \" in record on line {n}, character {}: {orig}",
                            char_pos(&orig, &line)
                        );
                        return (err(n, m), n.min(count.saturating_sub(1)));
                    }
                    Some(p) => {
                        let after = offset + p + 1; // stock's $offset
                        let next = line.as_bytes().get(after).copied();
                        if next == Some(b'"') {
                            offset = after + 1;
                        } else if after == line.len() || next == Some(b',') {
                            let ent = line[1..after - 1].replace("\"\"", "\"");
                            line.drain(..after);
                            if line.starts_with(',') {
                                line.remove(0);
                            }
                            value = Some(ent);
                            break;
                        } else {
                            let m = format!(
                                "CSV unescaped \" in record on line {n}, character {}: {orig}",
                                char_pos(&orig, &line)
                            );
                            return (err(n, m), n);
                        }
                    }
                }
            }
        } else {
            let end = line.find(',').unwrap_or(line.len());
            value = Some(line[..end].to_string());
            let cut = if end < line.len() { end + 1 } else { end };
            line.drain(..cut);
        }
        if !skip_cols.contains(&col.as_str()) {
            fields.push((col.clone(), value));
        }
    }
    // Perl truthiness: a leftover "0" does not count
    if !line.is_empty() && line != "0" {
        let m = format!("Too many fields on line {n}: {orig} | {line}");
        return (err(n, m), n);
    }
    (
        Ok(Record {
            index: n,
            original: orig,
            fields,
        }),
        n,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(c: &[&str]) -> Vec<String> {
        c.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn dump_format() {
        assert_eq!(
            header_line(&["key", "value", "comments", "disable"]),
            "#key,value,comments,disable"
        );
        assert_eq!(
            format_row(&[Some("xcatiport"), Some("3002"), None, Some("")]),
            "\"xcatiport\",\"3002\",,"
        );
        assert_eq!(
            format_row(&[Some("a\"b"), Some("x\ny")]),
            "\"a\"\"b\",\"x\ny\""
        );
    }

    #[test]
    fn header() {
        assert_eq!(
            parse_header("#\"key\",value,\t ").unwrap(),
            ["key", "value"]
        );
        assert_eq!(parse_header("key,value").unwrap_err(), MISSING_HEADER);
    }

    #[test]
    fn rows_roundtrip_and_forms() {
        let c = cols(&["key", "value", "comments", "disable"]);
        let lines = [
            "\"xcatiport\",\"3002\",,  ",
            "plain,with space,\"q\"\"uote\",",
            "\"multi",
            "line\",v,,",
            "\"\",,,",
        ];
        let r = parse_rows(&lines, &c, &[]);
        assert_eq!(r.len(), 4);
        let r0 = r[0].as_ref().unwrap();
        assert_eq!(r0.fields[0], ("key".into(), Some("xcatiport".into())));
        assert_eq!(r0.fields[2], ("comments".into(), None));
        let r1 = r[1].as_ref().unwrap();
        assert_eq!(r1.fields[1].1.as_deref(), Some("with space"));
        assert_eq!(r1.fields[2].1.as_deref(), Some("q\"uote"));
        let r2 = r[2].as_ref().unwrap();
        assert_eq!(r2.index, 3);
        assert_eq!(r2.fields[0].1.as_deref(), Some("multi\nline"));
        assert_eq!(r2.fields[1].1.as_deref(), Some("v"));
        assert_eq!(r[3].as_ref().unwrap().fields[0].1.as_deref(), Some(""));
        // a dumped row parses back to the same values
        let vals = [Some("a,b"), Some("x\"y"), None, Some("z\nw")];
        let line = format_row(&vals);
        let split: Vec<&str> = line.split('\n').collect();
        let back = parse_rows(&split, &c, &[]);
        let got: Vec<Option<String>> = back[0]
            .as_ref()
            .unwrap()
            .fields
            .iter()
            .map(|f| f.1.clone())
            .collect();
        assert_eq!(
            got,
            vals.iter()
                .map(|v| v.map(str::to_string))
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn errors() {
        let c = cols(&["key", "value"]);
        let r = parse_rows(&["ab\"c,d"], &c, &[]);
        assert_eq!(
            r[0].as_ref().unwrap_err().message,
            "CSV missing opening \" for record with \" characters on line 0, character 0: ab\"c,d"
        );
        let r = parse_rows(&["a,\"b\"c"], &c, &[]);
        assert_eq!(
            r[0].as_ref().unwrap_err().message,
            "CSV unescaped \" in record on line 0, character 2: a,\"b\"c"
        );
        let r = parse_rows(&["x,y", "a,\"open"], &c, &[]);
        assert!(r[0].is_ok());
        assert_eq!(
            r[1].as_ref().unwrap_err(),
            &LineError {
                index: 2,
                message: "CSV unmatched \" in record on line 2, character 2: a,\"open".into()
            }
        );
        let r = parse_rows(&["a,b,c", "a,b,0"], &c, &[]);
        assert_eq!(
            r[0].as_ref().unwrap_err().message,
            "Too many fields on line 0: a,b,c | c"
        );
        assert!(r[1].is_ok());
        let r = parse_rows(&["5,msg"], &cols(&["recid", "message"]), &["recid"]);
        assert_eq!(
            r[0].as_ref().unwrap().fields,
            vec![("message".into(), Some("msg".into()))]
        );
    }
}
