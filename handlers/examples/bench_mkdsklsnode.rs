//! Benchmark: one service node's mkdsklsnode part for NODES diskless nodes
//! (default 500) against the NIM simulator (`nimsim` behind wrappers at the
//! stock paths, its own state), with 1 and with 4 nodes at once.  Prints the
//! handler-side wall time of each (the simulator's calls included: two NIM
//! commands per node, serialised on the host's lock as NIM does) and this
//! process's VmHWM.  Build the simulator first (`cargo build -p nimsim`).
//!
//!     cargo run -p xcat-handlers --example bench_mkdsklsnode [NODES]

mod bench_support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;
use xcat_handlers::api::Handler;
use xcat_handlers::nim::cmd::NimConfig;
use xcat_handlers::nim::mkdsklsnode::Mkdsklsnode;
use xcat_handlers::runner::SystemRunner;
use xcat_proto::Request;
use xcat_schema::db::{Db, DbLocation};

type Item = (Vec<(String, String)>, Vec<(String, Option<String>)>);

fn item(key: (&str, &str), values: &[(&str, &str)]) -> Item {
    (
        vec![(key.0.to_string(), key.1.to_string())],
        values
            .iter()
            .map(|(c, v)| (c.to_string(), Some(v.to_string())))
            .collect(),
    )
}

fn ip(i: usize) -> String {
    format!("10.1.{}.{}", i / 250, 1 + i % 250)
}

fn nimsim_bin() -> PathBuf {
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    target.join(profile).join("nimsim")
}

