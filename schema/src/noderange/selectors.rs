//! Attribute selectors: `table.col==v`, `table.col=v`, `table.col!=v`,
//! `table.col=~re`, `table.col!~re` and the short names `groups`/`tags`
//! (nodelist.groups) and `mgt` (nodehm.mgt), evaluated with inheritance and
//! regex rows.  The one selector parser: noderange atoms, nodels, nodech, `-w` and
//! dynamic-group `wherevals` use it, each with stock's operator order
//! ([`SelectorSyntax`]).

use super::context::Ctx;
use super::NodeRangeError;
use crate::registry;
use crate::user_regex::{compile, Regex};

/// Comparison of a selector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchOp {
    /// `==` (or `=`)
    Eq,
    /// `!=`
    Ne,
    /// `=~` (Perl regex, unanchored; one leading and trailing `/` stripped)
    Regex,
    /// `!~`
    NotRegex,
}

/// Which stock parser to imitate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SelectorSyntax {
    /// noderange atoms (`nodesbycriteria`): `!=`, `=~`, `==`, `=`, `!~`.
    NodeRange,
    /// nodels arguments: `!=`, `=~`, `==`, `!~`; only the first two anchored before
    /// any `=` (xCAT-server/lib/xcat/plugins/tabutils.pm:1988-2002; a single `=` is no
    /// selector there).
    Nodels,
    /// nodech arguments: `==`, `!=`, `=~`, `!~`, all anchored before any `=`
    /// (xCAT-server/lib/xcat/plugins/tabutils.pm:1577-1595); the rest is an assignment.
    Nodech,
    /// `wherevals` / `-w` (`parse_selection_string`): `==`, `=~`, `!=`, `!~`,
    /// `attr=value`.
    Where,
    /// tabdump/tabprune `-w` (perl-xCAT/xCAT/Table.pm:4348-4359): as [`Where`](Self::Where)
    /// without the bare `attr=value`; the caller tries the comparisons after these.
    TableWhere,
}

/// One parsed selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selector {
    /// The left side as typed (`nodehm.mgt`, `groups`, an object attribute).
    pub label: String,
    pub op: MatchOp,
    pub value: String,
}

/// Parses `text` as a selector; `None` if it is none in that syntax.
pub fn parse_selector(text: &str, syntax: SelectorSyntax) -> Option<Selector> {
    // `^[^=]*PAT`: the first occurrence has no '=' before it.
    let anchored = |pat: &str| text.find(pat).is_some_and(|p| !text[..p].contains('='));
    let order: &[(&str, MatchOp, bool)] = match syntax {
        SelectorSyntax::NodeRange => &[
            ("!=", MatchOp::Ne, true),
            ("=~", MatchOp::Regex, true),
            ("==", MatchOp::Eq, false),
            ("=", MatchOp::Eq, false),
            ("!~", MatchOp::NotRegex, false),
        ],
        SelectorSyntax::Nodels => &[
            ("!=", MatchOp::Ne, true),
            ("=~", MatchOp::Regex, true),
            ("==", MatchOp::Eq, false),
            ("!~", MatchOp::NotRegex, false),
        ],
        SelectorSyntax::Nodech => &[
            ("==", MatchOp::Eq, true),
            ("!=", MatchOp::Ne, true),
            ("=~", MatchOp::Regex, true),
            ("!~", MatchOp::NotRegex, true),
        ],
        SelectorSyntax::Where | SelectorSyntax::TableWhere => &[
            ("==", MatchOp::Eq, true),
            ("=~", MatchOp::Regex, true),
            ("!=", MatchOp::Ne, true),
            ("!~", MatchOp::NotRegex, false),
        ],
    };
    for (pat, op, is_anchored) in order {
        let hit = if *is_anchored {
            anchored(pat)
        } else {
            text.contains(pat)
        };
        if hit {
            let (label, value) = text.split_once(pat)?;
            return Some(Selector {
                label: label.to_string(),
                op: *op,
                value: strip(value, *op),
            });
        }
    }
    if syntax == SelectorSyntax::Where {
        // `^[^=]*=[^=]+$`
        let (label, value) = text.split_once('=')?;
        if !value.is_empty() && !value.contains('=') {
            return Some(Selector {
                label: label.into(),
                op: MatchOp::Eq,
                value: value.into(),
            });
        }
    }
    None
}

fn strip(value: &str, op: MatchOp) -> String {
    match op {
        MatchOp::Regex | MatchOp::NotRegex => {
            let v = value.strip_prefix('/').unwrap_or(value);
            v.strip_suffix('/').unwrap_or(v).to_string()
        }
        _ => value.to_string(),
    }
}

/// The short attribute names: `groups`, `tags` → nodelist.groups; `mgt` → nodehm.mgt.
pub fn short_name(label: &str) -> Option<(&'static str, &'static str)> {
    match label {
        "groups" | "tags" => Some(("nodelist", "groups")),
        "mgt" => Some(("nodehm", "mgt")),
        _ => None,
    }
}

