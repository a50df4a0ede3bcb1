//! Regular-expression attribute values (perl-xCAT/xCAT/Table.pm:2647-2714): a stored value of the
//! form `/pattern/replacement/` or `|pattern|replacement|` (or the "easy"
//! `|replacement|`) is evaluated against the node name.  Parenthesised parts
//! of a `|...|` replacement are integer arithmetic (see [`expr`]).
//!
//! Any value that cannot be evaluated (bad pattern, unknown function,
//! division by zero, ...) counts as unset; nothing here panics.
//! Patterns are Perl-compatible through `fancy-regex`.  [`RegexEval`] caches
//! compiled rows so a 10,000-node resolution compiles each row once.

mod expr;
mod helpers;
mod sprintf;
mod value;

pub use value::numify;

use crate::user_regex::{self, Regex};
use std::collections::HashMap;
use std::sync::Arc;

/// At most this many `( … )` groups are evaluated in one value.
const MAX_GROUPS: usize = 64;

/// Evaluates one stored value for `node` (no cache): `None` = unset.
pub fn eval(node: &str, stored: &str) -> Option<String> {
    RegexEval::new().eval(node, stored)
}

/// True if `value` has one of the two regular-expression shapes.
pub fn is_regex_value(value: &str) -> bool {
    is_slash_form(value) || is_pipe_form(value)
}

/// `^/[^/]*/[^/]*/$`: exactly three slashes, first and last character.
fn is_slash_form(v: &str) -> bool {
    v.len() >= 3 && v.starts_with('/') && v.ends_with('/') && v.matches('/').count() == 3
}

/// `^\|.*\|$` (`.` does not cross a newline).
fn is_pipe_form(v: &str) -> bool {
    v.len() >= 2 && v.starts_with('|') && v.ends_with('|') && !v.contains('\n')
}

/// A stored value, parsed once.
enum Compiled {
    /// Not a regex row.
    Plain,
    /// `/pat/repl/` or `|pat|repl|` without parentheses: literal replacement.
    Substitute { pattern: Pattern, repl: String },
    /// `|pat|…(expr)…|`.
    Arithmetic { pattern: Pattern, repl: String },
    /// The pattern does not compile: the value is unset.
    Broken,
}

/// The row's pattern, or the "easy regex" generated from the node name.
enum Pattern {
    Given(Regex),
    Easy,
}

/// Cache of compiled rows and easy-regex patterns.
#[derive(Default)]
pub struct RegexEval {
    rows: HashMap<String, Arc<Compiled>>,
    easy: HashMap<usize, Option<Regex>>,
    exprs: ExprCache,
}

/// Parsed `( … )` expressions by their text (the text is the same for every
/// node whose name the pattern matches whole, so each is parsed once).
type ExprCache = HashMap<String, Option<Arc<expr::Expr>>>;

/// Entries kept in the expression cache before it is cleared.
const MAX_CACHED_EXPRS: usize = 100_000;

impl RegexEval {
    pub fn new() -> RegexEval {
        RegexEval::default()
    }

    /// Like [`RegexEval::eval`], reusing `stored` when it is a plain value.
    pub fn eval_owned(&mut self, node: &str, stored: String) -> Option<String> {
        if stored.is_empty() {
            return None;
        }
        if !is_regex_value(&stored) {
            return Some(stored);
        }
        self.eval(node, &stored)
    }

    /// Evaluates `stored` for `node`: the plain value when it is no regex
    /// row, `None` when the result is empty or cannot be computed.
    pub fn eval(&mut self, node: &str, stored: &str) -> Option<String> {
        if stored.is_empty() {
            return None;
        }
        if !is_regex_value(stored) {
            return Some(stored.to_string());
        }
        let compiled = self.compiled(stored);
        let (pattern, repl, literal) = match &*compiled {
            Compiled::Plain => return Some(stored.to_string()),
            Compiled::Broken => return None,
            Compiled::Substitute { pattern, repl } => (pattern, repl, true),
            Compiled::Arithmetic { pattern, repl } => (pattern, repl, false),
        };
        // Borrow the compiled regex (cloning a regex would drop its
        // per-thread match caches).
        let re = match pattern {
            Pattern::Given(re) => re,
            Pattern::Easy => {
                let groups = digit_groups(node);
                self.easy
                    .entry(groups)
                    .or_insert_with(|| user_regex::compile(&easy_pattern(groups)).ok())
                    .as_ref()?
            }
        };
        let result = if literal {
            substitute_literal(re, node, repl)
        } else {
            arithmetic(re, node, repl, &mut self.exprs)
        };
        result.filter(|v| !v.is_empty())
    }

    fn compiled(&mut self, stored: &str) -> Arc<Compiled> {
        if let Some(c) = self.rows.get(stored) {
            return c.clone();
        }
        let c = Arc::new(compile(stored));
        self.rows.insert(stored.to_string(), c.clone());
        c
    }
}

