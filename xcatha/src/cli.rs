//! xcatha's options, parsed the way xcatha.py's argparse parser does (same option
//! letters, mutually exclusive modes, `usage:` line and `xcatha: error: …` messages,
//! exit 2), with `-t` limited to the engines xcatd-rs runs on.

use crate::dbtype::DbType;

pub const USAGE: &str = "\
usage: xcatha [-h] (-s | -a | -d) [-p PATH] [-v VIRTUAL_IP] [-i NIC]
              [-n HOST_NAME] [-m NETMASK] [-t {postgresql,sqlite}] [--dryrun]
";

pub const HELP: &str = "
Setup/Activate/Deactivate shared data based xCAT HA MN node

optional arguments:
  -h, --help            show this help message and exit
  -s, --setup           setup node to be xCAT MN
  -a, --activate        activate node to be xCAT MN
  -d, --deactivate      deactivate node to be xCAT MN
  -p PATH               shared data directory path
  -v VIRTUAL_IP         virtual IP
  -i NIC                virtual IP network interface
  -n HOST_NAME          virtual IP hostname
  -m NETMASK            virtual IP network mask
  -t {postgresql,sqlite}
                        database type
  --dryrun              display steps without execution
";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Setup,
    Activate,
    Deactivate,
}

impl Mode {
    fn flag(self) -> &'static str {
        match self {
            Mode::Setup => "-s/--setup",
            Mode::Activate => "-a/--activate",
            Mode::Deactivate => "-d/--deactivate",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    pub mode: Option<Mode>,
    pub path: Option<String>,
    pub vip: Option<String>,
    pub nic: Option<String>,
    pub host_name: Option<String>,
    pub netmask: Option<String>,
    pub dbtype: Option<DbType>,
    pub dryrun: bool,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Parsed {
    Run(Options, Mode),
    Help,
}

/// Parses the arguments after the program name; `Err` is the text after
/// `xcatha: error: `.
pub fn parse(args: &[String]) -> Result<Parsed, String> {
    let mut o = Options::default();
    let mut unknown: Vec<String> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        i += 1;
        let mode = match a {
            "-h" | "--help" => return Ok(Parsed::Help),
            "-s" | "--setup" => Some(Mode::Setup),
            "-a" | "--activate" => Some(Mode::Activate),
            "-d" | "--deactivate" => Some(Mode::Deactivate),
            _ => None,
        };
        if let Some(m) = mode {
            set_mode(&mut o, m)?;
            continue;
        }
        if a == "--dryrun" {
            o.dryrun = true;
            continue;
        }
        let Some((letter, attached)) = value_option(a) else {
            unknown.push(a.to_string());
            continue;
        };
        let value = match attached {
            Some(v) => v.to_string(),
            None => match args.get(i) {
                Some(v) if !v.starts_with('-') || v.len() == 1 => {
                    i += 1;
                    v.clone()
                }
                _ => return Err(format!("argument -{letter}: expected one argument")),
            },
        };
        store(&mut o, letter, value)?;
    }
    let Some(mode) = o.mode else {
        return Err(
            "one of the arguments -s/--setup -a/--activate -d/--deactivate is required".into(),
        );
    };
    if !unknown.is_empty() {
        return Err(format!("unrecognized arguments: {}", unknown.join(" ")));
    }
    Ok(Parsed::Run(o, mode))
}

fn set_mode(o: &mut Options, m: Mode) -> Result<(), String> {
    match o.mode {
        Some(prev) if prev != m => Err(format!(
            "argument {}: not allowed with argument {}",
            m.flag(),
            prev.flag()
        )),
        _ => {
            o.mode = Some(m);
            Ok(())
        }
    }
}

/// `-p`, `-pVALUE` → (`p`, attached value).
fn value_option(a: &str) -> Option<(char, Option<&str>)> {
    let rest = a.strip_prefix('-')?;
    let letter = rest.chars().next()?;
    if !"pvinmt".contains(letter) {
        return None;
    }
    let attached = &rest[1..];
    Some((letter, (!attached.is_empty()).then_some(attached)))
}

fn store(o: &mut Options, letter: char, value: String) -> Result<(), String> {
    match letter {
        'p' => o.path = Some(value),
        'v' => o.vip = Some(value),
        'i' => o.nic = Some(value),
        'n' => o.host_name = Some(value),
        'm' => o.netmask = Some(value),
        _ => {
            o.dbtype = Some(DbType::parse(&value).ok_or_else(|| {
                format!(
                    "argument -t: invalid choice: '{value}' (choose from 'postgresql', 'sqlite')"
                )
            })?)
        }
    }
    Ok(())
}
