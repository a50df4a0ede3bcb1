//! Range atoms: `pre[a-b,c]post` brackets (several expand left to right),
//! `node10+3`, and `a-b` / `a:b` ranges in which exactly one numeric part
//! differs.  Numbers iterate with Perl's range operator on strings, so a left
//! bound with a leading zero keeps its padding (`001..010`).

use super::atoms::{expand_atom, miss};
use super::context::Ctx;
use super::NodeRangeError;
use crate::regexattr;

/// The three parts of the first bracket: `(.+?)\[(.+?)\](.*)`.
pub(super) struct Brackets<'a> {
    pub start: &'a str,
    pub inside: &'a str,
    pub ending: &'a str,
}

/// Splits `pre[inside]ending` at the first bracket pair with at least one
/// character before it and inside it.
pub(super) fn bracket_parts(atom: &str) -> Option<Brackets<'_>> {
    // The leftmost match starts at 0 (`.+?` absorbs anything); `$1` is the
    // shortest prefix that is followed by `[`, one or more characters and `]`.
    for (i, c) in atom.char_indices().skip(1) {
        if c != '[' {
            continue;
        }
        let after = &atom[i + 1..];
        let first_len = after.chars().next()?.len_utf8();
        // No `]` after this `[` means none after any later `[` either:
        // stop here instead of rescanning (linear in the atom).
        let close = first_len + after[first_len..].find(']')?;
        return Some(Brackets {
            start: &atom[..i],
            inside: &after[..close],
            ending: &after[close + 1..],
        });
    }
    None
}

/// `a[1-3,5]b` → `a1b-a3b,a5b`, then each comma part expanded as an atom;
/// with more brackets after the first, the prefixes are generated
/// syntactically and the rest is expanded for each.
pub(super) fn expand_brackets(
    cx: &mut Ctx<'_>,
    b: &Brackets<'_>,
    verify: bool,
    generic: bool,
) -> Result<Vec<String>, NodeRangeError> {
    let more = bracket_parts(&format!("x{}", b.ending)).is_some();
    let mut subrange = String::new();
    let mut parts = split_keep_seps(b.inside).into_iter();
    while let Some(elem) = parts.next() {
        let op = parts.next().unwrap_or("");
        let ending = if more { "" } else { b.ending };
        // Counted before it is written: the ending is repeated once per
        // element, so the text can grow far beyond the input (a fuzz case
        // built gigabytes before the count).
        cx.count_bytes(b.start.len() + elem.len() + ending.len() + op.len())?;
        subrange.push_str(b.start);
        subrange.push_str(elem);
        subrange.push_str(ending);
        subrange.push_str(op);
    }
    let mut nodes = Vec::new();
    for part in perl_split(&subrange, ',') {
        if more {
            let prefixes = expand_atom(cx, part, false, true)?;
            for p in prefixes {
                cx.count_bytes(p.len() + b.ending.len())?;
                nodes.extend(expand_atom(
                    cx,
                    &format!("{p}{}", b.ending),
                    verify,
                    generic,
                )?);
            }
        } else {
            nodes.extend(expand_atom(cx, part, verify, generic)?);
        }
    }
    Ok(nodes)
}

/// Perl `split(/([,\-:])/, s)`: fields and separators, trailing empty
/// fields dropped.
fn split_keep_seps(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if matches!(c, ',' | '-' | ':') {
            out.push(&s[start..i]);
            out.push(&s[i..i + 1]);
            start = i + 1;
        }
    }
    out.push(&s[start..]);
    while out.last() == Some(&"") {
        out.pop();
    }
    out
}

/// Perl `split(/,/, s)` (trailing empty fields dropped).
fn perl_split(s: &str, sep: char) -> Vec<&str> {
    let mut out: Vec<&str> = s.split(sep).collect();
    while out.last() == Some(&"") {
        out.pop();
    }
    out
}

