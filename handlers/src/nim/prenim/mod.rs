//! Stock `prenimnodeset` (xCAT-server/lib/xcat/plugins/aixinstall.pm:8248-9051): the
//! management node's (nimprime's) preprocess that `mkdsklsnode` and
//! `nimnodeset` share (aixinstall.pm:280).  Each command parses its own
//! options and noderange and hands [`prepare`] what the shared part needs
//! ([`Args`]); [`prepare`] then works in stock's order:
//!
//! * [`images`]: every node resolvable, defined, on a network, its osimage;
//!   the NIM resource types and names on nimprime; the osimages,
//!   `configdump=`, the `attr=val` overrides, the dump check; for
//!   nimnodeset the `xcataixscript` resource of standalone images
//!   ([`xcataixscript`]);
//!   each image resource defined on nimprime, with its location and
//!   attributes (stock `lochash` / `nimhash`, passed to the service nodes);
//! * [`copies`]: for mkdsklsnode the SPOT update of non-standalone images
//!   (`nim::prime`),
//!   `checkCredFiles`, then the copies of the resources to the service nodes
//!   (`doSNcopy2` with the df / chfs space check) or, with
//!   `sharedinstall=sns`, `doSFScopy` and `defSNres`.

pub mod carry;
pub mod copies;
pub mod images;
pub mod xcataixscript;

use super::cmd::{Nim, NimConfig};
use super::mkdsklsnode::load;
use super::model::{Reply, Resources};
use super::say::return_line;
use crate::api::{Ctx, HandlerError};
use crate::hierarchy::SnType;
use crate::runner::Target;
use std::collections::BTreeMap;
use xcat_proto::Response;

pub use images::apply_overrides;
pub use xcataixscript::add_xcataixscript;

/// Stock's text when nimprime is unknown (aixinstall.pm:157-163).
const NO_NIMPRIME: &str = "Could not determine nimprime. Check if nimprime defined in site table or site table master is not resolvable to the MN name.";

/// What the shared part needs from the command's options.
pub struct Args<'a> {
    pub cfg: &'a NimConfig,
    /// nimprime's short name (`site.nimprime`, else `site.master`).
    pub nimprime: &'a str,
    /// `-i`: every node's osimage.
    pub osimage: Option<&'a str>,
    /// The noderange's nodes.
    pub nodes: &'a [String],
    /// The command line's `attr=val` pairs.
    pub attrs: &'a BTreeMap<String, String>,
    /// `-V`.
    pub verbose: bool,
    /// `-k`: no `sync_roots`.
    pub skip_sync: bool,
    /// `-d`: no copies to the service nodes.
    pub defonly: bool,
    /// `-p` / `-b`: which service nodes get copies.
    pub sn_type: SnType,
    /// The command initialises standalone nodes (nimnodeset): the
    /// standalone images get `xcataixscript`, no SPOT is updated.  Else
    /// (mkdsklsnode) the other images' SPOTs are updated and no
    /// `xcataixscript` is made.  Stock did both for every command; each
    /// server part refuses the other kind of node.
    pub standalone: bool,
}

/// What the service nodes' parts get: the nodes with an osimage and
/// nimprime's facts about the image resources.
pub struct Prepared {
    pub nodes: Vec<String>,
    pub resources: Resources,
}

/// The messages so far (the client gets them before the servers' parts).
#[derive(Default)]
pub struct Docs(pub Vec<Response>);

impl Docs {
    pub fn error(&mut self, text: impl Into<String>) {
        self.0.push(Response::new().error(text.into()));
    }

    /// The documents so far, then `Return=1.`.
    pub fn fail(mut self) -> Vec<Response> {
        self.0.push(return_line(1));
        self.0
    }

    pub fn fail_with(mut self, text: impl Into<String>) -> Vec<Response> {
        self.error(text);
        self.fail()
    }
}

/// nimprime's NIM: this host's, else over ssh.
pub fn nimprime_target(ctx: &Ctx, nimprime: &str) -> Target {
    if nimprime == ctx.server.short_host {
        Target::Local
    } else {
        Target::Host(nimprime.to_string())
    }
}

/// aixinstall.pm:153-163, before anything else: nimprime's name, else
/// stock's error as the command's only answer.
pub fn nimprime(world: &load::World) -> Result<String, Vec<Response>> {
    let error = || vec![Response::new().error(NO_NIMPRIME)];
    world.site.nimprime.clone().ok_or_else(error)
}

/// aixinstall.pm:8337-8349: `-i` names a defined osimage; else the error
/// text.
pub fn check_osimage(world: &load::World, osimage: Option<&str>) -> Result<(), String> {
    match osimage {
        Some(img) if !world.osimages.contains(img) => {
            Err(format!("The xCAT osimage named '{img}' is not defined.\n"))
        }
        _ => Ok(()),
    }
}

/// aixinstall.pm:8449-9045 from the nodes on: `None` after the error
/// messages (the command then ends with `Return=1.`).
pub fn prepare(ctx: &Ctx, a: &Args, docs: &mut Docs) -> Result<Option<Prepared>, HandlerError> {
    let world = load::world(ctx, a.nodes)?;
    let Some(osi) = images::node_images(ctx, a.osimage, &world, docs)? else {
        return Ok(None);
    };
    let nim = Nim::new(ctx.runner.as_ref(), nimprime_target(ctx, a.nimprime), a.cfg);
    let at = docs.0.len();
    let found = images::images_and_resources(ctx, &nim, a, &world, &osi, docs)?;
    // `-V`: stock's `Running command on <host>: <cmd>` for nimprime's
    // commands, before the messages they led to.
    let mut verbose = Vec::new();
    Reply::new(&mut verbose, a.verbose).commands(&nim, a.nimprime)?;
    docs.0.splice(at..at, verbose);
    let Some((images, resources)) = found else {
        return Ok(None);
    };
    let job = copies::PrimeJob {
        args: a,
        world: &world,
        images: &images,
        osi: &osi,
        resources: &resources,
    };
    if !copies::prime_steps(ctx, &job, docs)? {
        return Ok(None);
    }
    Ok(Some(Prepared {
        nodes: osi.keys().cloned().collect(),
        resources,
    }))
}

/// What the management node decided.
pub enum Pre<O> {
    /// The command ends here with these documents.
    Answer(Vec<Response>),
    /// Split `nodes` per service node; `msgs` go to the client first.
    Split {
        opts: O,
        nodes: Vec<String>,
        resources: Resources,
        msgs: Vec<Response>,
    },
}
