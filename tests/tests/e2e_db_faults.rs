//! End to end: the database failing under a running daemon.  PostgreSQL down
//! (a clear "database unreachable" error at once, never a policy denial),
//! PostgreSQL restarted in the middle of a write and of a read (the command
//! fails, nothing partial is left, the next command is served without
//! restarting the daemon), and a SQLite table file held by another process
//! (`sqlite3` in `BEGIN EXCLUSIVE`, as a stock `chtab` would) for longer than
//! the busy timeout.  The PostgreSQL tests need scripts/with-postgres (they
//! stop and restart its cluster, one test at a time).

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tokio::sync::Mutex;
use xcat_tests::pg_cluster::{psql_value, wait_for_lock_waiter, PgCluster, TableLock};
use xcat_tests::{Backend, Printed, Xcatd};

/// The cluster is shared by the tests of this file: one at a time.
static CLUSTER: Mutex<()> = Mutex::const_new(());

const NODES: &[&str] = &[
    "mkdef",
    "-t",
    "node",
    "-o",
    "cn[001-200]",
    "groups=compute,all",
    "mgt=ipmi",
    "xcatmaster=sn1",
];

async fn ok(server: &Xcatd, argv: &[&str]) -> Printed {
    let p = server.run(argv).await;
    assert_eq!(
        (p.stderr.as_str(), p.exit_code),
        ("", 0),
        "{argv:?}: {p:?}\n{}",
        server.log_text()
    );
    p
}

fn count(url: &str, table: &str) -> String {
    psql_value(url, &format!("SELECT count(*) FROM {table}"))
}

/// A failed command: non-zero exit, an error naming the database, no success line.
fn failed_cleanly(p: &Printed, what: &str, server: &Xcatd) {
    assert_ne!(p.exit_code, 0, "{what}: {p:?}");
    assert!(
        !p.stdout.contains("have been created"),
        "{what}: success reported: {p:?}"
    );
    assert!(
        !p.stderr.contains("Permission denied"),
        "{what}: a database fault reported as a denial: {p:?}"
    );
    assert!(
        !server.log_text().contains("panicked"),
        "{what}: {}",
        server.log_text()
    );
}

#[tokio::test]
async fn postgres_down_answers_database_unreachable_at_once() {
    let _one = CLUSTER.lock().await;
    let Some(cluster) = PgCluster::from_env() else {
        return;
    };
    let server = Xcatd::start_on(Backend::Pg);
    ok(&server, &["mkdef", "-t", "node", "-o", "n1", "groups=all"]).await;
    {
        let _down = cluster.stop();
        // Policy rows are cached for 2 s: let them expire, so policy itself
        // has to read the database.
        tokio::time::sleep(Duration::from_millis(2100)).await;
        for argv in [
            &["nodels"][..],
            &["lsdef", "-t", "node"],
            &["chdef", "n1", "mgt=ipmi"],
        ] {
            let started = Instant::now();
            let p = server.run(argv).await;
            // Stock waited through two 15 s connection timeouts (~32 s).
            assert!(started.elapsed() < Duration::from_secs(10), "{argv:?}");
            failed_cleanly(&p, argv[0], &server);
            assert!(p.stderr.contains("database unreachable"), "{argv:?}: {p:?}");
        }
    }
    let p = ok(&server, &["nodels", "n1"]).await;
    assert_eq!(p.stdout, "n1\n");
}

