//! One request from bytes to its final document:
//! parse, authenticate, `_xcatver` check, policy, tagging, then dispatch to a
//! built-in, a registered handler (noderange expansion, `site.master` check,
//! preprocess, local or hierarchical parts), the `--fallback` daemon, or
//! "Unsupported request".  Runs on a blocking thread.

use crate::auth::{self, Auth};
use crate::builtins;
use crate::cmdlog::ResponseLog;
use crate::forward::fanout::Fanout;
use crate::forward::hierarchy::Remote;
use crate::forward::settings::ForwardSettings;
use crate::forward::trust;
use crate::handler_call;
use crate::output::{serverdone, AbortFlag, ChannelResponder};
use crate::peer::PeerInfo;
use crate::policy::{self, Peer};
use crate::reply::{Caller, Tail};
use crate::state::Shared;
use std::sync::Arc;
use std::time::Instant;
use xcat_handlers::api::Aborted;
use xcat_handlers::{Ctx, Handler, Part, Responder};
use xcat_proto::{Request, Response, Value};

/// Most elements a request may have (`<node>` lists included): about 20 MB
/// once parsed; a client that needs more sends a `noderange`.
pub const MAX_REQUEST_ELEMENTS: usize = 250_000;

/// Parse a complete frame into a request.
pub fn parse(bytes: &[u8]) -> Result<Request, String> {
    let root = xcat_proto::parse_document_limited(bytes, MAX_REQUEST_ELEMENTS)
        .map_err(|e| e.to_string())?;
    if root.name != "xcatrequest" {
        return Err(format!(
            "root element is <{}>, not <xcatrequest>",
            root.name
        ));
    }
    Ok(Request::from_map(root.map))
}

/// Passes responses on and keeps their text for the command log.
struct LogTap<'a> {
    inner: &'a mut dyn Responder,
    log: Option<ResponseLog>,
}

impl Responder for LogTap<'_> {
    fn send(&mut self, response: Response) -> Result<(), Aborted> {
        if let Some(l) = self.log.as_mut() {
            l.add(&response);
        }
        self.inner.send(response)
    }
}

/// Serve one client request and send its final document.
/// The request bytes are freed once parsed (the in-flight budget counts them).
pub fn serve(shared: &Shared, peer: &PeerInfo, bytes: Vec<u8>, out: &mut ChannelResponder) {
    let started = Instant::now();
    let parsed = parse(&bytes);
    drop(bytes);
    let mut req = match parsed {
        Ok(r) => r,
        Err(e) => {
            tracing::warn!("xcatd: Error parsing XML request - {e}");
            let doc = Response::new().error(format!("Invalid XML in request: {e}"));
            let _ = out.send(serverdone(doc, None));
            return;
        }
    };
    let transid = req.transid().map(str::to_string);
    let abort = out.abort_flag().clone();
    let cmdlog = shared.cmdlog.get();
    let mut tap = LogTap {
        inner: out,
        log: cmdlog.map(|_| ResponseLog::new(&shared.cfg.source_name)),
    };
    let result = client_request(shared, peer, &mut req, abort, &mut tap);
    let mut log = tap.log.take();
    match result {
        Ok(tail) => {
            let t = if tail.transid {
                transid.as_deref()
            } else {
                None
            };
            let last = serverdone(tail.doc, t);
            if let Some(l) = log.as_mut() {
                l.add(&last);
            }
            let _ = out.send(last);
            if tail.close {
                out.close();
            }
        }
        Err(Aborted) => tracing::info!("Client abort requested: {}", req.command()),
    }
    if let (Some(c), Some(l)) = (
        cmdlog.filter(|_| !haagent::heartbeat::is_heartbeat(&req)),
        log,
    ) {
        c.log_request(
            &req,
            req.username(),
            peer.host.as_deref(),
            &l.text(),
            req.nodes().len(),
            started.elapsed(),
        );
    }
    tracing::debug!(
        "{} for {:?}@{:?} took {:.3} s",
        req.command(),
        peer.name,
        peer.host,
        started.elapsed().as_secs_f64()
    );
}

