//! The XML::Simple result model: every element is a list of values; a value is
//! text, empty (`undef`) or a nested map.  Keys are kept sorted (BTreeMap) because
//! XML::Simple writes them sorted and Perl's `sort` is byte order, like `str::cmp`.

use std::collections::BTreeMap;

/// One element's children, keyed by element name, each a list of occurrences.
pub type Map = BTreeMap<String, Vec<Value>>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// `<x></x>`, `<x/>` or whitespace-only content: Perl `undef`.
    Empty,
    /// Text-only element content, entity-decoded.
    Text(String),
    /// Element with child elements.
    Map(Map),
}

impl Value {
    pub fn text(s: impl Into<String>) -> Value {
        Value::Text(s.into())
    }

    /// The text of a text element; `None` for empty and map values.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&Map> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Text(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Text(s)
    }
}

impl From<Map> for Value {
    fn from(m: Map) -> Value {
        Value::Map(m)
    }
}

/// Helpers on a map shared by requests and responses.
pub trait MapExt {
    /// First occurrence of `key` as text (`None` when missing, empty or a map).
    fn first_text(&self, key: &str) -> Option<&str>;
    /// Every occurrence of `key`; empty elements read as `""`, maps are skipped.
    fn texts(&self, key: &str) -> Vec<&str>;
    /// Append one value under `key`.
    fn push(&mut self, key: &str, value: impl Into<Value>);
    /// Replace all values under `key` with one value.
    fn set(&mut self, key: &str, value: impl Into<Value>);
}

impl MapExt for Map {
    fn first_text(&self, key: &str) -> Option<&str> {
        self.get(key)
            .and_then(|v| v.first())
            .and_then(Value::as_text)
    }

    fn texts(&self, key: &str) -> Vec<&str> {
        self.get(key)
            .map(|vs| {
                vs.iter()
                    .filter_map(|v| match v {
                        Value::Text(s) => Some(s.as_str()),
                        Value::Empty => Some(""),
                        Value::Map(_) => None,
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    fn push(&mut self, key: &str, value: impl Into<Value>) {
        self.entry(key.to_string()).or_default().push(value.into());
    }

    fn set(&mut self, key: &str, value: impl Into<Value>) {
        self.insert(key.to_string(), vec![value.into()]);
    }
}
