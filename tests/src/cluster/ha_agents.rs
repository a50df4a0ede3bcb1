//! The HA agents in the cluster's HA layout ([`ClusterSpec::with_ha_agents`]): the
//! agent configuration of mn1 and mn2 (`/etc/xcatha/agent.conf`, mn1 configured active,
//! mn2 standby, the VIP handled by the agent with real `ip addr` and a gratuitous ARP),
//! the witness's on sn1 (`/etc/xcatha/witness.conf`, passed to sn1's supervised xcatd
//! as `--ha-config`), and the fence command of both MNs (`/etc/xcatha/fence PEER`: kill
//! every process of the peer's host — all processes in its network namespace — and
//! remove the VIP from its interface, as a power-off would; wait until the killed
//! postmaster is reaped; then take the shared disk's database: start PostgreSQL here;
//! it fails on purpose while [`FENCE_FAILS`] exists, and once after the kill when
//! [`FENCE_FAILS_ONCE`] exists).
//! Also the faults on a whole MN host and on its unsupervised xcatd (pidfile).

use super::ha::{self, PG_DATA, SHARED_PATH, VIP, VIP_NIC};
use super::layout::Layout;
use super::mounts::host_command;
use super::spec::{ClusterSpec, HostSpec, Role};
use super::sys::{run, write_file};
use super::Cluster;
use crate::server::xcatd_bin;
use std::process::Command;

/// Where mn1 and mn2 read their agent configuration.
pub const AGENT_CONF: &str = "/etc/xcatha/agent.conf";
/// The witness's configuration on [`WITNESS`].
pub const WITNESS_CONF: &str = "/etc/xcatha/witness.conf";
/// The witness host.
pub const WITNESS: &str = "sn1";
/// The MNs' fence command (`FENCE PEER`).
pub const FENCE: &str = "/etc/xcatha/fence";
/// While this file exists on an MN its fence command fails (exit 1) without touching
/// the peer ([`Cluster::set_fence_failing`]).
pub const FENCE_FAILS: &str = "/etc/xcatha/fence-fails";
/// While this file exists on an MN its fence command kills the peer and drops its VIP,
/// then removes the file and fails (exit 1) before starting PostgreSQL: the next
/// attempt finds a dead peer and no VIP anywhere.
pub const FENCE_FAILS_ONCE: &str = "/etc/xcatha/fence-fails-once";
const XCATD_PIDFILE: &str = "/var/lib/xcluster/xcatd.pid";

fn member(spec: &ClusterSpec, name: &str) -> Result<String, String> {
    let h = spec.host(name).ok_or_else(|| format!("no host {name}"))?;
    Ok(format!("{name} {}:3001", h.ip()))
}

fn timing_lines(spec: &ClusterSpec) -> String {
    let timing = spec.ha_agents.as_deref().unwrap_or_default();
    timing.iter().map(|(k, v)| format!("{k} = {v}\n")).collect()
}

fn mn_conf(spec: &ClusterSpec, mn: &HostSpec) -> Result<String, String> {
    let peer = if mn.name == "mn1" { "mn2" } else { "mn1" };
    let role = if mn.name == "mn1" {
        "active"
    } else {
        "standby"
    };
    Ok(format!(
        "name = {}\nrole = {role}\npeer = {}\nwitness = {}\nshared = {SHARED_PATH}\n\
         vip = {VIP}\nnic = {VIP_NIC}\nnetmask = 255.255.255.0\nfence = {FENCE} {{peer}}\n\
         fence_timeout = 60\n{}",
        mn.name,
        member(spec, peer)?,
        member(spec, WITNESS)?,
        timing_lines(spec)
    ))
}

fn witness_conf(spec: &ClusterSpec) -> Result<String, String> {
    Ok(format!(
        "name = {WITNESS}\nrole = witness\npeer = {}\npeer = {}\n{}",
        member(spec, "mn1")?,
        member(spec, "mn2")?,
        timing_lines(spec)
    ))
}

