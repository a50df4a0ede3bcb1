//! Unplanned failover with the HA agents in the cluster's HA layout
//! (tests/cluster/README.md, "HA agents"): `xcatha -s` on mn1 and mn2, then xcatd with
//! `--ha-config` on both (mn1 active, mn2 standby), sn1 the witness, the fence command
//! killing the other MN's processes and starting PostgreSQL on the shared data.  While
//! cn01 runs `lsdef` and a writer (`mkdef` of w1, w2, …) through the VIP, mn1 dies:
//! mn2 fences it, takes over (role active, term raised), the clients' next commands
//! succeed and every acknowledged write is in the database.  Sampled every 100 ms the
//! VIP is never on both MNs.  The tests' agent timing is short (heartbeat 0.5 s,
//! takeover 3 s, lease 2 s).  Needs root (skips otherwise; fails under CI=true).

use std::process::Output;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use xcat_tests::cluster::ha::xcatha_args;
use xcat_tests::cluster::{Cluster, ClusterSpec};

const XCATHOST: (&str, &str) = ("XCATHOST", "198.18.0.5:3001");
const TIMING: [(&str, &str); 3] = [
    ("heartbeat", "0.5"),
    ("takeover_timeout", "3"),
    ("lease", "2"),
];

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn show(o: &Output) -> String {
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

/// `hastatus` of the daemon at `ip` (from cn01, root's credentials): its lines, or
/// none when it does not answer.
fn hastatus(c: &Cluster, ip: &str) -> Vec<String> {
    let host = format!("{ip}:3001");
    let o = c.client_env(
        "cn01",
        "xcatclientnnr",
        &["hastatus"],
        &[("XCATHOST", &host)],
    );
    if !o.status.success() {
        return vec![format!("! {}", show(&o))];
    }
    text(&o.stdout).lines().map(str::to_string).collect()
}

/// Polls `hastatus` at `ip` until every line in `want` is there (or `limit` passes).
fn wait_status(c: &Cluster, ip: &str, want: &[&str], limit: Duration) -> Vec<String> {
    let deadline = Instant::now() + limit;
    loop {
        let st = hastatus(c, ip);
        let has = |w: &&str| st.iter().any(|l| l.starts_with(*w));
        if want.iter().all(has) {
            return st;
        }
        assert!(Instant::now() < deadline, "{ip}: never {want:?}: {st:?}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Which MNs hold the VIP (from `ip addr` inside each).
fn vip_holders(c: &Cluster) -> Vec<&'static str> {
    ["mn1", "mn2"]
        .into_iter()
        .filter(|h| c.has_vip(h))
        .collect()
}

/// Whether the VIP was seen on both MNs at once: the two reads are sequential, so
/// mn1 counts only when it holds the VIP both before and after mn2 is read.
fn vip_on_both(c: &Cluster) -> bool {
    c.has_vip("mn1") && c.has_vip("mn2") && c.has_vip("mn1")
}

/// The agent's transitions in `host`'s command log.
fn agent_log(c: &Cluster, host: &str) -> String {
    let log = c.host(host).read("/var/log/xcat/commands.log");
    let mut out = String::new();
    let mut take = false;
    for l in log.lines() {
        if l.starts_with("[Request]") {
            take = l.contains("haagent");
        } else if take && !l.starts_with('[') && !l.starts_with('=') {
            out.push_str(l);
            out.push('\n');
        }
    }
    out
}

const MN1: &str = "198.18.0.1";
const MN2: &str = "198.18.0.2";

/// The HA cluster with its agents up: mn1 active at term 1 holding the VIP, mn2
/// standby seeing mn1 and the witness.
fn agents_up() -> Option<Cluster> {
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

/// What the clients on cn01 saw while a fault ran.
#[derive(Default)]
struct Load {
    /// `w<n>` acknowledged by `mkdef` (exit 0).
    acked: Vec<u32>,
    reads: usize,
    failed_reads: usize,
    samples: usize,
}

/// Runs `fault` while cn01 runs `lsdef cn01` and `mkdef w<n>` through the VIP in
/// loops and the VIP is sampled on both MNs every 100 ms; after `fault` returns, the
/// loops go on until each has had one command succeed (a minute at most).
fn under_load(c: &Cluster, first: u32, fault: impl FnOnce()) -> Load {
    let done = AtomicBool::new(false);
    let load = Mutex::new(Load::default());
    std::thread::scope(|s| {
        s.spawn(|| {
            let mut since = None;
            loop {
                let after = done.load(Ordering::SeqCst);
                let ok = c
                    .client_env("cn01", "lsdef", &["cn01"], &[XCATHOST])
                    .status
                    .success();
                let mut l = load.lock().unwrap();
                l.reads += 1;
                l.failed_reads += usize::from(!ok);
                drop(l);
                let t: &mut Instant = since.get_or_insert_with(Instant::now);
                if after && ok || t.elapsed() > Duration::from_secs(120) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        });
        s.spawn(|| {
            let mut n = first;
            let start = Instant::now();
            loop {
                let after = done.load(Ordering::SeqCst);
                let obj = format!("w{n}");
                let args = ["-t", "node", "-o", &obj, "groups=all"];
                let ok = c
                    .client_env("cn01", "mkdef", &args, &[XCATHOST])
                    .status
                    .success();
                if ok {
                    load.lock().unwrap().acked.push(n);
                }
                n += 1;
                if after && ok || start.elapsed() > Duration::from_secs(180) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        });
        s.spawn(|| {
            while !done.load(Ordering::SeqCst) {
                assert!(
                    !vip_on_both(c),
                    "the VIP is on mn1 and mn2\n{}\n{:?}\n{:?}",
                    agent_log(c, "mn2") + &c.host("mn2").read("/var/log/xcatha-fence.log"),
                    c.host("mn1").run("ip", &["-o", "-4", "addr", "show"]),
                    c.host("mn2").run("ip", &["-o", "-4", "addr", "show"])
                );
                load.lock().unwrap().samples += 1;
                std::thread::sleep(Duration::from_millis(100));
            }
        });
        fault();
        done.store(true, Ordering::SeqCst);
    });
    load.into_inner().unwrap()
}

/// Every acknowledged `w<n>` is defined (`lsdef -t node -s`, through the VIP).
fn assert_acked_present(c: &Cluster, load: &Load) {
    let o = c.client_env("cn01", "lsdef", &["-t", "node", "-s", "all"], &[XCATHOST]);
    assert!(o.status.success(), "{}", show(&o));
    let listed = text(&o.stdout);
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

/// mn1 fails by `fault` under load: mn2 fences it, takes over at term 2 (VIP on mn2,
/// mn1 without processes), the clients' next commands succeed and every acknowledged
/// write is there.
fn takeover_after(what: &str, fault: impl FnOnce(&Cluster)) {
    let Some(c) = agents_up() else {
        return;
    };
    let mut took = Duration::ZERO;
    let load = under_load(&c, 1, || {
        std::thread::sleep(Duration::from_secs(2));
        let t0 = Instant::now();
        fault(&c);
        wait_status(
            &c,
            MN2,
            &["role: active", "term: 2", "vip state: up"],
            Duration::from_secs(60),
        );
        took = t0.elapsed();
    });
    eprintln!("{what}: mn2 active {took:?} later");
    assert!(
        took >= Duration::from_secs(3),
        "before the timeout: {took:?}"
    );
    assert_eq!(vip_holders(&c), ["mn2"]);
    assert!(c.host_pids("mn1").is_empty(), "mn1 was fenced");
    let log = agent_log(&c, "mn2");
    assert!(log.contains("mn2: active at term 2"), "{log}");
    assert!(!load.acked.is_empty(), "no write acknowledged");
    assert_acked_present(&c, &load);
    let left = c.teardown();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[test]
fn every_mn1_process_killed_mn2_fences_and_takes_over() {
    takeover_after("kill -9 of every mn1 process", |c| c.kill_host("mn1"));
}
