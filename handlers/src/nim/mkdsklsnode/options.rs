//! mkdsklsnode's command line (xCAT-server/lib/xcat/plugins/aixinstall.pm:8274-8290 on
//! the management node, :11056-11071 on the service node): ONE option set
//! for both sides through the shared Getopt::Long parser with the plugin's
//! settings (bundling and case-sensitive at load time, aixinstall.pm:38-39;
//! no pass-through), the usage text, and the `attr=val` words with their
//! checks (aixinstall.pm:8368-8427).
//!
//! Stock's service node spelled `-b|--backup` and `-p|--primary`, so the
//! documented `--backupSN` / `--primarySN` failed there with `Return=1.`
//! (aixinstall.pm:11058, :11066).  Here both sides accept `--backupSN` and
//! `--primarySN` (and, as abbreviations, `--backup` / `--primary`).

use crate::getopt::{Config, Spec};
use crate::hierarchy::SnType;
use crate::nim::split;
use std::collections::BTreeMap;

const CONFIG: Config = Config::DEFAULT.bundling().no_ignore_case();

const SPECS: &[Spec] = &[
    Spec::new("b|backupSN"),
    Spec::new("d|defonly"),
    Spec::new("f|force"),
    Spec::new("h|help"),
    Spec::new("i=s"),
    Spec::new("k|skipsync"),
    Spec::new("l=s"),
    Spec::new("n|new"),
    Spec::new("p|primarySN"),
    Spec::new("r|resonly"),
    Spec::new("S|setuphanfs"),
    Spec::new("u|updateSN"),
    Spec::new("verbose|V"),
    Spec::new("v|version"),
];

/// The `attr=val` names mkdsklsnode accepts, in stock's order (for the
/// "valid attributes" message).
pub const VALID_ATTRS: &[&str] = &[
    "duplex",
    "speed",
    "psize",
    "sparse_paging",
    "dump_iscsi_port",
    "configdump",
];

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    pub backup: bool,
    pub defonly: bool,
    pub force: bool,
    pub help: bool,
    pub osimage: Option<String>,
    pub skipsync: bool,
    pub location: Option<String>,
    pub newname: bool,
    pub primary: bool,
    pub resonly: bool,
    pub setuphanfs: bool,
    pub update_sn: bool,
    pub verbose: bool,
    pub version: bool,
    /// Words without `=`: each one replaces the noderange (stock keeps the
    /// last, aixinstall.pm:8365-8370).
    pub ranges: Vec<String>,
    /// `attr=val` words in command order.
    pub pairs: Vec<String>,
}

impl Options {
    /// `-p` / `-b` / both or neither (aixinstall.pm:8334-8345).
    pub fn sn_type(&self) -> SnType {
        split::sn_type(self.primary, self.backup)
    }

    /// The noderange: the last word without `=`.
    pub fn noderange(&self) -> Option<&str> {
        self.ranges.last().map(String::as_str)
    }
}

/// Parse the `arg` words; `None` when an option is unknown or lacks its
/// value (stock: usage, `Return=1.`).
pub fn parse(words: &[&str]) -> Option<Options> {
    let p = CONFIG.parse(words, SPECS).ok()?;
    let (pairs, ranges): (Vec<String>, Vec<String>) =
        p.rest.iter().cloned().partition(|w| w.contains('='));
    Some(Options {
        backup: p.has("b"),
        defonly: p.has("d"),
        force: p.has("f"),
        help: p.has("h"),
        osimage: p.str("i").map(str::to_string),
        skipsync: p.has("k"),
        location: p.str("l").map(str::to_string),
        newname: p.has("n"),
        primary: p.has("p"),
        resonly: p.has("r"),
        setuphanfs: p.has("S"),
        update_sn: p.has("u"),
        verbose: p.has("verbose"),
        version: p.has("v"),
        ranges,
        pairs,
    })
}

