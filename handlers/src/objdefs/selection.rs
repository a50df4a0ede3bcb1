//! `-w` selection strings (`attr==v`, `attr=v`, `attr!=v`, `attr=~re`,
//! `attr!~re`; Perl regexes through fancy-regex) and dynamic-group
//! `wherevals` (`a==b::c=~d`).

use xcat_schema::noderange::{parse_selector, MatchOp, Matcher, Selector, SelectorSyntax};
use xcat_schema::user_regex::{compile, Regex};

#[derive(Debug, Clone)]
pub enum Test {
    Eq(String),
    Ne(String),
    Re(Regex),
    NotRe(Regex),
    /// A test from the one selector parser (unset values still never match).
    Matcher(Matcher),
}

/// One `attr <op> value` condition.
#[derive(Debug, Clone)]
pub struct Cond {
    pub attr: String,
    pub test: Test,
}

/// Conditions keyed by attribute (a later condition on the same attribute
/// replaces the earlier one, as stock's hash does).
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub conds: Vec<Cond>,
}

/// Parse failure: the offending word (stock says "Incorrect selection string").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadSelection(pub String);

fn regex(v: &str, word: &str) -> Result<Regex, BadSelection> {
    compile(v).map_err(|_| BadSelection(word.to_string()))
}

impl Selection {
    /// Parses the words with the one selector parser ([`SelectorSyntax::Where`]).
    pub fn parse<S: AsRef<str>>(words: &[S]) -> Result<Selection, BadSelection> {
        let mut sel = Selection::default();
        for w in words {
            let w = w.as_ref();
            let Some(s) = parse_selector(w, SelectorSyntax::Where) else {
                return Err(BadSelection(w.to_string()));
            };
            let test = match s.op {
                MatchOp::Eq => Test::Eq(s.value),
                MatchOp::Ne => Test::Ne(s.value),
                MatchOp::Regex => Test::Re(regex(&s.value, w)?),
                MatchOp::NotRegex => Test::NotRe(regex(&s.value, w)?),
            };
            sel.conds.retain(|c| c.attr != s.label);
            sel.conds.push(Cond {
                attr: s.label,
                test,
            });
        }
        Ok(sel)
    }

    /// The conditions of already parsed tests (dynamic-group `wherevals`).
    pub fn from_tests(tests: Vec<(Selector, Matcher)>) -> Selection {
        let conds = tests
            .into_iter()
            .map(|(s, m)| Cond {
                attr: s.label,
                test: Test::Matcher(m),
            })
            .collect();
        Selection { conds }
    }

    /// Attributes the conditions look at.
    pub fn attrs(&self) -> Vec<String> {
        self.conds.iter().map(|c| c.attr.clone()).collect()
    }

    /// Whether an object matches; `get` returns the object's value of an
    /// attribute (`None` = not set, which never matches).
    pub fn matches<'a>(&self, get: impl Fn(&str) -> Option<&'a str>) -> bool {
        self.conds.iter().all(|c| match get(&c.attr) {
            None => false,
            Some(v) => match &c.test {
                Test::Eq(x) => v == x,
                Test::Ne(x) => v != x,
                Test::Re(r) => r.is_match(v).unwrap_or(false),
                Test::NotRe(r) => !r.is_match(v).unwrap_or(true),
                Test::Matcher(m) => m.matches(v),
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators() {
        let s = Selection::parse(&["servicenode=sn1,sn2", "os=~^rh", "arch!=ppc64", "x!~/^a/"])
            .unwrap();
        let vals = [
            ("servicenode", "sn1,sn2"),
            ("os", "rhels8"),
            ("arch", "x86_64"),
            ("x", "b"),
        ];
        let get = |a: &str| vals.iter().find(|(k, _)| *k == a).map(|(_, v)| *v);
        assert!(s.matches(get));
        let s = Selection::parse(&["servicenode==sn1"]).unwrap();
        assert!(!s.matches(get));
        assert!(Selection::parse(&["novalue"]).is_err());
        assert!(Selection::parse(&["a=~("]).is_err());
    }
}
