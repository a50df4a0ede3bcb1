//! `nodels [noderange] [-b] [-H] [-S] [table.column | shortname | table | selector ...]`
//! (schema.md §5.4).  Without a noderange: every non-hidden node of nodelist.
//! With attributes: inherited values (`resolve`), the stock terse rule, the
//! selectors `==`, `!=`, `=~`, `!~`, `-b` attribution.  Node entries go out in
//! bounded documents, then one `numofnodes` document (fixtures 12/13).
//! Order: nodes sorted byte-wise (stock); tables in command-line order and
//! unset columns sorted (stock: hash order); set columns sorted (stock).

use super::args::{self, Opt, Order};
use super::dbutil;
use super::output::{self, Chunked};
use super::resolve::{self, Opts as ResolveOpts, Rec};
use crate::api::{Ctx, HandlerError, Responder};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use xcat_proto::response::NodeEntry;
use xcat_proto::{Request, Response};
use xcat_schema::db::{Conn, DbError};
use xcat_schema::registry;

const USAGE: &[&str] = &[
    "Usage:",
    "  nodels [noderange] [-b|--blame] [-H|--with-fieldname] [table.attribute | shortname] [-S][...]",
    "  nodels {-v|--version}",
    "  nodels [-?|-h|--help]",
];

const OPTS: &[Opt] = &[
    Opt::flag(&["h", "?", "help"]),
    Opt::flag(&["H", "with-fieldname"]),
    Opt::flag(&["b", "blame"]),
    Opt::flag(&["v", "version"]),
    Opt::flag(&["S"]),
];

/// `groups`, `tags` → nodelist.groups; `mgt` → nodehm.mgt.
pub fn shortname(s: &str) -> Option<(&'static str, &'static str)> {
    match s {
        "groups" | "tags" => Some(("nodelist", "groups")),
        "mgt" => Some(("nodehm", "mgt")),
        _ => None,
    }
}

/// A selector's comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Match {
    Eq,
    Ne,
    Regex,
    NotRegex,
}

/// Split a selector off an argument (stock's order of tests).
pub fn split_selector(arg: &str) -> (String, Option<(Match, String)>) {
    let strip = |v: &str| {
        let v = v.strip_prefix('/').unwrap_or(v);
        v.strip_suffix('/').unwrap_or(v).to_string()
    };
    let before_eq = |op: &str| arg.find(op).filter(|at| !arg[..*at].contains('='));
    if let Some(at) = before_eq("!=") {
        return (
            arg[..at].to_string(),
            Some((Match::Ne, arg[at + 2..].to_string())),
        );
    }
    if let Some(at) = before_eq("=~") {
        return (
            arg[..at].to_string(),
            Some((Match::Regex, strip(&arg[at + 2..]))),
        );
    }
    if let Some(at) = arg.find("==") {
        return (
            arg[..at].to_string(),
            Some((Match::Eq, arg[at + 2..].to_string())),
        );
    }
    if let Some(at) = arg.find("!~") {
        return (
            arg[..at].to_string(),
            Some((Match::NotRegex, strip(&arg[at + 2..]))),
        );
    }
    (arg.to_string(), None)
}

/// A compiled selector test.
pub struct Selector {
    kind: Match,
    text: String,
    re: Option<fancy_regex::Regex>,
}

impl Selector {
    pub fn new(kind: Match, text: String) -> Result<Selector, String> {
        let re = match kind {
            Match::Regex | Match::NotRegex => Some(
                fancy_regex::Regex::new(&text)
                    .map_err(|e| format!("Invalid regular expression '{text}': {e}"))?,
            ),
            _ => None,
        };
        Ok(Selector { kind, text, re })
    }

    pub fn passes(&self, value: &str) -> bool {
        let found = || {
            self.re
                .as_ref()
                .is_some_and(|r| r.is_match(value).unwrap_or(false))
        };
        match self.kind {
            Match::Eq => value == self.text,
            Match::Ne => value != self.text,
            Match::Regex => found(),
            Match::NotRegex => !found(),
        }
    }
}

/// One requested column of a table.
struct Want {
    column: String,
    label: String,
    selector: Option<(Match, String)>,
}

/// Per table: the columns asked for, and how each is shown or tested.
struct TableQuery {
    table: String,
    wants: Vec<Want>,
}

/// Whether a nodelist.hidden value hides the node (Perl `== 1`).
fn hides(v: Option<&str>) -> bool {
    let Some(v) = v else { return false };
    let t = v.trim();
    let end = t
        .char_indices()
        .find(|(i, c)| !(c.is_ascii_digit() || *c == '.' || (*i == 0 && (*c == '-' || *c == '+'))))
        .map(|(i, _)| i)
        .unwrap_or(t.len());
    t[..end].parse::<f64>().map(|n| n == 1.0).unwrap_or(false)
}

fn hidden_nodes(conn: &mut Conn) -> Result<BTreeSet<String>, DbError> {
    let rows = conn.select("nodelist", &["node", "hidden"], &[], true)?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let mut it = r.into_iter();
            let n = it.next().flatten()?;
            hides(it.next().flatten().as_deref()).then_some(n)
        })
        .collect())
}

