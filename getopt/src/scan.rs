//! The argument walk, step for step as Getopt::Long 2.5x's `GetOptionsFromArray`
//! and `FindOption` do it: option prefixes, `--name=value`, unbundling,
//! abbreviations, value taking, pushing words back, and the warning texts.

use super::parsed::{Parsed, Rejected, Value};
use super::spec::{Spec, Takes};
use super::Config;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// A name in the lookup table: which spec, and whether it is the `no` form.
#[derive(Debug, Clone, Copy)]
struct Entry {
    index: usize,
    negated: bool,
}

/// What one argument word turned out to be.
enum Found {
    /// Not an option (an operand, or unrecognised under `pass_through`).
    NotOption,
    /// A refused option; the warning is recorded.
    Error,
    /// An option and its value.
    Opt(Entry, Arg),
}

enum Arg {
    Switch(bool),
    Str(String),
    Int(i64),
}

pub(super) struct Scan {
    cfg: Config,
    specs: &'static [Spec],
    table: BTreeMap<String, Entry>,
    argv: VecDeque<String>,
    warnings: Vec<String>,
    parsed: Parsed,
}

impl Scan {
    pub(super) fn new<S: AsRef<str>>(cfg: Config, args: &[S], specs: &'static [Spec]) -> Scan {
        let mut table = BTreeMap::new();
        for (index, spec) in specs.iter().enumerate() {
            for name in spec.names() {
                // A later name wins, as in Getopt::Long (`-H` and `-h` without bundling).
                let key = fold(cfg, name);
                if spec.takes == Takes::Negatable {
                    let no = Entry {
                        index,
                        negated: true,
                    };
                    table.insert(format!("no{key}"), no);
                    table.insert(format!("no-{key}"), no);
                }
                let entry = Entry {
                    index,
                    negated: false,
                };
                table.insert(key, entry);
            }
        }
        Scan {
            cfg,
            specs,
            table,
            argv: args.iter().map(|a| a.as_ref().to_string()).collect(),
            warnings: Vec::new(),
            parsed: Parsed::new(specs),
        }
    }

    /// Walk every word; operands (and pass-through words) end up in `rest`.
    pub(super) fn run(mut self) -> Result<Parsed, Rejected> {
        let mut kept = Vec::new();
        while let Some(word) = self.argv.pop_front() {
            if word == "--" {
                if self.cfg.pass_through {
                    kept.push(word);
                }
                break;
            }
            match self.find_option(&word) {
                Found::Opt(entry, arg) => self.store(entry, arg),
                Found::Error => {}
                Found::NotOption if self.cfg.require_order => {
                    self.argv.push_front(word);
                    break;
                }
                Found::NotOption => kept.push(word),
            }
        }
        if !self.warnings.is_empty() {
            return Err(Rejected {
                warnings: self.warnings,
            });
        }
        kept.extend(self.argv);
        self.parsed.rest = kept;
        Ok(self.parsed)
    }

    fn warn(&mut self, text: String) -> Found {
        self.warnings.push(text);
        Found::Error
    }

    /// Push the rest of a bundle (`-lS` after `l`) back as a word of its own.
    fn push_back_bundle(&mut self, starter: &str, rest: &Option<String>) {
        if let Some(r) = rest {
            self.argv.push_front(format!("{starter}{r}"));
        }
    }

