//! One option specification in Getopt::Long's own syntax (`"h|?|help"`,
//! `"w=s@"`, `"template:s"`, `"x!"`, `"V+"`), checked at compile time.

/// What an option takes, from the spec's suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Takes {
    /// No suffix: a switch, stored as true.
    Nothing,
    /// `!`: a switch that also answers to `--noNAME` / `--no-NAME` (stored false).
    Negatable,
    /// `+`: a counter, incremented on each use.
    Increment,
    /// `=s`/`:s`/`=i`/`:i`, optionally with `@` (every value kept).
    Value {
        int: bool,
        mandatory: bool,
        repeat: bool,
    },
}

/// One option: names (the first is the key for [`super::Parsed`]) and [`Takes`].
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    text: &'static str,
    names_end: usize,
    pub takes: Takes,
}

impl Spec {
    /// Parse a Getopt::Long spec.  Used in a `const`, a malformed or
    /// unsupported spec (`%` hashes, `{n,m}` repeats, `=f`, `:5`) fails the build.
    pub const fn new(text: &'static str) -> Spec {
        let b = text.as_bytes();
        let mut i = 0;
        // Names: the first one is a word; an alias's first character may be anything (`?`).
        while i < b.len() {
            let after_bar = i > 0 && b[i - 1] == b'|';
            if i > 0 && !after_bar && matches!(b[i], b'!' | b'+' | b'=' | b':') {
                break;
            }
            i += 1;
        }
        assert!(i > 0, "Getopt spec without a name");
        let names_end = i;
        let takes = match (b.len() - i, if i < b.len() { b[i] } else { 0 }) {
            (0, _) => Takes::Nothing,
            (1, b'!') => Takes::Negatable,
            (1, b'+') => Takes::Increment,
            (2 | 3, b'=' | b':') => {
                let int = match b[i + 1] {
                    b's' => false,
                    b'i' => true,
                    _ => panic!("Getopt spec: only s and i values are supported"),
                };
                let repeat = b.len() - i == 3;
                assert!(!repeat || b[i + 2] == b'@', "Getopt spec: bad suffix");
                Takes::Value {
                    int,
                    mandatory: b[i] == b'=',
                    repeat,
                }
            }
            _ => panic!("Getopt spec: bad suffix"),
        };
        Spec {
            text,
            names_end,
            takes,
        }
    }

    /// Every name, the first one being the key.
    pub fn names(&self) -> impl Iterator<Item = &'static str> {
        let text: &'static str = self.text;
        text[..self.names_end].split('|')
    }

    /// The first name: how [`super::Parsed`]'s getters refer to this option.
    pub fn key(&self) -> &'static str {
        self.names().next().unwrap_or_default()
    }
}
