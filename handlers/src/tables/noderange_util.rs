//! Noderange expansion as the table commands need it, on top of
//! `xcat_schema::noderange`: verified (group members for nodegrpch) and
//! unverified (nodeadd's new nodes), with the request's options
//! (`crate::range_opts`).

use xcat_schema::db::{Conn, DbError};
use xcat_schema::noderange::{self, ExpandOpts, NodeRangeError};

/// A database failure, or a message for the client (syntax, size, files).
pub enum ExpandError {
    Db(DbError),
    Message(String),
}

impl From<NodeRangeError> for ExpandError {
    fn from(e: NodeRangeError) -> ExpandError {
        match e {
            NodeRangeError::Db(d) => ExpandError::Db(d),
            other => ExpandError::Message(other.to_string()),
        }
    }
}

/// Expand a noderange of existing nodes/groups (unknown names are dropped).
pub fn expand_verified(
    conn: &mut Conn,
    range: &str,
    opts: &ExpandOpts,
) -> Result<Vec<String>, ExpandError> {
    let opts = ExpandOpts {
        verify: true,
        ..opts.clone()
    };
    Ok(noderange::expand(conn, range, &opts)?.nodes)
}

/// Expand a noderange without verification (nodeadd).
pub fn expand_unverified(
    conn: &mut Conn,
    range: &str,
    opts: &ExpandOpts,
) -> Result<Vec<String>, ExpandError> {
    let opts = ExpandOpts {
        verify: false,
        ..opts.clone()
    };
    Ok(noderange::expand(conn, range, &opts)?.nodes)
}
