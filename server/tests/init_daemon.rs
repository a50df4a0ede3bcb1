//! Daemonising: the launcher exits 0 and writes the CHILD's pid once the
//! child reports ready, exits 1 when it reports a failure; syslog lines have
//! the `xcat` ident and the local4 facility.
//!
//! The fork happens in a fresh process: this test binary re-runs itself with
//! `XCATD_DAEMON_TEST` set and only the `child_entry` test selected.

use std::os::unix::net::UnixDatagram;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use xcatd::daemon::{daemonize, format_syslog, SyslogSink};

const MODE: &str = "XCATD_DAEMON_TEST";
const DIR: &str = "XCATD_DAEMON_TEST_DIR";

#[test]
fn child_entry() {
    let Ok(mode) = std::env::var(MODE) else {
        return;
    };
    let dir = std::path::PathBuf::from(std::env::var(DIR).unwrap());
    let handle = daemonize(&dir.join("xcatd.pid")).unwrap();
    // In the daemon: record our pid, cwd and session, then report.
    let sid = nix::unistd::getsid(None).unwrap();
    let cwd = std::env::current_dir().unwrap();
    std::fs::write(
        dir.join("child"),
        format!("{} {} {}", std::process::id(), sid, cwd.display()),
    )
    .unwrap();
    if mode == "ok" {
        handle.report_ready();
    } else {
        handle.report_failure("port 3001 is in use");
    }
    std::process::exit(0);
}

fn launch(mode: &str, dir: &Path) -> std::process::ExitStatus {
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_entry", "--test-threads=1", "--nocapture"])
        .env(MODE, mode)
        .env(DIR, dir)
        .status()
        .unwrap()
}

fn wait_for(p: &Path) -> String {
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_secs(10) {
        if let Ok(s) = std::fs::read_to_string(p) {
            if !s.is_empty() {
                return s;
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("{} never appeared", p.display());
}

#[test]
fn launcher_reports_child_pid() {
    let tmp = tempfile::tempdir().unwrap();
    let status = launch("ok", tmp.path());
    assert_eq!(status.code(), Some(0));
    let child = wait_for(&tmp.path().join("child"));
    let mut parts = child.split(' ');
    let pid: u32 = parts.next().unwrap().parse().unwrap();
    let sid: i32 = parts.next().unwrap().parse().unwrap();
    assert_eq!(parts.next(), Some("/"));
    assert_eq!(sid as u32, pid, "the daemon leads its own session");
    let pidfile = std::fs::read_to_string(tmp.path().join("xcatd.pid")).unwrap();
    assert_eq!(pidfile.trim(), pid.to_string());
}

#[test]
fn launcher_fails_when_child_fails() {
    let tmp = tempfile::tempdir().unwrap();
    let status = launch("fail", tmp.path());
    assert_eq!(status.code(), Some(1));
    assert!(!tmp.path().join("xcatd.pid").exists());
}

#[test]
fn syslog_datagrams() {
    assert_eq!(
        format_syslog(3, "xcatd failed to start: x\n", "Nov 22 10:00:01", 42),
        "<163>Nov 22 10:00:01 xcat[42]: xcatd failed to start: x"
    );
    let tmp = tempfile::tempdir().unwrap();
    let sock_path = tmp.path().join("log.sock");
    let server = UnixDatagram::bind(&sock_path).unwrap();
    server
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let sink = SyslogSink::with_path(&sock_path);
    sink.send(6, "hello").unwrap();
    let mut buf = [0u8; 512];
    let n = server.recv(&mut buf).unwrap();
    let line = String::from_utf8_lossy(&buf[..n]).to_string();
    assert!(line.starts_with("<166>"), "{line}");
    assert!(
        line.ends_with(&format!(" xcat[{}]: hello", std::process::id())),
        "{line}"
    );
}