    fn find_option(&mut self, word: &str) -> Found {
        let Some((starter, body)) = split_prefix(self.cfg, word) else {
            return Found::NotOption;
        };
        if word == "-" {
            return Found::NotOption;
        }
        let mut name = body.to_string();
        let mut optarg = None;
        if starter == "--" || (self.cfg.getopt_compat && !self.cfg.bundling) {
            // `index($opt, '=', 1)`: an `=` after the first character.
            let eq = name.char_indices().skip(1).find(|(_, c)| *c == '=');
            if let Some((pos, _)) = eq {
                optarg = Some(name[pos + 1..].to_string());
                name.truncate(pos);
            }
        }
        let mut rest = None;
        let (shown, tryopt) = if self.cfg.bundling && starter == "-" {
            let first: String = name.chars().take(1).collect();
            let tail = &name[first.len()..];
            rest = (!tail.is_empty()).then(|| tail.to_string());
            (name.clone(), first)
        } else if self.cfg.auto_abbrev && !name.is_empty() {
            match self.abbreviate(&name) {
                Ok(pair) => pair,
                Err(found) => return found,
            }
        } else if self.cfg.ignore_case {
            (name.clone(), name.to_lowercase())
        } else {
            (name.clone(), name.clone())
        };
        let Some(entry) = self.table.get(&tryopt).copied() else {
            return self.unknown(starter, shown, &rest);
        };
        let opt = tryopt;
        match self.specs[entry.index].takes {
            Takes::Nothing | Takes::Negatable | Takes::Increment => {
                if optarg.is_some() {
                    if self.cfg.pass_through {
                        return Found::NotOption;
                    }
                    return self.warn(format!("Option {opt} does not take an argument"));
                }
                self.push_back_bundle(starter, &rest);
                Found::Opt(entry, Arg::Switch(!entry.negated))
            }
            Takes::Value { int, mandatory, .. } => {
                let want = Want {
                    starter,
                    opt: &opt,
                    int,
                    mandatory,
                };
                match self.value(&want, optarg, rest) {
                    Ok(arg) => Found::Opt(entry, arg),
                    Err(found) => found,
                }
            }
        }
    }

    /// No option of that name: Getopt::Long's warning (one letter of a bundle).
    fn unknown(&mut self, starter: &str, shown: String, rest: &Option<String>) -> Found {
        if self.cfg.pass_through {
            return Found::NotOption;
        }
        let mut shown = shown;
        if self.cfg.bundling && starter.len() == 1 {
            shown = shown.chars().take(1).collect();
            self.push_back_bundle(starter, rest);
        }
        if shown.is_empty() {
            self.warn(format!("Missing option after {starter}"))
        } else {
            self.warn(format!("Unknown option: {shown}"))
        }
    }

    /// `auto_abbrev`: the name as typed (case-folded) and the table name it
    /// stands for; several options starting alike are ambiguous.
    fn abbreviate(&mut self, name: &str) -> Result<(String, String), Found> {
        let opt = if self.cfg.ignore_case {
            name.to_lowercase()
        } else {
            name.to_string()
        };
        let mut hits: Vec<String> = self
            .table
            .keys()
            .filter(|k| k.starts_with(&opt))
            .cloned()
            .collect();
        if hits.len() > 1 && !hits.contains(&opt) {
            let options: BTreeSet<String> = hits
                .iter()
                .map(|h| {
                    let e = self.table[h];
                    let key = self.specs[e.index].key();
                    if e.negated {
                        format!("no{key}")
                    } else {
                        key.to_string()
                    }
                })
                .collect();
            if options.len() != 1 {
                if self.cfg.pass_through {
                    return Err(Found::NotOption);
                }
                let text = format!("Option {opt} is ambiguous ({})", hits.join(", "));
                return Err(self.warn(text));
            }
            hits = options.into_iter().collect();
        }
        let tryopt = match hits.as_slice() {
            [one] if *one != opt => fold(self.cfg, one),
            _ => opt.clone(),
        };
        Ok((opt, tryopt))
    }

    fn store(&mut self, entry: Entry, arg: Arg) {
        let takes = self.specs[entry.index].takes;
        let slot = self.parsed.slot(entry.index);
        *slot = Some(match (takes, arg, slot.take()) {
            (Takes::Increment, _, Some(Value::Count(n))) => Value::Count(n.saturating_add(1)),
            (Takes::Increment, _, _) => Value::Count(1),
            (_, Arg::Switch(on), _) => Value::Switch(on),
            (Takes::Value { repeat: true, .. }, Arg::Str(s), Some(Value::Strs(mut v))) => {
                v.push(s);
                Value::Strs(v)
            }
            (Takes::Value { repeat: true, .. }, Arg::Str(s), _) => Value::Strs(vec![s]),
            (Takes::Value { repeat: true, .. }, Arg::Int(n), Some(Value::Ints(mut v))) => {
                v.push(n);
                Value::Ints(v)
            }
            (Takes::Value { repeat: true, .. }, Arg::Int(n), _) => Value::Ints(vec![n]),
            (_, Arg::Str(s), _) => Value::Str(s),
            (_, Arg::Int(n), _) => Value::Int(n),
        });
    }
}

/// What a value-taking option needs to find its value.
struct Want<'a> {
    starter: &'a str,
    opt: &'a str,
    int: bool,
    mandatory: bool,
}