fn client_request(
    shared: &Shared,
    peer: &PeerInfo,
    req: &mut Request,
    abort: AbortFlag,
    out: &mut dyn Responder,
) -> Result<Tail, Aborted> {
    let name = match auth::authenticate(shared, req, peer.name.clone()) {
        Auth::Continue(n) => n,
        Auth::Reply(tail) => return Ok(tail),
    };
    if let Some(theirs) = req.get("_xcatver") {
        if theirs != shared.cfg.xcatver {
            out.send(Response::new().warning(format!(
                "xCAT Version mismatch! \n {}: {}\n {}: {}\n",
                shared.cfg.source_name,
                shared.cfg.xcatver,
                peer.host.as_deref().unwrap_or(""),
                theirs
            )))?;
        }
    }
    if let Some(doc) = crate::ha::member_heartbeat(shared, req, name.as_deref()) {
        return Ok(Tail::with(doc));
    }
    let rows = match shared.store.policy() {
        Ok(r) => r,
        Err(e) => return Ok(store_failure("policy table", &e)),
    };
    let allow_files = name.as_deref() == Some("root") || policy::is_trusted(&rows, name.as_deref());
    let range_opts = crate::noderange_bridge::range_opts(req, allow_files);
    let decided = policy::decide(
        &rows,
        &Peer {
            name: name.as_deref(),
            host: peer.host.as_deref(),
        },
        req,
        &mut |range| {
            shared
                .store
                .inner()
                .expand_with(range, &range_opts)
                .map(|e| e.nodes)
        },
    );
    let decision = match decided {
        Ok(d) => d,
        Err(e) => return Ok(store_failure("policy check", &e)),
    };
    crate::audit::after_policy(shared, req, name.as_deref(), peer, &decision);
    if !decision.allowed() {
        tracing::warn!(
            "Permission denied for request: peername={}, peerhost={}, peerfqdn={}, peerport={} command= {}",
            name.as_deref().unwrap_or(""),
            peer.host.as_deref().unwrap_or(""),
            peer.fqdn.as_deref().unwrap_or(""),
            peer.port,
            req.command()
        );
        return Ok(Tail::with(
            Response::new().error("Permission denied for request"),
        ));
    }
    if let Err(refusal) = trust::screen(req, decision.trusted) {
        tracing::warn!(
            "Refused a forwarded request from untrusted peer {}@{}: {}",
            name.as_deref().unwrap_or(""),
            peer.host.as_deref().unwrap_or(""),
            req.command()
        );
        return Ok(Tail::with(Response::new().error(refusal)));
    }
    policy::apply_username(req, name.as_deref(), decision.trusted);
    tag(req, name.as_deref(), peer);
    let caller = Caller {
        privileged: decision.trusted || name.as_deref() == Some("root"),
        auth_name: name,
        peer_host: peer.host.clone(),
        abort,
    };
    dispatch(shared, req, &caller, out)
}

/// The answer when the database could not be read before the command ran:
/// an error naming the cause, never a policy denial (stock answers
/// "Permission denied for request" when policy cannot be read).
fn store_failure(what: &str, e: &crate::store::StoreError) -> Tail {
    tracing::error!("{what}: {e}");
    Tail::with(Response::new().error(format!("xcatd: {what} failed: {e}")))
}

fn opt(v: Option<&str>) -> Value {
    v.map(Value::text).unwrap_or(Value::Empty)
}

/// `_xcat_authname`, `_xcat_clienthost`, `_xcat_clientfqdn`, `_xcat_clientport`
/// (and `_xcat_clientip` for `signx509cert`), overwriting client values.
pub fn tag(req: &mut Request, name: Option<&str>, peer: &PeerInfo) {
    req.set("_xcat_authname", opt(name));
    req.set("_xcat_clienthost", opt(peer.host.as_deref()));
    req.set("_xcat_clientfqdn", opt(peer.fqdn.as_deref()));
    req.set("_xcat_clientport", peer.port.to_string());
    if req.command() == "signx509cert" {
        let ip = peer.ip.map(|i| i.to_string());
        req.set("_xcat_clientip", opt(ip.as_deref()));
    }
}

/// Dispatch an authorised (or internal) request.
pub fn dispatch(
    shared: &Shared,
    req: &mut Request,
    caller: &Caller,
    out: &mut dyn Responder,
) -> Result<Tail, Aborted> {
    let cmd = req.command().to_string();
    if cmd == "authcheck" {
        return Ok(builtins::authcheck(caller.auth_name.as_deref()));
    }
    if let Some(h) = shared.handlers.get(&cmd) {
        return run_handler(shared, h.as_ref(), req, caller, out);
    }
    if cmd == "noderange" && req.noderange().is_some() {
        return Ok(builtins::noderange(shared, req, caller.privileged));
    }
    if cmd == "extnoderange" && req.noderange().is_some() {
        return Ok(builtins::extnoderange(shared, req, caller.privileged));
    }
    if let (Some(addr), Some(fwd)) = (&shared.cfg.fallback, &shared.forwarder) {
        let abort = caller.abort.clone();
        crate::forward::fallback(fwd.as_ref(), addr, req, &move || abort.is_raised(), out)?;
        return Ok(Tail::done());
    }
    tracing::warn!("Unsupported request: command={cmd}");
    Ok(Tail::with(
        Response::new().error_text("Unsupported request"),
    ))
}

