//! Relaying to other xcatd servers over real TLS: `--fallback` to a second
//! server for commands without a handler, and hierarchical parts sent to a
//! "service node" (a second server on another loopback port), including the
//! stock error texts for unreachable destinations.

mod common;

use common::*;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use xcat_handlers::{Ctx, Handler, HandlerError, Part, Responder};
use xcat_proto::{Request, Response};

/// Answers with what it saw.
struct Hello;

impl Handler for Hello {
    fn commands(&self) -> &'static [&'static str] {
        &["hello", "split"]
    }
    fn process(
        &self,
        ctx: &Ctx,
        req: &Request,
        out: &mut dyn Responder,
    ) -> Result<(), HandlerError> {
        out.send(Response::new().data(format!(
            "hi from {} user={} pre={} nodes={}",
            ctx.server.short_host,
            ctx.user.as_deref().unwrap_or("-"),
            req.get("_xcatpreprocessed").unwrap_or("-"),
            req.nodes().join(",")
        )))?;
        Ok(())
    }
}

/// `split`: one local part and one part for the destinations in `dests`.
struct Split {
    dests: Arc<Mutex<Vec<String>>>,
}

impl Handler for Split {
    fn commands(&self) -> &'static [&'static str] {
        &["split"]
    }
    fn preprocess(&self, _: &Ctx, request: Request) -> Result<Vec<Part>, HandlerError> {
        let mut remote = request.clone();
        remote.set_nodes(&["n3"]);
        let mut local = request;
        local.set_nodes(&["n1"]);
        Ok(vec![
            Part::local(local),
            Part {
                request: remote,
                dest: self.dests.lock().unwrap().clone(),
            },
        ])
    }
    fn process(
        &self,
        ctx: &Ctx,
        req: &Request,
        out: &mut dyn Responder,
    ) -> Result<(), HandlerError> {
        Hello.process(ctx, req, out)
    }
}

async fn sn(pki: Arc<Pki>) -> TestServer {
    let mut handlers: HashMap<String, Arc<dyn Handler>> = HashMap::new();
    handlers.insert("hello".into(), Arc::new(Hello));
    handlers.insert("split".into(), Arc::new(Hello));
    start(Options {
        handlers,
        pki: Some(pki),
        server_cn: "sn1".into(),
        ..Options::default()
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fallback_relays_unknown_commands_with_the_callers_name() {
    let pki = Arc::new(Pki::new("vm"));
    let b = sn(pki.clone()).await;
    let b_addr = b.addr.to_string();
    let a = start(Options {
        pki: Some(pki.clone()),
        tweak: Box::new(move |c| c.fallback = Some(b_addr)),
        ..Options::default()
    })
    .await;
    let root = pki.client("root");
    let text = ask(a.addr, Some(&root), &request("hello", &[])).await;
    assert_eq!(
        text,
        "<xcatresponse>\n  <data>hi from sn1 user=root pre=- nodes=</data>\n  <xcatdsource>sn1</xcatdsource>\n</xcatresponse>\n<xcatresponse>\n  <serverdone></serverdone>\n</xcatresponse>\n"
    );
    // built-ins stay local
    let text = ask(a.addr, Some(&root), &request("authcheck", &[])).await;
    assert!(text.contains("<username>root</username>"));
    // without a reachable fallback: a clear error and still one serverdone
    let c = start(Options {
        pki: Some(pki.clone()),
        tweak: Box::new(|c| c.fallback = Some("127.0.0.1:1".into())),
        ..Options::default()
    })
    .await;
    let text = ask(c.addr, Some(&root), &request("hello", &[])).await;
    assert!(
        text.contains("Unable to dispatch command to the fallback xcatd 127.0.0.1:1"),
        "{text}"
    );
    assert_eq!(text.matches("<serverdone>").count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hierarchy_forwards_parts_to_service_nodes() {
    let pki = Arc::new(Pki::new("vm"));
    let b = sn(pki.clone()).await;
    let dests = Arc::new(Mutex::new(vec![b.addr.to_string()]));
    let mut handlers: HashMap<String, Arc<dyn Handler>> = HashMap::new();
    handlers.insert(
        "split".into(),
        Arc::new(Split {
            dests: dests.clone(),
        }),
    );
    let a = start(Options {
        handlers,
        pki: Some(pki.clone()),
        ..Options::default()
    })
    .await;
    let root = pki.client("root");
    let req = request("split", &[("noderange", "n1,n3")]);
    let text = ask(a.addr, Some(&root), &req).await;
    assert!(
        text.contains(
            "<data>hi from vm user=root pre=- nodes=n1</data>\n  <xcatdsource>vm</xcatdsource>"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "<data>hi from sn1 user=root pre=1 nodes=n3</data>\n  <xcatdsource>sn1</xcatdsource>"
        ),
        "{text}"
    );
    assert_eq!(text.matches("<serverdone>").count(), 1);

    // one unreachable destination
    *dests.lock().unwrap() = vec!["127.0.0.1:1".into()];
    let text = ask(a.addr, Some(&root), &req).await;
    assert!(
        text.contains(
            "<error>Unable to dispatch hierarchical sub-command to 127.0.0.1:1.  Error: "
        ),
        "{text}"
    );
    // the first of two is down: the second serves
    *dests.lock().unwrap() = vec!["127.0.0.1:1".into(), b.addr.to_string()];
    let text = ask(a.addr, Some(&root), &req).await;
    assert!(text.contains("hi from sn1"), "{text}");
    // all down
    *dests.lock().unwrap() = vec!["127.0.0.1:1".into(), "127.0.0.1:2".into()];
    let text = ask(a.addr, Some(&root), &req).await;
    assert!(text.contains("<error>Failed to dispatch command to any of the following service nodes: 127.0.0.1:1,127.0.0.1:2</error>"), "{text}");
}