pub fn run(ctx: &Ctx, req: &Request, out: &mut dyn Responder) -> Result<(), HandlerError> {
    let argv = req.args();
    let Ok(opts) = args::parse(&argv, OPTS, Order::Permute) else {
        return Ok(output::usage(out, USAGE, 1)?);
    };
    if opts.has("h") {
        return Ok(output::usage(out, USAGE, 0)?);
    }
    if opts.has("v") {
        return Ok(output::version(ctx, out)?);
    }
    let show_hidden = opts.has("S");
    let with_noderange = !req.nodes().is_empty() || req.noderange().is_some();
    if !with_noderange {
        return list_all(ctx, out, show_hidden);
    }
    let mut nodes: Vec<String> = req.nodes().iter().map(|s| s.to_string()).collect();
    if !show_hidden {
        let hidden = ctx.db.read(hidden_nodes)?;
        nodes.retain(|n| !hidden.contains(n));
    }
    let count = nodes.len();
    if opts.rest.is_empty() {
        nodes.sort();
        let mut chunks = Chunked::new(out);
        for n in &nodes {
            chunks.node(NodeEntry::new(n))?;
        }
        let out = chunks.finish()?;
        return send_count(out, count);
    }
    let mut terse: i64 = if opts.has("H") { 0 } else { 2 };
    let mut queries: Vec<TableQuery> = Vec::new();
    let mut errors = Vec::new();
    for arg in &opts.rest {
        let (spec, selector) = split_selector(arg);
        let (table, column) = if let Some((t, c)) = shortname(&spec) {
            terse -= 1;
            (t.to_string(), c.to_string())
        } else if let Some((t, c)) = spec.split_once('.') {
            terse -= 1;
            (t.to_string(), c.to_string())
        } else if let Some(def) = registry::table(&spec) {
            terse = 0;
            let q = query_for(&mut queries, &spec);
            for c in def.cols {
                q.wants.push(Want {
                    column: c.to_string(),
                    label: format!("{spec}.{c}"),
                    selector: None,
                });
            }
            continue;
        } else {
            errors.push(format!("{spec} not a valid table.column description"));
            continue;
        };
        let valid = registry::table(&table).is_some_and(|d| d.has_col(&column));
        if !valid || dbutil::nodekey(&table).is_none() {
            errors.push(format!(
                "{table}.{column} not a valid table.column description"
            ));
            continue;
        }
        query_for(&mut queries, &table).wants.push(Want {
            column,
            label: spec,
            selector,
        });
    }
    for e in errors {
        output::error(out, e, 1)?;
    }
    let attribution = opts.has("b");
    match render(ctx, &nodes, &queries, terse, attribution)? {
        Err(msg) => Ok(output::error(out, msg, 1)?),
        Ok(Rendered::Stop(msg)) => Ok(out.send(Response::new().error_text(msg))?),
        Ok(Rendered::Entries(by_node)) => {
            let mut chunks = Chunked::new(out);
            for (_, entries) in by_node {
                for e in entries {
                    chunks.node(e)?;
                }
            }
            let out = chunks.finish()?;
            send_count(out, count)
        }
    }
}

fn query_for<'a>(queries: &'a mut Vec<TableQuery>, table: &str) -> &'a mut TableQuery {
    let pos = match queries.iter().position(|q| q.table == table) {
        Some(p) => p,
        None => {
            queries.push(TableQuery {
                table: table.to_string(),
                wants: Vec::new(),
            });
            queries.len() - 1
        }
    };
    &mut queries[pos]
}

fn send_count(out: &mut dyn Responder, count: usize) -> Result<(), HandlerError> {
    out.send(Response::new().set("numofnodes", count.to_string()))?;
    Ok(())
}

/// `nodels` without a noderange.
fn list_all(ctx: &Ctx, out: &mut dyn Responder, show_hidden: bool) -> Result<(), HandlerError> {
    let mut nodes = ctx.db.read(|c| {
        let rows = c.select("nodelist", &["node", "hidden"], &[], true)?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                let mut it = r.into_iter();
                let n = it.next().flatten().filter(|n| !n.is_empty())?;
                let hidden = hides(it.next().flatten().as_deref());
                (show_hidden || !hidden).then_some(n)
            })
            .collect::<Vec<String>>())
    })?;
    nodes.sort();
    let count = nodes.len();
    let mut chunks = Chunked::new(out);
    for n in &nodes {
        chunks.node(NodeEntry::new(n))?;
    }
    let out = chunks.finish()?;
    send_count(out, count)
}

enum Rendered {
    Entries(BTreeMap<String, Vec<NodeEntry>>),
    /// "Multiple selection critera" (stock stops without an error code).
    Stop(String),
}

/// How each column of one table is shown and tested.
struct ColumnPlan {
    label: String,
    selector: Option<Selector>,
    force_display: bool,
}

/// Columns to read and how each is shown; `Err` = bad regex, inner `Err` =
/// stock's "Multiple selection critera" stop.
type TablePlan = Result<Result<(Vec<String>, BTreeMap<String, ColumnPlan>), String>, String>;

