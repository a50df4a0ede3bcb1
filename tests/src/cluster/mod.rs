//! A whole xCAT cluster on this one Linux machine, made of real hosts
//! (needs root).  Each host is a network namespace (address in
//! 198.18.0.0/24, plugged into a bridge that lives in its own namespace, no
//! default route, nothing linked to the machine's namespace) plus mount and
//! UTS namespaces of its own (own host name, `/etc/hosts`, `/etc/xcat`,
//! `/install`, `/tftpboot`, `/var/log/xcat`, `/root`, `/etc/xCATMN` or
//! `/etc/xCATSN`).  Started by [`Cluster::start`]: PostgreSQL on mn1; an
//! sshd on every host (one root key, known host keys); `xcatd` (the built
//! binary) on mn1 and each SN, all using mn1's database through `cfgloc`,
//! each with its own server certificate from the cluster CA; the stock
//! client names in `/opt/xcat/bin`; the NIM simulator at `/usr/sbin/lsnim`
//! etc. on MN and SNs when it is built.
//!
//! ```ignore
//! let cluster = Cluster::start(ClusterSpec::standard());
//! let out = cluster.client("mn1", "nodels", &["all"]);        // stock-named client
//! let out = cluster.host("mn1").run("ssh", &["sn1", "hostname"]); // real ssh
//! let fault = cluster.kill_daemon("sn1");  // undone on drop (or .undo())
//! let calls = cluster.calls("sn1");        // NIM simulator call log
//! ```
//!
//! Everything is removed when the [`Cluster`] is dropped (also on panic),
//! at process exit for [`Cluster::shared`], and at the next start for a
//! run that died (see [`cleanup`]).  Files: [`spec`] (hosts), [`layout`]
//! (paths and names), [`net`], [`mounts`], [`ssh`], [`postgres`], [`xcat`],
//! [`nimsim`], [`nim_seed`] (the AIX diskless walk-through's data), [`daemon`], [`probe`],
//! [`faults`], [`host`], [`cleanup`], [`ha`] (the HA layout: shared disk, VIP, services
//! commands), [`ha_agents`] (the HA agents' files and faults), [`ha_watch`] (what the
//! unplanned-failover tests observe: status, VIP, client load).

pub mod check;
pub mod cleanup;
pub mod daemon;
pub mod faults;
pub mod ha;
pub mod ha_agents;
pub mod ha_watch;
pub mod host;
pub mod layout;
pub mod mounts;
pub mod net;
pub mod nim_seed;
pub mod nimsim;
pub mod postgres;
pub mod probe;
pub mod spec;
pub mod ssh;
pub mod sys;
pub mod xcat;

mod bringup;

pub use faults::Fault;
pub use host::Host;
pub use layout::Layout;
pub use spec::{ClusterSpec, HostSpec, Role};

use cleanup::OwnerLock;
use daemon::Daemon;
use std::collections::BTreeMap;
use std::process::Output;
use std::sync::{Mutex, MutexGuard, OnceLock};

/// A running cluster (torn down on drop).
pub struct Cluster {
    pub spec: ClusterSpec,
    layout: Layout,
    /// `(host, "sshd" | "xcatd")` → the daemon.
    daemons: Mutex<BTreeMap<(String, String), Daemon>>,
    nimsim: bool,
    lock: Option<OwnerLock>,
    detached: bool,
}

impl Cluster {
    /// Bring up `spec` under a fresh id (`t<pid>n<seq>`); panics with the
    /// reason when it cannot (whatever was made is removed first).
    pub fn start(spec: ClusterSpec) -> Cluster {
        static SEQ: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let seq = SEQ.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        match Cluster::start_as(spec, &format!("t{}n{seq}", std::process::id())) {
            Ok(c) => c,
            Err(e) => panic!("cluster did not come up: {e}"),
        }
    }

    /// Bring up `spec` under `id` (removes a cluster of that id first).
    pub fn start_as(spec: ClusterSpec, id: &str) -> Result<Cluster, String> {
        requirements_of(&spec)?;
        cleanup::remove_stale();
        let layout = Layout::new(id);
        let lock = OwnerLock::try_take(&layout)
            .ok_or_else(|| format!("cluster {id} is owned by a running process"))?;
        cleanup::teardown(&layout);
        let mut cluster = Cluster {
            spec,
            layout,
            daemons: Mutex::new(BTreeMap::new()),
            nimsim: false,
            lock: Some(lock),
            detached: false,
        };
        bringup::bring_up(&mut cluster)?;
        Ok(cluster)
    }

    /// Like [`Cluster::start`] when the machine can run a cluster; else
    /// `None` with a note, or a panic under `CI=true` (where it must run).
    pub fn start_or_skip(spec: ClusterSpec) -> Option<Cluster> {
        match requirements_of(&spec) {
            Ok(()) => Some(Cluster::start(spec)),
            Err(e) => skip(&e),
        }
    }

