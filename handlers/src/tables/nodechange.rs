//! The assignment engine shared by `nodech`, `nodeadd` and `nodegrpch`
//! (stock runs all three through one routine): argument parsing
//! (`t.c=v`, `=@v`, empty value → `|^.*$||`, `,=` prepend-if-missing, `^=`
//! remove, selectors `==`, `!=`, `=~`, `!~`, `-d` table deletion) and the
//! writes, all inside ONE write transaction (list edits read the current,
//! inherited value inside it, so concurrent edits never lose an element).

use super::dbutil;
use super::output;
use super::resolve::{self, Opts as ResolveOpts};
use crate::api::{Ctx, HandlerError, Responder};
use crate::range_opts::{self, ExpandError};
use xcat_proto::{Request, Response};
use xcat_schema::db::{Conn, DbError};
use xcat_schema::noderange::ExpandOpts;
use xcat_schema::noderange::{parse_selector, table_column, Selector, SelectorSyntax};
use xcat_schema::registry;

/// Which command is running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Change,
    Add,
    Group,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditOp {
    Set,
    Prepend,
    Remove,
}

/// The (value, op) edits of one column, in command-line order.
pub type ColumnEdits = (String, Vec<(String, EditOp)>);

/// Parsed arguments: per table, per column, the (value, op) list in order.
#[derive(Debug, Default)]
pub struct Plan {
    pub delete_tables: Vec<String>,
    pub edits: Vec<(String, Vec<ColumnEdits>)>,
    pub criteria: Vec<(String, String, Selector)>,
}

/// Messages produced while parsing (sent even when parsing goes on).
pub struct Parsed {
    pub plan: Plan,
    pub errors: Vec<String>,
    /// A fatal error: nothing is written.
    pub fatal: Option<String>,
}

fn valid_column(table: &str, column: &str) -> bool {
    registry::table(table).is_some_and(|d| d.has_col(column))
}

/// Parse the assignment / selector / table arguments.
pub fn parse(args: &[String], delete: bool) -> Parsed {
    let mut plan = Plan::default();
    let mut errors = Vec::new();
    for arg in args {
        if delete {
            if arg.contains('=') || arg.contains('.') {
                errors.push(". and = not valid in delete mode.".to_string());
                continue;
            }
            if !plan.delete_tables.contains(arg) {
                plan.delete_tables.push(arg.clone());
            }
            continue;
        }
        if !arg.contains('=') && !arg.contains("!~") {
            errors.push(format!("Malformed argument {arg} ignored."));
            continue;
        }
        if let Some(sel) = parse_selector(arg, SelectorSyntax::Nodech) {
            let spec = sel.label.clone();
            match table_column(&spec) {
                Some((t, c)) if valid_column(&t, &c) => plan.criteria.push((t, c, sel)),
                _ => {
                    return Parsed {
                        plan,
                        errors,
                        fatal: Some(format!("{spec} not a valid table.column description")),
                    }
                }
            }
            continue;
        }
        let (target, raw) = arg.split_once('=').unwrap_or((arg.as_str(), ""));
        let mut value = raw.strip_prefix('@').unwrap_or(raw).to_string();
        if value.is_empty() {
            value = "|^.*$||".to_string();
        }
        let (target, op) = if let Some(t) = target.strip_suffix(',') {
            (t, EditOp::Prepend)
        } else if let Some(t) = target.strip_suffix('^') {
            (t, EditOp::Remove)
        } else {
            (target, EditOp::Set)
        };
        let (table, column) = table_column(target).unwrap_or((target.to_string(), String::new()));
        if !valid_column(&table, &column) {
            return Parsed {
                plan,
                errors,
                fatal: Some(format!(
                    "{table}.{column} not a valid table.column description"
                )),
            };
        }
        let cols = match plan.edits.iter_mut().find(|(t, _)| *t == table) {
            Some((_, cols)) => cols,
            None => {
                plan.edits.push((table.clone(), Vec::new()));
                let last = plan.edits.len() - 1;
                &mut plan.edits[last].1
            }
        };
        match cols.iter_mut().find(|(c, _)| *c == column) {
            Some((_, ops)) => ops.push((value, op)),
            None => cols.push((column, vec![(value, op)])),
        }
    }
    Parsed {
        plan,
        errors,
        fatal: None,
    }
}

/// Why the write transaction stopped (everything is rolled back).
pub enum Stop {
    Error(String, i64),
    Db(DbError),
}

impl From<DbError> for Stop {
    fn from(e: DbError) -> Stop {
        Stop::Db(e)
    }
}

