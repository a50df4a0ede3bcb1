//! Test support for the storage tests: a fresh database per test on SQLite (temp dir) and,
//! when `XCATD_TEST_PG_URL` is set (scripts/with-postgres), on a new PostgreSQL database.
#![allow(dead_code)]

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use std::sync::atomic::{AtomicUsize, Ordering};
use xcat_schema::db::{Db, DbLocation};

/// A database for one test; the SQLite temp dir lives as long as this value.
pub struct TestDb {
    pub label: &'static str,
    pub loc: DbLocation,
    pub dir: Option<tempfile::TempDir>,
}

impl TestDb {
    pub fn open(&self) -> Db {
        Db::open(&self.loc).unwrap_or_else(|e| panic!("{}: open failed: {e}", self.label))
    }
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A unique lower-case database name.
pub fn unique_name(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "{prefix}_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    )
}

/// The admin URL of the test cluster, if any.
pub fn pg_admin_url() -> Option<String> {
    std::env::var("XCATD_TEST_PG_URL")
        .ok()
        .filter(|s| !s.is_empty())
}

/// Creates an empty PostgreSQL database and returns its URL.
pub fn new_pg_database() -> Option<String> {
    let admin = pg_admin_url()?;
    let name = unique_name("xcatt");
    let mut c = PgConnection::establish(&admin).expect("connect to XCATD_TEST_PG_URL");
    c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
    let base = admin
        .rsplit_once('/')
        .map(|(b, _)| b)
        .unwrap_or(&admin)
        .to_string();
    Some(format!("{base}/{name}"))
}

pub fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().unwrap();
    TestDb {
        label: "sqlite",
        loc: DbLocation::SqliteDir(dir.path().to_path_buf()),
        dir: Some(dir),
    }
}

pub fn pg() -> Option<TestDb> {
    Some(TestDb {
        label: "pg",
        loc: DbLocation::Pg {
            url: new_pg_database()?,
        },
        dir: None,
    })
}

/// SQLite always, PostgreSQL when configured (each a fresh, empty location).
pub fn backends() -> Vec<TestDb> {
    let mut v = vec![sqlite()];
    if let Some(p) = pg() {
        v.push(p);
    } else {
        eprintln!(
            "XCATD_TEST_PG_URL not set: PostgreSQL part skipped (run under scripts/with-postgres)"
        );
    }
    v
}

/// `Some("x")` helper.
pub fn s(v: &str) -> Option<String> {
    Some(v.to_string())
}
