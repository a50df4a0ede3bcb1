//! Test support for `nim::prime`: simulated AIX hosts sharing one command
//! root (nimsim wrappers at the stock paths, choosing the host's state from
//! the environment; the real file tools; recording `chgrp`/`chown`/`rsync`
//! stand-ins), and a runner that records every command and runs a host's
//! commands here with that host's nimsim state (instead of ssh); the real
//! file tools fail on demand per host ([`Net::fail_tool`]).
#![allow(dead_code)]

#[path = "../nim_support/mod.rs"]
pub mod nim_support;

pub use nim_support::{
    backends, checked_stdout, install_wrappers, nimsim_bin, output, sqlite, write_exec, Env, Out,
};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::Duration;
use xcat_handlers::nim::cmd::NimConfig;
use xcat_handlers::runner::{Cmd, Output, Runner, SystemRunner, Target};
use xcat_proto::{Request, Response};

/// The hosts of a test: `mn` (nimprime) and service nodes, one nimsim state
/// each; the files of every host are this machine's (under `dir`).
pub struct Net {
    pub dir: tempfile::TempDir,
    pub root: PathBuf,
    states: BTreeMap<String, PathBuf>,
    calls: Mutex<Vec<(Target, String)>>,
    inner: SystemRunner,
    /// Hosts that do not answer (ssh fails).
    pub down: Mutex<Vec<String>>,
    /// `(host, tool)`: the real file tools (`/usr/bin/cp`…) that fail there
    /// (nimsim's faults cover the simulated commands only).
    failing: Mutex<Vec<(String, String)>>,
}

const TOOLS: &[&str] = &[
    "mkdir", "cp", "rm", "cat", "test", "touch", "chmod", "du", "ls",
];

impl Net {
    /// `mn` plus the given service nodes, NIM configured on each.
    pub fn new(sns: &[&str]) -> Net {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("root");
        let links = dir.path().join("links");
        install_wrappers(&root, &links, |link| {
            format!(
                "#!/bin/sh\nexport NIMSIM_STATE=\"$SIM_STATE\" NIMSIM_HOSTNAME=\"$SIM_HOST\" NIMSIM_HOSTS='{}'\nexec '{}' \"$@\"\n",
                dir.path().join("hosts").display(),
                link.display()
            )
        });
        for tool in TOOLS {
            let real = which(tool);
            let link = root.join("usr/bin").join(tool);
            let _ = std::fs::remove_file(&link);
            std::os::unix::fs::symlink(real, link).unwrap();
        }
        write_exec(&root.join("usr/bin/chgrp"), "#!/bin/sh\nexit 0\n");
        write_exec(&root.join("usr/bin/chown"), "#!/bin/sh\nexit 0\n");
        write_exec(&root.join("usr/bin/rsync"), &rsync_stub(dir.path()));
        std::fs::write(dir.path().join("hosts"), "127.0.0.1 localhost\n").unwrap();
        let mut net = Net {
            root,
            states: BTreeMap::new(),
            calls: Mutex::new(Vec::new()),
            inner: SystemRunner::new(Box::new(|_, _| Vec::new())),
            down: Mutex::new(Vec::new()),
            failing: Mutex::new(Vec::new()),
            dir,
        };
        for host in std::iter::once("mn").chain(sns.iter().copied()) {
            let state = net.dir.path().join("state").join(host);
            net.states.insert(host.to_string(), state);
            net.sim(
                host,
                "/usr/sbin/nim_master_setup",
                &["-a", "mk_resource=no"],
            );
        }
        // nimprime is also reachable by name (remote-nimprime tests).
        let mn = net.states["mn"].clone();
        net.states.insert("nimprime".into(), mn);
        net.clear();
        net
    }

    pub fn path(&self, rel: &str) -> String {
        self.dir.path().join(rel).display().to_string()
    }

    pub fn cfg(&self) -> NimConfig {
        let mut cfg = NimConfig::default().with_command_root(&self.root);
        cfg.timeout = Duration::from_secs(60);
        cfg
    }

    /// Run a simulated command on `host` (set-up); its stdout.
    pub fn sim(&self, host: &str, path: &str, args: &[&str]) -> String {
        let mut cmd = Command::new(self.root.join(path.trim_start_matches('/')));
        cmd.args(args)
            .env("SIM_STATE", &self.states[host])
            .env("SIM_HOST", host);
        checked_stdout(&mut cmd, &format!("{host}: {path} {args:?}"))
    }

