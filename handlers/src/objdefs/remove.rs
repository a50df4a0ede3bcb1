//! Removing object definitions (stock rmobjdefs): every row, in every table
//! the type's attributes live in, whose lookup keys equal the object; site
//! removes every site key; monitoring also its monsetting rows.  Only rows
//! that exist are deleted (one bulk read per table, then keyed deletes).

use super::cache::Cache;
use super::spec;
use crate::api::HandlerError;
use std::collections::{BTreeMap, BTreeSet};
use xcat_schema::db::Conn;

/// Delete the objects `names` of `type_name`.
pub fn remove_objects(
    conn: &mut Conn,
    cache: &mut Cache,
    type_name: &str,
    names: &[String],
) -> Result<(), HandlerError> {
    if type_name == "site" {
        conn.delete_all("site")?;
        cache.forget("site");
        return Ok(());
    }
    let Some(def) = spec::def(type_name) else {
        return Ok(());
    };
    // table -> distinct lookup shapes (column, Some(literal) | None = object name)
    // (column, Some(literal) | None = the object name) pairs of one lookup
    type Shape<'a> = Vec<(&'a str, Option<&'a str>)>;
    let mut shapes: BTreeMap<&str, BTreeSet<Shape>> = BTreeMap::new();
    for a in def.attrs {
        let shape: Vec<(&str, Option<&str>)> = a
            .lookup
            .iter()
            .map(|l| {
                let lit = match l.kind {
                    xcat_schema::objects::LookupKind::Attr => None,
                    xcat_schema::objects::LookupKind::Str => Some(l.value),
                };
                (l.column, lit)
            })
            .collect();
        shapes.entry(spec::row_table(a)).or_default().insert(shape);
    }
    if type_name == "monitoring" {
        shapes
            .entry("monsetting")
            .or_default()
            .insert(vec![("name", None)]);
    }
    let wanted: BTreeSet<&str> = names.iter().map(String::as_str).collect();
    for (table, shapes) in shapes {
        let t = cache.all(conn, table)?;
        let mut dels: BTreeSet<Vec<(String, String)>> = BTreeSet::new();
        for shape in &shapes {
            let idx: Vec<Option<usize>> = shape.iter().map(|(c, _)| t.col(c)).collect();
            if idx.iter().any(Option::is_none) {
                continue;
            }
            for row in &t.rows {
                let cell = |i: usize| row.get(i).and_then(|v| v.as_deref()).unwrap_or("");
                let mut name_hit: Option<&str> = None;
                let ok = shape.iter().zip(&idx).all(|((_, lit), c)| {
                    let v = cell(c.unwrap_or(0));
                    match lit {
                        Some(l) => v == *l,
                        None => {
                            name_hit = Some(v);
                            wanted.contains(v)
                        }
                    }
                });
                if ok && name_hit.is_some() {
                    let keys = shape
                        .iter()
                        .zip(&idx)
                        .map(|((col, _), c)| (col.to_string(), cell(c.unwrap_or(0)).to_string()))
                        .collect();
                    dels.insert(keys);
                }
            }
        }
        if dels.is_empty() {
            continue;
        }
        for keys in &dels {
            let eq: Vec<(&str, &str)> =
                keys.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
            conn.delete_where(table, &eq)?;
        }
        cache.forget(table);
    }
    Ok(())
}

/// Rename object `old` to `new` of `type_name` in every row keyed by it
/// (stock `chdef -n`).  Returns the tables changed.
pub fn rename_object(
    conn: &mut Conn,
    cache: &mut Cache,
    type_name: &str,
    old: &str,
    new: &str,
) -> Result<Vec<String>, HandlerError> {
    let Some(def) = spec::def(type_name) else {
        return Ok(Vec::new());
    };
    let mut done: BTreeSet<(String, Vec<(String, String)>)> = BTreeSet::new();
    let mut changed = Vec::new();
    for a in def.attrs {
        let table = spec::row_table(a);
        let keys = spec::row_keys(a, old);
        if !done.insert((table.to_string(), keys.clone())) {
            continue;
        }
        let t = cache.all(conn, table)?;
        if t.rows_where(&keys).is_empty() {
            continue;
        }
        let eq: Vec<(&str, &str)> = keys.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let vals: Vec<(&str, Option<&str>)> = a
            .lookup
            .iter()
            .filter(|l| l.kind == xcat_schema::objects::LookupKind::Attr)
            .map(|l| (l.column, Some(new)))
            .collect();
        conn.set_attribs(table, &eq, &vals)?;
        cache.forget(table);
        if !changed.iter().any(|c| c == table) {
            changed.push(table.to_string());
        }
    }
    Ok(changed)
}
