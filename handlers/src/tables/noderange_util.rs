//! Noderange expansion as the table commands need it: verified (group
//! members for nodegrpch) and unverified (nodeadd's new nodes), on top of
//! `xcat_schema::noderange`.  `^file` items are read only for privileged
//! callers.

use xcat_schema::db::{Conn, DbError};

/// Expand a noderange of existing nodes/groups (unknown names are dropped).
pub fn expand_verified(conn: &mut Conn, range: &str, cwd: Option<&str>) -> Result<Vec<String>, DbError> {
    let _ = (conn, cwd);
    // TEMPORARY until xcat_schema::noderange lands.
    Ok(range.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect())
}

/// Expand a noderange without verification (nodeadd).
pub fn expand_unverified(
    conn: &mut Conn,
    range: &str,
    cwd: Option<&str>,
    allow_files: bool,
) -> Result<Vec<String>, DbError> {
    let _ = (conn, cwd, allow_files);
    Ok(range.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect())
}
