//! A real `xcatd` for end-to-end tests: `xcatd init` into a temporary
//! confdir (host name `vm`, client credentials for root in a temporary
//! home), then `xcatd -f` on 127.0.0.1 and a free port with
//! `XCATD_SOURCE_NAME=vm` so responses carry the fixtures' `xcatdsource`.
//! Database: SQLite in the temp dir, or a fresh PostgreSQL database when
//! `XCATD_TEST_PG_URL` is set.  The binary is `$XCATD_BIN`, else the
//! workspace's `xcatd`, built by the first test that needs it (see
//! [`xcatd_bin`]).

use crate::client::{run_client, run_client_env, send_raw};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use tempfile::TempDir;
use xcat_client::Printed;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Pg,
}

/// A running daemon (killed and its files removed when dropped).
pub struct Xcatd {
    child: Child,
    pub addr: String,
    pub port: u16,
    pub confdir: PathBuf,
    /// Home of the client user (`root`): `<home>/.xcat/client-cred.pem`.
    pub home: PathBuf,
    pub db_url: String,
    pub backend: Backend,
    pub log: PathBuf,
    extra: Vec<String>,
    env: Vec<(String, String)>,
    dir: TempDir,
}

/// Path of the `xcatd` binary the tests start: `$XCATD_BIN`, else the
/// workspace's own, built once per test process by [`build_binaries`] so a
/// stale binary lying in `target/` is never what gets tested.
pub fn xcatd_bin() -> PathBuf {
    if let Ok(p) = std::env::var("XCATD_BIN") {
        return PathBuf::from(p);
    }
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(build_binaries).clone()
}

/// Path of the `xcatha` binary (`$XCATHA_BIN`, else the workspace's own, built
/// once per test process like [`xcatd_bin`]).
pub fn xcatha_bin() -> PathBuf {
    if let Ok(p) = std::env::var("XCATHA_BIN") {
        return PathBuf::from(p);
    }
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| cargo_build(&["xcatha"]).join("xcatha"))
        .clone()
}

/// `cargo build -p xcatd -p xcat-client --bins`; returns the path of `xcatd`
/// (`xcatclient` sits next to it).
fn build_binaries() -> PathBuf {
    let bin = cargo_build(&["xcatd", "xcat-client"]).join("xcatd");
    assert!(bin.exists(), "{} missing after cargo build", bin.display());
    bin
}

/// `cargo build -p P… --bins` with the profile and target directory of the
/// running executable (a test in `<target>/<profile>/deps/`, or a binary of
/// this crate in `<target>/<profile>/`); returns `<target>/<profile>`.
fn cargo_build(packages: &[&str]) -> PathBuf {
    let exe = std::env::current_exe().expect("path of the test executable");
    let dir = exe.parent().expect("executable in a directory");
    let profile_dir = if dir.file_name().is_some_and(|n| n == "deps") {
        dir.parent().expect("<target>/<profile>/deps")
    } else {
        dir
    };
    let target_dir = profile_dir.parent().expect("target directory");
    let profile = match profile_dir.file_name().and_then(|n| n.to_str()) {
        Some("debug") | None => "dev",
        Some(other) => other,
    };
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml");
    let status = Command::new(cargo)
        .args(["build", "--quiet", "--bins"])
        .args(packages.iter().flat_map(|p| ["-p", p]))
        .args(["--profile", profile])
        .arg("--manifest-path")
        .arg(&manifest)
        .arg("--target-dir")
        .arg(target_dir)
        .stdin(Stdio::null())
        .status()
        .expect("run cargo build");
    assert!(
        status.success(),
        "cargo build of {packages:?} failed ({status})"
    );
    profile_dir.to_path_buf()
}

