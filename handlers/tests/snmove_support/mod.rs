//! Shared setup of the snmove tests: a database per backend (SQLite in a
//! temporary directory always; a fresh PostgreSQL database when
//! `XCATD_TEST_PG_URL` is set), the issue-5 cluster (sn1/sn2 and 20 compute
//! nodes), a recording runner, and stock-client rendering of the responses.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use xcat_handlers::api::{Ctx, Handler, ServerInfo};
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

/// `postgres://…/db?x` with the database name replaced.
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

/// A fresh PostgreSQL database (created with psql) when XCATD_TEST_PG_URL is set.
fn fresh_pg() -> Option<(String, String)> {
    let url = std::env::var("XCATD_TEST_PG_URL")
        .ok()
        .filter(|u| !u.is_empty())?;
    let name = format!(
        "snmove_{}_{}_{}",
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

/// One environment per backend under test.
pub fn backends() -> Vec<Env> {
    let mut v = Vec::new();
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&DbLocation::SqliteDir(dir.path().to_path_buf())).unwrap();
    v.push(Env {
        label: "sqlite".into(),
        db,
        runner: Arc::new(RecordingRunner::new()),
        _dir: dir,
    });
    if let Some((url, name)) = fresh_pg() {
        let db = Db::open(&DbLocation::Pg { url }).unwrap();
        v.push(Env {
            label: format!("pg:{name}"),
            db,
            runner: Arc::new(RecordingRunner::new()),
            _dir: tempfile::tempdir().unwrap(),
        });
    }
    v
}

pub fn shared_dir() -> PathBuf {
    std::env::var_os("XCAT_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"))
}

impl Env {
    /// An environment on an existing database (child processes).
    pub fn attach(label: &str, db: Db) -> Env {
        Env {
            label: label.into(),
            db,
            runner: Arc::new(RecordingRunner::new()),
            _dir: tempfile::tempdir().unwrap(),
        }
    }

    /// The database location as `SNMOVE_CHILD_DB` carries it.
    pub fn location_string(&self) -> String {
        match self.db.location() {
            DbLocation::SqliteDir(p) => p.display().to_string(),
            DbLocation::Pg { url } => url.clone(),
        }
    }

    pub fn ctx(&self) -> Ctx {
        Ctx {
            db: self.db.clone(),
            server: Arc::new(ServerInfo {
                short_host: "vm".into(),
                version_line: "Version 2.19.0 (xcatd-rs test)".into(),
                confdir: PathBuf::from("/nonexistent"),
                mn_marker: PathBuf::from("/nonexistent/xCATMN"),
                sn_marker: PathBuf::from("/nonexistent/xCATSN"),
            }),
            runner: self.runner.clone(),
            user: Some("root".into()),
            peer_host: None,
            privileged: true,
        }
    }

    /// Insert rows: `(table, [(col, value)…])`.
    pub fn insert(&self, table: &str, cols: &[(&str, &str)]) {
        let names: Vec<&str> = cols.iter().map(|c| c.0).collect();
        let values: Vec<Option<&str>> = cols.iter().map(|c| Some(c.1)).collect();
        self.db
            .write(|c| c.insert(table, &names, &values))
            .unwrap_or_else(|e| panic!("{}: insert {table}: {e}", self.label));
    }

    pub fn set(&self, table: &str, keys: &[(&str, &str)], values: &[(&str, Option<&str>)]) {
        self.db
            .write(|c| c.set_attribs(table, keys, values))
            .unwrap_or_else(|e| panic!("{}: set {table}: {e}", self.label));
    }

    /// The issue-5 cluster, as the stock runs had it: site.master=mn,
    /// xcatdefaults postscripts, sn1/sn2 (hosts only), cn01..cn20 in
    /// compute,all with servicenode=sn1,sn2 and xcatmaster=sn1 on their own
    /// rows, every address in the hosts table.
    pub fn seed(&self) {
        self.insert("site", &[("key", "master"), ("value", "mn")]);
        self.insert(
            "postscripts",
            &[
                ("node", "xcatdefaults"),
                ("postscripts", "syslog,remoteshell,syncfiles"),
                ("postbootscripts", "otherpkgs"),
            ],
        );
        self.insert("hosts", &[("node", "sn1"), ("ip", "127.1.0.1")]);
        self.insert("hosts", &[("node", "sn2"), ("ip", "127.1.0.2")]);
        for i in 1..=20 {
            let n = format!("cn{i:02}");
            let ip = format!("127.2.0.{i}");
            self.insert("nodelist", &[("node", &n), ("groups", "compute,all")]);
            self.insert(
                "noderes",
                &[
                    ("node", &n),
                    ("servicenode", "sn1,sn2"),
                    ("xcatmaster", "sn1"),
                ],
            );
            self.insert("hosts", &[("node", &n), ("ip", &ip)]);
        }
    }

