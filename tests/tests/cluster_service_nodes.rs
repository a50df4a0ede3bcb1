//! xcatd-rs in the service-node role inside the cluster in a box (mn1,
//! sn1, sn2 as separate hosts on one PostgreSQL through `cfgloc`): the
//! stock-named client on mn1 runs the test-only `xcatdrs_snsplit`; both SNs
//! run their parts, tagged per SN; with sn1 killed the anycast part runs on
//! sn2 and only sn1's broadcast part fails, with stock's text and exit 1;
//! with sn1 frozen (SIGSTOP: its kernel accepts TCP, the daemon never
//! answers) the same answer comes back within the MN's connect timeout;
//! with sn1's cable pulled while it works on its part (no reset ever reaches
//! the MN) the MN's TCP keepalive gives up on it in about a minute, not at
//! the 30-minute idle limit. One cluster bring-up for all of it.  Needs root (skips otherwise; fails under CI=true).

use std::process::Output;
use xcat_tests::cluster::{Cluster, ClusterSpec};

fn text(out: &Output) -> (Vec<String>, String) {
    let mut lines: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    lines.sort();
    (lines, String::from_utf8_lossy(&out.stderr).into_owned())
}

fn split(c: &Cluster) -> Output {
    split_args(c, &["cn01,cnx1,cnx2"])
}

/// `xcatdrs_snsplit ARGS` from mn1's client.
fn split_args(c: &Cluster, args: &[&str]) -> Output {
    // No stock link for a test command: the client binary takes it as its
    // first word.  `timeout` only guards against a hang; the command's own
    // completion is what the tests wait for.
    let client = xcat_tests::server::xcatclient_bin();
    let client = client.to_string_lossy();
    let words = [&["300", client.as_ref(), "xcatdrs_snsplit"][..], args].concat();
    c.host("mn1").run("timeout", &words)
}

/// With sn1 out: cn01's anycast part goes on to sn2, sn1's broadcast
/// part fails alone with stock's text, exit 1.
fn assert_sn1_out(out: &Output) {
    let (lines, stderr) = text(out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(
        lines,
        vec![
            "all on mn1: cnx2",
            "all on sn2: cn01,cnx1",
            "anycast on mn1: cnx2",
            "anycast on sn2: cn01",
            "anycast on sn2: cnx1",
        ]
    );
    assert!(
        stderr.starts_with(
            "Error: [mn1]: Unable to dispatch hierarchical sub-command to sn1:3001.  Error: "
        ),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn service_nodes_run_their_parts_and_a_dead_or_frozen_one_fails_alone() {
    let spec = ClusterSpec::small().with_xcatd_env("XCATD_TEST_HANDLERS", "1");
    let Some(c) = Cluster::start_or_skip(spec) else {
        return;
    };
    let out = c.client("mn1", "chdef", &["cn01", "servicenode=sn1,sn2"]);
    assert!(out.status.success(), "{}", text(&out).1);
    for args in [
        vec![
            "-t",
            "node",
            "-o",
            "cnx1",
            "groups=compute,all",
            "servicenode=sn2",
        ],
        vec!["-t", "node", "-o", "cnx2", "groups=compute,all"],
    ] {
        let out = c.client("mn1", "mkdef", &args);
        assert!(out.status.success(), "{}", text(&out).1);
    }
    let out = split(&c);
    let (lines, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(
        lines,
        vec![
            "all on mn1: cnx2",
            "all on sn1: cn01",
            "all on sn2: cn01,cnx1",
            "anycast on mn1: cnx2",
            "anycast on sn1: cn01",
            "anycast on sn2: cnx1",
        ]
    );
    database_down_then_back(&c);
    frozen_service_node(&c);
    cable_pulled_mid_command(&c);
    let _fault = c.kill_daemon("sn1");
    assert_sn1_out(&split(&c));
}

/// sn1 frozen: the MN gives up on it after `xcatdrs_snconnecttimeout`
/// (both of sn1's parts wait at once) instead of hanging.
fn frozen_service_node(c: &Cluster) {
    let out = c.client(
        "mn1",
        "chtab",
        &["key=xcatdrs_snconnecttimeout", "site.value=3"],
    );
    assert!(out.status.success(), "{}", text(&out).1);
    // The daemon re-reads the site table at most every 2 s.
    std::thread::sleep(std::time::Duration::from_millis(2200));
    let frozen = c.stop_daemon("sn1");
    let out = split(c);
    frozen.undo().expect("thaw sn1");
    assert_sn1_out(&out);
}

/// sn1's cable pulled while its part waits (`-w` 10 minutes): no reset
/// reaches the MN, which learns of it only from its unanswered keepalive
/// probes (30 s of silence, then every 10 s; `net/src/keepalive.rs`) and
/// fails sn1's part with stock's text, long before the 30-minute idle limit
/// (`xcatdrs_snidletimeout`).
fn cable_pulled_mid_command(c: &Cluster) {
    let t0 = std::time::Instant::now();
    let out = std::thread::scope(|s| {
        let run = s.spawn(|| split_args(c, &["cn01", "-b", "primary", "-w", "600000"]));
        // Time for the part to reach sn1 and for its daemon to start waiting.
        std::thread::sleep(std::time::Duration::from_secs(3));
        let cut = c.cut_link("sn1");
        let out = run.join().expect("client thread");
        drop(cut);
        out
    });
    let took = t0.elapsed();
    let (lines, stderr) = text(&out);
    eprintln!("cable pulled: sn1's part failed after {took:?}: {stderr}");
    assert_eq!(out.status.code(), Some(1), "{lines:?} {stderr}");
    assert!(lines.is_empty(), "{lines:?}");
    assert!(
        stderr
            .starts_with("Error: [mn1]: Unable to dispatch hierarchical sub-command to sn1:3001."),
        "{stderr}"
    );
    assert!(
        took < std::time::Duration::from_secs(150),
        "the keepalive did not end it: {took:?}"
    );
}

/// PostgreSQL stopped: every daemon answers with a database error (no
/// hang, no crash); once it is back they serve again.
fn database_down_then_back(c: &Cluster) {
    {
        let _down = c.stop_postgres();
        for host in ["mn1", "sn1", "sn2"] {
            let out = c.client(host, "nodels", &["all"]);
            let (lines, stderr) = text(&out);
            eprintln!(
                "{host} with the database down: {:?} {lines:?} {stderr}",
                out.status.code()
            );
            assert_ne!(out.status.code(), Some(0), "{host}: {stderr}");
            assert!(stderr.contains("database"), "{host}: {stderr}");
        }
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    for host in ["mn1", "sn1", "sn2"] {
        while !c.client(host, "nodels", &["all"]).status.success() {
            assert!(
                std::time::Instant::now() < deadline,
                "{host} did not recover"
            );
            std::thread::sleep(std::time::Duration::from_millis(300));
        }
    }
    let out = split(c);
    assert!(out.status.success(), "{}", text(&out).1);
}
