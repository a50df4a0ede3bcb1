//! Turns the decisions (new service node, new xcatmaster) into the column
//! changes of every node (xCAT-server/lib/xcat/plugins/snmove.pm:443-556) and the AIX statelite rows to
//! rewrite (xCAT-server/lib/xcat/plugins/snmove.pm:558-759).

use super::messages as msg;
use super::model::{Column, NodeMove, World};
use super::options::Options;
use super::rules::{self, Monserver, OldServers};
use std::collections::HashMap;

/// The plan, plus the nodes whose monserver value is invalid (reported).
pub struct Plan {
    pub moves: Vec<NodeMove>,
    pub invalid_monserver: Vec<String>,
}

/// Split a statemnt `server:dir` at the first colon.
pub fn split_statemnt(statemnt: &str) -> (&str, &str) {
    statemnt.split_once(':').unwrap_or((statemnt, ""))
}

pub fn plan(
    world: &World,
    opts: &Options,
    new_sn: &HashMap<String, String>,
    new_master: &HashMap<String, String>,
) -> Plan {
    let mut ip_cache: HashMap<String, Option<String>> = HashMap::new();
    let mut moves = Vec::with_capacity(world.nodes.len());
    let mut invalid_monserver = Vec::new();
    // `no`: the rsync'd rows (snmove.pm:558-759); `sns`: sfsSLconfig's rows
    // (snmove.pm:2189-2216), the same rule.
    let rewrite_statelite = matches!(world.site.sharedinstall.as_str(), "no" | "sns");
    for n in &world.nodes {
        let (Some(sn), Some(master)) = (new_sn.get(&n.name), new_master.get(&n.name)) else {
            continue;
        };
        let old_master = opts.source_n.clone().or_else(|| n.xcatmaster.clone());
        let needs_ip = n.tftpserver.is_some() || n.nfsserver.is_some() || n.is_aix();
        let master_ip = old_master.as_ref().filter(|_| needs_ip).and_then(|m| {
            ip_cache
                .entry(m.clone())
                .or_insert_with(|| world.names.resolve(m).map(|ip| ip.to_string()))
                .clone()
        });
        let old = OldServers {
            sn: opts
                .source
                .clone()
                .or_else(|| rules::primary_sn(n.servicenode.as_deref()).map(str::to_string)),
            master: old_master.clone(),
            master_ip,
        };
        let col = |table, column, old: &Option<String>, new: Option<String>| Column {
            table,
            column,
            old: old.clone(),
            new,
        };
        let mon = match rules::monserver(n.monserver.as_deref(), old.sn.as_deref(), sn, master) {
            Monserver::Changed(v) => Some(v),
            Monserver::Unchanged => None,
            Monserver::Invalid => {
                invalid_monserver.push(n.name.clone());
                None
            }
        };
        let columns = vec![
            col(
                "noderes",
                "servicenode",
                &n.servicenode,
                Some(rules::new_servicenode(n.servicenode.as_deref(), sn)),
            ),
            col("noderes", "xcatmaster", &n.xcatmaster, Some(master.clone())),
            col(
                "noderes",
                "tftpserver",
                &n.tftpserver,
                rules::follow_master(n.tftpserver.as_deref(), &old, master),
            ),
            col(
                "noderes",
                "nfsserver",
                &n.nfsserver,
                rules::follow_master(n.nfsserver.as_deref(), &old, master),
            ),
            col("noderes", "monserver", &n.monserver, mon),
            col(
                "nodehm",
                "conserver",
                &n.conserver,
                rules::conserver(n.conserver.as_deref(), old.sn.as_deref(), sn),
            ),
        ];
        let statelite = match n.is_aix() && rewrite_statelite {
            true => statelite_rows(world, &n.name, &old, master),
            false => Vec::new(),
        };
        moves.push(NodeMove {
            node: n.name.clone(),
            new_sn: sn.clone(),
            new_master: master.clone(),
            old_sn: old.sn,
            old_master,
            columns,
            statelite,
        });
    }
    Plan {
        moves,
        invalid_monserver,
    }
}

/// The node's `statelite` rows that name its old master, as
/// (`<new master>:<dir>`, row index).
fn statelite_rows(
    world: &World,
    node: &str,
    old: &OldServers,
    master: &str,
) -> Vec<(String, usize)> {
    let mut rows = Vec::new();
    for (i, row) in world.statelite.iter().enumerate() {
        if !row.members.iter().any(|m| m == node) {
            continue;
        }
        let (server, dir) = split_statemnt(&row.statemnt);
        // Rows with variables follow the node's attributes; only rows
        // naming the old master are rewritten (stock rewrote every
        // literal row).
        let of_old = !server.contains('$')
            && (old.master.as_deref() == Some(server) || old.master_ip.as_deref() == Some(server));
        if of_old {
            rows.push((format!("{master}:{dir}"), i));
        }
    }
    rows
}

/// The stock message for a node whose monserver cannot be reset.
pub fn monserver_message() -> &'static str {
    msg::MONSERVER_INVALID
}
