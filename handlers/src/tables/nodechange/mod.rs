//! The assignment engine shared by `nodech`, `nodeadd` and `nodegrpch`
//! (stock runs all three through one routine): argument parsing
//! (`t.c=v`, `=@v`, empty value → `|^.*$||`, `,=` prepend-if-missing, `^=`
//! remove, selectors `==`, `!=`, `=~`, `!~`, `-d` table deletion) and the
//! writes, all inside ONE write transaction (list edits read the current,
//! inherited value inside it, so concurrent edits never lose an element).

mod edit;

use super::output;
use crate::api::{Ctx, HandlerError, Responder};
use xcat_proto::Request;
use xcat_schema::db::DbError;
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

pub use edit::apply;

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
    use super::edit::{prepend, remove};
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
