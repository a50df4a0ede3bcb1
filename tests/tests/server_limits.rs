//! End to end: server limits and request environment against the real
//! `xcatd` over TLS on loopback.
//!
//! * `site.xcatmaxconnections`: a connection beyond the limit is queued, not
//!   refused, and is served once a served connection ends (asserted by the
//!   order of events, not by durations).  The slot is taken with the first
//!   complete request, so the waiting connection has done its handshake.
//! * `XCAT_NODE_PREFIX` / `XCAT_NODE_SUFFIX` forwarded by the client in
//!   `<environment>` shape bare numbers of the request's noderange.

use std::sync::{Arc, Mutex};
use std::time::Duration;
use xcat_client::conn::SubmitOutcome;
use xcat_proto::tree::MapExt;
use xcat_proto::Request;
use xcat_tests::Xcatd;

/// How long the daemon reuses site values (`Limits::config_ttl`, 2 s) plus
/// a margin: after this a changed site value is in force.
const SITE_CACHE_EXPIRY: Duration = Duration::from_millis(2300);

fn lsxcatd_v() -> Request {
    let mut r = Request::new("lsxcatd");
    r.map.push("arg", "-v");
    r
}

/// One `lsxcatd -v` round trip; true when it ended with a serverdone.
async fn round_trip(conn: &mut xcat_client::Connection) -> bool {
    matches!(
        conn.request(&lsxcatd_v(), &mut |_| true).await,
        Ok(SubmitOutcome::Done(_))
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_beyond_xcatmaxconnections_wait_then_are_served() {
    let server = Xcatd::start();
    let p = server
        .run(&["chtab", "key=xcatmaxconnections", "site.value=1"])
        .await;
    assert_eq!(p.exit_code, 0, "{p:?}\n{}", server.log_text());
    tokio::time::sleep(SITE_CACHE_EXPIRY).await;

    let events = Arc::new(Mutex::new(Vec::<&'static str>::new()));
    let mut first = server.connect().await;
    assert!(round_trip(&mut first).await, "{}", server.log_text());

    // The second connection's request waits for a slot (its handshake and
    // request go through; the slot is taken with the first complete request).
    let second = {
        let events = events.clone();
        let addr = server.addr.clone();
        let home = server.home.clone();
        tokio::spawn(async move {
            let creds = xcat_client::Credentials::for_user_home(&home).expect("credentials");
            let mut conn =
                xcat_client::Connection::connect(&addr, Some(&creds), &Default::default())
                    .await
                    .expect("queued connection is not refused");
            let served = round_trip(&mut conn).await;
            events.lock().unwrap().push("second served");
            conn.close().await;
            served
        })
    };

    // The first connection keeps being served meanwhile.
    assert!(round_trip(&mut first).await);
    // Give an unthrottled server ample time to serve the second connection
    // (with the throttle this cannot happen however long we wait).
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(round_trip(&mut first).await);
    events.lock().unwrap().push("first closing");
    first.close().await;

    let served = tokio::time::timeout(Duration::from_secs(20), second)
        .await
        .expect("queued connection served after the first closed")
        .expect("task");
    assert!(served, "{}", server.log_text());
    assert_eq!(
        *events.lock().unwrap(),
        vec!["first closing", "second served"]
    );
    assert!(
        server
            .log_text()
            .contains("Connections are being throttled"),
        "{}",
        server.log_text()
    );
}

#[tokio::test]
async fn bare_numbers_use_the_forwarded_node_prefix_and_suffix() {
    let server = Xcatd::start();
    let p = server
        .run(&["nodeadd", "abc10x,abc11x,node10", "groups=all"])
        .await;
    assert_eq!(p.exit_code, 0, "{p:?}\n{}", server.log_text());

    let env = [("XCAT_NODE_PREFIX", "abc"), ("XCAT_NODE_SUFFIX", "x")];
    let p = server.run_env(&["nodels", "10-11"], &env).await;
    assert_eq!(
        (p.stdout.as_str(), p.stderr.as_str(), p.exit_code),
        ("abc10x\nabc11x\n", "", 0),
        "{}",
        server.log_text()
    );

    // Without the variables the stock default prefix `node` applies.
    let p = server.run(&["nodels", "10"]).await;
    assert_eq!((p.stdout.as_str(), p.exit_code), ("node10\n", 0), "{p:?}");
}

/// Open file descriptors of process `pid`.
fn open_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd")).map_or(0, |d| d.count())
}

/// User + system CPU ticks of process `pid`.
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let tick = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    tick(11) + tick(12)
}

/// The daemon out of file descriptors (its soft limit lowered with
/// `prlimit` to a few above what it uses): connections beyond it wait in
/// the listen backlog, accept fails with EMFILE again and again, the
/// daemon pauses between tries (no busy loop) and logs one line, not one
/// per failure; once the connections go, it serves again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn out_of_file_descriptors_backs_off_logs_once_and_recovers() {
    let server = Xcatd::start();
    let pid = server.pid();
    // A first command opens the database files the daemon keeps open.
    let p = server.run(&["nodels"]).await;
    assert_eq!(p.exit_code, 0, "{p:?}");
    let limit = open_fds(pid) + 8;
    let status = std::process::Command::new("prlimit")
        .args([format!("--pid={pid}"), format!("--nofile={limit}:{limit}")])
        .status()
        .expect("prlimit (util-linux, needed by this test)");
    assert!(status.success(), "prlimit failed");

    let mut idle = Vec::new();
    for _ in 0..40 {
        idle.push(std::net::TcpStream::connect(&server.addr).expect("backlog connect"));
    }
    let ticks = cpu_ticks(pid);
    tokio::time::sleep(Duration::from_secs(3)).await;
    let spent = cpu_ticks(pid) - ticks;
    let log = server.log_text();
    let lines = log.lines().filter(|l| l.contains("accept failed")).count();
    assert_eq!(lines, 1, "one accept-failure line per interval:\n{log}");
    assert!(log.contains("Too many open files"), "{log}");
    // 3 s at 100 clock ticks/s is 300 ticks for a spinning loop.
    assert!(
        spent < 100,
        "accept loop busy while out of fds: {spent} ticks"
    );

    drop(idle);
    let mut served = false;
    for _ in 0..60 {
        let p = server.run(&["nodels"]).await;
        if p.exit_code == 0 {
            served = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert!(
        served,
        "not served after the fds came back:\n{}",
        server.log_text()
    );
}
