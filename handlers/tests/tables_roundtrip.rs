//! dumpxCATdb → restorexCATdb through the table commands, as the stock
//! scripts do it: `tabdump` for the table list, `tabdump -f <dir>/<t>.csv <t>`
//! per table, then a stock-shaped `tabrestore` request per file (table = name
//! up to the first `.`, every file line sent with its newline) into a fresh
//! database.  Every table dumps identically afterwards.  SQLite→SQLite,
//! PG→PG, SQLite→PG and PG→SQLite (the PostgreSQL legs when available).

mod tables_support;

use std::path::Path;
use tables_support::*;
use xcat_proto::{Request, Value};

fn populate(env: &Env) {
    seed(
        env,
        "site",
        &["key", "value"],
        &[&["master", "10.0.0.1"], &["domain", "cluster.test"]],
    );
    seed(
        env,
        "site",
        &["key", "value", "comments", "disable"],
        &[&["quoted", "a \"b\", c\nnext line", "multi\nline", "1"]],
    );
    for i in 1..=30 {
        let n = format!("cn{i:02}");
        seed(
            env,
            "nodelist",
            &["node", "groups", "status"],
            &[&[&n, "compute,all", "booted"]],
        );
        seed(
            env,
            "noderes",
            &["node", "servicenode", "xcatmaster"],
            &[&[&n, "sn2,sn1", "sn2"]],
        );
    }
    seed(
        env,
        "nodehm",
        &["node", "mgt", "power"],
        &[&["compute", "ipmi", "ipmi"]],
    );
    seed(
        env,
        "hosts",
        &["node", "ip"],
        &[&["compute", "|\\D+(\\d+)|10.0.0.($1+0)|"]],
    );
    seed(
        env,
        "switch",
        &["node", "switch", "port"],
        &[&["cn01", "sw1", "1"], &["cn01", "sw2", "2"]],
    );
    seed(
        env,
        "passwd",
        &["key", "username", "password"],
        &[&["system", "root", "c,x\"y"]],
    );
    seed(
        env,
        "eventlog",
        &["eventtime", "message"],
        &[
            &["2020-01-01 00:00:00", "one"],
            &["2020-01-02 00:00:00", "two"],
        ],
    );
}

fn dump(env: &Env, dir: &Path) -> Vec<String> {
    let tables: Vec<String> = run(env, "tabdump", None, &[])
        .stdout
        .lines()
        .map(str::to_string)
        .collect();
    for t in &tables {
        let file = dir.join(format!("{t}.csv"));
        let out = run(env, "tabdump", None, &["-f", file.to_str().unwrap(), t]);
        assert_eq!(
            (out.stderr.as_str(), out.exit),
            ("", 0),
            "{} dump {t}",
            env.label
        );
    }
    tables
}

fn restore(env: &Env, dir: &Path) {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for f in files {
        let name = f.file_name().unwrap().to_str().unwrap().to_string();
        let table = name.split('.').next().unwrap().to_string();
        let text = std::fs::read_to_string(&f).unwrap();
        let mut req = Request::new("tabrestore");
        req.set("clienttype", "cli");
        req.set("table", table.as_str());
        let lines: Vec<Value> = text.split_inclusive('\n').map(Value::text).collect();
        req.map.insert("data".into(), lines);
        let out = run_req(env, &req);
        assert_eq!(
            (out.stderr.as_str(), out.exit),
            ("", 0),
            "{} restore {table}",
            env.label
        );
    }
}

fn all_dumps(env: &Env, tables: &[String]) -> Vec<(String, String)> {
    tables
        .iter()
        .map(|t| (t.clone(), run(env, "tabdump", None, &[t]).stdout))
        .collect()
}

fn round_trip(from: &Env, to: &Env) {
    populate(from);
    let dir = tempfile::tempdir().unwrap();
    let tables = dump(from, dir.path());
    assert_eq!(tables.len(), 73);
    restore(to, dir.path());
    let a = all_dumps(from, &tables);
    let b = all_dumps(to, &tables);
    for ((t, x), (_, y)) in a.iter().zip(&b) {
        assert_eq!(x, y, "{} -> {}: table {t}", from.label, to.label);
    }
    // the dump of the dump is byte-identical too
    let dir2 = tempfile::tempdir().unwrap();
    dump(to, dir2.path());
    for t in &tables {
        let x = std::fs::read(dir.path().join(format!("{t}.csv"))).unwrap();
        let y = std::fs::read(dir2.path().join(format!("{t}.csv"))).unwrap();
        assert_eq!(x, y, "{t}.csv");
    }
}

#[test]
fn sqlite_to_sqlite() {
    round_trip(&sqlite(), &sqlite());
}

#[test]
fn pg_to_pg_and_across_backends() {
    let Some(p1) = pg() else {
        xcat_schema::testing::unavailable("XCATD_TEST_PG_URL not set: PostgreSQL round trips");
        return;
    };
    round_trip(&p1, &pg().unwrap());
    round_trip(&sqlite(), &pg().unwrap());
    round_trip(&pg().unwrap(), &sqlite());
}
