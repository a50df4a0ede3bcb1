//! Noderange expansion for the object commands through
//! `xcat_schema::noderange` (stock calls `noderange($r, 0)` for names,
//! verify mode only for `/regex` ranges).

use super::cache::Cache;
use crate::api::HandlerError;
use xcat_schema::db::Conn;
use xcat_schema::noderange::{self, ExpandOpts, NodeRangeError};

/// Expand `range`; `verify` drops names that are neither nodes nor groups.
/// Result in stock order (byte-wise sort), unique.
pub fn expand(
    conn: &mut Conn,
    cache: &mut Cache,
    range: &str,
    verify: bool,
) -> Result<Vec<String>, HandlerError> {
    let opts = ExpandOpts {
        verify,
        ..cache.range_opts.clone()
    };
    match noderange::expand(conn, range, &opts) {
        Ok(e) => Ok(e.nodes),
        Err(NodeRangeError::Db(e)) => Err(HandlerError::Db(e)),
        Err(e) => Err(HandlerError::Message(e.to_string())),
    }
}
