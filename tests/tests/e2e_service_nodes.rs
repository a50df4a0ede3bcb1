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
        vec!["mkdef", "-t", "node", "-o", "cn1,cn2", "groups=all", both.as_str()],
        vec!["mkdef", "-t", "node", "-o", "cn3", "groups=all", only2.as_str()],
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
}
