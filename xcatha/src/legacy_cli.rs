//! The options of the `activate-mn` / `deactivate-mn` front ends, parsed like the stock
//! scripts' `getopts` (clustered and attached values, parsing stops at the first
//! non-option), with their usage texts and "required option" errors (exit 1).  `-t
//! postgresql|sqlite` replaces editing the script's `xcatdb` variable.

use crate::dbtype::DbType;

pub const ACTIVATE_USAGE: &str =
    "Usage: activate-mn -i <nic> -v <virtual ip> [-m <netmask>] [-t postgresql|sqlite]\n\n";
pub const DEACTIVATE_USAGE: &str =
    "Usage: deactivate-mn -i <nic> -v <virtual ip> [-t postgresql|sqlite]\n";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegacyOptions {
    pub nic: String,
    pub vip: String,
    pub mask: Option<String>,
    pub db: DbType,
}

/// Parses `args`; `Err` is the whole text to print (stdout) before exit 1.
pub fn parse(args: &[String], activate: bool) -> Result<LegacyOptions, String> {
    let usage = if activate {
        ACTIVATE_USAGE
    } else {
        DEACTIVATE_USAGE
    };
    let letters = if activate { "fivmt" } else { "ivmt" };
    let mut found: Vec<(char, String)> = Vec::new();
    let mut i = 0;
    'args: while i < args.len() {
        let a = &args[i];
        i += 1;
        let Some(cluster) = a.strip_prefix('-').filter(|c| !c.is_empty()) else {
            break;
        };
        if cluster == "-" {
            break;
        }
        for (pos, c) in cluster.char_indices() {
            if !letters.contains(c) {
                return Err(usage.to_string());
            }
            if c == 'f' {
                continue;
            }
            let rest = &cluster[pos + c.len_utf8()..];
            let value = if !rest.is_empty() {
                rest.to_string()
            } else if let Some(v) = args.get(i) {
                i += 1;
                v.clone()
            } else {
                return Err(usage.to_string());
            };
            found.push((c, value));
            continue 'args;
        }
    }
    let get = |l: char| {
        found
            .iter()
            .rev()
            .find(|(c, _)| *c == l)
            .map(|(_, v)| v.clone())
    };
    let nic = get('i').filter(|v| !v.is_empty());
    let Some(nic) = nic else {
        return Err(format!("Error: -i is a required option\n{usage}"));
    };
    let Some(vip) = get('v').filter(|v| !v.is_empty()) else {
        return Err(format!("Error: -v is a required option\n{usage}"));
    };
    let db = match get('t') {
        None => DbType::Postgresql,
        Some(t) => DbType::parse(&t)
            .ok_or_else(|| format!("Error: -t must be postgresql or sqlite, not '{t}'\n{usage}"))?,
    };
    Ok(LegacyOptions {
        nic,
        vip,
        mask: get('m'),
        db,
    })
}
