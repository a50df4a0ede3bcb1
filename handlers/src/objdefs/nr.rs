//! Noderange expansion for the object commands through
//! `xcat_schema::noderange` (stock calls `noderange($r, 0)` for names,
//! verify mode only for `/regex` ranges).

use super::cache::Cache;
use crate::api::HandlerError;
use xcat_schema::db::Conn;

/// Expand `range` ([`crate::range_opts::expand`] with the request's options in `cache`).
pub fn expand(
    conn: &mut Conn,
    cache: &mut Cache,
    range: &str,
    verify: bool,
) -> Result<Vec<String>, HandlerError> {
    Ok(crate::range_opts::expand(
        conn,
        range,
        &cache.range_opts,
        verify,
    )?)
}
