//! The stock policy engine (xCAT-server/lib/perl/xCAT/xcatd.pm:57-379): rows in numeric priority order,
//! the first surviving row decides; `name`, `host`, `commands`, `parameters`
//! (unanchored Perl-compatible regex) and `noderange` with partial grants by
//! allow rows; "trusted" peers keep the `username` they send.

use crate::store::{PolicyRow, StoreError};
use std::cmp::Ordering;
use std::collections::HashSet;
use xcat_proto::Request;

/// Commands whose requests keep their `username` and are not audited.
const UNLOGGED: &[&str] = &[
    "getdestiny",
    "getbladecons",
    "getipmicons",
    "getopenbmccons",
    "getcons",
];

/// Who is asking.
#[derive(Debug, Clone, Default)]
pub struct Peer<'a> {
    /// Client certificate CN.
    pub name: Option<&'a str>,
    /// Short host name of the peer (xCAT-server/sbin/xcatd:1588-1637).
    pub host: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Allow,
    Deny,
    /// No row survived.
    NoMatch,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub verdict: Verdict,
    /// The peer's CN has a `trusted` row.
    pub trusted: bool,
    /// Priority of the deciding row (for logs).
    pub row: Option<String>,
}

impl Decision {
    pub fn allowed(&self) -> bool {
        self.verdict == Verdict::Allow
    }
}

/// Perl's numeric value of a priority string: leading number, else 0.
fn numeric(p: &Option<String>) -> f64 {
    let s = p.as_deref().unwrap_or("").trim();
    let end = s
        .char_indices()
        .take_while(|(i, c)| {
            c.is_ascii_digit() || *c == '.' || (*i == 0 && (*c == '-' || *c == '+'))
        })
        .map(|(i, c)| i + c.len_utf8())
        .last()
        .unwrap_or(0);
    s[..end].parse().unwrap_or(0.0)
}

fn set(v: &Option<String>) -> Option<&str> {
    v.as_deref().filter(|s| !s.is_empty())
}

/// `set` and not `*`.
fn restricting(v: &Option<String>) -> Option<&str> {
    set(v).filter(|s| *s != "*")
}

fn is_allow_rule(rule: &str) -> bool {
    let r = rule.to_ascii_lowercase();
    r.contains("allow") || r.contains("accept") || r.contains("trusted")
}

/// Rows in stock order (stable sort by numeric priority).
pub fn sorted(rows: &[PolicyRow]) -> Vec<&PolicyRow> {
    let mut v: Vec<&PolicyRow> = rows.iter().collect();
    v.sort_by(|a, b| {
        numeric(&a.priority)
            .partial_cmp(&numeric(&b.priority))
            .unwrap_or(Ordering::Equal)
    });
    v
}

/// Whether `peer_name` has a `trusted` row.
pub fn is_trusted(rows: &[PolicyRow], peer_name: Option<&str>) -> bool {
    let Some(peer) = peer_name else { return false };
    rows.iter().any(|r| {
        set(&r.name) == Some(peer)
            && r.rule
                .as_deref()
                .is_some_and(|x| x.to_ascii_lowercase().contains("trusted"))
    })
}

/// Unanchored Perl-compatible match; an invalid pattern matches nothing.
fn regex_matches(pattern: &str, text: &str) -> bool {
    match xcat_schema::user_regex::compile(pattern) {
        Ok(re) => re.is_match(text).unwrap_or(false),
        Err(e) => {
            tracing::warn!("policy parameters regex {pattern:?} is invalid: {e}");
            false
        }
    }
}

/// Whether a row's `name`, `host`, `commands` and `parameters` columns let
/// it apply to this request (the `noderange` column is checked apart).
fn row_applies(row: &PolicyRow, peer: &Peer<'_>, remote: Option<&str>, req: &Request) -> bool {
    if let Some(name) = set(&row.name) {
        if name == "*" {
            if peer.name.is_none() {
                return false;
            }
        } else if peer.name != Some(name) {
            return false;
        }
    }
    if let Some(host) = restricting(&row.host) {
        let hit = match remote {
            Some(list) => list.split(',').any(|h| h == host),
            None => peer.host == Some(host),
        };
        if !hit {
            return false;
        }
    }
    if let Some(cmds) = restricting(&row.commands) {
        if !cmds.split(',').any(|c| c == req.command()) {
            return false;
        }
    }
    if let Some(pattern) = restricting(&row.parameters) {
        if !regex_matches(pattern, &req.args().join(" ")) {
            return false;
        }
    }
    true
}

