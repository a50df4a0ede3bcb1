//! Thin helpers on top of `xcat_schema` used by several table commands: which
//! tables exist (schema tables plus user `x_*` tables found in the database),
//! their columns, the node key of a table, the `disable` rule for rows read
//! with their `disable` column, and stock CSV formatting of a row.

use xcat_schema::db::{Conn, DbError};
use xcat_schema::registry;

/// Every table: the schema's plus existing user tables, sorted.
pub fn all_tables(conn: &mut Conn) -> Result<Vec<String>, DbError> {
    let mut v = conn.tables()?;
    for t in registry::tables() {
        if !v.iter().any(|n| n == t.name) {
            v.push(t.name.to_string());
        }
    }
    v.sort();
    v.dedup();
    Ok(v)
}

/// Whether `name` is a schema table or an existing user table.
pub fn table_exists(conn: &mut Conn, name: &str) -> Result<bool, DbError> {
    if registry::table(name).is_some() {
        return Ok(true);
    }
    Ok(conn.tables()?.iter().any(|t| t == name))
}

/// Schema columns of a table (user tables: the database's columns).
pub fn schema_columns(conn: &mut Conn, name: &str) -> Result<Vec<String>, DbError> {
    match registry::table(name) {
        Some(t) => Ok(t.cols.iter().map(|c| c.to_string()).collect()),
        None => conn.columns(name),
    }
}

/// The column holding node (or group) names, when the table has one.
pub fn nodekey(name: &str) -> Option<&'static str> {
    registry::table(name).and_then(|t| t.nodekey)
}

/// Whether a schema table has a column literally named `node`.
pub fn has_node_column(name: &str) -> bool {
    registry::table(name).is_some_and(|t| t.cols.contains(&"node"))
}

/// Stock's `disable` rule: active iff NULL or 0/no (any case).
pub fn is_active(disable: Option<&str>) -> bool {
    match disable {
        None => true,
        Some(v) => matches!(v, "0" | "no" | "NO" | "No" | "nO"),
    }
}

/// One tabdump line: `"value"` with `"` doubled, NULL/empty as nothing,
/// fields joined by commas.
pub fn csv_line(row: &[Option<String>]) -> String {
    let mut line = String::new();
    for (i, v) in row.iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            line.push('"');
            line.push_str(&v.replace('"', "\"\""));
            line.push('"');
        }
    }
    line
}

/// The header line `#col1,col2,...`.
pub fn csv_header<S: AsRef<str>>(cols: &[S]) -> String {
    let names: Vec<&str> = cols.iter().map(|c| c.as_ref()).collect();
    format!("#{}", names.join(","))
}

/// Value of a site key (first active row), empty counts as unset.
pub fn site_value(conn: &mut Conn, key: &str) -> Result<Option<String>, DbError> {
    let rows = conn.select("site", &["value"], &[("key", key)], true)?;
    Ok(rows
        .into_iter()
        .next()
        .and_then(|r| r.into_iter().next().flatten())
        .filter(|v| !v.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quoting() {
        let row = vec![
            Some("a\"b".to_string()),
            None,
            Some(String::new()),
            Some("x,y".to_string()),
        ];
        assert_eq!(csv_line(&row), "\"a\"\"b\",,,\"x,y\"");
        assert_eq!(csv_header(&["key", "value"]), "#key,value");
        assert!(is_active(Some("no")) && !is_active(Some("")) && !is_active(Some("1")));
    }
}
