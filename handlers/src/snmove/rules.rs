//! The attribute rules of a move (xCAT-server/lib/xcat/plugins/snmove.pm:312-366) as pure functions:
//! the backup service node, the new servicenode list, and when tftpserver,
//! nfsserver, monserver and conserver follow the move.

/// Split a comma list the way stock does (`split(',')`: empty items kept in
/// the middle, trailing empty ones dropped), items trimmed.
pub fn split_list(value: &str) -> Vec<&str> {
    let mut items: Vec<&str> = value.split(',').map(str::trim).collect();
    while items.last().is_some_and(|s| s.is_empty()) {
        items.pop();
    }
    items
}

/// The backup service node: the second entry of `servicenode`, when set.
pub fn backup_sn(servicenode: Option<&str>) -> Option<String> {
    let list = split_list(servicenode?);
    list.get(1).filter(|s| !s.is_empty()).map(|s| s.to_string())
}

/// The primary (first) service node, when set.
pub fn primary_sn(servicenode: Option<&str>) -> Option<&str> {
    servicenode
        .and_then(|v| split_list(v).into_iter().next())
        .filter(|s| !s.is_empty())
}

/// More than two service nodes listed (stock warns for AIX nodes).
pub fn has_more_than_two(servicenode: Option<&str>) -> bool {
    servicenode.is_some_and(|v| split_list(v).len() > 2)
}

/// New servicenode: every entry equal to `new_sn` removed, `new_sn` in front.
/// `sn1,sn2` + sn2 → `sn2,sn1`; `sn1,sn2` + sn3 → `sn3,sn1,sn2`; unset + sn3 → `sn3`.
pub fn new_servicenode(current: Option<&str>, new_sn: &str) -> String {
    let mut out = vec![new_sn];
    if let Some(cur) = current {
        out.extend(split_list(cur).into_iter().filter(|s| *s != new_sn));
    }
    out.join(",")
}

/// What the node's servers pointed at before the move.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OldServers {
    /// Old service node (MN-facing): `-s`, else the first servicenode entry.
    pub sn: Option<String>,
    /// Old xcatmaster (node-facing): `-S`, else the current xcatmaster.
    pub master: Option<String>,
    /// The address `master` resolves to.
    pub master_ip: Option<String>,
}

/// tftpserver / nfsserver: follow the move (become the new xcatmaster) when
/// set to the old xcatmaster, its address, or — as the documentation says,
/// and stock's code does not (xCAT-server/lib/xcat/plugins/snmove.pm:504-520)
/// — the old service node's name.
pub fn follow_master(value: Option<&str>, old: &OldServers, new_master: &str) -> Option<String> {
    let v = value.filter(|v| !v.is_empty())?;
    let matches = [&old.master, &old.master_ip, &old.sn]
        .iter()
        .any(|o| o.as_deref().is_some_and(|o| !o.is_empty() && o == v));
    (matches && v != new_master).then(|| new_master.to_string())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Monserver {
    Unchanged,
    /// Set to `"<new sn>,<new xcatmaster>"`.
    Changed(String),
    /// Set but with fewer than two values: left alone, reported.
    Invalid,
}

/// monserver = "servicenode,xcatmaster": reset when its first value is the old SN.
pub fn monserver(
    value: Option<&str>,
    old_sn: Option<&str>,
    new_sn: &str,
    new_master: &str,
) -> Monserver {
    let Some(v) = value.filter(|v| !v.is_empty()) else {
        return Monserver::Unchanged;
    };
    let parts = split_list(v);
    if parts.len() < 2 {
        return Monserver::Invalid;
    }
    let new_value = format!("{new_sn},{new_master}");
    if old_sn.is_some_and(|o| o == parts[0]) && v != new_value {
        Monserver::Changed(new_value)
    } else {
        Monserver::Unchanged
    }
}

/// nodehm.conserver: becomes the new SN when it was the old SN.
pub fn conserver(value: Option<&str>, old_sn: Option<&str>, new_sn: &str) -> Option<String> {
    let v = value.filter(|v| !v.is_empty())?;
    (old_sn == Some(v) && v != new_sn).then(|| new_sn.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn old(sn: &str, master: &str, ip: &str) -> OldServers {
        let o = |s: &str| (!s.is_empty()).then(|| s.to_string());
        OldServers {
            sn: o(sn),
            master: o(master),
            master_ip: o(ip),
        }
    }

    #[test]
    fn servicenode_lists() {
        assert_eq!(new_servicenode(Some("sn1,sn2"), "sn2"), "sn2,sn1");
        assert_eq!(new_servicenode(Some("sn1,sn2"), "sn3"), "sn3,sn1,sn2");
        assert_eq!(new_servicenode(None, "sn3"), "sn3");
        assert_eq!(new_servicenode(Some("sn2,sn1"), "sn1"), "sn1,sn2");
        assert_eq!(new_servicenode(Some("sn1, sn2 ,sn2"), "sn2"), "sn2,sn1");
        assert_eq!(backup_sn(Some("sn1,sn2")).as_deref(), Some("sn2"));
        assert_eq!(backup_sn(Some("sn1")), None);
        assert_eq!(backup_sn(Some("sn1,")), None);
        assert_eq!(backup_sn(None), None);
        assert_eq!(primary_sn(Some("sn1,sn2")), Some("sn1"));
        assert!(has_more_than_two(Some("a,b,c")));
        assert!(!has_more_than_two(Some("a,b")));
    }

    #[test]
    fn tftp_nfs_follow_the_old_master() {
        let o = old("sn1", "sn1-eth1", "10.0.0.1");
        assert_eq!(
            follow_master(Some("sn1-eth1"), &o, "sn2-eth1").as_deref(),
            Some("sn2-eth1")
        );
        assert_eq!(
            follow_master(Some("10.0.0.1"), &o, "sn2-eth1").as_deref(),
            Some("sn2-eth1")
        );
        assert_eq!(
            follow_master(Some("sn1"), &o, "sn2-eth1").as_deref(),
            Some("sn2-eth1")
        );
        assert_eq!(follow_master(Some("nfs9"), &o, "sn2-eth1"), None);
        assert_eq!(follow_master(None, &o, "sn2"), None);
        assert_eq!(follow_master(Some("x"), &old("", "", ""), "sn2"), None);
    }

    #[test]
    fn monserver_rule() {
        assert_eq!(
            monserver(Some("sn1,sn1-eth1"), Some("sn1"), "sn2", "sn2-eth1"),
            Monserver::Changed("sn2,sn2-eth1".into())
        );
        assert_eq!(
            monserver(Some("mon9,mon9"), Some("sn1"), "sn2", "x"),
            Monserver::Unchanged
        );
        assert_eq!(
            monserver(Some("sn1"), Some("sn1"), "sn2", "x"),
            Monserver::Invalid
        );
        assert_eq!(
            monserver(None, Some("sn1"), "sn2", "x"),
            Monserver::Unchanged
        );
    }

    #[test]
    fn conserver_rule() {
        assert_eq!(
            conserver(Some("sn1"), Some("sn1"), "sn2").as_deref(),
            Some("sn2")
        );
        assert_eq!(conserver(Some("mn"), Some("sn1"), "sn2"), None);
        assert_eq!(conserver(None, Some("sn1"), "sn2"), None);
    }
}