/// `pre<digits>[.domain]+N`: the last number (before an optional `.suffix`)
/// counts up by N, keeping its width.  `None` when the atom has no number.
pub(super) fn expand_plus(
    cx: &mut Ctx<'_>,
    atom: &str,
    verify: bool,
    generic: bool,
) -> Result<Option<Vec<String>>, NodeRangeError> {
    let (front, increment) = atom.split_once('+').unwrap_or((atom, ""));
    let Some((mut pref, start, mut suf)) = split_last_number(front) else {
        return Ok(None);
    };
    if start.len() > 30 {
        return Ok(None);
    }
    let Ok(first) = start.parse::<u128>() else {
        return Ok(None);
    };
    let inc = u128::try_from(regexattr::numify(increment).max(0)).unwrap_or(0);
    let end = first.saturating_add(inc);
    let mut endnum = end.to_string();
    if start.len() > endnum.len() {
        endnum = format!("{end:0width$}", width = start.len());
    }
    let prefix;
    let suffix;
    if pref.is_empty() && suf.is_empty() {
        prefix = cx.opts.node_prefix.clone().unwrap_or_else(|| "node".into());
        suffix = cx.opts.node_suffix.clone().unwrap_or_default();
        pref = &prefix;
        suf = &suffix;
    }
    let mut nodes = Vec::new();
    for n in string_range(cx, start, &endnum)? {
        nodes.extend(expand_atom(
            cx,
            &format!("{pref}{n}{suf}"),
            verify,
            generic,
        )?);
    }
    Ok(Some(nodes))
}

/// `/^(.*?)(\d+)(\..+)?$/`: prefix, the last digit run (before an optional
/// `.suffix` that follows it), suffix.
fn split_last_number(front: &str) -> Option<(&str, &str, &str)> {
    let b = front.as_bytes();
    // The lazy prefix grows from the left; a digit run must be followed by
    // the end or by `.` and at least one more character.
    let mut plen = 0;
    while plen < b.len() {
        if !b[plen].is_ascii_digit() {
            plen += 1;
            continue;
        }
        let mut end = plen;
        while end < b.len() && b[end].is_ascii_digit() {
            end += 1;
        }
        if end == b.len() || (b[end] == b'.' && end + 1 < b.len()) {
            return Some((&front[..plen], &front[plen..end], &front[end..]));
        }
        plen = end;
    }
    None
}

/// `left-right` (odd number of `-`, split at the middle one) or `left:right`.
pub(super) fn expand_dash_range(
    cx: &mut Ctx<'_>,
    atom: &str,
    verify: bool,
    generic: bool,
) -> Result<Vec<String>, NodeRangeError> {
    let (left, right) = if atom.contains(':') {
        let mut it = perl_split(atom, ':').into_iter();
        (
            it.next().unwrap_or("").to_string(),
            it.next().unwrap_or("").to_string(),
        )
    } else {
        let count = atom.matches('-').count();
        if count & 1 == 0 {
            return Ok(miss(cx, atom, verify));
        }
        match split_middle_dash(atom, count / 2) {
            Some((l, r)) => (l.to_string(), r.to_string()),
            None => return Ok(miss(cx, atom, verify)),
        }
    };
    if left == right {
        return expand_atom(cx, &left, verify, generic);
    }
    let l = split_digits(&left);
    let r = split_digits(&right);
    if l.len() != r.len() {
        return Ok(miss(cx, atom, verify));
    }
    for idx in 0..l.len() {
        let numeric = is_digits(l[idx]) && is_digits(r[idx]);
        if numeric && l[idx] != r[idx] {
            let prefix: String = l[..idx].concat();
            let luffix: String = l[idx + 1..].concat();
            let ruffix: String = r[idx + 1..].concat();
            if luffix != ruffix {
                return Ok(miss(cx, atom, verify));
            }
            let mut nodes = Vec::new();
            for n in string_range(cx, l[idx], r[idx])? {
                nodes.extend(expand_atom(
                    cx,
                    &format!("{prefix}{n}{luffix}"),
                    verify,
                    generic,
                )?);
            }
            return Ok(nodes);
        }
        if !numeric && l[idx] != r[idx] {
            return Ok(miss(cx, atom, verify));
        }
    }
    Ok(miss(cx, atom, verify))
}

