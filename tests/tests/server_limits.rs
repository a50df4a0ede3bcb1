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
