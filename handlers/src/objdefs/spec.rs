//! Helpers over the object definitions (`xcat_schema::objects`): attribute
//! name sets, the row an attribute entry lives in, `only_if` checks.

use std::collections::BTreeMap;
use xcat_schema::objects::{self, AttrDef, LookupKind, ObjectDef};
use xcat_schema::registry;

/// Object type names sorted (usage texts, `-h`).
pub fn sorted_type_names() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = objects::objects().iter().map(|o| o.name).collect();
    v.sort_unstable();
    v
}

pub fn def(name: &str) -> Option<&'static ObjectDef> {
    objects::object(name)
}

/// Whether `attr` (or its `nicX` base for `nicX.eth0`) is an attribute of `def`.
pub fn is_valid_attr(def: &ObjectDef, attr: &str) -> bool {
    let base = match super::nics::split_nic_attr(attr) {
        Some((b, _)) => b,
        None => attr,
    };
    def.attrs.iter().any(|a| a.attr_name == base)
}

/// Types whose attributes are free-form (any name is accepted).
pub fn free_form(type_name: &str) -> bool {
    type_name == "site" || type_name == "monitoring"
}

/// The table an entry's row lives in (its lookup table; the entry's column is
/// read from that row — this also covers the `hwtype`/zvm source oddity).
pub fn row_table(a: &AttrDef) -> &'static str {
    a.lookup.first().map(|l| l.table).unwrap_or(a.table)
}

/// The lookup key pairs of an entry for object `obj`.
pub fn row_keys(a: &AttrDef, obj: &str) -> Vec<(String, String)> {
    a.lookup
        .iter()
        .map(|l| {
            let v = match l.kind {
                LookupKind::Attr => obj.to_string(),
                LookupKind::Str => l.value.to_string(),
            };
            (l.column.to_string(), v)
        })
        .collect()
}

/// Whether the entry is read through node/group resolution (a single
/// `attr:` lookup on the table's node column; never ppcdirect), as opposed to
/// a scan of rows matching all lookup pairs.
pub fn is_node_keyed(a: &AttrDef) -> bool {
    if a.lookup.len() != 1 || a.lookup[0].kind != LookupKind::Attr {
        return false;
    }
    let t = a.lookup[0].table;
    if t == "ppcdirect" || t == "nodegroup" {
        return false;
    }
    match registry::table(t) {
        Some(td) => td.nodekey == Some(a.lookup[0].column) || a.lookup[0].column == "node",
        None => false,
    }
}

/// Perl `$value =~ /\b\Q$want\E\b/`.
pub fn word_match(value: &str, want: &str) -> bool {
    if want.is_empty() {
        return true;
    }
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let wfirst = want.chars().next().map(is_word).unwrap_or(false);
    let wlast = want.chars().last().map(is_word).unwrap_or(false);
    let mut start = 0;
    while let Some(p) = value[start..].find(want) {
        let s = start + p;
        let e = s + want.len();
        let before = value[..s].chars().last();
        let after = value[e..].chars().next();
        let left_ok = match before {
            None => wfirst,
            Some(c) => is_word(c) != wfirst,
        };
        let right_ok = match after {
            None => wlast,
            Some(c) => is_word(c) != wlast,
        };
        if left_ok && right_ok {
            return true;
        }
        start = s + want.chars().next().map(char::len_utf8).unwrap_or(1);
    }
    false
}

/// Attribute values to check `only_if` conditions against.
pub struct CondSources<'a> {
    pub new: &'a BTreeMap<String, String>,
    pub db: Option<&'a BTreeMap<String, String>>,
    pub groups: &'a [BTreeMap<String, String>],
}

impl CondSources<'_> {
    pub fn satisfied(&self, attr: &str, want: &str) -> bool {
        let hit = |m: &BTreeMap<String, String>| m.get(attr).is_some_and(|v| word_match(v, want));
        hit(self.new) || self.db.is_some_and(hit) || self.groups.iter().any(hit)
    }
}

