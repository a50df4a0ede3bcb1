//! `tabdump -w` / `tabprune` row filters: `attr==v`, `!=`, `=~` (SQL LIKE),
//! `!~` (NOT LIKE), `<`, `<=`, `>`, `>=`, recognised in stock's order
//! (buildWhereClause; the first four through the one selector parser).  tabdump hands them to the storage layer as SQL with
//! bound values (the operators are the storage layer's `FilterOp`); tabprune
//! evaluates them on rows it has read ([`Cond::matches`], SQL semantics: NULL
//! never matches, ordering is numeric when both sides are numbers, byte-wise
//! otherwise).

use std::cmp::Ordering;
/// The operators are the storage layer's.
pub use xcat_schema::db::FilterOp as Op;
use xcat_schema::noderange::{parse_selector, MatchOp, SelectorSyntax};

/// One parsed `-w` expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cond {
    pub column: String,
    pub op: Op,
    pub value: String,
}

/// Whether `op` occurs in `s` before any `=` that is not part of it
/// (stock's `/^[^=]*op/`).
fn leads_with(s: &str, op: &str) -> Option<usize> {
    let at = s.find(op)?;
    if s[..at].contains('=') {
        None
    } else {
        Some(at)
    }
}

/// Parse one expression; the error text is stock's.
pub fn parse(expr: &str) -> Result<Cond, String> {
    if let Some(sel) = parse_selector(expr, SelectorSyntax::TableWhere) {
        let op = match sel.op {
            MatchOp::Eq => Op::Eq,
            MatchOp::Regex => Op::Like,
            MatchOp::Ne => Op::Ne,
            MatchOp::NotRegex => Op::NotLike,
        };
        return Ok(Cond {
            column: sel.label,
            op,
            value: sel.value,
        });
    }
    let mk = |at: usize, len: usize, op: Op| Cond {
        column: expr[..at].to_string(),
        op,
        value: expr[at + len..].to_string(),
    };
    if let Some(at) = leads_with(expr, "<=") {
        return Ok(mk(at, 2, Op::Le));
    }
    if let Some(at) = leads_with(expr, "<") {
        return Ok(mk(at, 1, Op::Lt));
    }
    if let Some(at) = leads_with(expr, ">=") {
        return Ok(mk(at, 2, Op::Ge));
    }
    if let Some(at) = leads_with(expr, ">") {
        return Ok(mk(at, 1, Op::Gt));
    }
    Err(format!("Unsupported operator:{expr} on -w flag input"))
}

/// SQL LIKE: `%` any run, `_` one character.
pub fn like(value: &str, pattern: &str, case_insensitive: bool) -> bool {
    let norm = |s: &str| -> Vec<char> {
        if case_insensitive {
            s.chars().map(|c| c.to_ascii_lowercase()).collect()
        } else {
            s.chars().collect()
        }
    };
    let v = norm(value);
    let p = norm(pattern);
    // Iterative wildcard matching with backtracking on the last `%`.
    let (mut vi, mut pi) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while vi < v.len() {
        if pi < p.len() && (p[pi] == '_' || (p[pi] != '%' && p[pi] == v[vi])) {
            vi += 1;
            pi += 1;
        } else if pi < p.len() && p[pi] == '%' {
            star = Some((pi, vi));
            pi += 1;
        } else if let Some((sp, sv)) = star {
            pi = sp + 1;
            vi = sv + 1;
            star = Some((sp, sv + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '%' {
        pi += 1;
    }
    pi == p.len()
}

fn compare(a: &str, b: &str) -> Ordering {
    match (a.trim().parse::<f64>(), b.trim().parse::<f64>()) {
        (Ok(x), Ok(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        _ => a.as_bytes().cmp(b.as_bytes()),
    }
}

impl Cond {
    /// Whether a stored value passes (`None` = SQL NULL never matches).
    pub fn matches(&self, stored: Option<&str>, like_case_insensitive: bool) -> bool {
        let Some(v) = stored else { return false };
        match self.op {
            Op::Eq => v == self.value,
            Op::Ne => v != self.value,
            Op::Like => like(v, &self.value, like_case_insensitive),
            Op::NotLike => !like(v, &self.value, like_case_insensitive),
            Op::Lt => compare(v, &self.value) == Ordering::Less,
            Op::Le => compare(v, &self.value) != Ordering::Greater,
            Op::Gt => compare(v, &self.value) == Ordering::Greater,
            Op::Ge => compare(v, &self.value) != Ordering::Less,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_in_stock_order() {
        assert_eq!(parse("key==a=b").unwrap().value, "a=b");
        let c = parse("value=~/%abc%/").unwrap();
        assert_eq!((c.op, c.value.as_str()), (Op::Like, "%abc%"));
        assert_eq!(parse("a!=b").unwrap().op, Op::Ne);
        assert_eq!(parse("a!~b").unwrap().op, Op::NotLike);
        assert_eq!(parse("recid<=5").unwrap().op, Op::Le);
        assert_eq!(parse("recid<5").unwrap().op, Op::Lt);
        assert_eq!(parse("recid>=5").unwrap().op, Op::Ge);
        assert_eq!(parse("recid>5").unwrap().op, Op::Gt);
        assert_eq!(
            parse("key=x").unwrap_err(),
            "Unsupported operator:key=x on -w flag input"
        );
    }

    #[test]
    fn like_and_compare() {
        assert!(like("xcatdport", "xcat%port", false));
        assert!(like("XCATdport", "xcat%", true));
        assert!(!like("XCATdport", "xcat%", false));
        assert!(like("ab", "a_", false));
        assert!(!like("abc", "a_", false));
        assert!(like("a%b", "%", false));
        let c = parse("recid>9").unwrap();
        assert!(c.matches(Some("10"), true));
        assert!(!c.matches(None, true));
        assert!(parse("a!=x").unwrap().matches(Some(""), true));
    }
}
