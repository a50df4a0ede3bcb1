//! The management node's part shared by the NIM node commands
//! (`rmdsklsnode`, `nimnodeset`; stock `prermdsklsnode` / `prenimnodeset`,
//! xCAT-server/lib/xcat/plugins/aixinstall.pm:13813-13826, :8390-8400 and the
//! `getSNformattedhash` split at :294-320, :415-430): the noderange word
//! expanded without verification (stock `noderange($a, 0)`), then one part
//! per service node of the chosen type, each marked preprocessed so the
//! service node runs it as it is.

use crate::api::{Ctx, HandlerError, Part};
use crate::hierarchy::{SnType, Style};
use crate::range_opts::{self, ExpandError};
use xcat_proto::Request;

/// The nodes of `range` (names that are no nodes kept, as stock), or the
/// expansion's message for the client.
pub fn noderange(
    ctx: &Ctx,
    request: &Request,
    range: &str,
) -> Result<Result<Vec<String>, String>, HandlerError> {
    let opts = range_opts::for_request(request, ctx.privileged);
    match ctx
        .db
        .read(|conn| Ok(range_opts::expand(conn, range, &opts, false)))?
    {
        Ok(nodes) => Ok(Ok(nodes)),
        Err(ExpandError::Db(e)) => Err(e.into()),
        Err(ExpandError::Message(m)) => Ok(Err(m)),
    }
}

/// `request` for `nodes`, one part per service node under `ty` (nodes
/// without one on the management node), each with `_xcatpreprocessed=1`.
pub fn per_service_node(
    ctx: &Ctx,
    request: &Request,
    nodes: &[String],
    ty: SnType,
) -> Result<Vec<Part>, HandlerError> {
    let mut req = request.clone();
    req.set_nodes(nodes);
    let mut parts = crate::hierarchy::split(ctx, &req, Style::PerServiceNode(ty))?;
    for p in &mut parts {
        p.request.set("_xcatpreprocessed", "1");
    }
    Ok(parts)
}
