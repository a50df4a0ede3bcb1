//! End to end over TLS: policy rows with a noderange are matched against the
//! nodes a request acts on — its `noderange` and any `<node>` elements the
//! client sent (stock reads only the noderange: `xCAT-server/sbin/xcatd`
//! takes `$req->{node}` as given) — and a noderange that does not expand
//! denies.  SQLite always, PostgreSQL under scripts/with-postgres.

use std::time::Duration;
use xcat_tests::{Printed, Xcatd};

const DENIED: &str = "Error: Permission denied for request\n";

fn nodels_request(body: &str) -> Vec<u8> {
    format!(
        "<xcatrequest><clienttype>cli</clienttype><command>nodels</command>{body}\
         <cwd>/tmp</cwd></xcatrequest>"
    )
    .into_bytes()
}

async fn ok(server: &Xcatd, argv: &[&str]) -> Printed {
    let p = server.run(argv).await;
    assert_eq!(
        (p.stderr.as_str(), p.exit_code),
        ("", 0),
        "{argv:?}: {p:?}\n{}",
        server.log_text()
    );
    p
}

/// Nodes `pub1`, `secret1`, `secret2`; root may not touch group `secret`.
async fn deny_secret_to_root(server: &Xcatd) {
    ok(server, &["mkdef", "-t", "node", "-o", "pub1", "groups=all"]).await;
    ok(
        server,
        &[
            "mkdef",
            "-t",
            "node",
            "-o",
            "secret1,secret2",
            "groups=secret,all",
        ],
    )
    .await;
    ok(
        server,
        &[
            "tabch",
            "priority=0.5",
            "policy.name=root",
            "policy.noderange=secret",
            "policy.rule=deny",
        ],
    )
    .await;
    // the daemon keeps policy rows for at most 2 s
    tokio::time::sleep(Duration::from_millis(2100)).await;
}

#[tokio::test]
async fn node_elements_meet_the_noderange_rows() {
    let server = Xcatd::start();
    deny_secret_to_root(&server).await;
    let p = server.run(&["nodels", "secret1"]).await;
    assert_eq!(p.stderr, DENIED, "{p:?}");
    // The same nodes sent as <node> elements, without a noderange.
    let p = server
        .send_raw(&nodels_request("<node>secret1</node>"))
        .await;
    assert_eq!((p.stdout.as_str(), p.stderr.as_str()), ("", DENIED));
    // Mixed: an allowed noderange and a denied <node>.
    let p = server
        .send_raw(&nodels_request(
            "<noderange>pub1</noderange><node>secret2</node>",
        ))
        .await;
    assert_eq!(p.stderr, DENIED, "{p:?}");
    // Nodes outside the row still pass.
    let p = server.send_raw(&nodels_request("<node>pub1</node>")).await;
    assert_eq!((p.stdout.as_str(), p.stderr.as_str()), ("pub1\n", ""));
}

#[tokio::test]
async fn a_noderange_that_does_not_expand_denies() {
    let server = Xcatd::start();
    deny_secret_to_root(&server).await;
    // Unbalanced parentheses: no node list can be worked out.
    let p = server
        .send_raw(&nodels_request("<noderange>(secret1</noderange>"))
        .await;
    assert_eq!(
        (p.stdout.as_str(), p.stderr.as_str()),
        ("", DENIED),
        "{}",
        server.log_text()
    );
    // The server keeps serving.
    let p = ok(&server, &["nodels", "pub1"]).await;
    assert_eq!(p.stdout, "pub1\n");
}
