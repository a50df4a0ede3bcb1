//! AIX-style option parsing (getopt with bundled flags such as `-Fo define` or `-FZ`),
//! shared by every simulated command so each reports bad flags the same way.

use crate::outcome::Outcome;

/// One parsed option: the flag letter and its argument, if the flag takes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opt {
    pub flag: char,
    pub value: Option<String>,
}

/// Options in command-line order and the remaining operands.
#[derive(Debug, Default)]
pub struct Parsed {
    pub opts: Vec<Opt>,
    pub operands: Vec<String>,
}

impl Parsed {
    /// True when the flag was given at least once.
    pub fn has(&self, flag: char) -> bool {
        self.opts.iter().any(|o| o.flag == flag)
    }

    /// The last value given for a flag.
    pub fn value(&self, flag: char) -> Option<&str> {
        self.opts
            .iter()
            .rev()
            .find(|o| o.flag == flag)
            .and_then(|o| o.value.as_deref())
    }

    /// Every value given for a repeatable flag, in order.
    pub fn values(&self, flag: char) -> Vec<&str> {
        self.opts
            .iter()
            .filter(|o| o.flag == flag)
            .filter_map(|o| o.value.as_deref())
            .collect()
    }
}

/// Parses `args` with a getopt spec (`"lZFc:t:a:"`: a colon after a letter means it
/// takes a value). Option parsing stops at `--` or the first operand, as AIX getopt does.
/// Errors use AIX's getopt wording and `usage`, exit code 2.
pub fn parse(cmd: &str, args: &[String], spec: &str, usage: &str) -> Result<Parsed, Outcome> {
    let mut parsed = Parsed::default();
    let mut i = 0;
    while i < args.len() {
        let word = &args[i];
        if word == "--" {
            i += 1;
            break;
        }
        if !word.starts_with('-') || word.len() < 2 {
            break;
        }
        let letters: Vec<char> = word[1..].chars().collect();
        let mut j = 0;
        while j < letters.len() {
            let flag = letters[j];
            let Some(pos) = spec.find(flag).filter(|_| flag != ':') else {
                return Err(usage_error(
                    cmd,
                    &format!("Not a recognized flag: {flag}"),
                    usage,
                ));
            };
            let takes_value = spec[pos + flag.len_utf8()..].starts_with(':');
            if !takes_value {
                parsed.opts.push(Opt { flag, value: None });
                j += 1;
                continue;
            }
            let rest: String = letters[j + 1..].iter().collect();
            let value = if !rest.is_empty() {
                rest
            } else {
                i += 1;
                match args.get(i) {
                    Some(v) => v.clone(),
                    None => {
                        return Err(usage_error(
                            cmd,
                            &format!("Flag requires a parameter: {flag}"),
                            usage,
                        ))
                    }
                }
            };
            parsed.opts.push(Opt {
                flag,
                value: Some(value),
            });
            break;
        }
        i += 1;
    }
    parsed.operands = args[i.min(args.len())..].to_vec();
    Ok(parsed)
}

/// A usage error in AIX's shape: `<cmd>: <problem>` then the usage text, exit 2.
pub fn usage_error(cmd: &str, problem: &str, usage: &str) -> Outcome {
    let mut out = Outcome::fail(2, format!("{cmd}: {problem}"));
    out.err_line(usage);
    out
}

/// Splits `attr=value` (as given to `-a`); the value may contain spaces and `=`.
pub fn split_assignment(word: &str) -> Option<(&str, &str)> {
    let (name, value) = word.split_once('=')?;
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    Some((name, value))
}
