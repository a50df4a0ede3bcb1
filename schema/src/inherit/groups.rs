//! Group membership from `nodelist.groups` (active rows only), in both
//! directions: the ordered group list of a node (inheritance) and the member
//! nodes of a group (noderange).  Group names are interned, so a 10,000-node
//! table costs one allocation per node.

use super::source::RowSource;
use crate::db::DbError;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The active `nodelist` rows reduced to node names and group lists.
#[derive(Debug, Default)]
pub struct GroupMap {
    /// Node names in table order.
    nodes: Vec<String>,
    /// Node name → position in `nodes`.
    index: HashMap<String, u32>,
    /// Per node: range in `group_ids`.
    spans: Vec<(u32, u32)>,
    /// Group ids of every node, concatenated.
    group_ids: Vec<u32>,
    /// Interned group names.
    group_names: Vec<String>,
    group_index: HashMap<String, u32>,
    /// Group id → member node positions (built on first use).
    members: OnceLock<Vec<Vec<u32>>>,
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

    /// Builds the map from `(node, groups)` pairs (first row of a node wins).
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, Option<String>)>) -> GroupMap {
        let mut map = GroupMap::default();
        for (node, groups) in pairs {
            if node.is_empty() || map.index.contains_key(&node) {
                continue;
            }
            let start = map.group_ids.len() as u32;
            for g in groups.as_deref().unwrap_or("").split(',') {
                if g.is_empty() {
                    continue;
                }
                let id = match map.group_index.get(g) {
                    Some(id) => *id,
                    None => {
                        let id = map.group_names.len() as u32;
                        map.group_names.push(g.to_string());
                        map.group_index.insert(g.to_string(), id);
                        id
                    }
                };
                map.group_ids.push(id);
            }
            map.spans.push((start, map.group_ids.len() as u32));
            map.index.insert(node.clone(), map.nodes.len() as u32);
            map.nodes.push(node);
        }
        map
    }

    /// Every node (active nodelist rows) in table order.
    pub fn nodes(&self) -> &[String] {
        &self.nodes
    }

    /// True if `name` is a node (has an active nodelist row).
    pub fn is_node(&self, name: &str) -> bool {
        self.index.contains_key(name)
    }

    /// The groups of `node` in `nodelist.groups` order (empty names dropped).
    pub fn groups_of(&self, node: &str) -> GroupList<'_> {
        let (a, b) = self
            .index
            .get(node)
            .and_then(|&i| self.spans.get(i as usize))
            .copied()
            .unwrap_or((0, 0));
        GroupList {
            ids: &self.group_ids[a as usize..b as usize],
            names: &self.group_names,
        }
    }

    /// Members of static group `group` (nodes listing it), in table order.
    pub fn members<'a>(&'a self, group: &str) -> impl Iterator<Item = &'a String> + 'a {
        let members = self.members.get_or_init(|| {
            let mut m: Vec<Vec<u32>> = vec![Vec::new(); self.group_names.len()];
            for (i, (a, b)) in self.spans.iter().enumerate() {
                for &g in &self.group_ids[*a as usize..*b as usize] {
                    let list = &mut m[g as usize];
                    if list.last() != Some(&(i as u32)) {
                        list.push(i as u32);
                    }
                }
            }
            m
        });
        let list = self
            .group_index
            .get(group)
            .map(|&g| members[g as usize].as_slice())
            .unwrap_or(&[]);
        list.iter().map(|&i| &self.nodes[i as usize])
    }

    /// True if some node lists `group`.
    pub fn is_group(&self, group: &str) -> bool {
        self.group_index.contains_key(group)
    }
}

/// The ordered groups of one node (borrowed from the [`GroupMap`]).
#[derive(Debug, Clone, Copy)]
pub struct GroupList<'a> {
    ids: &'a [u32],
    names: &'a [String],
}

impl<'a> GroupList<'a> {
    /// The group names in order.
    pub fn iter(&self) -> GroupIter<'a> {
        GroupIter {
            ids: self.ids.iter(),
            names: self.names,
        }
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Owned copy of the names.
    pub fn to_vec(&self) -> Vec<String> {
        self.iter().cloned().collect()
    }
}

impl<'a> IntoIterator for GroupList<'a> {
    type Item = &'a String;
    type IntoIter = GroupIter<'a>;
    fn into_iter(self) -> GroupIter<'a> {
        self.iter()
    }
}

/// Iterator over a [`GroupList`].
#[derive(Debug, Clone)]
pub struct GroupIter<'a> {
    ids: std::slice::Iter<'a, u32>,
    names: &'a [String],
}

impl<'a> Iterator for GroupIter<'a> {
    type Item = &'a String;
    fn next(&mut self) -> Option<&'a String> {
        let id = *self.ids.next()?;
        self.names.get(id as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_directions() {
        let m = GroupMap::from_pairs([
            ("a".to_string(), Some("g1,,g2".to_string())),
            ("b".to_string(), Some("g2,g2".to_string())),
            ("a".to_string(), Some("ignored".to_string())),
            ("c".to_string(), None),
        ]);
        assert_eq!(m.nodes(), ["a", "b", "c"]);
        assert_eq!(m.groups_of("a").to_vec(), ["g1", "g2"]);
        assert_eq!(m.groups_of("b").iter().collect::<Vec<_>>(), ["g2", "g2"]);
        assert!(m.groups_of("zz").is_empty());
        assert_eq!(m.groups_of("a").len(), 2);
        assert_eq!(m.members("g2").collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(m.members("ignored").count(), 0);
        assert!(m.is_node("c") && !m.is_node("g1") && m.is_group("g1"));
    }
}
