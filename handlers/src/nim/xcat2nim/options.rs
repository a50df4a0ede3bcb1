//! xcat2nim's command line (handlers.md §6.1): the stock option set parsed
//! Getopt::Long style (bundling, case-sensitive, options anywhere), the
//! usage text, and the `attr=val` words.
//!
//! PARSER GLUE: parsing goes through the table commands' Getopt::Long
//! look-alike (`crate::tables::args`) until the shared option parser lands;
//! switching is the one call in [`parse`].

use crate::hierarchy::SnType;
use crate::tables::args::{self, Opt, Order};

const OPTS: &[Opt] = &[
    Opt::flag(&["a", "all"]),
    Opt::flag(&["b", "backupSN"]),
    Opt::flag(&["f", "force"]),
    Opt::flag(&["h", "?", "help"]),
    Opt::flag(&["l", "list"]),
    Opt::flag(&["u", "update"]),
    Opt::flag(&["r", "remove"]),
    Opt::flag(&["M", "managementnode"]),
    Opt::string(&["o"]),
    Opt::flag(&["p", "primarySN"]),
    Opt::string(&["s"]),
    Opt::string(&["t"]),
    Opt::flag(&["V", "verbose"]),
    Opt::flag(&["v", "version"]),
];

/// Everything xcat2nim accepts.  `-M` and `-s` are parsed and unused, as in
/// stock (their network code is disabled there).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    pub all: bool,
    pub backup: bool,
    pub force: bool,
    pub help: bool,
    pub list: bool,
    pub update: bool,
    pub remove: bool,
    pub objects: Option<String>,
    pub primary: bool,
    pub types: Option<String>,
    pub verbose: bool,
    pub version: bool,
    /// Words without `=` (a noderange, or object names with `-t`), in order.
    pub words: Vec<String>,
    /// `attr=val` words in order.
    pub pairs: Vec<String>,
}

impl Options {
    /// Which service nodes of a node's `servicenode` list get its
    /// definition: `-p` / `-b` (both, or neither: every one).
    pub fn sn_type(&self) -> SnType {
        match (self.primary, self.backup) {
            (true, false) => SnType::Primary,
            (false, true) => SnType::Backup,
            _ => SnType::All,
        }
    }
}

/// Parse the request's `arg` words; `None` when an option is unknown or
/// lacks its value (stock: usage, `Return=1.`).
pub fn parse(words: &[&str]) -> Option<Options> {
    let p = args::parse(words, OPTS, Order::Permute).ok()?;
    let (pairs, words): (Vec<String>, Vec<String>) =
        p.rest.iter().cloned().partition(|w| w.contains('='));
    Some(Options {
        all: p.has("a"),
        backup: p.has("b"),
        force: p.has("f"),
        help: p.has("h"),
        list: p.has("l"),
        update: p.has("u"),
        remove: p.has("r"),
        objects: p.value("o").map(str::to_string),
        primary: p.has("p"),
        types: p.value("t").map(str::to_string),
        verbose: p.has("V"),
        version: p.has("v"),
        words,
        pairs,
    })
}

/// The usage text, one `info` entry per stock line (X2N:1423-1432).
pub fn usage_lines() -> [&'static str; 3] {
    [
        "\nUsage: xcat2nim - Use this command to create and manage AIX NIM definitions based on xCAT object definitions.\n",
        "  xcat2nim [-h|--help ]\n",
        "  xcat2nim [-V|--verbose] [-l|--list] [-r|--remove] [-u|--update]\n    [-f|--force] [-t object-types] [-o object-names] [-a|--allobjects]\n    [-p|--primarySN] [-b|--backupSN] [noderange] [attr=val [attr=val...]]\n",
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundles_words_and_pairs() {
        let o = parse(&["-lV", "cn01-cn02", "netboot_kernel=mp", "-t", "node"]).unwrap();
        assert!(o.list && o.verbose);
        assert_eq!(o.words, ["cn01-cn02"]);
        assert_eq!(o.pairs, ["netboot_kernel=mp"]);
        assert_eq!(o.types.as_deref(), Some("node"));
        assert_eq!(o.sn_type(), SnType::All);
        assert_eq!(parse(&["-p"]).unwrap().sn_type(), SnType::Primary);
        assert_eq!(parse(&["--backupSN"]).unwrap().sn_type(), SnType::Backup);
        assert_eq!(parse(&["-p", "-b"]).unwrap().sn_type(), SnType::All);
        assert!(parse(&["-x"]).is_none());
        assert!(parse(&["-o"]).is_none());
    }
}
