//! `snmove`: move compute nodes to their backup service node (xCAT-server/lib/xcat/plugins/snmove.pm),
//! as stock does and safer.  This file is the sequence; each step lives
//! in its own module:
//!
//! * [`options`]: command line and usage; [`messages`]: every text.
//! * [`load`] (+ [`attrs`], [`select`]): one read of everything needed.
//! * [`resolve`]: names — hosts table first, then the system resolver.
//! * [`destination`]: new service node and new xcatmaster per node.
//! * [`rules`] / [`plan`]: the column changes; [`dryrun`]: `--dry-run`.
//! * [`sync`]: AIX statelite rsync; [`update`]: ONE write transaction
//!   ([`failpoint`] proves it); [`actions`]: what runs after the move;
//!   [`sns`]: AIX `sharedinstall=sns` (statelite setup, `.client_data`
//!   restore, dump re-target).
//!
//! Deliberate differences from stock, each commented where
//! it happens: validation failures exit 1 (same texts, same channels, plus an
//! error code); `-s` selects by exact first-servicenode match and never picks
//! nodes without a service node; the new xcatmaster is written as the host
//! name of the chosen address when one is known (stock: an IP); tftpserver /
//! nfsserver also follow when they named the old service node; `-l` with
//! `sharedinstall=all` is refused; statelite rows are rewritten only when
//! they named the old master; the Linux default route is set once per node;
//! with `sharedinstall=sns` a node's `.client_data` files are the ones whose
//! name has the node's name as a `.`-separated part, from its own osimage's
//! backup only.

pub mod actions;
pub mod attrs;
pub mod destination;
pub mod dryrun;
pub mod failpoint;
pub mod load;
pub mod messages;
pub mod model;
pub mod options;
pub mod plan;
pub mod resolve;
pub mod rules;
pub mod select;
pub mod sns;
pub mod subnet;
pub mod sync;
pub mod update;

use crate::api::{Ctx, Handler, HandlerError, Responder};
use messages as msg;
use std::sync::Arc;
use xcat_proto::{Request, Response};

pub fn handlers() -> Vec<Arc<dyn Handler>> {
    vec![Arc::new(Snmove)]
}

pub struct Snmove;

/// Stock sent most validation failures without an error code (exit 0); the same document with `errorcode 1` prints the
/// same text and makes the command fail.
fn refused(r: Response) -> Response {
    r.errorcode(1)
}

fn usage() -> Response {
    options::usage_lines()
        .into_iter()
        .fold(Response::new(), |r, l| r.data(l))
}

impl Handler for Snmove {
    fn commands(&self) -> &'static [&'static str] {
        &["snmove"]
    }

    /// snmove is an `xcatclientnnr` command: every word is in `arg` and the
    /// noderange is parsed here.
    fn wants_expanded_nodes(&self) -> bool {
        false
    }

    fn writes(&self, _command: &str) -> bool {
        true
    }

    fn process(
        &self,
        ctx: &Ctx,
        request: &Request,
        out: &mut dyn Responder,
    ) -> Result<(), HandlerError> {
        let args = request.args();
        let opts = match options::parse(&args) {
            Ok(o) => o,
            Err(e) => {
                out.send(Response::new().error(e.0))?;
                out.send(refused(usage()))?;
                return Ok(());
            }
        };
        if opts.help {
            out.send(usage())?;
            return Ok(());
        }
        if opts.version {
            out.send(Response::new().data(ctx.server.version_line.clone()))?;
            return Ok(());
        }
        if opts.ignore_nodes && opts.postscripts.is_some() {
            out.send(refused(Response::new().data(msg::P_AND_I)))?;
            return Ok(());
        }
        if opts.positional.len() > 1 {
            out.send(Response::new().data(msg::TOO_MANY))?;
            out.send(refused(usage()))?;
            return Ok(());
        }
        if opts.positional.is_empty() && opts.source.is_none() {
            out.send(Response::new().data(msg::NEED_RANGE_OR_SOURCE))?;
            out.send(refused(usage()))?;
            return Ok(());
        }
        if !opts.lite_only {
            out.send(Response::new().info(msg::MOVING))?;
        }
        run(ctx, request, &opts, out)
    }
}

