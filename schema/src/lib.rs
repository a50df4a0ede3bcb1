//! The xCAT database: every stock table on SQLite (one `<table>.sqlite` file per
//! table, as stock) and PostgreSQL, generated from one description
//! (`xcat-schema.json`), plus the semantics layered on it: the `disable` and
//! empty-value rules, node attribute inheritance with regular-expression rows,
//! the noderange grammar and the object-definition data.
//!
//! Everything here is synchronous; async callers run it on a blocking thread.

pub mod csv;
pub mod db;
pub mod ddl;
pub mod inherit;
pub mod noderange;
pub mod objects;
pub mod regexattr;
pub mod registry;
pub mod subnet;
pub mod user_regex;

// Lets `testing` name this crate as `xcat_schema::` (it is also compiled into
// this crate's integration tests by path).
extern crate self as xcat_schema;

#[cfg(any(test, feature = "testing"))]
pub mod testing;
