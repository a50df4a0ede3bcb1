//! Test oracle for node attribute resolution: an independent second
//! implementation of stock inheritance (own rows, groups in `nodelist.groups`
//! order with the cartesian expansion of multi-row group entries,
//! `site.hierarchicalattrs`, regex rows, `nodels -b` attribution) written
//! directly on `Conn`.  `tables_resolve` and `tables_scale` compare
//! `tables::resolve::resolve` (which uses `xcat_schema::inherit`) with it.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use xcat_handlers::tables::dbutil;
use xcat_handlers::tables::resolve::{Opts, Rec, Val};
use xcat_schema::db::{Conn, DbError};
use xcat_schema::regexattr::RegexEval;

/// Work value during the group walk.
#[derive(Debug, Clone)]
struct Work {
    parts: Vec<String>,
    /// Hierarchical: later groups still append.
    open: bool,
    from: Option<String>,
}

type WorkRec = BTreeMap<String, Work>;

/// `site.hierarchicalattrs`: column → delimiter.
pub fn hierarchical_attrs(conn: &mut Conn) -> Result<HashMap<String, String>, DbError> {
    let mut map = HashMap::new();
    if let Some(v) = dbutil::site_value(conn, "hierarchicalattrs")? {
        for item in v.split(',').filter(|s| !s.is_empty()) {
            match item.split_once(':') {
                Some((c, d)) if !d.is_empty() => map.insert(c.to_string(), d.to_string()),
                Some((c, _)) => map.insert(c.to_string(), ",".to_string()),
                None => map.insert(item.to_string(), ",".to_string()),
            };
        }
    }
    Ok(map)
}

/// Rows of a table grouped by node key, each reduced to the non-empty values
/// of the requested columns (rows with none of them are dropped, as
/// getAttribs does).
struct Index {
    by_key: HashMap<String, Vec<BTreeMap<String, String>>>,
}

impl Index {
    fn load(conn: &mut Conn, table: &str, nodekey: &str, cols: &[&str]) -> Result<Index, DbError> {
        let mut want: Vec<&str> = vec![nodekey];
        want.extend(cols.iter().copied());
        let rows = conn.select(table, &want, &[], true)?;
        let mut by_key: HashMap<String, Vec<BTreeMap<String, String>>> = HashMap::new();
        for row in rows {
            let mut it = row.into_iter();
            let Some(Some(key)) = it.next() else { continue };
            let mut rec = BTreeMap::new();
            for (c, v) in cols.iter().zip(it) {
                if let Some(v) = v.filter(|v| !v.is_empty()) {
                    rec.insert(c.to_string(), v);
                }
            }
            if !rec.is_empty() {
                by_key.entry(key).or_default().push(rec);
            }
        }
        Ok(Index { by_key })
    }

