//! The real `xcatd` binary as sites run it: an installation made by
//! `xcatd init` in a scratch directory, a daemon started without `-f` (the
//! launcher forks, the daemon writes nothing but its pid file and logs), and
//! a client using root's credentials.  Every daemon is killed on drop.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use xcat_net::{submit_blocking, ConnectOptions, Credentials, SubmitOutcome};
use xcat_proto::tree::MapExt;
use xcat_proto::{Request, Response};

pub const XCATD: &str = env!("CARGO_BIN_EXE_xcatd");

/// A confdir, database and root home made by `xcatd init`.
pub struct Install {
    pub dir: tempfile::TempDir,
    pub port: u16,
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

impl Install {
    pub fn new() -> Install {
        let dir = tempfile::tempdir().expect("tempdir");
        let i = Install {
            dir,
            port: free_port(),
        };
        let out = Command::new(XCATD)
            .arg("init")
            .arg("--confdir")
            .arg(i.confdir())
            .arg("--db")
            .arg(i.db())
            .args(["--hostname", "vm", "--client-user", "root"])
            .arg("--client-home")
            .arg(i.home())
            .output()
            .expect("xcatd init");
        assert!(out.status.success(), "xcatd init: {out:?}");
        i
    }

    pub fn confdir(&self) -> PathBuf {
        self.dir.path().join("etc")
    }
    pub fn db(&self) -> String {
        format!("sqlite-dir:{}", self.dir.path().join("db").display())
    }
    pub fn home(&self) -> PathBuf {
        self.dir.path().join("root")
    }
    pub fn pidfile(&self) -> PathBuf {
        self.dir.path().join("xcatd.pid")
    }
    pub fn cmdlog(&self) -> PathBuf {
        self.dir.path().join("commands.log")
    }
    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// `xcatd` with this installation's paths and `extra` arguments.
    pub fn command(&self, extra: &[&str]) -> Command {
        let mut c = Command::new(XCATD);
        c.arg("--confdir")
            .arg(self.confdir())
            .arg("--db")
            .arg(self.db())
            .args(["--listen", "127.0.0.1", "--port", &self.port.to_string()])
            .arg("--pidfile")
            .arg(self.pidfile())
            .arg("--cmdlog")
            .arg(self.cmdlog())
            .args(extra)
            .env("XCATD_SOURCE_NAME", "vm")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        c
    }

    /// Start a daemon the way sites do (no `-f`): the launcher must exit 0
    /// within `limit` and leave the daemon's pid in the pid file.
    pub fn start_daemon(&self, extra: &[&str], limit: Duration) -> Result<Daemon, String> {
        let _ = std::fs::remove_file(self.pidfile());
        let mut launcher = self.command(extra).spawn().map_err(|e| e.to_string())?;
        let t0 = Instant::now();
        let status = loop {
            if let Some(s) = launcher.try_wait().map_err(|e| e.to_string())? {
                break s;
            }
            if t0.elapsed() > limit {
                let _ = launcher.kill();
                let _ = launcher.wait();
                // The hung daemon is the launcher's child: find it by the port.
                return Err(format!("launcher still waiting after {limit:?}"));
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        let stderr = launcher
            .stderr
            .take()
            .map(|mut e| {
                let mut s = String::new();
                let _ = std::io::Read::read_to_string(&mut e, &mut s);
                s
            })
            .unwrap_or_default();
        if !status.success() {
            return Err(format!("launcher failed ({status}): {stderr}"));
        }
        let pid = std::fs::read_to_string(self.pidfile())
            .map_err(|e| format!("pid file: {e}"))?
            .trim()
            .parse::<i32>()
            .map_err(|e| format!("pid file: {e}"))?;
        Ok(Daemon { pid })
    }

    pub fn creds(&self) -> Credentials {
        Credentials::for_user_home(&self.home()).expect("root credentials")
    }

    /// One request as root; every document (the serverdone last).
    pub fn ask(&self, req: &Request) -> Result<Vec<Response>, String> {
        let mut docs = Vec::new();
        let outcome = submit_blocking(
            &self.addr(),
            Some(&self.creds()),
            &ConnectOptions::default(),
            req,
            &mut |r| {
                docs.push(r);
                true
            },
            &|| false,
        )
        .map_err(|e| e.to_string())?;
        match outcome {
            SubmitOutcome::Done(last) => {
                docs.push(last);
                Ok(docs)
            }
            other => Err(format!("{other:?}")),
        }
    }
}

pub fn lsxcatd_v() -> Request {
    let mut r = Request::new("lsxcatd");
    r.map.push("arg", "-v");
    r
}

/// A daemon process (not our child: the launcher forked it).
pub struct Daemon {
    pub pid: i32,
}

impl Daemon {
    /// Running (a zombie waiting for init to reap it counts as gone).
    pub fn alive(&self) -> bool {
        match std::fs::read_to_string(format!("/proc/{}/stat", self.pid)) {
            Ok(stat) => stat
                .rsplit_once(") ")
                .is_some_and(|(_, rest)| !rest.starts_with('Z')),
            Err(_) => false,
        }
    }

    pub fn signal(&self, sig: i32) {
        // SAFETY: sends a signal to the daemon we started.
        unsafe {
            libc::kill(self.pid, sig);
        }
    }

    /// SIGTERM, then wait (bounded) until the process is gone.
    pub fn stop(self, limit: Duration) -> bool {
        self.signal(libc::SIGTERM);
        self.wait_gone(limit)
    }

    pub fn wait_gone(&self, limit: Duration) -> bool {
        let t0 = Instant::now();
        while t0.elapsed() < limit {
            if !self.alive() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        false
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if self.alive() {
            self.signal(libc::SIGKILL);
        }
    }
}

/// Wait (bounded) until `path` no longer exists.
pub fn wait_removed(path: &Path, limit: Duration) -> bool {
    let t0 = Instant::now();
    while t0.elapsed() < limit {
        if !path.exists() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    false
}
