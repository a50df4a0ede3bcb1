//! snmove command line: Getopt::Long-compatible parsing (bundling, permuted
//! positionals, `--name=value`, unique long-name prefixes, last value wins)
//! and the usage text.

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

#[derive(Clone, Copy)]
enum Kind {
    Flag,
    Value,
}

/// (short, long, kind)
const SPEC: &[(Option<char>, &str, Kind)] = &[
    (Some('h'), "help", Kind::Flag),
    (Some('v'), "version", Kind::Flag),
    (Some('s'), "source", Kind::Value),
    (Some('S'), "sourcen", Kind::Value),
    (Some('d'), "dest", Kind::Value),
    (Some('D'), "destn", Kind::Value),
    (Some('l'), "liteonly", Kind::Flag),
    (Some('n'), "noretarget", Kind::Flag),
    (Some('P'), "postscripts", Kind::Value),
    (Some('i'), "ignorenodes", Kind::Flag),
    (Some('V'), "verbose", Kind::Flag),
    (None, "dry-run", Kind::Flag),
];

impl Options {
    fn apply(&mut self, long: &str, value: Option<String>) {
        match long {
            "help" => self.help = true,
            "version" => self.version = true,
            "source" => self.source = value,
            "sourcen" => self.source_n = value,
            "dest" => self.dest = value,
            "destn" => self.dest_n = value,
            "liteonly" => self.lite_only = true,
            "noretarget" => self.no_retarget = true,
            "postscripts" => self.postscripts = value,
            "ignorenodes" => self.ignore_nodes = true,
            "verbose" => self.verbose = true,
            "dry-run" => self.dry_run = true,
            _ => {}
        }
    }
}

fn find_long(name: &str) -> Result<(&'static str, Kind), ParseError> {
    let lower = name.to_ascii_lowercase();
    if let Some((_, l, k)) = SPEC.iter().find(|(_, l, _)| *l == lower) {
        return Ok((l, *k));
    }
    let hits: Vec<_> = SPEC
        .iter()
        .filter(|(_, l, _)| l.starts_with(&lower))
        .collect();
    match hits.as_slice() {
        [(_, l, k)] => Ok((l, *k)),
        [] => Err(ParseError(format!("Unknown option: {name}"))),
        _ => Err(ParseError(format!("Option {name} is ambiguous"))),
    }
}

/// Parse the request's `arg` words.
pub fn parse(args: &[&str]) -> Result<Options, ParseError> {
    let mut o = Options::default();
    let mut i = 0;
    while i < args.len() {
        let word = args[i];
        i += 1;
        if word == "--" {
            o.positional.extend(args[i..].iter().map(|s| s.to_string()));
            break;
        }
        if let Some(body) = word.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            let (long, kind) = find_long(name)?;
            match kind {
                Kind::Flag if inline.is_some() => {
                    return Err(ParseError(format!(
                        "Option {name} does not take an argument"
                    )))
                }
                Kind::Flag => o.apply(long, None),
                Kind::Value => {
                    let v = match inline {
                        Some(v) => v,
                        None => {
                            let v = args.get(i).ok_or_else(|| {
                                ParseError(format!("Option {name} requires an argument"))
                            })?;
                            i += 1;
                            v.to_string()
                        }
                    };
                    o.apply(long, Some(v));
                }
            }
            continue;
        }
        if word.len() > 1 && word.starts_with('-') {
            let chars: Vec<char> = word[1..].chars().collect();
            let mut j = 0;
            while j < chars.len() {
                let c = chars[j];
                j += 1;
                let Some((_, long, kind)) = SPEC.iter().find(|(s, _, _)| *s == Some(c)) else {
                    return Err(ParseError(format!("Unknown option: {c}")));
                };
                match kind {
                    Kind::Flag => o.apply(long, None),
                    Kind::Value => {
                        let rest: String = chars[j..].iter().collect();
                        let v = if !rest.is_empty() {
                            rest
                        } else {
                            let v = args.get(i).ok_or_else(|| {
                                ParseError(format!("Option {c} requires an argument"))
                            })?;
                            i += 1;
                            v.to_string()
                        };
                        o.apply(long, Some(v));
                        break;
                    }
                }
            }
            continue;
        }
        o.positional.push(word.to_string());
    }
    Ok(o)
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