    /// Run snmove with these words in `arg`; the responses in order.
    pub fn snmove(&self, args: &[&str]) -> Vec<Response> {
        let mut req = Request::new("snmove");
        req.set_args(args);
        req.set("cwd", "/tmp");
        let h = xcat_handlers::snmove::Snmove;
        let mut out: Vec<Response> = Vec::new();
        if let Err(e) = h.process(&self.ctx(), &req, &mut out) {
            out.push(Response::new().error(e.to_string()));
        }
        out
    }

    /// One column of a node's own row.
    pub fn raw(&self, table: &str, node: &str, col: &str) -> Option<String> {
        self.db
            .read(|c| c.select(table, &[col], &[("node", node)], false))
            .unwrap()
            .first()
            .and_then(|r| r[0].clone())
            .filter(|s| !s.is_empty())
    }

    /// A node's noderes row as in snmove-db-diffs.txt (CSV, quoted when needed).
    pub fn noderes_line(&self, node: &str) -> String {
        let rows = self
            .db
            .read(|c| c.select("noderes", &NODERES_COLS, &[("node", node)], false))
            .unwrap();
        let row = rows
            .first()
            .unwrap_or_else(|| panic!("no noderes row for {node}"));
        row.iter()
            .map(|v| {
                let v = v.clone().unwrap_or_default();
                if v.contains(',') || v.contains('"') {
                    format!("\"{}\"", v.replace('"', "\"\""))
                } else {
                    v
                }
            })
            .collect::<Vec<_>>()
            .join(",")
    }

    pub fn all_noderes(&self) -> Vec<String> {
        (1..=20)
            .map(|i| self.noderes_line(&format!("cn{i:02}")))
            .collect()
    }
}

pub const NODERES_COLS: [&str; 22] = [
    "node",
    "servicenode",
    "netboot",
    "tftpserver",
    "tftpdir",
    "nfsserver",
    "monserver",
    "nfsdir",
    "installnic",
    "primarynic",
    "discoverynics",
    "cmdinterface",
    "xcatmaster",
    "current_osimage",
    "next_osimage",
    "nimserver",
    "routenames",
    "nameservers",
    "proxydhcp",
    "syslog",
    "comments",
    "disable",
];

/// The responses as the stock client prints them (source host `vm`).
pub fn render(responses: &[Response]) -> xcat_client::render::Printed {
    let mut p = xcat_client::render::Printed::new();
    for r in responses {
        let mut r = r.clone();
        if !r.map.contains_key("xcatdsource") {
            r = r.set("xcatdsource", "vm");
        }
        xcat_client::render::render(&r, false, &mut p);
    }
    p
}

/// (stdout, stderr, exit code) the stock client printed in a wire fixture.
pub fn fixture_output(name: &str) -> (String, String, i32) {
    let path = shared_dir().join("fixtures/wire").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let after = |marker: &str| text.split_once(marker).map(|(_, r)| r).unwrap_or("");
    let stdout = after("=== CLIENT STDOUT ===\n")
        .split("=== CLIENT STDERR ===")
        .next()
        .unwrap_or("");
    let stderr = after("=== CLIENT STDERR ===\n")
        .split("=== CLIENT EXIT CODE")
        .next()
        .unwrap_or("");
    let code = after("=== CLIENT EXIT CODE: ")
        .split(' ')
        .next()
        .unwrap_or("0")
        .parse()
        .unwrap_or(-1);
    (stdout.to_string(), stderr.to_string(), code)
}

/// Lines of a section of snmove-db-diffs.txt starting with `prefix` (`<`/`>`).
pub fn diff_lines(section: &str, prefix: &str) -> Vec<String> {
    let path = shared_dir().join("fixtures/stock-outputs/snmove-db-diffs.txt");
    let text = std::fs::read_to_string(path).unwrap();
    let body = text.split(&format!("## {section}")).nth(1).unwrap_or("");
    let body = body.split("\n## ").next().unwrap_or("");
    body.lines()
        .filter_map(|l| l.strip_prefix(prefix).map(|s| s.trim_start().to_string()))
        .collect()
}
