//! Noderange expansion as the table commands need it, on top of
//! `xcat_schema::noderange`: verified (group members for nodegrpch) and
//! unverified (nodeadd's new nodes).  `^file` items are read only for
//! privileged callers.

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

fn opts(verify: bool, cwd: Option<&str>, allow_files: bool) -> ExpandOpts {
    ExpandOpts {
        verify,
        cwd: cwd.map(Into::into),
        allow_files,
        ..Default::default()
    }
}

/// Expand a noderange of existing nodes/groups (unknown names are dropped).
pub fn expand_verified(
    conn: &mut Conn,
    range: &str,
    cwd: Option<&str>,
    allow_files: bool,
) -> Result<Vec<String>, ExpandError> {
    Ok(noderange::expand(conn, range, &opts(true, cwd, allow_files))?.nodes)
}

/// Expand a noderange without verification (nodeadd).
pub fn expand_unverified(
    conn: &mut Conn,
    range: &str,
    cwd: Option<&str>,
    allow_files: bool,
) -> Result<Vec<String>, ExpandError> {
    Ok(noderange::expand(conn, range, &opts(false, cwd, allow_files))?.nodes)
}
