//! The in-flight request budget counts memory, not bytes received: a
//! request being received is charged its buffer's allocation four times
//! (the bytes, the tree they are parsed into, the handler's copies), so six
//! concurrent 50 MB requests can no longer take three times the 256 MiB
//! budget (`scripts/bench-bigreq`).  Checked
//! through the budget's free permits while a 3 MB request is half sent,
//! and released again when the connection ends.

mod common;

use common::{connect, start, Options};
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;
use xcatd::state::BUDGET_UNIT;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_in_flight_is_charged_four_times_its_allocation() {
    let s = start(Options::default()).await;
    let total = s.shared.budget.permits.available_permits();
    let root = s.pki.client("root");
    let mut tls = connect(s.addr, Some(&root)).await.unwrap();
    let sent = 3 * 1024 * 1024;
    let mut part = b"<xcatrequest>\n  <command>echo</command>\n  <arg>".to_vec();
    part.resize(sent, b'a');
    tls.write_all(&part).await.unwrap();
    tls.flush().await.unwrap();
    // Wait until the daemon has read it all (its charge stops growing).
    let want = 4 * sent / BUDGET_UNIT;
    let t0 = Instant::now();
    let mut charged = 0;
    while t0.elapsed() < Duration::from_secs(20) {
        charged = total - s.shared.budget.permits.available_permits();
        if charged >= want {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        charged >= want,
        "charged {charged} permits for {sent} bytes (want at least {want})"
    );
    // ... and not more than that for a doubled buffer
    assert!(charged <= 2 * want + 16, "charged {charged}");
    drop(tls);
    let t0 = Instant::now();
    while s.shared.budget.permits.available_permits() < total
        && t0.elapsed() < Duration::from_secs(20)
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        s.shared.budget.permits.available_permits(),
        total,
        "all returned"
    );
}