/// Why the `attr=val` words were refused: stock's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadPairs(pub String);

/// One word split as every NIM command splits it ([`split::attr_pair`]);
/// `None` also when the value is empty or `0` (stock tests them as
/// booleans, xCAT-server/lib/xcat/plugins/aixinstall.pm:8399-8400).
fn split_pair(word: &str) -> Option<(String, String)> {
    split::attr_pair(word).filter(|(_, v)| !v.is_empty() && v != "0")
}

/// The `attr=val` map (later words win, as in stock's hash), or stock's
/// refusal: an incorrect pair first, then every name outside [`VALID_ATTRS`].
pub fn pairs(words: &[String]) -> Result<BTreeMap<String, String>, BadPairs> {
    let mut map = BTreeMap::new();
    let mut bad = Vec::new();
    for w in words {
        let Some((a, v)) = split_pair(w) else {
            return Err(BadPairs(format!("Incorrect 'attr=val' pair - {w}\n")));
        };
        if VALID_ATTRS.contains(&a.as_str()) {
            map.insert(a, v);
        } else {
            bad.push(a);
        }
    }
    if !bad.is_empty() {
        return Err(BadPairs(format!(
            "Bad attributes '{}'. The valid attributes are '{}'.\n",
            bad.join(", "),
            VALID_ATTRS.join(", ")
        )));
    }
    Ok(map)
}

/// The usage text: one [info] document of these entries
/// (aixinstall.pm:14205-14219).
pub fn usage_lines() -> [&'static str; 5] {
    [
        "\n  mkdsklsnode - Use this xCAT command to define and initialize AIX \n\t\t\tdiskless nodes.",
        "  Usage: ",
        "\tmkdsklsnode [-h | --help ]",
        "or",
        "\tmkdsklsnode [-V|--verbose] [-f|--force] [-d|--defonly] [-n|--newname] \n\t\t[-i image_name] [-u|--updateSN] [-l location] [-p|--primarySN]\n\t\t[-b|--backupSN] [-k|--skipsync]\n\t\t[-r|--resonly] noderange [attr=val [attr=val ...]]\n",
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_option_set_for_both_sides() {
        let o = parse(&["-fV", "-i", "71dskls", "cn01", "psize=128", "--backupSN"]).unwrap();
        assert!(o.force && o.verbose && o.backup);
        assert_eq!(o.osimage.as_deref(), Some("71dskls"));
        assert_eq!(o.noderange(), Some("cn01"));
        assert_eq!(o.pairs, ["psize=128"]);
        assert_eq!(o.sn_type(), SnType::Backup);
        assert_eq!(parse(&["--primarySN"]).unwrap().sn_type(), SnType::Primary);
        assert_eq!(parse(&["--primary"]).unwrap().sn_type(), SnType::Primary);
        assert_eq!(parse(&["--backup"]).unwrap().sn_type(), SnType::Backup);
        assert_eq!(parse(&["-p", "-b"]).unwrap().sn_type(), SnType::All);
        assert!(parse(&["-v"]).unwrap().version);
        assert!(parse(&["-S"]).unwrap().setuphanfs);
        assert!(parse(&["-s"]).is_none());
        assert!(parse(&["-t", "x"]).is_none());
        assert!(parse(&["-i"]).is_none());
    }

    #[test]
    fn pairs_as_stock_checks_them() {
        let w = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let m = pairs(&w(&["psize=128", "speed = 1000"])).unwrap();
        assert_eq!(m["psize"], "128");
        assert_eq!(
            pairs(&w(&["psize="])).unwrap_err().0,
            "Incorrect 'attr=val' pair - psize=\n"
        );
        assert_eq!(
            pairs(&w(&["foo=1", "psize=2", "bar=3"])).unwrap_err().0,
            "Bad attributes 'foo, bar'. The valid attributes are 'duplex, speed, psize, sparse_paging, dump_iscsi_port, configdump'.\n"
        );
    }
}
