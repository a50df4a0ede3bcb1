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

pub use fancy_regex::Regex;
use fancy_regex::{Error, ParseError};

/// `pattern` compiled, or the engine's error (also for an oversized group
/// number in a back reference).
// The engine's own error type, as `Regex::new` returns it: callers format it.
#[allow(clippy::result_large_err)]
pub fn compile(pattern: &str) -> Result<Regex, Error> {
    if let Some(at) = oversized_group_reference(pattern) {
        return Err(Error::ParseError(at, ParseError::InvalidBackref));
    }
    Regex::new(pattern)
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
    fn multi_byte_characters_anywhere() {
        // Found by the noderange fuzzer: an escape before a two-byte character.
        assert!(compile("\\p\u{562}").is_err());
        assert!(compile("\u{562}\\k<99999>").is_err());
        assert!(compile("é\\é(a)\\k<1>").is_ok());
        assert_eq!(oversized_group_reference("\\\u{562}"), None);
    }
}
