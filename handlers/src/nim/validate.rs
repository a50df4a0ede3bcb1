//! Validation of every database value that reaches a NIM command: node and
//! machine names, MACs, addresses, paths, osimage / resource / network /
//! group names, NIM attribute names and values.  A bad value is refused with
//! a message naming the object and the attribute, before any NIM command
//! runs for that object.  Every NIM handler validates through this module.

use std::net::{IpAddr, Ipv4Addr};

/// A refused value: which object, which attribute, what was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub object: String,
    pub attr: String,
    pub value: String,
    pub why: &'static str,
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Invalid value '{}' of attribute '{}' for '{}': {}.",
            printable(&self.value),
            self.attr,
            self.object,
            self.why
        )
    }
}

/// The value with control characters shown as `?` (messages stay one line).
fn printable(v: &str) -> String {
    v.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

fn refuse<T>(object: &str, attr: &str, value: &str, why: &'static str) -> Result<T, Invalid> {
    Err(Invalid {
        object: object.to_string(),
        attr: attr.to_string(),
        value: value.to_string(),
        why,
    })
}

/// A node or host name: RFC 1123 labels (`_` tolerated), no leading `-`.
pub fn host_name<'v>(object: &str, attr: &str, value: &'v str) -> Result<&'v str, Invalid> {
    if value.parse::<IpAddr>().is_err() && crate::runner::validate_host(value).is_ok() {
        return Ok(value);
    }
    refuse(object, attr, value, "not a host name")
}

/// A NIM object name (machine, group, network, resource, osimage): letters,
/// digits, `_`, `-`, `.`; not starting with `-`; at most 39 characters for
/// NIM to accept it.
pub fn nim_name<'v>(object: &str, attr: &str, value: &'v str) -> Result<&'v str, Invalid> {
    let chars_ok = value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b));
    if value.is_empty() || value.starts_with('-') || !chars_ok {
        return refuse(object, attr, value, "not a valid NIM object name");
    }
    if value.len() > 39 {
        return refuse(object, attr, value, "longer than 39 characters");
    }
    Ok(value)
}

/// The first MAC of a `mac.mac` value (`aa:bb:..!name|other`), as NIM wants
/// it: 12 hexadecimal digits without separators.
pub fn mac(object: &str, attr: &str, value: &str) -> Result<String, Invalid> {
    let first = value.split('|').next().unwrap_or("");
    let first = first.split('!').next().unwrap_or("").trim();
    let digits: String = first.chars().filter(|c| *c != ':' && *c != '-').collect();
    if digits.len() == 12 && digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(digits)
    } else {
        refuse(object, attr, value, "not a MAC address")
    }
}

/// Every MAC of a `mac.mac` value (`aa:bb:…|cc:dd:…`, stock splits on
/// `|`), each as 12 hexadecimal digits; an empty value is refused.
pub fn macs(object: &str, attr: &str, value: &str) -> Result<Vec<String>, Invalid> {
    value
        .split('|')
        .map(|one| {
            mac(object, attr, one).map_err(|mut e| {
                e.value = value.to_string();
                e
            })
        })
        .collect()
}

/// One word (no blanks, no control characters, not empty): an `attr=val`
/// value or a database value that becomes one NIM attribute value.
pub fn word<'v>(object: &str, attr: &str, value: &'v str) -> Result<&'v str, Invalid> {
    if value.is_empty() || value.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return refuse(object, attr, value, "not a single word");
    }
    Ok(value)
}

/// An IPv4 or IPv6 address.
pub fn ip(object: &str, attr: &str, value: &str) -> Result<IpAddr, Invalid> {
    value
        .trim()
        .parse()
        .or_else(|_| refuse(object, attr, value, "not an IP address"))
}

/// An IPv4 address (network address, netmask, gateway of a NIM network).
pub fn ipv4(object: &str, attr: &str, value: &str) -> Result<Ipv4Addr, Invalid> {
    value
        .trim()
        .parse()
        .or_else(|_| refuse(object, attr, value, "not an IPv4 address"))
}

/// An absolute path without `..`, control characters or blanks.
pub fn path<'v>(object: &str, attr: &str, value: &'v str) -> Result<&'v str, Invalid> {
    let ok = crate::runner::quote::validate_path(value).is_ok()
        && !value.chars().any(char::is_whitespace);
    if ok {
        Ok(value)
    } else {
        refuse(object, attr, value, "not an absolute path")
    }
}

/// A NIM attribute name given as `attr=val` (`netboot_kernel`, `if1`, …).
pub fn nim_attr_name<'v>(object: &str, value: &'v str) -> Result<&'v str, Invalid> {
    let ok = value.starts_with(|c: char| c.is_ascii_alphabetic())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if ok {
        Ok(value)
    } else {
        refuse(object, value, value, "not a NIM attribute name")
    }
}

/// A NIM attribute value: one line of printable text.
pub fn nim_attr_value<'v>(object: &str, attr: &str, value: &'v str) -> Result<&'v str, Invalid> {
    if value.chars().any(char::is_control) {
        return refuse(object, attr, value, "contains control characters");
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(host_name("cn01", "node", "cn01.cluster").is_ok());
        for bad in ["", "-o", "a b", "a;b", "$(id)", "10.0.0.1"] {
            assert!(host_name("x", "node", bad).is_err(), "{bad}");
        }
        assert!(nim_name("71dskls", "spot", "71dskls_spot").is_ok());
        let long = "a".repeat(40);
        let e = nim_name("img", "spot", &long).unwrap_err();
        assert_eq!(e.why, "longer than 39 characters");
        assert!(nim_name("img", "spot", "a/b").is_err());
    }

    #[test]
    fn macs() {
        assert_eq!(
            mac("cn01", "mac", "AA:bb:cc:dd:ee:01").unwrap(),
            "AAbbccddee01"
        );
        assert_eq!(
            mac("cn01", "mac", "aabbccddee01!cn01-eth0|aabbccddee02").unwrap(),
            "aabbccddee01"
        );
        assert_eq!(
            super::macs("cn01", "mac", "aa:bb:cc:dd:ee:01|AABBCCDDEE02").unwrap(),
            ["aabbccddee01", "AABBCCDDEE02"]
        );
        assert!(super::macs("cn01", "mac", "").is_err());
        assert_eq!(
            super::macs("cn01", "mac", "aabbccddee01|zz")
                .unwrap_err()
                .value,
            "aabbccddee01|zz"
        );
        assert!(word("cn01", "psize", "64").is_ok());
        assert!(word("cn01", "psize", "64 -a x=y").is_err());
        let e = mac("cn01", "mac", "aa:bb;reboot").unwrap_err();
        assert_eq!(
            e.to_string(),
            "Invalid value 'aa:bb;reboot' of attribute 'mac' for 'cn01': not a MAC address."
        );
    }

    #[test]
    fn addresses_paths_attrs() {
        assert!(ip("cn01", "ip", "198.18.0.1").is_ok());
        assert!(ip("cn01", "ip", "fe80::1").is_ok());
        assert!(ipv4("n", "mask", "255.255.0.0").is_ok());
        assert!(ipv4("n", "mask", "255.255.0").is_err());
        assert!(path("img", "location", "/install/nim/spot").is_ok());
        assert!(path("img", "location", "/install/../etc").is_err());
        assert!(path("img", "location", "/a b").is_err());
        assert!(nim_attr_name("cn01", "netboot_kernel").is_ok());
        assert!(nim_attr_name("cn01", "-a").is_err());
        assert!(nim_attr_value("cn01", "x", "a b").is_ok());
        assert!(nim_attr_value("cn01", "x", "a\nb").is_err());
    }
}
