//! Group membership from `nodelist.groups` (active rows only), in both
//! directions: the ordered group list of a node (inheritance) and the member
//! nodes of a group (noderange).

use super::source::RowSource;
use crate::db::DbError;
use std::collections::HashMap;

/// The active `nodelist` rows reduced to node names and group lists.
#[derive(Debug, Clone, Default)]
pub struct GroupMap {
    /// Node names in table order.
    nodes: Vec<String>,
    /// Node → its groups, in `nodelist.groups` order (empty names dropped).
    groups: HashMap<String, Vec<String>>,
}

impl GroupMap {
    /// Reads `nodelist.node,groups` once.
    pub fn load(src: &mut dyn RowSource) -> Result<GroupMap, DbError> {
        let rows = src.active_rows("nodelist", &["node", "groups"])?;
        Ok(GroupMap::from_pairs(rows.into_iter().filter_map(|r| {
            let mut it = r.into_iter();
            let node = it.next().flatten()?;
            Some((node, it.next().flatten()))
        })))
    }

    /// Builds the map from `(node, groups)` pairs.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, Option<String>)>) -> GroupMap {
        let mut map = GroupMap::default();
        for (node, groups) in pairs {
            if node.is_empty() || map.groups.contains_key(&node) {
                continue;
            }
            let list = groups
                .as_deref()
                .unwrap_or("")
                .split(',')
                .filter(|g| !g.is_empty())
                .map(str::to_string)
                .collect();
            map.nodes.push(node.clone());
            map.groups.insert(node, list);
        }
        map
    }

    /// Every node (active nodelist rows) in table order.
    pub fn nodes(&self) -> &[String] {
        &self.nodes
    }

    /// True if `name` is a node (has an active nodelist row).
    pub fn is_node(&self, name: &str) -> bool {
        self.groups.contains_key(name)
    }

    /// The groups of `node` in `nodelist.groups` order.
    pub fn groups_of(&self, node: &str) -> &[String] {
        self.groups.get(node).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Group → member nodes (table order), built on demand.
    pub fn members_index(&self) -> HashMap<&str, Vec<&str>> {
        let mut idx: HashMap<&str, Vec<&str>> = HashMap::new();
        for node in &self.nodes {
            for g in self.groups_of(node) {
                let members = idx.entry(g.as_str()).or_default();
                if members.last() != Some(&node.as_str()) {
                    members.push(node.as_str());
                }
            }
        }
        idx
    }
}
