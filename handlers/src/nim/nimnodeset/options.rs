//! nimnodeset's command line (xCAT-server/lib/xcat/plugins/aixinstall.pm:636-682 on the
//! server, the shared `prenimnodeset` set at :8273-8300 on the management
//! node): the shared Getopt::Long parser with the plugin's settings
//! (bundling, case-sensitive, no pass-through), the usage text, the
//! noderange word and the `attr=val` words (`script`, `installp_bundle`
//! and any `bos_inst` attribute, `speed` / `duplex` for the definition).

use crate::getopt::{Config, Spec};
use crate::hierarchy::SnType;
use std::collections::BTreeMap;

/// aixinstall.pm:38-39 and :640.
const CONFIG: Config = Config::DEFAULT.bundling().no_ignore_case();

const SPECS: &[Spec] = &[
    Spec::new("b|backupSN"),
    Spec::new("d|defonly"),
    Spec::new("f|force"),
    Spec::new("h|help"),
    Spec::new("i=s"),
    Spec::new("l=s"),
    Spec::new("p|primarySN"),
    Spec::new("verbose|V"),
    Spec::new("v|version"),
];

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    pub backup: bool,
    pub defonly: bool,
    pub force: bool,
    pub help: bool,
    /// `-i osimage`: every node's image (else its provmethod, then profile).
    pub image: Option<String>,
    pub location: Option<String>,
    pub primary: bool,
    pub verbose: bool,
    pub version: bool,
    /// The noderange: the first word without `=`.
    pub noderange: Option<String>,
    /// `attr=val` words, by attribute (a later word wins, as stock's hash).
    pub attrs: BTreeMap<String, String>,
}

impl Options {
    /// `-p` / `-b` ([`crate::nim::split::sn_type`]).
    pub fn sn_type(&self) -> SnType {
        crate::nim::split::sn_type(self.primary, self.backup)
    }
}

/// Why the words were refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// An unknown option or a missing value: usage, `Return=1.`.
    Usage,
    /// stock "Incorrect 'attr=val' pair - <word>".
    Pair(String),
}

/// Parse the request's `arg` words.
pub fn parse(words: &[&str]) -> Result<Options, Refused> {
    let p = CONFIG.parse(words, SPECS).map_err(|_| Refused::Usage)?;
    let mut attrs = BTreeMap::new();
    let mut noderange = None;
    for w in &p.rest {
        if !w.contains('=') {
            noderange.get_or_insert_with(|| w.clone());
            continue;
        }
        let (a, v) = crate::nim::split::attr_pair(w).ok_or_else(|| Refused::Pair(w.clone()))?;
        attrs.insert(a, v);
    }
    Ok(Options {
        backup: p.has("b"),
        defonly: p.has("d"),
        force: p.has("f"),
        help: p.has("h"),
        image: p.str("i").map(str::to_string),
        location: p.str("l").map(str::to_string),
        primary: p.has("p"),
        verbose: p.has("verbose"),
        version: p.has("v"),
        noderange,
        attrs,
    })
}

/// The usage text, one `info` entry per stock line (aixinstall.pm `nimnodeset_usage`).
pub fn usage_lines() -> [&'static str; 5] {
    [
        "\n  nimnodeset - Use this xCAT command to initialize AIX \n\t\t\tstandalone nodes.",
        "  Usage: ",
        "\tnimnodeset [-h | --help ]",
        "or",
        "\tnimnodeset [-V|--verbose] [-f|--force] [ -i osimage_name]\n\t\t[-l location] [-p|--primarySN] [-b|--backupSN] noderange \n\t\t[attr=val [attr=val ...]]\n",
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_pairs_and_noderange() {
        let o = parse(&[
            "-fV",
            "-i",
            "61std",
            "cn01",
            "script=a,b",
            "boot_client = yes",
        ])
        .unwrap();
        assert!(o.force && o.verbose);
        assert_eq!(o.image.as_deref(), Some("61std"));
        assert_eq!(o.noderange.as_deref(), Some("cn01"));
        assert_eq!(o.attrs["script"], "a,b");
        assert_eq!(o.attrs["boot_client"], "yes");
        assert_eq!(parse(&["-x"]), Err(Refused::Usage));
        assert_eq!(parse(&["cn01", "=x"]), Err(Refused::Pair("=x".into())));
        assert_eq!(parse(&["-b", "n"]).unwrap().sn_type(), SnType::Backup);
    }
}
