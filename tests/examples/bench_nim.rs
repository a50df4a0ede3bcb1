//! `bench_nim`: the issue-13 NIM benchmark in the cluster in a box (run by
//! `scripts/bench-nim`, needs root).  mn1 and two service-node pairs
//! (sn1+sn2, sn3+sn4: four SN daemons, each with its own NIM simulator
//! answering at once), N diskless nodes from the seed
//! (`xcat_tests::cluster::nim_seed`): node i on pair (i-1) % 2, half of each
//! pair's nodes with the first SN as primary, so every node is worked on by
//! both SNs of its pair.  `CMD` is run from mn1 through the stock-named
//! client twice: over pair 1's nodes alone, then over all nodes (each SN
//! has the same number of nodes both times, so if the SNs' parts overlap the
//! two take about as long: the slowest SN, not the sum).  Between runs the
//! SNs' NIM is reset (NIM master again, no resources, no machines) and each
//! daemon's peak memory is cleared (`/proc/PID/clear_refs` 5).
//!
//! Printed per run: the client's wall time, the daemon-side time of the
//! request on mn1 and of each SN's part (`[ElapsedTime]` of the command log
//! entries the run added) and their sum (what the run would take if the
//! SNs' parts ran one after the other), and each daemon's VmHWM.
//!
//! ```text
//! CMD=xcat2nim|mkdsklsnode NODES=1000 bench_nim
//! ```

use std::collections::BTreeMap;
use std::time::Instant;
use xcat_tests::cluster::nim_seed::{self, ok};
use xcat_tests::cluster::{Cluster, ClusterSpec};

const SNS: [&str; 4] = ["sn1", "sn2", "sn3", "sn4"];
const PAIRS: [(&str, &str); 2] = [("sn1", "sn2"), ("sn3", "sn4")];
const CMDLOG: &str = "/var/log/xcat/commands.log";

/// One measured run.
struct Run {
    label: String,
    nodes: usize,
    wall: f64,
    /// Host → `[ElapsedTime]` seconds of the run's request / part there.
    elapsed: BTreeMap<String, f64>,
    /// Host → VmHWM in kB.
    hwm: BTreeMap<String, u64>,
    failed: Option<String>,
}

fn main() {
    let cmd = std::env::var("CMD").unwrap_or_else(|_| "xcat2nim".into());
    let count: usize = std::env::var("NODES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000);
    if !["xcat2nim", "mkdsklsnode"].contains(&cmd.as_str()) {
        eprintln!("CMD must be xcat2nim or mkdsklsnode");
        std::process::exit(2);
    }
    let t = Instant::now();
    let c = Cluster::start(ClusterSpec::sized(4, 0));
    let nodes = nim_seed::plan("bn", 4, count, &PAIRS);
    nim_seed::seed(&c, &nodes, &SNS);
    eprintln!(
        "cluster up and seeded with {count} nodes in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let pair1 = nodes
        .iter()
        .filter(|n| n.primary == "sn1" || n.primary == "sn2");
    let runs = [
        ("pair sn1+sn2", "sn1nodes,sn2nodes", pair1.count()),
        ("both pairs", nim_seed::GROUP, nodes.len()),
    ];
    let mut results = Vec::new();
    for (label, range, n) in runs {
        reset_service_nodes(&c);
        results.push(measure(&c, &cmd, label, range, n));
    }
    print_table(&cmd, count, &results);
    let left = c.teardown();
    if !left.is_empty() {
        eprintln!("left behind: {left:?}");
    }
}

/// The SNs' NIM as after their install (master, nothing else), the call
/// logs emptied.
fn reset_service_nodes(c: &Cluster) {
    for sn in SNS {
        ok(c.nimsim(sn, &["reset"]), "nimsim reset");
        nim_seed::nim_master(c, sn);
    }
}

/// The words of the command for the noderange.
fn command_args<'a>(cmd: &str, range: &'a str) -> Vec<&'a str> {
    match cmd {
        "mkdsklsnode" => vec!["-i", nim_seed::IMAGE, range],
        _ => vec![range],
    }
}

