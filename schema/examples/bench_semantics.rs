//! Benchmark of the semantics layer on SQLite (or PostgreSQL with `--pg URL`):
//! 10,000 nodes `n00001..n10000` in 3 groups (`all`, `compute`, `rack1` for
//! the first half), attributes spread over node rows, group rows and regex
//! rows.  Times (median of 5 warm runs, each in one read transaction,
//! including every DB read):
//!
//! * `nodels all nodehm.mgt hosts.ip ipmi.bmc`-style work: expand `all`,
//!   drop hidden nodes, resolve 3 attributes with inheritance and regex rows,
//!   format `node: label: value` lines;
//! * expansion of `n[00001-10000],-n00500,compute@rack1`.
//!
//! Run: `cargo run --release -p xcat-schema --example bench_semantics`

use std::time::{Duration, Instant};
use xcat_schema::db::{Conn, Db, DbError, DbLocation};
use xcat_schema::inherit::{InheritCtx, NodeAttrs};
use xcat_schema::noderange::{expand, expand_with_groups, is_hidden, ExpandOpts};

const NODES: usize = 10_000;
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

fn populate(db: &Db) -> Result<(), DbError> {
    db.write(|c| {
        let mut nodelist = Vec::new();
        let mut nodehm = Vec::new();
        let mut hosts = Vec::new();
        for i in 1..=NODES {
            let n = format!("n{i:05}");
            let groups = if i <= NODES / 2 {
                "compute,rack1,all"
            } else {
                "compute,all"
            };
            nodelist.push(item(&[("node", &n)], &[("groups", groups)]));
            if i % 10 == 0 {
                nodehm.push(item(&[("node", &n)], &[("mgt", "openbmc")]));
            }
            if i % 100 == 0 {
                hosts.push(item(&[("node", &n)], &[("ip", "192.168.0.1")]));
            }
        }
        nodelist.push(item(
            &[("node", "hiddenfsp")],
            &[("groups", "all"), ("hidden", "1")],
        ));
        nodehm.push(item(
            &[("node", "compute")],
            &[("mgt", "ipmi"), ("power", "ipmi")],
        ));
        nodehm.push(item(
            &[("node", "all")],
            &[("cons", "ipmi"), ("serialspeed", "115200")],
        ));
        hosts.push(item(
            &[("node", "compute")],
            &[("ip", r"|n(\d+)|10.0.($1/256).($1%256)|")],
        ));
        let ipmi = vec![
            item(
                &[("node", "compute")],
                &[("bmc", r"/\z/-bmc/"), ("username", "admin")],
            ),
            item(
                &[("node", "rack1")],
                &[("bmc", r"|\D+(\d+)|bmc(sprintf('%05d',$1+0))|")],
            ),
        ];
        c.set_attribs_many("nodelist", &nodelist)?;
        c.set_attribs_many("nodehm", &nodehm)?;
        c.set_attribs_many("hosts", &hosts)?;
        c.set_attribs_many("ipmi", &ipmi)?;
        c.set_attribs(
            "nodegroup",
            &[("groupname", "compute")],
            &[("grouptype", Some("static"))],
        )?;
        Ok(())
    })
}

/// The nodels work; returns the number of output lines.
fn nodels_all(c: &mut Conn) -> Result<usize, DbError> {
    let ctx = InheritCtx::load(c)?;
    let exp = expand_with_groups(c, "all", &ExpandOpts::default(), ctx.groups.clone())
        .map_err(|e| DbError::Other(e.to_string()))?;
    let mut hidden = NodeAttrs::load(c, &ctx, "nodelist", &["hidden"])?;
    let nodes: Vec<&String> = exp
        .nodes
        .iter()
        .filter(|n| !is_hidden(hidden.resolve(n).first().and_then(|r| r.get(0))))
        .collect();
    let wanted = [("nodehm", "mgt"), ("hosts", "ip"), ("ipmi", "bmc")];
    let mut tables: Vec<NodeAttrs> = Vec::new();
    for (t, col) in wanted {
        tables.push(NodeAttrs::load(c, &ctx, t, &[col])?);
    }
    let mut out = String::with_capacity(nodes.len() * 3 * 32);
    let mut lines = 0;
    for n in nodes {
        for (k, attrs) in tables.iter_mut().enumerate() {
            let rows = attrs.resolve(n);
            let v = rows.first().and_then(|r| r.get(0)).unwrap_or("");
            let (t, col) = wanted[k];
            out.push_str(&format!("{n}: {t}.{col}: {v}\n"));
            lines += 1;
        }
    }
    std::hint::black_box(&out);
    Ok(lines)
}

fn expansion(c: &mut Conn) -> Result<usize, DbError> {
    let e = expand(
        c,
        "n[00001-10000],-n00500,compute@rack1",
        &ExpandOpts::default(),
    )
    .map_err(|e| DbError::Other(e.to_string()))?;
    Ok(e.nodes.len())
}

/// CPU time of this thread (ns), from /proc/thread-self/schedstat.
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

