//! The statelite, litefile and litetree tables as dolitesetup writes them
//! into a SPOT (perl-xCAT/xCAT/InstUtils.pm:801-1100).  Stock runs the
//! `litefile` and `litetree` commands
//! (xCAT-server/lib/xcat/plugins/litetree.pm:131-440) and reformats their
//! output; we compute the same entries in-process from the tables:
//!
//! * `statelite.table`: `node|serverIP|dir[|mntopts]` per node with a
//!   statelite entry (group rows inherited; `$node` / `$table.column`
//!   substituted; the server resolved to an address);
//! * `litefile.table`: `node|options|file` for each file of the node's image
//!   (rows for the image's `osimage.groups`, for `''`, for `ALL`, then for
//!   the image itself, a later one overriding; options default `rw`; files
//!   in name order);
//! * `litetree.table`: `node|serverIP|dir|mntopts` per litetree priority
//!   (same image rows; numeric priority order).  The first field is the
//!   node name, as stock's reformatted `litetree` output gives it and
//!   `aixlitesetup` greps for it.
//!
//! The image of a node is its `nodetype.provmethod` (AIX).

use std::collections::BTreeMap;
use xcat_schema::db::{Conn, DbError};
use xcat_schema::inherit::{InheritCtx, NodeAttrs};

/// One litefile entry of one node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiteFile {
    pub node: String,
    pub options: String,
    pub file: String,
}

impl LiteFile {
    /// The `litefile.table` line: stock removes every `:` and turns blanks into `|`.
    pub fn line(&self) -> String {
        let raw = format!("{} {} {}", self.node, self.options, self.file);
        raw.replace(':', "")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join("|")
    }
}

/// What dolitesetup writes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LiteTables {
    pub statelite: Vec<String>,
    pub litefile: Vec<LiteFile>,
    pub litetree: Vec<String>,
}

/// Every node (`nodelist`), in name order.
pub fn all_nodes(conn: &mut Conn) -> Result<Vec<String>, DbError> {
    let mut nodes: Vec<String> = conn
        .select("nodelist", &["node"], &[], true)?
        .into_iter()
        .filter_map(|r| r.into_iter().next().flatten())
        .collect();
    nodes.sort();
    nodes.dedup();
    Ok(nodes)
}

/// Stock marks the nodes of the request before it reads the tables:
/// `nodetype.os=AIX`, `profile` and `provmethod` = the image.
pub fn mark_nodes(conn: &mut Conn, image: &str, nodes: &[String]) -> Result<(), DbError> {
    for node in nodes {
        conn.set_attribs(
            "nodetype",
            &[("node", node)],
            &[
                ("os", Some("AIX")),
                ("profile", Some(image)),
                ("provmethod", Some(image)),
            ],
        )?;
    }
    Ok(())
}

/// The three tables for `nodes` (stock: all nodes); `resolve` turns a
/// server name into its address (`getipaddr`; `None`: empty field).
pub fn load(
    conn: &mut Conn,
    ictx: &InheritCtx,
    nodes: &[String],
    resolve: &dyn Fn(&str) -> Option<String>,
) -> Result<LiteTables, DbError> {
    let mut provmethod = NodeAttrs::load(conn, ictx, "nodetype", &["provmethod"])?;
    let images: Vec<(String, String)> = nodes
        .iter()
        .map(|n| {
            (
                n.clone(),
                first_value(&mut provmethod, n, 0).unwrap_or_default(),
            )
        })
        .collect();
    let groups = image_groups(conn)?;
    let file_rows = conn.select("litefile", &["image", "file", "options"], &[], true)?;
    let tree_rows = conn.select(
        "litetree",
        &["priority", "image", "directory", "mntopts"],
        &[],
        true,
    )?;
    let mut vars = Vars::new(ictx);
    let mut out = LiteTables {
        statelite: statelite(conn, ictx, nodes, &mut vars, resolve)?,
        ..LiteTables::default()
    };
    for (node, image) in &images {
        let keys = image_keys(image, &groups);
        out.litefile.extend(litefiles(node, &keys, &file_rows));
        for (_, (dir, opts)) in litetrees(&keys, &tree_rows) {
            let (server, dir) = split_server(&dir);
            let dir = vars.sub(conn, &dir, node)?.replace("//", "/");
            let server = vars.sub(conn, &server, node)?.replace('/', "");
            let ip = resolve(&server).unwrap_or_default();
            let line = format!("{node}|{ip}|{dir}|{opts}");
            out.litetree.push(line.replace(char::is_whitespace, ""));
        }
    }
    Ok(out)
}

fn first_value(attrs: &mut NodeAttrs, node: &str, i: usize) -> Option<String> {
    attrs
        .resolve(node)
        .into_iter()
        .next()
        .and_then(|r| r.values.into_iter().nth(i).flatten())
        .filter(|v| !v.is_empty())
}

