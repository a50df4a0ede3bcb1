//! Host identity: this host's name and addresses (probes through the runner), look-ups
//! in `/etc/hosts` (under the root) with `getent` as the fall-back, stock's word match
//! for "is this address already in the file", and the saved physical host and address
//! (`/tmp/ha_mn`, `/etc/xcat/ha_mn`).

use crate::exec::{Exec, Tries};
use std::io::Write;
use std::path::Path;
use xcat_handlers::runner::Cmd;

pub const TMP_HA_MN: &str = "/tmp/ha_mn";
pub const ETC_HA_MN: &str = "/etc/xcat/ha_mn";
pub const ETC_HOSTS: &str = "/etc/hosts";

/// True if `word` occurs in a line of `text` between word boundaries (xcatha.py's
/// `\bword\b` search, taken literally: `10.0.0.1` does not match `10.0.0.10`, `hamn.`
/// matches `hamn.cluster.net`).
pub fn has_word(text: &str, word: &str) -> bool {
    let word = word.trim();
    if word.is_empty() {
        return false;
    }
    let is_w = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let first = word.chars().next();
    let last = word.chars().next_back();
    text.lines().any(|line| {
        line.match_indices(word).any(|(i, _)| {
            let before = line[..i].chars().next_back();
            let after = line[i + word.len()..].chars().next();
            is_w(before) != is_w(first) && is_w(last) != is_w(after)
        })
    })
}

/// The file's text; a missing file reads as empty.
pub fn read_or_empty(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

/// Appends `line` and a newline (creating the file if needed).
pub fn append_line(path: &Path, line: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    let text = read_or_empty(path);
    if !text.is_empty() && !text.ends_with('\n') {
        f.write_all(b"\n")?;
    }
    writeln!(f, "{line}")
}

/// This host's name (`hostname`).
pub fn current_hostname(exec: &Exec) -> Option<String> {
    let out = exec.probe(&Cmd::new("hostname", Vec::<String>::new()));
    let name = out.stdout.trim().to_string();
    (out.ok() && !name.is_empty()).then_some(name)
}

/// The IPv4 address of `name`: `/etc/hosts` under the root, else `getent ahostsv4`.
pub fn address_of(exec: &Exec, name: &str) -> Option<String> {
    let hosts = read_or_empty(&exec.env.path(ETC_HOSTS));
    for line in hosts.lines().map(strip_comment) {
        let mut words = line.split_whitespace();
        let Some(ip) = words.next() else { continue };
        if ip.parse::<std::net::Ipv4Addr>().is_ok() && words.any(|w| w == name) {
            return Some(ip.to_string());
        }
    }
    let out = exec.probe(&Cmd::new("getent", ["ahostsv4", name]));
    out.stdout
        .split_whitespace()
        .next()
        .filter(|_| out.ok())
        .map(str::to_string)
}

/// The host name of `ip`: the first name after it in `/etc/hosts` under the root, else
/// `getent hosts`.
pub fn name_of(exec: &Exec, ip: &str) -> Option<String> {
    let hosts = read_or_empty(&exec.env.path(ETC_HOSTS));
    let from_file = hosts.lines().map(strip_comment).find_map(|line| {
        let mut words = line.split_whitespace();
        (words.next() == Some(ip)).then(|| words.next()).flatten()
    });
    if let Some(n) = from_file {
        return Some(n.to_string());
    }
    let out = exec.probe(&Cmd::new("getent", ["hosts", ip]));
    let name = out.stdout.split_whitespace().nth(1).filter(|_| out.ok())?;
    Some(name.to_string())
}

/// [`name_of`] without the domain (xcatha.py keeps the part before the first dot).
pub fn short_name_of(exec: &Exec, ip: &str) -> Option<String> {
    let name = name_of(exec, ip)?;
    name.split('.')
        .next()
        .map(str::to_string)
        .filter(|s| !s.is_empty())
}

fn strip_comment(line: &str) -> &str {
    line.split('#').next().unwrap_or("")
}

/// The IPv4 addresses on this host's interfaces as `(address, prefix length)`.
pub fn local_addresses(exec: &Exec) -> Vec<(String, u8)> {
    let out = exec.probe(&Cmd::new("ip", ["-o", "-4", "addr", "show"]));
    let mut addrs = Vec::new();
    for line in out.stdout.lines() {
        let mut words = line.split_whitespace();
        while let Some(w) = words.next() {
            if w == "inet" {
                if let Some((ip, len)) = words.next().and_then(|a| a.split_once('/')) {
                    addrs.push((ip.to_string(), len.parse().unwrap_or(32)));
                }
            }
        }
    }
    addrs
}

/// The saved `<ip> <host>` line (from `/tmp/ha_mn`, else `/etc/xcat/ha_mn`) whose
/// address is on one of this host's interfaces.
pub fn saved_physical(exec: &Exec) -> Option<(String, String)> {
    let file = [TMP_HA_MN, ETC_HA_MN]
        .iter()
        .map(|p| exec.env.path(p))
        .find(|p| p.exists())?;
    let local = local_addresses(exec);
    read_or_empty(&file).lines().find_map(|line| {
        let mut w = line.split_whitespace();
        let (ip, host) = (w.next()?, w.next()?);
        local
            .iter()
            .any(|(a, _)| a == ip)
            .then(|| (ip.to_string(), host.to_string()))
    })
}

/// Adds `<ip> <host> [<short>]` to `/etc/hosts` when the address is not there yet, then
/// sets the host name.  An empty name is refused (stock activate-mn ran `hostname `).
pub fn change_hostname(exec: &mut Exec, host: &str, ip: &str) -> bool {
    exec.stage("Configure hostname");
    if host.trim().is_empty() {
        exec.say("Can not find the hostname to set");
        return false;
    }
    let hosts = exec.env.path(ETC_HOSTS);
    if !has_word(&read_or_empty(&hosts), ip) {
        let mut entry = format!("{ip} {host}");
        if let Some((short, _)) = host.split_once('.') {
            entry.push(' ');
            entry.push_str(short);
        }
        exec.file(&format!("Write \"{entry}\" into {ETC_HOSTS}"), || {
            append_line(&hosts, &entry)
        });
    }
    exec.command(&Cmd::new("hostname", [host.trim()]), Tries::Once)
}

#[cfg(test)]
mod tests {
    use super::has_word;

    #[test]
    fn word_match_needs_boundaries() {
        assert!(has_word("10.0.0.1 mn1\n", "10.0.0.1"));
        assert!(!has_word("10.0.0.10 mn1\n", "10.0.0.1"));
        assert!(has_word("nameserver 198.18.0.5", "198.18.0.5"));
        assert!(!has_word("", "x"));
        assert!(has_word("1.2.3.4 hamn.cluster.net hamn", "hamn."));
    }
}
