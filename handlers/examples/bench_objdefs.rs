//! Server-side timings of the object commands on SQLite (issue 4 targets):
//! `mkdef` of 10,000 nodes in one command, `chdef` of one attribute on
//! 10,000 nodes, `lsdef -t node -l` of 10,000 nodes.  Median of 5 warm runs
//! of the handler (request in → last response serialised), plus VmHWM.
//!
//!     cargo run --release -p xcat-handlers --example bench_objdefs [-- mkdef|chdef|lsdef|all]

#[path = "bench_support/mod.rs"]
mod bench_support;

use bench_support::{ctx, vm_hwm_kb, Sink};
use std::time::{Duration, Instant};
use xcat_proto::Request;
use xcat_schema::db::{Db, DbLocation};

const NODES: &str = "cn[00001-10000]";

fn run(db: &Db, cmd: &str, args: &[&str]) -> (Duration, usize) {
    let handlers = xcat_handlers::objdefs::handlers();
    let h = handlers
        .iter()
        .find(|h| h.commands().contains(&cmd))
        .expect("handler");
    let mut req = Request::new(cmd);
    req.set_args(args);
    req.set("cwd", "/tmp");
    req.set("stdin", "");
    let mut sink = Sink::new();
    let t = Instant::now();
    h.process(&ctx(db), &req, &mut sink).expect("process");
    let d = t.elapsed();
    assert_eq!(sink.errors, 0, "{cmd} {args:?} reported errors");
    (d, sink.bytes)
}

fn fresh() -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Db::open(&DbLocation::SqliteDir(dir.path().to_path_buf())).expect("open");
    (dir, db)
}

const MKDEF_ARGS: &[&str] = &[
    "-t",
    "node",
    "-o",
    NODES,
    "groups=compute,all",
    "servicenode=sn1,sn2",
    "xcatmaster=sn1",
    "mgt=ipmi",
    "bmc=|\\D+(\\d+)|10.1.($1/250).($1%250)|",
    "os=rhels8.6",
    "arch=x86_64",
    "profile=compute",
    "netboot=xnba",
];

fn populate(db: &Db) {
    run(db, "mkdef", MKDEF_ARGS);
    run(
        db,
        "mkdef",
        &[
            "-t",
            "group",
            "-o",
            "compute",
            "-f",
            "ip=|\\D+(\\d+)|10.0.($1/250).($1%250)|",
            "installnic=mac",
            "primarynic=mac",
        ],
    );
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn reset_hwm() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn report(name: &str, times: Vec<Duration>, extra: &str) {
    let all: Vec<String> = times
        .iter()
        .map(|d| format!("{:.3}", d.as_secs_f64()))
        .collect();
    println!(
        "{name:<34} median {:.3} s  (runs: {})  VmHWM {} MB{extra}",
        median(times).as_secs_f64(),
        all.join(" "),
        vm_hwm_kb() / 1024
    );
}

fn main() {
    let what = std::env::args().nth(1).unwrap_or_else(|| "all".into());
    if what == "mkdef" || what == "all" {
        // warm-up, then 5 runs on fresh databases
        let (_d, db) = fresh();
        run(&db, "mkdef", MKDEF_ARGS);
        reset_hwm();
        let mut times = Vec::new();
        for _ in 0..5 {
            let (_d, db) = fresh();
            times.push(run(&db, "mkdef", MKDEF_ARGS).0);
        }
        report("mkdef 10,000 nodes", times, "");
    }
    if what == "chdef" || what == "all" {
        let (_d, db) = fresh();
        populate(&db);
        run(&db, "chdef", &[NODES, "os=warmup"]);
        reset_hwm();
        let mut times = Vec::new();
        for i in 0..5 {
            let v = format!("os=rhels9.{i}");
            times.push(run(&db, "chdef", &[NODES, &v]).0);
        }
        report("chdef 1 attribute on 10,000 nodes", times, "");
    }
    if what == "lsdef" || what == "all" {
        let (_d, db) = fresh();
        populate(&db);
        run(&db, "lsdef", &["-t", "node", "-l"]);
        reset_hwm();
        let mut times = Vec::new();
        let mut bytes = 0;
        for _ in 0..5 {
            let (d, b) = run(&db, "lsdef", &["-t", "node", "-l"]);
            times.push(d);
            bytes = b;
        }
        report(
            "lsdef -t node -l of 10,000 nodes",
            times,
            &format!("  ({} KB of XML)", bytes / 1024),
        );
    }
}
