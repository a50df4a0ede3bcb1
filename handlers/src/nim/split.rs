//! The management node's part shared by the NIM commands (`mkdsklsnode`,
//! `rmdsklsnode`, `nimnodeset`, `xcat2nim`; stock `prermdsklsnode` /
//! `prenimnodeset`, xCAT-server/lib/xcat/plugins/aixinstall.pm:13813-13826,
//! :8390-8400, the `getSNformattedhash` split at :294-320, :415-430, and
//! xCAT-server/lib/xcat/plugins/xcat2nim.pm:107-121): `-p` / `-b` as a
//! service-node type, the `attr=val` words, the noderange word expanded without verification
//! (stock `noderange($a, 0)`), then one part per service node of the chosen
//! type, each marked preprocessed so the service node runs it as it is.

use crate::api::{Ctx, HandlerError, Part};
use crate::hierarchy::{SnType, Style};
use crate::range_opts::{self, ExpandError};
use xcat_proto::Request;

/// Which service nodes of a node's `servicenode` list get its part:
/// `-p` (primary) / `-b` (backup); both or neither mean every one (stock
/// `getSNformattedhash` type `all`, the man pages' default).
pub fn sn_type(primary: bool, backup: bool) -> SnType {
    match (primary, backup) {
        (true, false) => SnType::Primary,
        (false, true) => SnType::Backup,
        _ => SnType::All,
    }
}

/// An `attr=val` word as stock splits it (`^\s*(\S+?)\s*=\s*(\S*.*)$`,
/// xCAT-server/lib/xcat/plugins/aixinstall.pm:8383,
/// xCAT-server/lib/xcat/plugins/xcat2nim.pm:444); `None` when the attribute
/// is empty or has white space inside.
pub fn attr_pair(word: &str) -> Option<(String, String)> {
    let (a, v) = word.split_once('=')?;
    let a = a.trim();
    if a.is_empty() || a.contains(char::is_whitespace) {
        return None;
    }
    Some((a.to_string(), v.trim_start().to_string()))
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_as_stock_splits_them() {
        let pair = |a: &str, v: &str| Some((a.to_string(), v.to_string()));
        assert_eq!(attr_pair("netboot_kernel=mp"), pair("netboot_kernel", "mp"));
        assert_eq!(attr_pair(" a = b c"), pair("a", "b c"));
        assert_eq!(attr_pair("a="), pair("a", ""));
        assert_eq!(attr_pair("=x"), None);
        assert_eq!(attr_pair("a b=x"), None);
    }

    #[test]
    fn primary_backup_or_all() {
        assert_eq!(sn_type(true, false), SnType::Primary);
        assert_eq!(sn_type(false, true), SnType::Backup);
        assert_eq!(sn_type(true, true), SnType::All);
        assert_eq!(sn_type(false, false), SnType::All);
    }
}
