//! Compiling the regular expressions that users and database rows supply
//! (noderange `/re` atoms, `attr=~re` selectors, regex attribute values,
//! `lsdef -w`, policy parameters): every caller goes through [`compile`],
//! which refuses a pattern that would make the regex engine allocate without
//! bound before the engine sees it.
//!
//! fancy-regex (0.14 here; 0.17 still does it) keeps the group numbers that
//! back references name in a bit set sized by the largest number, and it
//! bounds that number only for the `\N` form. `\k<21111122222>` (also
//! `\k'N'`, `(?P=N)`, `(?(<N>)…)`) allocated 2.6 GB and took 10 s in a debug
//! build before failing as an invalid back reference: one request could
//! take the daemon's memory. Found by the `noderange` fuzz target
//! (`fuzz/regressions/noderange/oom-backref-group-number`). A group number
//! can be no larger than the number of groups, which is less than half the
//! pattern's length: beyond that we answer fancy-regex's own "Invalid back
//! reference" error, at the reference's position. The scan is conservative:
//! it does not track character classes, where such text would be literal.
//!
//! fancy-regex also computes each subexpression's shortest match length
//! without overflow checks (0.14 `src/analyze.rs:142`, repeat count times the
//! child's length, and the sums of concatenations): `(abcd){5731407000573140714}`
//! panics in a build with overflow checks and wraps silently in a release
//! build, where a wrapped length then steers how the pattern is compiled.
//! Found by the `regexattr` fuzz target (`fuzz/regressions/regexattr/`). We
//! walk the engine's own parse tree with the same arithmetic, checked, and
//! refuse a pattern whose shortest match cannot be counted: no string we
//! hold could match it anyway.

pub use fancy_regex::Regex;
use fancy_regex::{Error, Expr, ParseError};

/// `pattern` compiled, or the engine's error (also for an oversized group
/// number in a back reference, or repeat counts whose product overflows).
// The engine's own error type, as `Regex::new` returns it: callers format it.
#[allow(clippy::result_large_err)]
pub fn compile(pattern: &str) -> Result<Regex, Error> {
    // First: the engine's parser already sizes its bit set by group numbers.
    if let Some(at) = oversized_group_reference(pattern) {
        return Err(Error::ParseError(at, ParseError::InvalidBackref));
    }
    if let Ok(tree) = Expr::parse_tree(pattern) {
        if shortest_match(&tree.expr).is_none() {
            let why = format!(
                "repeat counts too large: the shortest match would be longer than {} characters",
                usize::MAX
            );
            let at = largest_repeat_count(pattern);
            return Err(Error::ParseError(at, ParseError::GeneralParseError(why)));
        }
    }
    Regex::new(pattern)
}

/// The length of the shortest text `expr` matches, counted as fancy-regex's
/// analysis counts it; `None` where that count overflows anywhere inside.
fn shortest_match(expr: &Expr) -> Option<usize> {
    match expr {
        Expr::Any { .. } | Expr::Literal { .. } => Some(1),
        Expr::Delegate { size, .. } => Some(*size),
        Expr::Concat(parts) => parts
            .iter()
            .try_fold(0usize, |sum, p| sum.checked_add(shortest_match(p)?)),
        Expr::Alt(branches) => branches
            .iter()
            .try_fold(usize::MAX, |least, b| Some(least.min(shortest_match(b)?))),
        Expr::Group(child) | Expr::AtomicGroup(child) => shortest_match(child),
        Expr::LookAround(child, _) => shortest_match(child).map(|_| 0),
        Expr::Repeat { child, lo, .. } => shortest_match(child)?.checked_mul(*lo),
        Expr::Conditional {
            condition,
            true_branch,
            false_branch,
        } => {
            let condition = shortest_match(condition)?;
            let (then, other) = (shortest_match(true_branch)?, shortest_match(false_branch)?);
            // The engine also adds the condition to the true branch alone.
            condition.checked_add(then)?;
            Some(condition + then.min(other))
        }
        _ => Some(0),
    }
}

/// The byte position of the `{` that opens the largest repeat count, where
/// an error about repeat counts points.
fn largest_repeat_count(pattern: &str) -> usize {
    let bytes = pattern.as_bytes();
    let count_at = |i: usize| {
        let digits = &bytes[i + 1..];
        let digits = &digits[..digits.iter().take_while(|b| b.is_ascii_digit()).count()];
        let significant = digits.iter().skip_while(|&&d| d == b'0').count();
        (significant, &digits[digits.len() - significant..])
    };
    (0..bytes.len())
        .filter(|&i| bytes[i] == b'{' && (i == 0 || bytes[i - 1] != b'\\'))
        .max_by_key(|&i| (count_at(i), std::cmp::Reverse(i)))
        .unwrap_or(0)
}