/// Expand `noderange` into `node` unless the request already lists nodes.
/// `Err` carries the final document for unknown names.
/// `Ok` carries the group map the expansion read, for the handler.
fn expand_nodes(
    shared: &Shared,
    req: &mut Request,
    privileged: bool,
) -> Result<Option<Arc<xcat_schema::inherit::GroupMap>>, Tail> {
    if req.map.contains_key("node") {
        return Ok(None);
    }
    let Some(range) = req.noderange().map(str::to_string) else {
        return Ok(None);
    };
    let opts = crate::noderange_bridge::range_opts(req, privileged);
    match shared.store.inner().expand_with(&range, &opts) {
        Ok(exp) if !exp.missing.is_empty() => Err(Tail::with(Response::new().error(format!(
            "Invalid nodes and/or groups in noderange: {}",
            exp.missing.join(",")
        )))),
        Ok(exp) if exp.nodes.is_empty() => {
            req.set("emptynoderange", "1");
            Ok(exp.groups)
        }
        Ok(exp) => {
            req.set_nodes(&exp.nodes);
            Ok(exp.groups)
        }
        Err(e) => Err(Tail::with(Response::new().error(format!("noderange: {e}")))),
    }
}

fn own_names(shared: &Shared) -> Vec<String> {
    let mut names = vec![shared.info.short_host.clone(), "localhost".to_string()];
    if let Ok(h) = nix::unistd::gethostname() {
        if let Ok(h) = h.into_string() {
            names.push(crate::config::short_name(&h).to_string());
            names.push(h);
        }
    }
    names
}

fn run_handler(
    shared: &Shared,
    handler: &dyn Handler,
    req: &mut Request,
    caller: &Caller,
    out: &mut dyn Responder,
) -> Result<Tail, Aborted> {
    let cmd = req.command().to_string();
    if let Some(doc) = crate::ha::write_refusal(shared.info.ha.as_ref(), handler, &cmd) {
        return Ok(Tail::with(doc));
    }
    let mut groups = None;
    if handler.wants_expanded_nodes() {
        match expand_nodes(shared, req, caller.privileged) {
            Ok(loaded) => groups = loaded,
            Err(tail) => return Ok(tail),
        }
    }
    if !req.nodes().is_empty() {
        match shared.store.site() {
            Err(e) => return Ok(store_failure("site table", &e)),
            Ok(site) if site.get("master").is_none_or(|m| m.is_empty()) => {
                return Ok(Tail::with(Response::new().error(format!(
                    "site.master is not set, unable to dispatch '{cmd}'"
                ))));
            }
            Ok(_) => {}
        }
    }
    let Some(db) = shared.store.inner().db() else {
        return Ok(Tail::with(
            Response::new().error("xcatd has no database to run this command"),
        ));
    };
    let ctx = Ctx {
        db,
        server: shared.info.clone(),
        runner: shared.runner(),
        user: req.username().map(str::to_string),
        peer_host: caller.peer_host.clone(),
        privileged: caller.privileged,
        groups,
    };
    let parts: Vec<Part> = if trust::is_forwarded(req) {
        vec![Part::local(req.clone())]
    } else {
        match handler_call::preprocess(handler, &ctx, req, out)? {
            Some(parts) => parts,
            None => return Ok(Tail::done()),
        }
    };
    let settings = ForwardSettings::read(shared);
    let fanout = Fanout {
        handler,
        ctx: &ctx,
        remote: Remote {
            fwd: shared.forwarder.as_deref(),
            timeouts: settings.timeouts,
            on_service_node: shared.info.sn_marker.exists(),
        },
        settings,
        xcatver: &shared.cfg.xcatver,
        abort: &caller.abort,
    };
    let names = own_names(shared);
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    fanout.run(parts, &names, shared.cfg.port, out)?;
    Ok(Tail::done())
}