/// Keep the nodes that pass every selector (a node without a record is
/// tested as if all values were empty).
fn apply_criteria(conn: &mut Conn, nodes: Vec<String>, plan: &Plan) -> Result<Vec<String>, Stop> {
    if plan.criteria.is_empty() {
        return Ok(nodes);
    }
    let mut keep = nodes;
    let mut tables: Vec<&str> = Vec::new();
    for (t, _, _) in &plan.criteria {
        if !tables.contains(&t.as_str()) {
            tables.push(t);
        }
    }
    for t in tables {
        let crit: Vec<&(String, String, Selector)> =
            plan.criteria.iter().filter(|c| c.0 == t).collect();
        let mut cols: Vec<&str> = crit.iter().map(|c| c.1.as_str()).collect();
        cols.dedup();
        let mut sels = Vec::new();
        for c in &crit {
            let sel = c.2.matcher().map_err(|e| Stop::Error(e, 1))?;
            sels.push((c.1.as_str(), sel));
        }
        let resolved = resolve::resolve(conn, t, &keep, &cols, &ResolveOpts::default())?;
        keep.retain(|n| {
            let recs = resolved.get(n).cloned().unwrap_or_default();
            let recs = if recs.is_empty() {
                vec![Default::default()]
            } else {
                recs
            };
            recs.iter().all(|rec: &resolve::Rec| {
                sels.iter().all(|(col, sel)| {
                    sel.matches(rec.get(*col).map(|v| v.text.as_str()).unwrap_or(""))
                })
            })
        });
    }
    Ok(keep)
}

/// Perl truthiness of a current value.
fn truthy(v: &str) -> bool {
    !v.is_empty() && v != "0"
}

fn prepend(cur: &str, add: &str) -> String {
    let mut vals: Vec<String> = perl_split(cur);
    for sub in add.split(',') {
        if !vals.iter().any(|v| v == sub) {
            vals.insert(0, sub.to_string());
        }
    }
    vals.join(",")
}

fn remove(cur: &str, del: &str) -> String {
    let mut vals: Vec<String> = perl_split(cur);
    for sub in del.split(',') {
        vals.retain(|v| v != sub);
    }
    vals.join(",")
}

/// `split /,/`: trailing empty fields dropped.
fn perl_split(s: &str) -> Vec<String> {
    let mut v: Vec<String> = s.split(',').map(str::to_string).collect();
    while v.last().is_some_and(|x| x.is_empty()) {
        v.pop();
    }
    v
}

/// Dynamic groups (nodegroup.grouptype == dynamic).
fn dynamic_groups(conn: &mut Conn) -> Result<Vec<String>, DbError> {
    let rows = conn.select("nodegroup", &["groupname", "grouptype"], &[], true)?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let mut it = r.into_iter();
            let name = it.next().flatten()?;
            (it.next().flatten().as_deref() == Some("dynamic")).then_some(name)
        })
        .collect())
}

