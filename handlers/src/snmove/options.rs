//! snmove command line: its options (read by [`crate::getopt`] with
//! snmove.pm's configuration: bundling, permuted positionals, unique
//! long-name prefixes, last value wins) and the usage text.

use crate::getopt::{Config, Spec};

/// Every option snmove understands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    pub help: bool,
    pub version: bool,
    /// `-s`: source SN as known by the MN.
    pub source: Option<String>,
    /// `-S`: source SN as known by the nodes.
    pub source_n: Option<String>,
    /// `-d`: destination SN as known by the MN.
    pub dest: Option<String>,
    /// `-D`: destination SN as known by the nodes.
    pub dest_n: Option<String>,
    /// `-l`: AIX statelite sync only.
    pub lite_only: bool,
    /// `-n`: skip the iSCSI dump retarget.
    pub no_retarget: bool,
    /// `-P`: extra postscripts (`all` = every script of the node).
    pub postscripts: Option<String>,
    /// `-i`: do not touch the nodes.
    pub ignore_nodes: bool,
    pub verbose: bool,
    /// `--dry-run` (not in stock): print old/new values, change nothing.
    pub dry_run: bool,
    /// Words that are not options (the noderange).
    pub positional: Vec<String>,
}

/// Why the command line was refused (the usage follows).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError(pub String);

/// snmove.pm configures `bundling` and `no_pass_through`
/// (xCAT-server/lib/xcat/plugins/snmove.pm:107-108).
const CONFIG: Config = Config::DEFAULT.bundling().no_pass_through();

/// xCAT-server/lib/xcat/plugins/snmove.pm:111-122, plus our `--dry-run`.
const SPECS: &[Spec] = &[
    Spec::new("h|help"),
    Spec::new("v|version"),
    Spec::new("s|source=s"),
    Spec::new("S|sourcen=s"),
    Spec::new("d|dest=s"),
    Spec::new("D|destn=s"),
    Spec::new("l|liteonly"),
    Spec::new("n|noretarget"),
    Spec::new("P|postscripts=s"),
    Spec::new("i|ignorenodes"),
    Spec::new("V|verbose"),
    Spec::new("dry-run"),
];

/// Parse the request's `arg` words.
pub fn parse(args: &[&str]) -> Result<Options, ParseError> {
    let p = CONFIG
        .parse(args, SPECS)
        .map_err(|e| ParseError(e.to_string()))?;
    let owned = |key| p.str(key).map(str::to_string);
    Ok(Options {
        help: p.flag("h"),
        version: p.flag("v"),
        source: owned("s"),
        source_n: owned("S"),
        dest: owned("d"),
        dest_n: owned("D"),
        lite_only: p.flag("l"),
        no_retarget: p.flag("n"),
        postscripts: owned("P"),
        ignore_nodes: p.flag("i"),
        verbose: p.flag("V"),
        dry_run: p.flag("dry-run"),
        positional: p.rest.clone(),
    })
}

/// The usage text: one `data` document with these entries, in this order.
pub fn usage_lines() -> Vec<String> {
    [
        "\nsnmove - Move xCAT compute nodes from one xCAT service node to a \nbackup service node.",
        "\nUsage: ",
        "\tsnmove [-h | --help ]\n",
        "\tsnmove noderange [-V] [-l|--liteonly] [[-d|--dest]  sn2]\n\t\t[[-D|--destn]  sn2n] [-i|--ignorenodes] \n\t\t[[-P|--postscripts]  script1,script2...|all] [--dry-run]\n",
        "\tsnmove [-V] [-l|--liteonly] -s|--source  sn1 [[-S|--sourcen]  sn1n]\n\t\t[[-d|--dest]  sn2] [[-D|--destn]  sn2n]\n\t\t[-i|--ignorenodes][[-P|--postscripts] script1,script2...|all] [--dry-run]",
        "\n",
        "\nWhere:",
        "\tsn1 is the hostname of the source service node as known by (facing) the management node.",
        "\tsn1n is the hostname of the source service node as known by (facing) the nodes.",
        "\tsn2 is the hostname of the destination service node as known by (facing) the management node.",
        "\tsn2n is the hostname of the destination service node as known by (facing) the nodes.",
        "\tscripts is a comma separated list of postscripts to be run on the nodes. 'all' means all the scripts defined in the postscripts table for each node are to be run.",
        "\t--dry-run prints, for each node, the old and new value of every attribute snmove manages, and changes nothing.",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_and_permuted() {
        let o = parse(&["cn01-cn05", "-d", "sn2", "-D", "sn2", "-i"]).unwrap();
        assert_eq!(o.positional, vec!["cn01-cn05"]);
        assert_eq!(o.dest.as_deref(), Some("sn2"));
        assert_eq!(o.dest_n.as_deref(), Some("sn2"));
        assert!(o.ignore_nodes);
        let o = parse(&["-iVssn1"]).unwrap();
        assert!(o.ignore_nodes && o.verbose);
        assert_eq!(o.source.as_deref(), Some("sn1"));
    }

    #[test]
    fn long_forms() {
        let o = parse(&[
            "--source=sn1",
            "--dest",
            "sn2",
            "--post",
            "all",
            "--dry-run",
            "-n",
        ])
        .unwrap();
        assert_eq!(o.source.as_deref(), Some("sn1"));
        assert_eq!(o.dest.as_deref(), Some("sn2"));
        assert_eq!(o.postscripts.as_deref(), Some("all"));
        assert!(o.dry_run && o.no_retarget);
        assert!(
            parse(&["--sour", "x"]).is_err(),
            "ambiguous: source/sourcen"
        );
        assert!(parse(&["-x"]).is_err());
        assert!(parse(&["-s"]).is_err());
        assert!(parse(&["--help=1"]).is_err());
        let o = parse(&["-s", "a", "-s", "b", "--", "-weird"]).unwrap();
        assert_eq!(o.source.as_deref(), Some("b"));
        assert_eq!(o.positional, vec!["-weird"]);
    }
}
