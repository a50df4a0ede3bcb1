//! The request protocol over real TLS on loopback: policy denial and
//! name-less rows, malformed XML, oversize, slow senders, idle timeout,
//! pipelining, abort, streaming, built-ins.

mod common;

use common::*;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use xcat_handlers::{Ctx, Handler, HandlerError, Responder};
use xcat_proto::{Request, Response};

const DENIAL: &str = "<xcatresponse>\n  <error>Permission denied for request</error>\n  <errorcode>1</errorcode>\n  <serverdone></serverdone>\n</xcatresponse>\n";

/// Echoes user, nodes and args; `count=N` sends N documents.
struct Echo;

impl Handler for Echo {
    fn commands(&self) -> &'static [&'static str] {
        &["echo"]
    }
    fn process(
        &self,
        ctx: &Ctx,
        req: &Request,
        out: &mut dyn Responder,
    ) -> Result<(), HandlerError> {
        let n: usize = req.get("count").and_then(|c| c.parse().ok()).unwrap_or(1);
        for i in 0..n {
            out.send(Response::new().data(format!(
                "user={} nodes={} args={} i={i}",
                ctx.user.as_deref().unwrap_or("-"),
                req.nodes().join(","),
                req.args().join(" ")
            )))?;
        }
        Ok(())
    }
}

/// Sends one line, then keeps sending until aborted.
struct Slow {
    aborted: Arc<AtomicBool>,
    sent: Arc<AtomicUsize>,
}

