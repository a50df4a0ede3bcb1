//! What the unplanned-failover tests (`cluster_ha_unplanned.rs`, `cluster_ha_split.rs`)
//! share on top of [`super::ha_agents`]: the agents brought up (mn1 active at term 1,
//! mn2 standby), `hastatus` of a daemon asked from cn01, the VIP's holders, the agents'
//! transitions from a command log, a client load through the VIP (reads, numbered
//! `mkdef` writes, the VIP sampled every 100 ms and never on both MNs) while a fault
//! runs, the acknowledged writes checked afterwards, and a thread dump of a daemon.

use super::ha::xcatha_args;
use super::host::output;
use super::{Cluster, ClusterSpec};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The tests' agent timing (heartbeat 0.5 s, takeover 3 s, lease 2 s).
pub const TIMING: [(&str, &str); 3] = [
    ("heartbeat", "0.5"),
    ("takeover_timeout", "3"),
    ("lease", "2"),
];
pub const MN1: &str = "198.18.0.1";
pub const MN2: &str = "198.18.0.2";
/// The clients' `XCATHOST` (the VIP, [`super::ha::VIP`]).
pub const VIA_VIP: &str = "198.18.0.5:3001";

pub use super::check::text;

/// xcatha's step lines (those ending in a status tag), without the tag.
pub fn step_lines(out: &str) -> Vec<&str> {
    out.lines()
        .filter_map(|l| {
            ["[Dryrun]", "[Passed]", "[Failed]", "[Failed, OK to ignore]"]
                .iter()
                .find_map(|t| l.strip_suffix(t))
        })
        .map(str::trim_end)
        .collect()
}

/// Exit status, stdout and stderr for a failure message.
pub fn show(o: &Output) -> String {
    format!(
        "{}\nstdout:\n{}\nstderr:\n{}",
        o.status,
        text(&o.stdout),
        text(&o.stderr)
    )
}

/// `xcatha -s` on `host`: exit 0, ends deactivated.
fn setup(c: &Cluster, host: &str) {
    let args = [&xcatha_args("-s")[..], &["-t", "postgresql"]].concat();
    let o = c.xcatha(host, &args);
    assert_eq!(o.status.code(), Some(0), "{host}: {}", show(&o));
}

/// The stock-named client `command` on cn01 with `XCATHOST=xcathost`, killed after
/// [`CLIENT_LIMIT`]: a client whose server vanished without a reset (its cable pulled,
/// then fenced) waits for an answer forever, as stock's does.
pub fn cn01(c: &Cluster, command: &str, args: &[&str], xcathost: &str) -> Output {
    let limit = CLIENT_LIMIT.as_secs().to_string();
    let program = format!("/opt/xcat/bin/{command}");
    let mut cmd = c.host("cn01").command("timeout");
    cmd.args(["-s", "KILL", &limit, &program])
        .args(args)
        .env("XCATHOST", xcathost);
    output(&mut cmd)
}

/// How long [`cn01`] lets a client run.
pub const CLIENT_LIMIT: Duration = Duration::from_secs(60);

/// `hastatus` of the daemon at `ip` (from cn01, root's credentials): its lines, or
/// one line `! …` when it does not answer.
pub fn hastatus(c: &Cluster, ip: &str) -> Vec<String> {
    let o = cn01(c, "xcatclientnnr", &["hastatus"], &format!("{ip}:3001"));
    if !o.status.success() {
        return vec![format!("! {}", show(&o))];
    }
    text(&o.stdout).lines().map(str::to_string).collect()
}

/// Whether `status` has a line starting with each of `want`.
pub fn has_lines(status: &[String], want: &[&str]) -> bool {
    want.iter()
        .all(|w| status.iter().any(|l| l.starts_with(*w)))
}

