//! Sites start `xcatd` without `-f`: the launcher forks and waits for the
//! daemon to report ready.  The fork happens before any thread or database
//! connection exists (a fork after them left the daemon deadlocked in
//! `sqlite3Malloc` about 12 times in 20).  100 starts in a row: each one's
//! launcher exits 0, the pid file names the daemon, a request is answered,
//! and SIGTERM stops it and removes the pid file.

mod common;

use common::daemon::{lsxcatd_v, wait_removed, Install};
use std::time::Duration;

const STARTS: usize = 100;

#[test]
fn hundred_daemonised_starts_in_a_row() {
    let install = Install::new();
    for i in 0..STARTS {
        let daemon = install
            .start_daemon(&[], Duration::from_secs(30))
            .unwrap_or_else(|e| panic!("start {i}: {e}"));
        assert!(
            daemon.alive(),
            "start {i}: daemon {} not running",
            daemon.pid
        );
        let docs = install
            .ask(&lsxcatd_v())
            .unwrap_or_else(|e| panic!("start {i}: lsxcatd -v: {e}"));
        let text = format!("{docs:?}");
        assert!(text.contains("Version"), "start {i}: {text}");
        let pid = daemon.pid;
        assert!(
            daemon.stop(Duration::from_secs(30)),
            "start {i}: daemon {pid} did not stop"
        );
        assert!(
            wait_removed(&install.pidfile(), Duration::from_secs(5)),
            "start {i}: pid file left behind"
        );
    }
}
