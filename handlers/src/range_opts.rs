//! Noderange expansion options that come from the request, for every
//! handler that expands a noderange itself: the request's `cwd` (relative
//! `^file` items), whether files may be read at all (root or trusted
//! callers only) and the client's `XCAT_NODE_PREFIX` / `XCAT_NODE_SUFFIX`
//! for bare numbers (perl-xCAT/xCAT/NodeRange.pm:619-746).  Verify mode; callers that keep unknown
//! names switch `verify` off.  The one place for these options: the daemon's own expansions
//! (policy, built-ins, the node list handlers receive) use [`for_request`] too, and every
//! handler that expands a noderange itself goes through [`expand`].

use crate::api::HandlerError;
use xcat_proto::Request;
use xcat_schema::db::{Conn, DbError};
use xcat_schema::noderange::{self, ExpandOpts, NodeRangeError, PREFIX_ENV, SUFFIX_ENV};

/// Expansion options for `req`.
pub fn for_request(req: &Request, allow_files: bool) -> ExpandOpts {
    ExpandOpts {
        verify: true,
        cwd: req.cwd().map(Into::into),
        allow_files,
        node_prefix: req.env(PREFIX_ENV).map(str::to_string),
        node_suffix: req.env(SUFFIX_ENV).map(str::to_string),
        ..ExpandOpts::default()
    }
}

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

impl From<ExpandError> for HandlerError {
    fn from(e: ExpandError) -> HandlerError {
        match e {
            ExpandError::Db(d) => HandlerError::Db(d),
            ExpandError::Message(m) => HandlerError::Message(m),
        }
    }
}

/// Expand `range` with the request's options; `verify` drops names that are neither nodes
/// nor groups (off for nodeadd/mkdef's new names). Result in stock order, unique.
pub fn expand(
    conn: &mut Conn,
    range: &str,
    opts: &ExpandOpts,
    verify: bool,
) -> Result<Vec<String>, ExpandError> {
    let opts = ExpandOpts {
        verify,
        ..opts.clone()
    };
    Ok(noderange::expand(conn, range, &opts)?.nodes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use xcat_proto::Value;

    #[test]
    fn prefix_suffix_and_cwd_come_from_the_request() {
        let mut req = Request::new("nodels");
        req.set("cwd", "/root");
        let mut env = xcat_proto::Map::new();
        env.insert(PREFIX_ENV.into(), vec![Value::text("cn")]);
        env.insert(SUFFIX_ENV.into(), vec![Value::Empty]);
        req.set("environment", env);
        let o = for_request(&req, false);
        assert_eq!(o.node_prefix.as_deref(), Some("cn"));
        assert_eq!(o.node_suffix.as_deref(), Some(""));
        assert_eq!(o.cwd, Some("/root".into()));
        assert!(o.verify && !o.allow_files);
        let bare = for_request(&Request::new("nodels"), true);
        assert_eq!((bare.node_prefix, bare.cwd), (None, None));
    }
}