/// Polls `hastatus` at `ip` until every line in `want` is there (panics after `limit`).
pub fn wait_status(c: &Cluster, ip: &str, want: &[&str], limit: Duration) -> Vec<String> {
    let deadline = Instant::now() + limit;
    loop {
        let st = hastatus(c, ip);
        if has_lines(&st, want) {
            return st;
        }
        assert!(Instant::now() < deadline, "{ip}: never {want:?}: {st:?}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Which MNs hold the VIP (from `ip addr` inside each).
pub fn vip_holders(c: &Cluster) -> Vec<&'static str> {
    ["mn1", "mn2"]
        .into_iter()
        .filter(|h| c.has_vip(h))
        .collect()
}

/// Whether the VIP was seen on both MNs at once: the two reads are sequential, so
/// mn1 counts only when it holds the VIP both before and after mn2 is read.
pub fn vip_on_both(c: &Cluster) -> bool {
    c.has_vip("mn1") && c.has_vip("mn2") && c.has_vip("mn1")
}

/// The agent's transitions in `host`'s command log, each line after its time
/// (`12:00:01 mn2: active at term 2: serving`).
pub fn agent_log(c: &Cluster, host: &str) -> String {
    let log = c.host(host).read("/var/log/xcat/commands.log");
    let mut out = String::new();
    let mut take = false;
    let mut time = "";
    for l in log.lines() {
        if let Some(date) = l.strip_prefix("[Date]") {
            time = date.trim().rsplit(' ').next().unwrap_or_default();
        } else if l.starts_with("[Request]") {
            take = l.contains("haagent");
        } else if take && !l.starts_with('[') && !l.starts_with('=') {
            out.push_str(&format!("{time} {l}\n"));
        }
    }
    out
}

/// The HA cluster with its agents up: mn1 active at term 1 holding the VIP, mn2
/// standby seeing mn1 and the witness.
pub fn agents_up() -> Option<Cluster> {
    let c = Cluster::start_or_skip(ClusterSpec::ha().with_ha_agents(&TIMING))?;
    setup(&c, "mn1");
    setup(&c, "mn2");
    assert!(vip_holders(&c).is_empty());
    c.ha_service("mn1", "postgresql", "start")
        .expect("PostgreSQL on mn1");
    c.vip_up("mn1").expect("VIP on mn1");
    c.start_agent("mn1").expect("mn1's agent");
    let up = Duration::from_secs(30);
    wait_status(&c, MN1, &["role: active", "term: 1", "vip state: up"], up);
    c.start_agent("mn2").expect("mn2's agent");
    wait_status(
        &c,
        MN2,
        &[
            "role: standby",
            "peer mn1: reachable",
            "witness sn1: reachable",
        ],
        up,
    );
    assert_eq!(vip_holders(&c), ["mn1"]);
    Some(c)
}

/// `mkdef -t node -o w<n> groups=all` from cn01 to `xcathost` (e.g. [`VIA_VIP`]).
pub fn write_node(c: &Cluster, n: u32, xcathost: &str) -> Output {
    let obj = format!("w{n}");
    let args = ["-t", "node", "-o", &obj, "groups=all"];
    cn01(c, "mkdef", &args, xcathost)
}

/// What the clients on cn01 saw while a fault ran.
#[derive(Default)]
pub struct Load {
    /// `w<n>` acknowledged by `mkdef` (exit 0).
    pub acked: Vec<u32>,
    pub reads: usize,
    pub failed_reads: usize,
    pub samples: usize,
}

/// Runs `fault` while cn01 runs `lsdef cn01` and `mkdef w<n>` (from `first` on)
/// through the VIP in loops and the VIP is sampled on both MNs every 100 ms (never on
/// both); after `fault` returns, the loops go on until each has had one command
/// succeed (two minutes at most for the reads, three for the writes).
pub fn under_load(c: &Cluster, first: u32, fault: impl FnOnce()) -> Load {
    load_while(c, first, true, fault)
}

/// [`under_load`] whose loops stop when `fault` returns (nothing may serve then).
pub fn under_load_then_stop(c: &Cluster, first: u32, fault: impl FnOnce()) -> Load {
    load_while(c, first, false, fault)
}

fn load_while(c: &Cluster, first: u32, settle: bool, fault: impl FnOnce()) -> Load {
    let done = AtomicBool::new(false);
    let settle = AtomicBool::new(settle);
    let load = Mutex::new(Load::default());
    std::thread::scope(|s| {
        s.spawn(|| read_loop(c, &settle, &done, &load));
        s.spawn(|| write_loop(c, first, &settle, &done, &load));
        s.spawn(|| {
            while !done.load(Ordering::SeqCst) {
                assert_vip_not_on_both(c);
                load.lock().unwrap_or_else(|p| p.into_inner()).samples += 1;
                std::thread::sleep(Duration::from_millis(100));
            }
        });
        // Also when `fault` panics: the loops end and the panic reaches the test.
        let _stop = Stop(&done, &settle);
        fault();
    });
    load.into_inner().unwrap_or_else(|p| p.into_inner())
}

/// Ends the loops when dropped (at once when the fault panicked).
struct Stop<'a>(&'a AtomicBool, &'a AtomicBool);

impl Drop for Stop<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.1.store(false, Ordering::SeqCst);
        }
        self.0.store(true, Ordering::SeqCst);
    }
}

