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
use xcat_schema::objects::ObjectDef;

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
/// Column values of a row (`None` clears).
type Values = Vec<(String, Option<String>)>;
/// One `set_attribs_many` item: keys and column values.
type Item = (Keys, Values);

/// The rows of one object: (table, keys, column values), in first-seen order.
#[derive(Default)]
struct ObjectRows(Vec<(String, Keys, Values)>);

impl ObjectRows {
    fn put(&mut self, table: &str, keys: Keys, col: &str, val: Option<String>) {
        let pos = match self.0.iter().position(|(t, k, _)| t == table && *k == keys) {
            Some(p) => p,
            None => {
                self.0.push((table.to_string(), keys, Vec::new()));
                self.0.len() - 1
            }
        };
        let vals = &mut self.0[pos].2;
        match vals.iter_mut().find(|(c, _)| c == col) {
            Some(slot) => slot.1 = val,
            None => vals.push((col.to_string(), val)),
        }
    }
}

/// Everything a command writes: rows per table, and site keys to delete.
#[derive(Default)]
struct Pending {
    rows: HashMap<String, Vec<Item>>,
    deletes: Vec<(String, Keys)>,
    group_cache: HashMap<String, BTreeMap<String, String>>,
}

impl Pending {
    fn add(&mut self, object: ObjectRows) {
        for (t, k, v) in object.0 {
            self.rows.entry(t).or_default().push((k, v));
        }
    }
}

/// Write objects, each whole or not at all.  `member_msgs`: `-m` misses are
/// reported as group membership problems (`chdef -t group -m members=`).
pub fn set_objects(
    conn: &mut Conn,
    cache: &mut Cache,
    reqs: &[WriteReq],
    mode: Mode,
    member_msgs: bool,
) -> Result<WriteResult, HandlerError> {
    let mut res = WriteResult::default();
    let mut pending = Pending::default();
    for req in reqs {
        let Some(def) = spec::def(&req.type_name) else {
            continue;
        };
        let db = stored_values(conn, cache, def, req, mode)?;
        let object = match req.type_name.as_str() {
            "site" => site_rows(req, mode, &db, &mut pending.deletes),
            "monitoring" => monitoring_rows(def, req, mode, &db),
            _ => {
                let gvals = group_values(conn, cache, req, &mut pending.group_cache)?;
                let edit = Edit {
                    mode,
                    member_msgs,
                    db: &db,
                    groups: &gvals,
                };
                match object_rows(def, req, &edit, &mut res) {
                    Some(rows) if rows.0.is_empty() => continue,
                    Some(rows) => rows,
                    None => {
                        res.failed.insert(req.name.clone());
                        continue;
                    }
                }
            }
        };
        res.updated.insert(req.name.clone());
        pending.add(object);
    }
    drop_default_scripts(conn, cache, &mut pending.rows, &mut res.warnings)?;
    let mut tables: Vec<&String> = pending.rows.keys().collect();
    tables.sort();
    for t in tables {
        conn.set_attribs_many(t, &pending.rows[t])?;
        cache.forget(t);
    }
    for (t, keys) in &pending.deletes {
        let eq: Vec<(&str, &str)> = keys.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        conn.delete_where(t, &eq)?;
        cache.forget(t);
    }
    Ok(res)
}

/// The stored values a write needs: the edited attributes for `-p`/`-m`,
/// the `only_if` conditions, and a group's `grouptype`.
fn stored_values(
    conn: &mut Conn,
    cache: &mut Cache,
    def: &ObjectDef,
    req: &WriteReq,
    mode: Mode,
) -> Result<BTreeMap<String, String>, HandlerError> {
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
    if wanted.is_empty() || spec::free_form(&req.type_name) && mode == Mode::Set {
        return Ok(BTreeMap::new());
    }
    let mut r = Reader::new(conn, cache);
    let o = ReadOpts {
        wanted: Some(wanted),
        ..ReadOpts::default()
    };
    Ok(r.read_one(&req.type_name, &req.name, &o)?.attrs)
}

/// site: one row per key; an emptied key is deleted.
fn site_rows(
    req: &WriteReq,
    mode: Mode,
    db: &BTreeMap<String, String>,
    deletes: &mut Vec<(String, Keys)>,
) -> ObjectRows {
    let mut rows = ObjectRows::default();
    for (attr, given) in req.attrs.iter().filter(|(a, _)| *a != "objtype") {
        let val = simple_list_edit(mode, db.get(attr), given);
        let keys = vec![("key".to_string(), attr.clone())];
        if val.is_empty() {
            deletes.push(("site".to_string(), keys));
        } else {
            rows.put("site", keys, "value", Some(val));
        }
    }
    rows
}

/// monitoring: defspec attributes in `monitoring`, the rest in `monsetting`.
fn monitoring_rows(
    def: &ObjectDef,
    req: &WriteReq,
    mode: Mode,
    db: &BTreeMap<String, String>,
) -> ObjectRows {
    let mut rows = ObjectRows::default();
    for (attr, given) in &req.attrs {
        if attr == "objtype" || attr == def.objkey {
            continue;
        }
        let val = simple_list_edit(mode, db.get(attr), given);
        if def.attrs.iter().any(|a| a.attr_name == attr) {
            let keys = vec![("name".into(), req.name.clone())];
            rows.put("monitoring", keys, attr, Some(val));
        } else {
            let keys = vec![
                ("name".into(), req.name.clone()),
                ("key".into(), attr.clone()),
            ];
            rows.put("monsetting", keys, "value", Some(val));
        }
    }
    rows
}

