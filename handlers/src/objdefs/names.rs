//! Object-name validation (stock isobjnamevalid and the mkdef node-name
//! checks).

use super::cache::Cache;
use crate::api::HandlerError;
use xcat_schema::db::Conn;

/// Node names: letters, digits, `-`, `_`, or an IP address.
pub fn valid_node_name(name: &str) -> bool {
    (!name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        || name.parse::<std::net::IpAddr>().is_ok()
}

/// Group names must not be noderange expressions (stock: the name expands
/// to itself only).
pub fn valid_group_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('-')
        && !name.contains([
            ',', '[', ']', '@', '^', '(', ')', '*', '/', '+', ':', '!', '=', '~', ' ', '\t', '\'',
            '"',
        ])
}

/// Stock isobjnamevalid for `type_name`.
pub fn valid_object_name(
    _conn: &mut Conn,
    _cache: &mut Cache,
    name: &str,
    type_name: &str,
) -> Result<bool, HandlerError> {
    Ok(match type_name {
        "" | "node" => valid_node_name(name),
        "group" => valid_group_name(name),
        _ => true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_names() {
        assert!(valid_node_name("cn-01_a"));
        assert!(valid_node_name("10.0.0.1"));
        assert!(valid_node_name("fe80::1"));
        assert!(!valid_node_name("a.b"));
        assert!(!valid_node_name("a b"));
        assert!(valid_group_name("sn1nodes_re"));
        assert!(!valid_group_name("a,b"));
    }
}
