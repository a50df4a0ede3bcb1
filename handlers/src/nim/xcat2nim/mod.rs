//! `xcat2nim`: NIM machine, group and network definitions from xCAT
//! objects (xCAT-server/lib/xcat/plugins/xcat2nim.pm).  On the management node ([`Xcat2nim::preprocess`],
//! stock `prexcat2nim`) the options and objects are checked and the request
//! is split per service node; each part defines its nodes on its server
//! (stock `x2n`).  Files: [`options`], [`objects`] (which objects),
//! [`defs`] (their definitions), [`run`] (message forms), [`machines`],
//! [`groups`], [`networks`]; [`sn`] (the order of a service node's work).
//!
//! Deliberate differences from stock, each commented where it happens: a
//! node is defined on every service node its part was sent to — the
//! primary AND the backup by default, as the man page says (stock's SN side
//! kept only nodes whose FIRST service node was itself, so the backup got
//! nothing, xcat2nim.pm:757-770); bad arguments found on the management
//! node end the command there (stock ignored `processArgs`' refusal and
//! forwarded them anyway, xcat2nim.pm:253); type
//! names match exactly; networks and groups match exactly and one by one;
//! NIM attributes in name order.

pub mod defs;
pub mod groups;
pub mod machines;
pub mod networks;
pub mod objects;
pub mod options;
pub mod run;
pub mod sn;

use crate::api::{Ctx, Handler, HandlerError, Part, Responder};
use crate::nim::cmd::{Nim, NimConfig};
use crate::nim::command::{self, Pre};
use crate::nim::model::Reply;
use crate::nim::say::{self, return_line};
use defs::Defs;
use objects::Named;
use options::Options;
use run::Run;
use std::collections::BTreeSet;
use xcat_proto::{Request, Response};

#[derive(Default)]
pub struct Xcat2nim {
    nim: NimConfig,
}

impl Xcat2nim {
    /// A handler whose NIM commands run as `cfg` says (tests).
    pub fn with_config(nim: NimConfig) -> Xcat2nim {
        Xcat2nim { nim }
    }
}

fn usage() -> Response {
    say::usage(&options::usage_lines())
}

/// What the management node decided: the options and nimprime (where a
/// run without nodes goes: networks, empty groups), and the nodes involved.
type Decided = Pre<(Options, Option<String>)>;

/// The objects, their definitions and the messages to send first; or the
/// documents that end the command.
type Loaded = Result<(Named, Defs, Vec<Response>), Vec<Response>>;

/// Load the named objects; `Err(documents)` when the command ends here.
fn resolve_and_load(
    ctx: &Ctx,
    request: &Request,
    opts: &Options,
    msgstr: &str,
) -> Result<Loaded, HandlerError> {
    let range = crate::range_opts::for_request(request, ctx.privileged);
    let mut result = None;
    ctx.db.read(|conn| {
        result = Some(objects::resolve(conn, opts, &range, msgstr).and_then(|r| {
            let defs = match &r.named {
                Some(n) => Some(defs::load(conn, n)?),
                None => None,
            };
            Ok((r, defs))
        }));
        Ok(())
    })?;
    let Some(result) = result else {
        return Err(HandlerError::Message("xcat2nim: nothing read".into()));
    };
    let (res, defs) = result?;
    match (res.named, defs) {
        (Some(named), Some(defs)) => Ok(Ok((named, defs, res.msgs))),
        _ => {
            let mut docs = res.msgs;
            docs.push(usage());
            docs.push(return_line(2));
            Ok(Err(docs))
        }
    }
}

