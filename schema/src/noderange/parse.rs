//! The `noderange()` level of the grammar: quote removal, the first balanced
//! parenthesised part, splitting on `,` (outside `[...]`/`(...)`) or else on
//! `@`, the left-to-right union / intersection, `^file` items, and the
//! exclusions collected and subtracted at the end.

use super::context::Ctx;
use super::{atoms, files, NodeRangeError, MAX_DEPTH};

/// Deepest `(`/`[` nesting accepted; each level costs a recursion level or two.
const MAX_NESTING: usize = MAX_DEPTH / 2;
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
    if cx.is_top() {
        check_nesting(range)?;
    }
    cx.enter()?;
    let r = eval_inner(cx, range, verify, generic);
    cx.leave();
    r
}

/// Refuses brackets or parentheses nested deeper than [`MAX_NESTING`], and
/// more than [`MAX_NESTING`] bracket ranges chained in one name
/// (`a[1-2]b[1-2]…`, one recursion level each), in one linear pass before
/// any evaluation: each level re-reads its part of the string, so without
/// this a 100,000-level noderange would cost `MAX_DEPTH` passes over the
/// whole input before the depth limit hits.
fn check_nesting(range: &str) -> Result<(), NodeRangeError> {
    let (mut parens, mut squares, mut chained) = (0usize, 0usize, 0usize);
    for b in range.bytes() {
        match b {
            b'(' => parens += 1,
            b')' => parens = parens.saturating_sub(1),
            b'[' => {
                chained += usize::from(squares == 0);
                squares += 1;
            }
            b']' => squares = squares.saturating_sub(1),
            b',' | b'@' if squares == 0 => chained = 0,
            _ => continue,
        }
        if parens.max(squares).max(chained) > MAX_NESTING {
            return Err(NodeRangeError::TooLarge(format!(
                "noderange nested more than {MAX_NESTING} levels deep"
            )));
        }
    }
    Ok(())
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
///
/// Linear: the lookaheads are answered from one backward pass
/// ([`NextBracket`]) instead of rescanning the rest per comma.
fn split_commas(s: &str) -> Vec<&str> {
    let squares = NextBracket::new(s.as_bytes(), b'[', b']');
    let parens = NextBracket::new(s.as_bytes(), b'(', b')');
    split_keep(s, b',', |after| {
        squares.closes_first(after) || parens.closes_first(after)
    })
}

/// Perl `split(/(@(?![^\(]*?\)))/, $range)`.
fn split_at_signs(s: &str) -> Vec<&str> {
    let parens = NextBracket::new(s.as_bytes(), b'(', b')');
    split_keep(s, b'@', |after| parens.closes_first(after))
}

/// For every position, whether the first `open`-or-`close` byte at or after
/// it is `close`: the lookahead `(?![^open]*?close)` for all positions at once.
struct NextBracket {
    closes: Vec<bool>,
}

impl NextBracket {
    fn new(b: &[u8], open: u8, close: u8) -> NextBracket {
        let mut closes = vec![false; b.len() + 1];
        for i in (0..b.len()).rev() {
            closes[i] = if b[i] == open {
                false
            } else if b[i] == close {
                true
            } else {
                closes[i + 1]
            };
        }
        NextBracket { closes }
    }

    /// True if a `close` comes before any `open` from byte `at` on.
    fn closes_first(&self, at: usize) -> bool {
        self.closes.get(at).copied().unwrap_or(false)
    }
}

/// Splits at each `sep` byte for which `protected(index after it)` is false.
fn split_keep(s: &str, sep: u8, protected: impl Fn(usize) -> bool) -> Vec<&str> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in b.iter().enumerate() {
        if *c == sep && !protected(i + 1) {
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