/// The nodes the request acts on: its expanded `noderange` and every
/// `<node>` it lists.  Stock reads only the `noderange`
/// (`xCAT-server/sbin/xcatd` takes `$req->{node}` as sent), so a client
/// sending `<node>` elements skipped every noderange row; here they count.
fn acted_on(req: &Request, expand: &mut Expand<'_>) -> Result<Vec<String>, StoreError> {
    let mut nodes = match req.noderange() {
        Some(range) => expand(range)?,
        None => Vec::new(),
    };
    let mut seen: HashSet<String> = nodes.iter().cloned().collect();
    for n in req.nodes() {
        if seen.insert(n.to_string()) {
            nodes.push(n.to_string());
        }
    }
    Ok(nodes)
}

/// Expands a noderange to node names (unknown names dropped).
pub type Expand<'a> = dyn FnMut(&str) -> Result<Vec<String>, StoreError> + 'a;

/// What a row restricted to a noderange does with the nodes still to grant.
enum RangeStep {
    /// The row does not decide (no overlap, or a partial grant).
    Skip,
    /// The row decides by its rule.
    Decide,
    /// Deny: the nodes could not be worked out.
    Deny,
}

fn range_step(
    row: &PolicyRow,
    range: &str,
    pending: &mut Vec<String>,
    expand: &mut Expand<'_>,
) -> Result<RangeStep, StoreError> {
    if pending.is_empty() {
        return Ok(RangeStep::Skip);
    }
    let allow_row = row.rule.as_deref().is_some_and(is_allow_rule);
    let row_nodes: HashSet<String> = match expand(range) {
        Ok(nodes) => nodes.into_iter().collect(),
        Err(e) if e.is_database() => return Err(e),
        Err(e) => {
            // An allow row that cannot be read grants nothing; a deny row
            // that cannot be read denies.
            tracing::warn!("policy row noderange {range:?} does not expand: {e}");
            return Ok(if allow_row {
                RangeStep::Skip
            } else {
                RangeStep::Deny
            });
        }
    };
    let (hit, rest): (Vec<String>, Vec<String>) =
        pending.iter().cloned().partition(|n| row_nodes.contains(n));
    if hit.is_empty() {
        return Ok(RangeStep::Skip);
    }
    if !rest.is_empty() && allow_row {
        // Partial grant: these nodes are allowed, the rest go on.
        *pending = rest;
        return Ok(RangeStep::Skip);
    }
    Ok(RangeStep::Decide)
}

/// Decide on `req`.  `expand` expands a noderange (the request's and the
/// rows').  A database error is returned as `Err` (the caller answers it,
/// it is not a denial); a request noderange that does not expand denies.
pub fn decide(
    rows: &[PolicyRow],
    peer: &Peer<'_>,
    req: &Request,
    expand: &mut Expand<'_>,
) -> Result<Decision, StoreError> {
    let trusted = is_trusted(rows, peer.name);
    let remote = req.get("remote_client").filter(|s| !s.is_empty());
    // The request's nodes still to be granted, expanded only when a row
    // restricted to a noderange is reached (most decisions never need it).
    let mut left: Option<Vec<String>> = None;
    let decision = |verdict, row: &PolicyRow| Decision {
        verdict,
        trusted,
        row: row.priority.clone(),
    };
    for row in sorted(rows) {
        if !row_applies(row, peer, remote, req) {
            continue;
        }
        if let Some(range) = restricting(&row.noderange) {
            let pending = match &mut left {
                Some(p) => p,
                None => match acted_on(req, expand) {
                    Ok(nodes) => left.insert(nodes),
                    Err(e) if e.is_database() => return Err(e),
                    Err(e) => {
                        tracing::warn!("request noderange does not expand, denying: {e}");
                        return Ok(decision(Verdict::Deny, row));
                    }
                },
            };
            match range_step(row, range, pending, expand)? {
                RangeStep::Skip => continue,
                RangeStep::Deny => return Ok(decision(Verdict::Deny, row)),
                RangeStep::Decide => {}
            }
        }
        let verdict = match set(&row.rule) {
            Some(rule) if is_allow_rule(rule) => Verdict::Allow,
            Some(_) => Verdict::Deny,
            None => {
                tracing::error!("Impossible line in xcatd reached (policy row without rule)");
                Verdict::Deny
            }
        };
        return Ok(decision(verdict, row));
    }
    Ok(Decision {
        verdict: Verdict::NoMatch,
        trusted,
        row: None,
    })
}