/// Why the move cannot start (the answer to send), checked before anything
/// changes: every node resolves, there are nodes, all AIX or none, and `-l`
/// fits the OS and `site.sharedinstall`.
fn refusal(world: &model::World, opts: &options::Options) -> Option<Response> {
    if let Some(n) = world
        .nodes
        .iter()
        .find(|n| world.names.resolve(&n.name).is_none())
    {
        return Some(Response::new().error(msg::cannot_resolve(&n.name)));
    }
    if world.nodes.is_empty() {
        return Some(Response::new().error(msg::NO_OBJDEFS));
    }
    let aix = world.nodes.iter().filter(|n| n.is_aix()).count();
    if aix != 0 && aix != world.nodes.len() {
        return Some(Response::new().error(msg::MIX));
    }
    let aix = aix != 0;
    if opts.lite_only && !aix {
        return Some(Response::new().error(msg::LITE_LINUX));
    }
    let shared = world.site.sharedinstall.as_str();
    if aix && shared == "sns" && opts.lite_only {
        return Some(refused(Response::new().info(msg::LITE_SHARED)));
    }
    if opts.lite_only && shared == "all" {
        // Stock performed a full move here.
        return Some(Response::new().error(msg::LITE_ALL));
    }
    None
}

fn run(
    ctx: &Ctx,
    request: &Request,
    opts: &options::Options,
    out: &mut dyn Responder,
) -> Result<(), HandlerError> {
    let system = Box::new(resolve::Libc::default());
    let range_opts = crate::range_opts::for_request(request, ctx.privileged);
    let loaded = ctx
        .db
        .read(|conn| load::load(conn, opts, &range_opts, system))?;
    let world = match loaded {
        load::Loaded::InvalidNodes(missing) => {
            out.send(refused(Response::new().data(msg::invalid_nodes(&missing))))?;
            return Ok(());
        }
        load::Loaded::BadRange(message) => {
            out.send(Response::new().error(message))?;
            return Ok(());
        }
        load::Loaded::World(w) => w,
    };
    if let Some(r) = refusal(&world, opts) {
        out.send(r)?;
        return Ok(());
    }
    let aix = world.nodes.iter().any(|n| n.is_aix());
    let shared = world.site.sharedinstall.as_str();

    let Some(new_sn) = destination::new_service_nodes(&world, opts, out)? else {
        return Ok(());
    };
    let runner = ctx.runner.as_ref();
    let Some(new_master) = destination::new_masters(&world, opts, &new_sn, runner, out)? else {
        return Ok(());
    };
    let p = plan::plan(&world, opts, &new_sn, &new_master);
    for _ in &p.invalid_monserver {
        out.send(Response::new().error(plan::monserver_message()))?;
    }
    if opts.dry_run {
        for r in dryrun::render(&world, &p.moves) {
            out.send(r)?;
        }
        return Ok(());
    }
    if aix && shared == "no" {
        if !sync::sync(&world, &p.moves, opts.verbose, runner, out)? {
            return Ok(());
        }
        if opts.lite_only {
            return Ok(());
        }
    }

    out.send(Response::new().info(msg::SETTING))?;
    if let Err(e) = update::apply(&ctx.db, &p.moves, &world) {
        match e {
            HandlerError::Message(m) => out.send(Response::new().error(m))?,
            other => return Err(other),
        }
        return Ok(());
    }
    let sns_run = sns::SnsRun {
        runner,
        cfg: crate::nim::cmd::NimConfig::default(),
        this_host: ctx.server.short_host.clone(),
        verbose: opts.verbose,
    };
    let sns = aix && shared == "sns";
    let roots = match sns {
        true => sns::after_update(ctx, &sns_run, &world, &p.moves, out)?,
        false => sns::SharedRoots::new(),
    };
    let mut after_conserver = |out: &mut dyn Responder| {
        if sns {
            sns::after_conserver(&sns_run, &world, &p.moves, &roots, opts, out)
        } else {
            Ok(actions::Failures::new())
        }
    };
    let failures = actions::run(&world, &p.moves, opts, runner, out, &mut after_conserver)?;
    for (action, nodes) in failures {
        out.send(Response::new().error(msg::action_failed(&action, &nodes)))?;
    }
    Ok(())
}