/// Path of the built `xcatclient` binary (`$XCATCLIENT_BIN` overrides).
pub fn xcatclient_bin() -> PathBuf {
    if let Ok(p) = std::env::var("XCATCLIENT_BIN") {
        return PathBuf::from(p);
    }
    let bin = xcatd_bin().with_file_name("xcatclient");
    assert!(
        bin.exists(),
        "{} not found next to xcatd (set XCATCLIENT_BIN)",
        bin.display()
    );
    bin
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

static DB_SEQ: AtomicUsize = AtomicUsize::new(0);

/// A fresh PostgreSQL database next to `XCATD_TEST_PG_URL`'s.
fn fresh_pg_database(base: &str) -> String {
    let name = format!(
        "xcattest_{}_{}",
        std::process::id(),
        DB_SEQ.fetch_add(1, Ordering::SeqCst)
    );
    let out = Command::new("psql")
        .arg(base)
        .args(["-v", "ON_ERROR_STOP=1", "-qc"])
        .arg(format!("CREATE DATABASE {name}"))
        .output()
        .expect("psql (needed with XCATD_TEST_PG_URL)");
    assert!(
        out.status.success(),
        "CREATE DATABASE: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Replace the database name (the path after the authority).
    let (head, tail) = match base.split_once('?') {
        Some((h, q)) => (h, format!("?{q}")),
        None => (base, String::new()),
    };
    let prefix_end = head.find("://").map(|p| p + 3).unwrap_or(0);
    let db_start = head[prefix_end..].find('/').map(|p| p + prefix_end);
    match db_start {
        Some(p) => format!("{}/{name}{tail}", &head[..p]),
        None => format!("{head}/{name}{tail}"),
    }
}

fn run_checked(cmd: &mut Command, what: &str) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `xcatd -f` on 127.0.0.1:`port`, output appended to `<dir>/xcatd.log`.
fn spawn_daemon(
    confdir: &Path,
    db_url: &str,
    port: u16,
    dir: &Path,
    extra: &[String],
    env: &[(String, String)],
) -> Child {
    let logfile = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("xcatd.log"))
        .expect("log");
    Command::new(xcatd_bin())
        .arg("-f")
        .arg("--confdir")
        .arg(confdir)
        .args([
            "--db",
            db_url,
            "--listen",
            "127.0.0.1",
            "--port",
            &port.to_string(),
        ])
        .arg("--cmdlog")
        .arg(dir.join("commands.log"))
        .args(extra)
        .env("XCATD_SOURCE_NAME", "vm")
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdin(Stdio::null())
        .stdout(logfile.try_clone().expect("log"))
        .stderr(logfile)
        .spawn()
        .expect("spawn xcatd")
}

impl Xcatd {
    /// Backend chosen by the environment: PostgreSQL when
    /// `XCATD_TEST_PG_URL` is set, else SQLite.
    pub fn default_backend() -> Backend {
        if std::env::var("XCATD_TEST_PG_URL").is_ok_and(|u| !u.is_empty()) {
            Backend::Pg
        } else {
            Backend::Sqlite
        }
    }

    /// Start on the default backend.
    pub fn start() -> Xcatd {
        Xcatd::start_on(Xcatd::default_backend())
    }

    /// Start with an explicit backend.
    pub fn start_on(backend: Backend) -> Xcatd {
        Xcatd::start_with(backend, &[])
    }

    /// Start with extra serve arguments (e.g. `--fallback 127.0.0.1:N`).
    pub fn start_with(backend: Backend, extra: &[&str]) -> Xcatd {
        Xcatd::start_full(backend, None, extra, &[])
    }

    /// Start with extra serve arguments and environment variables.
    pub fn start_with_env(backend: Backend, extra: &[&str], env: &[(&str, &str)]) -> Xcatd {
        Xcatd::start_full(backend, None, extra, env)
    }

    /// Start on SQLite with the table files in `db_dir` (e.g. a small tmpfs).
    pub fn start_sqlite_in(db_dir: &Path) -> Xcatd {
        Xcatd::start_full(Backend::Sqlite, Some(db_dir), &[], &[])
    }

    fn start_full(
        backend: Backend,
        sqlite_dir: Option<&Path>,
        extra: &[&str],
        env: &[(&str, &str)],
    ) -> Xcatd {
        let dir = tempfile::tempdir().expect("tempdir");
        let confdir = dir.path().join("etc-xcat");
        let home = dir.path().join("root-home");
        std::fs::create_dir_all(&home).expect("home");
        let db_url = match backend {
            Backend::Sqlite => {
                let db = sqlite_dir.map_or_else(|| dir.path().join("db"), Path::to_path_buf);
                format!("sqlite-dir:{}", db.display())
            }
            Backend::Pg => {
                fresh_pg_database(&std::env::var("XCATD_TEST_PG_URL").expect("XCATD_TEST_PG_URL"))
            }
        };
        let bin = xcatd_bin();
        run_checked(
            Command::new(&bin)
                .arg("init")
                .arg("--confdir")
                .arg(&confdir)
                .args(["--db", &db_url, "--hostname", "vm", "--client-user", "root"])
                .arg("--client-home")
                .arg(&home),
            "xcatd init",
        );
        let port = free_port();
        let log = dir.path().join("xcatd.log");
        let extra: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let child = spawn_daemon(&confdir, &db_url, port, dir.path(), &extra, &env);
        let mut server = Xcatd {
            child,
            addr: format!("127.0.0.1:{port}"),
            port,
            confdir,
            home,
            db_url,
            backend,
            log,
            extra,
            env,
            dir,
        };
        server.wait_ready();
        server
    }

    /// `kill -9` the daemon (no clean-up of any kind), then start it again on the same
    /// confdir, database and port.
    pub fn kill9_and_restart(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.child = spawn_daemon(
            &self.confdir,
            &self.db_url,
            self.port,
            self.dir.path(),
            &self.extra,
            &self.env,
        );
        self.wait_ready();
    }

    /// SIGTERM the daemon, wait for it to exit (its shutdown grace bounds
    /// that), then start it again on the same confdir, database and port.
    /// Returns how the stopped daemon exited.
    pub fn term_and_restart(&mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let status = self.child.wait().expect("wait for xcatd");
        self.child = spawn_daemon(
            &self.confdir,
            &self.db_url,
            self.port,
            self.dir.path(),
            &self.extra,
            &self.env,
        );
        self.wait_ready();
        status
    }

    /// The daemon's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    fn wait_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("xcatd exited early ({status}):\n{}", self.log_text());
            }
            if std::net::TcpStream::connect(&self.addr).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "xcatd did not listen on {} within 30 s:\n{}",
            self.addr,
            self.log_text()
        );
    }

    /// A `/proc/<pid>/status` field in kB (`VmRSS`, `VmHWM`).
    pub fn memory_kb(&self, field: &str) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).ok()?;
        let line = status
            .lines()
            .find(|l| l.starts_with(&format!("{field}:")))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }

    /// True while the daemon process has not exited.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// What the daemon wrote to stdout/stderr so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Scratch directory owned by this server (removed on drop).
    pub fn scratch(&self) -> &Path {
        self.dir.path()
    }

    /// Run a client command as root (`argv[0]` is the command).
    pub async fn run(&self, argv: &[&str]) -> Printed {
        run_client(&self.addr, &self.home, argv, None).await
    }

    /// Run with stdin from a pipe.
    pub async fn run_stdin(&self, argv: &[&str], stdin: &str) -> Printed {
        run_client(&self.addr, &self.home, argv, Some(stdin)).await
    }

    /// Run with extra environment variables.
    pub async fn run_env(&self, argv: &[&str], env: &[(&str, &str)]) -> Printed {
        run_client_env(&self.addr, &self.home, argv, None, env).await
    }

    /// Run as a user without credentials (empty home).
    pub async fn run_anonymous(&self, argv: &[&str]) -> Printed {
        let home = self.dir.path().join("nobody-home");
        let _ = std::fs::create_dir_all(&home);
        run_client(&self.addr, &home, argv, None).await
    }

    /// An open TLS connection as root (for pipelining, slow senders, abort).
    pub async fn connect(&self) -> xcat_client::Connection {
        let creds = xcat_client::Credentials::for_user_home(&self.home).expect("root credentials");
        xcat_client::Connection::connect(&self.addr, Some(&creds), &Default::default())
            .await
            .expect("connect to xcatd")
    }

    /// An open TLS connection without a client certificate.
    pub async fn connect_anonymous(&self) -> xcat_client::Connection {
        xcat_client::Connection::connect(&self.addr, None, &Default::default())
            .await
            .expect("connect to xcatd")
    }

    /// Send request bytes verbatim without a client certificate.
    pub async fn send_raw_anonymous(&self, request: &[u8]) -> Printed {
        let home = self.dir.path().join("nobody-home");
        let _ = std::fs::create_dir_all(&home);
        send_raw(&self.addr, &home, request).await
    }

    /// Send request bytes verbatim as root and print the answer.
    pub async fn send_raw(&self, request: &[u8]) -> Printed {
        send_raw(&self.addr, &self.home, request).await
    }
}

impl Drop for Xcatd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if self.backend == Backend::Pg {
            if let (Ok(base), Some(name)) = (
                std::env::var("XCATD_TEST_PG_URL"),
                self.db_url
                    .rsplit('/')
                    .next()
                    .map(|s| s.split('?').next().unwrap_or(s).to_string()),
            ) {
                let _ = Command::new("psql")
                    .arg(base)
                    .arg("-qc")
                    .arg(format!("DROP DATABASE IF EXISTS {name}"))
                    .output();
            }
        }
    }
}