fn compile(stored: &str) -> Compiled {
    let given = |p: &str| match user_regex::compile(p) {
        Ok(re) => Some(Pattern::Given(re)),
        Err(_) => None,
    };
    if is_slash_form(stored) {
        let inner = &stored[1..stored.len() - 1];
        let (pat, repl) = inner.split_once('/').unwrap_or((inner, ""));
        return match given(pat) {
            Some(pattern) => Compiled::Substitute {
                pattern,
                repl: repl.to_string(),
            },
            None => Compiled::Broken,
        };
    }
    if !is_pipe_form(stored) {
        return Compiled::Plain;
    }
    let inner = &stored[1..stored.len() - 1];
    let (pattern, repl) = match inner.split_once('|') {
        Some((pat, repl)) => match given(pat) {
            Some(p) => (p, repl),
            None => return Compiled::Broken,
        },
        None => (Pattern::Easy, inner),
    };
    let repl = repl.to_string();
    if first_balanced(&repl).is_some() {
        Compiled::Arithmetic { pattern, repl }
    } else {
        Compiled::Substitute { pattern, repl }
    }
}

/// Number of digit runs as counted by `m/[\D0]*(\d+)/g` (zeros directly
/// after non-digits are skipped, so `n00500` has one run).
fn digit_groups(node: &str) -> usize {
    let b = node.as_bytes();
    let mut i = 0;
    let mut n = 0;
    while i < b.len() {
        // [\D0]* then (\d+): leading zeros join the skipped part, but a run
        // made only of zeros still counts through backtracking.
        let start = i;
        while i < b.len() && (!b[i].is_ascii_digit() || b[i] == b'0') {
            i += 1;
        }
        if i < b.len() {
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            n += 1;
        } else {
            // Backtracking gives a zero of the skipped tail to `(\d+)`.
            if b[start..].contains(&b'0') {
                n += 1;
            }
        }
    }
    n
}

fn easy_pattern(groups: usize) -> String {
    let mut p = r"[\D0]*(\d+)".repeat(groups);
    p.push_str(".*$");
    p
}

/// First match replaced by `repl` taken literally; no match = the node name.
fn substitute_literal(re: &Regex, node: &str, repl: &str) -> Option<String> {
    match re.find(node) {
        Ok(Some(m)) => Some(format!(
            "{}{}{}",
            &node[..m.start()],
            repl,
            &node[m.end()..]
        )),
        Ok(None) => Some(node.to_string()),
        Err(_) => None,
    }
}

/// The `(…)` loop of transRegexAttrs: each first balanced group, left to
/// right, becomes the replacement of the pattern in the node name and the
/// result is evaluated; the final text replaces the match once more.
fn arithmetic(re: &Regex, node: &str, repl: &str, cache: &mut ExprCache) -> Option<String> {
    let caps = match re.captures(node) {
        Ok(Some(c)) => c,
        // No match: the final substitution leaves the node name unchanged.
        Ok(None) => return Some(node.to_string()),
        Err(_) => return None,
    };
    let whole = caps.get(0)?;
    let (before, after) = (&node[..whole.start()], &node[whole.end()..]);
    let groups: Vec<Option<&str>> = (0..caps.len())
        .map(|i| caps.get(i).map(|m| m.as_str()))
        .collect();
    let mut text = repl.to_string();
    for _ in 0..MAX_GROUPS {
        let Some((start, end)) = first_balanced(&text) else {
            return Some(format!("{before}{text}{after}"));
        };
        let parsed = cached_expr(cache, before, &text[start..end], after)?;
        let value = parsed.eval(&groups).ok()?.to_str();
        text = format!("{}{}{}", &text[..start], value, &text[end..]);
    }
    None
}

/// The parsed expression `before + group + after` (the node name with the
/// match replaced by the group), parsed once per distinct text.
fn cached_expr(
    cache: &mut ExprCache,
    before: &str,
    group: &str,
    after: &str,
) -> Option<Arc<expr::Expr>> {
    if before.is_empty() && after.is_empty() {
        if let Some(hit) = cache.get(group) {
            return hit.clone();
        }
    }
    if cache.len() > MAX_CACHED_EXPRS {
        cache.clear();
    }
    cache
        .entry(format!("{before}{group}{after}"))
        .or_insert_with_key(|code| expr::compile(code).ok().map(Arc::new))
        .clone()
}

/// Byte range of the first balanced `( … )` group, Text::Balanced style: the
/// text before it must not contain `)`; backslash-escaped parentheses do not
/// count.
fn first_balanced(text: &str) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let open = b.iter().position(|c| *c == b'(' || *c == b')')?;
    if b[open] != b'(' {
        return None;
    }
    let mut depth = 0usize;
    let mut i = open;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Some((open, i + 1));
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digit_group_counting() {
        assert_eq!(digit_groups("node5"), 1);
        assert_eq!(digit_groups("r2n7"), 2);
        assert_eq!(digit_groups("n00500"), 1);
        assert_eq!(digit_groups("node"), 0);
        assert_eq!(digit_groups("c01f02x03v04"), 4);
        assert_eq!(digit_groups("n0"), 1);
        assert_eq!(digit_groups("n10a0"), 2);
        assert_eq!(digit_groups("n0a"), 1);
    }

    #[test]
    fn balanced_groups() {
        assert_eq!(first_balanced("cmm(a(b))x"), Some((3, 9)));
        assert_eq!(first_balanced("a)b(c)"), None);
        assert_eq!(first_balanced("(a"), None);
        assert_eq!(first_balanced("abc"), None);
    }
}
