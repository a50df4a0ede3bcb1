//! Support shared by every handler test: one `Env` per database backend
//! (built on `xcat_schema::testing`: SQLite always, a fresh PostgreSQL
//! database when `XCATD_TEST_PG_URL` is set), a recording runner, a `Ctx`
//! like the daemon's, running a handler by command name through
//! `xcat_handlers::registry()`, printing through the stock-compatible client
//! renderer, and the wire fixtures (parsed by `xcat_tests::fixtures`).
#![allow(dead_code)]

use std::sync::Arc;
use xcat_handlers::api::{Ctx, Handler, HandlerError, ServerInfo};
use xcat_handlers::runner::RecordingRunner;
use xcat_proto::{Request, Response};
use xcat_schema::db::{Db, DbLocation};
use xcat_schema::testing::{self, TestDb};

#[allow(unused_imports)]
pub use xcat_tests::fixtures::{fixtures_dir, wire_dir, Exchange, Fixture};

/// One backend under test: its database, the runner the handlers see, the
/// handler context, and a scratch directory that is also the server's confdir.
pub struct Env {
    /// `"sqlite"`, `"pg"`, or what the test named it.
    pub label: String,
    pub db: Db,
    pub runner: Arc<RecordingRunner>,
    /// Privileged root on management node `vm` (see [`Env::new`]).
    pub ctx: Ctx,
    pub dir: tempfile::TempDir,
    _storage: Option<TestDb>,
}

impl Env {
    /// An environment on `db` whose context is privileged root on management
    /// node `vm`, confdir `dir` (the xCATMN/xCATSN markers are absent there).
    pub fn new(label: &str, db: Db, dir: tempfile::TempDir) -> Env {
        let runner = Arc::new(RecordingRunner::new());
        let ctx = Ctx {
            db: db.clone(),
            server: Arc::new(ServerInfo {
                short_host: "vm".into(),
                version_line: "Version 2.19.0 (xcatd-rs test)".into(),
                confdir: dir.path().to_path_buf(),
                mn_marker: dir.path().join("xCATMN"),
                sn_marker: dir.path().join("xCATSN"),
                ha: None,
            }),
            runner: runner.clone(),
            user: Some("root".into()),
            peer_host: None,
            privileged: true,
            groups: None,
        };
        Env {
            label: label.to_string(),
            db,
            runner,
            ctx,
            dir,
            _storage: None,
        }
    }

    /// An environment on a fresh test database.
    pub fn on(t: TestDb) -> Env {
        let mut env = Env::attach(t.label, t.open());
        env._storage = Some(t);
        env
    }

    /// An environment on an existing database (e.g. in a child process).
    pub fn attach(label: &str, db: Db) -> Env {
        Env::new(label, db, tempfile::tempdir().unwrap())
    }

    /// The database location as a plain string (SQLite dir or PG URL).
    pub fn location_string(&self) -> String {
        match self.db.location() {
            DbLocation::SqliteDir(p) => p.display().to_string(),
            DbLocation::Pg { url } => url.clone(),
        }
    }
}

/// An environment on a given location; `dir` becomes its scratch directory.
pub fn env_for(label: &str, loc: DbLocation, dir: tempfile::TempDir) -> Env {
    let db = Db::open(&loc).unwrap_or_else(|e| panic!("{label}: open: {e}"));
    Env::new(label, db, dir)
}

/// Empty databases: SQLite always, PostgreSQL when configured.
pub fn backends() -> Vec<Env> {
    testing::backends().into_iter().map(Env::on).collect()
}

/// The registered handler for a command.
pub fn handler(cmd: &str) -> Arc<dyn Handler> {
    xcat_handlers::registry()
        .get(cmd)
        .unwrap_or_else(|| panic!("no handler for {cmd}"))
}

/// A request as the stock CLI sends it; `nodes` = the daemon's expansion of
/// the noderange (sent as `noderange` + `node`); no `arg` when `args` is empty.
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

/// Runs the request's handler like the daemon does (noderange already expanded).
pub fn process(env: &Env, req: &Request) -> Result<Vec<Response>, HandlerError> {
    let mut docs: Vec<Response> = Vec::new();
    handler(req.command()).process(&env.ctx, req, &mut docs)?;
    Ok(docs)
}

/// What the client would show, plus the documents.
#[derive(Debug, Clone, Default)]
pub struct Out {
    pub docs: Vec<Response>,
    pub stdout: String,
    pub stderr: String,
    pub exit: i32,
}

/// The documents as the stock client prints them (no `xcatdsource` added).
pub fn print(docs: &[Response]) -> xcat_client::Printed {
    let mut printed = xcat_client::Printed::new();
    for d in docs {
        xcat_client::render(d, false, &mut printed);
    }
    printed
}

/// The documents as printed when they came from server `source`.
pub fn print_from(docs: &[Response], source: &str) -> xcat_client::Printed {
    let tagged: Vec<Response> = docs.iter().map(|d| tag_source(d, source)).collect();
    print(&tagged)
}

fn tag_source(d: &Response, source: &str) -> Response {
    if d.map.contains_key("xcatdsource") {
        d.clone()
    } else {
        d.clone().set("xcatdsource", source)
    }
}

/// Renders the documents into an [`Out`].
pub fn output(docs: Vec<Response>) -> Out {
    let p = print(&docs);
    Out {
        docs,
        stdout: p.stdout,
        stderr: p.stderr,
        exit: p.exit_code,
    }
}

/// Runs the request (the handler must not fail) and renders the result.
pub fn run_req(env: &Env, req: &Request) -> Out {
    output(process(env, req).unwrap_or_else(|e| panic!("{}: handler failed: {e}", env.label)))
}

// ---- wire fixtures ----

/// One transcript by file-name prefix (`"03-"`).
pub fn fixture(prefix: &str) -> Fixture {
    xcat_tests::fixtures::fixture(prefix)
}

/// One transcript by exact file name (`"08-lsdef-cn01.txt"`).
pub fn fixture_file(name: &str) -> Fixture {
    let path = wire_dir().join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    xcat_tests::fixtures::parse(name.trim_end_matches(".txt"), &bytes)
}

/// The request of a transcript's connection as the handler receives it.
pub fn parse_request(bytes: &[u8]) -> Request {
    let root = xcat_proto::parse_document(bytes).expect("request xml");
    Request::from_map(root.map)
}

/// The bytes the daemon would send for these documents: each tagged with
/// `xcatdsource`, then the serverdone document.
pub fn wire(docs: &[Response], source: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for d in docs {
        tag_source(d, source).write_to(&mut out);
    }
    Response::new()
        .set("serverdone", xcat_proto::Value::Empty)
        .write_to(&mut out);
    out
}

/// Every table's rows, sorted (for "nothing changed" assertions).
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

/// A fresh SQLite environment.
pub fn sqlite() -> Env {
    Env::on(testing::sqlite())
}

/// A fresh PostgreSQL environment when `XCATD_TEST_PG_URL` is set.
pub fn pg() -> Option<Env> {
    testing::pg().map(Env::on)
}
