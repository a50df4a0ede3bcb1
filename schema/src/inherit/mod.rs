//! Node attribute resolution (stock `getNodeAttribs`): the
//! node's own row(s), then each group in `nodelist.groups` order, attribute by
//! attribute; `site.hierarchicalattrs` columns concatenate instead; regex rows
//! are evaluated with the node name; `nodelist` itself never inherits.
//!
//! Data access is bulk: [`InheritCtx::load`] reads `nodelist` and the site
//! key once per request, [`NodeAttrs::load`] reads the needed columns of one
//! table once; everything else happens in memory.
//!
//! ```ignore
//! let ctx = InheritCtx::load(conn)?;
//! let mut attrs = NodeAttrs::load(conn, &ctx, "nodehm", &["mgt", "power"])?;
//! for row in attrs.resolve("n1") { /* row.values[0], row.from[0] */ }
//! ```

mod groups;
mod hierarchy;
mod resolve;
mod source;

pub use groups::{GroupIter, GroupList, GroupMap};
pub use hierarchy::{dedup_join, Hierarchy};
pub use resolve::{nodekey_of, NodeAttrs, ResolvedRow};
pub use source::{is_active, site_value, MemTables, RowSource};

use crate::db::DbError;
use std::sync::Arc;

/// What every resolution of one request shares: group membership and the
/// hierarchical-attribute setting.
#[derive(Debug, Clone, Default)]
pub struct InheritCtx {
    pub groups: Arc<GroupMap>,
    pub hierarchy: Arc<Hierarchy>,
}

impl InheritCtx {
    /// Reads `nodelist.node,groups` and `site.hierarchicalattrs`.
    pub fn load(src: &mut dyn RowSource) -> Result<InheritCtx, DbError> {
        let groups = GroupMap::load(src)?;
        let hierarchy = site_value(src, "hierarchicalattrs")?
            .map(|v| Hierarchy::parse(&v))
            .unwrap_or_default();
        Ok(InheritCtx {
            groups: Arc::new(groups),
            hierarchy: Arc::new(hierarchy),
        })
    }

    /// Like [`InheritCtx::load`] with an already loaded group map (e.g. the
    /// one a noderange expansion of the same request used).
    pub fn load_with_groups(
        src: &mut dyn RowSource,
        groups: Arc<GroupMap>,
    ) -> Result<InheritCtx, DbError> {
        let hierarchy = site_value(src, "hierarchicalattrs")?
            .map(|v| Hierarchy::parse(&v))
            .unwrap_or_default();
        Ok(InheritCtx {
            groups,
            hierarchy: Arc::new(hierarchy),
        })
    }

    /// Builds a context from already known parts.
    pub fn new(groups: GroupMap, hierarchy: Hierarchy) -> InheritCtx {
        InheritCtx {
            groups: Arc::new(groups),
            hierarchy: Arc::new(hierarchy),
        }
    }
}
