//! A management node under a scratch root for the xcatha tests: `/etc/hosts`,
//! `/etc/resolv.conf`, `/etc/xcat` with a server certificate (CN mn1) and a real SQLite
//! database (policy 1, 1.2, 1.3; site.domain), `/install`, `/root/.xcat`, `/tftpboot`,
//! a shared directory (mode 755), a recording runner (this host is mn1 at 198.18.0.1;
//! the VIP 198.18.0.5 does not answer) and a recording service manager (xcatd and
//! conserver running).

#![allow(dead_code)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use xcat_handlers::runner::{Output, RecordingRunner};
use xcat_schema::db::{Db, DbLocation};
use xcatha::agent::AgentLink;
use xcatha::env::Env;
use xcatha::services::{RecordingServices, ServiceManager};

pub const IP_ADDR: &str = "2: eth0    inet 198.18.0.1/24 brd 198.18.0.255 scope global eth0\\       valid_lft forever preferred_lft forever\n";
pub const IP_ADDR_WITH_VIP: &str = "2: eth0    inet 198.18.0.1/24 brd 198.18.0.255 scope global eth0\\       valid_lft forever preferred_lft forever\n2: eth0    inet 198.18.0.5/24 scope global secondary eth0:0\\       valid_lft forever preferred_lft forever\n";

pub struct Mn {
    pub dir: tempfile::TempDir,
    pub root: PathBuf,
    pub shared: PathBuf,
    pub runner: Arc<RecordingRunner>,
    pub services: Arc<RecordingServices>,
}

fn write(p: &Path, text: &str) {
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

impl Mn {
    pub fn new() -> Mn {
        Mn::named("mn1", "198.18.0.1")
    }

    /// A management node `name` at `ip` (certificate CN `name`).
    pub fn named(name: &str, ip: &str) -> Mn {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("root");
        let shared = dir.path().join("shared");
        std::fs::create_dir_all(&shared).unwrap();
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o755)).unwrap();
        write(
            &root.join("etc/hosts"),
            "127.0.0.1 localhost\n198.18.0.1 mn1\n198.18.0.2 mn2\n198.18.0.5 hamn.cluster.net hamn\n",
        );
        write(&root.join("etc/resolv.conf"), "search cluster.net\n");
        write(&root.join("install/postscripts/hello"), "#!/bin/sh\n");
        write(&root.join("root/.xcat/client-cred.pem"), "cred\n");
        write(&root.join("tftpboot/xcat/xnba.kpxe"), "boot\n");
        let confdir = root.join("etc/xcat");
        xcat_tests::certs::Pki::new("xCAT CA").write_server(&confdir, name);
        seed_db(&confdir);
        let runner = Arc::new(RecordingRunner::new());
        runner.on_run(
            "hostname",
            None,
            Some(&[]),
            Output::success(format!("{name}\n")),
        );
        runner.on_run("ping", None, None, Output::failure(1, ""));
        runner.on_run(
            "ip",
            None,
            Some(&["-o", "-4", "addr", "show"]),
            Output::success(IP_ADDR.replace("198.18.0.1", ip)),
        );
        let services = Arc::new(RecordingServices::new());
        services.set_active("xcatd");
        services.set_active("conserver");
        Mn {
            dir,
            root,
            shared,
            runner,
            services,
        }
    }

    /// Runs `argv` in-process with `stdin`; returns (exit code, stdout, stderr) with the
    /// scratch paths written as `<root>` and `<shared>`.
    pub fn run(&self, argv: &[&str], stdin: &str) -> (i32, String, String) {
        self.run_with(argv, stdin, self.services.clone())
    }

    /// [`Mn::run`] with another service manager.
    pub fn run_with(
        &self,
        argv: &[&str],
        stdin: &str,
        services: Arc<dyn ServiceManager>,
    ) -> (i32, String, String) {
        self.run_full(argv, stdin, services, None)
    }

    /// [`Mn::run`] with an HA agent configuration in use (`agent` answers).
    pub fn run_agent(&self, argv: &[&str], agent: Arc<dyn AgentLink>) -> (i32, String, String) {
        self.run_full(argv, "", self.services.clone(), Some(agent))
    }

    fn run_full(
        &self,
        argv: &[&str],
        stdin: &str,
        services: Arc<dyn ServiceManager>,
        agent: Option<Arc<dyn AgentLink>>,
    ) -> (i32, String, String) {
        let mut env = Env::new(
            self.root.clone(),
            self.runner.clone(),
            services,
            Box::new(std::io::Cursor::new(stdin.as_bytes().to_vec())),
        );
        env.retry_delay = Duration::ZERO;
        env.agent = agent;
        let argv: Vec<String> = argv
            .iter()
            .map(|a| a.replace("<shared>", &self.shared.display().to_string()))
            .collect();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = xcatha::run(&argv, &env, &mut out, &mut err);
        (code, self.normalize(&out), self.normalize(&err))
    }

    pub fn normalize(&self, bytes: &[u8]) -> String {
        String::from_utf8_lossy(bytes)
            .replace(&self.shared.display().to_string(), "<shared>")
            .replace(&self.root.display().to_string(), "<root>")
    }

    pub fn read(&self, logical: &str) -> String {
        std::fs::read_to_string(self.root.join(logical.trim_start_matches('/'))).unwrap_or_default()
    }

    pub fn db(&self) -> Db {
        Db::open(&DbLocation::SqliteDir(self.root.join("etc/xcat"))).unwrap()
    }

    /// The commands the runner saw, as lines.
    pub fn commands(&self) -> Vec<String> {
        self.runner.runs().into_iter().map(|(_, c)| c).collect()
    }
}

