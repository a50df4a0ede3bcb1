//! Noderange expansion for the daemon (policy, the `noderange` built-ins and
//! the `node` list handlers receive), by the schema crate's engine in verify
//! mode.  `^file` items are read only for privileged callers.  A bare number
//! becomes `<XCAT_NODE_PREFIX><n><XCAT_NODE_SUFFIX>`, both taken from the
//! `<environment>` the stock client forwards (stock honours them only in
//! XCATBYPASS mode; xcatd-rs honours them for daemon requests too).

use crate::store::{Expansion, RangeOpts, StoreError};
use xcat_schema::db::Db;
use xcat_schema::noderange::{expand_keeping_groups, ExpandOpts, NodeRangeError};

/// Expansion options for `req` (its `cwd` and environment): the handlers' one place.
pub use xcat_handlers::range_opts::for_request as range_opts;

/// Expand `range` in verify mode.
pub fn expand(db: &Db, range: &str, opts: &RangeOpts) -> Result<Expansion, StoreError> {
    let opts = ExpandOpts {
        verify: true,
        ..opts.clone()
    };
    let mut result = Err(StoreError::Other(String::new()));
    let read = db.read(|conn| {
        result = expand_keeping_groups(conn, range, &opts)
            .map(|(e, groups)| Expansion {
                nodes: e.nodes,
                missing: e.missing,
                groups,
            })
            .map_err(|e| match e {
                NodeRangeError::Db(e) => StoreError::Database(e.to_string()),
                other => StoreError::Other(other.to_string()),
            });
        Ok(())
    });
    read.map_err(|e| StoreError::Database(e.to_string()))?;
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use xcat_proto::Request;

    fn request(xml: &str) -> Request {
        let doc = xcat_proto::parse_document(xml.as_bytes()).unwrap();
        Request::from_map(doc.map)
    }

    #[test]
    fn prefix_and_suffix_come_from_the_environment() {
        let req = request(
            "<xcatrequest><command>nodels</command><noderange>10-12</noderange><cwd>/tmp</cwd>\
             <environment><XCAT_NODE_PREFIX>abc</XCAT_NODE_PREFIX>\
             <XCAT_NODE_SUFFIX>-x</XCAT_NODE_SUFFIX></environment></xcatrequest>",
        );
        let o = range_opts(&req, true);
        assert_eq!(o.node_prefix.as_deref(), Some("abc"));
        assert_eq!(o.node_suffix.as_deref(), Some("-x"));
        assert_eq!(o.cwd.as_deref(), Some(std::path::Path::new("/tmp")));
        assert!(o.verify && o.allow_files);
    }

    #[test]
    fn empty_prefix_is_set_and_absent_is_default() {
        let req = request(
            "<xcatrequest><command>nodels</command>\
             <environment><XCAT_NODE_PREFIX></XCAT_NODE_PREFIX></environment></xcatrequest>",
        );
        let o = range_opts(&req, false);
        assert_eq!(o.node_prefix.as_deref(), Some(""));
        assert_eq!(o.node_suffix, None);
        let bare = request("<xcatrequest><command>nodels</command></xcatrequest>");
        assert_eq!(range_opts(&bare, false), RangeOpts::default());
    }

    #[test]
    fn bare_numbers_expand_with_the_request_prefix() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&xcat_schema::db::DbLocation::SqliteDir(
            dir.path().to_path_buf(),
        ))
        .unwrap();
        db.write(|c| {
            for n in ["abc10-x", "abc11-x", "node10"] {
                c.insert("nodelist", &["node", "groups"], &[Some(n), Some("all")])?;
            }
            Ok::<(), xcat_schema::db::DbError>(())
        })
        .unwrap();
        let with_env = RangeOpts {
            node_prefix: Some("abc".into()),
            node_suffix: Some("-x".into()),
            ..RangeOpts::default()
        };
        let e = expand(&db, "10-11", &with_env).unwrap();
        assert_eq!(e.nodes, vec!["abc10-x", "abc11-x"]);
        let e = expand(&db, "10", &RangeOpts::default()).unwrap();
        assert_eq!(e.nodes, vec!["node10"]);
    }
}
