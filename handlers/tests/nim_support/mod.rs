//! NIM handler test support on top of `common`: a simulated AIX host per
//! service node (the `nimsim` binary behind wrapper scripts at the stock
//! paths under a per-host command root, its own state, host name and hosts
//! file), its call log, an `Env` whose handlers run real commands
//! (`SystemRunner`) as a given server, and a `Router` that sends each
//! command to the simulator of its host, as ssh would.
#![allow(dead_code)]

#[path = "../common/mod.rs"]
mod common;

pub use common::*;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use xcat_handlers::api::{Ctx, Handler, Part, ServerInfo};
use xcat_handlers::nim::cmd::NimConfig;
use xcat_handlers::nim::xcat2nim::Xcat2nim;
use xcat_handlers::runner::{Cmd, Output, Runner, SystemRunner, Target};
use xcat_proto::{Request, Response};

/// The built simulator (`cargo build -p nimsim` first).
pub fn nimsim_bin() -> PathBuf {
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let bin = target.join("debug/nimsim");
    assert!(
        bin.exists(),
        "{} not found: run `cargo build --workspace --bins` first",
        bin.display()
    );
    bin
}

/// One simulated AIX host: `<root>/usr/sbin/nim` etc. are wrappers that
/// run nimsim with this host's state.
pub struct SimHost {
    pub name: String,
    pub root: PathBuf,
    state: PathBuf,
    _dir: tempfile::TempDir,
}

impl SimHost {
    /// A host named `name` whose `/etc/hosts` is `hosts`; NIM configured
    /// (`nim_master_setup`) and the call log then cleared.
    pub fn new(name: &str, hosts: &str) -> SimHost {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("root");
        let links = dir.path().join("links");
        let state = dir.path().join("state");
        std::fs::write(dir.path().join("hosts"), hosts).unwrap();
        install_wrappers(&root, &links, |link| {
            format!(
                "#!/bin/sh\nexport NIMSIM_STATE='{}' NIMSIM_HOSTNAME='{name}' NIMSIM_HOSTS='{}' NIMSIM_TFTPDIR='{}'\nexec '{}' \"$@\"\n",
                state.display(),
                dir.path().join("hosts").display(),
                dir.path().join("tftpboot").display(),
                link.display()
            )
        });
        let host = SimHost {
            name: name.to_string(),
            root,
            state,
            _dir: dir,
        };
        host.sh("/usr/sbin/nim_master_setup", &["-a", "mk_resource=no"]);
        host.reset_log();
        host
    }

    /// Run a simulated command directly (test set-up); its stdout.
    pub fn sh(&self, path: &str, args: &[&str]) -> String {
        let mut cmd = Command::new(self.root.join(path.trim_start_matches('/')));
        checked_stdout(cmd.args(args), &format!("{path} {args:?}"))
    }

