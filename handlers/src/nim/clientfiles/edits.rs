//! The text changes mkdsklsnode makes to NIM's client files, bootptab and
//! dhcpsd.cnf, as pure functions (no file, no command): each returns the new
//! text, and applying one twice changes nothing more (stock appends again
//! on every run; we do not, README compatibility).

/// The `/proc` stanza stock appends to a client's filesystems file
/// (aixinstall.pm:12225).  Stock's shell `echo "…"` drops the quotes around
/// `"/proc"`; we write them, as AIX's own /etc/filesystems has them.
pub const PROC_STANZA: &str = "/proc:\n\tdev\t\t=\t/proc\n\tvol\t\t=\t\"/proc\"\n\tmount\t\t=\ttrue\n\tcheck\t\t=\tfalse\n\tfree\t\t=\tfalse\n\tvfs\t\t=\tprocfs\n";

/// The line stock adds to `<tftpdir>/<nodeip>.info` (aixinstall.pm:11793).
pub const BASECUST_LINE: &str = "export BASECUST_REMOVAL=swapnfs0\n";

fn with_final_newline(text: &str) -> String {
    let mut t = text.to_string();
    if !t.is_empty() && !t.ends_with('\n') {
        t.push('\n');
    }
    t
}

fn replace_first(text: &str, pattern: &str, with: &str) -> String {
    match xcat_schema::user_regex::compile(pattern) {
        Ok(re) => re.replace(text, with).into_owned(),
        Err(_) => text.to_string(),
    }
}

/// `<nodeip>.info` for an external NFS server: the host part of
/// `export SPOT=` and `export ROOT=` becomes `nfshost`, and
/// `<nfsip>:<nfshost> ` goes at the end of `NIM_HOSTS="…"`
/// (aixinstall.pm:12150-12152, the same patterns).
pub fn info_for_nfs_server(text: &str, nfshost: &str, nfsip: &str) -> String {
    // `$` in a replacement is a group reference: names and addresses have none.
    let host = nfshost.replace('$', "");
    let t = replace_first(text, r"(export\s+SPOT=)(.*):", &format!("${{1}}{host}:"));
    let t = replace_first(&t, r"(export\s+ROOT=)(.*):", &format!("${{1}}{host}:"));
    let entry = format!("{nfsip}:{host} ");
    let listed = t
        .lines()
        .any(|l| l.contains("NIM_HOSTS=") && l.contains(&format!(" {entry}")));
    if listed {
        return t;
    }
    replace_first(
        &t,
        r#"(export\s+NIM_HOSTS=.*)""#,
        &format!("${{1}}{entry}\""),
    )
}

/// A hosts file with `<ip> <host>` (stock's `echo` leaves one blank), unless
/// a line already maps that address to that name.
pub fn hosts_with(text: &str, ip: &str, host: &str) -> String {
    let present = text.lines().any(|l| {
        let mut w = l.split('#').next().unwrap_or("").split_whitespace();
        w.next() == Some(ip) && w.any(|n| n == host)
    });
    if present {
        return text.to_string();
    }
    format!("{}{ip} {host}\n", with_final_newline(text))
}

/// A filesystems file with `nodename = host` in the `/` and `/usr` stanzas.
/// Stock's pattern only changes a `nodename` that is the stanza's first
/// line (aixinstall.pm:12192-12193); this changes it wherever it is in the
/// stanza, keeping its indentation.
pub fn filesystems_on(text: &str, host: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut stanza = String::new();
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        if !body.starts_with(char::is_whitespace) && body.trim_end().ends_with(':') {
            stanza = body.trim_end().trim_end_matches(':').to_string();
        }
        let in_root = stanza == "/" || stanza == "/usr";
        match body.split_once('=') {
            Some((key, value)) if in_root && key.trim() == "nodename" => {
                let blanks = value.len() - value.trim_start().len();
                out.push_str(key);
                out.push('=');
                out.push_str(&value[..blanks]);
                out.push_str(host);
                out.push_str(&line[body.len()..]);
            }
            _ => out.push_str(line),
        }
    }
    out
}

