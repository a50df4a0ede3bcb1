//! `--dry-run` (not in stock): for every node, each column snmove manages
//! with its old and new value; nothing is written and no action runs.

use super::model::{NodeMove, World};
use xcat_proto::Response;

fn show(v: Option<&str>) -> String {
    match v {
        Some(s) if !s.is_empty() => s.to_string(),
        _ => "(not set)".to_string(),
    }
}

/// One `data` document per node, then a closing line.
pub fn render(world: &World, moves: &[NodeMove]) -> Vec<Response> {
    let mut out = Vec::with_capacity(moves.len() + 1);
    for m in moves {
        let mut r = Response::new().data(format!("{}:", m.node));
        for c in &m.columns {
            let old = show(c.old.as_deref());
            let line = if c.changed() {
                format!(
                    "    {}.{}: {} -> {}",
                    c.table,
                    c.column,
                    old,
                    show(c.new.as_deref())
                )
            } else {
                format!("    {}.{}: {} (unchanged)", c.table, c.column, old)
            };
            r = r.data(line);
        }
        for (statemnt, idx) in &m.statelite {
            let old = world.statelite.get(*idx).map(|s| s.statemnt.as_str());
            r = r.data(format!(
                "    statelite.statemnt: {} -> {}",
                show(old),
                statemnt
            ));
        }
        out.push(r);
    }
    out.push(Response::new().data(format!(
        "Dry run: {} node(s) would move; nothing was changed.",
        moves.len()
    )));
    out
}
