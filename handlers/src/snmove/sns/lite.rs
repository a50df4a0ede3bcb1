//! `dolitesetup` for snmove's sfsSLconfig (snmove.pm:2226-2238): the
//! osimage's statelite tables regenerated in its SPOT and shared_root on
//! nimprime with the nodes' new servers, by the one implementation of the
//! nimprime side (`nim::prime::dolitesetup`; stock
//! perl-xCAT/xCAT/InstUtils.pm:801-1400).

use super::SnsRun;
use crate::api::{Ctx, HandlerError, Responder};
use crate::nim::model::{Image, Reply};
use crate::nim::prime::{self, LiteRequest, Prime};

pub use crate::nim::prime::LiteOutcome;

/// Run dolitesetup on `nimprime` for `image` and the moved `nodes` of it.
pub fn dolitesetup(
    ctx: &Ctx,
    run: &SnsRun,
    nimprime: &str,
    image: &Image,
    nodes: &[String],
    out: &mut dyn Responder,
) -> Result<LiteOutcome, HandlerError> {
    let prime = Prime::new(run.runner, &run.cfg, run.target(nimprime), nimprime);
    let req = LiteRequest {
        image,
        nodes,
        spot_location: None,
        db: &ctx.db,
    };
    let mut reply = Reply::new(out, run.verbose);
    Ok(prime::dolitesetup(&prime, &req, &mut reply)?)
}