/// `([^-]+?(-[^-]*){k})-(.*)` searched leftmost: left part (at least one
/// non-dash character, then k more dashes) and the rest.
fn split_middle_dash(atom: &str, k: usize) -> Option<(&str, &str)> {
    let b = atom.as_bytes();
    let first = b.iter().position(|c| *c != b'-')?;
    let dashes: Vec<usize> = b
        .iter()
        .enumerate()
        .skip(first)
        .filter(|(_, c)| **c == b'-')
        .map(|(i, _)| i)
        .collect();
    let cut = *dashes.get(k)?;
    Some((&atom[first..cut], &atom[cut + 1..]))
}

/// Perl `split(/(\d+)/, s)`: alternating non-digit and digit runs, a leading
/// empty field when `s` starts with a digit, no trailing empty field.
fn split_digits(s: &str) -> Vec<&str> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit() {
            out.push(&s[start..i]);
            let d = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            out.push(&s[d..i]);
            start = i;
        } else {
            i += 1;
        }
    }
    out.push(&s[start..]);
    while out.last() == Some(&"") {
        out.pop();
    }
    out
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Perl's `"$l" .. "$r"` for digit strings: numeric unless `l` starts with
/// `0`; then magic string increment while the length does not exceed
/// `r`'s, stopping at `r`.
pub(super) fn string_range(
    cx: &mut Ctx<'_>,
    l: &str,
    r: &str,
) -> Result<Vec<String>, NodeRangeError> {
    let mut out = Vec::new();
    if !l.starts_with('0') {
        let (Ok(a), Ok(b)) = (l.parse::<u128>(), r.parse::<u128>()) else {
            return Err(NodeRangeError::TooLarge(format!(
                "range {l}..{r} is too large"
            )));
        };
        if a > b {
            return Ok(out);
        }
        let n = usize::try_from(b - a + 1).unwrap_or(usize::MAX);
        cx.count(n)?;
        out.reserve(n);
        let mut v = a;
        loop {
            out.push(v.to_string());
            if v == b {
                break;
            }
            v += 1;
        }
        return Ok(out);
    }
    let mut s = l.to_string();
    while s.len() <= r.len() {
        cx.count(1)?;
        out.push(s.clone());
        if s == r {
            break;
        }
        s = increment_digits(&s);
    }
    Ok(out)
}

/// Decimal increment of a digit string keeping its width (`09` → `10`,
/// `99` → `100`).
fn increment_digits(s: &str) -> String {
    let mut b = s.as_bytes().to_vec();
    let mut i = b.len();
    loop {
        if i == 0 {
            b.insert(0, b'1');
            break;
        }
        i -= 1;
        if b[i] == b'9' {
            b[i] = b'0';
        } else {
            b[i] += 1;
            break;
        }
    }
    String::from_utf8(b).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perl_splits() {
        assert_eq!(split_digits("n01"), vec!["n", "01"]);
        assert_eq!(split_digits("10"), vec!["", "10"]);
        assert_eq!(split_digits("f1n2x"), vec!["f", "1", "n", "2", "x"]);
        assert_eq!(split_keep_seps("1-3,5"), vec!["1", "-", "3", ",", "5"]);
        assert_eq!(
            split_middle_dash("node1-compute-node9-compute", 1),
            Some(("node1-compute", "node9-compute"))
        );
        assert_eq!(split_middle_dash("a-b", 0), Some(("a", "b")));
        assert_eq!(split_middle_dash("-b", 0), None);
        assert_eq!(increment_digits("09"), "10");
        assert_eq!(increment_digits("99"), "100");
        assert_eq!(increment_digits("0"), "1");
    }

    #[test]
    fn last_number() {
        assert_eq!(split_last_number("node10"), Some(("node", "10", "")));
        assert_eq!(split_last_number("n1r05"), Some(("n1r", "05", "")));
        assert_eq!(
            split_last_number("node1.cluster"),
            Some(("node", "1", ".cluster"))
        );
        assert_eq!(split_last_number("10"), Some(("", "10", "")));
        assert_eq!(split_last_number("abc"), None);
        assert_eq!(split_last_number("n1.a2"), Some(("n", "1", ".a2")));
    }

    #[test]
    fn brackets() {
        let b = bracket_parts("f[1-2]n[1-3]").unwrap();
        assert_eq!((b.start, b.inside, b.ending), ("f", "1-2", "n[1-3]"));
        assert!(bracket_parts("[1-2]").is_none());
        assert!(bracket_parts("a[]").is_none());
    }
}
