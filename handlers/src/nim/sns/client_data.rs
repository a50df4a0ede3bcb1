//! The sns `.client_data` backup (handlers.md §3.3 item 13, §2.11 item 2):
//! mkdsklsnode copies each node's files from `<shared_root>/etc/.client_data`
//! into `<shared_root>/<SN>_<osimage>/.client_data` on the service node that
//! initialized it; snmove copies them back on the node's new service node.
//! Both sides use these paths and this file rule.

/// `<shared_root location>/etc/.client_data`.
pub fn client_data_dir(sr_location: &str) -> String {
    format!("{}/etc/.client_data", sr_location.trim_end_matches('/'))
}

/// `<shared_root location>/<sn>_<osimage>/.client_data`
/// (xCAT-server/lib/xcat/plugins/aixinstall.pm:12282, snmove.pm:939).
pub fn backup_dir(sr_location: &str, sn: &str, osimage: &str) -> String {
    format!(
        "{}/{sn}_{osimage}/.client_data",
        sr_location.trim_end_matches('/')
    )
}

/// The files of `listing` (one name per line, as `ls` prints them) that
/// belong to `node`: a name one of whose `.`-separated parts is the node's
/// short name (`hosts.cn01`, `filesystems.cn01`, `niminfo.cn01`).  Stock
/// took every name containing the node name as a substring, so `cn1` also
/// got `cn10`'s files (xCAT-server/lib/xcat/plugins/snmove.pm:962); names
/// with a `/` or blanks are never a node's file.
pub fn files_of_node(node: &str, listing: &str) -> Vec<String> {
    let short = node.split('.').next().unwrap_or(node);
    listing
        .lines()
        .map(|l| l.rsplit(": ").next().unwrap_or(l).trim())
        .filter(|f| !f.is_empty() && !f.contains('/') && !f.contains(char::is_whitespace))
        .filter(|f| f.split('.').any(|part| part == short))
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        let sr = "/install/nim/shared_root/71dskls_shared_root";
        assert_eq!(
            backup_dir(sr, "sn1", "71dskls"),
            "/install/nim/shared_root/71dskls_shared_root/sn1_71dskls/.client_data"
        );
        assert_eq!(
            client_data_dir(&format!("{sr}/")),
            "/install/nim/shared_root/71dskls_shared_root/etc/.client_data"
        );
    }

    #[test]
    fn a_nodes_files_by_exact_part() {
        let ls = "hosts.cn1\nhosts.cn10\nfilesystems.cn1\nniminfo.cn10\nsn1: niminfo.cn1\n";
        assert_eq!(
            files_of_node("cn1.cluster", ls),
            ["hosts.cn1", "filesystems.cn1", "niminfo.cn1"]
        );
        assert!(files_of_node("cn2", ls).is_empty());
    }
}