    /// One standard cluster shared by the tests of a test binary, removed
    /// when the process exits; `None` as in [`Cluster::start_or_skip`].
    /// Tests sharing it must undo their faults (the [`Fault`] guards do).
    pub fn shared() -> Option<&'static Cluster> {
        static SHARED: OnceLock<Option<Cluster>> = OnceLock::new();
        extern "C" fn at_exit() {
            if let Some(Some(c)) = SHARED.get() {
                c.shutdown();
            }
        }
        SHARED
            .get_or_init(|| {
                let c = Cluster::start_or_skip(ClusterSpec::standard())?;
                // SAFETY: registering a plain function without captures.
                unsafe { libc::atexit(at_exit) };
                Some(c)
            })
            .as_ref()
    }

    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// Whether the NIM simulator is installed on MN and SNs.
    pub fn has_nimsim(&self) -> bool {
        self.nimsim
    }

    /// A host by name (panics on an unknown name: a test bug).
    pub fn host(&self, name: &str) -> Host<'_> {
        let spec = self
            .spec
            .host(name)
            .unwrap_or_else(|| panic!("no host {name} in this cluster"));
        Host::new(&self.layout, spec)
    }

    /// Run the stock-named client `command` on `host` as root against
    /// that host's own daemon (`XCATHOST` unset: localhost:3001).
    pub fn client(&self, host: &str, command: &str, args: &[&str]) -> Output {
        self.client_env(host, command, args, &[])
    }

    /// [`Cluster::client`] with extra environment (e.g. `XCATHOST=sn1:3001`).
    pub fn client_env(
        &self,
        host: &str,
        command: &str,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Output {
        let program = format!("/opt/xcat/bin/{command}");
        let mut cmd = self.host(host).command(&program);
        cmd.args(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        host::output(&mut cmd)
    }

    /// Restart the host's xcatd (`kill -9`, start, wait until it listens),
    /// e.g. after changing what it reads only at start.
    pub fn restart_daemon(&self, host: &str) -> Result<(), String> {
        self.start_daemon_of(host, "xcatd")?;
        self.wait_daemon(host, "xcatd")
    }

    /// Lines the NIM simulator logged on `host`: one JSON object per call,
    /// oldest first (`{"seq":1,…,"cmd":"lsnim","argv":[…],"rc":0}`).
    pub fn calls(&self, host: &str) -> Vec<String> {
        nimsim::calls(&self.layout, host)
    }

    /// Run the simulator's helper `nimsim ARGS` inside `host` (`calls
    /// --plain`, `reset`, `fault …`, `set …`, `fs …`); exit 127 when the
    /// simulator is not built.
    pub fn nimsim(&self, host: &str, args: &[&str]) -> Output {
        let bin = nimsim::binary().unwrap_or_else(|| "nimsim-not-built".into());
        self.host(host).run(&bin.to_string_lossy(), args)
    }

    /// Output of a host's daemon (`"xcatd"` or `"sshd"`) so far.
    pub fn daemon_log(&self, host: &str, daemon: &str) -> String {
        std::fs::read_to_string(self.layout.log_dir(host).join(format!("{daemon}.log")))
            .unwrap_or_default()
    }

    /// PostgreSQL's log so far.
    pub fn postgres_log(&self) -> String {
        match self.spec.db_host() {
            Some(h) => postgres::log(&self.layout, &h.name),
            None => String::new(),
        }
    }

    fn daemons(&self) -> MutexGuard<'_, BTreeMap<(String, String), Daemon>> {
        self.daemons.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Stop everything now and report what is left behind (should be
    /// nothing: namespaces, mounts, files, processes).
    pub fn teardown(mut self) -> Vec<String> {
        let inodes: Vec<u64> = net::list_netns(&self.layout.netns_prefix())
            .iter()
            .filter_map(|n| net::inode(n))
            .collect();
        self.shutdown();
        self.detached = true;
        cleanup::leftovers(&self.layout, &inodes)
    }

    /// Leave the cluster running after this process exits (`scripts/cluster
    /// up`); remove it later with [`cleanup::teardown`] on its id.
    pub fn detach(mut self) {
        self.detached = true;
    }

    /// Kill the daemons and remove everything (idempotent).
    fn shutdown(&self) {
        for d in self.daemons().values_mut() {
            d.kill();
        }
        cleanup::teardown(&self.layout);
        let _ = std::fs::remove_file(self.layout.lock_file());
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if !self.detached {
            self.shutdown();
        }
        self.lock.take();
    }
}

/// What a cluster needs: root and the tools it runs.
pub fn requirements() -> Result<(), String> {
    if !sys::is_root() {
        return Err("the cluster harness needs root".into());
    }
    let tools = [
        "ip",
        "unshare",
        "nsenter",
        "mount",
        "runuser",
        "ssh",
        "ssh-keygen",
        "rsync",
        "psql",
    ];
    let missing: Vec<&str> = tools.iter().copied().filter(|t| !sys::have(t)).collect();
    if !missing.is_empty() {
        return Err(format!("missing tools: {}", missing.join(", ")));
    }
    if !sys::have(ssh::SSHD) {
        return Err(format!("{} missing (install openssh-server)", ssh::SSHD));
    }
    if postgres::bindir().is_none() {
        return Err("PostgreSQL server binaries missing (install postgresql)".into());
    }
    Ok(())
}

/// [`requirements`], and for the HA layout what xcatha runs there.
fn requirements_of(spec: &ClusterSpec) -> Result<(), String> {
    requirements()?;
    if spec.ha {
        ha::requirements()?;
    }
    Ok(())
}

/// Skip (print why) or, under `CI=true`, fail.
fn skip<T>(reason: &str) -> Option<T> {
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("cluster test cannot run under CI=true: {reason}");
    }
    eprintln!("skipping cluster test: {reason}");
    None
}
