//! Shared setup of the table-command tests: one database per backend (SQLite
//! in a temporary directory always; a fresh PostgreSQL database when
//! `XCATD_TEST_PG_URL` is set), a no-op runner that records internal
//! requests, running a handler like the daemon does (noderange already
//! expanded by the test), rendering through the stock-compatible client
//! printer, and the wire fixtures.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use xcat_handlers::api::{Ctx, Handler, ServerInfo};
use xcat_handlers::runner::{Cmd, Output, Runner, Target};
use xcat_proto::{Request, Response};
use xcat_schema::db::{Db, DbLocation};

/// Records internal xCAT requests (noderm → makedhcp) and runs nothing.
#[derive(Default)]
pub struct NoopRunner {
    pub requests: Mutex<Vec<Request>>,
}

impl Runner for NoopRunner {
    fn run(&self, _target: &Target, _cmd: &Cmd, _timeout: Duration) -> Output {
        Output::default()
    }

    fn xcat(&self, request: Request, _timeout: Duration) -> Vec<Response> {
        if let Ok(mut v) = self.requests.lock() {
            v.push(request);
        }
        Vec::new()
    }
}

pub struct Env {
    pub label: String,
    pub ctx: Ctx,
    pub runner: Arc<NoopRunner>,
    pub dir: tempfile::TempDir,
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

/// A fresh PostgreSQL database when XCATD_TEST_PG_URL is set.
pub fn fresh_pg_url() -> Option<String> {
    let url = std::env::var("XCATD_TEST_PG_URL")
        .ok()
        .filter(|u| !u.is_empty())?;
    let name = format!(
        "tables_{}_{}",
        std::process::id(),
        PG_SEQ.fetch_add(1, Ordering::SeqCst)
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
    Some(with_dbname(&url, &name))
}

fn server_info(dir: &Path) -> Arc<ServerInfo> {
    Arc::new(ServerInfo {
        short_host: "vm".into(),
        version_line: "Version 2.19.0 (xcatd-rs test)".into(),
        confdir: dir.to_path_buf(),
        mn_marker: dir.join("xCATMN"),
        sn_marker: dir.join("xCATSN"),
    })
}

pub fn env_for(label: &str, loc: DbLocation, dir: tempfile::TempDir) -> Env {
    let db = Db::open(&loc).expect("open db");
    let runner = Arc::new(NoopRunner::default());
    let ctx = Ctx {
        db,
        server: server_info(dir.path()),
        runner: runner.clone(),
        user: Some("root".into()),
        peer_host: None,
        privileged: true,
    };
    Env {
        label: label.to_string(),
        ctx,
        runner,
        dir,
    }
}

pub fn sqlite() -> Env {
    let dir = tempfile::tempdir().unwrap();
    let dbdir = dir.path().join("db");
    std::fs::create_dir_all(&dbdir).unwrap();
    env_for("sqlite", DbLocation::SqliteDir(dbdir), dir)
}

pub fn pg() -> Option<Env> {
    let url = fresh_pg_url()?;
    Some(env_for(
        "pg",
        DbLocation::Pg { url },
        tempfile::tempdir().unwrap(),
    ))
}

/// SQLite always, PostgreSQL when available.
pub fn backends() -> Vec<Env> {
    let mut v = vec![sqlite()];
    if let Some(p) = pg() {
        v.push(p);
    } else {
        eprintln!("XCATD_TEST_PG_URL not set: PostgreSQL part skipped");
    }
    v
}

pub fn handler(cmd: &str) -> Arc<dyn Handler> {
    xcat_handlers::tables::handlers()
        .into_iter()
        .find(|h| h.commands().contains(&cmd))
        .unwrap_or_else(|| panic!("no handler for {cmd}"))
}

/// What the client would show, plus the documents.
#[derive(Debug)]
pub struct Out {
    pub docs: Vec<Response>,
    pub stdout: String,
    pub stderr: String,
    pub exit: i32,
}

pub fn render(docs: Vec<Response>) -> Out {
    let mut printed = xcat_client::Printed::new();
    for d in &docs {
        xcat_client::render(d, false, &mut printed);
    }
    Out {
        docs,
        stdout: printed.stdout,
        stderr: printed.stderr,
        exit: printed.exit_code,
    }
}

pub fn run_req(env: &Env, req: &Request) -> Out {
    let h = handler(req.command());
    let mut docs: Vec<Response> = Vec::new();
    h.process(&env.ctx, req, &mut docs).expect("handler failed");
    render(docs)
}

/// A request as the stock CLI sends it; `nodes` = the daemon's expansion of
/// the noderange (sent as `noderange` + `node`).
pub fn request(cmd: &str, nodes: Option<&[&str]>, args: &[&str]) -> Request {
    let mut r = Request::new(cmd);
    r.set("clienttype", "cli");
    r.set("cwd", "/tmp");
    if !args.is_empty() {
        r.set_args(args);
    }
    if let Some(n) = nodes {
        r.set("noderange", n.join(","));
        r.set_nodes(n);
    }
    r
}

pub fn run(env: &Env, cmd: &str, nodes: Option<&[&str]>, args: &[&str]) -> Out {
    run_req(env, &request(cmd, nodes, args))
}

/// Run and insist on success with no output.
pub fn ok(env: &Env, cmd: &str, nodes: Option<&[&str]>, args: &[&str]) {
    let o = run(env, cmd, nodes, args);
    assert_eq!(
        (o.stdout.as_str(), o.stderr.as_str(), o.exit),
        ("", "", 0),
        "{} {cmd} {args:?}",
        env.label
    );
}

/// Insert rows with plain SQL-like inserts (test seeding).
pub fn seed(env: &Env, table: &str, cols: &[&str], rows: &[&[&str]]) {
    env.ctx
        .db
        .write(|c| -> Result<(), xcat_schema::db::DbError> {
            for r in rows {
                let vals: Vec<Option<&str>> = r
                    .iter()
                    .map(|v| if v.is_empty() { None } else { Some(*v) })
                    .collect();
                c.insert(table, cols, &vals)?;
            }
            Ok(())
        })
        .unwrap();
}

/// Rows of a table with plain reads.
pub fn rows(env: &Env, table: &str, cols: &[&str]) -> Vec<Vec<Option<String>>> {
    env.ctx
        .db
        .read(|c| c.select(table, cols, &[], false))
        .unwrap()
}

// ---- wire fixtures ----

pub fn fixture_dir() -> PathBuf {
    PathBuf::from("/work/shared/fixtures/wire")
}

/// One captured exchange of a fixture file.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub request: Vec<u8>,
    pub response: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct Fixture {
    pub exchanges: Vec<Exchange>,
    pub stdout: String,
    pub stderr: String,
    pub exit: i32,
}

fn take_block(data: &[u8], pos: &mut usize, marker: &str) -> Option<Vec<u8>> {
    let hay = &data[*pos..];
    let start = find(hay, marker.as_bytes())?;
    let after = &hay[start + marker.len()..];
    // "...: N bytes ===\n"
    let colon = find(after, b": ")?;
    let sp = find(&after[colon + 2..], b" bytes ===\n")?;
    let n: usize = std::str::from_utf8(&after[colon + 2..colon + 2 + sp])
        .ok()?
        .parse()
        .ok()?;
    let body_start = *pos + start + marker.len() + colon + 2 + sp + " bytes ===\n".len();
    let body = data[body_start..body_start + n].to_vec();
    *pos = body_start + n;
    Some(body)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn section(text: &str, start: &str, end: &str) -> String {
    let s = text
        .find(start)
        .map(|i| i + start.len())
        .unwrap_or(text.len());
    let rest = &text[s..];
    let e = rest.find(end).unwrap_or(rest.len());
    rest[..e].to_string()
}

pub fn fixture(prefix: &str) -> Fixture {
    let dir = fixture_dir();
    let file = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(prefix))
        })
        .unwrap_or_else(|| panic!("fixture {prefix}"));
    let data = std::fs::read(&file).unwrap();
    let mut pos = 0;
    let mut exchanges = Vec::new();
    while let Some(request) = take_block(&data, &mut pos, "=== REQUEST (client -> server)") {
        let response = take_block(&data, &mut pos, "=== RESPONSE (server -> client)").unwrap();
        exchanges.push(Exchange { request, response });
    }
    let text = String::from_utf8_lossy(&data).to_string();
    let stdout = section(&text, "=== CLIENT STDOUT ===\n", "=== CLIENT STDERR ===\n");
    let stderr = section(&text, "=== CLIENT STDERR ===\n", "=== CLIENT EXIT CODE: ");
    let exit = section(&text, "=== CLIENT EXIT CODE: ", " ===")
        .trim()
        .parse()
        .unwrap();
    Fixture {
        exchanges,
        stdout,
        stderr,
        exit,
    }
}

pub fn parse_request(bytes: &[u8]) -> Request {
    let root = xcat_proto::parse_document(bytes).expect("request xml");
    Request::from_map(root.map)
}

/// The bytes the daemon would send for these documents: each tagged with
/// `xcatdsource`, then the serverdone document.
pub fn wire(docs: &[Response], source: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for d in docs {
        let mut d = d.clone();
        if !d.map.contains_key("xcatdsource") {
            d = d.set("xcatdsource", source);
        }
        d.write_to(&mut out);
    }
    Response::new()
        .set("serverdone", xcat_proto::Value::Empty)
        .write_to(&mut out);
    out
}
