//! Orders of node lists.  What users see: stock `noderange()` returns
//! `sort keys` — a byte-wise string sort (`node10` < `node2`), and nodels
//! re-sorts the same way, so [`sort_stock`] is the order of [`super::Expansion`].
//! xcatd hands plugins their nodes "numerically-ish" (first number, then the
//! string), available as [`sort_numericish`].  Also the `nodelist.hidden`
//! rule nodels applies.

use std::cmp::Ordering;

/// Byte-wise string sort, duplicates removed.
pub fn sort_stock(nodes: &mut Vec<String>) {
    nodes.sort_unstable();
    nodes.dedup();
}

/// xcatd's plugin order: by the first digit run as a number (names without
/// digits first, as -1), then by string.
pub fn sort_numericish(nodes: &mut [String]) {
    nodes.sort_by(|a, b| match first_number(a).cmp(&first_number(b)) {
        Ordering::Equal => a.cmp(b),
        o => o,
    });
}

fn first_number(s: &str) -> i128 {
    let b = s.as_bytes();
    let Some(start) = b.iter().position(u8::is_ascii_digit) else {
        return -1;
    };
    let mut n: i128 = 0;
    for c in &b[start..] {
        if !c.is_ascii_digit() {
            break;
        }
        n = n.saturating_mul(10).saturating_add(i128::from(c - b'0'));
    }
    n
}

/// True if a resolved `nodelist.hidden` value hides the node (numeric
/// value 1, as nodels' `!= 1` test; unset = shown).
pub fn is_hidden(hidden: Option<&str>) -> bool {
    hidden.is_some_and(|v| perl_num(v) == 1.0)
}

/// Perl numification of a string as a float (leading number, else 0).
fn perl_num(s: &str) -> f64 {
    let t = s.trim_start();
    let mut end = 0;
    let b = t.as_bytes();
    if end < b.len() && (b[end] == b'+' || b[end] == b'-') {
        end += 1;
    }
    while end < b.len() && b[end].is_ascii_digit() {
        end += 1;
    }
    if end < b.len() && b[end] == b'.' {
        end += 1;
        while end < b.len() && b[end].is_ascii_digit() {
            end += 1;
        }
    }
    t[..end].parse().unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders() {
        let mut v: Vec<String> = ["node2", "node10", "a", "node1", "node2"]
            .map(String::from)
            .to_vec();
        sort_stock(&mut v);
        assert_eq!(v, ["a", "node1", "node10", "node2"]);
        sort_numericish(&mut v);
        assert_eq!(v, ["a", "node1", "node2", "node10"]);
        assert!(is_hidden(Some("1")) && is_hidden(Some("1.0")) && is_hidden(Some(" 1x")));
        assert!(!is_hidden(None) && !is_hidden(Some("0")) && !is_hidden(Some("yes")));
    }
}
