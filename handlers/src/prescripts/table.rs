//! Which prescripts run for which nodes (xCAT-server/lib/xcat/plugins/prescripts.pm:351-441):
//! the `prescripts` table's `begin` / `end` column of the `xcatdefaults` row
//! first, then each node's own value (group inheritance applies), each value
//! in the form `action:s1,s2|action2:s3` or just `s1,s2` (every action).
//! Nodes with the same script list are run together.

use xcat_schema::db::{Conn, DbError};
use xcat_schema::inherit::{InheritCtx, NodeAttrs};

/// The scripts of one column value for `action`, in order (stock
/// `parseprescripts`: tokens split on `|`; a token with a `:` counts only
/// when it starts with `<action>:`).
pub fn scripts_for(value: &str, action: &str) -> Vec<String> {
    let mut out = Vec::new();
    for token in value.split('|') {
        let list = match token.split_once(':') {
            Some((a, list)) if a == action => list,
            Some(_) => continue,
            None => token,
        };
        out.extend(
            list.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string),
        );
    }
    out
}

/// One script list and the nodes that run it, in request order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    pub scripts: Vec<String>,
    pub nodes: Vec<String>,
}

/// The batches for `nodes` (`column` is `begin` or `end`; `action` as given,
/// stock keeps the text before the first `=`), in order of each list's
/// first node (stock: hash order).
pub fn batches(
    conn: &mut Conn,
    ctx: &InheritCtx,
    nodes: &[String],
    column: &str,
    action: &str,
) -> Result<Vec<Batch>, DbError> {
    let action = action.split('=').next().unwrap_or(action);
    let defaults = conn
        .select("prescripts", &[column], &[("node", "xcatdefaults")], true)?
        .into_iter()
        .next()
        .and_then(|r| r.into_iter().next().flatten())
        .map(|v| scripts_for(&v, action))
        .unwrap_or_default();
    let mut attrs = NodeAttrs::load(conn, ctx, "prescripts", &[column])?;
    let mut out: Vec<Batch> = Vec::new();
    for node in nodes {
        let own = attrs
            .resolve(node)
            .into_iter()
            .next()
            .and_then(|r| r.values.into_iter().next().flatten())
            .map(|v| scripts_for(&v, action))
            .unwrap_or_default();
        let scripts: Vec<String> = defaults.iter().cloned().chain(own).collect();
        if scripts.is_empty() {
            continue;
        }
        match out.iter_mut().find(|b| b.scripts == scripts) {
            Some(b) => b.nodes.push(node.clone()),
            None => out.push(Batch {
                scripts,
                nodes: vec![node.clone()],
            }),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stock_value_forms() {
        assert_eq!(scripts_for("s1,s2", "remove"), ["s1", "s2"]);
        assert_eq!(
            scripts_for("standalone:s1|remove:s2,s3|s4", "remove"),
            ["s2", "s3", "s4"]
        );
        assert!(scripts_for("diskless:s1", "remove").is_empty());
        assert!(scripts_for("", "remove").is_empty());
        // Exact action names (stock's regex `^$action:` also matched prefixes
        // of the action text only when they were the whole action).
        assert!(scripts_for("remove2:s1", "remove").is_empty());
    }
}
