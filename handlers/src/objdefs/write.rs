//! Writing object definitions (stock setobjdefs): each attribute goes to the
//! defspec entry whose `only_if` holds (new values, current values or the
//! values of the object's groups), `-p`/`-m` edit comma lists (`::` for
//! dynamic-group wherevals), values are grouped per table row and written
//! in bulk.  Problems are collected as messages; the caller decides whether
//! the transaction commits.

use super::cache::Cache;
use super::read::{ReadOpts, Reader};
use super::spec::{self, CondSources};
use crate::api::HandlerError;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use xcat_schema::db::Conn;

/// How given values combine with the stored ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Set,
    Plus,
    Minus,
}

/// One object to write.
#[derive(Debug, Clone, Default)]
pub struct WriteReq {
    pub name: String,
    pub type_name: String,
    pub attrs: BTreeMap<String, String>,
}

/// What a write did.
#[derive(Debug, Default)]
pub struct WriteResult {
    /// Objects for which at least one value was written.
    pub updated: BTreeSet<String>,
    /// Objects that failed (nothing of them is written).
    pub failed: BTreeSet<String>,
    pub errors: Vec<String>,
    pub warnings: Vec<String>,
}

/// Lookup key pairs of a row.
type Keys = Vec<(String, String)>;
/// One `set_attribs_many` item: keys and column values.
type Item = (Keys, Vec<(String, Option<String>)>);