    fn helper(&self, args: &[&str]) -> String {
        let out = Command::new(nimsim_bin())
            .args(args)
            .env("NIMSIM_STATE", &self.state)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// The calls so far as `rc<TAB>command args` lines.
    pub fn calls(&self) -> Vec<String> {
        self.helper(&["calls", "--plain"])
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// Forget the calls so far (the state stays).
    pub fn reset_log(&self) {
        let _ = std::fs::remove_file(self.state.join("calls.log"));
    }

    /// The machine names NIM holds.
    pub fn machines(&self) -> Vec<String> {
        self.sh("/usr/sbin/lsnim", &["-c", "machines"])
            .lines()
            .filter_map(|l| l.split(' ').next())
            .map(str::to_string)
            .collect()
    }

    /// A `nimsim` helper command on this host's state (`reset`, `fault …`,
    /// `set …`); its stdout.
    pub fn admin(&self, args: &[&str]) -> String {
        self.helper(args)
    }

    /// The NIM network `name` for 198.18.0.0/24, gateway 198.18.0.254.
    pub fn define_net198(&self, name: &str) {
        self.sh(
            "/usr/sbin/nim",
            &[
                "-o",
                "define",
                "-t",
                "ent",
                "-a",
                "net_addr=198.18.0.0",
                "-a",
                "snm=255.255.255.0",
                "-a",
                "routing1=default 198.18.0.254",
                name,
            ],
        );
    }

    /// `master_net`'s default route through `gateway`.
    pub fn set_master_gateway(&self, gateway: &str) {
        let route = format!("routing1=default {gateway}");
        self.sh(
            "/usr/sbin/nim",
            &["-o", "change", "-a", &route, "master_net"],
        );
    }

    /// The handler as it runs on this host.
    pub fn handler(&self) -> Xcat2nim {
        Xcat2nim::with_config(NimConfig::default().with_command_root(&self.root))
    }
}

/// Install nimsim's command links under `links` and, for each stock path
/// it simulates, an executable wrapper under `root` whose text is
/// `script(link)`.
pub fn install_wrappers(root: &Path, links: &Path, script: impl Fn(&Path) -> String) {
    let bin = nimsim_bin();
    let ok = Command::new(&bin)
        .arg("--install-links")
        .arg(links)
        .output()
        .unwrap();
    assert!(ok.status.success());
    let list = Command::new(&bin).arg("list").output().unwrap();
    for line in String::from_utf8_lossy(&list.stdout).lines() {
        let Some((cmd, path)) = line.split_once(' ') else {
            continue;
        };
        let wrapper = root.join(path.trim_start_matches('/'));
        write_exec(&wrapper, &script(&links.join(cmd)));
    }
}

/// Write an executable file (its directory made first), safe to run at
/// once (see `xcat_tests::exec_file`).
pub fn write_exec(path: &Path, text: &str) {
    xcat_tests::write_exec(path, text).unwrap();
}

/// Run `cmd`, which must succeed (`what` names it in the failure); its
/// stdout.
pub fn checked_stdout(cmd: &mut Command, what: &str) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{what}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Insert one row into `table` (column, value).
pub fn ins(env: &Env, table: &str, cols: &[(&str, &str)]) {
    let names: Vec<&str> = cols.iter().map(|c| c.0).collect();
    let values: Vec<Option<&str>> = cols.iter().map(|c| Some(c.1)).collect();
    env.db.write(|c| c.insert(table, &names, &values)).unwrap();
}

/// The context of a daemon on `server` running real commands.
pub fn ctx_on(env: &Env, server: &str) -> Ctx {
    let mut ctx = env.ctx.clone();
    let mut info: ServerInfo = (*ctx.server).clone();
    info.short_host = server.to_string();
    ctx.server = Arc::new(info);
    ctx.runner = Arc::new(SystemRunner::new(Box::new(|_, _| Vec::new())));
    ctx
}

/// A request as `xcatDBcmds` sends it: every word in `arg`.
pub fn x2n_request(args: &[&str]) -> Request {
    request("xcat2nim", None, args)
}

/// The management node's split (`preprocess`) for these words.
pub fn split(env: &Env, args: &[&str]) -> Vec<Part> {
    let h = Xcat2nim::default();
    h.preprocess(&ctx_on(env, "mn"), x2n_request(args))
        .unwrap_or_else(|e| panic!("preprocess: {e}"))
}

/// `(dest, nodes)` of each part.
pub fn part_summary(parts: &[Part]) -> Vec<(String, Vec<String>)> {
    parts
        .iter()
        .map(|p| {
            (
                p.dest.join(","),
                p.request.nodes().iter().map(|n| n.to_string()).collect(),
            )
        })
        .collect()
}

/// Run one part on `host` (its NIM, its name); what the client shows.
pub fn run_part(env: &Env, host: &SimHost, part: &Request) -> Out {
    let mut docs: Vec<Response> = Vec::new();
    host.handler()
        .process(&ctx_on(env, &host.name), part, &mut docs)
        .unwrap_or_else(|e| panic!("process on {}: {e}", host.name));
    output(docs)
}

/// The whole command as a client sees it, every part run on its host
/// (`hosts` by name; a part for another destination must not exist).
pub fn run_all(env: &Env, hosts: &[&SimHost], args: &[&str]) -> Out {
    let mut docs: Vec<Response> = Vec::new();
    let parts = Xcat2nim::default()
        .preprocess(&ctx_on(env, "mn"), x2n_request(args))
        .unwrap();
    for p in parts {
        let dest = p.dest.join(",");
        // A part without destination (answered on the MN) runs on the first.
        let host = hosts
            .iter()
            .find(|h| h.name == dest || dest.is_empty())
            .unwrap_or_else(|| panic!("a part for '{dest}'"));
        host.handler()
            .process(&ctx_on(env, &host.name), &p.request, &mut docs)
            .unwrap();
    }
    output(docs)
}

/// Per-host extras for the `-S` and client-file tests.
impl SimHost {
    /// This host's own addresses in its `ifconfig -a`: lines
    /// `NAME ADDRESS NETMASK` (nimsim's `<state>/interfaces`).
    pub fn set_interfaces(&self, lines: &str) {
        std::fs::create_dir_all(&self.state).unwrap();
        std::fs::write(self.state.join("interfaces"), lines).unwrap();
    }

    /// A `nimsim` helper for this host (`fault …`, `state`); its stdout.
    pub fn nimsim(&self, args: &[&str]) -> String {
        self.helper(args)
    }

    /// The `lsnfsexp -c` lines of `dir` (header skipped).
    pub fn export_of(&self, dir: &str) -> Vec<String> {
        self.sh("/usr/sbin/lsnfsexp", &["-c"])
            .lines()
            .filter(|l| l.starts_with(&format!("{dir}:")))
            .map(str::to_string)
            .collect()
    }
}

/// A stand-in `ssh` (`SystemRunner::with_ssh_program`) that runs the remote
/// command line on the simulated host it names: the line's program (a
/// wrapper under some host's command root) becomes the same wrapper under
/// the named host's root.  Unknown hosts fail as ssh does (255).
pub fn fake_ssh(dir: &Path, hosts: &[&SimHost]) -> PathBuf {
    let mut cases = String::new();
    for h in hosts {
        cases.push_str(&format!("  {}) root='{}' ;;\n", h.name, h.root.display()));
    }
    let script = format!(
        "#!/bin/sh\nwhile [ \"$1\" != \"--\" ]; do shift; done\nshift\nhost=\"$1\"\nline=\"$2\"\ncase \"$host\" in\n{cases}  *) echo \"ssh: Could not resolve hostname $host\" >&2; exit 255 ;;\nesac\neval \"set -- $line\"\nprog=\"$1\"\nshift\nexec \"$root/usr/${{prog##*/root/usr/}}\" \"$@\"\n"
    );
    let path = dir.join("ssh");
    write_exec(&path, &script);
    path
}

/// The commands `mkdsklsnode -S` runs on a service node without an
/// `/install` export yet (`-g /install@<local>:/install@<remote>`).
pub fn hanfs_sequence(dir_at_local: &str, dir_at_remote: &str) -> Vec<String> {
    vec![
        "0\tifconfig -a".into(),
        "0\tlsnfsexp -c".into(),
        "0\texportfs -ua".into(),
        "0\tchnfs -R on".into(),
        "0\tstopsrc -g nfs".into(),
        "0\tstartsrc -g nfs".into(),
        "0\texportfs -a".into(),
        format!("0\tmknfsexp -d /install -B -v 4 -g /install@{dir_at_local}:/install@{dir_at_remote} -x -t rw -r *"),
    ]
}

/// Run `program` with `args` here, as a `Runner` answers (test routers).
pub fn exec(program: &Path, args: &[String]) -> xcat_handlers::runner::Output {
    let o = Command::new(program).args(args).output().unwrap();
    xcat_handlers::runner::Output {
        status: o.status.code(),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// A runner for handler tests that routes each command to the simulator of
/// its host, as ssh would (`Target::Local` is the host named `local`, this
/// server): a command whose program the host's simulator has runs there;
/// `du -sm` says 1 MB; a program in `real` runs here for real; anything
/// else (rsync, mkdir, …) is a success that did nothing.  Every command is
/// logged with its target and whether a simulator ran it (simulators log
/// their own commands).
pub struct Router {
    local: String,
    roots: std::collections::HashMap<String, PathBuf>,
    real: &'static [&'static str],
    log: std::sync::Mutex<Vec<Routed>>,
}

/// One command a [`Router`] was given.
struct Routed {
    target: xcat_handlers::runner::Target,
    host: String,
    line: String,
    simulated: bool,
}

impl Router {
    /// Commands for `hosts` go to their simulators; `real`: the stock
    /// paths run here when no simulator has them (e.g. `/usr/bin/test`).
    pub fn new(local: &str, hosts: &[&SimHost], real: &'static [&'static str]) -> Router {
        Router {
            local: local.to_string(),
            roots: hosts
                .iter()
                .map(|h| (h.name.clone(), h.root.clone()))
                .collect(),
            real,
            log: std::sync::Mutex::new(Vec::new()),
        }
    }

    /// Every command, with its target, in the order given.
    pub fn log(&self) -> Vec<(xcat_handlers::runner::Target, String)> {
        let log = self.log.lock().unwrap();
        log.iter()
            .map(|r| (r.target.clone(), r.line.clone()))
            .collect()
    }

    /// `host: command` of each command no simulator ran (the simulators log
    /// their own), each fan-out to the service nodes in name order.
    pub fn unsimulated(&self) -> Vec<String> {
        let log = self.log.lock().unwrap();
        let lines = log
            .iter()
            .filter(|r| !r.simulated)
            .map(|r| format!("{}: {}", r.host, r.line));
        xcat_tests::fan_sorted(lines.collect())
    }

    /// The simulator program for `cmd` on `host`, if that host has one.
    /// A remote host the test did not set up is a bug of the test.
    fn simulator(&self, target: &Target, host: &str, cmd: &Cmd) -> Option<PathBuf> {
        let root = match (self.roots.get(host), target) {
            (Some(root), _) => root,
            (None, Target::Local) => return None,
            (None, Target::Host(_)) => panic!("no host {host}"),
        };
        let sim = root.join(cmd.program.trim_start_matches('/'));
        sim.exists().then_some(sim)
    }
}

impl Runner for Router {
    fn run(&self, target: &Target, cmd: &Cmd, _timeout: std::time::Duration) -> Output {
        let host = match target {
            Target::Local => self.local.clone(),
            Target::Host(h) => h.clone(),
        };
        let fake_du = cmd.program == "/usr/bin/du";
        let sim = self.simulator(target, &host, cmd).filter(|_| !fake_du);
        self.log.lock().unwrap().push(Routed {
            target: target.clone(),
            host,
            line: cmd.to_shell_line(),
            simulated: sim.is_some(),
        });
        if fake_du {
            let dir = cmd.args.last().cloned().unwrap_or_default();
            return Output::success(format!("1\t{dir}\n"));
        }
        match sim {
            Some(sim) => exec(&sim, &cmd.args),
            None if self.real.contains(&cmd.program.as_str()) => {
                exec(Path::new(&cmd.program), &cmd.args)
            }
            None => Output::success(""),
        }
    }

    fn xcat(&self, _request: Request, _timeout: std::time::Duration) -> Vec<Response> {
        Vec::new()
    }
}
