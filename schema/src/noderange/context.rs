//! State of one expansion: the lazily loaded, in-memory copies of the tables
//! the grammar needs (each read at most once), the list of misses, and the
//! depth / size counters that guard against pathological input.

use super::{parse, ExpandOpts, NodeRangeError, MAX_DEPTH};
use crate::inherit::{site_value, GroupMap, Hierarchy, InheritCtx, NodeAttrs, RowSource};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// One active `nodegroup` row.
pub(super) struct NodeGroupRow {
    pub name: String,
    pub grouptype: Option<String>,
    pub wherevals: Option<String>,
}

/// Average name length the byte budget allows for each of the capped names.
const BYTES_PER_NAME: usize = 256;
/// Most `/regex` atoms one expansion compiles (see [`Ctx::count_regex`]).
pub const MAX_REGEXES: usize = 100;

pub(super) struct Ctx<'a> {
    pub src: &'a mut dyn RowSource,
    pub opts: &'a ExpandOpts,
    groups: Option<Arc<GroupMap>>,
    nodegroups: Option<Arc<Vec<NodeGroupRow>>>,
    inherit: Option<InheritCtx>,
    attrs: HashMap<(String, String), NodeAttrs>,
    missing: Vec<String>,
    depth: usize,
    generated: usize,
    generated_bytes: usize,
    regexes: usize,
}

