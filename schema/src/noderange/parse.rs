//! The `noderange()` level of the grammar: quote removal, the first balanced
//! parenthesised part, splitting on `,` (outside `[...]`/`(...)`) or else on
//! `@`, the left-to-right union / intersection, `^file` items, and the
//! exclusions collected and subtracted at the end.

use super::context::Ctx;
use super::{atoms, files, NodeRangeError};
use std::collections::HashSet;

/// How an item combines with what is accumulated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Union,
    Exclude,
    Intersect,
}

/// Evaluates one noderange string to a set of names.
pub(super) fn eval_range(
    cx: &mut Ctx<'_>,
    range: &str,
    verify: bool,
    generic: bool,
) -> Result<HashSet<String>, NodeRangeError> {
    cx.enter()?;
    let r = eval_inner(cx, range, verify, generic);
    cx.leave();
    r
}

fn eval_inner(
    cx: &mut Ctx<'_>,
    range: &str,
    verify: bool,
    generic: bool,
) -> Result<HashSet<String>, NodeRangeError> {
    let cleaned: String = range.chars().filter(|c| *c != '\'' && *c != '"').collect();
    let mut range = cleaned.as_str();
    let mut nodes: HashSet<String> = HashSet::new();
    let mut excluded: HashSet<String> = HashSet::new();

    if range.contains('(') {
        let Some((open, close)) = first_balanced(range) else {
            return Err(NodeRangeError::Syntax(
                "Unbalanced parentheses in noderange".into(),
            ));
        };
        let mut start = &range[..open];
        let middle = &range[open + 1..close - 1];
        let op = if start.ends_with('-') {
            Op::Exclude
        } else if start.ends_with('@') {
            Op::Intersect
        } else {
            Op::Union
        };
        for suffix in [",-", ",", "@"] {
            start = start.strip_suffix(suffix).unwrap_or(start);
        }
        nodes = eval_range(cx, start, verify, generic)?;
        let inner = eval_range(cx, middle, verify, generic)?;
        combine(&mut nodes, op, inner);
        range = &range[close..];
    }

    let mut elems = split_commas(range);
    if elems.len() == 1 {
        elems = split_at_signs(range);
    }
    let mut op = String::from(",");
    let mut it = elems.into_iter();
    while let Some(item) = it.next() {
        if item.is_empty() || item == "," {
            continue;
        }
        let mut atom = item;
        if let Some(rest) = atom.strip_prefix('-') {
            atom = rest;
            op.push('-');
        } else if let Some(rest) = atom.strip_prefix('@') {
            atom = rest;
            op = "@".into();
        }
        if atom.is_empty() {
            continue;
        }
        let kind = if op.contains('@') {
            Op::Intersect
        } else if op.contains(",-") {
            Op::Exclude
        } else {
            Op::Union
        };
        let newset: HashSet<String> = if let Some(path) = atom.strip_prefix('^') {
            files::expand_file(cx, path, verify, generic)?
        } else {
            atoms::expand_atom(cx, atom, verify, generic)?
                .into_iter()
                .collect()
        };
        match kind {
            // Exclusions are delayed to the end of this level.
            Op::Exclude => excluded.extend(newset),
            other => combine(&mut nodes, other, newset),
        }
        op = it.next().unwrap_or("").to_string();
    }
    if !excluded.is_empty() {
        nodes.retain(|n| !excluded.contains(n));
    }
    Ok(nodes)
}

fn combine(nodes: &mut HashSet<String>, op: Op, other: HashSet<String>) {
    match op {
        Op::Union => nodes.extend(other),
        Op::Intersect => nodes.retain(|n| other.contains(n)),
        Op::Exclude => nodes.retain(|n| !other.contains(n)),
    }
}

/// Byte range (including both parentheses) of the first balanced group; the
/// text before it must not contain `)`.
pub(super) fn first_balanced(s: &str) -> Option<(usize, usize)> {
    let b = s.as_bytes();
    let open = b.iter().position(|c| *c == b'(' || *c == b')')?;
    if b[open] != b'(' {
        return None;
    }
    let mut depth = 0usize;
    for (i, c) in b.iter().enumerate().skip(open) {
        match c {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Some((open, i + 1));
                }
            }
            _ => {}
        }
    }
    None
}

/// Perl `split(/(,(?![^[]*?])(?![^\(]*?\)))/, $range)`: items and the `,`
/// separators, splitting on commas not followed by a `]` before any `[`
/// nor by a `)` before any `(`.  Trailing empty items are dropped.
fn split_commas(s: &str) -> Vec<&str> {
    split_keep(s, b',', |rest| {
        closes_before_opens(rest, b'[', b']') || closes_before_opens(rest, b'(', b')')
    })
}

/// Perl `split(/(@(?![^\(]*?\)))/, $range)`.
fn split_at_signs(s: &str) -> Vec<&str> {
    split_keep(s, b'@', |rest| closes_before_opens(rest, b'(', b')'))
}

/// True if `close` appears in `rest` before any `open`.
fn closes_before_opens(rest: &[u8], open: u8, close: u8) -> bool {
    for c in rest {
        if *c == open {
            return false;
        }
        if *c == close {
            return true;
        }
    }
    false
}

fn split_keep(s: &str, sep: u8, protected: impl Fn(&[u8]) -> bool) -> Vec<&str> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in b.iter().enumerate() {
        if *c == sep && !protected(&b[i + 1..]) {
            out.push(&s[start..i]);
            out.push(&s[i..i + 1]);
            start = i + 1;
        }
    }
    out.push(&s[start..]);
    while out.last() == Some(&"") {
        out.pop();
    }
    if out.is_empty() && !s.is_empty() {
        out.push(s);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitting() {
        assert_eq!(
            split_commas("a,b[1,2],(c,d)"),
            vec!["a", ",", "b[1,2]", ",", "(c,d)"]
        );
        assert_eq!(split_commas("a"), vec!["a"]);
        assert_eq!(split_commas(",a,"), vec!["", ",", "a", ","]);
        assert_eq!(
            split_at_signs("a@b@(c@d)"),
            vec!["a", "@", "b", "@", "(c@d)"]
        );
        assert_eq!(first_balanced("a,(b,(c)),d"), Some((2, 9)));
        assert_eq!(first_balanced("a)(b)"), None);
        assert_eq!(first_balanced("(b"), None);
    }
}
