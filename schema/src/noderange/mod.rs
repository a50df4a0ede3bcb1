//! The noderange grammar (perl-xCAT/xCAT/NodeRange.pm:619-746, stock `xCAT::NodeRange::noderange`):
//! quotes removed, parentheses, `,` / `@` splitting, exclusions applied last,
//! intersections, `^file`, node names, dynamic and static groups, attribute
//! selectors, bare numbers, `/regex`, bracket ranges, `+N`, `a-b` / `a:b`
//! ranges with zero padding, and `site.excludenodes`.
//!
//! Data is read in bulk, once per expansion (nodelist, nodegroup, site, and
//! the tables an attribute selector names); the evaluation runs in memory.
//!
//! Deliberate differences from stock (what an admin expects; see the report
//! in the README compatibility section):
//! * misses inside `site.excludenodes` are not reported, and reading a
//!   `^file` or `site.excludenodes` does not reset the list of misses of the
//!   rest of the noderange (stock resets it);
//! * misses coming from a `^file` line are reported as the `^file` token, never
//!   as the file's text;
//! * `-^file` / `@^file` exclude / intersect (stock always adds);
//! * `/regex` matches the full node name (`^(?:re)$`), so alternations are
//!   anchored as a whole;
//! * attribute selectors need an exact column name (stock matched a
//!   substring of the column list);
//! * expansions are capped ([`ExpandOpts::max_nodes`]) and nesting depth is
//!   limited, with a clear error instead of exhausting memory.

mod atoms;
mod context;
mod dynamic;
mod files;
mod parse;
mod ranges;
mod selectors;
mod sort;

pub use dynamic::wherevals_tests;
pub use selectors::{
    parse_selector, short_name, table_column, MatchOp, Matcher, Selector, SelectorSyntax,
};
pub use sort::{is_hidden, sort_numericish, sort_stock};

use crate::db::{Conn, DbError};
use crate::inherit::{GroupMap, RowSource};
use std::path::PathBuf;
use std::sync::Arc;

/// Default cap on generated names.
pub const DEFAULT_MAX_NODES: usize = 1_000_000;
/// Deepest nesting of noderange/atom evaluation.
pub const MAX_DEPTH: usize = 200;

/// How to expand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpandOpts {
    /// Names must exist (default).  `false` = syntactic expansion for
    /// nodeadd/mkdef: unknown names are kept as they are.
    pub verify: bool,
    /// Directory relative `^file` paths are resolved against (the request's
    /// `cwd`).
    pub cwd: Option<PathBuf>,
    /// `^file` may be read (root or trusted callers only).
    pub allow_files: bool,
    /// `XCAT_NODE_PREFIX` for bare numbers (default `node`).
    pub node_prefix: Option<String>,
    /// `XCAT_NODE_SUFFIX` for bare numbers (default empty).
    pub node_suffix: Option<String>,
    /// Remove `site.excludenodes` (default true).
    pub honor_excludenodes: bool,
    /// Cap on generated names (ranges, files) and on the result size.
    pub max_nodes: usize,
}

impl Default for ExpandOpts {
    fn default() -> Self {
        ExpandOpts {
            verify: true,
            cwd: None,
            allow_files: false,
            node_prefix: None,
            node_suffix: None,
            honor_excludenodes: true,
            max_nodes: DEFAULT_MAX_NODES,
        }
    }
}

/// The client environment variables (forwarded in a request's
/// `<environment>`) that name the prefix and suffix of bare numbers.
pub const PREFIX_ENV: &str = "XCAT_NODE_PREFIX";
pub const SUFFIX_ENV: &str = "XCAT_NODE_SUFFIX";

/// Result of an expansion.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expansion {
    /// The nodes, in stock order (byte-wise string sort, `node10 < node2`).
    pub nodes: Vec<String>,
    /// Atoms that did not resolve (verify mode), in the order met.
    pub missing: Vec<String>,
}

impl Expansion {
    /// `Invalid nodes and/or groups in noderange: a,b` when something is
    /// missing (the daemon prefixes `Error: [server]: ` through the client).
    pub fn missing_message(&self) -> Option<String> {
        if self.missing.is_empty() {
            None
        } else {
            Some(format!(
                "Invalid nodes and/or groups in noderange: {}",
                self.missing.join(",")
            ))
        }
    }
}

/// Why an expansion failed.
#[derive(Debug, thiserror::Error)]
pub enum NodeRangeError {
    #[error(transparent)]
    Db(#[from] DbError),
    /// Malformed noderange (unbalanced parentheses, bad selector regex).
    #[error("{0}")]
    Syntax(String),
    /// More names or deeper nesting than allowed.
    #[error("{0}")]
    TooLarge(String),
    /// `^file` used by a caller that may not read files.
    #[error("Reading a noderange from a file (^{0}) is not allowed for this user")]
    FileNotAllowed(String),
}

/// Expands `range` over the database (pinned entry point).
pub fn expand(
    conn: &mut Conn,
    range: &str,
    opts: &ExpandOpts,
) -> Result<Expansion, NodeRangeError> {
    expand_in(conn, range, opts)
}

/// Expands `range` over any [`RowSource`] (in-memory tables in tests).
pub fn expand_in(
    src: &mut dyn RowSource,
    range: &str,
    opts: &ExpandOpts,
) -> Result<Expansion, NodeRangeError> {
    let mut cx = context::Ctx::new(src, opts, None);
    run_in(&mut cx, range, opts)
}

/// Expands `range` reusing the nodelist already loaded for this request
/// (e.g. `InheritCtx::groups`), so nodelist is read once.
pub fn expand_with_groups(
    src: &mut dyn RowSource,
    range: &str,
    opts: &ExpandOpts,
    groups: Arc<GroupMap>,
) -> Result<Expansion, NodeRangeError> {
    let mut cx = context::Ctx::new(src, opts, Some(groups));
    run_in(&mut cx, range, opts)
}

/// Like [`expand`], also handing back the nodelist group map the expansion
/// loaded (when it needed one), so the caller's attribute resolution
/// (`InheritCtx::load_with_groups`) does not read nodelist again.
pub fn expand_keeping_groups(
    conn: &mut Conn,
    range: &str,
    opts: &ExpandOpts,
) -> Result<(Expansion, Option<Arc<GroupMap>>), NodeRangeError> {
    let mut cx = context::Ctx::new(conn, opts, None);
    let expansion = run_in(&mut cx, range, opts)?;
    Ok((expansion, cx.loaded_groups()))
}

fn run_in(
    cx: &mut context::Ctx<'_>,
    range: &str,
    opts: &ExpandOpts,
) -> Result<Expansion, NodeRangeError> {
    let mut set = parse::eval_range(cx, range, opts.verify, false)?;
    if opts.honor_excludenodes {
        for n in cx.excluded_nodes()? {
            set.remove(&n);
        }
    }
    // Literal names are not counted as they are read (only generated ones
    // are), so the result size is checked here too.
    if set.len() > opts.max_nodes {
        return Err(NodeRangeError::TooLarge(format!(
            "noderange expands to more than {} names",
            opts.max_nodes
        )));
    }
    let mut nodes: Vec<String> = set.into_iter().collect();
    sort_stock(&mut nodes);
    Ok(Expansion {
        nodes,
        missing: cx.take_missing(),
    })
}
