//! Noderange expansion for the object commands (stock calls `noderange($r, 0)`
//! for names, verify mode only for `/regex` ranges).
//!
//! Bridge: a compact expander (lists, exclusions, brackets, `a-b` ranges,
//! `x+N`, static groups, `/regex`) used until `xcat_schema::noderange` is
//! available.

use super::cache::Cache;
use crate::api::HandlerError;
use std::collections::BTreeSet;
use xcat_schema::db::Conn;

/// Expand `range`; `verify` drops names that are neither nodes nor groups.
/// Result sorted (byte order), unique.
pub fn expand(conn: &mut Conn, cache: &mut Cache, range: &str, verify: bool) -> Result<Vec<String>, HandlerError> {
    let range: String = range.chars().filter(|c| *c != '\'' && *c != '"').collect();
    let t = cache.active(conn, "nodelist")?;
    let (nc, gc) = (t.col("node"), t.col("groups"));
    let mut nodes: BTreeSet<String> = BTreeSet::new();
    let mut groups: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for i in 0..t.rows.len() {
        let Some(n) = nc.and_then(|c| t.get(i, c)) else { continue };
        nodes.insert(n.to_string());
        if let Some(g) = gc.and_then(|c| t.get(i, c)) {
            for gr in g.split(',').filter(|s| !s.is_empty()) {
                groups.entry(gr.to_string()).or_default().push(n.to_string());
            }
        }
    }
    let mut out: BTreeSet<String> = BTreeSet::new();
    let mut excl: BTreeSet<String> = BTreeSet::new();
    for tok in split_top(&range) {
        let (neg, atom) = match tok.strip_prefix('-') {
            Some(a) => (true, a.to_string()),
            None => (false, tok.clone()),
        };
        let mut got = Vec::new();
        expand_atom(&atom, &nodes, &groups, verify, &mut got);
        if neg {
            excl.extend(got);
        } else {
            out.extend(got);
        }
    }
    Ok(out.into_iter().filter(|n| !excl.contains(n)).collect())
}

fn split_top(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut cur = String::new();
    for c in s.chars() {
        match c {
            '[' | '(' => depth += 1,
            ']' | ')' => depth -= 1,
            ',' if depth == 0 => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn expand_atom(
    atom: &str,
    nodes: &BTreeSet<String>,
    groups: &std::collections::BTreeMap<String, Vec<String>>,
    verify: bool,
    out: &mut Vec<String>,
) {
    if nodes.contains(atom) {
        out.push(atom.to_string());
        return;
    }
    if let Some(m) = groups.get(atom) {
        out.extend(m.iter().cloned());
        return;
    }
    if let Some(re) = atom.strip_prefix('/') {
        if let Ok(r) = fancy_regex::Regex::new(&format!("^(?:{re})$")) {
            out.extend(nodes.iter().filter(|n| r.is_match(n).unwrap_or(false)).cloned());
        }
        return;
    }
    if let (Some(o), Some(c)) = (atom.find('['), atom.find(']')) {
        if o < c {
            let (pre, inner, post) = (&atom[..o], &atom[o + 1..c], &atom[c + 1..]);
            for part in inner.split(',') {
                let items: Vec<String> = match part.split_once('-').or_else(|| part.split_once(':')) {
                    Some((a, b)) => num_range(a, b).unwrap_or_else(|| vec![part.to_string()]),
                    None => vec![part.to_string()],
                };
                for it in items {
                    expand_atom(&format!("{pre}{it}{post}"), nodes, groups, verify, out);
                }
            }
            return;
        }
    }
    if let Some((a, b)) = atom.split_once(['-', ':']) {
        if let (Some((pa, na)), Some((pb, nb))) = (split_num(a), split_num(b)) {
            if pa == pb {
                if let Some(items) = num_range(na, nb) {
                    for it in items {
                        expand_atom(&format!("{pa}{it}"), nodes, groups, verify, out);
                    }
                    return;
                }
            }
        }
    }
    if let Some((a, n)) = atom.split_once('+') {
        if let (Some((p, na)), Ok(k)) = (split_num(a), n.parse::<u64>()) {
            let w = na.len();
            if let Ok(start) = na.parse::<u64>() {
                for i in start..=start + k {
                    expand_atom(&format!("{p}{i:0w$}"), nodes, groups, verify, out);
                }
                return;
            }
        }
    }
    if !verify {
        out.push(atom.to_string());
    }
}

fn split_num(s: &str) -> Option<(&str, &str)> {
    let i = s.rfind(|c: char| !c.is_ascii_digit()).map(|i| i + 1).unwrap_or(0);
    (i < s.len()).then(|| (&s[..i], &s[i..]))
}

fn num_range(a: &str, b: &str) -> Option<Vec<String>> {
    let (x, y) = (a.parse::<u64>().ok()?, b.parse::<u64>().ok()?);
    if y < x || y - x > 1_000_000 {
        return None;
    }
    let w = if a.starts_with('0') { a.len() } else { 0 };
    Some((x..=y).map(|i| format!("{i:0w$}")).collect())
}
