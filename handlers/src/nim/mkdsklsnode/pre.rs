//! The management node's (nimprime's) part before the split (stock
//! `preprocess_request` + `prenimnodeset`,
//! xCAT-server/lib/xcat/plugins/aixinstall.pm:147-349, 8248-9051): nimprime,
//! options, `-i`, the `attr=val` checks (mkdsklsnode's valid attributes),
//! then the part shared with nimnodeset (`nim::prenim`: nodes, osimages,
//! nimprime's resources, SPOT update, copies), `-u` / `-r`, and the nodes
//! to split.

use super::load;
use super::options::{self, Options};
use super::{usage, Mkdsklsnode};
use crate::api::{Ctx, HandlerError};
use crate::nim::command;
use crate::nim::prenim::{self, Docs};
use crate::nim::say::return_line;
use xcat_proto::Request;

/// What the management node decided.
pub type Pre = prenim::Pre<Options>;

/// Stock `prenimnodeset` for mkdsklsnode.
pub fn pre(h: &Mkdsklsnode, ctx: &Ctx, request: &Request) -> Result<Pre, HandlerError> {
    let world0 = load::world(ctx, &[])?;
    let nimprime = match prenim::nimprime(&world0) {
        Ok(n) => n,
        Err(docs) => return Ok(Pre::Answer(docs)),
    };
    let words = request.args();
    let Some(opts) = options::parse(&words) else {
        return Ok(Pre::Answer(vec![usage(), return_line(1)]));
    };
    let lines = options::usage_lines();
    let (none, help, version) = (words.is_empty(), opts.help, opts.version);
    if let Some(docs) = command::help_or_version(ctx, "mkdsklsnode", &lines, none, help, version) {
        return Ok(Pre::Answer(docs));
    }
    let docs = Docs::default();
    if let Err(text) = prenim::check_osimage(&world0, opts.osimage.as_deref()) {
        return Ok(Pre::Answer(docs.fail_with(text)));
    }
    let nodes = match expand(ctx, request, opts.noderange())? {
        Ok(n) => n,
        Err(text) => return Ok(Pre::Answer(docs.fail_with(text))),
    };
    let attrs = match options::pairs(&opts.pairs) {
        Ok(a) => a,
        Err(bad) => return Ok(Pre::Answer(docs.fail_with(bad.0))),
    };
    let args = prenim::Args {
        cfg: &h.nim,
        nimprime: &nimprime,
        osimage: opts.osimage.as_deref(),
        nodes: &nodes,
        attrs: &attrs,
        verbose: opts.verbose,
        skip_sync: opts.skipsync,
        defonly: opts.defonly,
        sn_type: opts.sn_type(),
        standalone: false,
    };
    let mut docs = docs;
    let Some(prepared) = prenim::prepare(ctx, &args, &mut docs)? else {
        return Ok(Pre::Answer(docs.fail()));
    };
    if opts.update_sn || opts.resonly {
        return Ok(Pre::Answer(docs.0));
    }
    Ok(Pre::Split {
        opts,
        nodes: prepared.nodes,
        resources: prepared.resources,
        msgs: docs.0,
    })
}

/// The noderange's nodes (not verified, as stock `noderange($a, 0)`,
/// through the NIM commands' one `nim::split::noderange`); none without a
/// noderange; `Err(text)` for a bad one.
fn expand(
    ctx: &Ctx,
    request: &Request,
    range: Option<&str>,
) -> Result<Result<Vec<String>, String>, HandlerError> {
    match range {
        None => Ok(Ok(Vec::new())),
        Some(r) => crate::nim::split::noderange(ctx, request, r),
    }
}