    fn rows(&self, key: &str) -> &[BTreeMap<String, String>] {
        self.by_key.get(key).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// Groups of every node (active nodelist rows).
pub fn all_groups(conn: &mut Conn) -> Result<HashMap<String, Vec<String>>, DbError> {
    let rows = conn.select("nodelist", &["node", "groups"], &[], true)?;
    let mut map = HashMap::new();
    for r in rows {
        let mut it = r.into_iter();
        if let (Some(Some(n)), Some(g)) = (it.next(), it.next()) {
            let groups = g
                .unwrap_or_default()
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            map.insert(n, groups);
        }
    }
    Ok(map)
}

/// The resolution written on `Conn` (reference implementation).
pub fn resolve_local(
    conn: &mut Conn,
    table: &str,
    nodes: &[String],
    cols: &[&str],
    opts: &Opts,
) -> Result<HashMap<String, Vec<Rec>>, DbError> {
    let Some(nodekey) = dbutil::nodekey(table) else {
        return Ok(HashMap::new());
    };
    let hier = if table == "nodelist" {
        HashMap::new()
    } else {
        hierarchical_attrs(conn)?
    };
    let index = Index::load(conn, table, nodekey, cols)?;
    let groups = if table == "nodelist" {
        HashMap::new()
    } else {
        all_groups(conn)?
    };
    let mut regex = RegexEval::new();
    let mut out = HashMap::new();
    for node in nodes {
        let node_groups = groups.get(node).map(Vec::as_slice).unwrap_or(&[]);
        let recs = resolve_node(node, nodekey, cols, &index, node_groups, &hier, opts);
        let recs = finish(node, recs, &hier, &mut regex);
        if !recs.is_empty() {
            out.insert(node.clone(), recs);
        }
    }
    Ok(out)
}

fn work_from(value: &str, col: &str, hier: &HashMap<String, String>, from: Option<String>) -> Work {
    Work {
        parts: vec![value.to_string()],
        open: hier.contains_key(col),
        from,
    }
}

fn resolve_node(
    node: &str,
    nodekey: &str,
    cols: &[&str],
    index: &Index,
    groups: &[String],
    hier: &HashMap<String, String>,
    opts: &Opts,
) -> Vec<WorkRec> {
    // Own rows.
    let mut results: Vec<WorkRec> = index
        .rows(node)
        .iter()
        .map(|r| {
            r.iter()
                .map(|(c, v)| (c.clone(), work_from(v, c, hier, None)))
                .collect()
        })
        .collect();
    let mut todo: Vec<&str> = cols
        .iter()
        .copied()
        .filter(|c| !results.iter().any(|r| r.get(*c).is_some_and(|w| !w.open)))
        .collect();
    if todo.is_empty() || groups.is_empty() {
        return results;
    }
    for g in groups {
        let group_rows: Vec<&BTreeMap<String, String>> = index
            .rows(g)
            .iter()
            .filter(|r| todo.iter().any(|c| r.contains_key(*c)))
            .collect();
        if group_rows.is_empty() {
            continue;
        }
        let prev = results.clone();
        let mut expanded = Vec::new();
        let mut done: Vec<&str> = Vec::new();
        for grow in group_rows {
            let mut current = prev.clone();
            let mut pushed = WorkRec::new();
            for attr in todo.iter().copied() {
                let Some(gval) = grow.get(attr) else { continue };
                let open = hier.contains_key(attr);
                if !open && !done.contains(&attr) {
                    done.push(attr);
                }
                let group_from = |existing: Option<&String>| {
                    if !opts.attribution || attr == nodekey {
                        return None;
                    }
                    Some(match existing {
                        Some(f) => format!("{f},{g}"),
                        None => format!("{node},{g}"),
                    })
                };
                if current.is_empty() {
                    let value = if attr == nodekey { node } else { gval.as_str() };
                    let from = (opts.attribution && attr != nodekey).then(|| g.clone());
                    pushed.insert(attr.to_string(), work_from(value, attr, hier, from));
                    continue;
                }
                for r in current.iter_mut() {
                    match r.get_mut(attr) {
                        Some(w) if w.open => {
                            w.parts.push(gval.clone());
                            let from = group_from(w.from.as_ref());
                            if from.is_some() {
                                w.from = from;
                            }
                        }
                        Some(_) => {}
                        None => {
                            let from = (opts.attribution && attr != nodekey).then(|| g.clone());
                            r.insert(attr.to_string(), work_from(gval, attr, hier, from));
                        }
                    }
                }
            }
            if !pushed.is_empty() {
                if nodekey_requested(cols, nodekey) {
                    pushed.insert(nodekey.to_string(), work_from(node, nodekey, hier, None));
                }
                current.push(pushed);
            }
            expanded.extend(current);
        }
        results = expanded;
        todo.retain(|c| !done.contains(c));
        if todo.is_empty() {
            break;
        }
    }
    results
}

fn nodekey_requested(cols: &[&str], nodekey: &str) -> bool {
    cols.contains(&nodekey)
}

/// Join hierarchical parts (split, de-duplicated), evaluate regex rows for
/// the node and drop values that end up empty.
fn finish(
    node: &str,
    recs: Vec<WorkRec>,
    hier: &HashMap<String, String>,
    regex: &mut RegexEval,
) -> Vec<Rec> {
    let mut out = Vec::new();
    for r in recs {
        let mut rec = Rec::new();
        for (col, w) in r {
            let text = match hier.get(&col) {
                Some(delim) => {
                    let mut seen: Vec<&str> = Vec::new();
                    for part in &w.parts {
                        for item in part.split(delim.as_str()) {
                            if !seen.contains(&item) {
                                seen.push(item);
                            }
                        }
                    }
                    while seen.last().is_some_and(|s| s.is_empty()) {
                        seen.pop();
                    }
                    seen.join(delim)
                }
                None => w.parts.concat(),
            };
            if let Some(v) = regex.eval(node, &text) {
                rec.insert(
                    col,
                    Val {
                        text: v,
                        from: w.from,
                    },
                );
            }
        }
        out.push(rec);
    }
    // Stock returns nothing when the first record is empty.
    if out.first().is_some_and(|r| r.is_empty()) {
        return Vec::new();
    }
    out
}