fn measure(c: &Cluster, cmd: &str, label: &str, range: &str, nodes: usize) -> Run {
    let hosts: Vec<&str> = std::iter::once("mn1").chain(SNS).collect();
    let offsets: Vec<usize> = hosts.iter().map(|h| c.host(h).read(CMDLOG).len()).collect();
    for h in &hosts {
        clear_peak(c, h);
    }
    let t = Instant::now();
    let out = c.client("mn1", cmd, &command_args(cmd, range));
    let wall = t.elapsed().as_secs_f64();
    std::thread::sleep(std::time::Duration::from_millis(500));
    let failed = (!out.status.success()).then(|| {
        let err = String::from_utf8_lossy(&out.stderr);
        err.lines().take(5).collect::<Vec<_>>().join(" | ")
    });
    let mut run = Run {
        label: label.to_string(),
        nodes,
        wall,
        elapsed: BTreeMap::new(),
        hwm: BTreeMap::new(),
        failed,
    };
    for (h, from) in hosts.iter().zip(offsets) {
        let log = c.host(h).read(CMDLOG);
        if let Some(s) = elapsed_of(log.get(from..).unwrap_or(""), cmd) {
            run.elapsed.insert(h.to_string(), s);
        }
        if let Some(kb) = c.daemon_pid(h, "xcatd").and_then(vm_hwm) {
            run.hwm.insert(h.to_string(), kb);
        }
    }
    run
}

/// Reset the daemon's peak resident size (VmHWM) to its current size.
fn clear_peak(c: &Cluster, host: &str) {
    if let Some(pid) = c.daemon_pid(host, "xcatd") {
        let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5");
    }
}

fn vm_hwm(pid: i32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The largest `[ElapsedTime]` among the log entries whose request is
/// `cmd` (the client's request on the MN, the forwarded part on an SN).
fn elapsed_of(log: &str, cmd: &str) -> Option<f64> {
    let mut best: Option<f64> = None;
    let mut ours = false;
    for line in log.lines() {
        if let Some(req) = line.strip_prefix("[Request]") {
            ours = req.trim_start().starts_with(cmd);
        } else if let Some(v) = line.strip_prefix("[ElapsedTime]") {
            let secs = v.trim().trim_end_matches(" s").trim().parse::<f64>().ok();
            if let (true, Some(s)) = (ours, secs) {
                best = Some(best.map_or(s, |b| b.max(s)));
            }
        }
    }
    best
}

fn print_table(cmd: &str, count: usize, runs: &[Run]) {
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    println!(
        "CMD={cmd}, {count} nodes over sn1+sn2 and sn3+sn4 (each node on both SNs of its pair); load {}",
        load.join(" ")
    );
    let mut head = format!(
        "{:<14} {:>6} {:>8} {:>8}",
        "run", "nodes", "wall s", "mn1 s"
    );
    for sn in SNS {
        head += &format!(" {:>7}", format!("{sn} s"));
    }
    head += &format!(" {:>8} {:>10}", "SN sum s", "mn1 VmHWM");
    for sn in SNS {
        head += &format!(" {:>9}", format!("{sn} HWM"));
    }
    println!("{head}");
    for r in runs {
        println!("{}", row(r));
        if let Some(f) = &r.failed {
            println!("  (the command failed: {f})");
        }
    }
}

fn row(r: &Run) -> String {
    let secs = |h: &str| {
        r.elapsed
            .get(h)
            .map_or("-".to_string(), |s| format!("{s:.2}"))
    };
    let mb = |h: &str| {
        r.hwm.get(h).map_or("-".to_string(), |kb| {
            format!("{:.1} MB", *kb as f64 / 1024.0)
        })
    };
    let mut line = format!(
        "{:<14} {:>6} {:>8.2} {:>8}",
        r.label,
        r.nodes,
        r.wall,
        secs("mn1")
    );
    for sn in SNS {
        line += &format!(" {:>7}", secs(sn));
    }
    let sum: f64 = SNS.iter().filter_map(|h| r.elapsed.get(*h)).sum();
    line += &format!(" {:>8.2} {:>10}", sum, mb("mn1"));
    for sn in SNS {
        line += &format!(" {:>9}", mb(sn));
    }
    line
}
