//! A small Getopt::Long look-alike for the table commands and lsxcatd: bundled short
//! options (`-Hb`), long options (`--help`, `--lines=5`, `--lines 5`), string,
//! integer and repeated string options, unique abbreviations of long names, `--` to end
//! options, and either
//! permuted (options anywhere) or POSIX order (options stop at the first
//! operand).  Parse failures map to the command's usage text with exit 1, as
//! stock does.

use std::collections::HashMap;

/// What an option takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A boolean switch.
    Flag,
    /// One string value (the last one given wins).
    Str,
    /// One integer value (`=i` in Getopt::Long).
    Int,
    /// A string value that may be given several times (`=s@`).
    List,
}

/// One option: its names (single characters are short options, longer ones
/// long options; the first name is the key in [`Parsed`]) and its kind.
#[derive(Debug, Clone, Copy)]
pub struct Opt {
    pub names: &'static [&'static str],
    pub kind: Kind,
}

impl Opt {
    pub const fn flag(names: &'static [&'static str]) -> Opt {
        Opt {
            names,
            kind: Kind::Flag,
        }
    }
    pub const fn string(names: &'static [&'static str]) -> Opt {
        Opt {
            names,
            kind: Kind::Str,
        }
    }
    pub const fn int(names: &'static [&'static str]) -> Opt {
        Opt {
            names,
            kind: Kind::Int,
        }
    }
    pub const fn list(names: &'static [&'static str]) -> Opt {
        Opt {
            names,
            kind: Kind::List,
        }
    }
}

/// The result of a successful parse.
#[derive(Debug, Default, Clone)]
pub struct Parsed {
    values: HashMap<&'static str, Vec<String>>,
    /// Operands (non-option arguments) in order.
    pub rest: Vec<String>,
}

impl Parsed {
    /// Whether the option (by its first name) was given.
    pub fn has(&self, key: &str) -> bool {
        self.values.contains_key(key)
    }

    /// The last value of a string or integer option.
    pub fn value(&self, key: &str) -> Option<&str> {
        self.values
            .get(key)
            .and_then(|v| v.last())
            .map(String::as_str)
    }

    /// An integer option's value (validated while parsing).
    pub fn int(&self, key: &str) -> Option<i64> {
        self.value(key).and_then(|v| v.parse().ok())
    }

    /// Every value of a repeated option.
    pub fn list(&self, key: &str) -> Vec<&str> {
        self.values
            .get(key)
            .map(|v| v.iter().map(String::as_str).collect())
            .unwrap_or_default()
    }
}

/// Why the arguments did not parse (stock prints the usage text then).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadArgs(pub String);

/// Whether operands may be mixed with options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Getopt::Long's default: options anywhere.
    Permute,
    /// `posix_default`: the first operand ends the options.
    RequireOrder,
}

fn find_short(opts: &[Opt], c: char) -> Option<&Opt> {
    opts.iter().find(|o| {
        o.names
            .iter()
            .any(|n| n.chars().count() == 1 && n.starts_with(c))
    })
}

/// An exact name (any case, Getopt::Long's `ignore_case`), else the one option with a
/// long name that starts with `name` (`auto_abbrev`: `--ver` for `--version`).
fn find_long<'a>(opts: &'a [Opt], name: &str) -> Option<&'a Opt> {
    let lower = name.to_ascii_lowercase();
    let exact = opts
        .iter()
        .find(|o| o.names.iter().any(|n| n.to_ascii_lowercase() == lower));
    if exact.is_some() || lower.is_empty() {
        return exact;
    }
    let mut hits = opts.iter().filter(|o| {
        o.names
            .iter()
            .any(|n| n.len() > 1 && n.to_ascii_lowercase().starts_with(&lower))
    });
    match (hits.next(), hits.next()) {
        (Some(o), None) => Some(o),
        _ => None,
    }
}

fn store(parsed: &mut Parsed, opt: &Opt, value: Option<String>) -> Result<(), BadArgs> {
    let key = opt.names[0];
    match opt.kind {
        Kind::Flag => {
            parsed.values.entry(key).or_default().push(String::new());
        }
        Kind::Int => {
            let v = value.unwrap_or_default();
            if v.trim().parse::<i64>().is_err() {
                return Err(BadArgs(format!(
                    "Value \"{v}\" invalid for option {key} (number expected)"
                )));
            }
            parsed.values.insert(key, vec![v.trim().to_string()]);
        }
        Kind::Str => {
            parsed.values.insert(key, vec![value.unwrap_or_default()]);
        }
        Kind::List => {
            parsed
                .values
                .entry(key)
                .or_default()
                .push(value.unwrap_or_default());
        }
    }
    Ok(())
}