/// The byte position of the first back reference or group condition whose
/// group number is at least half the pattern's length, if any.  Works on
/// bytes: the openers and digits are ASCII, and a multi-byte character
/// never matches them.
fn oversized_group_reference(pattern: &str) -> Option<usize> {
    const OPENERS: [&[u8]; 5] = [b"\\k<", b"\\k'", b"(?P=", b"(?(<", b"(?('"];
    let limit = pattern.len() / 2;
    let bytes = pattern.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &bytes[i..];
        if let Some(open) = OPENERS.iter().find(|o| rest.starts_with(o)) {
            if group_number_at_least(&rest[open.len()..], limit) {
                return Some(i);
            }
        }
        // An escape covers the next byte too (`\\k<…>` is a backslash, then text).
        i += if bytes[i] == b'\\' { 2 } else { 1 };
    }
    None
}

/// Whether `text` starts with a decimal group number of `limit` or more.
fn group_number_at_least(text: &[u8], limit: usize) -> bool {
    let digits = text.iter().take_while(|b| b.is_ascii_digit()).count();
    // More digits than `limit` has cannot be below it (leading zeros aside,
    // which are as suspicious).
    let max_digits = limit.checked_ilog10().map_or(1, |l| l as usize + 1);
    digits > 0
        && (digits > max_digits
            || text[..digits]
                .iter()
                .fold(0usize, |n, d| n * 10 + usize::from(d - b'0'))
                >= limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(pattern: &str) -> bool {
        matches!(
            compile(pattern),
            Err(Error::ParseError(_, ParseError::InvalidBackref))
        )
    }

    #[test]
    fn huge_group_numbers_are_refused_before_the_engine() {
        for p in [
            "n&\0\0\\k<21111122222>222T2222z#",
            "\\k'2111112222'",
            "(?P=2111112222)",
            "(a)(?(<99999999999999999999>)b|c)",
            "(?('4000000000')b|c)",
            "(a)\\k<99>",
        ] {
            assert!(refused(p), "{p:?}");
        }
        assert_eq!(oversized_group_reference("xy\\k<99>"), Some(2));
    }

    #[test]
    fn ordinary_references_and_look_alikes_compile_as_before() {
        assert!(compile("(a)\\k<1>").is_ok());
        assert!(compile("(?<n>a)\\k<n>").is_ok());
        assert!(compile("(a)(b)\\k<-1>").is_ok());
        assert!(compile("(a)(?(<1>)b|c)").is_ok());
        assert!(
            compile("\\\\k<99999999999>").is_ok(),
            "a backslash, then text"
        );
        assert!(compile("node[0-9]+").is_ok());
        assert!(compile("k<99999999999>").is_ok());
    }

    #[test]
    fn repeat_counts_whose_product_overflows_are_refused() {
        let refused = |p: &str| match compile(p) {
            Err(Error::ParseError(at, ParseError::GeneralParseError(why))) => {
                assert!(why.starts_with("repeat counts too large"), "{why}");
                Some(at)
            }
            other => panic!("{p:?}: {other:?}"),
        };
        // The two fuzz cases' essence: a long child times a huge count.
        assert_eq!(refused("(abcd){000000005731407000573140714}"), Some(6));
        assert_eq!(refused("x(!r1r){9999999990000040714}"), Some(7));
        // Nested counts each small enough, their product not.
        let nested = "(".repeat(7) + "a" + &"){1000}".repeat(7);
        assert_eq!(refused(&nested), Some(9));
        // Sums: two halves of the range side by side; a conditional's branch.
        let half = usize::MAX / 2 + 1;
        assert!(refused(&format!("a{{{half}}}b{{{half}}}")).is_some());
        assert!(refused(&format!("(a)(?(1)b{{{half}}}c{{{half}}}|d)")).is_some());
        assert!(refused(&format!("(?=a{{{half}}}a{{{half}}})")).is_some());
        assert!(refused(&format!("x|a{{{half}}}a{{{half}}}")).is_some());
    }

    #[test]
    fn ordinary_repeats_compile_as_before() {
        for p in [
            "a{3}",
            "(ab){2,5}",
            "x{0,}",
            "\\{99999999999999999999}",
            "[{]",
        ] {
            assert!(compile(p).is_ok(), "{p:?}");
        }
        let big = format!("a{{{}}}", usize::MAX);
        assert!(!matches!(
            compile(&big),
            Err(Error::ParseError(_, ParseError::GeneralParseError(_)))
        ));
        assert_eq!(largest_repeat_count("a{2}b{10}c{009}"), 5);
        assert_eq!(largest_repeat_count("no counts"), 0);
    }

    #[test]
    fn multi_byte_characters_anywhere() {
        // Found by the noderange fuzzer: an escape before a two-byte character.
        assert!(compile("\\p\u{562}").is_err());
        assert!(compile("\u{562}\\k<99999>").is_err());
        assert!(compile("é\\é(a)\\k<1>").is_ok());
        assert_eq!(oversized_group_reference("\\\u{562}"), None);
    }
}
