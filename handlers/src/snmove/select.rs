//! Which nodes move: the positional noderange (expanded and verified with
//! xcat_schema::noderange), or with `-s` alone every node whose servicenode
//! list names that service node first — an exact name match (stock matched a
//! regex and, through site.master, also picked nodes without any service
//! node; not here).

use super::attrs::Table;
use super::rules;
use std::cmp::Ordering;
use xcat_schema::db::{Conn, DbError};
use xcat_schema::inherit::InheritCtx;
use xcat_schema::noderange::{ExpandOpts, NodeRangeError};

/// `Ok((nodes in stock order, unknown names))`, or `Err(message)` for a
/// noderange that cannot be expanded.
pub type Expanded = Result<(Vec<String>, Vec<String>), String>;

/// Expand `range` with the request's options (unknown names are reported
/// in verify mode, kept otherwise).
pub fn expand(conn: &mut Conn, range: &str, opts: &ExpandOpts) -> Result<Expanded, DbError> {
    match xcat_schema::noderange::expand(conn, range, opts) {
        Ok(e) => Ok(Ok((e.nodes, e.missing))),
        Err(NodeRangeError::Db(d)) => Err(d),
        Err(other) => Ok(Err(other.to_string())),
    }
}

/// Every node whose (inherited) servicenode list starts with exactly `sn`.
/// `noderes` must have `servicenode` as its first column; the resolved rows
/// of the selected nodes come back with them (no second resolution).
pub fn by_primary_sn(
    ctx: &InheritCtx,
    noderes: &mut Table,
    sn: &str,
) -> Vec<(String, Vec<Option<String>>)> {
    let mut out: Vec<(String, Vec<Option<String>>)> = Vec::new();
    for n in ctx.groups.nodes() {
        let v = noderes.values(n);
        if rules::primary_sn(v.first().and_then(|x| x.as_deref())) == Some(sn) {
            out.push((n.clone(), v));
        }
    }
    out.sort_by(|a, b| natural_cmp(&a.0, &b.0));
    out
}

/// Node-name order: digit runs compare as numbers (cn2 < cn10), then text.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.as_bytes(), b.as_bytes());
    loop {
        match (x.first(), y.first()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let nx = x.iter().take_while(|c| c.is_ascii_digit()).count();
                let ny = y.iter().take_while(|c| c.is_ascii_digit()).count();
                let (dx, dy) = (&x[..nx], &y[..ny]);
                let tx = dx.iter().skip_while(|c| **c == b'0').count();
                let ty = dy.iter().skip_while(|c| **c == b'0').count();
                let ord = tx.cmp(&ty).then_with(|| dx[nx - tx..].cmp(&dy[ny - ty..]));
                if ord != Ordering::Equal {
                    return ord;
                }
                x = &x[nx..];
                y = &y[ny..];
            }
            (Some(c), Some(d)) => {
                if c != d {
                    return c.cmp(d);
                }
                x = &x[1..];
                y = &y[1..];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::natural_cmp;

    #[test]
    fn natural() {
        let mut v = vec!["cn10", "cn2", "cn01", "sn1", "cn1a", "cn1"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, vec!["cn01", "cn1", "cn1a", "cn2", "cn10", "sn1"]);
    }
}
