//! Dynamic groups (`nodegroup.grouptype=dynamic`): the members are the nodes
//! whose node-object attributes satisfy every `attr==v::attr=~re::…` item of
//! `wherevals` (stock `getGroupMembers` + `selection_string_match`).
//! Attributes are node object attributes (`os`, `mgt`, `groups`, …) mapped
//! to their table column through the object definitions and resolved with
//! inheritance; `node` is the node name.  An unset attribute never matches.
//! Attributes stored under a non-node key (the `passwd.*` entries of
//! `ppcdirect`) count as unset here.

use super::context::Ctx;
use super::selectors::{parse_selector, Matcher, Selector, SelectorSyntax};
use super::NodeRangeError;
use crate::inherit::nodekey_of;
use crate::objects::{self, AttrDef, LookupKind};

/// The tests of a `wherevals` string (`a==b::c=~d`): stock's parse_selection_string
/// stops at the first malformed item and getGroupMembers goes on with the tests parsed
/// before it (perl-xCAT/xCAT/Utils.pm:2601, perl-xCAT/xCAT/DBobjUtils.pm:1877-1884); a
/// later test of the same attribute replaces an earlier one (a hash there). An item whose
/// regex does not compile counts as malformed.
pub fn wherevals_tests(wherevals: &str) -> Vec<(Selector, Matcher)> {
    let mut tests: Vec<(Selector, Matcher)> = Vec::new();
    for item in wherevals.split("::") {
        let Some(sel) = parse_selector(item, SelectorSyntax::Where) else {
            break;
        };
        let Ok(m) = sel.matcher() else { break };
        tests.retain(|(s, _)| s.label != sel.label);
        tests.push((sel, m));
    }
    tests
}

/// Member nodes of a dynamic group, in nodelist order.
pub(super) fn members(cx: &mut Ctx<'_>, wherevals: &str) -> Result<Vec<String>, NodeRangeError> {
    let tests: Vec<(String, Matcher)> = wherevals_tests(wherevals)
        .into_iter()
        .map(|(s, m)| (s.label, m))
        .collect();
    let map = cx.group_map()?;
    let mut out = Vec::new();
    'nodes: for node in map.nodes() {
        for (attr, matcher) in &tests {
            match node_attr(cx, attr, node, 0)? {
                Some(v) if matcher.matches(&v) => {}
                _ => continue 'nodes,
            }
        }
        out.push(node.clone());
    }
    Ok(out)
}

/// The value of node-object attribute `attr` for `node`.
fn node_attr(
    cx: &mut Ctx<'_>,
    attr: &str,
    node: &str,
    depth: usize,
) -> Result<Option<String>, NodeRangeError> {
    if attr == "node" {
        return Ok(Some(node.to_string()));
    }
    let Some(def) = objects::object("node") else {
        return Ok(None);
    };
    let entries: Vec<&AttrDef> = def.entries(attr).collect();
    for entry in entries {
        if let Some(cond) = entry.only_if {
            if depth > 2 {
                continue;
            }
            let v = node_attr(cx, cond.attr, node, depth + 1)?;
            if v.as_deref() != Some(cond.value) {
                continue;
            }
        }
        if !keyed_by_node(entry) {
            return Ok(None);
        }
        let values = cx.attr_values(entry.table, entry.column, node)?;
        return Ok(values.into_iter().next().flatten());
    }
    Ok(None)
}

/// True for the ordinary `table.nodekey=attr:node` lookup.
fn keyed_by_node(entry: &AttrDef) -> bool {
    matches!(entry.lookup, [l] if l.kind == LookupKind::Attr
        && l.value == "node"
        && l.table == entry.table
        && l.column == nodekey_of(entry.table))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_wherevals_keeps_the_tests_before_it() {
        let labels = |w: &str| -> Vec<String> {
            wherevals_tests(w)
                .into_iter()
                .map(|(s, _)| s.label)
                .collect()
        };
        assert_eq!(labels("os==rh::bogus::arch==x86"), ["os"]);
        assert_eq!(labels("os==rh::arch=~[::mgt==ipmi"), ["os"]);
        assert_eq!(labels("os==a::arch==x::os=~b"), ["arch", "os"]);
        assert!(labels("bogus::os==rh").is_empty());
    }
}
