//! A management node and two service nodes, each a real `xcatd` on its own
//! loopback port, sharing one database (SQLite, or PostgreSQL with
//! `XCATD_TEST_PG_URL`): the test-only `xcatdrs_snsplit` handler splits
//! per service node both stock ways; outputs arrive tagged per daemon;
//! a killed SN moves the anycast part to the other and fails only its own
//! broadcast part (stock texts, exit 1); a frozen SN (SIGSTOP) costs the
//! MN its connect timeout, not a hang.

use std::time::{Duration, Instant};
use xcat_tests::service_nodes::ServiceNode;
use xcat_tests::{Printed, Xcatd};

const ARM: (&str, &str) = ("XCATD_TEST_HANDLERS", "1");

struct Cluster {
    mn: Xcatd,
    sn1: ServiceNode,
    sn2: ServiceNode,
}

/// cn1,cn2: servicenode sn1,sn2; cn3: sn2; cn4: none (the MN).
async fn cluster() -> Cluster {
    let mn = Xcatd::start_with_env(Xcatd::default_backend(), &[], &[ARM]);
    let sn1 = ServiceNode::start(&mn, "sn1", &[ARM]);
    let sn2 = ServiceNode::start(&mn, "sn2", &[ARM]);
    let both = format!("servicenode={},{}", sn1.addr, sn2.addr);
    let only2 = format!("servicenode={}", sn2.addr);
    for argv in [
        vec![
            "mkdef",
            "-t",
            "node",
            "-o",
            "cn1,cn2",
            "groups=all",
            both.as_str(),
        ],
        vec![
            "mkdef",
            "-t",
            "node",
            "-o",
            "cn3",
            "groups=all",
            only2.as_str(),
        ],
        vec!["mkdef", "-t", "node", "-o", "cn4", "groups=all"],
    ] {
        let out = mn.run(&argv).await;
        assert_eq!(out.exit_code, 0, "{argv:?}: {}", out.stderr);
    }
    Cluster { mn, sn1, sn2 }
}

/// Run with a bound so a hang fails the test instead of blocking it.
async fn split(c: &Cluster, args: &[&str]) -> Printed {
    let mut argv = vec!["xcatdrs_snsplit", "cn1,cn2,cn3,cn4"];
    argv.extend_from_slice(args);
    tokio::time::timeout(Duration::from_secs(120), c.mn.run(&argv))
        .await
        .expect("the MN answered")
}

fn sorted_lines(text: &str) -> Vec<String> {
    let mut v: Vec<String> = text.lines().map(str::to_string).collect();
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parts_run_on_their_service_nodes() {
    let c = cluster().await;
    let out = split(&c, &[]).await;
    eprintln!("{}\n{}", out.stdout, out.stderr);
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    assert_eq!(
        sorted_lines(&out.stdout),
        vec![
            "all on sn1: cn1,cn2",
            "all on sn2: cn1,cn2,cn3",
            "all on vm: cn4",
            "anycast on sn1: cn1,cn2",
            "anycast on sn2: cn3",
            "anycast on vm: cn4",
        ]
    );
    let out = split(&c, &["-b", "backup"]).await;
    assert_eq!(
        sorted_lines(&out.stdout),
        vec!["backup on sn2: cn1,cn2,cn3", "backup on vm: cn4"]
    );
    // Parts that wait before answering (an SN busy with NIM) all arrive,
    // each with its own lines (how long it takes: scripts/bench-forward).
    let out = split(&c, &["-b", "all", "-n", "1", "-w", "300"]).await;
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    assert_eq!(
        sorted_lines(&out.stdout),
        vec![
            "all line 1",
            "all line 1",
            "all line 1",
            "all on sn1: cn1,cn2",
            "all on sn2: cn1,cn2,cn3",
            "all on vm: cn4",
        ]
    );
}

/// The lines of `stderr` that name `addr`, with the OS error text cut.
fn dispatch_errors(stderr: &str, addr: &str) -> Vec<String> {
    let prefix =
        format!("Error: [vm]: Unable to dispatch hierarchical sub-command to {addr}.  Error: ");
    stderr
        .lines()
        .filter(|l| l.contains(addr))
        .map(|l| match l.strip_prefix(&prefix) {
            Some(_) => prefix.clone(),
            None => l.to_string(),
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_service_node_fails_only_its_own_part() {
    let mut c = cluster().await;
    c.sn1.kill();
    let out = split(&c, &[]).await;
    assert_eq!(out.exit_code, 1, "{}", out.stderr);
    assert_eq!(
        sorted_lines(&out.stdout),
        vec![
            "all on sn2: cn1,cn2,cn3",
            "all on vm: cn4",
            "anycast on sn2: cn1,cn2",
            "anycast on sn2: cn3",
            "anycast on vm: cn4",
        ]
    );
    assert_eq!(
        dispatch_errors(&out.stderr, &c.sn1.addr),
        vec![format!(
            "Error: [vm]: Unable to dispatch hierarchical sub-command to {}.  Error: ",
            c.sn1.addr
        )],
        "{}",
        out.stderr
    );
    // Both down: the anycast part lists every destination (stock text).
    c.sn2.kill();
    let out = split(&c, &["-a"]).await;
    assert_eq!(out.exit_code, 1);
    assert!(
        out.stderr.contains(&format!(
            "Error: [vm]: Failed to dispatch command to any of the following service nodes: {},{}\n",
            c.sn1.addr, c.sn2.addr
        )),
        "{}",
        out.stderr
    );
    assert_eq!(sorted_lines(&out.stdout), vec!["anycast on vm: cn4"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frozen_service_node_costs_the_connect_timeout_not_a_hang() {
    let c = cluster().await;
    let set =
        c.mn.run(&["chtab", "key=xcatdrs_snconnecttimeout", "site.value=2"])
            .await;
    assert_eq!(set.exit_code, 0, "{}", set.stderr);
    // The site table is re-read at most every 2 s.
    tokio::time::sleep(Duration::from_millis(2200)).await;
    c.sn1.freeze();
    let started = Instant::now();
    let out = split(&c, &[]).await;
    let took = started.elapsed();
    c.sn1.thaw();
    assert_eq!(out.exit_code, 1, "{}", out.stderr);
    assert_eq!(
        sorted_lines(&out.stdout),
        vec![
            "all on sn2: cn1,cn2,cn3",
            "all on vm: cn4",
            "anycast on sn2: cn1,cn2",
            "anycast on sn2: cn3",
            "anycast on vm: cn4",
        ]
    );
    assert_eq!(
        dispatch_errors(&out.stderr, &c.sn1.addr).len(),
        1,
        "{}",
        out.stderr
    );
    // Both frozen parts waited at once: about one timeout, far from a hang.
    assert!(took < Duration::from_secs(30), "took {took:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarded_parts_only_from_trusted_peers() {
    let c = cluster().await;
    // root is allowed but not trusted: a forged forwarded part is refused.
    let forged = b"<xcatrequest>\n  <_xcatpreprocessed>1</_xcatpreprocessed>\n  <arg>--part</arg>\n  <arg>anycast</arg>\n  <command>xcatdrs_snsplit</command>\n  <node>cn1</node>\n</xcatrequest>\n";
    let out = c.mn.send_raw(forged).await;
    assert_eq!(out.exit_code, 1);
    assert_eq!(
        out.stderr,
        "Error: Permission denied for request: forwarded (_xcatpreprocessed) requests are accepted only from trusted peers\n"
    );
    assert_eq!(out.stdout, "");
}