/// Run the plan for `entities` (nodes, or groups for nodegrpch).  Returns
/// informational responses to send after the commit.
pub fn apply(
    ctx: &Ctx,
    mode: Mode,
    entities: Vec<String>,
    plan: &Plan,
    range_opts: &ExpandOpts,
) -> Result<Result<Vec<Response>, Stop>, HandlerError> {
    let r = ctx.db.write(|conn| -> Result<Vec<Response>, Stop> {
        let entities = if mode == Mode::Group {
            entities
        } else {
            apply_criteria(conn, entities, plan)?
        };
        let mut notes = Vec::new();
        for t in &plan.delete_tables {
            if !dbutil::table_exists(conn, t)? {
                return Err(Stop::Error(
                    format!("ERROR: Unable to open table {t} in configuration"),
                    1,
                ));
            }
            let key = dbutil::nodekey(t).unwrap_or("node");
            if !conn.columns(t)?.iter().any(|c| c == key) {
                return Err(Stop::Error(format!("Table {t} has no node column."), 1));
            }
            let keys: Vec<&str> = entities.iter().map(String::as_str).collect();
            conn.delete_in(t, key, &keys)?;
        }
        let mut dyn_groups: Option<Vec<String>> = None;
        let mut warned: Vec<String> = Vec::new();
        for (table, cols) in &plan.edits {
            let nodekey = dbutil::nodekey(table).unwrap_or("node");
            // Current values for list edits, resolved once for all entities.
            let list_cols: Vec<&str> = cols
                .iter()
                .filter(|(_, ops)| ops.iter().any(|(_, op)| *op != EditOp::Set))
                .map(|(c, _)| c.as_str())
                .collect();
            if mode == Mode::Group && !list_cols.is_empty() {
                return Err(Stop::Error(
                    ",= and ^= are not supported by nodegrpch".to_string(),
                    1,
                ));
            }
            let current = if list_cols.is_empty() {
                Default::default()
            } else {
                resolve::resolve(conn, table, &entities, &list_cols, &ResolveOpts::default())?
            };
            let mut items = Vec::with_capacity(entities.len());
            for e in &entities {
                let mut values: Vec<(String, Option<String>)> = Vec::new();
                for (col, ops) in cols {
                    for (val, op) in ops {
                        if col == "groups" && *op == EditOp::Set {
                            if mode == Mode::Group {
                                return Err(Stop::Error(
                                    "Group membership is not changeable via nodegrpch".to_string(),
                                    1,
                                ));
                            }
                            let dg = match &dyn_groups {
                                Some(d) => d,
                                None => dyn_groups.insert(dynamic_groups(conn)?),
                            };
                            for g in val.split(',') {
                                if dg.iter().any(|d| d == g) && !warned.iter().any(|w| w == g) {
                                    warned.push(g.to_string());
                                    notes.push(Response::new().data(format!("nodegroup {g} is a dynamic node group, should not add a node into a dynamic node group statically.\n")));
                                }
                            }
                        }
                        let pending = values.iter().position(|(c, _)| c == col);
                        let cur = || -> Option<String> {
                            if let Some(p) = pending {
                                return values[p].1.clone();
                            }
                            current
                                .get(e)
                                .and_then(|recs| recs.first())
                                .and_then(|r| r.get(col))
                                .map(|v| v.text.clone())
                        };
                        let new = match op {
                            EditOp::Set => Some(val.clone()),
                            EditOp::Prepend => match cur() {
                                Some(c) if truthy(&c) => Some(prepend(&c, val)),
                                _ => Some(val.clone()),
                            },
                            EditOp::Remove => match cur() {
                                Some(c) if truthy(&c) => Some(remove(&c, val)),
                                _ => None,
                            },
                        };
                        let Some(new) = new else { continue };
                        match pending {
                            Some(p) => values[p].1 = Some(new),
                            None => values.push((col.clone(), Some(new))),
                        }
                    }
                }
                if !values.is_empty() {
                    items.push((vec![(nodekey.to_string(), e.clone())], values));
                }
            }
            if mode == Mode::Group {
                for (keys, values) in &items {
                    let group = &keys[0].1;
                    let k: Vec<(&str, &str)> = keys.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
                    let v: Vec<(&str, Option<&str>)> =
                        values.iter().map(|(a, b)| (a.as_str(), b.as_deref())).collect();
                    conn.set_attribs(table, &k, &v)?;
                    let members =
                        match range_opts::expand(conn, group, range_opts, true) {
                            Ok(m) => m,
                            Err(ExpandError::Db(e)) => return Err(Stop::Db(e)),
                            Err(ExpandError::Message(m)) => return Err(Stop::Error(m, 1)),
                        };
                    let clear: Vec<(String, Option<String>)> = values
                        .iter()
                        .filter(|(c, _)| c != nodekey)
                        .map(|(c, _)| (c.clone(), Some(String::new())))
                        .collect();
                    let member_items: Vec<_> = members
                        .into_iter()
                        .map(|m| (vec![(nodekey.to_string(), m)], clear.clone()))
                        .collect();
                    if !member_items.is_empty() && !clear.is_empty() {
                        conn.set_attribs_many(table, &member_items)?;
                    }
                }
            } else if !items.is_empty() {
                conn.set_attribs_many(table, &items)?;
            }
        }
        Ok(notes)
    });
    match r {
        Ok(notes) => Ok(Ok(notes)),
        Err(Stop::Db(e)) => Ok(Err(Stop::Error(format!("DB error {e}"), 1))),
        Err(stop) => Ok(Err(stop)),
    }
}

/// Send parse errors, then run and report.
pub fn run_plan(
    ctx: &Ctx,
    out: &mut dyn Responder,
    mode: Mode,
    entities: Vec<String>,
    parsed: Parsed,
    req: &Request,
) -> Result<(), HandlerError> {
    for e in &parsed.errors {
        output::error(out, e.clone(), 1)?;
    }
    if let Some(f) = parsed.fatal {
        return Ok(output::error(out, f, 1)?);
    }
    let range_opts = crate::range_opts::for_request(req, ctx.privileged);
    match apply(ctx, mode, entities, &parsed.plan, &range_opts)? {
        Ok(notes) => {
            for n in notes {
                out.send(n)?;
            }
            Ok(())
        }
        Err(Stop::Error(msg, code)) => Ok(output::error(out, msg, code)?),
        Err(Stop::Db(e)) => Err(HandlerError::Db(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_edits() {
        assert_eq!(
            prepend("all,rhels5.5", "rhels5.5,rhels5.6"),
            "rhels5.6,all,rhels5.5"
        );
        assert_eq!(remove("a,b,c,b", "b"), "a,c");
        let p = parse(
            &[
                "groups,=a".into(),
                "nodehm.mgt=".into(),
                "nodehm.power=@=x".into(),
                "nodepos.rack==2".into(),
            ],
            false,
        );
        assert!(p.fatal.is_none());
        assert_eq!(p.plan.criteria.len(), 1);
        assert_eq!(
            p.plan.edits[0].1[0].1[0],
            ("a".to_string(), EditOp::Prepend)
        );
        assert_eq!(p.plan.edits[1].1[0].1[0].0, "|^.*$||");
        assert_eq!(p.plan.edits[1].1[1].1[0].0, "=x");
        let p = parse(&["bogus".into()], false);
        assert_eq!(p.errors, vec!["Malformed argument bogus ignored."]);
        let p = parse(&["nodehm.nosuch=1".into()], false);
        assert_eq!(
            p.fatal.as_deref(),
            Some("nodehm.nosuch not a valid table.column description")
        );
        let p = parse(&["nodehm".into(), "a.b".into()], true);
        assert_eq!(p.plan.delete_tables, vec!["nodehm"]);
        assert_eq!(p.errors, vec![". and = not valid in delete mode."]);
    }
}
