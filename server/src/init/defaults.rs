//! The rows `xcatconfig -d -m` writes on a new Linux management node, in the
//! order a stock install leaves them (fixture 03-tabdump-site):
//! site defaults, the policy rows of the Linux MN, the `xcatdefaults` and
//! `service` postscripts rows, and the MN's own `__mgmtnode` entries.

use super::host::HostFacts;

/// `(key, value)` rows of the site table, in insertion order.
///
/// Differences a reader may notice: `xcatconfdir` is the confdir being
/// initialised (stock always writes `/etc/xcat`, which is also our default);
/// `forwarders` comes right after `master` when there are any; `domain` is
/// written last and only when non-empty, which is where a stock install that
/// had no domain at `xcatconfig` time ends up having it (fixture 03).
pub fn site_rows(facts: &HostFacts, confdir: &str) -> Vec<(&'static str, String)> {
    let mut rows: Vec<(&'static str, String)> = Vec::new();
    let mut put = |k: &'static str, v: &str| rows.push((k, v.to_string()));
    put("blademaxp", "64");
    put("fsptimeout", "0");
    put("installdir", "/install");
    put("ipmimaxp", "64");
    put("ipmiretries", "3");
    put("ipmitimeout", "2");
    put("consoleondemand", "no");
    put("master", &facts.master);
    if !facts.forwarders.is_empty() {
        put("forwarders", &facts.forwarders);
    }
    put("nameservers", &facts.master);
    put("maxssh", "8");
    put("ppcmaxp", "64");
    put("ppcretry", "3");
    put("ppctimeout", "0");
    put("powerinterval", "0");
    put("syspowerinterval", "0");
    put("sharedtftp", "1");
    put("SNsyncfiledir", "/var/xcat/syncfiles");
    put("nodesyncfiledir", "/var/xcat/node/syncfiles");
    put("tftpdir", "/tftpboot");
    put("xcatdport", "3001");
    put("xcatiport", "3002");
    put("xcatconfdir", confdir);
    put("timezone", &facts.timezone);
    put("useNmapfromMN", "no");
    put("enableASMI", "no");
    put("db2installloc", "/mntdb2");
    put("databaseloc", "/var/lib");
    put("sshbetweennodes", "ALLGROUPS");
    put("dnshandler", "ddns");
    put("vsftp", "n");
    put("cleanupxcatpost", "no");
    put("cleanupdiskfullxcatpost", "no");
    put("dhcplease", "43200");
    put("auditnosyslog", "0");
    put("xcattlspolicy", "modern");
    put("auditskipcmds", "ALL");
    put("xcatlport", "3003");
    if !facts.domain.is_empty() {
        put("domain", &facts.domain);
    }
    rows
}

/// One policy row: priority, name, commands, rule.
pub struct PolicyRow {
    pub priority: &'static str,
    pub name: Option<String>,
    pub commands: Option<&'static str>,
    pub rule: &'static str,
}

/// The Linux management node's policy rows.  Row 1.2
/// trusts the MN's own certificate name; it is left out when no server
/// certificate exists (as stock does).
pub fn policy_rows(mn_cert_cn: Option<&str>) -> Vec<PolicyRow> {
    let allow = |priority: &'static str, command: &'static str| PolicyRow {
        priority,
        name: None,
        commands: Some(command),
        rule: "allow",
    };
    let mut rows = vec![PolicyRow {
        priority: "1",
        name: Some("root".to_string()),
        commands: None,
        rule: "allow",
    }];
    if let Some(cn) = mn_cert_cn.filter(|c| !c.is_empty()) {
        rows.push(PolicyRow {
            priority: "1.2",
            name: Some(cn.to_string()),
            commands: None,
            rule: "trusted",
        });
    }
    rows.extend([
        allow("2", "getbmcconfig"),
        allow("2.1", "remoteimmsetup"),
        allow("2.3", "lsxcatd"),
        allow("3", "nextdestiny"),
        allow("4", "getdestiny"),
        allow("4.4", "getpostscript"),
        allow("4.5", "getcredentials"),
        allow("4.6", "syncfiles"),
        allow("4.7", "litefile"),
        allow("4.8", "litetree"),
        allow("4.9", "getadapter"),
    ]);
    rows
}

/// `postscripts` rows: (node, postscripts, postbootscripts).
pub fn postscripts_rows() -> Vec<(&'static str, &'static str, Option<&'static str>)> {
    vec![
        (
            "xcatdefaults",
            "syslog,remoteshell,syncfiles",
            Some("otherpkgs"),
        ),
        ("service", "servicenode", None),
    ]
}

/// Group of the management node(s).
pub const MGMT_GROUP: &str = "__mgmtnode";