fn fence_script(layout: &Layout) -> Result<String, String> {
    let start = ha::service_commands()?
        .into_iter()
        .find(|c| c.unit == "postgresql" && c.op == "start")
        .ok_or("no postgresql start command")?
        .argv
        .join(" ");
    Ok(format!(
        "#!/bin/sh\n\
         # The test cluster's fence (tests/src/cluster/ha_agents.rs): kill every process\n\
         # of the peer's host, then start PostgreSQL here on the shared data.\n\
         PATH=/usr/sbin:/usr/bin:/sbin:/bin\n\
         exec 2>>/var/log/xcatha-fence.log\n\
         set -x\n\
         # The namespaces' names are the machine's: its mount namespace is that of the\n\
         # process that runs the cluster (pid {}; the hosts' copies of /run/netns are stale).\n\
         machine() {{ nsenter --mount=/proc/{}/ns/mnt -- \"$@\"; }}\n\
         case \"$1\" in mn1|mn2) ;; *) echo \"fence: unknown peer '$1'\" >&2; exit 2;; esac\n\
         [ -e {FENCE_FAILS} ] && {{ echo \"fence: failing on purpose ({FENCE_FAILS})\" >&2; exit 1; }}\n\
         ns=\"{}$1\"\n\
         for i in 1 2 3 4 5 6 7 8 9 10; do\n\
         \x20 pids=$(machine ip netns pids \"$ns\")\n\
         \x20 [ -z \"$pids\" ] && break\n\
         \x20 kill -9 $pids 2>/dev/null\n\
         \x20 sleep 0.2\n\
         done\n\
         [ -z \"$(machine ip netns pids \"$ns\")\" ] || {{ echo \"fence: $1 still runs\" >&2; exit 1; }}\n\
         # The peer's postmaster is dead, but a zombie until the machine's init reaps it,\n\
         # and PostgreSQL refuses to start while the pid in postmaster.pid exists.\n\
         pm=$(head -n 1 {PG_DATA}/postmaster.pid 2>/dev/null)\n\
         n=0\n\
         while [ -n \"$pm\" ] && [ -e /proc/$pm ] && [ $n -lt 200 ]; do sleep 0.2; n=$((n+1)); done\n\
         # A powered-off host holds no address: the VIP goes with it.\n\
         machine ip -n \"$ns\" addr del {VIP}/24 dev eth0\n\
         [ -e {FENCE_FAILS_ONCE} ] && {{ rm -f {FENCE_FAILS_ONCE}; echo \"fence: failing once after the kill on purpose\" >&2; exit 1; }}\n\
         exec {start}\n",
        std::process::id(),
        std::process::id(),
        layout.netns_prefix()
    ))
}

/// Files of a host for the agents (upper layers, before the namespaces exist).
pub fn prepare_host(layout: &Layout, spec: &ClusterSpec, host: &HostSpec) -> Result<(), String> {
    let dir = layout.host_dir(&host.name);
    if host.name == WITNESS {
        return write_file(
            &dir.join("etc/xcatha/witness.conf"),
            witness_conf(spec)?.as_bytes(),
        );
    }
    if host.role != Role::Mn {
        return Ok(());
    }
    write_file(
        &dir.join("etc/xcatha/agent.conf"),
        mn_conf(spec, host)?.as_bytes(),
    )?;
    let fence = dir.join("etc/xcatha/fence");
    crate::write_exec(&fence, &fence_script(layout)?)
}

/// The witness's extra daemon arguments (none for other hosts or without agents).
pub fn xcatd_extra_args(spec: &ClusterSpec, host: &str) -> Vec<String> {
    if spec.ha_agents.is_some() && host == WITNESS {
        vec!["--ha-config".into(), WITNESS_CONF.into()]
    } else {
        Vec::new()
    }
}

impl Cluster {
    /// Start xcatd with its agent on an MN (after `xcatha -s`): daemon mode, the
    /// services file's pidfile, `--ha-config /etc/xcatha/agent.conf`.
    pub fn start_agent(&self, host: &str) -> Result<(), String> {
        let xcatd = xcatd_bin().to_string_lossy().into_owned();
        let args = ["--confdir", "/etc/xcat", "--pidfile", XCATD_PIDFILE];
        run(host_command(&self.layout, host, &xcatd)
            .args(args)
            .args(["--ha-config", AGENT_CONF]))?;
        Ok(())
    }

    /// Run the services file's `op` command of `unit` inside an MN.
    pub fn ha_service(&self, host: &str, unit: &str, op: &str) -> Result<(), String> {
        ha::service(&self.layout, host, unit, op).map(|_| ())
    }

    /// Bring the VIP up on `host` (as `xcatha -a` does before the daemon starts: the
    /// daemon reaches its database through the VIP).
    pub fn vip_up(&self, host: &str) -> Result<(), String> {
        ha::set_vip(&self.layout, host, true)
    }

    /// Make `host`'s fence command fail (exit 1, the peer untouched) or work again.
    pub fn set_fence_failing(&self, host: &str, fails: bool) -> Result<(), String> {
        let flag = if fails { "touch" } else { "rm" };
        self.fence_flag(host, flag, FENCE_FAILS)
    }

    /// Make `host`'s next fence fail after it killed the peer ([`FENCE_FAILS_ONCE`]).
    pub fn set_fence_failing_once(&self, host: &str) -> Result<(), String> {
        self.fence_flag(host, "touch", FENCE_FAILS_ONCE)
    }

