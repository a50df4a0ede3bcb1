//! Service-node daemons next to a [`Xcatd`] management node on loopback:
//! each a real `xcatd` on its own port with a copy of the MN's confdir (so
//! it presents the MN's server credential, as stock SNs do), on the MN's
//! database, its own `xcatdsource`.  Faults on demand: kill -9, SIGSTOP /
//! SIGCONT.  Dropping one kills it (after SIGCONT) and removes its files;
//! the database stays the MN's.

use crate::server::{free_port, xcatd_bin, Xcatd};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;

pub struct ServiceNode {
    child: Child,
    pub name: String,
    pub addr: String,
    pub port: u16,
    pub log: PathBuf,
    _dir: TempDir,
}

impl ServiceNode {
    /// Start `name` (its `xcatdsource`) for `mn`; `env` is added to the
    /// daemon's environment (e.g. `XCATD_TEST_HANDLERS=1`).
    pub fn start(mn: &Xcatd, name: &str, env: &[(&str, &str)]) -> ServiceNode {
        let dir = tempfile::tempdir().expect("tempdir");
        let confdir = dir.path().join("etc-xcat");
        let copied = Command::new("cp")
            .arg("-a")
            .arg(&mn.confdir)
            .arg(&confdir)
            .status()
            .expect("cp");
        assert!(copied.success(), "copying the MN's confdir");
        let port = free_port();
        let log = dir.path().join("xcatd.log");
        let logfile = std::fs::File::create(&log).expect("log");
        let child = Command::new(xcatd_bin())
            .arg("-f")
            .arg("--confdir")
            .arg(&confdir)
            .args(["--db", &mn.db_url, "--listen", "127.0.0.1"])
            .args(["--port", &port.to_string()])
            .arg("--cmdlog")
            .arg(dir.path().join("commands.log"))
            .env("XCATD_SOURCE_NAME", name)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(logfile.try_clone().expect("log"))
            .stderr(logfile)
            .spawn()
            .expect("spawn xcatd");
        let mut sn = ServiceNode {
            child,
            name: name.to_string(),
            addr: format!("127.0.0.1:{port}"),
            port,
            log,
            _dir: dir,
        };
        sn.wait_ready();
        sn
    }

    fn wait_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "{} exited early ({status}):\n{}",
                    self.name,
                    self.log_text()
                );
            }
            if std::net::TcpStream::connect(&self.addr).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "{} did not listen within 30 s:\n{}",
            self.name,
            self.log_text()
        );
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn signal(&self, sig: libc::c_int) {
        // SAFETY: kill(2) on our own child's pid.
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, sig);
        }
    }

    /// kill -9 and reap.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// SIGSTOP: the port still accepts connections, nothing answers.
    pub fn freeze(&self) {
        self.signal(libc::SIGSTOP);
    }

    /// SIGCONT.
    pub fn thaw(&self) {
        self.signal(libc::SIGCONT);
    }
}

impl Drop for ServiceNode {
    fn drop(&mut self) {
        self.thaw();
        self.kill();
    }
}
