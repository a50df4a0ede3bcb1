//! Server-side timings of the table commands on SQLite (issue 3 target:
//! `nodels` of 10,000 nodes with 3 attributes < 150 ms): 10,000 nodes
//! `n00001..n10000` in 3 groups (`compute,rack1,all` for the first half,
//! `compute,all` for the rest), attributes on node rows, group rows and a
//! regex row.  Median of 5 warm runs of the handler (request in → last
//! response serialised), plus VmHWM.
//!
//! * `nodels all noderes.servicenode noderes.xcatmaster nodehm.mgt`
//! * `tabdump nodelist`
//! * `nodels n[00001-10000],-n00500,compute@rack1` (expansion as the daemon
//!   does it, then the handler)
//!
//!     cargo run --release -p xcat-handlers --example bench_nodels [-- N]

#[path = "bench_support/mod.rs"]
mod bench_support;

use bench_support::{ctx, vm_hwm_kb, Sink};
use std::time::{Duration, Instant};
use xcat_proto::Request;
use xcat_schema::db::{Db, DbLocation};
use xcat_schema::noderange::{expand, ExpandOpts};

type Item = (Vec<(String, String)>, Vec<(String, Option<String>)>);

fn item(keys: &[(&str, &str)], vals: &[(&str, &str)]) -> Item {
    (
        keys.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        vals.iter()
            .map(|(k, v)| (k.to_string(), Some(v.to_string())))
            .collect(),
    )
}

fn populate(db: &Db, n: usize) {
    db.write(|c| {
        let mut nodelist = Vec::new();
        let mut noderes = Vec::new();
        let mut nodehm = Vec::new();
        for i in 1..=n {
            let node = format!("n{i:05}");
            let groups = if i <= n / 2 {
                "compute,rack1,all"
            } else {
                "compute,all"
            };
            nodelist.push(item(&[("node", &node)], &[("groups", groups)]));
            if i % 10 == 0 {
                nodehm.push(item(&[("node", &node)], &[("mgt", "openbmc")]));
            }
            if i % 100 == 0 {
                noderes.push(item(&[("node", &node)], &[("xcatmaster", "10.0.0.9")]));
            }
        }
        nodehm.push(item(&[("node", "compute")], &[("mgt", "ipmi")]));
        noderes.push(item(
            &[("node", "compute")],
            &[("servicenode", r"|\D+(\d+)|sn(($1-1)/1000+1)|")],
        ));
        noderes.push(item(&[("node", "rack1")], &[("xcatmaster", "sn-rack1")]));
        noderes.push(item(&[("node", "all")], &[("xcatmaster", "mn")]));
        c.set_attribs_many("nodelist", &nodelist)?;
        c.set_attribs_many("noderes", &noderes)?;
        c.set_attribs_many("nodehm", &nodehm)
    })
    .expect("populate");
}

/// One handler run; the noderange is expanded first (verify mode, as the
/// daemon does) and that time is included.
/// CPU time of this thread (ns), from /proc/thread-self/schedstat (the
/// machine is shared, so wall time alone is noisy).
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

fn run(db: &Db, cmd: &str, range: Option<&str>, args: &[&str]) -> (Duration, Duration, usize) {
    let handlers = xcat_handlers::tables::handlers();
    let h = handlers
        .iter()
        .find(|h| h.commands().contains(&cmd))
        .expect("handler");
    let mut sink = Sink::new();
    let (t, cpu) = (Instant::now(), thread_cpu_ns());
    let mut req = Request::new(cmd);
    req.set_args(args);
    req.set("cwd", "/tmp");
    if let Some(r) = range {
        let opts = ExpandOpts {
            verify: true,
            ..ExpandOpts::default()
        };
        let e = db
            .read(|c| {
                expand(c, r, &opts).map_err(|e| xcat_schema::db::DbError::Other(e.to_string()))
            })
            .expect("expand");
        req.set("noderange", r);
        req.set_nodes(&e.nodes);
    }
    h.process(&ctx(db), &req, &mut sink).expect("process");
    let d = t.elapsed();
    let c = Duration::from_nanos(thread_cpu_ns().saturating_sub(cpu));
    assert_eq!(sink.errors, 0, "{cmd} {args:?} reported errors");
    (d, c, sink.bytes)
}

fn bench(db: &Db, name: &str, range: Option<&str>, cmd: &str, args: &[&str]) {
    run(db, cmd, range, args);
    let mut times = Vec::new();
    let mut cpus = Vec::new();
    let mut bytes = 0;
    for _ in 0..5 {
        let (d, c, b) = run(db, cmd, range, args);
        times.push(d);
        cpus.push(c);
        bytes = b;
    }
    times.sort();
    cpus.sort();
    let all: Vec<String> = times
        .iter()
        .map(|d| format!("{:.1}", d.as_secs_f64() * 1e3))
        .collect();
    println!(
        "{name:<60} median {:7.1} ms wall {:7.1} ms CPU  (runs: {})  {} KB XML  VmHWM {} MB",
        times[2].as_secs_f64() * 1e3,
        cpus[2].as_secs_f64() * 1e3,
        all.join(" "),
        bytes / 1024,
        vm_hwm_kb() / 1024
    );
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Db::open(&DbLocation::SqliteDir(dir.path().to_path_buf())).expect("open");
    populate(&db, n);
    bench(
        &db,
        "nodels all noderes.servicenode noderes.xcatmaster nodehm.mgt",
        Some("all"),
        "nodels",
        &["noderes.servicenode", "noderes.xcatmaster", "nodehm.mgt"],
    );
    bench(&db, "tabdump nodelist", None, "tabdump", &["nodelist"]);
    bench(
        &db,
        "nodels n[00001-10000],-n00500,compute@rack1",
        Some("n[00001-10000],-n00500,compute@rack1"),
        "nodels",
        &[],
    );
}
