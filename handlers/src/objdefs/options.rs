//! Command-line parsing for lsdef/mkdef/chdef/rmdef: the stock option set
//! (Getopt::Long with bundling, case-sensitive, options anywhere), the
//! positional noderange / object list and the `attr=value` pairs.

/// Everything the four commands accept.  `None`/`false` = not given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Opts {
    pub all: bool,                // -a --all
    pub compress: bool,           // -c --compress
    pub dynamic: bool,            // -d --dynamic
    pub force: bool,              // -f --force
    pub attrs_i: Option<String>,  // -i
    pub help: bool,               // -h --help -?
    pub long: bool,               // -l --long
    pub short: bool,              // -s --short
    pub minus: bool,              // -m --minus
    pub newname: Option<String>,  // -n
    pub objects: Option<String>,  // -o
    pub plus: bool,               // -p --plus
    pub types: Option<String>,    // -t
    pub verbose: bool,            // -V --verbose
    pub version: bool,            // -v --version
    pub wheres: Vec<String>,      // -w (repeatable)
    pub xml: bool,                // -x --xml
    pub stanza: bool,             // -z --stanza
    pub nocache: bool,            // --nocache
    pub hidden: bool,             // -S
    pub osimage: bool,            // --osimage
    pub nics: bool,               // --nics
    pub setattr: bool,            // -u
    pub template: Option<String>, // --template [name]
    pub cleanup: bool,            // -C --cleanup
    /// Words without `=` (the noderange or object list), in order.
    pub positional: Vec<String>,
    /// `attr=value` pairs in command-line order (later duplicates win).
    pub attr_pairs: Vec<(String, String)>,
    /// Words containing `=` that do not form an attr=value pair.
    pub bad_pairs: Vec<String>,
}

impl Opts {
    /// `-t` split on commas (empty when not given).
    pub fn type_list(&self) -> Vec<String> {
        self.types
            .as_deref()
            .map(|t| t.split(',').map(str::to_string).collect())
            .unwrap_or_default()
    }
}

/// Why the arguments could not be parsed (stock: "Invalid option..").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptError(pub String);

enum Kind {
    Flag(fn(&mut Opts)),
    Value(fn(&mut Opts, String)),
    Optional(fn(&mut Opts, String)),
}

fn lookup(name: &str, long: bool) -> Option<Kind> {
    use Kind::*;
    // Short names (single letters, case-sensitive) and long names.
    let k = match (name, long) {
        ("a", false) | ("all", true) => Flag(|o| o.all = true),
        ("c", false) | ("compress", true) => Flag(|o| o.compress = true),
        ("d", false) | ("dynamic", true) => Flag(|o| o.dynamic = true),
        ("f", false) | ("force", true) | ("f", true) => Flag(|o| o.force = true),
        ("i", false) | ("i", true) => Value(|o, v| o.attrs_i = Some(v)),
        ("h", false) | ("?", false) | ("help", true) | ("h", true) => Flag(|o| o.help = true),
        ("l", false) | ("long", true) => Flag(|o| o.long = true),
        ("s", false) | ("short", true) => Flag(|o| o.short = true),
        ("m", false) | ("minus", true) | ("m", true) => Flag(|o| o.minus = true),
        ("n", false) | ("n", true) => Value(|o, v| o.newname = Some(v)),
        ("o", false) | ("o", true) => Value(|o, v| o.objects = Some(v)),
        ("p", false) | ("plus", true) | ("p", true) => Flag(|o| o.plus = true),
        ("t", false) | ("t", true) => Value(|o, v| o.types = Some(v)),
        ("V", false) | ("verbose", true) => Flag(|o| o.verbose = true),
        ("v", false) | ("version", true) => Flag(|o| o.version = true),
        ("w", false) | ("w", true) => Value(|o, v| o.wheres.push(v)),
        ("x", false) | ("xml", true) => Flag(|o| o.xml = true),
        ("z", false) | ("stanza", true) => Flag(|o| o.stanza = true),
        ("nocache", true) => Flag(|o| o.nocache = true),
        ("S", false) | ("S", true) => Flag(|o| o.hidden = true),
        ("osimage", true) => Flag(|o| o.osimage = true),
        ("nics", true) => Flag(|o| o.nics = true),
        ("u", false) | ("u", true) => Flag(|o| o.setattr = true),
        ("template", true) => Optional(|o, v| o.template = Some(v)),
        ("C", false) | ("cleanup", true) => Flag(|o| o.cleanup = true),
        _ => return None,
    };
    Some(k)
}