/// Values of the groups named in the new `groups` attribute (for `only_if`).
fn group_values(
    conn: &mut Conn,
    cache: &mut Cache,
    req: &WriteReq,
    group_cache: &mut HashMap<String, BTreeMap<String, String>>,
) -> Result<Vec<BTreeMap<String, String>>, HandlerError> {
    let mut gvals = Vec::new();
    let Some(g) = req.attrs.get("groups") else {
        return Ok(gvals);
    };
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
    Ok(gvals)
}

/// How one object's values combine with what is stored.
struct Edit<'a> {
    mode: Mode,
    member_msgs: bool,
    db: &'a BTreeMap<String, String>,
    groups: &'a [BTreeMap<String, String>],
}

/// The rows of one ordinary object; `None` (messages in `res`) when it is
/// rejected.
fn object_rows(
    def: &ObjectDef,
    req: &WriteReq,
    edit: &Edit,
    res: &mut WriteResult,
) -> Option<ObjectRows> {
    let src = CondSources {
        new: &req.attrs,
        db: Some(edit.db),
        groups: edit.groups,
    };
    let fails = spec::only_if_failures(def, &src);
    if !fails.is_empty() {
        res.errors.extend(fails);
        return None;
    }
    let dynamic = edit.db.get("grouptype").map(String::as_str) == Some("dynamic");
    let delim = if req.type_name == "group" && dynamic {
        "::"
    } else {
        ","
    };
    let mut rows = ObjectRows::default();
    let mut failed = false;
    let mut done_attr: BTreeMap<&str, Option<String>> = BTreeMap::new();
    for i in spec::plan(def).indexes(req.attrs.keys().map(String::as_str)) {
        let a = &def.attrs[i];
        let Some(given) = req
            .attrs
            .get(a.attr_name)
            .filter(|_| a.attr_name != def.objkey)
        else {
            continue;
        };
        if a.only_if.is_some_and(|c| !src.satisfied(c.attr, c.value)) {
            continue;
        }
        let val = match done_attr.get(a.attr_name) {
            Some(v) => v.clone(),
            None => {
                let Some(v) = edited_value(a.attr_name, given, delim, req, edit, res) else {
                    failed = true;
                    continue;
                };
                done_attr.insert(a.attr_name, v.clone());
                v
            }
        };
        rows.put(
            spec::row_table(a),
            spec::row_keys(a, &req.name),
            a.column,
            val,
        );
    }
    (!failed).then_some(rows)
}

/// The new value of one attribute (`None` when a `-m` edit fails; the
/// message is in `res`).  `Some(None)` clears the value.
fn edited_value(
    attr: &str,
    given: &str,
    delim: &str,
    req: &WriteReq,
    edit: &Edit,
    res: &mut WriteResult,
) -> Option<Option<String>> {
    let current = edit.db.get(attr);
    match edit.mode {
        Mode::Set => Some(Some(given.to_string())),
        Mode::Plus => Some(Some(plus(current, given, delim))),
        Mode::Minus => {
            let Some(cur) = current.filter(|v| !v.is_empty()) else {
                res.errors.push(format!(
                    "No value got for attribute '{attr}' for the '{}' definition.",
                    req.name
                ));
                return None;
            };
            let items: Vec<&str> = cur.split(delim).collect();
            let missing: Vec<&str> = given.split(delim).filter(|g| !items.contains(g)).collect();
            for em in &missing {
                res.errors.push(if edit.member_msgs {
                    format!("{} is not a member of '{em}'.", req.name)
                } else {
                    format!(
                        "{em} is not in the attribute of '{attr}' for the '{}' definition.",
                        req.name
                    )
                });
            }
            if !missing.is_empty() {
                return None;
            }
            let minus: Vec<&str> = given.split(delim).collect();
            let kept: Vec<&str> = items.into_iter().filter(|i| !minus.contains(i)).collect();
            Some((!kept.is_empty()).then(|| kept.join(delim)))
        }
    }
}

/// Scripts already run through xcatdefaults are dropped with a warning.
fn drop_default_scripts(
    conn: &mut Conn,
    cache: &mut Cache,
    rows: &mut HashMap<String, Vec<Item>>,
    warnings: &mut Vec<String>,
) -> Result<(), HandlerError> {
    let Some(list) = rows.get_mut("postscripts") else {
        return Ok(());
    };
    let defaults = xcatdefaults(conn, cache)?;
    for (keys, vals) in list.iter_mut() {
        let obj = keys.first().map(|k| k.1.clone()).unwrap_or_default();
        if obj == "xcatdefaults" {
            continue;
        }
        for (col, val) in vals.iter_mut() {
            let (Some(defs), Some(v)) = (defaults.get(col.as_str()), val.as_ref()) else {
                continue;
            };
            let mut kept = Vec::new();
            for s in v.split(',') {
                if !s.is_empty() && defs.iter().any(|d| d == s) {
                    warnings.push(format!(
                        "{obj}: {col} '{s}' is already included in the 'xcatdefaults'."
                    ));
                } else {
                    kept.push(s);
                }
            }
            *val = Some(kept.join(","));
        }
    }
    Ok(())
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
