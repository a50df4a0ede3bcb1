//! One atom of a noderange (stock `expandatom`), first match wins: existing
//! node, `( … )` / `@` sub-ranges, dynamic group, static group, group defined
//! in nodegroup without members, attribute selector, bare number, `/regex`,
//! bracket range, `+N`, `-`/`:` range, else a miss (verify mode) or the atom
//! itself (no-verify mode).

use super::context::Ctx;
use super::{dynamic, parse, ranges, selectors, NodeRangeError};

pub(super) fn expand_atom(
    cx: &mut Ctx<'_>,
    atom: &str,
    verify: bool,
    generic: bool,
) -> Result<Vec<String>, NodeRangeError> {
    cx.enter()?;
    let r = expand_inner(cx, atom, verify, generic);
    cx.leave();
    r
}

fn expand_inner(
    cx: &mut Ctx<'_>,
    atom: &str,
    verify: bool,
    generic: bool,
) -> Result<Vec<String>, NodeRangeError> {
    if !generic && cx.is_node(atom)? {
        return Ok(vec![atom.to_string()]);
    }
    if atom.len() >= 2 && atom.starts_with('(') && atom.ends_with(')') {
        let inner = &atom[1..atom.len() - 1];
        return Ok(parse::eval_range(cx, inner, verify, generic)?
            .into_iter()
            .collect());
    }
    if atom.contains('@') {
        return Ok(parse::eval_range(cx, atom, verify, generic)?
            .into_iter()
            .collect());
    }

    let mut nodes = Vec::new();
    if !generic {
        let groups = cx.nodegroups()?;
        let dynamic_row = groups
            .iter()
            .find(|g| g.name == atom && g.grouptype.as_deref() == Some("dynamic"));
        match dynamic_row {
            Some(row) => {
                let wherevals = row.wherevals.clone().unwrap_or_default();
                nodes = dynamic::members(cx, &wherevals)?;
            }
            None => nodes = cx.static_members(atom)?,
        }
        if nodes.is_empty() && groups.iter().any(|g| g.name == atom) {
            // A group defined in nodegroup without members: empty, no error.
            return Ok(nodes);
        }
    }

    if atom.contains('=') || atom.contains('~') {
        return selectors::select_nodes(cx, atom);
    }
    if !atom.is_empty() && atom.bytes().all(|b| b.is_ascii_digit()) {
        let prefix = cx.opts.node_prefix.clone().unwrap_or_else(|| "node".into());
        let suffix = cx.opts.node_suffix.clone().unwrap_or_default();
        return expand_atom(cx, &format!("{prefix}{atom}{suffix}"), verify, generic);
    }
    if !nodes.is_empty() {
        return Ok(nodes);
    }
    if let Some(re) = atom.strip_prefix('/') {
        if !verify || generic {
            return Ok(vec![atom.to_string()]);
        }
        return regex_nodes(cx, re);
    }
    if let Some(parts) = ranges::bracket_parts(atom) {
        return ranges::expand_brackets(cx, &parts, verify, generic);
    }
    if atom.contains('+') {
        if let Some(r) = ranges::expand_plus(cx, atom, verify, generic)? {
            return Ok(r);
        }
    } else if atom.contains('-') || atom.contains(':') {
        return ranges::expand_dash_range(cx, atom, verify, generic);
    }
    Ok(miss(cx, atom, verify))
}

/// A miss: recorded in verify mode, the atom itself otherwise.
pub(super) fn miss(cx: &mut Ctx<'_>, atom: &str, verify: bool) -> Vec<String> {
    if verify {
        cx.push_missing(atom);
        Vec::new()
    } else {
        vec![atom.to_string()]
    }
}

/// Nodes whose full name matches the Perl regular expression.
fn regex_nodes(cx: &mut Ctx<'_>, re: &str) -> Result<Vec<String>, NodeRangeError> {
    cx.count_regex()?;
    let pattern = crate::user_regex::compile(&format!("^(?:{re})$"))
        .map_err(|e| NodeRangeError::Syntax(format!("Invalid regular expression /{re}: {e}")))?;
    let map = cx.group_map()?;
    Ok(map
        .nodes()
        .iter()
        .filter(|n| pattern.is_match(n).unwrap_or(false))
        .cloned()
        .collect())
}