fn statelite(
    conn: &mut Conn,
    ictx: &InheritCtx,
    nodes: &[String],
    vars: &mut Vars,
    resolve: &dyn Fn(&str) -> Option<String>,
) -> Result<Vec<String>, DbError> {
    let mut attrs = NodeAttrs::load(conn, ictx, "statelite", &["statemnt", "mntopts"])?;
    let mut lines = Vec::new();
    for node in nodes {
        let Some(statemnt) = first_value(&mut attrs, node, 0) else {
            continue;
        };
        let mntopts = first_value(&mut attrs, node, 1);
        let (server, dir) = split_server(&statemnt);
        let dir = vars.sub(conn, &dir, node)?.replace("//", "/");
        let mnt = if server.is_empty() {
            dir
        } else {
            let server = vars.sub(conn, &server, node)?.replace('/', "");
            format!("{}|{dir}", resolve(&server).unwrap_or_default())
        };
        let mut line = format!("{node}|{mnt}");
        if let Some(o) = mntopts {
            line = format!("{line}|{o}");
        }
        lines.push(line.replace(char::is_whitespace, ""));
    }
    Ok(lines)
}

/// `server:dir` → (server, dir); a value without `:` is a directory.
fn split_server(value: &str) -> (String, String) {
    match value.split_once(':') {
        Some((s, d)) if !d.is_empty() => (s.to_string(), d.to_string()),
        _ => (String::new(), value.trim_end_matches(':').to_string()),
    }
}

/// `osimage.groups` by image name.
fn image_groups(conn: &mut Conn) -> Result<BTreeMap<String, String>, DbError> {
    Ok(conn
        .select("osimage", &["imagename", "groups"], &[], true)?
        .into_iter()
        .filter_map(|r| {
            let mut it = r.into_iter();
            Some((it.next().flatten()?, it.next().flatten()?))
        })
        .filter(|(_, g)| !g.is_empty())
        .collect())
}

/// The `image` column values that apply, weakest first.
fn image_keys(image: &str, groups: &BTreeMap<String, String>) -> Vec<String> {
    let mut keys = Vec::new();
    if let Some(g) = groups.get(image) {
        keys.push(g.clone());
    }
    keys.extend([String::new(), "ALL".to_string(), image.to_string()]);
    keys
}

fn text(row: &[Option<String>], i: usize) -> String {
    row.get(i).cloned().flatten().unwrap_or_default()
}

fn litefiles(node: &str, keys: &[String], rows: &[Vec<Option<String>>]) -> Vec<LiteFile> {
    let mut by_file: BTreeMap<String, String> = BTreeMap::new();
    for key in keys {
        for r in rows.iter().filter(|r| text(r, 0) == *key) {
            let file = text(r, 1);
            if file.is_empty() {
                continue;
            }
            let opts = Some(text(r, 2)).filter(|o| !o.is_empty());
            by_file.insert(file, opts.unwrap_or_else(|| "rw".to_string()));
        }
    }
    by_file
        .into_iter()
        .map(|(file, options)| LiteFile {
            node: node.to_string(),
            options,
            file,
        })
        .collect()
}

/// priority → (directory, mntopts), numeric order.
fn litetrees(keys: &[String], rows: &[Vec<Option<String>>]) -> Vec<(f64, (String, String))> {
    let mut by_prio: Vec<(String, (String, String))> = Vec::new();
    for key in keys {
        for r in rows.iter().filter(|r| text(r, 1) == *key) {
            let dir = text(r, 2);
            if dir.is_empty() {
                continue;
            }
            let prio = text(r, 0);
            by_prio.retain(|(p, _)| *p != prio);
            by_prio.push((prio, (dir, text(r, 3))));
        }
    }
    let mut out: Vec<(f64, (String, String))> = by_prio
        .into_iter()
        .map(|(p, v)| (p.trim().parse().unwrap_or(0.0), v))
        .collect();
    out.sort_by(|a, b| a.0.total_cmp(&b.0));
    out
}

/// `$node` and `$table.column` substitution (stock `SvrUtils::subVars`).
struct Vars<'c> {
    ictx: &'c InheritCtx,
    tables: BTreeMap<(String, String), NodeAttrs>,
}

impl<'c> Vars<'c> {
    fn new(ictx: &'c InheritCtx) -> Vars<'c> {
        Vars {
            ictx,
            tables: BTreeMap::new(),
        }
    }

    fn sub(&mut self, conn: &mut Conn, value: &str, node: &str) -> Result<String, DbError> {
        let mut out = String::new();
        let mut rest = value;
        while let Some(i) = rest.find('$') {
            out.push_str(&rest[..i]);
            let after = &rest[i + 1..];
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
                .unwrap_or(after.len());
            out.push_str(&self.value(conn, after[..end].trim_end_matches('.'), node)?);
            rest = &after[end..];
        }
        out.push_str(rest);
        Ok(out)
    }

    fn value(&mut self, conn: &mut Conn, var: &str, node: &str) -> Result<String, DbError> {
        if var == "node" {
            return Ok(node.to_string());
        }
        let Some((table, col)) = var.split_once('.') else {
            return Ok(String::new());
        };
        if table == "site" {
            return Ok(crate::tables::dbutil::site_value(conn, col)?.unwrap_or_default());
        }
        let key = (table.to_string(), col.to_string());
        if !self.tables.contains_key(&key) {
            let attrs = NodeAttrs::load(conn, self.ictx, table, &[col])?;
            self.tables.insert(key.clone(), attrs);
        }
        Ok(self
            .tables
            .get_mut(&key)
            .and_then(|a| first_value(a, node, 0))
            .unwrap_or_default())
    }
}
