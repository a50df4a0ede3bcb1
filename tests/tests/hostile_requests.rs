//! End to end: hostile requests against the real `xcatd` over TLS on
//! loopback.  Each gets one clear error document, the daemon's memory stays
//! bounded, and the next ordinary command on a new connection is served:
//!
//! * 1,000,000 `<node>` elements (refused past `MAX_REQUEST_ELEMENTS`);
//! * a 100,000-level noderange (parentheses, brackets, chained brackets);
//! * XML nested 100,000 levels deep;
//! * regular expressions naming group 21,111,122,222 (2.6 GB in the regex
//!   engine before `xcat_schema::user_regex` refused them);
//! * repeat counts whose product overflows the regex engine's length count
//!   (a panic in a build with overflow checks, which these tests use);
//! * invalid UTF-8 and NUL bytes in every field of a request.

use xcat_client::Printed;
use xcat_tests::Xcatd;

/// Memory the daemon may reach while refusing the requests below (the
/// largest is a 15 MB request; parsed it would be several times that).
const MAX_HWM_KB: u64 = 400 * 1024;

async fn still_serving(server: &mut Xcatd) {
    assert!(server.is_running(), "xcatd died:\n{}", server.log_text());
    let p = server.run(&["lsxcatd", "-v"]).await;
    assert_eq!(p.exit_code, 0, "{p:?}\n{}", server.log_text());
    assert!(p.stdout.starts_with("Version "), "{p:?}");
}

fn request(inner: &[u8]) -> Vec<u8> {
    let mut r = b"<xcatrequest>\n".to_vec();
    r.extend_from_slice(inner);
    r.extend_from_slice(b"\n</xcatrequest>\n");
    r
}

fn assert_error(p: &Printed, needle: &str) {
    assert_ne!(p.exit_code, 0, "{p:?}");
    assert!(p.stderr.contains(needle), "wanted {needle:?} in {p:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_million_node_elements_are_refused() {
    let mut server = Xcatd::start();
    let mut inner = b"<command>nodels</command>\n".to_vec();
    for i in 0..1_000_000 {
        inner.extend_from_slice(format!("<node>n{i}</node>").as_bytes());
    }
    let p = server.send_raw(&request(&inner)).await;
    assert_error(&p, "Invalid XML in request: more than 250000 elements");
    still_serving(&mut server).await;
    let hwm = server.memory_kb("VmHWM").unwrap_or(0);
    assert!(hwm < MAX_HWM_KB, "VmHWM {hwm} kB");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_thousand_level_noderange_is_refused() {
    let mut server = Xcatd::start();
    const N: usize = 100_000;
    for range in [
        format!("{}node1{}", "(".repeat(N), ")".repeat(N)),
        format!("node{}1{}", "[".repeat(N), "]".repeat(N)),
        "node[1-2]".repeat(N),
        format!("{}node1", "node1@(".repeat(N)),
    ] {
        let p = server.run(&["nodels", &range]).await;
        assert_error(&p, "noderange nested more than 100 levels deep");
        still_serving(&mut server).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huge_back_reference_numbers_are_refused() {
    let mut server = Xcatd::start();
    for range in ["/n\\k<21111122222>", "/x\\k<31111122222>"] {
        let p = server.run(&["nodels", range]).await;
        assert_error(&p, "Invalid back reference");
        still_serving(&mut server).await;
    }
    let p = server
        .run(&["lsdef", "-t", "node", "-w", "groups=~\\k<21111122222>"])
        .await;
    assert_ne!(p.exit_code, 0, "{p:?}");
    assert_error(&p, "Incorrect selection string specified with -w flag.");
    still_serving(&mut server).await;
    let hwm = server.memory_kb("VmHWM").unwrap_or(0);
    assert!(hwm < MAX_HWM_KB, "VmHWM {hwm} kB");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeat_counts_past_the_engines_count_are_refused() {
    let mut server = Xcatd::start();
    // Parentheses would split a noderange: two counts whose sum overflows.
    let huge = "x{9999999999999999999}y{9999999999999999999}";
    let p = server.run(&["nodels", &format!("/{huge}")]).await;
    assert_error(&p, "repeat counts too large");
    still_serving(&mut server).await;
    let p = server
        .run(&["lsdef", "-t", "node", "-w", &format!("groups=~{huge}")])
        .await;
    assert_ne!(p.exit_code, 0, "{p:?}");
    assert_error(&p, "Incorrect selection string specified with -w flag.");
    still_serving(&mut server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deeply_nested_xml_is_refused() {
    let mut server = Xcatd::start();
    let mut inner = b"<command>nodels</command>".to_vec();
    inner.extend_from_slice(&b"<a>".repeat(100_000));
    inner.extend_from_slice(&b"</a>".repeat(100_000));
    let p = server.send_raw(&request(&inner)).await;
    assert_error(
        &p,
        "Invalid XML in request: elements nested deeper than 64 levels",
    );
    still_serving(&mut server).await;
}

/// Every field a client sends, holding `bad` in its text.
fn requests_with(bad: &[u8]) -> Vec<(&'static str, Vec<u8>)> {
    let fields: [(&str, &[u8], &[u8]); 9] = [
        ("command", b"<command>", b"</command>"),
        (
            "noderange",
            b"<command>nodels</command><noderange>",
            b"</noderange>",
        ),
        ("arg", b"<command>lsxcatd</command><arg>", b"</arg>"),
        (
            "cwd",
            b"<command>lsxcatd</command><arg>-v</arg><cwd>",
            b"</cwd>",
        ),
        ("stdin", b"<command>lsxcatd</command><stdin>", b"</stdin>"),
        ("node", b"<command>nodels</command><node>", b"</node>"),
        (
            "transid",
            b"<command>lsxcatd</command><transid>",
            b"</transid>",
        ),
        (
            "environment",
            b"<command>nodels</command><noderange>1</noderange><environment><XCAT_NODE_PREFIX>",
            b"</XCAT_NODE_PREFIX></environment>",
        ),
        ("element name", b"<command>lsxcatd</command><x", b">1</x>"),
    ];
    fields
        .iter()
        .map(|(name, open, close)| {
            let mut inner = open.to_vec();
            inner.extend_from_slice(b"a");
            inner.extend_from_slice(bad);
            inner.extend_from_slice(b"b");
            inner.extend_from_slice(close);
            (*name, request(&inner))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_utf8_and_nul_bytes_in_every_field_are_refused() {
    let mut server = Xcatd::start();
    for (bad, needle) in [
        (
            &b"\xff\xfe"[..],
            "Invalid XML in request: not well-formed XML: invalid utf-8",
        ),
        (
            &b"\xc3"[..],
            "Invalid XML in request: not well-formed XML: invalid utf-8",
        ),
        (&b"\0"[..], "Invalid XML in request: NUL byte at offset"),
        (&b"&#0;"[..], "Invalid XML in request: not well-formed XML"),
    ] {
        for (field, req) in requests_with(bad) {
            let p = server.send_raw(&req).await;
            assert_ne!(p.exit_code, 0, "{field} {bad:?}: {p:?}");
            assert!(
                p.stderr.contains(needle),
                "{field} {bad:?}: wanted {needle:?} in {p:?}"
            );
        }
        still_serving(&mut server).await;
    }
}
