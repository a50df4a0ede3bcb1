//! `mkdsklsnode -S` in the cluster in a box: `setup_ha_nfs` runs on sn1 and
//! then on sn2, each inside its own host (network, mount and UTS
//! namespaces), with the real `SystemRunner` (the remote address over real
//! ssh to the other SN), the system resolver (each host's /etc/hosts) and
//! the NIM simulator at the stock paths.  Afterwards each SN exports
//! /install with itself and the other as replicas; run again, nothing is
//! done.  The exact command sequence per host from the simulator's logs.
//! Needs root (skips otherwise; fails under CI=true).
//!
//! The SN side is this test binary run again inside the host, as the test
//! `sn_side` with `HANFS_SN_SIDE=<sname>|<nodes>|<result file>`; without
//! that variable `sn_side` does nothing.

mod nim_support;

use nim_support::hanfs_sequence;
use std::process::Output;
use xcat_handlers::nim::cmd::NimConfig;
use xcat_handlers::nim::hanfs::{setup_ha_nfs, HaNfs, HaNfsNode};
use xcat_handlers::nim::model::Reply;
use xcat_handlers::runner::SystemRunner;
use xcat_handlers::snmove::resolve::Libc;
use xcat_proto::Response;
use xcat_tests::cluster::{Cluster, ClusterSpec};

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The simulator's calls on `host` as `rc<TAB>command args`.
fn calls(c: &Cluster, host: &str) -> Vec<String> {
    text(&c.nimsim(host, &["calls", "--plain"]).stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

/// `setup_ha_nfs` on `sn` for `nodes` (`node:servicenodes:xcatmaster`
/// words): the client's stdout, stderr and the counted errors.
fn run_on(c: &Cluster, sn: &str, nodes: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let result = dir.path().join("result");
    let exe = std::env::current_exe().unwrap();
    let out: Output = c
        .host(sn)
        .command(&exe.to_string_lossy())
        .args(["--exact", "sn_side", "--nocapture", "--test-threads=1"])
        .env(
            "HANFS_SN_SIDE",
            format!("{sn}|{nodes}|{}", result.display()),
        )
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "sn side on {sn}: {}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    std::fs::read_to_string(&result).unwrap_or_else(|e| panic!("no result from {sn}: {e}"))
}

/// Inside a cluster host: run `-S` as that SN and write what it sent.
#[test]
fn sn_side() {
    let Ok(arg) = std::env::var("HANFS_SN_SIDE") else {
        return;
    };
    let parts: Vec<&str> = arg.split('|').collect();
    let [sname, nodes, result] = parts.as_slice() else {
        panic!("HANFS_SN_SIDE={arg}");
    };
    let nodes: Vec<HaNfsNode> = nodes
        .split_whitespace()
        .map(|w| {
            let f: Vec<&str> = w.split(':').collect();
            HaNfsNode {
                node: f[0].into(),
                servicenode: f[1].into(),
                xcatmaster: f[2].into(),
            }
        })
        .collect();
    let runner = SystemRunner::new(Box::new(|_, _| Vec::new()));
    let cfg = NimConfig::default();
    let names = Libc::default();
    let ha = HaNfs {
        runner: &runner,
        cfg: &cfg,
        names: &names,
        sname,
        installdir: "/install",
    };
    let mut docs: Vec<Response> = Vec::new();
    let mut reply = Reply::new(&mut docs, true);
    setup_ha_nfs(&ha, &nodes, &mut reply).unwrap();
    let errors = reply.errors;
    let mut printed = xcat_client::Printed::new();
    for d in &docs {
        xcat_client::render(d, false, &mut printed);
    }
    let report = format!(
        "stdout={:?} stderr={:?} errors={errors}",
        printed.stdout, printed.stderr
    );
    std::fs::write(result, report).unwrap();
}

fn install_export(c: &Cluster, sn: &str) -> Vec<String> {
    text(&c.host(sn).run("/usr/sbin/lsnfsexp", &["-c"]).stdout)
        .lines()
        .filter(|l| l.starts_with("/install:"))
        .map(str::to_string)
        .collect()
}

#[test]
fn each_service_node_exports_install_with_the_other_as_replica() {
    let Some(c) = Cluster::start_or_skip(ClusterSpec::small()) else {
        return;
    };
    assert!(
        c.has_nimsim(),
        "build nimsim first (cargo build --workspace --bins)"
    );
    let before: Vec<usize> = ["sn1", "sn2"].iter().map(|h| calls(&c, h).len()).collect();

    let sn1_nodes = "cn01:sn1,sn2:sn1 cn02:sn1,sn2:sn1";
    let report = run_on(&c, "sn1", sn1_nodes);
    assert_eq!(
        report,
        "stdout=\"Setting up NFSv4 replication on sn1.\\n\\n\" stderr=\"\" errors=0"
    );
    assert_eq!(
        calls(&c, "sn1")[before[0]..],
        hanfs_sequence("198.18.0.11", "198.18.0.12")
    );
    // sn1 asked sn2 for its addresses over ssh.
    assert_eq!(calls(&c, "sn2")[before[1]..], ["0\tifconfig -a"]);

    let report = run_on(&c, "sn2", "cn03:sn2,sn1:sn2");
    assert_eq!(
        report,
        "stdout=\"Setting up NFSv4 replication on sn2.\\n\\n\" stderr=\"\" errors=0"
    );
    assert_eq!(
        calls(&c, "sn2")[before[1] + 1..],
        hanfs_sequence("198.18.0.12", "198.18.0.11")
    );
    assert_eq!(
        install_export(&c, "sn1"),
        ["/install:-2:no:4:::/install@198.18.0.11,/install@198.18.0.12:rw:::*::sys:"]
    );
    assert_eq!(
        install_export(&c, "sn2"),
        ["/install:-2:no:4:::/install@198.18.0.12,/install@198.18.0.11:rw:::*::sys:"]
    );

    // Again on sn1: nothing to do.
    let n = calls(&c, "sn1").len();
    assert_eq!(
        run_on(&c, "sn1", sn1_nodes),
        "stdout=\"\" stderr=\"\" errors=0"
    );
    assert_eq!(calls(&c, "sn1")[n..], ["0\tifconfig -a", "0\tlsnfsexp -c"]);
}