impl Handler for Slow {
    fn commands(&self) -> &'static [&'static str] {
        &["slow"]
    }
    fn process(&self, _: &Ctx, _: &Request, out: &mut dyn Responder) -> Result<(), HandlerError> {
        for i in 0..200 {
            if out.send(Response::new().data(format!("tick {i}"))).is_err() {
                self.aborted.store(true, Ordering::SeqCst);
                return Err(xcat_handlers::api::Aborted.into());
            }
            self.sent.fetch_add(1, Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(())
    }
    fn wants_expanded_nodes(&self) -> bool {
        false
    }
}

fn with_echo() -> Options {
    let mut handlers: HashMap<String, Arc<dyn Handler>> = HashMap::new();
    handlers.insert("echo".into(), Arc::new(Echo));
    Options {
        handlers,
        ..Options::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authcheck_with_and_without_certificate() {
    let mut o = Options::default();
    o.policy.push(row("2", "", "authcheck", "allow"));
    let s = start(o).await;
    let root = s.pki.client("root");
    let a = ask(s.addr, Some(&root), &request("authcheck", &[])).await;
    assert_eq!(
        a,
        "<xcatresponse>\n  <data>Authenticated</data>\n  <serverdone></serverdone>\n  <username>root</username>\n</xcatresponse>\n"
    );
    let a = ask(s.addr, None, &request("authcheck", &[])).await;
    assert!(a.contains("<data>Unauthenticated</data>"), "{a}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn denial_is_byte_exact_and_connection_stays() {
    let s = start(with_echo()).await;
    let bob = s.pki.client("bob");
    let mut tls = connect(s.addr, Some(&bob)).await.unwrap();
    tls.write_all(&request("echo", &[])).await.unwrap();
    assert_eq!(read_answer(&mut tls).await, DENIAL);
    // transid echoed, and the same connection serves again
    tls.write_all(&request("echo", &[("transid", "42")]))
        .await
        .unwrap();
    let a = read_answer(&mut tls).await;
    assert!(a.contains("<transid>42</transid>"), "{a}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_certificate_only_nameless_rows() {
    let mut o = with_echo();
    o.policy.push(row("4.4", "*", "echo", "allow"));
    let s = start(o).await;
    assert_eq!(ask(s.addr, None, &request("echo", &[])).await, DENIAL);
    let mut o = with_echo();
    o.policy.push(row("4.4", "", "echo", "allow"));
    let s = start(o).await;
    let a = ask(s.addr, None, &request("echo", &[("arg", "x")])).await;
    assert!(a.contains("<data>user=- nodes= args=x i=0</data>"), "{a}");
    assert!(a.contains("<xcatdsource>vm</xcatdsource>"), "{a}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsupported_and_noderange_builtins() {
    let s = start(with_echo()).await;
    let root = s.pki.client("root");
    let a = ask(s.addr, Some(&root), &request("nosuchcmd", &[])).await;
    assert_eq!(
        a,
        "<xcatresponse>\n  <error>Unsupported request</error>\n  <serverdone></serverdone>\n</xcatresponse>\n"
    );
    let a = ask(
        s.addr,
        Some(&root),
        &request("noderange", &[("noderange", "n1,n2,bad")]),
    )
    .await;
    assert_eq!(
        a,
        "<xcatresponse>\n  <node>n1</node>\n  <node>n2</node>\n  <serverdone></serverdone>\n  <warning>Invalid nodes in noderange:bad</warning>\n</xcatresponse>\n"
    );
    let a = ask(
        s.addr,
        Some(&root),
        &request("echo", &[("noderange", "compute,nosuch,other")]),
    )
    .await;
    assert_eq!(
        a,
        "<xcatresponse>\n  <error>Invalid nodes and/or groups in noderange: nosuch,other</error>\n  <errorcode>1</errorcode>\n  <serverdone></serverdone>\n</xcatresponse>\n"
    );
    let a = ask(
        s.addr,
        Some(&root),
        &request("echo", &[("noderange", "compute")]),
    )
    .await;
    assert!(
        a.contains("<data>user=root nodes=n1,n2,n3,n4,n5 args= i=0</data>"),
        "{a}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_xml_answered_and_connection_keeps_serving() {
    let s = start(with_echo()).await;
    let root = s.pki.client("root");
    let mut tls = connect(s.addr, Some(&root)).await.unwrap();
    tls.write_all(b"<xcatrequest>\n  <command>echo</cmd>\n</xcatrequest>\n")
        .await
        .unwrap();
    let a = read_answer(&mut tls).await;
    assert!(
        a.starts_with("<xcatresponse>\n  <error>Invalid XML in request:"),
        "{a}"
    );
    assert!(
        a.ends_with("  <errorcode>1</errorcode>\n  <serverdone></serverdone>\n</xcatresponse>\n"),
        "{a}"
    );
    tls.write_all(&request("echo", &[])).await.unwrap();
    assert!(read_answer(&mut tls).await.contains("user=root"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversize_refused_then_closed() {
    let mut o = with_echo();
    o.policy.push(row("4.4", "", "echo", "allow"));
    let s = start(o).await;
    let mut tls = connect(s.addr, None).await.unwrap();
    let mut big = b"<xcatrequest>\n  <command>echo</command>\n  <arg>".to_vec();
    big.extend(std::iter::repeat_n(b'a', 70 * 1024));
    let _ = tls.write_all(&big).await;
    let (text, closed) = read_to_close(&mut tls, Duration::from_secs(5)).await;
    assert!(closed);
    assert!(
        text.contains("<error>Request too large: more than 65536 bytes"),
        "{text}"
    );
    assert!(
        text.ends_with("<serverdone></serverdone>\n</xcatresponse>\n"),
        "{text}"
    );
    // a certificate holder may send more
    let root = s.pki.client("root");
    let mut req = b"<xcatrequest>\n  <command>echo</command>\n  <arg>".to_vec();
    req.extend(std::iter::repeat_n(b'a', 200 * 1024));
    req.extend_from_slice(b"</arg>\n</xcatrequest>\n");
    assert!(ask(s.addr, Some(&root), &req).await.contains("user=root"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_sender_line_by_line() {
    let s = start(with_echo()).await;
    let root = s.pki.client("root");
    let mut tls = connect(s.addr, Some(&root)).await.unwrap();
    let req = request("echo", &[("arg", "slow")]);
    for line in String::from_utf8(req).unwrap().split_inclusive('\n') {
        tls.write_all(line.as_bytes()).await.unwrap();
        tls.flush().await.unwrap();
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    assert!(read_answer(&mut tls).await.contains("args=slow"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connection_closed_without_answer() {
    let mut o = with_echo();
    o.tweak = Box::new(|c| c.limits.request_timeout = Duration::from_millis(300));
    let s = start(o).await;
    let root = s.pki.client("root");
    let mut tls = connect(s.addr, Some(&root)).await.unwrap();
    let (text, closed) = read_to_close(&mut tls, Duration::from_secs(3)).await;
    assert!(closed && text.is_empty());
    // after a request, the idle limit applies again
    let mut tls = connect(s.addr, Some(&root)).await.unwrap();
    tls.write_all(&request("echo", &[])).await.unwrap();
    let (text, closed) = read_to_close(&mut tls, Duration::from_secs(3)).await;
    assert!(closed && text.contains("<serverdone>"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pipelined_requests_are_queued_in_order() {
    let s = start(with_echo()).await;
    let root = s.pki.client("root");
    let mut tls = connect(s.addr, Some(&root)).await.unwrap();
    let mut all = Vec::new();
    for i in 0..5 {
        all.extend(request("echo", &[("arg", &format!("req{i}"))]));
    }
    tls.write_all(&all).await.unwrap();
    let mut text = String::new();
    while text.matches("<serverdone>").count() < 5 {
        let (t, _) = read_to_close(&mut tls, Duration::from_millis(500)).await;
        assert!(!t.is_empty(), "stalled after: {text}");
        text.push_str(&t);
    }
    let order: Vec<usize> = (0..5)
        .map(|i| text.find(&format!("args=req{i}")).unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abort_stops_the_command_without_serverdone() {
    let aborted = Arc::new(AtomicBool::new(false));
    let sent = Arc::new(AtomicUsize::new(0));
    let mut o = with_echo();
    o.handlers.insert(
        "slow".into(),
        Arc::new(Slow {
            aborted: aborted.clone(),
            sent: sent.clone(),
        }),
    );
    let s = start(o).await;
    let root = s.pki.client("root");
    let mut tls = connect(s.addr, Some(&root)).await.unwrap();
    tls.write_all(&request("slow", &[])).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    tls.write_all(b"<xcatrequest>\n  <abortcommand>1</abortcommand>\n</xcatrequest>\n")
        .await
        .unwrap();
    let (text, closed) = read_to_close(&mut tls, Duration::from_secs(5)).await;
    assert!(closed);
    assert!(text.contains("tick 0"), "{text}");
    assert!(!text.contains("serverdone"), "{text}");
    for _ in 0..50 {
        if aborted.load(Ordering::SeqCst) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(aborted.load(Ordering::SeqCst));
    assert!(sent.load(Ordering::SeqCst) < 100);
    // other connections keep being served
    assert!(ask(s.addr, Some(&root), &request("echo", &[]))
        .await
        .contains("user=root"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn big_answer_streams_with_one_final_serverdone() {
    let s = start(with_echo()).await;
    let root = s.pki.client("root");
    let a = ask(s.addr, Some(&root), &request("echo", &[("count", "20000")])).await;
    assert_eq!(a.matches("<xcatresponse>").count(), 20001);
    assert_eq!(a.matches("<serverdone>").count(), 1);
    assert!(a.ends_with("  <serverdone></serverdone>\n</xcatresponse>\n"));
    assert!(a.contains("i=19999</data>"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn not_an_xcat_peer_is_closed_silently() {
    let s = start(with_echo()).await;
    let mut tls = connect(s.addr, None).await.unwrap();
    tls.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let (text, closed) = read_to_close(&mut tls, Duration::from_secs(3)).await;
    assert!(closed && text.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn policy_is_reread_after_its_ttl() {
    let mut o = with_echo();
    o.tweak = Box::new(|c| c.limits.config_ttl = Duration::from_millis(100));
    let s = start(o).await;
    let bob = s.pki.client("bob");
    assert_eq!(ask(s.addr, Some(&bob), &request("echo", &[])).await, DENIAL);
    s.store
        .policy
        .lock()
        .unwrap()
        .push(row("5", "bob", "echo", "allow"));
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(ask(s.addr, Some(&bob), &request("echo", &[]))
        .await
        .contains("user=bob"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trusted_peer_keeps_username() {
    let s = start(with_echo()).await;
    let mn = s.pki.client("vm");
    let a = ask(
        s.addr,
        Some(&mn),
        &request("echo", &[("username", "alice")]),
    )
    .await;
    assert!(a.contains("user=alice"), "{a}");
    let root = s.pki.client("root");
    let a = ask(
        s.addr,
        Some(&root),
        &request("echo", &[("username", "alice")]),
    )
    .await;
    assert!(a.contains("user=root"), "{a}");
}

fn with_auth(inner: &str) -> Vec<u8> {
    format!("<xcatrequest>\n  <command>authcheck</command>\n{inner}</xcatrequest>\n").into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn becomeuser_gettoken_and_tokens() {
    let mut o = with_echo();
    o.policy.push(row("2", "alice", "", "allow"));
    let s = start(o).await;
    s.store
        .passwords
        .lock()
        .unwrap()
        .insert("alice".into(), "secret".into());
    let fail = "<xcatresponse>\n  <error>Authentication failure</error>\n  <errorcode>1</errorcode>\n  <serverdone></serverdone>\n</xcatresponse>\n";
    // wrong password: failure and close
    let mut tls = connect(s.addr, None).await.unwrap();
    tls.write_all(&with_auth("  <becomeuser>\n    <password>nope</password>\n    <username>alice</username>\n  </becomeuser>\n")).await.unwrap();
    let (text, closed) = read_to_close(&mut tls, Duration::from_secs(3)).await;
    assert!(closed);
    assert_eq!(text, fail);
    // right password: the request runs as alice
    let a = ask(s.addr, None, &with_auth("  <becomeuser>\n    <password>secret</password>\n    <username>alice</username>\n  </becomeuser>\n")).await;
    assert!(a.contains("<username>alice</username>"), "{a}");
    // gettoken answers and closes
    let mut tls = connect(s.addr, None).await.unwrap();
    tls.write_all(&with_auth("  <gettoken>\n    <password>secret</password>\n    <username>alice</username>\n  </gettoken>\n")).await.unwrap();
    let (text, closed) = read_to_close(&mut tls, Duration::from_secs(3)).await;
    assert!(closed, "{text}");
    let id = text
        .split("<id>")
        .nth(1)
        .and_then(|r| r.split("</id>").next())
        .unwrap()
        .to_string();
    assert!(
        text.contains("<token>") && text.contains("<expire>"),
        "{text}"
    );
    // the token authenticates later requests
    let a = ask(
        s.addr,
        None,
        &with_auth(&format!(
            "  <tokens>\n    <tokenid>{id}</tokenid>\n  </tokens>\n"
        )),
    )
    .await;
    assert!(a.contains("<username>alice</username>"), "{a}");
    let a = ask(
        s.addr,
        None,
        &with_auth("  <tokens>\n    <tokenid>bogus</tokenid>\n  </tokens>\n"),
    )
    .await;
    assert_eq!(a, fail);
    // The right selector with a wrong rest, a prefix of the id, and LIKE
    // wildcards are all refused (the full id is compared).
    let last = if id.ends_with('0') { "1" } else { "0" };
    let near = format!("{}{last}", &id[..id.len() - 1]);
    for guess in [near.as_str(), &id[..12], "%", "________%"] {
        let a = ask(
            s.addr,
            None,
            &with_auth(&format!(
                "  <tokens>\n    <tokenid>{guess}</tokenid>\n  </tokens>\n"
            )),
        )
        .await;
        assert_eq!(a, fail, "{guess}");
    }
}