impl<'a> Ctx<'a> {
    pub fn new(
        src: &'a mut dyn RowSource,
        opts: &'a ExpandOpts,
        groups: Option<Arc<GroupMap>>,
    ) -> Ctx<'a> {
        Ctx {
            src,
            opts,
            groups,
            nodegroups: None,
            inherit: None,
            attrs: HashMap::new(),
            missing: Vec::new(),
            depth: 0,
            generated: 0,
            generated_bytes: 0,
            regexes: 0,
        }
    }

    /// Active nodelist rows (node → groups), read once.
    pub fn group_map(&mut self) -> Result<Arc<GroupMap>, NodeRangeError> {
        if let Some(g) = &self.groups {
            return Ok(g.clone());
        }
        let g = Arc::new(GroupMap::load(self.src)?);
        self.groups = Some(g.clone());
        Ok(g)
    }

    /// The group map, if the expansion loaded (or was given) one.
    pub fn loaded_groups(&self) -> Option<Arc<GroupMap>> {
        self.groups.clone()
    }

    pub fn is_node(&mut self, name: &str) -> Result<bool, NodeRangeError> {
        Ok(self.group_map()?.is_node(name))
    }

    /// Members of a static group (nodes whose nodelist.groups lists it).
    pub fn static_members(&mut self, group: &str) -> Result<Vec<String>, NodeRangeError> {
        Ok(self.group_map()?.members(group).cloned().collect())
    }

    /// Active nodegroup rows, read once.
    pub fn nodegroups(&mut self) -> Result<Arc<Vec<NodeGroupRow>>, NodeRangeError> {
        if let Some(n) = &self.nodegroups {
            return Ok(n.clone());
        }
        let rows: Vec<NodeGroupRow> = self
            .src
            .active_rows("nodegroup", &["groupname", "grouptype", "wherevals"])?
            .into_iter()
            .filter_map(|r| {
                let mut it = r.into_iter();
                let name = it.next().flatten()?;
                let grouptype = it.next().flatten().filter(|v| !v.is_empty());
                let wherevals = it.next().flatten().filter(|v| !v.is_empty());
                Some(NodeGroupRow {
                    name,
                    grouptype,
                    wherevals,
                })
            })
            .collect();
        let rows = Arc::new(rows);
        self.nodegroups = Some(rows.clone());
        Ok(rows)
    }

    fn inherit_ctx(&mut self) -> Result<InheritCtx, NodeRangeError> {
        if let Some(c) = &self.inherit {
            return Ok(c.clone());
        }
        let groups = self.group_map()?;
        let hierarchy = site_value(self.src, "hierarchicalattrs")?
            .map(|v| Hierarchy::parse(&v))
            .unwrap_or_default();
        let c = InheritCtx {
            groups,
            hierarchy: Arc::new(hierarchy),
        };
        self.inherit = Some(c.clone());
        Ok(c)
    }

    /// Resolved values (inheritance + regex rows) of `table.column` for
    /// `node`: one entry per resolved row; a node without any row gives one
    /// `None` (stock compares such nodes against the empty string).
    pub fn attr_values(
        &mut self,
        table: &str,
        column: &str,
        node: &str,
    ) -> Result<Vec<Option<String>>, NodeRangeError> {
        let key = (table.to_string(), column.to_string());
        if !self.attrs.contains_key(&key) {
            let ctx = self.inherit_ctx()?;
            let a = NodeAttrs::load(self.src, &ctx, table, &[column])?;
            self.attrs.insert(key.clone(), a);
        }
        let Some(attrs) = self.attrs.get_mut(&key) else {
            return Ok(vec![None]);
        };
        let rows = attrs.resolve(node);
        if rows.is_empty() {
            return Ok(vec![None]);
        }
        Ok(rows
            .into_iter()
            .map(|r| r.values.into_iter().next().flatten())
            .collect())
    }

    pub fn push_missing(&mut self, atom: &str) {
        self.missing.push(atom.to_string());
    }

    pub fn missing_len(&self) -> usize {
        self.missing.len()
    }

    pub fn truncate_missing(&mut self, len: usize) {
        self.missing.truncate(len);
    }

    pub fn take_missing(&mut self) -> Vec<String> {
        std::mem::take(&mut self.missing)
    }

    /// True before the first nesting level is entered (the whole noderange).
    pub fn is_top(&self) -> bool {
        self.depth == 0
    }

    /// Enters one nesting level.
    pub fn enter(&mut self) -> Result<(), NodeRangeError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(NodeRangeError::TooLarge(format!(
                "noderange nested more than {MAX_DEPTH} levels deep"
            )));
        }
        Ok(())
    }

    pub fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// Counts `n` generated names against the cap.
    pub fn count(&mut self, n: usize) -> Result<(), NodeRangeError> {
        self.generated = self.generated.saturating_add(n);
        if self.generated > self.opts.max_nodes {
            return Err(NodeRangeError::TooLarge(format!(
                "noderange expands to more than {} names",
                self.opts.max_nodes
            )));
        }
        Ok(())
    }

    /// Counts one `/regex` atom against [`MAX_REGEXES`]: compiling one
    /// costs milliseconds, and bracket ranges can generate thousands of
    /// them (a fuzz case took 36 s).
    pub fn count_regex(&mut self) -> Result<(), NodeRangeError> {
        self.regexes += 1;
        if self.regexes > MAX_REGEXES {
            return Err(NodeRangeError::TooLarge(format!(
                "noderange has more than {MAX_REGEXES} regular expressions"
            )));
        }
        Ok(())
    }

    /// Counts `n` bytes of generated text (bracket expansions re-read what
    /// they generate, which can grow exponentially) against
    /// [`BYTES_PER_NAME`] times the name cap.
    pub fn count_bytes(&mut self, n: usize) -> Result<(), NodeRangeError> {
        self.generated_bytes = self.generated_bytes.saturating_add(n);
        if self.generated_bytes > self.opts.max_nodes.saturating_mul(BYTES_PER_NAME) {
            return Err(NodeRangeError::TooLarge(format!(
                "noderange expands to more than {} bytes of names",
                self.opts.max_nodes.saturating_mul(BYTES_PER_NAME)
            )));
        }
        Ok(())
    }

    /// Nodes of `site.excludenodes` (verify mode, its misses not reported).
    pub fn excluded_nodes(&mut self) -> Result<HashSet<String>, NodeRangeError> {
        let Some(value) = site_value(self.src, "excludenodes")? else {
            return Ok(HashSet::new());
        };
        let before = self.missing_len();
        let set = parse::eval_range(self, &value, true, false)?;
        self.truncate_missing(before);
        Ok(set)
    }
}
