//! The writes of `nodech`, `nodeadd` and `nodegrpch` inside one write
//! transaction: selectors, `-d` table deletion, list edits from the
//! current (inherited) value, dynamic-group warnings, and nodegrpch's
//! group rows with their members' values cleared.

use super::{ColumnEdits, EditOp, Mode, Plan, Stop};
use crate::api::{Ctx, HandlerError};
use crate::range_opts::{self, ExpandError};
use crate::tables::dbutil;
use crate::tables::resolve::{self, Opts as ResolveOpts};
use xcat_proto::Response;
use xcat_schema::db::{Conn, DbError};
use xcat_schema::noderange::{ExpandOpts, Selector};

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

pub(super) fn prepend(cur: &str, add: &str) -> String {
    let mut vals: Vec<String> = perl_split(cur);
    for sub in add.split(',') {
        if !vals.iter().any(|v| v == sub) {
            vals.insert(0, sub.to_string());
        }
    }
    vals.join(",")
}

pub(super) fn remove(cur: &str, del: &str) -> String {
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

/// One row to write: its key columns and the column values.
type Item = (Vec<(String, String)>, Vec<(String, Option<String>)>);

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
        for t in &plan.delete_tables {
            delete_rows(conn, t, &entities)?;
        }
        let mut dynamic = DynamicGroupWarnings::default();
        for (table, cols) in &plan.edits {
            let nodekey = dbutil::nodekey(table).unwrap_or("node");
            let edit = TableEdit {
                mode,
                table,
                nodekey,
                cols,
            };
            let items = edit.items(conn, &entities, &mut dynamic)?;
            if mode == Mode::Group {
                write_groups(conn, table, nodekey, &items, range_opts)?;
            } else if !items.is_empty() {
                conn.set_attribs_many(table, &items)?;
            }
        }
        Ok(dynamic.notes)
    });
    match r {
        Ok(notes) => Ok(Ok(notes)),
        Err(Stop::Db(e)) => Ok(Err(Stop::Error(format!("DB error {e}"), 1))),
        Err(stop) => Ok(Err(stop)),
    }
}

/// `-d TABLE`: delete the entities' rows of `table`.
fn delete_rows(conn: &mut Conn, t: &str, entities: &[String]) -> Result<(), Stop> {
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
    Ok(())
}

/// The warning for a static assignment to a dynamic group, once per group
/// (the dynamic groups are read at the first `groups=` assignment).
#[derive(Default)]
struct DynamicGroupWarnings {
    groups: Option<Vec<String>>,
    warned: Vec<String>,
    notes: Vec<Response>,
}

impl DynamicGroupWarnings {
    fn check(&mut self, conn: &mut Conn, assigned: &str) -> Result<(), DbError> {
        let dynamic = match &self.groups {
            Some(d) => d,
            None => self.groups.insert(dynamic_groups(conn)?),
        };
        for g in assigned.split(',') {
            if dynamic.iter().any(|d| d == g) && !self.warned.iter().any(|w| w == g) {
                self.warned.push(g.to_string());
                self.notes.push(Response::new().data(format!("nodegroup {g} is a dynamic node group, should not add a node into a dynamic node group statically.\n")));
            }
        }
        Ok(())
    }
}

/// The edits of one table, turned into rows to write.
struct TableEdit<'a> {
    mode: Mode,
    table: &'a str,
    nodekey: &'a str,
    cols: &'a [ColumnEdits],
}

/// The current (inherited) values of list-edited columns, per entity.
type Current = std::collections::HashMap<String, Vec<resolve::Rec>>;

impl TableEdit<'_> {
    /// One row per entity that gets a value; list edits (`,=`, `^=`) start
    /// from the current value, resolved once for all entities.
    fn items(
        &self,
        conn: &mut Conn,
        entities: &[String],
        dynamic: &mut DynamicGroupWarnings,
    ) -> Result<Vec<Item>, Stop> {
        let list_cols: Vec<&str> = self
            .cols
            .iter()
            .filter(|(_, ops)| ops.iter().any(|(_, op)| *op != EditOp::Set))
            .map(|(c, _)| c.as_str())
            .collect();
        if self.mode == Mode::Group && !list_cols.is_empty() {
            return Err(Stop::Error(
                ",= and ^= are not supported by nodegrpch".to_string(),
                1,
            ));
        }
        let current = if list_cols.is_empty() {
            Default::default()
        } else {
            let opts = ResolveOpts::default();
            resolve::resolve(conn, self.table, entities, &list_cols, &opts)?
        };
        let mut items = Vec::with_capacity(entities.len());
        for e in entities {
            let values = self.values(conn, e, &current, dynamic)?;
            if !values.is_empty() {
                items.push((vec![(self.nodekey.to_string(), e.clone())], values));
            }
        }
        Ok(items)
    }

    /// The values of one entity, every edit applied in command-line order.
    fn values(
        &self,
        conn: &mut Conn,
        e: &str,
        current: &Current,
        dynamic: &mut DynamicGroupWarnings,
    ) -> Result<Vec<(String, Option<String>)>, Stop> {
        let mut values: Vec<(String, Option<String>)> = Vec::new();
        for (col, ops) in self.cols {
            for (val, op) in ops {
                if col == "groups" && *op == EditOp::Set {
                    if self.mode == Mode::Group {
                        return Err(Stop::Error(
                            "Group membership is not changeable via nodegrpch".to_string(),
                            1,
                        ));
                    }
                    dynamic.check(conn, val)?;
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
                let Some(new) = edited(*op, val, cur) else {
                    continue;
                };
                match pending {
                    Some(p) => values[p].1 = Some(new),
                    None => values.push((col.clone(), Some(new))),
                }
            }
        }
        Ok(values)
    }
}

/// A column's new value after one edit; `None` leaves it alone (`^=` on an
/// empty value).
fn edited(op: EditOp, val: &str, cur: impl FnOnce() -> Option<String>) -> Option<String> {
    match op {
        EditOp::Set => Some(val.to_string()),
        EditOp::Prepend => match cur() {
            Some(c) if truthy(&c) => Some(prepend(&c, val)),
            _ => Some(val.to_string()),
        },
        EditOp::Remove => match cur() {
            Some(c) if truthy(&c) => Some(remove(&c, val)),
            _ => None,
        },
    }
}

/// nodegrpch: write each group's row, then clear the same columns of its
/// members (their own values would hide the group's).
fn write_groups(
    conn: &mut Conn,
    table: &str,
    nodekey: &str,
    items: &[Item],
    range_opts: &ExpandOpts,
) -> Result<(), Stop> {
    for (keys, values) in items {
        let group = &keys[0].1;
        let k: Vec<(&str, &str)> = keys.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let v: Vec<(&str, Option<&str>)> = values
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_deref()))
            .collect();
        conn.set_attribs(table, &k, &v)?;
        let members = match range_opts::expand(conn, group, range_opts, true) {
            Ok(m) => m,
            Err(ExpandError::Db(e)) => return Err(Stop::Db(e)),
            Err(ExpandError::Message(m)) => return Err(Stop::Error(m, 1)),
        };
        let clear: Vec<(String, Option<String>)> = values
            .iter()
            .filter(|(c, _)| c != nodekey)
            .map(|(c, _)| (c.clone(), Some(String::new())))
            .collect();
        let member_items: Vec<Item> = members
            .into_iter()
            .map(|m| (vec![(nodekey.to_string(), m)], clear.clone()))
            .collect();
        if !member_items.is_empty() && !clear.is_empty() {
            conn.set_attribs_many(table, &member_items)?;
        }
    }
    Ok(())
}
