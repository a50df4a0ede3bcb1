//! An HA set on loopback: a witness daemon (an [`Xcatd`]) and two management-node
//! daemons `mn1` / `mn2` with copies of its confdir (same CA and server certificate, so
//! their heartbeats are trusted), all on its SQLite database, each with an
//! `--ha-config` file. The shared data is a temporary directory (the term file lives in
//! `<shared>/xcatha/term`); the fence command is a script of this harness that kills the
//! fenced daemon by its pid file and notes the call; the VIP is recorded in a file per
//! node (`vip_record`, debug builds) instead of `ip addr`. Dropping kills everything
//! and removes the files.

use crate::client::run_client;
use crate::server::{free_port, xcatd_bin, Backend, Xcatd};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tempfile::TempDir;
use xcat_client::Printed;

pub const VIP: &str = "198.18.0.5";

/// Timing short enough for a test, with room for slow TLS handshakes of debug builds
/// on a loaded machine: heartbeat 0.5 s, takeover after 3 s, lease 2 s.
pub const TIMING: &str = "heartbeat = 0.5\ntakeover_timeout = 3\nlease = 2\n";
pub const TAKEOVER_TIMEOUT: Duration = Duration::from_secs(3);

/// One management-node daemon of the set.
pub struct HaNode {
    child: Option<Child>,
    pub name: String,
    pub addr: String,
    pub port: u16,
    pub dir: PathBuf,
    confdir: PathBuf,
    db_url: String,
}

impl HaNode {
    pub fn config_path(&self) -> PathBuf {
        self.dir.join("ha.conf")
    }

    /// The daemon's certificate directory (`server-cred.pem`, `ca.pem`).
    pub fn cert_dir(&self) -> PathBuf {
        self.confdir.join("cert")
    }

    pub fn vip_record(&self) -> String {
        std::fs::read_to_string(self.dir.join("vip")).unwrap_or_default()
    }

    /// The agent's metrics file (`metrics_file`, written once per heartbeat).
    pub fn metrics_file(&self) -> String {
        std::fs::read_to_string(self.dir.join("xcatha.prom")).unwrap_or_default()
    }

    pub fn commands_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("commands.log")).unwrap_or_default()
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(self.dir.join("xcatd.log")).unwrap_or_default()
    }

    /// Starts (or restarts) the daemon; its pid goes to `<dir>/pid` for the fence script.
    pub fn start(&mut self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.join("xcatd.log"))
            .expect("log");
        let child = Command::new(xcatd_bin())
            .arg("-f")
            .arg("--confdir")
            .arg(&self.confdir)
            .args(["--db", &self.db_url, "--listen", "127.0.0.1"])
            .args(["--port", &self.port.to_string()])
            .arg("--cmdlog")
            .arg(self.dir.join("commands.log"))
            .arg("--ha-config")
            .arg(self.config_path())
            .env("XCATD_SOURCE_NAME", &self.name)
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("spawn xcatd");
        std::fs::write(self.dir.join("pid"), child.id().to_string()).expect("pid file");
        self.child = Some(child);
        self.wait_ready();
    }

    fn wait_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Some(Ok(Some(status))) = self.child.as_mut().map(|c| c.try_wait()) {
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

    /// kill -9 and reap (also what the fence script does, through the pid file).
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// SIGSTOP (`true`) or SIGCONT (`false`) to the daemon.
    pub fn freeze(&self, stop: bool) {
        if let Some(c) = &self.child {
            let sig = if stop { libc::SIGSTOP } else { libc::SIGCONT };
            // SAFETY: kill(2) on our own child's pid.
            unsafe {
                libc::kill(c.id() as libc::pid_t, sig);
            }
        }
    }

    /// Reaps the process after the fence killed it; true when it is gone.
    pub fn reap(&mut self) -> bool {
        match self.child.as_mut().map(|c| c.try_wait()) {
            Some(Ok(Some(_))) | None => {
                self.child = None;
                true
            }
            _ => false,
        }
    }
}

impl Drop for HaNode {
    fn drop(&mut self) {
        self.freeze(false);
        self.kill();
    }
}

/// The witness, the two MNs and the shared directory.
pub struct HaSet {
    pub witness: Xcatd,
    pub mns: Vec<HaNode>,
    pub shared: PathBuf,
    pub fence_log: PathBuf,
    dir: TempDir,
}

fn write_fence_script(dir: &Path) -> PathBuf {
    let script = dir.join("fence");
    let text = format!(
        "#!/bin/sh\n# Test fence: kill -9 the daemon of node $1 by its pid file, note the call;\n\
         # succeeds when that process is gone (or a zombie the harness has not reaped yet)\n\
         # afterwards, like powering off a node that is off.\n\
         echo \"fence $1\" >> {dir}/fence.log\n\
         pid=$(cat {dir}/$1/pid)\n\
         kill -9 \"$pid\" 2>/dev/null\n\
         sleep 0.1\n\
         state=$(cut -d' ' -f3 /proc/$pid/stat 2>/dev/null)\n\
         [ -z \"$state\" ] || [ \"$state\" = Z ]\n",
        dir = dir.display()
    );
    crate::write_exec(&script, &text).expect("fence script");
    script
}

