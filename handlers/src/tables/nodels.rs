//! `nodels [noderange] [-b] [-H] [-S] [table.column | shortname | table | selector ...]`
//! (xCAT-server/lib/xcat/plugins/tabutils.pm:1890-2236).  Without a noderange: every non-hidden node of nodelist.
//! With attributes: inherited values (`resolve`), the stock terse rule, the
//! selectors `==`, `!=`, `=~`, `!~`, `-b` attribution.  Node entries go out in
//! bounded documents, then one `numofnodes` document (fixtures 12/13).
//! Order: nodes sorted byte-wise (stock); tables in command-line order and
//! unset columns sorted (stock: hash order); set columns sorted (stock).

use super::args;
use super::dbutil;
use super::output::{self, Chunked};
use crate::api::{Ctx, HandlerError, Responder};
use crate::getopt::Spec;
use std::collections::BTreeSet;
use xcat_proto::response::NodeEntry;
use xcat_proto::{Request, Response};
use xcat_schema::db::{Conn, DbError, FilterOp};
use xcat_schema::inherit::{NodeAttrs, ResolvedRow};
use xcat_schema::noderange::{parse_selector, short_name, Matcher, Selector, SelectorSyntax};
use xcat_schema::registry;

const USAGE: &[&str] = &[
    "Usage:",
    "  nodels [noderange] [-b|--blame] [-H|--with-fieldname] [table.attribute | shortname] [-S][...]",
    "  nodels {-v|--version}",
    "  nodels [-?|-h|--help]",
];

const OPTS: &[Spec] = &[
    Spec::new("h|?|help"),
    Spec::new("H|with-fieldname"),
    Spec::new("b|blame"),
    Spec::new("v|version"),
    Spec::new("S"),
];

/// Split a selector off an argument (stock nodels' order of tests).
fn split_selector(arg: &str) -> (String, Option<Selector>) {
    match parse_selector(arg, SelectorSyntax::Nodels) {
        Some(sel) => (sel.label.clone(), Some(sel)),
        None => (arg.to_string(), None),
    }
}