/// Panics (with both agents' logs, the fence log and the addresses) when the VIP is
/// on both MNs.
pub fn assert_vip_not_on_both(c: &Cluster) {
    assert!(
        !vip_on_both(c),
        "the VIP is on mn1 and mn2\nmn1:\n{}mn2:\n{}{}\n{:?}\n{:?}",
        agent_log(c, "mn1"),
        agent_log(c, "mn2"),
        c.host("mn2").read("/var/log/xcatha-fence.log"),
        c.host("mn1").run("ip", &["-o", "-4", "addr", "show"]),
        c.host("mn2").run("ip", &["-o", "-4", "addr", "show"])
    );
}

fn read_loop(c: &Cluster, settle: &AtomicBool, done: &AtomicBool, load: &Mutex<Load>) {
    let mut since = None;
    loop {
        let after = done.load(Ordering::SeqCst);
        if after && !settle.load(Ordering::SeqCst) {
            return;
        }
        let ok = cn01(c, "lsdef", &["cn01"], VIA_VIP).status.success();
        let mut l = load.lock().unwrap_or_else(|p| p.into_inner());
        l.reads += 1;
        l.failed_reads += usize::from(!ok);
        drop(l);
        let t: &mut Instant = since.get_or_insert_with(Instant::now);
        if after && ok || t.elapsed() > Duration::from_secs(120) {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn write_loop(c: &Cluster, first: u32, settle: &AtomicBool, done: &AtomicBool, load: &Mutex<Load>) {
    let mut n = first;
    let start = Instant::now();
    loop {
        let after = done.load(Ordering::SeqCst);
        if after && !settle.load(Ordering::SeqCst) {
            return;
        }
        let ok = write_node(c, n, VIA_VIP).status.success();
        if ok {
            load.lock().unwrap_or_else(|p| p.into_inner()).acked.push(n);
        }
        n += 1;
        if after && ok || start.elapsed() > Duration::from_secs(180) {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The node names `lsdef -t node -s all` lists through the VIP.
pub fn listed_nodes(c: &Cluster) -> String {
    let o = cn01(c, "lsdef", &["-t", "node", "-s", "all"], VIA_VIP);
    assert!(o.status.success(), "{}", show(&o));
    text(&o.stdout)
}

/// Every acknowledged `w<n>` is defined (`lsdef -t node -s`, through the VIP).
pub fn assert_acked_present(c: &Cluster, load: &Load) {
    let listed = listed_nodes(c);
    for n in &load.acked {
        assert!(
            listed.contains(&format!("w{n}  (node)\n")),
            "acknowledged w{n} is gone:\n{listed}"
        );
    }
    eprintln!(
        "{} writes acknowledged, all present; {} reads ({} failed); VIP sampled {} times",
        load.acked.len(),
        load.reads,
        load.failed_reads,
        load.samples
    );
}

/// The shared term file (`TERM HOLDER`), read on the machine.
pub fn shared_term(c: &Cluster) -> String {
    let path = super::ha::shared_dir(c.layout()).join("xcatha/term");
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// Polls `host`'s [`agent_log`] until it has `line` (panics after `limit`).
pub fn wait_log(c: &Cluster, host: &str, line: &str, limit: Duration) -> String {
    let deadline = Instant::now() + limit;
    loop {
        let log = agent_log(c, host);
        if log.contains(line) {
            return log;
        }
        assert!(Instant::now() < deadline, "{host}: never '{line}':\n{log}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Every thread's backtrace of process `pid` (`gdb -batch`), for a failure message.
pub fn thread_dump(pid: i32) -> String {
    let o = Command::new("gdb")
        .args([
            "-p",
            &pid.to_string(),
            "-batch",
            "-ex",
            "thread apply all bt",
        ])
        .output();
    match o {
        Ok(o) => text(&o.stdout) + &text(&o.stderr),
        Err(e) => format!("gdb: {e}"),
    }
}

/// The time of day (UTC, `HH:MM:SS`), to line a test's events up with [`agent_log`].
pub fn utc_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
        % 86_400;
    format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}
