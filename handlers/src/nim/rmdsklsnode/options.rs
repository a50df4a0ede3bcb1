//! rmdsklsnode's command line (xCAT-server/lib/xcat/plugins/aixinstall.pm:13759-13826
//! on the management node, :13873-13886 on the service node): one option
//! set for both sides through the shared Getopt::Long parser with the
//! plugin's settings (bundling, case-sensitive, no pass-through), the usage
//! text and the noderange word.
//!
//! Stock's service-node side did not know `-p` / `-b`, so every run with
//! either failed there with the usage and `Return=1.`
//! (aixinstall.pm:13873-13892); here both sides accept the same options.

use crate::getopt::{Config, Spec};
use crate::hierarchy::SnType;
use crate::nim::machine::short_name;

/// aixinstall.pm:38-39 and :13759.
const CONFIG: Config = Config::DEFAULT.bundling().no_ignore_case();

const SPECS: &[Spec] = &[
    Spec::new("b|backupSN"),
    Spec::new("f|force"),
    Spec::new("h|help"),
    Spec::new("i=s"),
    Spec::new("p|primarySN"),
    Spec::new("r|remdef"),
    Spec::new("verbose|V"),
    Spec::new("v|version"),
];

/// Everything rmdsklsnode accepts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    pub backup: bool,
    pub force: bool,
    pub help: bool,
    /// `-i image`: the NIM machine is `<node>_<image>` (alternate clients
    /// made by `mkdsklsnode -n`).
    pub image: Option<String>,
    pub primary: bool,
    pub remdef: bool,
    pub verbose: bool,
    pub version: bool,
    /// The noderange: the first word without `=` (aixinstall.pm:13813-13820).
    pub noderange: Option<String>,
}

impl Options {
    /// `-p` / `-b` ([`crate::nim::split::sn_type`]).
    pub fn sn_type(&self) -> SnType {
        crate::nim::split::sn_type(self.primary, self.backup)
    }

    /// The NIM machine name of `node`: its short name, `_<image>` with `-i`.
    pub fn nim_name(&self, node: &str) -> String {
        let short = short_name(node);
        match &self.image {
            Some(i) => format!("{short}_{i}"),
            None => short.to_string(),
        }
    }
}

/// Parse the request's `arg` words; `None` when an option is unknown or
/// lacks its value (stock: usage, `Return=1.`).
pub fn parse(words: &[&str]) -> Option<Options> {
    let p = CONFIG.parse(words, SPECS).ok()?;
    Some(Options {
        backup: p.has("b"),
        force: p.has("f"),
        help: p.has("h"),
        image: p.str("i").map(str::to_string),
        primary: p.has("p"),
        remdef: p.has("r"),
        verbose: p.has("verbose"),
        version: p.has("v"),
        noderange: p.rest.iter().find(|w| !w.contains('=')).cloned(),
    })
}

/// The usage text, one `info` entry per stock line (aixinstall.pm:14228-14242).
pub fn usage_lines() -> [&'static str; 5] {
    [
        "\n  rmdsklsnode - Use this xCAT command to remove AIX/NIM diskless client definitions.",
        "  Usage: ",
        "\trmdsklsnode [-h | --help ]",
        "or",
        "\trmdsklsnode [-V|--verbose] [-f|--force] [-r|--remdef]\n\t\t{-i image_name} [-p|--primarySN] [-b|--backupSN]  noderange",
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_and_the_noderange_word() {
        let o = parse(&["-fV", "a=b", "cn01-cn02", "-i", "71dskls"]).unwrap();
        assert!(o.force && o.verbose && !o.remdef);
        assert_eq!(o.noderange.as_deref(), Some("cn01-cn02"));
        assert_eq!(o.nim_name("cn01.cluster"), "cn01_71dskls");
        assert_eq!(o.sn_type(), SnType::All);
        assert_eq!(parse(&["-p", "x"]).unwrap().sn_type(), SnType::Primary);
        assert_eq!(
            parse(&["--backupSN", "x"]).unwrap().sn_type(),
            SnType::Backup
        );
        assert_eq!(parse(&["-p", "-b", "x"]).unwrap().sn_type(), SnType::All);
        assert!(parse(&["-x"]).is_none());
        assert!(parse(&["-i"]).is_none());
        assert!(parse(&["-r", "a=b"]).unwrap().noderange.is_none());
        // Case-sensitive: -v is the version, -V verbose.
        let v = parse(&["-v"]).unwrap();
        assert!(v.version && !v.verbose);
    }
}