/// Write objects.  `member_msgs`: `-m` misses are reported as group
/// membership problems (`chdef -t group -m members=`).
pub fn set_objects(
    conn: &mut Conn,
    cache: &mut Cache,
    reqs: &[WriteReq],
    mode: Mode,
    member_msgs: bool,
) -> Result<WriteResult, HandlerError> {
    let mut res = WriteResult::default();
    // (table, keys) -> column -> value, in first-seen order per table
    let mut rows: HashMap<String, Vec<Item>> = HashMap::new();
    let mut group_cache: HashMap<String, BTreeMap<String, String>> = HashMap::new();
    let mut deletes: Vec<(String, Vec<(String, String)>)> = Vec::new();
    // The rows of the object being processed: (table, keys, values).
    type LocalRows = Vec<(String, Vec<(String, String)>, Vec<(String, Option<String>)>)>;
    let put = |local: &mut LocalRows,
               table: &str,
               keys: Vec<(String, String)>,
               col: &str,
               val: Option<String>| {
        let pos = match local.iter().position(|(t, k, _)| t == table && *k == keys) {
            Some(p) => p,
            None => {
                local.push((table.to_string(), keys, Vec::new()));
                local.len() - 1
            }
        };
        let vals = &mut local[pos].2;
        match vals.iter_mut().find(|(c, _)| c == col) {
            Some(slot) => slot.1 = val,
            None => vals.push((col.to_string(), val)),
        }
    };
    let mut flush = |local: &mut LocalRows| {
        for (t, k, v) in local.drain(..) {
            rows.entry(t).or_default().push((k, v));
        }
    };
    let mut local: LocalRows = Vec::new();

    for req in reqs {
        let Some(def) = spec::def(&req.type_name) else {
            continue;
        };
        // Stored values are needed for list edits and for only_if conditions.
        let plan = spec::plan(def);
        let mut wanted: BTreeSet<String> = if mode != Mode::Set {
            req.attrs.keys().cloned().collect()
        } else {
            plan.indexes(req.attrs.keys().map(String::as_str))
                .into_iter()
                .filter_map(|i| def.attrs[i].only_if.map(|c| c.attr.to_string()))
                .collect()
        };
        // A dynamic group's wherevals are edited with `::` in every mode.
        if req.type_name == "group" {
            wanted.insert("grouptype".into());
        }
        let db = if wanted.is_empty() || spec::free_form(&req.type_name) && mode == Mode::Set {
            BTreeMap::new()
        } else {
            let mut r = Reader::new(conn, cache);
            let o = ReadOpts {
                wanted: Some(wanted),
                ..ReadOpts::default()
            };
            r.read_one(&req.type_name, &req.name, &o)?.attrs
        };
        match req.type_name.as_str() {
            "site" => {
                for (attr, given) in &req.attrs {
                    if attr == "objtype" {
                        continue;
                    }
                    let val = simple_list_edit(mode, db.get(attr), given);
                    let keys = vec![("key".to_string(), attr.clone())];
                    if val.is_empty() {
                        deletes.push(("site".to_string(), keys));
                    } else {
                        put(&mut local, "site", keys, "value", Some(val));
                    }
                }
                flush(&mut local);
                res.updated.insert(req.name.clone());
                continue;
            }
            "monitoring" => {
                for (attr, given) in &req.attrs {
                    if attr == "objtype" || attr == def.objkey {
                        continue;
                    }
                    let val = simple_list_edit(mode, db.get(attr), given);
                    if def.attrs.iter().any(|a| a.attr_name == attr) {
                        put(
                            &mut local,
                            "monitoring",
                            vec![("name".into(), req.name.clone())],
                            attr,
                            Some(val),
                        );
                    } else {
                        let keys = vec![
                            ("name".into(), req.name.clone()),
                            ("key".into(), attr.clone()),
                        ];
                        put(&mut local, "monsetting", keys, "value", Some(val));
                    }
                }
                flush(&mut local);
                res.updated.insert(req.name.clone());
                continue;
            }
            _ => {}
        }
        // Values of the groups named in the new `groups` attribute.
        let mut gvals = Vec::new();
        if let Some(g) = req.attrs.get("groups") {
            for grp in g.split(',').filter(|s| !s.is_empty()) {
                if !group_cache.contains_key(grp) {
                    let mut r = Reader::new(conn, cache);
                    let o = r.read_one("group", grp, &ReadOpts::default())?;
                    group_cache.insert(grp.to_string(), o.attrs);
                }
                if let Some(v) = group_cache.get(grp) {
                    gvals.push(v.clone());
                }
            }
        }
        let src = CondSources {
            new: &req.attrs,
            db: Some(&db),
            groups: &gvals,
        };
        let fails = spec::only_if_failures(def, &src);
        if !fails.is_empty() {
            res.errors.extend(fails);
            res.failed.insert(req.name.clone());
            continue;
        }
        let delim = if req.type_name == "group"
            && db.get("grouptype").map(String::as_str) == Some("dynamic")
        {
            "::"
        } else {
            ","
        };
        // (table, keys, column, value)
        let mut pending: Vec<(String, Keys, String, Option<String>)> = Vec::new();
        let mut failed = false;
        let mut done_attr: BTreeMap<&str, Option<String>> = BTreeMap::new();
        for i in plan.indexes(req.attrs.keys().map(String::as_str)) {
            let a = &def.attrs[i];
            if a.attr_name == def.objkey {
                continue;
            }
            let Some(given) = req.attrs.get(a.attr_name) else {
                continue;
            };
            if let Some(c) = a.only_if {
                if !src.satisfied(c.attr, c.value) {
                    continue;
                }
            }
            let val = if let Some(v) = done_attr.get(a.attr_name) {
                v.clone()
            } else {
                let v = match mode {
                    Mode::Set => Some(given.clone()),
                    Mode::Plus => Some(plus(db.get(a.attr_name), given, delim)),
                    Mode::Minus => match db.get(a.attr_name).filter(|v| !v.is_empty()) {
                        None => {
                            res.errors.push(format!(
                                "No value got for attribute '{}' for the '{}' definition.",
                                a.attr_name, req.name
                            ));
                            failed = true;
                            continue;
                        }
                        Some(cur) => {
                            let current: Vec<&str> = cur.split(delim).collect();
                            let mut miss = false;
                            for em in given.split(delim) {
                                if !current.contains(&em) {
                                    miss = true;
                                    res.errors.push(if member_msgs {
                                        format!("{} is not a member of '{em}'.", req.name)
                                    } else {
                                        format!(
                                            "{em} is not in the attribute of '{}' for the '{}' definition.",
                                            a.attr_name, req.name
                                        )
                                    });
                                }
                            }
                            if miss {
                                failed = true;
                                continue;
                            }
                            let minus: Vec<&str> = given.split(delim).collect();
                            let kept: Vec<&str> =
                                current.into_iter().filter(|i| !minus.contains(i)).collect();
                            (!kept.is_empty()).then(|| kept.join(delim))
                        }
                    },
                };
                done_attr.insert(a.attr_name, v.clone());
                v
            };
            pending.push((
                spec::row_table(a).to_string(),
                spec::row_keys(a, &req.name),
                a.column.to_string(),
                val,
            ));
        }
        if failed {
            res.failed.insert(req.name.clone());
            continue;
        }
        if !pending.is_empty() {
            res.updated.insert(req.name.clone());
        }
        for (table, keys, col, val) in pending {
            put(&mut local, &table, keys, &col, val);
        }
        flush(&mut local);
    }

    // Scripts already run through xcatdefaults are dropped with a warning.
    if let Some(list) = rows.get_mut("postscripts") {
        let defaults = xcatdefaults(conn, cache)?;
        for (keys, vals) in list.iter_mut() {
            let obj = keys.first().map(|k| k.1.clone()).unwrap_or_default();
            if obj == "xcatdefaults" {
                continue;
            }
            for (col, val) in vals.iter_mut() {
                let Some(defs) = defaults.get(col.as_str()) else {
                    continue;
                };
                let Some(v) = val.as_ref() else { continue };
                let mut kept = Vec::new();
                for s in v.split(',') {
                    if !s.is_empty() && defs.iter().any(|d| d == s) {
                        res.warnings.push(format!(
                            "{obj}: {col} '{s}' is already included in the 'xcatdefaults'."
                        ));
                    } else {
                        kept.push(s);
                    }
                }
                *val = Some(kept.join(","));
            }
        }
    }

    let mut tables: Vec<&String> = rows.keys().collect();
    tables.sort();
    for t in tables {
        conn.set_attribs_many(t, &rows[t])?;
        cache.forget(t);
    }
    for (t, keys) in &deletes {
        let eq: Vec<(&str, &str)> = keys.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        conn.delete_where(t, &eq)?;
        cache.forget(t);
    }
    Ok(res)
}

