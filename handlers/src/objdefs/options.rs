//! Command-line parsing for lsdef/mkdef/chdef/rmdef: the stock option set
//! (read by [`crate::getopt`] with DBobjectdefs' configuration: bundling,
//! case-sensitive, options anywhere), the positional noderange / object list
//! and the `attr=value` pairs.

use crate::getopt::{Config, Spec};

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

/// DBobjectdefs.pm configures `bundling` and `ignorecase = 0` at load time
/// (xCAT-server/lib/xcat/plugins/DBobjectdefs.pm:29-30) and `no_pass_through` before parsing (:487).
const CONFIG: Config = Config::DEFAULT
    .bundling()
    .no_ignore_case()
    .no_pass_through();

/// Every option of the four commands (xCAT-server/lib/xcat/plugins/DBobjectdefs.pm:489-515).
const SPECS: &[Spec] = &[
    Spec::new("all|a"),
    Spec::new("compress|c"),
    Spec::new("dynamic|d"),
    Spec::new("f|force"),
    Spec::new("i=s"),
    Spec::new("help|h|?"),
    Spec::new("long|l"),
    Spec::new("short|s"),
    Spec::new("m|minus"),
    Spec::new("n=s"),
    Spec::new("o=s"),
    Spec::new("p|plus"),
    Spec::new("t=s"),
    Spec::new("verbose|V"),
    Spec::new("version|v"),
    Spec::new("w=s@"),
    Spec::new("x|xml"),
    Spec::new("z|stanza"),
    Spec::new("nocache"),
    Spec::new("S"),
    Spec::new("osimage"),
    Spec::new("nics"),
    Spec::new("u"),
    Spec::new("template:s"),
    Spec::new("C|cleanup"),
];

/// Parse the request's `arg` words.
pub fn parse(args: &[&str]) -> Result<Opts, OptError> {
    let p = CONFIG
        .parse(args, SPECS)
        .map_err(|e| OptError(e.to_string()))?;
    let owned = |key| p.str(key).map(str::to_string);
    let mut o = Opts {
        all: p.flag("all"),
        compress: p.flag("compress"),
        dynamic: p.flag("dynamic"),
        force: p.flag("f"),
        attrs_i: owned("i"),
        help: p.flag("help"),
        long: p.flag("long"),
        short: p.flag("short"),
        minus: p.flag("m"),
        newname: owned("n"),
        objects: owned("o"),
        plus: p.flag("p"),
        types: owned("t"),
        verbose: p.flag("verbose"),
        version: p.flag("version"),
        wheres: p.strs("w").into_iter().map(str::to_string).collect(),
        xml: p.flag("x"),
        stanza: p.flag("z"),
        nocache: p.flag("nocache"),
        hidden: p.flag("S"),
        osimage: p.flag("osimage"),
        nics: p.flag("nics"),
        setattr: p.flag("u"),
        template: owned("template"),
        cleanup: p.flag("C"),
        ..Opts::default()
    };
    for w in &p.rest {
        if w.contains('=') {
            match split_pair(w) {
                Some(pair) => o.attr_pairs.push(pair),
                None => o.bad_pairs.push(w.clone()),
            }
        } else {
            o.positional.push(w.clone());
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

    #[test]
    fn stock_getopt_long_where_the_old_parser_differed() {
        // An optional value takes the next word unless it looks like an option,
        // also `attr=value` (DBobjectdefs.pm:513 'template:s').
        let o = parse(&["--template", "x=1", "cn01"]).unwrap();
        assert_eq!(o.template.as_deref(), Some("x=1"));
        assert!(o.attr_pairs.is_empty());
        // Unique abbreviations and every name after `--`, case-sensitive.
        let o = parse(&["--sta", "--a", "--verb", "--?"]).unwrap();
        assert!(o.stanza && o.all && o.verbose && o.help);
        assert!(parse(&["--LONG"]).is_err());
        assert!(parse(&["--n"]).is_err(), "-n needs its value");
        // `+` starts an option too.
        assert!(parse(&["+l"]).unwrap().long);
        assert!(parse(&["+q"]).is_err());
    }
}