/// `(table, column)` of a label: short names, else `table.column` (split at the first dot).
pub fn table_column(label: &str) -> Option<(String, String)> {
    if let Some((t, c)) = short_name(label) {
        return Some((t.to_string(), c.to_string()));
    }
    label
        .split_once('.')
        .map(|(t, c)| (t.to_string(), c.to_string()))
}

impl Selector {
    /// `(table, column)` of the label ([`table_column`]).
    pub fn table_column(&self) -> Option<(String, String)> {
        table_column(&self.label)
    }

    /// A compiled matcher (the regex is compiled once).
    pub fn matcher(&self) -> Result<Matcher, String> {
        let regex = match self.op {
            MatchOp::Regex | MatchOp::NotRegex => Some(
                compile(&self.value)
                    .map_err(|e| format!("Invalid regular expression {}: {e}", self.value))?,
            ),
            _ => None,
        };
        Ok(Matcher {
            op: self.op,
            value: self.value.clone(),
            regex,
        })
    }
}

/// A selector ready to test values.
#[derive(Debug, Clone)]
pub struct Matcher {
    op: MatchOp,
    value: String,
    regex: Option<Regex>,
}

impl Matcher {
    /// True if `value` (unset = empty string) satisfies the selector.
    pub fn matches(&self, value: &str) -> bool {
        let found = || {
            self.regex
                .as_ref()
                .is_some_and(|r| r.is_match(value).unwrap_or(false))
        };
        match self.op {
            MatchOp::Eq => value == self.value,
            MatchOp::Ne => value != self.value,
            MatchOp::Regex => found(),
            MatchOp::NotRegex => !found(),
        }
    }
}

/// The nodes (active nodelist order) matching a selector atom; an atom that
/// is no valid selector selects nothing (and is no miss), as stock.
pub(super) fn select_nodes(cx: &mut Ctx<'_>, atom: &str) -> Result<Vec<String>, NodeRangeError> {
    let Some(sel) = parse_selector(atom, SelectorSyntax::NodeRange) else {
        return Ok(Vec::new());
    };
    let Some((table, column)) = sel.table_column() else {
        return Ok(Vec::new());
    };
    if !registry::table(&table).is_some_and(|t| t.has_col(&column)) {
        return Ok(Vec::new());
    }
    let matcher = sel.matcher().map_err(NodeRangeError::Syntax)?;
    let map = cx.group_map()?;
    let mut out = Vec::new();
    for node in map.nodes() {
        let values = cx.attr_values(&table, &column, node)?;
        if values
            .iter()
            .any(|v| matcher.matches(v.as_deref().unwrap_or("")))
        {
            out.push(node.clone());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str, syn: SelectorSyntax) -> Option<(String, MatchOp, String)> {
        parse_selector(s, syn).map(|x| (x.label, x.op, x.value))
    }

    #[test]
    fn operator_orders() {
        use MatchOp::*;
        use SelectorSyntax::*;
        let t = |l: &str, o, v: &str| Some((l.to_string(), o, v.to_string()));
        assert_eq!(
            p("nodehm.mgt==ipmi", NodeRange),
            t("nodehm.mgt", Eq, "ipmi")
        );
        assert_eq!(p("nodehm.mgt=ipmi", NodeRange), t("nodehm.mgt", Eq, "ipmi"));
        assert_eq!(
            p("nodehm.mgt!=ipmi", NodeRange),
            t("nodehm.mgt", Ne, "ipmi")
        );
        assert_eq!(
            p("mp.mpa=~/^amm.*/", NodeRange),
            t("mp.mpa", Regex, "^amm.*")
        );
        assert_eq!(p("groups!~rack", NodeRange), t("groups", NotRegex, "rack"));
        assert_eq!(p("a~b", NodeRange), None);
        assert_eq!(p("nodehm.mgt=ipmi", Nodels), None);
        // nodels: `==` and `!~` are found anywhere, nodech anchors every test (stock).
        assert_eq!(p("a=b==c", Nodels), t("a=b", Eq, "c"));
        assert_eq!(p("a=b==c", Nodech), None);
        assert_eq!(p("a==b!=c", Nodech), t("a", Eq, "b!=c"));
        assert_eq!(p("a=~b!=c", Nodech), t("a", Regex, "b!=c"));
        assert_eq!(p("mgt=ipmi", Where), t("mgt", Eq, "ipmi"));
        assert_eq!(p("os=~rhels", Where), t("os", Regex, "rhels"));
        assert_eq!(p("a=b=c", Where), None);
        // `==` inside the value of `!=`.
        assert_eq!(p("a.b!=x==y", NodeRange), t("a.b", Ne, "x==y"));
    }

    #[test]
    fn matching() {
        let m = parse_selector("t.c=~^amm", SelectorSyntax::NodeRange)
            .unwrap()
            .matcher()
            .unwrap();
        assert!(m.matches("amm1") && !m.matches("xamm"));
        let m = parse_selector("t.c!=", SelectorSyntax::NodeRange)
            .unwrap()
            .matcher()
            .unwrap();
        assert!(m.matches("x") && !m.matches(""));
        assert!(parse_selector("t.c=~[", SelectorSyntax::NodeRange)
            .unwrap()
            .matcher()
            .is_err());
    }
}
