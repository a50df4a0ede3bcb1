//! Benchmark: `snmove -s sn1 -d sn2 -D sn2 -i` over 10,000 nodes whose
//! addresses come from the hosts table (no conserver change), on SQLite in a
//! temporary directory.  Prints the median of 5 warm runs (server side: the
//! handler call, database read and write included).  Each measured run moves
//! all 10,000 nodes; between runs they are moved back.
//!
//!     cargo run --release -p xcat-handlers --example bench_snmove [NODES]

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use xcat_handlers::api::{Ctx, Handler, ServerInfo};
use xcat_handlers::runner::RecordingRunner;
use xcat_proto::{Request, Response};
use xcat_schema::db::{Db, DbLocation};

type Item = (Vec<(String, String)>, Vec<(String, Option<String>)>);

fn item(node: &str, values: &[(&str, &str)]) -> Item {
    (
        vec![("node".to_string(), node.to_string())],
        values
            .iter()
            .map(|(c, v)| (c.to_string(), Some(v.to_string())))
            .collect(),
    )
}

fn run(ctx: &Ctx, args: &[&str]) -> (Duration, Vec<Response>) {
    let mut req = Request::new("snmove");
    req.set_args(args);
    let mut out: Vec<Response> = Vec::new();
    let t = Instant::now();
    let r = xcat_handlers::snmove::Snmove.process(ctx, &req, &mut out);
    let d = t.elapsed();
    if let Err(e) = r {
        eprintln!("snmove failed: {e}");
        std::process::exit(1);
    }
    if out.iter().any(|r| r.error_code() != 0) {
        eprintln!("snmove reported an error: {out:?}");
        std::process::exit(1);
    }
    (d, out)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::tempdir()?;
    let db = Db::open(&DbLocation::SqliteDir(dir.path().to_path_buf()))?;
    let names: Vec<String> = (1..=n).map(|i| format!("cn{i:05}")).collect();
    let t = Instant::now();
    db.write(|c| {
        c.insert("site", &["key", "value"], &[Some("master"), Some("mn")])?;
        c.insert("hosts", &["node", "ip"], &[Some("sn1"), Some("10.0.0.1")])?;
        c.insert("hosts", &["node", "ip"], &[Some("sn2"), Some("10.0.0.2")])?;
        let nodelist: Vec<Item> = names
            .iter()
            .map(|m| item(m, &[("groups", "compute,all")]))
            .collect();
        c.set_attribs_many("nodelist", &nodelist)?;
        let noderes: Vec<Item> = names
            .iter()
            .map(|m| item(m, &[("servicenode", "sn1,sn2"), ("xcatmaster", "sn1")]))
            .collect();
        c.set_attribs_many("noderes", &noderes)?;
        let hosts: Vec<Item> = names
            .iter()
            .enumerate()
            .map(|(i, m)| {
                item(
                    m,
                    &[(
                        "ip",
                        &format!("10.{}.{}.{}", 1 + i / 65536, (i / 256) % 256, i % 256),
                    )],
                )
            })
            .collect();
        c.set_attribs_many("hosts", &hosts)
    })?;
    eprintln!("seeded {n} nodes in {:.2} s", t.elapsed().as_secs_f64());

    let ctx = Ctx {
        db,
        server: Arc::new(ServerInfo {
            short_host: "bench".into(),
            version_line: "bench".into(),
            confdir: PathBuf::from("/nonexistent"),
            mn_marker: PathBuf::from("/nonexistent/xCATMN"),
            sn_marker: PathBuf::from("/nonexistent/xCATSN"),
            ha: None,
        }),
        runner: Arc::new(RecordingRunner::new()),
        user: Some("root".into()),
        peer_host: None,
        privileged: true,
        groups: None,
    };
    let forward = ["-s", "sn1", "-d", "sn2", "-D", "sn2", "-i"];
    let back = ["-s", "sn2", "-d", "sn1", "-D", "sn1", "-i"];
    // Warm-up.
    run(&ctx, &forward);
    run(&ctx, &back);
    let mut times = Vec::new();
    for i in 0..5 {
        let (d, _) = run(&ctx, &forward);
        eprintln!("run {}: {:.3} s", i + 1, d.as_secs_f64());
        times.push(d);
        run(&ctx, &back);
    }
    times.sort();
    let median = times[2];
    println!(
        "snmove -s sn1 -d sn2 -D sn2 -i over {n} nodes (SQLite): median of 5 warm runs {:.3} s",
        median.as_secs_f64()
    );
    Ok(())
}