/// A filesystems file with the `/proc` stanza, unless `proc:` is in it.
pub fn filesystems_with_proc(text: &str) -> String {
    if text.contains("proc:") {
        return text.to_string();
    }
    format!("{}{PROC_STANZA}", with_final_newline(text))
}

/// A `.info` file with `BASECUST_REMOVAL`, unless it has it.
pub fn info_with_basecust(text: &str) -> String {
    if text.contains("BASECUST_REMOVAL") {
        return text.to_string();
    }
    format!("{}{BASECUST_LINE}", with_final_newline(text))
}

/// Whether `word` occurs in `line` as a whole address (not inside a longer
/// number: stock's `/$ndIP/` also matched 10.0.0.1 in 10.0.0.10).
fn has_address(line: &str, ip: &str) -> bool {
    let addr_char = |c: char| c.is_ascii_hexdigit() || c == '.' || c == ':';
    line.match_indices(ip).any(|(at, _)| {
        let before = line[..at].chars().next_back();
        let after = line[at + ip.len()..].chars().next();
        !before.is_some_and(addr_char) && !after.is_some_and(addr_char)
    })
}

/// dhcpsd.cnf with the node's MAC in its `client` line: the first ` 0 ` of a
/// line naming `client` and the node's address becomes ` <mac> `
/// (aixinstall.pm:11869).
pub fn dhcpsd_with_mac(text: &str, ip: &str, mac: &str) -> String {
    text.split_inclusive('\n')
        .map(|line| {
            if line.contains("client") && has_address(line, ip) {
                line.replacen(" 0 ", &format!(" {mac} "), 1)
            } else {
                line.to_string()
            }
        })
        .collect()
}

/// bootptab with `:ha=<mac>` before `:sa` in the line of host `short`, if
/// that line has no `:ha=` yet (aixinstall.pm:11920-11930).
pub fn bootptab_with_ha(text: &str, short: &str, mac: &str) -> String {
    text.split_inclusive('\n')
        .map(|line| {
            let host = line.split(':').next().unwrap_or("");
            let host = host.split('.').next().unwrap_or(host);
            if host == short && !line.contains(":ha=") {
                line.replacen(":sa", &format!(":ha={mac}:sa"), 1)
            } else {
                line.to_string()
            }
        })
        .collect()
}

