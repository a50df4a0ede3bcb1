//! Validation of values that end up on a command line (host names, addresses,
//! paths) and POSIX shell quoting for the remote side of ssh.

use std::net::IpAddr;

/// Accept a host name (RFC 1123 labels, `_` tolerated as in many clusters) or
/// an IPv4/IPv6 address; anything else — empty, leading `-`, spaces, shell
/// metacharacters — is refused with a message naming the value.
pub fn validate_host(name: &str) -> Result<&str, String> {
    if name.parse::<IpAddr>().is_ok() {
        return Ok(name);
    }
    let bad = || Err(format!("'{name}' is not a valid host name or address"));
    if name.is_empty() || name.len() > 253 || name.starts_with('-') || name.starts_with('.') {
        return bad();
    }
    for label in name.split('.') {
        if label.is_empty() && !name.ends_with('.') {
            return bad();
        }
        if label.len() > 63 || label.starts_with('-') {
            return bad();
        }
        if !label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return bad();
        }
    }
    Ok(name)
}

/// Accept an absolute path made of ordinary characters (no newline, no NUL,
/// no `..` component); used for directories taken from the database.
pub fn validate_path(path: &str) -> Result<&str, String> {
    let ok = path.starts_with('/')
        && !path.split('/').any(|c| c == "..")
        && !path.chars().any(|c| c.is_control());
    if ok {
        Ok(path)
    } else {
        Err(format!("'{path}' is not a valid absolute path"))
    }
}

/// Quote one word for a POSIX shell.  Words made only of safe characters stay
/// as they are (readable logs); everything else is single-quoted, with each
/// `'` written as `'\''`.
pub fn shell_quote(word: &str) -> String {
    let safe = !word.is_empty()
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_@%+=:,./-".contains(&b));
    if safe {
        return word.to_string();
    }
    let mut out = String::with_capacity(word.len() + 2);
    out.push('\'');
    for c in word.chars() {
        if c == '\'' {
            out.push_str("'\\''");
        } else {
            out.push(c);
        }
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        for ok in [
            "sn1",
            "sn1.cluster.net",
            "10.0.0.1",
            "fe80::1",
            "node_01",
            "a-b",
        ] {
            assert!(validate_host(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "-oProxyCommand=x",
            "a b",
            "a;b",
            "$(id)",
            "a..b",
            "x`y`",
            ".a",
        ] {
            assert!(validate_host(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn paths() {
        assert!(validate_path("/install/nodedata/cn01").is_ok());
        assert!(validate_path("relative").is_err());
        assert!(validate_path("/a/../etc").is_err());
        assert!(validate_path("/a\nb").is_err());
    }

    #[test]
    fn quoting() {
        assert_eq!(shell_quote("addr"), "addr");
        assert_eq!(shell_quote("/sbin/ip"), "/sbin/ip");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        assert_eq!(shell_quote("$(rm -rf /)"), "'$(rm -rf /)'");
    }
}