/// Stock validate_only_if_attrs: messages for attributes being set whose every
/// entry is conditional and no condition holds.
pub fn only_if_failures(def: &ObjectDef, src: &CondSources) -> Vec<String> {
    let mut unconditional: Vec<&str> = Vec::new();
    let mut valid: Vec<&str> = Vec::new();
    let mut invalid: BTreeMap<&str, &str> = BTreeMap::new();
    let mut conds: BTreeMap<&str, std::collections::BTreeSet<&str>> = BTreeMap::new();
    let p = plan(def);
    for i in p.indexes(src.new.keys().map(String::as_str)) {
        let a = &def.attrs[i];
        match a.only_if {
            None => unconditional.push(a.attr_name),
            Some(c) => {
                if src.satisfied(c.attr, c.value) {
                    valid.push(a.attr_name);
                } else if !valid.contains(&a.attr_name) {
                    invalid.insert(a.attr_name, c.attr);
                    conds.entry(c.attr).or_default().insert(c.value);
                }
            }
        }
    }
    let mut out = Vec::new();
    for (attr, cond) in invalid {
        if unconditional.contains(&attr) || valid.contains(&attr) {
            continue;
        }
        let list: Vec<&str> = conds
            .get(cond)
            .map(|s| s.iter().copied().collect())
            .unwrap_or_default();
        out.push(format!(
            "Cannot set the attr='{attr}' attribute unless {cond} value is {}.",
            list.join(" or ")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_boundaries() {
        assert!(word_match("ppc,osi", "ppc"));
        assert!(!word_match("ppcx", "ppc"));
        assert!(word_match("ipmi", "ipmi"));
        assert!(!word_match("openbmc", "bmc"));
    }

    #[test]
    fn only_if_message() {
        let d = def("node").unwrap();
        let mut new = BTreeMap::new();
        new.insert("bmc".to_string(), "x".to_string());
        let src = CondSources {
            new: &new,
            db: None,
            groups: &[],
        };
        assert_eq!(
            only_if_failures(d, &src),
            vec![
                "Cannot set the attr='bmc' attribute unless mgt value is ipmi or openbmc."
                    .to_string()
            ]
        );
        new.insert("mgt".to_string(), "openbmc".to_string());
        let src = CondSources {
            new: &new,
            db: None,
            groups: &[],
        };
        assert!(only_if_failures(d, &src).is_empty());
    }
}

/// Precomputed facts about one attribute entry (hot loops of the reader).
#[derive(Debug, Clone, Copy)]
pub struct EntryPlan {
    /// Table the entry's row lives in.
    pub table: &'static str,
    /// Read through node/group resolution.
    pub node_keyed: bool,
    /// Index of the entry's column among the table's registry columns.
    pub col: Option<usize>,
    /// Index of `table` in [`TypePlan::tables`] (node-keyed entries).
    pub slot: usize,
}

/// Per object type: one plan per attribute entry, and the node-keyed tables.
#[derive(Debug, Clone, Default)]
pub struct TypePlan {
    pub entries: Vec<EntryPlan>,
    pub tables: Vec<&'static str>,
    /// attr_name → indexes of its entries (defspec order).
    pub by_name: std::collections::HashMap<&'static str, Vec<usize>>,
}

impl TypePlan {
    /// Entry indexes (ascending) of the named attributes.
    pub fn indexes<'a>(&self, names: impl IntoIterator<Item = &'a str>) -> Vec<usize> {
        let mut v: Vec<usize> = names
            .into_iter()
            .filter_map(|n| self.by_name.get(n))
            .flatten()
            .copied()
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }
}

fn build_plan(def: &ObjectDef) -> TypePlan {
    let mut p = TypePlan::default();
    for a in def.attrs {
        let table = row_table(a);
        let node_keyed = is_node_keyed(a);
        let col = registry::table(table).and_then(|t| t.cols.iter().position(|c| *c == a.column));
        let slot = if node_keyed {
            match p.tables.iter().position(|t| *t == table) {
                Some(i) => i,
                None => {
                    p.tables.push(table);
                    p.tables.len() - 1
                }
            }
        } else {
            0
        };
        p.by_name
            .entry(a.attr_name)
            .or_default()
            .push(p.entries.len());
        p.entries.push(EntryPlan {
            table,
            node_keyed,
            col,
            slot,
        });
    }
    p
}

/// The plan of `def` (built once per process).
pub fn plan(def: &ObjectDef) -> &'static TypePlan {
    static PLANS: std::sync::OnceLock<Vec<TypePlan>> = std::sync::OnceLock::new();
    let plans = PLANS.get_or_init(|| objects::objects().iter().map(build_plan).collect());
    let i = objects::objects()
        .iter()
        .position(|o| o.name == def.name)
        .unwrap_or(0);
    &plans[i]
}
