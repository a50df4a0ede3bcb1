//! In place on a stock database: a per-table SQLite directory and a PostgreSQL database laid
//! out with the JSON's stock DDL by plain SQL (rows included) are opened with `Db`, read,
//! written, and the write is read back with plain SQL as stock would. Opening is idempotent,
//! keeps extra columns and user tables, adds missing schema columns, and fresh tables get the
//! exact stock DDL text.

mod storage_support;
use diesel::connection::SimpleConnection;
use diesel::sql_types::{Nullable, Text};
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl, SqliteConnection};
use std::os::unix::fs::PermissionsExt;
use storage_support::s;
use xcat_schema::db::{Db, DbError, DbLocation};

fn json() -> serde_json::Value {
    let p = concat!(env!("CARGO_MANIFEST_DIR"), "/xcat-schema.json");
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn stock_ddl(backend: &str) -> Vec<(String, String)> {
    json()["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap().to_string(),
                t["ddl"][backend].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[derive(QueryableByName, Debug, PartialEq)]
struct NodeRow {
    #[diesel(sql_type = Text)]
    node: String,
    #[diesel(sql_type = Nullable<Text>)]
    groups: Option<String>,
}

#[derive(QueryableByName)]
struct SqlText {
    #[diesel(sql_type = Nullable<Text>)]
    sql: Option<String>,
}

/// Older schema for `hosts`: lacks `otherinterfaces`, has an extra column.
const OLD_HOSTS: &str = "CREATE TABLE hosts (\n  node VARCHAR(128) ,\n  ip TEXT,\n  hostnames TEXT,\n  oldcol TEXT,\n  comments TEXT,\n  disable TEXT,\n  PRIMARY KEY (node)\n)";

fn check_common(db: &Db, label: &str) {
    let nodes = db
        .read(|c| c.select("nodelist", &["node", "groups"], &[], false))
        .unwrap();
    assert_eq!(
        nodes,
        vec![vec![s("n1"), s("all,compute")], vec![s("n2"), s("all")]],
        "{label}"
    );
    let cols = db.read(|c| c.columns("hosts")).unwrap();
    assert_eq!(
        cols,
        [
            "node",
            "ip",
            "hostnames",
            "otherinterfaces",
            "comments",
            "disable",
            "oldcol"
        ],
        "{label}"
    );
    let hosts = db.read(|c| c.all_rows("hosts", false)).unwrap();
    assert_eq!(
        hosts,
        vec![vec![
            s("n1"),
            s("10.0.0.1"),
            None,
            None,
            None,
            None,
            s("legacy")
        ]]
    );
    let tables = db.read(|c| c.tables()).unwrap();
    assert_eq!(tables.len(), 74, "{label}: {tables:?}");
    assert_eq!(tables.last().unwrap(), "x_custom", "{label}");
    let xrows = db.read(|c| c.all_rows("x_custom", false)).unwrap();
    assert_eq!(xrows, vec![vec![s("k"), s("v")]], "{label}");
    db.write(|c| {
        c.set_attribs("nodelist", &[("node", "n3")], &[("groups", Some("new"))])?;
        c.set_attribs("x_custom", &[("name", "k")], &[("val", Some("w"))])
    })
    .unwrap();
}

#[test]
fn sqlite_in_place_on_stock_directory() {
    let dir = tempfile::tempdir().unwrap();
    for (name, ddl) in stock_ddl("sqlite") {
        let path = dir.path().join(format!("{name}.sqlite"));
        let mut c = SqliteConnection::establish(path.to_str().unwrap()).unwrap();
        c.batch_execute(if name == "hosts" { OLD_HOSTS } else { &ddl })
            .unwrap();
    }
    let open = |n: &str| {
        SqliteConnection::establish(dir.path().join(format!("{n}.sqlite")).to_str().unwrap())
            .unwrap()
    };
    open("nodelist")
        .batch_execute(
            "INSERT INTO nodelist (node, groups) VALUES ('n1','all,compute');
             INSERT INTO nodelist (node, groups) VALUES ('n2','all');",
        )
        .unwrap();
    open("hosts")
        .batch_execute("INSERT INTO hosts (node, ip, oldcol) VALUES ('n1','10.0.0.1','legacy')")
        .unwrap();
    open("x_custom")
        .batch_execute(
            "CREATE TABLE x_custom (name TEXT, val TEXT); INSERT INTO x_custom VALUES ('k','v');",
        )
        .unwrap();

    let loc = DbLocation::SqliteDir(dir.path().to_path_buf());
    let db = Db::open(&loc).unwrap();
    check_common(&db, "sqlite");
    drop(db);
    let db = Db::open(&loc).unwrap(); // idempotent
    assert_eq!(db.read(|c| c.all_rows("nodelist", false)).unwrap().len(), 3);

    // plain SQL on the table file, as stock reads it
    let rows: Vec<NodeRow> = diesel::sql_query("SELECT node, groups FROM nodelist ORDER BY node")
        .load(&mut open("nodelist"))
        .unwrap();
    assert_eq!(
        rows[2],
        NodeRow {
            node: "n3".into(),
            groups: s("new")
        }
    );
    let x: Vec<SqlText> = diesel::sql_query("SELECT val AS sql FROM x_custom")
        .load(&mut open("x_custom"))
        .unwrap();
    assert_eq!(x[0].sql, s("w"));

    // stock tables untouched: sqlite_master text still equals stock's
    for (name, ddl) in stock_ddl("sqlite") {
        if name == "hosts" {
            continue;
        }
        let got: Vec<SqlText> =
            diesel::sql_query("SELECT sql FROM sqlite_master WHERE type='table' AND name=?")
                .bind::<Text, _>(&name)
                .load(&mut open(&name))
                .unwrap();
        assert_eq!(got[0].sql.as_deref(), Some(ddl.as_str()), "{name}");
    }
}

#[test]
fn sqlite_fresh_directory_gets_stock_ddl_and_private_files() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&DbLocation::SqliteDir(dir.path().to_path_buf())).unwrap();
    db.write(|c| c.set_attribs("site", &[("key", "k")], &[("value", Some("v"))]))
        .unwrap();
    for (name, ddl) in stock_ddl("sqlite") {
        let path = dir.path().join(format!("{name}.sqlite"));
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{name}");
        let mut c = SqliteConnection::establish(path.to_str().unwrap()).unwrap();
        let got: Vec<SqlText> =
            diesel::sql_query("SELECT sql FROM sqlite_master WHERE type='table' AND name=?")
                .bind::<Text, _>(&name)
                .load(&mut c)
                .unwrap();
        assert_eq!(got[0].sql.as_deref(), Some(ddl.as_str()), "{name}");
        let jm: Vec<SqlText> = diesel::sql_query("PRAGMA journal_mode")
            .load(&mut c)
            .map(|v: Vec<JournalMode>| {
                v.into_iter()
                    .map(|j| SqlText {
                        sql: Some(j.journal_mode),
                    })
                    .collect()
            })
            .unwrap();
        assert_eq!(jm[0].sql.as_deref(), Some("delete"));
    }
}

#[derive(QueryableByName)]
struct JournalMode {
    #[diesel(sql_type = Text)]
    journal_mode: String,
}

#[test]
fn pg_in_place_on_stock_database() {
    let Some(url) = storage_support::new_pg_database() else {
        storage_support::unavailable("XCATD_TEST_PG_URL not set");
        return;
    };
    let mut c = PgConnection::establish(&url).unwrap();
    for (name, ddl) in stock_ddl("pg") {
        let ddl = if name == "hosts" {
            OLD_HOSTS
                .replace("node VARCHAR", "\"node\" VARCHAR")
                .replace("PRIMARY KEY (node)", "PRIMARY KEY (\"node\")")
                .replace("  disable", "  \"disable\"")
        } else {
            ddl
        };
        c.batch_execute(&ddl).unwrap();
    }
    c.batch_execute(
        "INSERT INTO nodelist (\"node\", \"groups\") VALUES ('n1','all,compute');
         INSERT INTO nodelist (\"node\", \"groups\") VALUES ('n2','all');
         INSERT INTO hosts (\"node\", \"ip\", \"oldcol\") VALUES ('n1','10.0.0.1','legacy');
         CREATE TABLE x_custom (\"name\" TEXT, \"val\" TEXT); INSERT INTO x_custom VALUES ('k','v');",
    )
    .unwrap();
    let loc = DbLocation::Pg { url: url.clone() };
    let db = Db::open(&loc).unwrap();
    check_common(&db, "pg");
    drop(db);
    let db = Db::open(&loc).unwrap();
    assert_eq!(db.read(|c| c.all_rows("nodelist", false)).unwrap().len(), 3);
    let rows: Vec<NodeRow> =
        diesel::sql_query("SELECT \"node\", \"groups\" FROM nodelist ORDER BY \"node\"")
            .load(&mut c)
            .unwrap();
    assert_eq!(
        rows[2],
        NodeRow {
            node: "n3".into(),
            groups: s("new")
        }
    );
    let e = db.read(|c| c.all_rows("x_missing", false)).unwrap_err();
    assert!(matches!(e, DbError::NoTable(_)));
}