fn mn_config(name: &str, start: &str, peer: (&str, u16), witness: u16, dir: &Path) -> String {
    format!(
        "name = {name}\nrole = {start}\npeer = {} 127.0.0.1:{}\nwitness = w 127.0.0.1:{witness}\n\
         shared = {shared}\nvip = {VIP}\nvip_record = {dir}/{name}/vip\n\
         fence = {dir}/fence {{peer}}\nfence_timeout = 10\nmetrics_file = {dir}/{name}/xcatha.prom\n\
         {TIMING}",
        peer.0,
        peer.1,
        shared = dir.join("shared").display(),
        dir = dir.display(),
    )
}

impl HaSet {
    /// The witness and both MNs running: mn1 configured active, mn2 standby.
    pub fn start() -> HaSet {
        let dir = tempfile::tempdir().expect("tempdir");
        let shared = dir.path().join("shared");
        std::fs::create_dir_all(&shared).expect("shared");
        write_fence_script(dir.path());
        let ports = [free_port(), free_port()];
        let wconf = dir.path().join("witness.conf");
        std::fs::write(
            &wconf,
            format!(
                "name = w\nrole = witness\npeer = mn1 127.0.0.1:{}\npeer = mn2 127.0.0.1:{}\n{TIMING}",
                ports[0], ports[1]
            ),
        )
        .expect("witness config");
        let wpath = wconf.to_string_lossy().to_string();
        let witness = Xcatd::start_with(Backend::Sqlite, &["--ha-config", &wpath]);
        let mut set = HaSet {
            mns: Vec::new(),
            shared,
            fence_log: dir.path().join("fence.log"),
            witness,
            dir,
        };
        for (i, name) in ["mn1", "mn2"].into_iter().enumerate() {
            let node = set.node(name, i, ports);
            set.mns.push(node);
        }
        for n in &mut set.mns {
            n.start();
        }
        set
    }

    fn node(&self, name: &str, i: usize, ports: [u16; 2]) -> HaNode {
        let dir = self.dir.path().join(name);
        std::fs::create_dir_all(&dir).expect("node dir");
        let confdir = dir.join("etc-xcat");
        let copied = Command::new("cp")
            .arg("-a")
            .arg(&self.witness.confdir)
            .arg(&confdir)
            .status()
            .expect("cp");
        assert!(copied.success(), "copying the confdir");
        let (start, other) = if i == 0 {
            ("active", "mn2")
        } else {
            ("standby", "mn1")
        };
        let text = mn_config(
            name,
            start,
            (other, ports[1 - i]),
            self.witness.port,
            self.dir.path(),
        );
        std::fs::write(dir.join("ha.conf"), text).expect("config");
        HaNode {
            child: None,
            name: name.to_string(),
            addr: format!("127.0.0.1:{}", ports[i]),
            port: ports[i],
            dir,
            confdir,
            db_url: self.witness.db_url.clone(),
        }
    }

    pub fn mn(&mut self, name: &str) -> &mut HaNode {
        self.mns
            .iter_mut()
            .find(|n| n.name == name)
            .expect("mn1 or mn2")
    }

    /// A command as root against `addr`.
    pub async fn run(&self, addr: &str, argv: &[&str]) -> Printed {
        run_client(addr, &self.witness.home, argv, None).await
    }

    /// `hastatus` of the daemon at `addr` as `key: value` lines.
    pub async fn hastatus(&self, addr: &str) -> Vec<String> {
        let p = self.run(addr, &["xcatclientnnr", "hastatus"]).await;
        p.stdout.lines().map(str::to_string).collect()
    }

    /// The value of `key` in `addr`'s `hastatus`.
    pub async fn status_value(&self, addr: &str, key: &str) -> Option<String> {
        let prefix = format!("{key}: ");
        self.hastatus(addr)
            .await
            .into_iter()
            .find_map(|l| l.strip_prefix(&prefix).map(str::to_string))
    }

    /// Polls `addr`'s `hastatus` every 100 ms until `key` is `value`; the time it took.
    pub async fn wait_for(
        &self,
        addr: &str,
        key: &str,
        value: &str,
        limit: Duration,
    ) -> Option<Duration> {
        let start = Instant::now();
        while start.elapsed() < limit {
            if self.status_value(addr, key).await.as_deref() == Some(value) {
                return Some(start.elapsed());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        None
    }

    pub fn term_file(&self) -> String {
        std::fs::read_to_string(self.shared.join("xcatha/term")).unwrap_or_default()
    }

    pub fn fences(&self) -> String {
        std::fs::read_to_string(&self.fence_log).unwrap_or_default()
    }
}