fn seed_db(confdir: &Path) {
    let db = Db::open(&DbLocation::SqliteDir(confdir.to_path_buf())).unwrap();
    db.write(|c| {
        for (p, name, rule) in [
            ("1", "root", "allow"),
            ("1.2", "hamn", "trusted"),
            ("1.3", "sn1", "trusted"),
        ] {
            c.set_attribs(
                "policy",
                &[("priority", p)],
                &[("name", Some(name)), ("rule", Some(rule))],
            )?;
        }
        c.set_attribs(
            "site",
            &[("key", "domain")],
            &[("value", Some("cluster.net"))],
        )
    })
    .unwrap();
}

/// The expected step list `tests/steps/<name>`.
pub fn steps(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/steps")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The lines that are steps (end in a status tag), without the tag.
pub fn step_lines(out: &str) -> Vec<String> {
    out.lines()
        .filter_map(|l| {
            ["[Dryrun]", "[Passed]", "[Failed]", "[Failed, OK to ignore]"]
                .iter()
                .find_map(|t| l.strip_suffix(t))
                .map(|s| s.trim_end().to_string())
        })
        .collect()
}

/// `xcatha -s` as the tests run it: shared data at `<shared>`, the VIP on eth0:0,
/// host name `hamn`, SQLite.
pub const SETUP: [&str; 12] = [
    "xcatha",
    "-s",
    "-p",
    "<shared>",
    "-v",
    "198.18.0.5",
    "-i",
    "eth0:0",
    "-n",
    "hamn",
    "-t",
    "sqlite",
];

/// `xcatha -a` as the tests run it.
pub const ACTIVATE: [&str; 8] = [
    "xcatha",
    "-a",
    "-p",
    "<shared>",
    "-v",
    "198.18.0.5",
    "-i",
    "eth0:0",
];

/// `xcatha -d` as the tests run it.
pub const DEACTIVATE: [&str; 6] = ["xcatha", "-d", "-v", "198.18.0.5", "-i", "eth0:0"];

/// `args` and then `extra` (e.g. `--dryrun`).
pub fn with<'a>(args: &[&'a str], extra: &'a str) -> Vec<&'a str> {
    [args, &[extra]].concat()
}

/// Compares `out` with `tests/steps/<name>`; the actual text is left in the target's
/// scratch directory for review when they differ.
pub fn assert_steps(out: &str, name: &str) {
    if out != steps(name) {
        let actual = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}.actual"));
        let _ = std::fs::write(&actual, out);
        panic!("{name} differs (actual in {}):\n{out}", actual.display());
    }
}
