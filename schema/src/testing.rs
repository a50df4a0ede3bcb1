//! Throwaway databases for tests (cargo feature `testing`): a fresh SQLite
//! directory always and, when `XCATD_TEST_PG_URL` is set (see
//! `scripts/with-postgres`), a freshly created PostgreSQL database.
//!
//! Other crates enable it through their dev-dependency
//! (`xcat-schema = { workspace = true, features = ["testing"] }`); this
//! crate's own integration tests include this file by path
//! (`schema/tests/storage_support`), which is why it names the crate as
//! `xcat_schema::` (lib.rs has `extern crate self as xcat_schema`).
//! Test-only code: it panics on setup failures.

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use xcat_schema::db::{Db, DbLocation};

static SEQ: AtomicUsize = AtomicUsize::new(0);

/// A unique lower-case SQL identifier: `prefix_<pid>_<seq>_<nanos>`.
pub fn unique_name(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{}_{}_{}_{nanos}",
        prefix.to_ascii_lowercase(),
        std::process::id(),
        SEQ.fetch_add(1, Ordering::SeqCst)
    )
}

/// True when the tests run under CI (`CI=true`, as `.ci/run` and most CI
/// services set it).
pub fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true"))
}

/// The one place a test gives up because something it needs is missing
/// (`openssl`, `sqlite3`, PostgreSQL, a fixture): under `CI=true` that is a
/// failure (this panics); elsewhere it prints why, and the caller returns.
pub fn unavailable(what: &str) {
    if under_ci() {
        panic!("CI=true and {what}: this test cannot run (scripts/test installs what tests need)");
    }
    eprintln!("{what}: test skipped");
}

/// The admin URL of the test cluster (`XCATD_TEST_PG_URL`), if set.
pub fn pg_admin_url() -> Option<String> {
    std::env::var("XCATD_TEST_PG_URL")
        .ok()
        .filter(|s| !s.is_empty())
}

/// `postgres://…/olddb?x` with the database name replaced by `name`.
pub fn with_dbname(url: &str, name: &str) -> String {
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

/// Creates an empty PostgreSQL database and returns its URL (None when
/// `XCATD_TEST_PG_URL` is not set). `CREATE DATABASE` takes no bound
/// parameters; the identifier comes from [`unique_name`], never from input.
pub fn new_pg_database() -> Option<String> {
    let admin = pg_admin_url()?;
    let name = unique_name("xcatt");
    let mut conn = PgConnection::establish(&admin)
        .unwrap_or_else(|e| panic!("connect to XCATD_TEST_PG_URL: {e}"));
    conn.batch_execute(&format!("CREATE DATABASE \"{name}\""))
        .unwrap_or_else(|e| panic!("CREATE DATABASE {name}: {e}"));
    Some(with_dbname(&admin, &name))
}

/// One test database; `guard` keeps the SQLite directory alive.
pub struct TestDb {
    /// `"sqlite"` or `"pg"`.
    pub label: &'static str,
    pub location: DbLocation,
    pub guard: Option<tempfile::TempDir>,
}

impl TestDb {
    /// Opens (and on first use creates the tables of) this database.
    pub fn open(&self) -> Db {
        Db::open(&self.location).unwrap_or_else(|e| panic!("{}: open failed: {e}", self.label))
    }

    /// The SQLite directory (None on PostgreSQL).
    pub fn sqlite_dir(&self) -> Option<&Path> {
        match &self.location {
            DbLocation::SqliteDir(p) => Some(p),
            DbLocation::Pg { .. } => None,
        }
    }
}

/// A fresh, empty SQLite directory.
pub fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    TestDb {
        label: "sqlite",
        location: DbLocation::SqliteDir(dir.path().to_path_buf()),
        guard: Some(dir),
    }
}

/// A fresh, empty PostgreSQL database when `XCATD_TEST_PG_URL` is set.
pub fn pg() -> Option<TestDb> {
    Some(TestDb {
        label: "pg",
        location: DbLocation::Pg {
            url: new_pg_database()?,
        },
        guard: None,
    })
}

/// SQLite always, PostgreSQL when configured (each a fresh, empty location).
pub fn backends() -> Vec<TestDb> {
    let mut v = vec![sqlite()];
    match pg() {
        Some(p) => v.push(p),
        None => unavailable(
            "XCATD_TEST_PG_URL not set (run under scripts/with-postgres): PostgreSQL part",
        ),
    }
    v
}