/// Wrappers at the stock paths under `dir/root` running nimsim on `dir/state`.
fn sim_host(dir: &Path, hosts: &str) -> PathBuf {
    let bin = nimsim_bin();
    assert!(
        bin.exists(),
        "{} missing: cargo build -p nimsim",
        bin.display()
    );
    std::fs::write(dir.join("hosts"), hosts).expect("hosts");
    let links = dir.join("links");
    let ok = Command::new(&bin)
        .arg("--install-links")
        .arg(&links)
        .status();
    assert!(ok.is_ok_and(|s| s.success()));
    let list = Command::new(&bin)
        .arg("list")
        .output()
        .expect("nimsim list");
    let root = dir.join("root");
    for line in String::from_utf8_lossy(&list.stdout).lines() {
        let Some((cmd, path)) = line.split_once(' ') else {
            continue;
        };
        let wrapper = root.join(path.trim_start_matches('/'));
        std::fs::create_dir_all(wrapper.parent().expect("parent")).expect("dir");
        let script = format!(
            "#!/bin/sh\nexport NIMSIM_STATE='{}' NIMSIM_HOSTNAME=sn1 NIMSIM_HOSTS='{}' NIMSIM_TFTPDIR=/nonexistent\nexec '{}' \"$@\"\n",
            dir.join("state").display(),
            dir.join("hosts").display(),
            links.join(cmd).display()
        );
        std::fs::write(&wrapper, script).expect("wrapper");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let nim = |args: &[&str]| {
        let s = Command::new(root.join("usr/sbin/nim")).args(args).status();
        assert!(s.is_ok_and(|s| s.success()), "nim {args:?}");
    };
    let setup = Command::new(root.join("usr/sbin/nim_master_setup"))
        .args(["-a", "mk_resource=no"])
        .output();
    assert!(setup.is_ok_and(|o| o.status.success()));
    nim(&[
        "-o",
        "define",
        "-t",
        "ent",
        "-a",
        "net_addr=10.1.0.0",
        "-a",
        "snm=255.255.0.0",
        "-a",
        "routing1=default 10.1.255.254",
        "net10",
    ]);
    nim(&[
        "-o",
        "define",
        "-t",
        "spot",
        "-a",
        "server=master",
        "-a",
        "location=/install/nim/spot",
        "71_spot",
    ]);
    nim(&[
        "-o",
        "define",
        "-t",
        "shared_root",
        "-a",
        "server=master",
        "-a",
        "spot=71_spot",
        "-a",
        "location=/install/nim/shared_root/71_sr",
        "71_sr",
    ]);
    nim(&[
        "-o",
        "define",
        "-t",
        "paging",
        "-a",
        "server=master",
        "-a",
        "location=/install/nim/paging/71_paging",
        "71_paging",
    ]);
    root
}

fn seed(db: &Db, names: &[String]) {
    db.write(|c| {
        c.insert("site", &["key", "value"], &[Some("master"), Some("mn")])?;
        c.insert(
            "osimage",
            &["imagename", "imagetype"],
            &[Some("71dskls"), Some("NIM")],
        )?;
        c.insert(
            "nimimage",
            &["imagename", "nimtype", "spot", "shared_root", "paging"],
            &[
                Some("71dskls"),
                Some("diskless"),
                Some("71_spot"),
                Some("71_sr"),
                Some("71_paging"),
            ],
        )?;
        c.insert(
            "networks",
            &["netname", "net", "mask", "gateway"],
            &[
                Some("net10"),
                Some("10.1.0.0"),
                Some("255.255.0.0"),
                Some("10.1.255.254"),
            ],
        )?;
        let per = |f: &dyn Fn(usize, &str) -> Item| -> Vec<Item> {
            names.iter().enumerate().map(|(i, n)| f(i, n)).collect()
        };
        c.set_attribs_many(
            "nodelist",
            &per(&|_, n| item(("node", n), &[("groups", "compute,all")])),
        )?;
        c.set_attribs_many(
            "noderes",
            &per(&|_, n| item(("node", n), &[("servicenode", "sn1")])),
        )?;
        c.set_attribs_many("hosts", &per(&|i, n| item(("node", n), &[("ip", &ip(i))])))?;
        c.set_attribs_many(
            "nodetype",
            &per(&|_, n| item(("node", n), &[("provmethod", "71dskls")])),
        )?;
        c.set_attribs_many(
            "mac",
            &per(&|i, n| item(("node", n), &[("mac", &format!("aabbcc{:06x}", i + 1))])),
        )
    })
    .expect("seed");
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(500)
        .clamp(1, 60_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Db::open(&DbLocation::SqliteDir(dir.path().join("db"))).expect("db");
    let names: Vec<String> = (1..=n).map(|i| format!("cn{i:05}")).collect();
    seed(&db, &names);
    let hosts: String = names
        .iter()
        .enumerate()
        .map(|(i, n)| format!("{} {n}\n", ip(i)))
        .collect();
    let mut ctx = bench_support::ctx(&db);
    ctx.server = Arc::new(xcat_handlers::api::ServerInfo {
        short_host: "sn1".into(),
        ..(*ctx.server).clone()
    });
    ctx.runner = Arc::new(SystemRunner::new(Box::new(|_, _| Vec::new())));
    let mut req = Request::new("mkdsklsnode");
    req.set_args(&["compute"]);
    req.set("_xcatpreprocessed", "1");
    req.set_nodes(&names);
    for width in [1, 4] {
        let host = tempfile::tempdir().expect("tempdir");
        let root = sim_host(host.path(), &hosts);
        let h = Mkdsklsnode::with_config(NimConfig::default().with_command_root(&root))
            .with_width(width);
        let mut sink = bench_support::Sink::new();
        let t = Instant::now();
        h.process(&ctx, &req, &mut sink).expect("mkdsklsnode");
        let d = t.elapsed();
        assert_eq!(sink.errors, 0, "errors reported");
        println!(
            "mkdsklsnode part on one SN, {n} nodes, {width} at once: {:.2} s ({:.1} ms/node), VmHWM {} kB",
            d.as_secs_f64(),
            d.as_secs_f64() * 1000.0 / n as f64,
            bench_support::vm_hwm_kb()
        );
    }
}
