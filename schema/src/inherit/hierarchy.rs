//! `site.hierarchicalattrs`: columns whose values are
//! concatenated over the node row and its groups instead of first-wins.

use std::collections::HashMap;

/// Column → delimiter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hierarchy {
    delims: HashMap<String, String>,
}

impl Hierarchy {
    /// Parses `col[:delim],col2,...` (default delimiter `,`; white space
    /// around items and around `:` ignored).
    pub fn parse(value: &str) -> Hierarchy {
        let mut delims = HashMap::new();
        for item in value.split(',') {
            let item = item.trim();
            if item.is_empty() {
                continue;
            }
            let (attr, delim) = match item.split_once(':') {
                Some((a, d)) => (a.trim_end(), d.trim_start()),
                None => (item, ""),
            };
            let delim = if delim.is_empty() { "," } else { delim };
            if !attr.is_empty() {
                delims.insert(attr.to_string(), delim.to_string());
            }
        }
        Hierarchy { delims }
    }

    /// The delimiter of a hierarchical column.
    pub fn delimiter(&self, col: &str) -> Option<&str> {
        self.delims.get(col).map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.delims.is_empty()
    }
}

/// Final form of a concatenated value: split on the delimiter (trailing
/// empty fields dropped, as Perl's `split`), duplicates removed keeping the
/// first occurrence, joined again.
pub fn dedup_join(value: &str, delim: &str) -> String {
    let mut parts: Vec<&str> = value.split(delim).collect();
    while parts.last() == Some(&"") {
        parts.pop();
    }
    let mut seen = std::collections::HashSet::new();
    parts.retain(|p| seen.insert(*p));
    parts.join(delim)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_dedup() {
        let h = Hierarchy::parse(" postscripts , postbootscripts : ; ,x:");
        assert_eq!(h.delimiter("postscripts"), Some(","));
        assert_eq!(h.delimiter("postbootscripts"), Some(";"));
        assert_eq!(h.delimiter("x"), Some(","));
        assert_eq!(h.delimiter("os"), None);
        assert_eq!(dedup_join("a,b,a,c,b,", ","), "a,b,c");
        assert_eq!(dedup_join(",a,,a", ","), ",a");
        assert_eq!(dedup_join("", ","), "");
        assert_eq!(dedup_join("a;;b;;a;;", ";;"), "a;;b");
    }
}