/// bootptab with a copy of the first MAC's line for each further MAC not in
/// the file yet, that MAC in place of the first (HFI failover,
/// aixinstall.pm:11962-11990).  MACs compare without regard to case.
pub fn bootptab_with_more_macs(text: &str, macs: &[String]) -> String {
    let lower = text.to_ascii_lowercase();
    let Some(first) = macs.first().map(|m| m.to_ascii_lowercase()) else {
        return text.to_string();
    };
    let Some(model) = text
        .lines()
        .find(|l| l.to_ascii_lowercase().contains(&first))
    else {
        return text.to_string();
    };
    let mut out = with_final_newline(text);
    let mut seen = lower;
    for mac in macs.iter().skip(1) {
        if seen.contains(&mac.to_ascii_lowercase()) {
            continue;
        }
        // Stock's greedy `^(.*)$firstmac(.*)$`: the last occurrence.
        let at = model.to_ascii_lowercase().rfind(&first).unwrap_or(0);
        let line = format!("{}{mac}{}\n", &model[..at], &model[at + first.len()..]);
        seen.push_str(&line.to_ascii_lowercase());
        out.push_str(&line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const INFO: &str = "export NIM_NAME=cn01\nexport SPOT=sn1:/install/nim/spot/71spot/usr\nexport ROOT=sn1:/install/nim/root/cn01\nexport NIM_HOSTS=\" 198.18.0.101:cn01 198.18.0.11:sn1 \"\n";

    #[test]
    fn info_rewrite_is_stocks_and_idempotent() {
        let once = info_for_nfs_server(INFO, "nfs1", "198.18.0.50");
        assert_eq!(once, "export NIM_NAME=cn01\nexport SPOT=nfs1:/install/nim/spot/71spot/usr\nexport ROOT=nfs1:/install/nim/root/cn01\nexport NIM_HOSTS=\" 198.18.0.101:cn01 198.18.0.11:sn1 198.18.0.50:nfs1 \"\n");
        assert_eq!(info_for_nfs_server(&once, "nfs1", "198.18.0.50"), once);
    }

    #[test]
    fn filesystems_nodename_anywhere_in_the_stanza() {
        let fs = "/:\n\tdev\t\t= \"/x\"\n\tnodename\t= sn1\n\n/usr:\n\tnodename = sn1\n\n/home:\n\tnodename = sn1\n";
        assert_eq!(
            filesystems_on(fs, "nfs1"),
            "/:\n\tdev\t\t= \"/x\"\n\tnodename\t= nfs1\n\n/usr:\n\tnodename = nfs1\n\n/home:\n\tnodename = sn1\n"
        );
        let with = filesystems_with_proc("/:\n\tdev = x");
        assert!(with.starts_with("/:\n\tdev = x\n/proc:\n\tdev\t\t=\t/proc\n"));
        assert_eq!(filesystems_with_proc(&with), with);
    }

    #[test]
    fn hosts_and_basecust_once() {
        let h = hosts_with("127.0.0.1 localhost", "198.18.0.50", "nfs1");
        assert_eq!(h, "127.0.0.1 localhost\n198.18.0.50 nfs1\n");
        assert_eq!(hosts_with(&h, "198.18.0.50", "nfs1"), h);
        let i = info_with_basecust("export A=1\n");
        assert_eq!(i, "export A=1\nexport BASECUST_REMOVAL=swapnfs0\n");
        assert_eq!(info_with_basecust(&i), i);
    }

    #[test]
    fn dhcpsd_whole_address_only() {
        let cnf = "client 1 0 198.18.0.10 { option 1 }\nclient 1 0 198.18.0.101 { }\nsubnet 0 198.18.0.10\n";
        assert_eq!(
            dhcpsd_with_mac(cnf, "198.18.0.10", "aabbccddee01"),
            "client 1 aabbccddee01 198.18.0.10 { option 1 }\nclient 1 0 198.18.0.101 { }\nsubnet 0 198.18.0.10\n"
        );
    }

    #[test]
    fn bootptab_ha_and_hfi_lines() {
        let bp = "cn01.cluster:bf=/tftpboot/cn01:ip=198.18.0.101:ht=ethernet:sa=198.18.0.11:sm=255.255.255.0:\ncn011:bf=x:sa=1:\n";
        let once = bootptab_with_ha(bp, "cn01", "aabbccddee01");
        assert_eq!(once, "cn01.cluster:bf=/tftpboot/cn01:ip=198.18.0.101:ht=ethernet:ha=aabbccddee01:sa=198.18.0.11:sm=255.255.255.0:\ncn011:bf=x:sa=1:\n");
        assert_eq!(bootptab_with_ha(&once, "cn01", "aabbccddee01"), once);
        let macs = vec!["AABBCCDDEE01".to_string(), "aabbccddee02".to_string()];
        let more = bootptab_with_more_macs(&once, &macs);
        assert_eq!(
            more,
            format!("{once}cn01.cluster:bf=/tftpboot/cn01:ip=198.18.0.101:ht=ethernet:ha=aabbccddee02:sa=198.18.0.11:sm=255.255.255.0:\n")
        );
        assert_eq!(bootptab_with_more_macs(&more, &macs), more);
        assert_eq!(bootptab_with_more_macs(bp, &macs), bp);
    }
}