/// The active `xcatdefaults` row of postscripts: column → script list.
pub fn xcatdefaults(
    conn: &mut Conn,
    cache: &mut Cache,
) -> Result<HashMap<&'static str, Vec<String>>, HandlerError> {
    let t = cache.active(conn, "postscripts")?;
    let mut out = HashMap::new();
    if let Some(&i) = t.rows_for("xcatdefaults").first() {
        // stock: Perl truthiness of `disable`
        let disabled = t
            .col("disable")
            .and_then(|c| t.get(i, c))
            .is_some_and(|d| d != "0");
        if !disabled {
            for col in ["postscripts", "postbootscripts"] {
                if let Some(v) = t.col(col).and_then(|c| t.get(i, c)) {
                    out.insert(
                        col,
                        v.split(',')
                            .filter(|s| !s.is_empty())
                            .map(str::to_string)
                            .collect(),
                    );
                }
            }
        }
    }
    Ok(out)
}

fn plus(current: Option<&String>, given: &str, delim: &str) -> String {
    match current {
        None => given.to_string(),
        Some(cur) => {
            let mut items: Vec<&str> = cur.split(delim).collect();
            for g in given.split(delim) {
                if !items.contains(&g) {
                    items.push(g);
                }
            }
            items.join(delim)
        }
    }
}

/// Site/monitoring list edits (stock: plain append, remove without checks).
fn simple_list_edit(mode: Mode, current: Option<&String>, given: &str) -> String {
    match (mode, current) {
        (Mode::Set, _) | (Mode::Plus, None) => given.to_string(),
        (Mode::Plus, Some(c)) => format!("{c},{given}"),
        (Mode::Minus, None) => String::new(),
        (Mode::Minus, Some(c)) => {
            let minus: Vec<&str> = given.split(',').collect();
            c.split(',')
                .filter(|i| !minus.contains(i))
                .collect::<Vec<_>>()
                .join(",")
        }
    }
}