    fn fence_flag(&self, host: &str, program: &str, flag: &str) -> Result<(), String> {
        let args: &[&str] = if program == "rm" {
            &["-f", flag]
        } else {
            &[flag]
        };
        let o = self.host(host).run(program, args);
        if o.status.success() {
            Ok(())
        } else {
            Err(format!("{host}: {program} {flag}: {o:?}"))
        }
    }

    /// Pids of every process of `host` (its network namespace).
    pub fn host_pids(&self, host: &str) -> Vec<i32> {
        let out = Command::new("ip")
            .args(["netns", "pids", &self.layout.netns(host)])
            .output();
        out.map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .split_whitespace()
                .filter_map(|p| p.parse().ok())
                .collect()
        })
        .unwrap_or_default()
    }

    /// `kill -9` every process of `host` (the MN dies as a whole).
    pub fn kill_host(&self, host: &str) {
        for pid in self.host_pids(host) {
            // SAFETY: a plain signal to a pid of the cluster's namespace.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
    }

    /// Pid of an MN's xcatd started by its services commands or [`Cluster::start_agent`].
    pub fn mn_xcatd_pid(&self, host: &str) -> Option<i32> {
        let text = std::fs::read_to_string(self.layout.host_path(host, XCATD_PIDFILE)).ok()?;
        text.trim().parse().ok()
    }

    /// Send `sig` to an MN's xcatd (SIGSTOP / SIGCONT).
    pub fn signal_mn_xcatd(&self, host: &str, sig: i32) -> Result<(), String> {
        let pid = self
            .mn_xcatd_pid(host)
            .ok_or_else(|| format!("{host}: no xcatd pid"))?;
        // SAFETY: a plain signal to the daemon's pid.
        match unsafe { libc::kill(pid, sig) } {
            0 => Ok(()),
            _ => Err(format!(
                "kill {sig} {pid}: {}",
                std::io::Error::last_os_error()
            )),
        }
    }
}

/// The MNs' addresses (where their agents answer `hastatus`).
pub const MN1_IP: &str = "198.18.0.1";
pub const MN2_IP: &str = "198.18.0.2";

impl Cluster {
    /// `hastatus` of the daemon at `ip` (from cn01, root's credentials): its lines, or
    /// one line `! …` when it does not answer.
    pub fn hastatus(&self, ip: &str) -> Vec<String> {
        let host = format!("{ip}:3001");
        let o = self.client_env(
            "cn01",
            "xcatclientnnr",
            &["hastatus"],
            &[("XCATHOST", &host)],
        );
        let text = String::from_utf8_lossy(&o.stdout).into_owned();
        if !o.status.success() {
            return vec![format!(
                "! {}: {text}{}",
                o.status,
                String::from_utf8_lossy(&o.stderr)
            )];
        }
        text.lines().map(str::to_string).collect()
    }

    /// Polls [`Cluster::hastatus`] at `ip` until a line starts with each of `want`.
    pub fn wait_hastatus(
        &self,
        ip: &str,
        want: &[&str],
        limit: std::time::Duration,
    ) -> Result<Vec<String>, String> {
        let deadline = std::time::Instant::now() + limit;
        loop {
            let st = self.hastatus(ip);
            if want.iter().all(|w| st.iter().any(|l| l.starts_with(w))) {
                return Ok(st);
            }
            if std::time::Instant::now() > deadline {
                return Err(format!("{ip}: never {want:?}: {st:?}"));
            }
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
    }

    /// The HA agents up (a cluster started with [`ClusterSpec::with_ha_agents`]):
    /// `xcatha -s` on mn1 and mn2, PostgreSQL and the VIP on mn1, mn1's agent active at
    /// term 1, then mn2's agent standby seeing mn1 and the witness.
    pub fn agents_up(&self) -> Result<(), String> {
        for mn in ["mn1", "mn2"] {
            let args = [&ha::xcatha_args("-s")[..], &["-t", "postgresql"]].concat();
            let o = self.xcatha(mn, &args);
            if !o.status.success() {
                return Err(format!(
                    "xcatha -s on {mn}: {}\n{}",
                    o.status,
                    String::from_utf8_lossy(&o.stdout)
                ));
            }
        }
        self.ha_service("mn1", "postgresql", "start")?;
        self.vip_up("mn1")?;
        self.start_agent("mn1")?;
        let up = std::time::Duration::from_secs(30);
        self.wait_hastatus(MN1_IP, &["role: active", "term: 1", "vip state: up"], up)?;
        self.start_agent("mn2")?;
        let want = [
            "role: standby",
            "peer mn1: reachable",
            "witness sn1: reachable",
        ];
        self.wait_hastatus(MN2_IP, &want, up).map(|_| ())
    }
}
