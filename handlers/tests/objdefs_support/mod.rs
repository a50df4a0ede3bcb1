//! Shared setup of the objdefs tests: one database per backend (SQLite in a
//! temporary directory always; a fresh PostgreSQL database when
//! `XCATD_TEST_PG_URL` is set), a stock-like fresh xCAT database, and
//! running lsdef/mkdef/chdef/rmdef rendered through the client's printer.
#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use xcat_handlers::api::{Ctx, ServerInfo};
use xcat_handlers::runner::RecordingRunner;
use xcat_proto::{Request, Response};
use xcat_schema::db::{Db, DbLocation};

pub struct Env {
    pub label: String,
    pub db: Db,
    pub runner: Arc<RecordingRunner>,
    _dir: tempfile::TempDir,
}

static PG_SEQ: AtomicUsize = AtomicUsize::new(0);

fn with_dbname(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let cut = base[scheme_end..]
        .find('/')
        .map(|i| i + scheme_end)
        .unwrap_or(base.len());
    let mut out = format!("{}/{}", &base[..cut], name);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

fn fresh_pg() -> Option<(String, String)> {
    let url = std::env::var("XCATD_TEST_PG_URL")
        .ok()
        .filter(|u| !u.is_empty())?;
    let name = format!(
        "objdefs_{}_{}_{}",
        std::process::id(),
        PG_SEQ.fetch_add(1, Ordering::SeqCst),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0)
    );
    let st = std::process::Command::new("psql")
        .args([
            url.as_str(),
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            &format!("CREATE DATABASE {name}"),
        ])
        .status()
        .expect("psql");
    assert!(st.success(), "CREATE DATABASE {name} failed");
    Some((with_dbname(&url, &name), name))
}

fn env(label: String, db: Db, dir: tempfile::TempDir) -> Env {
    Env {
        label,
        db,
        runner: Arc::new(RecordingRunner::new()),
        _dir: dir,
    }
}

/// Empty databases, one per backend under test.
pub fn empty_backends() -> Vec<Env> {
    let mut v = Vec::new();
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&DbLocation::SqliteDir(dir.path().to_path_buf())).unwrap();
    v.push(env("sqlite".into(), db, dir));
    if let Some((url, name)) = fresh_pg() {
        let db = Db::open(&DbLocation::Pg { url }).unwrap();
        v.push(env(format!("pg:{name}"), db, tempfile::tempdir().unwrap()));
    }
    v
}

/// Databases initialised like a fresh stock management node `vm`.
pub fn backends() -> Vec<Env> {
    let v = empty_backends();
    for e in &v {
        stock_fresh(&e.db);
    }
    v
}

/// The rows a fresh stock xCAT has that the object commands show.
pub fn stock_fresh(db: &Db) {
    db.write(|c| -> Result<(), xcat_schema::db::DbError> {
        for (k, val) in [
            ("master", "10.0.0.1"),
            ("domain", "cluster.net"),
            ("installdir", "/install"),
            ("xcatdport", "3001"),
            ("xcatiport", "3002"),
        ] {
            c.set_attribs("site", &[("key", k)], &[("value", Some(val))])?;
        }
        c.set_attribs(
            "postscripts",
            &[("node", "xcatdefaults")],
            &[
                ("postscripts", Some("syslog,remoteshell,syncfiles")),
                ("postbootscripts", Some("otherpkgs")),
            ],
        )?;
        c.set_attribs(
            "nodelist",
            &[("node", "vm")],
            &[("groups", Some("__mgmtnode"))],
        )?;
        c.set_attribs(
            "servicenode",
            &[("node", "__mgmtnode")],
            &[("tftpserver", Some("yes"))],
        )?;
        Ok(())
    })
    .unwrap();
}

pub fn ctx(e: &Env) -> Ctx {
    Ctx {
        db: e.db.clone(),
        server: Arc::new(ServerInfo {
            short_host: "vm".into(),
            version_line: "Version 2.19.0 (xcatd-rs test)".into(),
            confdir: std::env::temp_dir(),
            mn_marker: std::env::temp_dir().join("no-xCATMN"),
            sn_marker: std::env::temp_dir().join("no-xCATSN"),
        }),
        runner: e.runner.clone(),
        user: Some("root".into()),
        peer_host: None,
        privileged: true,
    }
}

/// What the stock client would print.
#[derive(Debug, Clone, Default)]
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub exit: i32,
    pub responses: Vec<Response>,
}

/// Build the request exactly as the stock xcatDBcmds client does.
pub fn request(cmd: &str, args: &[&str], stdin: &str) -> Request {
    let mut r = Request::new(cmd);
    r.set_args(args);
    r.set("clienttype", "cli");
    r.set("cwd", "/tmp");
    r.set("stdin", stdin);
    r
}

pub fn run_stdin(e: &Env, cmd: &str, args: &[&str], stdin: &str) -> Run {
    let handlers = xcat_handlers::objdefs::handlers();
    let h = handlers
        .iter()
        .find(|h| h.commands().contains(&cmd))
        .expect("handler");
    assert!(!h.wants_expanded_nodes());
    let req = request(cmd, args, stdin);
    let mut resp: Vec<Response> = Vec::new();
    h.process(&ctx(e), &req, &mut resp).expect("process");
    let mut p = xcat_client::render::Printed::new();
    for r in &resp {
        xcat_client::render::render(r, false, &mut p);
    }
    Run {
        stdout: p.stdout,
        stderr: p.stderr,
        exit: p.exit_code,
        responses: resp,
    }
}

pub fn run(e: &Env, cmd: &str, args: &[&str]) -> Run {
    run_stdin(e, cmd, args, "")
}

/// Run and require exit 0.
pub fn ok(e: &Env, cmd: &str, args: &[&str]) -> Run {
    let r = run(e, cmd, args);
    assert_eq!(
        r.exit, 0,
        "[{}] {cmd} {args:?}: {}{}",
        e.label, r.stdout, r.stderr
    );
    r
}

/// A fixture's client stdout/stderr with the `[vm]: ` source prefix removed.
pub fn fixture(name: &str) -> (String, String, i32) {
    let path = format!(
        "{}/../../shared/fixtures/wire/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let path = if std::path::Path::new(&path).exists() {
        path
    } else {
        format!("/work/shared/fixtures/wire/{name}")
    };
    let text = std::fs::read_to_string(&path).expect("fixture");
    let section = |start: &str, end: &str| -> String {
        let s = text.find(start).map(|i| i + start.len() + 1).unwrap_or(0);
        let e = text[s..].find(end).map(|i| i + s).unwrap_or(text.len());
        text[s..e].to_string()
    };
    let out = section("=== CLIENT STDOUT ===", "=== CLIENT STDERR ===");
    let err = section("=== CLIENT STDERR ===", "=== CLIENT EXIT CODE:").replace("[vm]: ", "");
    let code = text
        .split("=== CLIENT EXIT CODE: ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .and_then(|s| s.parse().ok())
        .unwrap_or(-1);
    (out, err, code)
}

/// Every table's rows (for "nothing changed" assertions).
pub fn snapshot(db: &Db) -> Vec<(String, Vec<Vec<Option<String>>>)> {
    db.read(|c| {
        let mut v = Vec::new();
        for t in c.tables()? {
            let mut rows = c.all_rows(&t, false)?;
            rows.sort();
            v.push((t, rows));
        }
        Ok(v)
    })
    .unwrap()
}