/// Parse `args` against `opts`.
pub fn parse<S: AsRef<str>>(args: &[S], opts: &[Opt], order: Order) -> Result<Parsed, BadArgs> {
    let mut parsed = Parsed::default();
    let mut i = 0;
    let mut only_operands = false;
    while i < args.len() {
        let arg = args[i].as_ref();
        i += 1;
        if only_operands || arg == "-" || !arg.starts_with('-') {
            parsed.rest.push(arg.to_string());
            if order == Order::RequireOrder {
                only_operands = true;
            }
            continue;
        }
        if arg == "--" {
            only_operands = true;
            continue;
        }
        if let Some(long) = arg.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let opt =
                find_long(opts, name).ok_or_else(|| BadArgs(format!("Unknown option: {name}")))?;
            let value = if opt.kind == Kind::Flag {
                if inline.is_some() {
                    return Err(BadArgs(format!("Option {name} does not take an argument")));
                }
                None
            } else if inline.is_some() {
                inline
            } else if i < args.len() {
                i += 1;
                Some(args[i - 1].as_ref().to_string())
            } else {
                return Err(BadArgs(format!("Option {name} requires an argument")));
            };
            store(&mut parsed, opt, value)?;
            continue;
        }
        // Bundled short options: -Hb, -ffile, -f file.
        let body = &arg[1..];
        for (pos, c) in body.char_indices() {
            let opt = find_short(opts, c).ok_or_else(|| BadArgs(format!("Unknown option: {c}")))?;
            if opt.kind == Kind::Flag {
                store(&mut parsed, opt, None)?;
                continue;
            }
            let tail = &body[pos + c.len_utf8()..];
            let value = if !tail.is_empty() {
                tail.to_string()
            } else if i < args.len() {
                i += 1;
                args[i - 1].as_ref().to_string()
            } else {
                return Err(BadArgs(format!("Option {c} requires an argument")));
            };
            store(&mut parsed, opt, Some(value))?;
            break;
        }
    }
    Ok(parsed)
}

/// Parse `argv` the way every table command starts: a parse error prints the
/// usage (exit 1), `-h` the usage (exit 0), `-v` the version line.  `None`
/// means the request has been answered already.
pub fn parse_or_answer<S: AsRef<str>>(
    ctx: &crate::api::Ctx,
    out: &mut dyn crate::api::Responder,
    argv: &[S],
    opts: &[Opt],
    usage: &[&str],
) -> Result<Option<Parsed>, crate::api::Aborted> {
    let Ok(parsed) = parse(argv, opts, Order::Permute) else {
        super::output::usage(out, usage, 1)?;
        return Ok(None);
    };
    if parsed.has("h") {
        super::output::usage(out, usage, 0)?;
        return Ok(None);
    }
    if parsed.has("v") {
        super::output::version(ctx, out)?;
        return Ok(None);
    }
    Ok(Some(parsed))
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPTS: &[Opt] = &[
        Opt::flag(&["h", "?", "help"]),
        Opt::flag(&["H", "with-fieldname"]),
        Opt::flag(&["b", "blame"]),
        Opt::int(&["n", "lines"]),
        Opt::string(&["f"]),
        Opt::list(&["w"]),
    ];

    #[test]
    fn bundles_and_values() {
        let p = parse(
            &["-Hb", "all", "-fout.csv", "-w", "a==b", "-wc=~d"],
            OPTS,
            Order::Permute,
        )
        .unwrap();
        assert!(p.has("H") && p.has("b") && !p.has("h"));
        assert_eq!(p.value("f"), Some("out.csv"));
        assert_eq!(p.list("w"), vec!["a==b", "c=~d"]);
        assert_eq!(p.rest, vec!["all"]);
    }

    #[test]
    fn long_forms_and_errors() {
        let p = parse(&["--lines=5", "--HELP"], OPTS, Order::Permute).unwrap();
        assert_eq!(p.int("n"), Some(5));
        assert!(p.has("h"));
        assert!(parse(&["-n", "x"], OPTS, Order::Permute).is_err());
        assert!(parse(&["-z"], OPTS, Order::Permute).is_err());
        assert!(parse(&["-f"], OPTS, Order::Permute).is_err());
        let p = parse(&["t", "-H"], OPTS, Order::RequireOrder).unwrap();
        assert_eq!(p.rest, vec!["t", "-H"]);
        let p = parse(&["--", "-H"], OPTS, Order::Permute).unwrap();
        assert_eq!(p.rest, vec!["-H"]);
    }

    #[test]
    fn unique_abbreviations_of_long_names() {
        let p = parse(&["--with", "--BL"], OPTS, Order::Permute).unwrap();
        assert!(p.has("H") && p.has("b"));
        let p = parse(&["--lin=3"], OPTS, Order::Permute).unwrap();
        assert_eq!(p.int("n"), Some(3));
        // `--h` is the short name itself; `--` alone ends the options.
        assert!(parse(&["--h"], OPTS, Order::Permute).unwrap().has("h"));
        const TWO: &[Opt] = &[Opt::flag(&["all"]), Opt::flag(&["allow"])];
        assert!(parse(&["--al"], TWO, Order::Permute).is_err());
        assert!(parse(&["--all"], TWO, Order::Permute).unwrap().has("all"));
    }
}
