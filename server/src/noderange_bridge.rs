//! Noderange expansion for the daemon (policy, the `noderange` built-ins and
//! the `node` list handlers receive), by the schema crate's engine in verify
//! mode.  `^file` items are read only for privileged callers.

use crate::store::{Expansion, StoreError};
use std::path::PathBuf;
use xcat_schema::db::Db;
use xcat_schema::noderange::{expand as expand_range, ExpandOpts};

pub fn expand(
    db: &Db,
    range: &str,
    cwd: Option<&str>,
    allow_files: bool,
) -> Result<Expansion, StoreError> {
    let opts = ExpandOpts {
        verify: true,
        cwd: cwd.map(PathBuf::from),
        allow_files,
        ..ExpandOpts::default()
    };
    let mut result = Err(StoreError(String::new()));
    let read = db.read(|conn| {
        result = expand_range(conn, range, &opts)
            .map(|e| Expansion {
                nodes: e.nodes,
                missing: e.missing,
            })
            .map_err(|e| StoreError(e.to_string()));
        Ok(())
    });
    read.map_err(|e| StoreError(e.to_string()))?;
    result
}