    /// A `nimsim` helper on `host` (`fs`, `set`, `fault`, `calls --plain`).
    pub fn helper(&self, host: &str, args: &[&str]) -> String {
        let out = Command::new(nimsim_bin())
            .args(args)
            .env("NIMSIM_STATE", &self.states[host])
            .output()
            .unwrap();
        assert!(out.status.success(), "nimsim {args:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// nimsim's call log of `host` as `rc<TAB>cmd args` lines.
    pub fn sim_calls(&self, host: &str) -> Vec<String> {
        self.helper(host, &["calls", "--plain"])
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// Every command so far: `(target, line)` with the command root taken off
    /// and staged temporary files shown as `STAGED`.
    pub fn calls(&self) -> Vec<(Target, String)> {
        self.calls.lock().unwrap().clone()
    }

    /// The lines run on one target, in order (each fan-out to the service
    /// nodes in name order).
    pub fn calls_on(&self, target: &Target) -> Vec<String> {
        let calls = self.calls().into_iter().filter(|(t, _)| t == target);
        xcat_tests::fan_sorted(calls.map(|(_, l)| l).collect())
    }

    /// From now on `tool` (a file tool's stock path, `/usr/bin/cp`) run on
    /// `host` fails with exit 1 and says so, without running.
    pub fn fail_tool(&self, host: &str, tool: &str) {
        let rule = (host.to_string(), tool.to_string());
        self.failing.lock().unwrap().push(rule);
    }

    /// The file tools work again everywhere.
    pub fn heal_tools(&self) {
        self.failing.lock().unwrap().clear();
    }

    pub fn clear(&self) {
        self.calls.lock().unwrap().clear();
        for host in self.states.keys() {
            let _ = std::fs::remove_file(self.states[host].join("calls.log"));
        }
    }

    fn shown(&self, cmd: &Cmd) -> String {
        let root = self.root.display().to_string();
        let staged = std::env::temp_dir()
            .join("xcatd-prime")
            .display()
            .to_string();
        let mut c = cmd.clone();
        c.program = c
            .program
            .strip_prefix(&root)
            .unwrap_or(&c.program)
            .to_string();
        for a in c.args.iter_mut() {
            if a.starts_with(&staged) {
                *a = "STAGED".into();
            }
        }
        c.to_shell_line()
    }
}

impl Runner for Net {
    fn run(&self, target: &Target, cmd: &Cmd, timeout: Duration) -> Output {
        self.calls
            .lock()
            .unwrap()
            .push((target.clone(), self.shown(cmd)));
        let host = match target {
            Target::Local => "mn".to_string(),
            Target::Host(h) => h.clone(),
        };
        if self.down.lock().unwrap().contains(&host) {
            return Output::failure(
                255,
                format!("ssh: connect to host {host} port 22: No route to host"),
            );
        }
        let program = cmd
            .program
            .strip_prefix(self.root.to_str().unwrap_or_default());
        let rule = (host.clone(), program.unwrap_or(&cmd.program).to_string());
        if self.failing.lock().unwrap().contains(&rule) {
            return Output::failure(1, format!("{}: injected fault", rule.1));
        }
        let Some(state) = self.states.get(&host) else {
            return Output::failure(255, format!("ssh: Could not resolve hostname {host}"));
        };
        let mut args = vec![
            format!("SIM_STATE={}", state.display()),
            format!("SIM_HOST={host}"),
            cmd.program.clone(),
        ];
        args.extend(cmd.args.iter().cloned());
        self.inner
            .run(&Target::Local, &Cmd::new("/usr/bin/env", args), timeout)
    }

    fn xcat(&self, _request: Request, _timeout: Duration) -> Vec<Response> {
        Vec::new()
    }
}

/// rsync stand-in: copies for real only between paths of this test (remote
/// `host:` prefixes dropped); fails with 23 when `rsync.fail` holds a word of
/// the call.
fn rsync_stub(dir: &Path) -> String {
    let d = dir.display();
    format!(
        r#"#!/bin/sh
if [ -f '{d}/rsync.fail' ] && echo "$*" | grep -qF -f '{d}/rsync.fail'; then exit 23; fi
for a in "$@"; do src="$dst"; dst="$a"; done
src="${{src#*:}}"; dst="${{dst#*:}}"
case "$dst" in
  '{d}'/*) exec /usr/bin/rsync -a "$src" "$dst" ;;
esac
exit 0
"#
    )
}

fn which(tool: &str) -> PathBuf {
    for dir in ["/usr/bin", "/bin"] {
        let p = Path::new(dir).join(tool);
        if p.exists() {
            return p;
        }
    }
    panic!("{tool} not found");
}