/// Parse the request's `arg` words.
pub fn parse(args: &[&str]) -> Result<Opts, OptError> {
    let mut o = Opts::default();
    let mut rest: Vec<String> = Vec::new();
    let mut i = 0;
    let mut only_positional = false;
    while i < args.len() {
        let a = args[i];
        i += 1;
        if only_positional || a == "-" || !a.starts_with('-') {
            rest.push(a.to_string());
            continue;
        }
        if a == "--" {
            only_positional = true;
            continue;
        }
        if let Some(body) = a.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            match lookup(name, true) {
                Some(Kind::Flag(f)) if inline.is_none() => f(&mut o),
                Some(Kind::Value(f)) => {
                    let v = match inline {
                        Some(v) => v,
                        None => {
                            let v = args.get(i).ok_or_else(|| OptError(a.to_string()))?;
                            i += 1;
                            v.to_string()
                        }
                    };
                    f(&mut o, v)
                }
                Some(Kind::Optional(f)) => {
                    let v = match inline {
                        Some(v) => v,
                        None => match args.get(i) {
                            Some(n) if !n.starts_with('-') && !n.contains('=') => {
                                i += 1;
                                n.to_string()
                            }
                            _ => String::new(),
                        },
                    };
                    f(&mut o, v)
                }
                _ => return Err(OptError(a.to_string())),
            }
            continue;
        }
        // Bundled single-letter options: -lS, -tnode, -t node.
        let letters: Vec<char> = a[1..].chars().collect();
        let mut j = 0;
        while j < letters.len() {
            let name = letters[j].to_string();
            j += 1;
            match lookup(&name, false) {
                Some(Kind::Flag(f)) => f(&mut o),
                Some(Kind::Value(f)) | Some(Kind::Optional(f)) => {
                    let v = if j < letters.len() {
                        let v: String = letters[j..].iter().collect();
                        j = letters.len();
                        v
                    } else {
                        let v = args.get(i).ok_or_else(|| OptError(a.to_string()))?;
                        i += 1;
                        v.to_string()
                    };
                    f(&mut o, v)
                }
                None => return Err(OptError(a.to_string())),
            }
        }
    }
    for w in rest {
        if w.contains('=') {
            match split_pair(&w) {
                Some(p) => o.attr_pairs.push(p),
                None => o.bad_pairs.push(w),
            }
        } else {
            o.positional.push(w);
        }
    }
    Ok(o)
}

/// `attr=value` with blanks around `=` trimmed (stock `^\s*(.*?)\s*=\s*(\S*.*)$`).
pub fn split_pair(word: &str) -> Option<(String, String)> {
    let (a, v) = word.split_once('=')?;
    Some((a.trim().to_string(), v.trim_start().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundling_and_values() {
        let o = parse(&["-lS", "-tnode", "-w", "a==b", "-w", "c=~d", "cn01", "x=1"]).unwrap();
        assert!(o.long && o.hidden);
        assert_eq!(o.types.as_deref(), Some("node"));
        assert_eq!(o.wheres, vec!["a==b", "c=~d"]);
        assert_eq!(o.positional, vec!["cn01"]);
        assert_eq!(o.attr_pairs, vec![("x".into(), "1".into())]);
    }

    #[test]
    fn long_names_and_errors() {
        let o = parse(&["--long", "--stanza", "--template", "--nics"]).unwrap();
        assert!(o.long && o.stanza && o.nics);
        assert_eq!(o.template.as_deref(), Some(""));
        assert!(parse(&["-q"]).is_err());
        assert!(parse(&["--bogus"]).is_err());
        assert!(parse(&["-t"]).is_err());
    }
}
