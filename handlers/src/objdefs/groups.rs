//! Group membership: static members (nodes listing the group in
//! `nodelist.groups`) and dynamic members (nodes matching `wherevals`), both
//! printed in sorted order (stock prints Perl hash order).

use super::cache::Cache;
use super::read::{ReadOpts, Reader};
use super::selection::Selection;
use crate::api::HandlerError;
use std::collections::BTreeSet;
use xcat_schema::db::Conn;
use xcat_schema::noderange::wherevals_tests;

/// Nodes whose own `nodelist.groups` contains `group`.
pub fn static_members(
    conn: &mut Conn,
    cache: &mut Cache,
    group: &str,
) -> Result<Vec<String>, HandlerError> {
    let t = cache.active(conn, "nodelist")?;
    let (Some(nc), Some(gc)) = (t.col("node"), t.col("groups")) else {
        return Ok(Vec::new());
    };
    let mut v: Vec<String> = (0..t.rows.len())
        .filter(|&i| {
            t.get(i, gc)
                .is_some_and(|g| g.split(',').any(|x| x == group))
        })
        .filter_map(|i| t.get(i, nc).map(str::to_string))
        .collect();
    v.sort();
    v.dedup();
    Ok(v)
}

/// Nodes matching a dynamic group's `wherevals` (`a==b::c=~d`), with node
/// attributes resolved through inheritance; `node` is the node name. The tests are
/// [`wherevals_tests`]'s (a malformed item ends them; the tests before it still apply,
/// as stock).
pub fn dynamic_members(
    conn: &mut Conn,
    cache: &mut Cache,
    wherevals: &str,
) -> Result<Vec<String>, HandlerError> {
    let sel = Selection::from_tests(wherevals_tests(wherevals));
    let nodes = super::list::objects_of_type(conn, cache, "node")?;
    matching_nodes(conn, cache, &sel, nodes)
}

/// True if every item of `wherevals` parses (chdef refuses the others).
pub fn wherevals_valid(wherevals: &str) -> bool {
    let words: Vec<&str> = wherevals.split("::").collect();
    Selection::parse(&words).is_ok()
}

/// The nodes of `nodes` whose (inherited) attributes match `sel`.
pub fn matching_nodes(
    conn: &mut Conn,
    cache: &mut Cache,
    sel: &Selection,
    nodes: BTreeSet<String>,
) -> Result<Vec<String>, HandlerError> {
    let wanted: BTreeSet<String> = sel.attrs().into_iter().collect();
    let opts = ReadOpts {
        wanted: Some(wanted),
        ..ReadOpts::default()
    };
    let mut r = Reader::new(conn, cache);
    let mut out = Vec::new();
    for n in nodes {
        let mut o = r.read_one("node", &n, &opts)?;
        o.attrs.insert("node".to_string(), n.clone());
        if sel.matches(|a| o.attrs.get(a).map(String::as_str)) {
            out.push(n);
        }
    }
    Ok(out)
}

/// The computed `members=` value of a group object.
pub fn members_value(
    conn: &mut Conn,
    cache: &mut Cache,
    group: &str,
    grouptype: Option<&str>,
    wherevals: Option<&str>,
) -> Result<String, HandlerError> {
    let list = if grouptype == Some("dynamic") {
        dynamic_members(conn, cache, wherevals.unwrap_or(""))?
    } else {
        static_members(conn, cache, group)?
    };
    Ok(list.join(","))
}