/// Stock side effect of a decision on the request: `username` becomes the
/// peer's CN unless the peer is trusted and sent one (how the MN forwards the
/// real user to service nodes).  Not applied to the console commands.
pub fn apply_username(req: &mut Request, peer_name: Option<&str>, trusted: bool) {
    if UNLOGGED.contains(&req.command()) {
        return;
    }
    let has_user = req.username().is_some();
    if has_user && trusted {
        return;
    }
    match peer_name {
        Some(n) => req.set("username", n),
        None => req.set("username", xcat_proto::Value::Empty),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(prio: &str, name: &str, rule: &str) -> PolicyRow {
        PolicyRow {
            priority: Some(prio.into()),
            name: Some(name.into()).filter(|s: &String| !s.is_empty()),
            rule: Some(rule.into()),
            ..Default::default()
        }
    }

    fn req(cmd: &str, range: Option<&str>, args: &[&str]) -> Request {
        let mut r = Request::new(cmd);
        if let Some(nr) = range {
            r.set("noderange", nr);
        }
        r.set_args(args);
        r
    }

    fn expand(range: &str) -> Vec<String> {
        // "nA-nB" style and comma lists of literal names
        let mut out = Vec::new();
        for item in range.split(',') {
            if let Some((a, b)) = item.split_once('-') {
                let (a, b): (u32, u32) = (a[1..].parse().unwrap(), b[1..].parse().unwrap());
                for i in a..=b {
                    out.push(format!("n{i}"));
                }
            } else {
                out.push(item.to_string());
            }
        }
        out
    }

    fn run(rows: &[PolicyRow], name: Option<&str>, host: Option<&str>, r: &Request) -> Verdict {
        decide(rows, &Peer { name, host }, r, &mut |s| Ok(expand(s)))
            .unwrap()
            .verdict
    }

    #[test]
    fn numeric_priority_order_not_text_order() {
        let rows = vec![row("10", "bob", "deny"), row("9", "bob", "allow")];
        assert_eq!(
            run(&rows, Some("bob"), None, &req("x", None, &[])),
            Verdict::Allow
        );
        let rows = vec![row("1.10", "bob", "deny"), row("1.9", "bob", "allow")];
        // 1.10 < 1.9 numerically
        assert_eq!(
            run(&rows, Some("bob"), None, &req("x", None, &[])),
            Verdict::Deny
        );
    }

    #[test]
    fn name_rules() {
        let rows = vec![row("1", "root", "allow"), row("2", "*", "allow")];
        assert_eq!(
            run(&rows, Some("root"), None, &req("x", None, &[])),
            Verdict::Allow
        );
        assert_eq!(
            run(&rows, Some("bob"), None, &req("x", None, &[])),
            Verdict::Allow
        );
        assert_eq!(
            run(&rows, None, None, &req("x", None, &[])),
            Verdict::NoMatch
        );
        let mut nameless = row("4.4", "", "allow");
        nameless.commands = Some("getpostscript,getcredentials".into());
        let rows = vec![row("1", "root", "allow"), nameless];
        assert_eq!(
            run(&rows, None, None, &req("getcredentials", None, &[])),
            Verdict::Allow
        );
        assert_eq!(
            run(&rows, None, None, &req("nodels", None, &[])),
            Verdict::NoMatch
        );
    }

    #[test]
    fn host_and_remote_client() {
        let mut r1 = row("1", "", "allow");
        r1.host = Some("cn1".into());
        let rows = vec![r1];
        assert_eq!(
            run(&rows, None, Some("cn1"), &req("x", None, &[])),
            Verdict::Allow
        );
        assert_eq!(
            run(&rows, None, Some("cn2"), &req("x", None, &[])),
            Verdict::NoMatch
        );
        let mut r = req("x", None, &[]);
        r.set("remote_client", "web,cn1");
        assert_eq!(run(&rows, None, Some("cn2"), &r), Verdict::Allow);
    }

    #[test]
    fn parameters_regex_is_unanchored_perl() {
        let mut r1 = row("1", "bob", "allow");
        r1.parameters = Some(r"-l\b".into());
        let mut r2 = row("2", "bob", "deny");
        r2.parameters = Some("(?<=a)b".into());
        let rows = vec![r1, r2];
        assert_eq!(
            run(&rows, Some("bob"), None, &req("x", None, &["a", "-l"])),
            Verdict::Allow
        );
        assert_eq!(
            run(&rows, Some("bob"), None, &req("x", None, &["ab"])),
            Verdict::Deny
        );
        assert_eq!(
            run(&rows, Some("bob"), None, &req("x", None, &["-la"])),
            Verdict::NoMatch
        );
    }

    #[test]
    fn partial_noderange_grant() {
        let mut r1 = row("1", "bob", "allow");
        r1.noderange = Some("n1-n2".into());
        let mut r2 = row("2", "bob", "allow");
        r2.noderange = Some("n3-n4".into());
        let rows = vec![r1.clone(), r2];
        // n1..n4 granted in two pieces
        assert_eq!(
            run(&rows, Some("bob"), None, &req("x", Some("n1-n4"), &[])),
            Verdict::Allow
        );
        // n5 is left over: nothing decides it
        assert_eq!(
            run(&rows, Some("bob"), None, &req("x", Some("n1-n5"), &[])),
            Verdict::NoMatch
        );
        // a deny row that overlaps partially applies to the whole request
        let mut d = row("0.5", "bob", "deny");
        d.noderange = Some("n2".into());
        let rows = vec![d, r1];
        assert_eq!(
            run(&rows, Some("bob"), None, &req("x", Some("n1-n2"), &[])),
            Verdict::Deny
        );
        // a noderange row never matches a request without nodes
        let mut only = row("1", "bob", "allow");
        only.noderange = Some("n1".into());
        assert_eq!(
            run(&[only], Some("bob"), None, &req("x", None, &[])),
            Verdict::NoMatch
        );
    }

    #[test]
    fn empty_rule_denies_and_disabled_rows_are_the_stores_job() {
        let mut r = row("1", "bob", "");
        r.rule = None;
        assert_eq!(
            run(&[r], Some("bob"), None, &req("x", None, &[])),
            Verdict::Deny
        );
    }

    #[test]
    fn trusted_username_pass_through() {
        let rows = vec![row("1", "root", "allow"), row("1.2", "mn", "trusted")];
        let mut r = req("x", None, &[]);
        r.set("username", "alice");
        let d = decide(
            &rows,
            &Peer {
                name: Some("mn"),
                host: None,
            },
            &r,
            &mut |s| Ok(expand(s)),
        )
        .unwrap();
        assert!(d.allowed() && d.trusted);
        apply_username(&mut r, Some("mn"), d.trusted);
        assert_eq!(r.username(), Some("alice"));
        // an untrusted peer cannot claim another user
        let d = decide(
            &rows,
            &Peer {
                name: Some("root"),
                host: None,
            },
            &r,
            &mut |s| Ok(expand(s)),
        )
        .unwrap();
        apply_username(&mut r, Some("root"), d.trusted);
        assert_eq!(r.username(), Some("root"));
    }

    #[test]
    fn node_elements_count_like_the_noderange() {
        let mut deny = row("1", "bob", "deny");
        deny.noderange = Some("n1".into());
        let rows = vec![deny, row("2", "bob", "allow")];
        let mut r = req("x", None, &[]);
        r.set_nodes(&["n1".to_string()]);
        assert_eq!(run(&rows, Some("bob"), None, &r), Verdict::Deny);
        // nodes from both sources are granted together
        let mut a = row("1", "bob", "allow");
        a.noderange = Some("n1-n2".into());
        let mut r = req("x", Some("n1"), &[]);
        r.set_nodes(&["n2".to_string(), "n3".to_string()]);
        assert_eq!(run(&[a.clone()], Some("bob"), None, &r), Verdict::NoMatch);
        r.set_nodes(&["n2".to_string()]);
        assert_eq!(run(&[a], Some("bob"), None, &r), Verdict::Allow);
    }

    #[test]
    fn expansion_errors_deny_and_database_errors_are_not_verdicts() {
        let mut allow = row("1", "bob", "allow");
        allow.noderange = Some("n1".into());
        let rows = vec![allow.clone(), row("2", "bob", "allow")];
        let r = req("x", Some("bad(("), &[]);
        let peer = Peer {
            name: Some("bob"),
            host: None,
        };
        let syntax = |_: &str| Err(StoreError::Other("unbalanced".into()));
        let d = decide(&rows, &peer, &r, &mut { syntax }).unwrap();
        assert_eq!(d.verdict, Verdict::Deny);
        let down = |_: &str| Err(StoreError::Database("database unreachable".into()));
        let e = decide(&rows, &peer, &r, &mut { down }).unwrap_err();
        assert!(e.is_database());
        // a deny row whose own noderange does not expand denies
        let mut deny = row("1", "bob", "deny");
        deny.noderange = Some("((".into());
        let rows = vec![deny, row("2", "bob", "allow")];
        let r = req("x", Some("n1"), &[]);
        let mut only_requests = |s: &str| {
            if s == "((" {
                Err(StoreError::Other("unbalanced".into()))
            } else {
                Ok(expand(s))
            }
        };
        let d = decide(&rows, &peer, &r, &mut only_requests).unwrap();
        assert_eq!(d.verdict, Verdict::Deny);
    }
}
