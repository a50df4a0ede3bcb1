//! CREATE TABLE text per backend, derived from the registry by stock's rules (perl-xCAT/xCAT/Table.pm:607-687):
//! TEXT by default, `VARCHAR(128) ` for TEXT keys, ` NOT NULL` for required columns, the
//! auto-increment spelling of each backend, a `PRIMARY KEY (...)` clause unless a column
//! already carries one, and DB2's varchar widths, tablespace and compression. A test checks
//! the result equals the JSON's `ddl` text for every table and backend.

use crate::registry::TableDef;

/// Backends for which stock generates DDL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DdlBackend {
    Sqlite,
    Pg,
    Mysql,
    Db2,
}

impl DdlBackend {
    /// Name used as key in the JSON's `ddl` object.
    pub fn json_name(self) -> &'static str {
        match self {
            DdlBackend::Sqlite => "sqlite",
            DdlBackend::Pg => "pg",
            DdlBackend::Mysql => "mysql",
            DdlBackend::Db2 => "db2",
        }
    }

    /// Column name as stock writes it (`delimitcol`).
    pub fn delimit(self, col: &str) -> String {
        match self {
            DdlBackend::Sqlite => col.to_string(),
            DdlBackend::Pg | DdlBackend::Db2 => format!("\"{col}\""),
            DdlBackend::Mysql => format!("`{col}`"),
        }
    }
}

const AUTO_INCREMENT: &str = "INTEGER AUTO_INCREMENT";

/// The type text of one column (everything after the column name).
pub fn column_type(t: &TableDef, col: &str, backend: DdlBackend) -> String {
    let declared = t.col_type(col);
    let is_key = t.is_key(col);
    let required = t.is_required(col);
    if backend == DdlBackend::Db2 {
        let mut ty = match declared {
            Some(AUTO_INCREMENT) => "INTEGER GENERATED ALWAYS AS IDENTITY".to_string(),
            Some(other) => other.to_string(),
            None if is_key => "VARCHAR(128) NOT NULL ".to_string(),
            None if col == "disable" => "varchar(8)".to_string(),
            None if col == "rawdata" => "varchar(4098)".to_string(),
            None => "varchar(512)".to_string(),
        };
        if required && !is_key {
            ty.push_str(" NOT NULL");
        }
        return ty;
    }
    let mut ty = match declared {
        Some(AUTO_INCREMENT) => match backend {
            DdlBackend::Sqlite => "INTEGER PRIMARY KEY AUTOINCREMENT".to_string(),
            DdlBackend::Pg => "SERIAL".to_string(),
            _ => AUTO_INCREMENT.to_string(),
        },
        Some(other) => other.to_string(),
        None if is_key => "VARCHAR(128) ".to_string(),
        None => "TEXT".to_string(),
    };
    if required {
        ty.push_str(" NOT NULL");
    }
    ty
}

/// The exact `CREATE TABLE` statement stock runs for `t` on `backend`.
pub fn create_table(t: &TableDef, backend: DdlBackend) -> String {
    let mut lines: Vec<String> = t
        .cols
        .iter()
        .map(|c| format!("  {} {}", backend.delimit(c), column_type(t, c, backend)))
        .collect();
    if !lines.iter().any(|l| l.contains("PRIMARY KEY")) && !t.keys.is_empty() {
        let keys: Vec<String> = t.keys.iter().map(|k| backend.delimit(k)).collect();
        lines.push(format!("  PRIMARY KEY ({})", keys.join(",")));
    }
    let mut out = format!("CREATE TABLE {} (\n{}\n)", t.name, lines.join(",\n"));
    if backend == DdlBackend::Db2 {
        if let Some(c) = t.compress {
            out.push_str(&format!(" compress {c} "));
        }
        if let Some(ts) = t.tablespace {
            out.push_str(&format!(" in {ts} "));
        }
    }
    out
}

/// `create_table` with `IF NOT EXISTS`, as our migrations run it (SQLite stores the text
/// without the clause, so `sqlite_master.sql` equals stock's).
pub fn create_table_if_not_exists(t: &TableDef, backend: DdlBackend) -> String {
    create_table(t, backend).replacen("CREATE TABLE ", "CREATE TABLE IF NOT EXISTS ", 1)
}

/// `ALTER TABLE t ADD col type` as stock's updateschema runs it for a missing column.
pub fn add_column(t: &TableDef, col: &str, backend: DdlBackend) -> String {
    format!(
        "ALTER TABLE {} ADD {} {}",
        t.name,
        backend.delimit(col),
        column_type(t, col, backend)
    )
}

/// Directory name (Diesel layout `<version>_<name>`) of the migration creating the stock
/// xCAT 2.19 tables.
pub const MIGRATION_DIR: &str = "2026-11-22-000000_xcat_2_19_tables";

const GENERATED: &str = "-- Generated from schema/xcat-schema.json by `cargo run -p xcat-schema --bin gen-migrations`.\n\
-- Do not edit; a test checks this file is up to date.\n";

/// `up.sql` of the migration for SQLite or PostgreSQL, or the DB2 script.
pub fn migration_sql(backend: DdlBackend) -> String {
    let mut out = String::from(GENERATED);
    match backend {
        DdlBackend::Sqlite => out.push_str(
            "-- SQLite (stock layout): every table lives in its own <table>.sqlite file, so\n\
             -- xcatd-rs applies each statement below to its table's file itself (see\n\
             -- schema/src/db/sqlite.rs); the statements are the stock CREATE TABLE text.\n",
        ),
        DdlBackend::Pg => out.push_str(
            "-- PostgreSQL: existing stock tables are accepted as they are (IF NOT EXISTS);\n\
             -- missing columns are added at every start (ALTER TABLE ... ADD), nothing is dropped.\n",
        ),
        DdlBackend::Mysql => out.push_str("-- MySQL/MariaDB: for reference only.\n"),
        DdlBackend::Db2 => out.push_str(
            "-- DB2: for reference only. DB2 cannot run here and xcatd-rs does not connect to\n\
             -- DB2; the text is what stock xCAT runs (tested against the schema JSON).\n",
        ),
    }
    for t in crate::registry::tables() {
        out.push('\n');
        let stmt = match backend {
            DdlBackend::Db2 | DdlBackend::Mysql => create_table(t, backend),
            _ => create_table_if_not_exists(t, backend),
        };
        out.push_str(&stmt);
        out.push_str(";\n");
    }
    out
}

/// `down.sql` of the migration: never drops the tables (they hold the cluster's data).
pub fn migration_down_sql() -> String {
    format!("{GENERATED}-- Intentionally empty: reverting must never drop xCAT tables or data.\nSELECT 1;\n")
}

/// Every generated migration file: (path relative to the workspace's `migrations/`, text).
pub fn migration_files() -> Vec<(String, String)> {
    vec![
        (
            format!("sqlite/{MIGRATION_DIR}/up.sql"),
            migration_sql(DdlBackend::Sqlite),
        ),
        (
            format!("sqlite/{MIGRATION_DIR}/down.sql"),
            migration_down_sql(),
        ),
        (
            format!("postgres/{MIGRATION_DIR}/up.sql"),
            migration_sql(DdlBackend::Pg),
        ),
        (
            format!("postgres/{MIGRATION_DIR}/down.sql"),
            migration_down_sql(),
        ),
        (
            "db2/xcat-tables.sql".to_string(),
            migration_sql(DdlBackend::Db2),
        ),
    ]
}