impl Scan {
    /// The option's value: `--opt=v`, the rest of a bundle (`-tnode`), or the
    /// next word; an optional value is left out before another option.
    fn value(
        &mut self,
        want: &Want,
        optarg: Option<String>,
        rest: Option<String>,
    ) -> Result<Arg, Found> {
        let none_left = match &optarg {
            Some(a) => a.is_empty(),
            None => rest.is_none() && self.argv.is_empty(),
        };
        if none_left {
            if want.mandatory {
                if self.cfg.pass_through {
                    return Err(Found::NotOption);
                }
                let opt = want.opt;
                return Err(self.warn(format!("Option {opt} requires an argument")));
            }
            return Ok(if want.int {
                Arg::Int(0)
            } else {
                Arg::Str(String::new())
            });
        }
        let inline = optarg.is_some() || rest.is_some();
        let arg = match rest.clone().or(optarg) {
            Some(a) => a,
            None => self.argv.pop_front().unwrap_or_default(),
        };
        if want.int {
            return self.int_value(want, arg, inline, rest);
        }
        if want.mandatory || inline || arg == "-" {
            return Ok(Arg::Str(arg));
        }
        if arg == "--" || looks_like_option(self.cfg, &arg) {
            self.argv.push_front(arg);
            return Ok(Arg::Str(String::new()));
        }
        Ok(Arg::Str(arg))
    }

    fn int_value(
        &mut self,
        want: &Want,
        arg: String,
        inline: bool,
        rest: Option<String>,
    ) -> Result<Arg, Found> {
        if self.cfg.bundling {
            if let Some((n, tail)) = rest.as_deref().and_then(leading_int) {
                if !tail.is_empty() {
                    self.argv.push_front(format!("{}{tail}", want.starter));
                }
                return Ok(Arg::Int(n));
            }
        }
        if let Some((n, "")) = leading_int(&arg) {
            return Ok(Arg::Int(n));
        }
        let rest_word = rest.map(|r| format!("{}{r}", want.starter));
        let from_equals = inline && rest_word.is_none();
        if from_equals || want.mandatory {
            if self.cfg.pass_through {
                if !from_equals {
                    self.argv.push_front(rest_word.unwrap_or(arg));
                }
                return Err(Found::NotOption);
            }
            let opt = want.opt;
            let text = format!("Value \"{arg}\" invalid for option {opt} (number expected)");
            if let Some(w) = rest_word {
                self.argv.push_front(w);
            }
            return Err(self.warn(text));
        }
        self.argv.push_front(rest_word.unwrap_or(arg));
        Ok(Arg::Int(0))
    }
}

/// A name as the table keeps it: case-folded under `ignore_case`, except
/// single letters under `bundling`.
fn fold(cfg: Config, name: &str) -> String {
    if cfg.ignore_case && !(cfg.bundling && name.chars().count() == 1) {
        name.to_lowercase()
    } else {
        name.to_string()
    }
}

/// `--`, `-` or (with `getopt_compat`) `+`, and what follows.
fn split_prefix(cfg: Config, word: &str) -> Option<(&str, &str)> {
    let starters: &[&str] = if cfg.getopt_compat {
        &["--", "-", "+"]
    } else {
        &["--", "-"]
    };
    starters
        .iter()
        .find_map(|s| word.strip_prefix(s).map(|body| (*s, body)))
}

/// Whether a word would be taken as an option (`/^$prefix.+/`).
fn looks_like_option(cfg: Config, word: &str) -> bool {
    split_prefix(cfg, word).is_some_and(|(_, body)| !body.is_empty())
}

/// A Getopt::Long integer (`[-+]?_*[0-9][0-9_]*`, underscores ignored) at
/// the start of `s`, and what follows it.  Values beyond i64 saturate.
fn leading_int(s: &str) -> Option<(i64, &str)> {
    let (negative, unsigned) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let digits = unsigned.trim_start_matches('_');
    if !digits.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let end = digits
        .find(|c: char| !c.is_ascii_digit() && c != '_')
        .unwrap_or(digits.len());
    let magnitude = digits[..end]
        .bytes()
        .filter(u8::is_ascii_digit)
        .fold(0i64, |n, d| {
            n.saturating_mul(10).saturating_add(i64::from(d - b'0'))
        });
    let value = if negative { -magnitude } else { magnitude };
    Some((value, &digits[end..]))
}