/// Median wall time and median thread CPU time of 5 warm runs.
fn median(
    db: &Db,
    f: fn(&mut Conn) -> Result<usize, DbError>,
) -> Result<(Duration, Duration, usize), DbError> {
    let mut n = db.read(f)?; // warm-up
    let mut wall = Vec::new();
    let mut cpu = Vec::new();
    for _ in 0..5 {
        let (t, c) = (Instant::now(), thread_cpu_ns());
        n = db.read(f)?;
        wall.push(t.elapsed());
        cpu.push(Duration::from_nanos(thread_cpu_ns().saturating_sub(c)));
    }
    wall.sort();
    cpu.sort();
    Ok((wall[2], cpu[2], n))
}

fn vm_hwm() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM"))
                .map(|l| l.split_whitespace().skip(1).collect::<Vec<_>>().join(" "))
        })
        .unwrap_or_else(|| "?".into())
}

/// Per-phase timings (BENCH_DETAIL=1).
fn detail(db: &Db) -> Result<(), DbError> {
    let time = |label: &str, f: &mut dyn FnMut() -> Result<(), DbError>| -> Result<(), DbError> {
        f()?;
        let (t, c) = (Instant::now(), thread_cpu_ns());
        f()?;
        let cpu = thread_cpu_ns().saturating_sub(c) as f64 / 1e6;
        println!(
            "  {label}: {:.2} ms wall, {cpu:.2} ms CPU",
            t.elapsed().as_secs_f64() * 1e3
        );
        Ok(())
    };
    time("empty read", &mut || db.read(|_| Ok(())))?;
    time("select nodelist node,groups", &mut || {
        db.read(|c| {
            c.select("nodelist", &["node", "groups"], &[], true)
                .map(|_| ())
        })
    })?;
    time("3x select nodelist in one read", &mut || {
        db.read(|c| {
            for _ in 0..3 {
                c.select("nodelist", &["node", "groups"], &[], true)?;
            }
            Ok(())
        })
    })?;
    time("select site key", &mut || {
        db.read(|c| {
            c.select("site", &["value"], &[("key", "excludenodes")], true)
                .map(|_| ())
        })
    })?;
    time("select nodegroup", &mut || {
        db.read(|c| {
            c.select(
                "nodegroup",
                &["groupname", "grouptype", "wherevals"],
                &[],
                true,
            )
            .map(|_| ())
        })
    })?;
    time("select hosts node,ip", &mut || {
        db.read(|c| c.select("hosts", &["node", "ip"], &[], true).map(|_| ()))
    })?;
    time("GroupMap::from_pairs (no DB)", &mut || {
        let pairs: Vec<(String, Option<String>)> = (1..=NODES)
            .map(|i| (format!("n{i:05}"), Some("compute,rack1,all".to_string())))
            .collect();
        std::hint::black_box(xcat_schema::inherit::GroupMap::from_pairs(pairs));
        Ok(())
    })?;
    time("InheritCtx::load", &mut || {
        db.read(|c| InheritCtx::load(c).map(|_| ()))
    })?;
    time("expand all", &mut || {
        db.read(|c| {
            expand(c, "all", &ExpandOpts::default()).map_err(|e| DbError::Other(e.to_string()))?;
            Ok(())
        })
    })?;
    time("load+resolve hosts.ip", &mut || {
        db.read(|c| {
            let ctx = InheritCtx::load(c)?;
            let mut a = NodeAttrs::load(c, &ctx, "hosts", &["ip"])?;
            for i in 1..=NODES {
                std::hint::black_box(a.resolve(&format!("n{i:05}")));
            }
            Ok(())
        })
    })?;
    time("load+resolve ipmi.bmc", &mut || {
        db.read(|c| {
            let ctx = InheritCtx::load(c)?;
            let mut a = NodeAttrs::load(c, &ctx, "ipmi", &["bmc"])?;
            for i in 1..=NODES {
                std::hint::black_box(a.resolve(&format!("n{i:05}")));
            }
            Ok(())
        })
    })?;
    time("load+resolve nodehm.mgt", &mut || {
        db.read(|c| {
            let ctx = InheritCtx::load(c)?;
            let mut a = NodeAttrs::load(c, &ctx, "nodehm", &["mgt"])?;
            for i in 1..=NODES {
                std::hint::black_box(a.resolve(&format!("n{i:05}")));
            }
            Ok(())
        })
    })?;
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let dir = tempfile::tempdir()?;
    let loc = match args.iter().position(|a| a == "--pg") {
        Some(i) => DbLocation::Pg {
            url: args.get(i + 1).cloned().ok_or("--pg needs a URL")?,
        },
        None => DbLocation::SqliteDir(dir.path().to_path_buf()),
    };
    let db = Db::open(&loc)?;
    let t = Instant::now();
    populate(&db)?;
    println!("populate: {:?}", t.elapsed());
    let (d, cpu, lines) = median(&db, nodels_all)?;
    println!(
        "nodels all nodehm.mgt hosts.ip ipmi.bmc: median {:.1} ms wall, {:.1} ms CPU ({lines} lines)",
        d.as_secs_f64() * 1e3,
        cpu.as_secs_f64() * 1e3
    );
    let (d, cpu2, n) = median(&db, expansion)?;
    println!(
        "expand n[00001-10000],-n00500,compute@rack1: median {:.1} ms wall, {:.1} ms CPU ({n} nodes)",
        d.as_secs_f64() * 1e3,
        cpu2.as_secs_f64() * 1e3
    );
    if std::env::var_os("BENCH_DETAIL").is_some() {
        detail(&db)?;
    }
    println!("VmHWM: {}", vm_hwm());
    Ok(())
}
