//! Which objects of a type exist (stock getObjectsOfType): the objkey column
//! of the active rows; groups also from every node's `nodelist.groups`;
//! `site` is always `clustersite`.

use super::cache::Cache;
use super::spec;
use crate::api::HandlerError;
use std::collections::{BTreeMap, BTreeSet};
use xcat_schema::db::Conn;

/// Object names of each of `types` (see [`objects_of_type`]).
pub fn objects_by_type<'a>(
    conn: &mut Conn,
    cache: &mut Cache,
    types: impl IntoIterator<Item = &'a str>,
) -> Result<BTreeMap<String, BTreeSet<String>>, HandlerError> {
    let mut by_type = BTreeMap::new();
    for t in types {
        if !by_type.contains_key(t) {
            by_type.insert(t.to_string(), objects_of_type(conn, cache, t)?);
        }
    }
    Ok(by_type)
}

/// Object names of `type_name`, sorted (byte order) and unique.
pub fn objects_of_type(
    conn: &mut Conn,
    cache: &mut Cache,
    type_name: &str,
) -> Result<BTreeSet<String>, HandlerError> {
    let mut out = BTreeSet::new();
    if type_name == "site" {
        out.insert("clustersite".to_string());
        return Ok(out);
    }
    let Some(def) = spec::def(type_name) else {
        return Ok(out);
    };
    if let Some(a) = def.attrs.iter().find(|a| a.attr_name == def.objkey) {
        let t = cache.active(conn, spec::row_table(a))?;
        if let Some(c) = t.col(a.column) {
            for i in 0..t.rows.len() {
                if let Some(v) = t.get(i, c) {
                    out.insert(v.to_string());
                }
            }
        }
    }
    if type_name == "group" {
        let t = cache.active(conn, "nodelist")?;
        if let Some(c) = t.col("groups") {
            for i in 0..t.rows.len() {
                if let Some(v) = t.get(i, c) {
                    out.extend(v.split(',').filter(|s| !s.is_empty()).map(str::to_string));
                }
            }
        }
    }
    Ok(out)
}
