//! xcat2nim's command line (xCAT-server/lib/xcat/plugins/xcat2nim.pm:211-228):
//! the stock option set through the shared Getopt::Long parser with the
//! plugin's settings (bundling, case-sensitive, no pass-through, options
//! anywhere), the usage text, and the `attr=val` words.

use crate::getopt::{Config, Spec};
use crate::hierarchy::SnType;

/// xcat2nim.pm:30-31 and :211.
const CONFIG: Config = Config::DEFAULT.bundling().no_ignore_case();

const SPECS: &[Spec] = &[
    Spec::new("all|a"),
    Spec::new("b|backupSN"),
    Spec::new("f|force"),
    Spec::new("help|h|?"),
    Spec::new("list|l"),
    Spec::new("update|u"),
    Spec::new("remove|r"),
    Spec::new("managementnode|M"),
    Spec::new("o=s"),
    Spec::new("p|primarySN"),
    Spec::new("t=s"),
    Spec::new("s=s"),
    Spec::new("verbose|V"),
    Spec::new("version|v"),
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
    /// `-p` / `-b` ([`crate::nim::split::sn_type`]).
    pub fn sn_type(&self) -> SnType {
        crate::nim::split::sn_type(self.primary, self.backup)
    }
}

/// Parse the request's `arg` words; `None` when an option is unknown or
/// lacks its value (stock: usage, `Return=1.`).
pub fn parse(words: &[&str]) -> Option<Options> {
    let p = CONFIG.parse(words, SPECS).ok()?;
    let (pairs, words): (Vec<String>, Vec<String>) =
        p.rest.iter().cloned().partition(|w| w.contains('='));
    Some(Options {
        all: p.has("all"),
        backup: p.has("b"),
        force: p.has("f"),
        help: p.has("help"),
        list: p.has("list"),
        update: p.has("update"),
        remove: p.has("remove"),
        objects: p.str("o").map(str::to_string),
        primary: p.has("p"),
        types: p.str("t").map(str::to_string),
        verbose: p.has("verbose"),
        version: p.has("version"),
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