fn plan_table(q: &TableQuery) -> TablePlan {
    let mut cols: Vec<String> = Vec::new();
    let mut plans: BTreeMap<String, ColumnPlan> = BTreeMap::new();
    for w in &q.wants {
        if !cols.contains(&w.column) {
            cols.push(w.column.clone());
        }
        let plan = plans.entry(w.column.clone()).or_insert(ColumnPlan {
            label: w.label.clone(),
            selector: None,
            force_display: false,
        });
        plan.label = w.label.clone();
        match (&plan.selector, &w.selector) {
            (None, Some((kind, text))) => plan.selector = Some(Selector::new(*kind, text.clone())?),
            (Some(_), None) => plan.force_display = true,
            (Some(_), Some(_)) => {
                return Ok(Err(format!("Multiple selection critera for {}", w.label)))
            }
            (None, None) => {}
        }
    }
    Ok(Ok((cols, plans)))
}

fn entry(node: &str, label: &str, contents: &str, terse: i64) -> NodeEntry {
    if terse > 0 {
        NodeEntry::new(node).contents(contents)
    } else {
        NodeEntry::new(node).desc_contents(label, contents)
    }
}

fn render(
    ctx: &Ctx,
    nodes: &[String],
    queries: &[TableQuery],
    terse: i64,
    attribution: bool,
) -> Result<Result<Rendered, String>, HandlerError> {
    let mut records: BTreeMap<String, Vec<NodeEntry>> = BTreeMap::new();
    let mut filtered: BTreeSet<String> = BTreeSet::new();
    let mut must_display: BTreeSet<String> = BTreeSet::new();
    let mut planned = Vec::new();
    for q in queries {
        match plan_table(q) {
            Err(bad_regex) => return Ok(Err(bad_regex)),
            Ok(Err(stop)) => return Ok(Ok(Rendered::Stop(stop))),
            Ok(Ok(p)) => planned.push((q, p)),
        }
    }
    // One read: nodelist (groups) once, then each table once.
    let ropts = ResolveOpts { attribution };
    let all_resolved: Vec<HashMap<String, Vec<Rec>>> = ctx.db.read(|c| {
        let ictx = xcat_schema::inherit::InheritCtx::load(c)?;
        planned
            .iter()
            .map(|(q, (cols, _))| {
                let col_refs: Vec<&str> = cols.iter().map(String::as_str).collect();
                resolve::resolve_with(c, &ictx, &q.table, nodes, &col_refs, &ropts)
            })
            .collect()
    })?;
    for ((_, (_, plans)), resolved) in planned.iter().zip(all_resolved) {
        for node in nodes {
            let recs = resolved.get(node).map(Vec::as_slice).unwrap_or(&[]);
            let mut satisfied: BTreeSet<&str> = BTreeSet::new();
            for rec in recs {
                for (col, val) in rec {
                    let Some(plan) = plans.get(col) else { continue };
                    satisfied.insert(col.as_str());
                    if let Some(sel) = &plan.selector {
                        if !sel.passes(&val.text) {
                            filtered.insert(node.clone());
                            continue;
                        }
                        must_display.insert(node.clone());
                        if !plan.force_display {
                            continue;
                        }
                    }
                    let contents = match &val.from {
                        Some(g) => format!("{} (inherited from group {g})", val.text),
                        None => val.text.clone(),
                    };
                    records.entry(node.clone()).or_default().push(entry(
                        node,
                        &plan.label,
                        &contents,
                        terse,
                    ));
                }
            }
            for (col, plan) in plans.iter() {
                if satisfied.contains(col.as_str()) {
                    continue;
                }
                if let Some(sel) = &plan.selector {
                    if !sel.passes("") {
                        filtered.insert(node.clone());
                        continue;
                    }
                    must_display.insert(node.clone());
                    if !plan.force_display {
                        continue;
                    }
                }
                records
                    .entry(node.clone())
                    .or_default()
                    .push(entry(node, &plan.label, "", terse));
            }
        }
    }
    for n in &must_display {
        if !filtered.contains(n) && !records.contains_key(n) {
            records.insert(n.clone(), vec![NodeEntry::new(n)]);
        }
    }
    for n in &filtered {
        records.remove(n);
    }
    Ok(Ok(Rendered::Entries(records)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors() {
        assert_eq!(
            split_selector("mp.mpa==amm1").1,
            Some((Match::Eq, "amm1".into()))
        );
        assert_eq!(split_selector("a.b!=x").1, Some((Match::Ne, "x".into())));
        assert_eq!(
            split_selector("a.b=~/^x/").1,
            Some((Match::Regex, "^x".into()))
        );
        assert_eq!(
            split_selector("a.b!~y").1,
            Some((Match::NotRegex, "y".into()))
        );
        assert_eq!(split_selector("nodehm.mgt").1, None);
        assert!(hides(Some("1")) && !hides(Some("0")) && !hides(Some("yes")) && !hides(None));
    }
}