/// Stock `prexcat2nim` (X2N:197-335).
fn pre(ctx: &Ctx, request: &Request) -> Result<Decided, HandlerError> {
    let words = request.args();
    let Some(opts) = options::parse(&words).filter(|_| !words.is_empty()) else {
        return Ok(Pre::Answer(vec![usage(), return_line(1)]));
    };
    if opts.help {
        return Ok(Pre::Answer(vec![usage()]));
    }
    if opts.version {
        let v = format!("xcat2nim - {}", ctx.server.version_line);
        return Ok(Pre::Answer(vec![Response::new().info(v)]));
    }
    // Stock ignored a bad object selection here and let the service node
    // print it (xcat2nim.pm:253); it ends here with the same texts.
    let msgstr = format!("{}: ", ctx.server.short_host);
    let (_, defs, _) = match resolve_and_load(ctx, request, &opts, &msgstr)? {
        Ok(x) => x,
        Err(docs) => return Ok(Pre::Answer(docs)),
    };
    if !defs.networks.is_empty() && (opts.force || opts.update || opts.remove) {
        let e = Response::new()
            .error("The -f, -r and -u options are not supported for network objects.\n");
        return Ok(Pre::Answer(vec![e, usage()]));
    }
    let nodes = defs.involved_nodes();
    Ok(Pre::Run((opts, defs.nimprime), nodes))
}

impl Handler for Xcat2nim {
    fn commands(&self) -> &'static [&'static str] {
        &["xcat2nim"]
    }

    /// xcat2nim is an `xcatDBcmds` command: everything is in `arg`.
    fn wants_expanded_nodes(&self) -> bool {
        false
    }

    /// It defines NIM objects on the service nodes.
    fn writes(&self, _command: &str) -> bool {
        true
    }

    fn preprocess(&self, ctx: &Ctx, request: Request) -> Result<Vec<Part>, HandlerError> {
        let Pre::Run((opts, nimprime), nodes) = pre(ctx, &request)? else {
            // Answered by `process` (it re-runs the same checks).
            return Ok(vec![Part::local(request)]);
        };
        let mut req = request.clone();
        req.set("_xcatpreprocessed", "1");
        if nodes.is_empty() {
            return Ok(vec![Part {
                request: req,
                dest: nimprime.into_iter().collect(),
            }]);
        }
        crate::nim::split::per_service_node(ctx, &request, &nodes, opts.sn_type())
    }

    fn process(
        &self,
        ctx: &Ctx,
        request: &Request,
        out: &mut dyn Responder,
    ) -> Result<(), HandlerError> {
        command::process(ctx, request, out, pre, |r, out| self.x2n(ctx, r, out))
    }
}

impl Xcat2nim {
    /// Stock `x2n` (X2N:696-871): this server's part.  Returns stock's rc.
    fn x2n(
        &self,
        ctx: &Ctx,
        request: &Request,
        out: &mut dyn Responder,
    ) -> Result<i64, HandlerError> {
        let sname = ctx.server.short_host.clone();
        let msgstr = format!("{sname}: ");
        let words = request.args();
        let Some(opts) = options::parse(&words) else {
            out.send(usage())?;
            return Ok(1);
        };
        let (named, defs, msgs) = match resolve_and_load(ctx, request, &opts, &msgstr)? {
            Ok(x) => x,
            Err(docs) => {
                for d in docs {
                    out.send(d)?;
                }
                return Ok(0);
            }
        };
        for m in msgs {
            out.send(m)?;
        }
        if defs.is_empty() {
            out.send(Response::new().error("Could not get xCAT object definitions.\n"))?;
            return Ok(1);
        }
        // This part's nodes: the split sent each node to every service node
        // that should hold it (primary and backup by default).  Stock kept
        // only nodes whose first service node was this server
        // (xcat2nim.pm:757-770), so the backup got nothing.
        let mine: BTreeSet<&str> = request.nodes().into_iter().collect();
        let nodes: Vec<defs::NodeDef> = defs
            .nodes
            .iter()
            .filter(|n| mine.contains(n.name.as_str()))
            .cloned()
            .collect();
        let mut run = Run {
            nim: Nim::local(ctx.runner.as_ref(), &self.nim),
            opts: &opts,
            attrs: &named.attrs,
            msgstr,
            sname,
            reply: Reply::new(out, opts.verbose),
        };
        let errors = sn::work(&mut run, &nodes, &defs)?;
        run.flush_verbose()?;
        if errors > 0 {
            let text = format!("{} One or more errors occured.\n", run.msgstr);
            run.error(&[text])?;
            return Ok(1);
        }
        Ok(0)
    }
}
