//! What a parse produced: the options' values (read through typed getters
//! keyed by each option's first name), the operands, or why it was refused.

use super::spec::Spec;

/// One option's value, as Getopt::Long stores it in its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Value {
    Switch(bool),
    Count(i64),
    Str(String),
    Int(i64),
    Strs(Vec<String>),
    Ints(Vec<i64>),
}

/// The result of a successful parse.
#[derive(Debug, Clone)]
pub struct Parsed {
    specs: &'static [Spec],
    values: Vec<Option<Value>>,
    /// What is left of the arguments: operands, and with `pass_through` the
    /// words that were not recognised, in Getopt::Long's order.
    pub rest: Vec<String>,
}

impl Parsed {
    pub(super) fn new(specs: &'static [Spec]) -> Parsed {
        Parsed {
            specs,
            values: vec![None; specs.len()],
            rest: Vec::new(),
        }
    }

    pub(super) fn slot(&mut self, index: usize) -> &mut Option<Value> {
        &mut self.values[index]
    }

    fn get(&self, key: &str) -> Option<&Value> {
        let index = self.specs.iter().position(|s| s.key() == key);
        debug_assert!(index.is_some(), "no option spec keyed {key:?}");
        self.values.get(index?)?.as_ref()
    }

    /// Whether the option was given at all (also `--noNAME`, also with an empty value).
    pub fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// A switch: given and not negated (`--noNAME`); a counter above zero.
    pub fn flag(&self, key: &str) -> bool {
        match self.get(key) {
            Some(Value::Switch(on)) => *on,
            Some(Value::Count(n)) => *n > 0,
            Some(_) => true,
            None => false,
        }
    }

    /// A negatable switch: `Some(true)` for `--NAME`, `Some(false)` for `--noNAME`.
    pub fn switch(&self, key: &str) -> Option<bool> {
        self.has(key).then(|| self.flag(key))
    }

    /// How often a `+` counter was given.
    pub fn count(&self, key: &str) -> i64 {
        match self.get(key) {
            Some(Value::Count(n)) => *n,
            Some(Value::Switch(on)) => i64::from(*on),
            _ => 0,
        }
    }

    /// A string option's value (the last one given; `""` for an optional
    /// value that was left out); for a repeated option, its last value.
    pub fn str(&self, key: &str) -> Option<&str> {
        match self.get(key)? {
            Value::Str(s) => Some(s),
            Value::Strs(v) => v.last().map(String::as_str),
            _ => None,
        }
    }

    /// An integer option's value (`0` for an optional value left out).
    pub fn int(&self, key: &str) -> Option<i64> {
        match self.get(key)? {
            Value::Int(n) => Some(*n),
            Value::Ints(v) => v.last().copied(),
            _ => None,
        }
    }

    /// Every value of a repeated string option (`=s@`), in order.
    pub fn strs(&self, key: &str) -> Vec<&str> {
        match self.get(key) {
            Some(Value::Strs(v)) => v.iter().map(String::as_str).collect(),
            Some(Value::Str(s)) => vec![s.as_str()],
            _ => Vec::new(),
        }
    }

    /// Every value of a repeated integer option (`=i@`), in order.
    pub fn ints(&self, key: &str) -> Vec<i64> {
        match self.get(key) {
            Some(Value::Ints(v)) => v.clone(),
            Some(Value::Int(n)) => vec![*n],
            _ => Vec::new(),
        }
    }
}

/// Why the arguments were refused: Getopt::Long's warnings, in order
/// ("Unknown option: x", "Option t requires an argument", …).  Stock
/// plugins send these to the daemon's log and answer with their usage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub warnings: Vec<String>,
}

impl std::fmt::Display for Rejected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.warnings.join("\n"))
    }
}

impl std::error::Error for Rejected {}
