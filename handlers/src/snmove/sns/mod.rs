//! AIX `sharedinstall=sns` (one file system shared by all service nodes,
//! xCAT-server/lib/xcat/plugins/snmove.pm:842-1013, 2120-2294), after the
//! database move, in stock order:
//!
//! 1. [`sfs_sl_config`]: the statelite setup of each osimage redone on
//!    nimprime ([`lite`]) and its files copied from nimprime to the service node
//!    that holds the shared file system (the node-keyed statelite rows are
//!    written with the move, in its transaction);
//! 2. (makeconservercf, in `actions`);
//! 3. [`restore`]: each node's `.client_data` files restored from the
//!    backup mkdsklsnode made on its new service node;
//! 4. [`dump`]: the iSCSI dump device re-targeted to the new service node
//!    (not with `-i` or `-n`).
//!
//! Every database value that reaches a command (service node, osimage and
//! resource names, node names) is validated first; a bad one is refused with
//! a message naming the node or object and the attribute.

pub mod dump;
pub mod lite;
pub mod restore;

use super::actions::Failures;
use super::model::{NodeMove, World};
use super::options::Options;
use crate::api::{Ctx, HandlerError, Responder};
use crate::nim::cmd::{Nim, NimConfig};
use crate::nim::model::Reply;
use crate::nim::sns::{statelite, target_for};
use crate::nim::validate;
use crate::runner::{Runner, Target};
use std::collections::BTreeMap;
use xcat_proto::Response;

/// What the sns steps share: how to run NIM commands and where this daemon runs.
pub struct SnsRun<'a> {
    pub runner: &'a dyn Runner,
    pub cfg: NimConfig,
    /// This server's short host name (commands for it run locally).
    pub this_host: String,
    pub verbose: bool,
}

impl SnsRun<'_> {
    pub fn target(&self, host: &str) -> Target {
        target_for(host, &self.this_host)
    }
}

/// A shared_root and its location on nimprime, per osimage.
pub type SharedRoots = BTreeMap<String, (String, String)>;

/// The nodes of each osimage (sorted), from the nodes' provmethod.
pub fn nodes_by_image(world: &World, moves: &[NodeMove]) -> BTreeMap<String, Vec<String>> {
    let mut by: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for m in moves {
        let image = world
            .nodes
            .iter()
            .find(|n| n.name == m.node)
            .and_then(|n| n.provmethod.clone());
        if let Some(image) = image {
            by.entry(image).or_default().push(m.node.clone());
        }
    }
    by
}

/// The shared_root location of every osimage of the moved nodes that has
/// one: `lsnim -a location -Z <shared_root>` on nimprime
/// (perl-xCAT/xCAT/InstUtils.pm:365).  A failure is reported as stock's
/// runcmd did and leaves that osimage out.
pub fn shared_roots(
    run: &SnsRun,
    world: &World,
    moves: &[NodeMove],
    out: &mut dyn Responder,
) -> Result<SharedRoots, HandlerError> {
    let mut found = SharedRoots::new();
    let Some(nimprime) = world.nimprime.as_deref() else {
        return Ok(found);
    };
    for image in nodes_by_image(world, moves).keys() {
        let Some(sr) = world.images.get(image).and_then(|i| i.get("shared_root")) else {
            continue;
        };
        if let Err(e) = validate::nim_name(image, "shared_root", sr) {
            out.send(Response::new().error(format!("{e}\n")))?;
            continue;
        }
        if let Err(e) = crate::runner::validate_host(nimprime) {
            out.send(Response::new().error(format!("site.nimprime: {e}.\n")))?;
            continue;
        }
        let nim = Nim::new(run.runner, run.target(nimprime), &run.cfg);
        match nim.attr_fields("location", sr) {
            Ok(f) => match f.first().filter(|l| !l.is_empty()) {
                Some(loc) => match validate::path(sr, "location", loc) {
                    Ok(_) => {
                        found.insert(image.clone(), (sr.to_string(), loc.clone()));
                    }
                    Err(e) => out.send(Response::new().error(format!("{e}\n")))?,
                },
                None => out.send(Response::new().error(format!(
                    "Could not get the location of the NIM resource '{sr}' from {nimprime}.\n"
                )))?,
            },
            Err(ran) => out.send(Response::new().error(format!(
                "Command failed: {}. Error message: {}.\n",
                ran.line,
                ran.text()
            )))?,
        }
    }
    Ok(found)
}

/// sfsSLconfig (snmove.pm:2120-2294) after the statelite rows were written:
/// dolitesetup per osimage, then the statelite files of each shared_root
/// copied from nimprime to the target service node (the first new service
/// node that is not this server).  Returns whether everything worked.
pub fn sfs_sl_config(
    ctx: &Ctx,
    run: &SnsRun,
    world: &World,
    moves: &[NodeMove],
    roots: &SharedRoots,
    out: &mut dyn Responder,
) -> Result<bool, HandlerError> {
    let by_image = nodes_by_image(world, moves);
    if world.images.is_empty() {
        out.send(Response::new().error("Could not get xCAT osimage definitions.\n"))?;
        return Ok(false);
    }
    let nimprime = world.nimprime.as_deref().unwrap_or("");
    for (image, nodes) in &by_image {
        let Some(img) = world.images.get(image) else {
            continue;
        };
        if lite::dolitesetup(ctx, run, nimprime, img, nodes, out)? == lite::LiteOutcome::Failed {
            out.send(Response::new().error("Could not complete the statelite setup.\n"))?;
            return Ok(false);
        }
    }
    let target_sn = moves
        .iter()
        .map(|m| m.new_sn.as_str())
        .find(|sn| run.target(sn) != Target::Local);
    let (Some(target_sn), Some(nimprime)) = (target_sn, world.nimprime.as_deref()) else {
        return Ok(true);
    };
    let mut reply = Reply::new(out, run.verbose);
    for (sr, loc) in roots.values() {
        statelite::copy_statelite_files(
            run.runner,
            &run.target(nimprime),
            sr,
            loc,
            target_sn,
            &mut reply,
        )?;
    }
    Ok(reply.errors == 0)
}

/// Right after the database move: the shared_root locations (kept for the
/// restore), then sfsSLconfig.
pub fn after_update(
    ctx: &Ctx,
    run: &SnsRun,
    world: &World,
    moves: &[NodeMove],
    out: &mut dyn Responder,
) -> Result<SharedRoots, HandlerError> {
    let roots = shared_roots(run, world, moves, out)?;
    sfs_sl_config(ctx, run, world, moves, &roots, out)?;
    Ok(roots)
}

/// The sns actions right after makeconservercf: the `.client_data`
/// restore, then (not with `-i` or `-n`) the dump re-target.
pub fn after_conserver(
    run: &SnsRun,
    world: &World,
    moves: &[NodeMove],
    roots: &SharedRoots,
    opts: &Options,
    out: &mut dyn Responder,
) -> Result<Failures, HandlerError> {
    let mut failures = Failures::new();
    let failed = restore::restore(run, world, moves, roots, out)?;
    if !failed.is_empty() {
        failures.push(("restore .client_data".to_string(), failed));
    }
    if !opts.ignore_nodes && !opts.no_retarget {
        let failed = dump::retarget(run, world, moves, out)?;
        if !failed.is_empty() {
            failures.push(("dump re-target".to_string(), failed));
        }
    }
    Ok(failures)
}
