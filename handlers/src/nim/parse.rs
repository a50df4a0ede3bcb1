//! Readers of the AIX NIM command outputs, in the forms stock xCAT parses
//! (aixinstall.pm, xcat2nim.pm, perl-xCAT/xCAT/InstUtils.pm): plain / `-c` lists (the name is the text before the first
//! blank), `lsnim -l` stanzas (`name:` then `   attr = value`), `-Z` colon
//! lines (`#` header skipped, trailing colon), `lsnim -A` indexes, `ifconfig
//! -a` inet lines, and NIM's `0042-NNN cmd: text` errors.

use std::collections::BTreeMap;

/// One `lsnim -l` object: its name and its attributes in output order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stanza {
    pub name: String,
    pub attrs: Vec<(String, String)>,
}

impl Stanza {
    /// The first value of `attr` (`if1`, `Cstate`, `location`, …).
    pub fn get(&self, attr: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == attr)
            .map(|(_, v)| v.as_str())
    }
}

/// A NIM refusal: `0042-053 lsnim: there is no NIM object named "x"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NimError {
    /// `0042-053` → 53.
    pub code: u32,
    /// The whole message line.
    pub text: String,
}

/// Names of a plain or `-c` listing: the first word of every non-empty line
/// (stock: `lsnim -c machines | cut -f1 -d' '`).
pub fn first_words(out: &str) -> Vec<String> {
    out.lines()
        .filter_map(|l| l.split(' ').next())
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Every stanza of `lsnim -l` / `lsnim -a` output.
pub fn stanzas(out: &str) -> Vec<Stanza> {
    let mut all: Vec<Stanza> = Vec::new();
    for line in out.lines() {
        if line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(char::is_whitespace) {
            if let Some(name) = line.trim_end().strip_suffix(':') {
                all.push(Stanza {
                    name: name.to_string(),
                    attrs: Vec::new(),
                });
                continue;
            }
        }
        if let (Some(cur), Some((k, v))) = (all.last_mut(), line.split_once('=')) {
            cur.attrs.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    all
}

/// The fields of each `-Z` data line (the `#name:…:` header and blank lines
/// skipped, the empty field after the trailing colon dropped).
pub fn colon_lines(out: &str) -> Vec<Vec<String>> {
    out.lines()
        .filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let l = l.trim_end();
            let l = l.strip_suffix(':').unwrap_or(l);
            l.split(':').map(str::to_string).collect()
        })
        .collect()
}

/// `-Z` lines keyed by object name (first field) → the remaining fields.
pub fn colon_by_name(out: &str) -> BTreeMap<String, Vec<String>> {
    colon_lines(out)
        .into_iter()
        .filter_map(|mut f| {
            if f.is_empty() {
                return None;
            }
            let name = f.remove(0);
            Some((name, f))
        })
        .collect()
}

/// `lsnim -A attr obj`: the next free index (the whole output, trimmed).
pub fn index(out: &str) -> Option<u32> {
    out.trim().parse().ok()
}

/// The IPv4 addresses and netmasks of `ifconfig -a` (`inet A netmask 0xM`);
/// masks in hex or dotted form.
pub fn inet_addrs(out: &str) -> Vec<(std::net::Ipv4Addr, std::net::Ipv4Addr)> {
    let mut v = Vec::new();
    for line in out.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let (Some(&"inet"), Some(addr)) = (words.first(), words.get(1)) else {
            continue;
        };
        let Ok(ip) = addr.split('/').next().unwrap_or("").parse() else {
            continue;
        };
        let mask = words
            .iter()
            .position(|w| *w == "netmask")
            .and_then(|i| words.get(i + 1))
            .and_then(|m| parse_mask(m))
            .unwrap_or(std::net::Ipv4Addr::new(255, 255, 255, 255));
        v.push((ip, mask));
    }
    v
}

fn parse_mask(m: &str) -> Option<std::net::Ipv4Addr> {
    match m.strip_prefix("0x") {
        Some(hex) => u32::from_str_radix(hex, 16).ok().map(Into::into),
        None => m.parse().ok(),
    }
}

/// The first `0042-NNN` message in a command's output, if any.
pub fn nim_error(text: &str) -> Option<NimError> {
    text.lines().find_map(|l| {
        let l = l.trim();
        let rest = l.strip_prefix("0042-")?;
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        Some(NimError {
            code: digits.parse().ok()?,
            text: l.to_string(),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_cut_on_the_first_blank() {
        let out = "master         machines       master\ncn01 machines standalone\n\n";
        assert_eq!(first_words(out), ["master", "cn01"]);
    }

    #[test]
    fn stanza_attrs_in_order() {
        let out = "cn01:\n   class          = machines\n   if1            = net1 cn01 aabbccddeeff ent\n   Cstate         = ready for a NIM operation\nnet1:\n   class = networks\n";
        let s = stanzas(out);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].name, "cn01");
        assert_eq!(s[0].get("if1"), Some("net1 cn01 aabbccddeeff ent"));
        assert_eq!(s[0].get("Cstate"), Some("ready for a NIM operation"));
        assert_eq!(s[1].get("class"), Some("networks"));
    }

    #[test]
    fn colon_lines_skip_the_header() {
        let out = "#name:net_addr:snm:\nnet1:198.18.0.0:255.255.255.0:\n";
        assert_eq!(
            colon_lines(out),
            [vec!["net1", "198.18.0.0", "255.255.255.0"]]
        );
        let by = colon_by_name("#name:if1:\nmaster:master_net:sn1:0:\n");
        assert_eq!(by["master"], ["master_net", "sn1", "0"]);
    }

    #[test]
    fn indexes_inets_and_errors() {
        assert_eq!(index("2\n"), Some(2));
        assert_eq!(index(""), None);
        let ifc = "\tinet 127.0.0.1 netmask 0xff000000 broadcast 127.255.255.255\n\tinet6 ::1/128\n\tinet 198.18.0.1 netmask 255.255.255.0\n";
        let v = inet_addrs(ifc);
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].1.to_string(), "255.0.0.0");
        assert_eq!(v[1].0.to_string(), "198.18.0.1");
        let e = nim_error("0042-053 lsnim: there is no NIM object named \"x\"\n").unwrap();
        assert_eq!(e.code, 53);
        assert!(nim_error("all fine").is_none());
    }
}
