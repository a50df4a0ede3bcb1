//! Stock request bytes from tests/fixtures/wire replayed against the
//! daemon with the real handler registry: the response bytes must equal the
//! stock ones (the `lsxcatd -v` line names xcatd-rs on purpose).  Fixtures
//! whose command has no handler yet are skipped with a note.

mod common;

use common::*;
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stock_fixtures_replay_byte_exact() {
    let marker_dir = tempfile::tempdir().unwrap();
    let mn = marker_dir.path().join("xCATMN");
    std::fs::write(&mn, "").unwrap();
    let sn = marker_dir.path().join("xCATSN");
    let registry = xcat_handlers::registry();
    let known: Vec<&str> = registry.commands();
    let known: Vec<String> = known.iter().map(|s| s.to_string()).collect();
    let o = Options {
        tweak: Box::new(move |c| {
            c.mn_marker = mn;
            c.sn_marker = sn;
        }),
        ..Options::default()
    };
    let s = start_with_registry(o, Arc::new(registry)).await;
    let root = s.pki.client("root");
    let mut replayed = 0;
    for name in ["01-lsxcatd-a", "02-lsxcatd-noargs", "15-nodels-nosuchgroup"] {
        let exchange = xcat_tests::fixtures::fixture(name).single().clone();
        let req = exchange.request;
        let cmd = xcatd::dispatch::parse(&req).unwrap().command().to_string();
        if !known.contains(&cmd) {
            eprintln!("{name}: no handler for {cmd} yet; skipped");
            continue;
        }
        let want = String::from_utf8(exchange.response).unwrap();
        let got = ask(s.addr, Some(&root), &req).await;
        let want = want.replace(
            "Version 2.19.0 (git commit 7733d16f8de0fc36b80638c04a7033931fa13304)",
            &xcatd::version::version_line(),
        );
        assert_eq!(got, want, "{name}");
        replayed += 1;
    }
    assert!(replayed >= 2, "lsxcatd fixtures must replay");
}