/// One requested column of a table.
struct Want {
    column: String,
    label: String,
    selector: Option<Selector>,
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
    // Only rows with a `hidden` value can hide (NULL != '0' is not true).
    let rows = conn.select_filtered(
        "nodelist",
        &["node", "hidden"],
        &[("hidden", FilterOp::Ne, "0")],
        true,
    )?;
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
    let Some(opts) = args::parse_or_answer(ctx, out, &argv, OPTS, USAGE)? else {
        return Ok(());
    };
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
        let (table, column) = if let Some((t, c)) = short_name(&spec) {
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
    let mut chunks = Chunked::new(out);
    match render(ctx, &mut chunks, &nodes, &queries, terse, attribution)? {
        Err(Ok(bad_regex)) => Ok(output::error(chunks.finish()?, bad_regex, 1)?),
        Err(Err(Stop(msg))) => Ok(chunks.finish()?.send(Response::new().error_text(msg))?),
        Ok(()) => {
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

/// The stock "Multiple selection critera" stop (no error code).
struct Stop(String);

/// How each column of one table is shown and tested.
struct ColumnPlan {
    label: String,
    selector: Option<Matcher>,
    force_display: bool,
}

/// One table of the request: the columns read (deduplicated, command-line
/// order), their plans aligned with them, and the column positions in
/// column-name order (stock shows set and unset columns sorted).
struct TablePlan {
    cols: Vec<String>,
    plans: Vec<ColumnPlan>,
    sorted: Vec<usize>,
}

/// `Err` = bad regex, inner `Err` = stock's "Multiple selection critera" stop.
fn plan_table(q: &TableQuery) -> Result<Result<TablePlan, Stop>, String> {
    let mut cols: Vec<String> = Vec::new();
    let mut plans: Vec<ColumnPlan> = Vec::new();
    for w in &q.wants {
        let i = match cols.iter().position(|c| *c == w.column) {
            Some(i) => i,
            None => {
                cols.push(w.column.clone());
                plans.push(ColumnPlan {
                    label: w.label.clone(),
                    selector: None,
                    force_display: false,
                });
                cols.len() - 1
            }
        };
        let plan = &mut plans[i];
        plan.label = w.label.clone();
        match (&plan.selector, &w.selector) {
            (None, Some(sel)) => plan.selector = Some(sel.matcher()?),
            (Some(_), None) => plan.force_display = true,
            (Some(_), Some(_)) => {
                return Ok(Err(Stop(format!(
                    "Multiple selection critera for {}",
                    w.label
                ))))
            }
            (None, None) => {}
        }
    }
    let mut sorted: Vec<usize> = (0..cols.len()).collect();
    sorted.sort_by(|&a, &b| cols[a].cmp(&cols[b]));
    Ok(Ok(TablePlan {
        cols,
        plans,
        sorted,
    }))
}

fn entry(node: &str, label: &str, contents: &str, terse: i64) -> NodeEntry {
    if terse > 0 {
        NodeEntry::new(node).contents(contents)
    } else {
        NodeEntry::new(node).desc_contents(label, contents)
    }
}

/// What one node shows: its entries, and whether a selector removed it or
/// asks for it to be shown even without entries.
#[derive(Default)]
struct NodeOutcome {
    entries: Vec<NodeEntry>,
    filtered: bool,
    must_display: bool,
}

impl NodeOutcome {
    /// Tests and shows one column value (`""` when unset); `from` is the
    /// `-b` attribution.
    fn column(
        &mut self,
        node: &str,
        plan: &ColumnPlan,
        text: &str,
        from: Option<&str>,
        terse: i64,
    ) {
        if let Some(sel) = &plan.selector {
            if !sel.matches(text) {
                self.filtered = true;
                return;
            }
            self.must_display = true;
            if !plan.force_display {
                return;
            }
        }
        let e = match from {
            Some(g) => entry(
                node,
                &plan.label,
                &format!("{text} (inherited from group {g})"),
                terse,
            ),
            None => entry(node, &plan.label, text, terse),
        };
        self.entries.push(e);
    }
}

/// Adds one table's values of `node` (`copies` times: a node listed twice
/// shows twice, as stock).
fn node_table(
    out: &mut NodeOutcome,
    node: &str,
    copies: usize,
    plan: &TablePlan,
    rows: &[ResolvedRow],
    attribution: bool,
    terse: i64,
) {
    // Stock returns nothing when the first record has no value.
    let rows = match rows.first() {
        Some(r) if r.values.iter().any(Option::is_some) => rows,
        _ => &[],
    };
    let mut satisfied = vec![false; plan.cols.len()];
    for _ in 0..copies {
        satisfied.iter_mut().for_each(|s| *s = false);
        for row in rows {
            for &i in &plan.sorted {
                let Some(text) = row.get(i) else { continue };
                satisfied[i] = true;
                let from = if attribution {
                    row.from.get(i).and_then(|f| f.as_deref())
                } else {
                    None
                };
                out.column(node, &plan.plans[i], text, from, terse);
            }
        }
        for &i in &plan.sorted {
            if !satisfied[i] {
                out.column(node, &plan.plans[i], "", None, terse);
            }
        }
    }
}

/// Resolves and streams the node entries: nodes sorted, tables in
/// command-line order.  `Err(Ok)` = bad regex (error), `Err(Err)` = stop.
fn render(
    ctx: &Ctx,
    out: &mut Chunked,
    nodes: &[String],
    queries: &[TableQuery],
    terse: i64,
    attribution: bool,
) -> Result<Result<(), Result<String, Stop>>, HandlerError> {
    let mut planned = Vec::new();
    for q in queries {
        match plan_table(q) {
            Err(bad_regex) => return Ok(Err(Ok(bad_regex))),
            Ok(Err(stop)) => return Ok(Err(Err(stop))),
            Ok(Ok(p)) => planned.push((q, p)),
        }
    }
    // One read: nodelist (groups) once, then each table once; the
    // resolution itself happens in memory, node by node, while streaming.
    let mut tables: Vec<Option<NodeAttrs>> = ctx.db.read(|c| {
        let ictx = ctx.inherit_ctx(c)?;
        planned
            .iter()
            .map(|(q, p)| {
                if dbutil::nodekey(&q.table).is_none() {
                    return Ok(None);
                }
                let col_refs: Vec<&str> = p.cols.iter().map(String::as_str).collect();
                NodeAttrs::load(c, &ictx, &q.table, &col_refs).map(Some)
            })
            .collect()
    })?;
    let mut sorted: Vec<&str> = nodes.iter().map(String::as_str).collect();
    sorted.sort_unstable();
    let mut at = 0;
    while at < sorted.len() {
        let node = sorted[at];
        let copies = sorted[at..].iter().take_while(|n| **n == node).count();
        at += copies;
        let mut outcome = NodeOutcome::default();
        for ((_, plan), attrs) in planned.iter().zip(tables.iter_mut()) {
            let rows = attrs.as_mut().map(|a| a.resolve(node)).unwrap_or_default();
            node_table(&mut outcome, node, copies, plan, &rows, attribution, terse);
        }
        if outcome.filtered {
            continue;
        }
        if outcome.entries.is_empty() && outcome.must_display {
            outcome.entries.push(NodeEntry::new(node));
        }
        for e in outcome.entries {
            out.node(e)?;
        }
    }
    Ok(Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use xcat_schema::noderange::MatchOp;

    fn selector_of(arg: &str) -> Option<(MatchOp, String)> {
        split_selector(arg).1.map(|s| (s.op, s.value))
    }

    #[test]
    fn selectors() {
        assert_eq!(
            selector_of("mp.mpa==amm1"),
            Some((MatchOp::Eq, "amm1".into()))
        );
        assert_eq!(selector_of("a.b!=x"), Some((MatchOp::Ne, "x".into())));
        assert_eq!(
            selector_of("a.b=~/^x/"),
            Some((MatchOp::Regex, "^x".into()))
        );
        assert_eq!(selector_of("a.b!~y"), Some((MatchOp::NotRegex, "y".into())));
        assert_eq!(selector_of("nodehm.mgt"), None);
        assert!(hides(Some("1")) && !hides(Some("0")) && !hides(Some("yes")) && !hides(None));
    }
}
