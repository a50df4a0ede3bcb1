//! The throwaway PostgreSQL cluster of `scripts/with-postgres`, for fault tests: stop it,
//! start it again, restart it, or hold a table lock in a `psql` session.  A stopped cluster
//! is started again by [`Stopped`]'s Drop, so a failing test never leaves it down.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// Where the cluster lives (from the variables `scripts/with-postgres` exports).
pub struct PgCluster {
    bindir: PathBuf,
    data: PathBuf,
    log: PathBuf,
    /// The unprivileged user the server runs as when the tests run as root.
    os_user: Option<String>,
}

impl PgCluster {
    /// The cluster, or `None` when the tests do not run under `scripts/with-postgres`
    /// (a failure instead under `CI=true`).
    pub fn from_env() -> Option<PgCluster> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        match (
            var("XCATD_TEST_PG_BINDIR"),
            var("XCATD_TEST_PG_DATA"),
            var("XCATD_TEST_PG_LOG"),
        ) {
            (Some(b), Some(d), Some(l)) => Some(PgCluster {
                bindir: b.into(),
                data: d.into(),
                log: l.into(),
                os_user: var("XCATD_TEST_PG_OSUSER"),
            }),
            _ => {
                assert!(
                    std::env::var("CI").as_deref() != Ok("true"),
                    "CI=true: PostgreSQL fault tests need scripts/with-postgres"
                );
                eprintln!("not under scripts/with-postgres: PostgreSQL fault test skipped");
                None
            }
        }
    }

    fn pg_ctl(&self, args: &[&str]) {
        let pg_ctl = self.bindir.join("pg_ctl");
        let mut cmd = match &self.os_user {
            Some(u) => {
                let mut c = Command::new("runuser");
                c.args(["-u", u, "--"]).arg(&pg_ctl);
                c
            }
            None => Command::new(&pg_ctl),
        };
        if let Some(dir) = self.data.parent() {
            cmd.current_dir(dir);
        }
        let status = cmd
            .arg("-D")
            .arg(&self.data)
            .arg("-l")
            .arg(&self.log)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("pg_ctl");
        assert!(status.success(), "pg_ctl {args:?} failed");
    }

    /// Stops the server (`-m fast`: sessions are ended, open transactions rolled back).
    pub fn stop(&self) -> Stopped<'_> {
        self.pg_ctl(&["-m", "fast", "-w", "stop"]);
        Stopped(self)
    }

    /// Starts the server again with the options it had (`pg_ctl restart` reads them from
    /// `postmaster.opts`).
    pub fn start(&self) {
        self.pg_ctl(&["-m", "fast", "-w", "restart"]);
    }

    /// Stops and starts the server: every session is cut.
    pub fn restart(&self) {
        self.start();
    }
}

/// The cluster while stopped: started again when dropped.
pub struct Stopped<'a>(&'a PgCluster);

impl Drop for Stopped<'_> {
    fn drop(&mut self) {
        self.0.start();
    }
}

/// A `psql` session holding `LOCK TABLE <table> IN <mode> MODE` inside an open
/// transaction until dropped (or until the server is restarted).
pub struct TableLock {
    child: Child,
}

impl TableLock {
    /// `mode`: e.g. `SHARE` (writers wait, readers pass) or `ACCESS EXCLUSIVE` (all wait).
    pub fn hold(url: &str, table: &str, mode: &str) -> TableLock {
        let mut child = Command::new("psql")
            .arg(url)
            .args(["-qtA", "-v", "ON_ERROR_STOP=1"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("psql");
        if let Some(stdin) = child.stdin.as_mut() {
            let sql = format!("BEGIN;\nLOCK TABLE {table} IN {mode} MODE;\nSELECT 'locked';\n");
            stdin.write_all(sql.as_bytes()).expect("psql stdin");
            stdin.flush().expect("psql stdin");
        }
        // Returns once the lock is held.
        let mut line = String::new();
        if let Some(out) = child.stdout.as_mut() {
            let _ = BufReader::new(out).read_line(&mut line);
        }
        assert_eq!(line.trim(), "locked", "psql could not lock {table}");
        TableLock { child }
    }
}

impl Drop for TableLock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One value from `psql -tAc <sql>` against `url`.
pub fn psql_value(url: &str, sql: &str) -> String {
    let out = Command::new("psql")
        .arg(url)
        .args(["-tAc", sql])
        .output()
        .expect("psql");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Waits (up to 60 s) until a session of database `url` waits for a lock; false if none did.
pub fn wait_for_lock_waiter(url: &str) -> bool {
    let db = url
        .rsplit('/')
        .next()
        .unwrap_or("")
        .split('?')
        .next()
        .unwrap_or("");
    let sql = format!(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = '{db}' AND wait_event_type = 'Lock'"
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while std::time::Instant::now() < deadline {
        if psql_value(url, &sql).parse::<u32>().unwrap_or(0) > 0 {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    false
}
