//! The seam to `dolitesetup` (handlers.md §3.8, perl-xCAT/xCAT/InstUtils.pm:801),
//! which regenerates an osimage's statelite tables in its SPOT and
//! shared_root with the nodes' new servers.  It belongs to the nimprime side
//! of the NIM commands (`nim::prime`); until that is wired here, snmove says
//! that the tables were not regenerated (a warning) and goes on with what
//! does not depend on it, as stock did when dolitesetup had nothing to do.

use crate::api::{Ctx, HandlerError, Responder};
use crate::nim::model::Image;
use xcat_proto::Response;

/// dolitesetup's answer: 0 done, 1 error, 2 no statelite data (stock's
/// return codes), or not available in this daemon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiteOutcome {
    Done,
    Failed,
    NothingToDo,
    Unavailable,
}

/// Run dolitesetup for `image` and the moved `nodes` of it.
pub fn dolitesetup(
    _ctx: &Ctx,
    image: &Image,
    nodes: &[String],
    out: &mut dyn Responder,
) -> Result<LiteOutcome, HandlerError> {
    out.send(Response::new().warning(format!(
        "The statelite tables of osimage '{}' were not regenerated for {} (the AIX statelite setup is not available in this xCAT daemon yet); check them before booting the nodes.",
        image.name,
        nodes.join(",")
    )))?;
    Ok(LiteOutcome::Unavailable)
}