#[tokio::test]
async fn postgres_restart_during_a_write_leaves_nothing() {
    let _one = CLUSTER.lock().await;
    let Some(_cluster) = PgCluster::from_env() else {
        return;
    };
    let server = Xcatd::start_on(Backend::Pg);
    let url = server.db_url.clone();
    let before: Vec<String> = ["nodelist", "nodehm", "noderes"]
        .iter()
        .map(|t| count(&url, t))
        .collect();
    // Writers of noderes wait; readers pass: mkdef writes nodehm and nodelist
    // (tables in name order) and then waits inside its transaction.
    let lock = TableLock::hold(&url, "noderes", "SHARE");
    let restarter = tokio::task::spawn_blocking(move || {
        let waited = wait_for_lock_waiter(&url);
        if let Some(c) = PgCluster::from_env() {
            c.restart();
        }
        drop(lock);
        waited
    });
    let p = server.run(NODES).await;
    assert!(restarter.await.unwrap_or(false), "mkdef never waited");
    failed_cleanly(&p, "mkdef", &server);
    for (table, was) in ["nodelist", "nodehm", "noderes"].iter().zip(&before) {
        assert_eq!(&count(&server.db_url, table), was, "{table}: partial write");
    }
    // The next command is served by the same daemon.
    let p = ok(&server, NODES).await;
    assert_eq!(
        p.stdout,
        "200 object definitions have been created or modified.\n"
    );
    let p = ok(&server, &["nodels", "compute"]).await;
    assert_eq!(p.stdout.lines().count(), 200);
}

#[tokio::test]
async fn postgres_restart_during_a_read_then_served() {
    let _one = CLUSTER.lock().await;
    let Some(_cluster) = PgCluster::from_env() else {
        return;
    };
    let server = Xcatd::start_on(Backend::Pg);
    ok(&server, NODES).await;
    let url = server.db_url.clone();
    let lock = TableLock::hold(&url, "nodelist", "ACCESS EXCLUSIVE");
    let restarter = tokio::task::spawn_blocking(move || {
        let waited = wait_for_lock_waiter(&url);
        if let Some(c) = PgCluster::from_env() {
            c.restart();
        }
        drop(lock);
        waited
    });
    let p = server.run(&["lsdef", "-t", "node", "-l"]).await;
    assert!(restarter.await.unwrap_or(false), "lsdef never waited");
    failed_cleanly(&p, "lsdef", &server);
    assert!(!p.stderr.is_empty(), "{p:?}");
    let p = ok(&server, &["nodels", "compute"]).await;
    assert_eq!(p.stdout.lines().count(), 200);
}

/// `sqlite3 <dir>/<table>.sqlite` in `BEGIN EXCLUSIVE` until dropped.
struct SqliteLock(std::process::Child);

impl SqliteLock {
    fn hold(file: &std::path::Path) -> SqliteLock {
        let mut child = Command::new("sqlite3")
            .arg(file)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("sqlite3 (needed by this test)");
        if let Some(stdin) = child.stdin.as_mut() {
            stdin
                .write_all(b"BEGIN EXCLUSIVE;\nSELECT count(*) FROM noderes;\n")
                .expect("sqlite3 stdin");
            stdin.flush().expect("sqlite3 stdin");
        }
        // The count is printed once the lock is held.
        let mut line = String::new();
        if let Some(out) = child.stdout.as_mut() {
            let _ = BufReader::new(out).read_line(&mut line);
        }
        assert_eq!(
            line.trim(),
            "0",
            "sqlite3 could not lock {}",
            file.display()
        );
        SqliteLock(child)
    }
}

impl Drop for SqliteLock {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn sqlite_file_locked_past_the_busy_timeout() {
    let server = Xcatd::start_on(Backend::Sqlite);
    let dir = server
        .db_url
        .strip_prefix("sqlite-dir:")
        .map(std::path::PathBuf::from)
        .expect("sqlite dir");
    let lock = SqliteLock::hold(&dir.join("noderes.sqlite"));
    let p = server.run(NODES).await;
    failed_cleanly(&p, "mkdef", &server);
    assert!(p.stderr.contains("database is locked"), "{p:?}");
    drop(lock);
    let p = ok(&server, &["nodels"]).await;
    assert_eq!(p.stdout, "vm\n", "partial write");
    let p = ok(&server, NODES).await;
    assert_eq!(
        p.stdout,
        "200 object definitions have been created or modified.\n"
    );
}
