//! `-w` selection strings (`attr==v`, `attr=v`, `attr!=v`, `attr=~re`,
//! `attr!~re`; Perl regexes through fancy-regex) and dynamic-group
//! `wherevals` (`a==b::c=~d`).

use fancy_regex::Regex;

#[derive(Debug, Clone)]
pub enum Test {
    Eq(String),
    Ne(String),
    Re(Regex),
    NotRe(Regex),
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

fn strip_slashes(v: &str) -> &str {
    let v = v.strip_prefix('/').unwrap_or(v);
    v.strip_suffix('/').unwrap_or(v)
}

fn regex(v: &str, word: &str) -> Result<Regex, BadSelection> {
    Regex::new(strip_slashes(v)).map_err(|_| BadSelection(word.to_string()))
}

impl Selection {
    pub fn parse<S: AsRef<str>>(words: &[S]) -> Result<Selection, BadSelection> {
        let mut sel = Selection::default();
        for w in words {
            let w = w.as_ref();
            let first_eq = w.find('=');
            let pre = |op: &str| -> Option<usize> {
                let p = w.find(op)?;
                // `^[^=]*op`: no '=' before the operator
                match first_eq {
                    Some(e) if e < p => None,
                    _ => Some(p),
                }
            };
            let (attr, test) = if let Some(p) = pre("==") {
                (&w[..p], Test::Eq(w[p + 2..].to_string()))
            } else if let Some(p) = pre("=~") {
                (&w[..p], Test::Re(regex(&w[p + 2..], w)?))
            } else if let Some(p) = pre("!=") {
                (&w[..p], Test::Ne(w[p + 2..].to_string()))
            } else if let Some(p) = w.find("!~") {
                (&w[..p], Test::NotRe(regex(&w[p + 2..], w)?))
            } else if let Some(p) =
                first_eq.filter(|&p| p + 1 < w.len() && !w[p + 1..].contains('='))
            {
                (&w[..p], Test::Eq(w[p + 1..].to_string()))
            } else {
                return Err(BadSelection(w.to_string()));
            };
            sel.conds.retain(|c| c.attr != attr);
            sel.conds.push(Cond {
                attr: attr.to_string(),
                test,
            });
        }
        Ok(sel)
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
