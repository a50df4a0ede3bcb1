//! The flow every NIM command handler shares (stock `preprocess_request` /
//! `process_request` of xCAT-server/lib/xcat/plugins/aixinstall.pm:116-592
//! and xCAT-server/lib/xcat/plugins/xcat2nim.pm:76-178): the management
//! node decides ([`Pre`]: answer here, or run for these nodes); the run is
//! split per service node; each server part ends with `Return=N.` when its
//! rc is above 0.  A request that reaches `process` unsplit (a direct call)
//! is decided again and runs every node here.

use super::say::{return_line, send_all, usage};
use super::split;
use crate::api::{Ctx, HandlerError, Part, Responder};
use crate::hierarchy::SnType;
use xcat_proto::{Request, Response};

/// What the management node decided.
pub enum Pre<O> {
    /// Answered here (usage, version, a refusal): these documents.
    Answer(Vec<Response>),
    /// Run with these options for these nodes.
    Run(O, Vec<String>),
}

/// How the management node decides: the command's own `pre`.
pub type Decide<O> = fn(&Ctx, &Request) -> Result<Pre<O>, HandlerError>;

/// `Handler::preprocess`: one part per service node of `sn_type(opts)`
/// (nodes without one on the management node); an answer is left to
/// `process`, which decides again.
pub fn preprocess<O>(
    ctx: &Ctx,
    request: Request,
    decide: Decide<O>,
    sn_type: fn(&O) -> SnType,
) -> Result<Vec<Part>, HandlerError> {
    match decide(ctx, &request)? {
        Pre::Run(opts, nodes) => split::per_service_node(ctx, &request, &nodes, sn_type(&opts)),
        Pre::Answer(_) => Ok(vec![Part::local(request)]),
    }
}

/// `Handler::process`: the answer, or `server_part` for the request's
/// nodes followed by `Return=<rc>.` when its rc is above 0.
pub fn process<O>(
    ctx: &Ctx,
    request: &Request,
    out: &mut dyn Responder,
    decide: Decide<O>,
    server_part: impl FnOnce(&Request, &mut dyn Responder) -> Result<i64, HandlerError>,
) -> Result<(), HandlerError> {
    let mut request = request.clone();
    if request.get("_xcatpreprocessed") != Some("1") {
        match decide(ctx, &request)? {
            Pre::Answer(docs) => return Ok(send_all(out, docs)?),
            Pre::Run(_, nodes) => request.set_nodes(&nodes),
        }
    }
    let rc = server_part(&request, out)?;
    if rc > 0 {
        out.send(return_line(rc))?;
    }
    Ok(())
}

/// The usage, help and version answers of a node command
/// (aixinstall.pm:13750-13791, :8262-8320): no words or `-h` give the
/// usage, `-v` gives `<command> <version>`.
pub fn help_or_version(
    ctx: &Ctx,
    command: &str,
    usage_lines: &[&str],
    no_words: bool,
    help: bool,
    version: bool,
) -> Option<Vec<Response>> {
    if no_words || help {
        return Some(vec![usage(usage_lines)]);
    }
    version.then(|| {
        let v = format!("{command} {}\n", ctx.server.version_line);
        vec![Response::new().info(v)]
    })
}

/// The nodes of a node command's noderange word (aixinstall.pm:13806-13823,
/// :8388-8400): "A noderange is required." with the usage when there is
/// none or it names no node, the expansion's message with the usage when
/// it fails.
pub fn required_nodes(
    ctx: &Ctx,
    request: &Request,
    range: Option<&str>,
    usage_lines: &[&str],
) -> Result<Result<Vec<String>, Vec<Response>>, HandlerError> {
    let required = || {
        vec![
            Response::new().error("A noderange is required.\n"),
            usage(usage_lines),
        ]
    };
    let Some(range) = range else {
        return Ok(Err(required()));
    };
    Ok(match split::noderange(ctx, request, range)? {
        Ok(n) if n.is_empty() => Err(required()),
        Ok(n) => Ok(n),
        Err(m) => Err(vec![Response::new().error(m), usage(usage_lines)]),
    })
}
