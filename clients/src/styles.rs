//! Which stock client script each command name is linked to (facts from the
//! stock client package's link list), and therefore how its argv becomes a
//! request.

/// How a stock client script turns argv into a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `xcatclient`: the first non-option word is the noderange.
    NodeRange,
    /// `xcatclientnnr`: every word is an `arg`.
    NoNodeRange,
    /// `xcatDBcmds`: every word is an `arg`, stdin sent unless it is a tty,
    /// no `XCAT_*` environment, `^file` made absolute in every operand.
    DbCmds,
    /// `tabrestore`: reads a CSV file into `data` elements.
    TabRestore,
}

const NODERANGE: &[&str] = &[
    "cfghost",
    "chvm",
    "getmacs",
    "imgcapture",
    "litefile",
    "litetree",
    "lsflexnode",
    "lshwconn",
    "lslite",
    "lstree",
    "lsvm",
    "makeconservercf",
    "makedhcp",
    "makedns",
    "makegocons",
    "makehosts",
    "makeknownhosts",
    "mkflexnode",
    "mkhwconn",
    "mkvm",
    "nodech",
    "nodechmac",
    "nodechprofile",
    "nodels",
    "nodepurge",
    "noderefresh",
    "noderegenips",
    "noderm",
    "nodeset",
    "nodestat",
    "postage",
    "rbeacon",
    "rbootseq",
    "renergy",
    "reventlog",
    "rflash",
    "rinv",
    "rmflexnode",
    "rmhwconn",
    "rmhypervisor",
    "rmvm",
    "rnetboot",
    "rpower",
    "rscan",
    "rsetboot",
    "rspreset",
    "rvitals",
    "setupiscsidev",
    "tabgrep",
    "xCATWorld",
    // other packages
    "deploy_ops_bm_node",
    "cleanup_ops_bm_node",
    "opsaddbmnode",
];

const NO_NODERANGE: &[&str] = &[
    "addkit",
    "addkitcomp",
    "bmcdiscover",
    "cfgve",
    "chkkitcomp",
    "chzone",
    "configfpc",
    "copycds",
    "geninitrd",
    "gennr",
    "gettab",
    "ilitefile",
    "imgexport",
    "imgimport",
    "liteimg",
    "lskit",
    "lskitcomp",
    "lskitdeployparam",
    "lskmodules",
    "lsslp",
    "lsve",
    "lsxcatd",
    "makenetworks",
    "makentp",
    "makeroutes",
    "mknb",
    "mkzone",
    "monadd",
    "moncfg",
    "mondecfg",
    "monls",
    "monrm",
    "monshow",
    "monstart",
    "monstop",
    "nodeadd",
    "nodeaddunmged",
    "nodediscoverdef",
    "nodediscoverls",
    "nodediscoverstart",
    "nodediscoverstatus",
    "nodediscoverstop",
    "nodegrpch",
    "nodeimport",
    "packimage",
    "pdudiscover",
    "regnotif",
    "rescanplugins",
    "rmimage",
    "rmkit",
    "rmkitcomp",
    "rmosdistro",
    "rmzone",
    "rollupdate",
    "runrollupdate",
    "sinv",
    "slpdiscover",
    "snmove",
    "swapnodes",
    "switchdiscover",
    "tabch",
    "tabdump",
    "tabprune",
    "unregnotif",
    "webrun",
    "xcatsetup",
    // other packages
    "opsaddimage",
    "webportal",
];

const DB_CMDS: &[&str] = &[
    "chdef",
    "chkosimage",
    "lsdef",
    "mkdef",
    "mkdsklsnode",
    "mknimimage",
    "nimnodecust",
    "nimnodeset",
    "rmdef",
    "rmdsklsnode",
    "rmnimimage",
    "xcat2nim",
];

/// xcatDBcmds commands that also get a `noderange` element.
pub const DB_CMDS_WITH_NODERANGE: &[&str] = &[
    "nimnodeset",
    "mkdsklsnode",
    "rmdsklsnode",
    "xcat2nim",
    "nimnodecust",
];

/// The style of a known command name, `None` for names not in the table.
pub fn style_of(command: &str) -> Option<Style> {
    if command == "tabrestore" {
        Some(Style::TabRestore)
    } else if DB_CMDS.contains(&command) {
        Some(Style::DbCmds)
    } else if NO_NODERANGE.contains(&command) {
        Some(Style::NoNodeRange)
    } else if NODERANGE.contains(&command) {
        Some(Style::NodeRange)
    } else {
        None
    }
}

/// Names under which the binary behaves as a generic stock script, whose
/// first argument is the command.
pub fn generic_script(name: &str) -> Option<Option<Style>> {
    match name {
        "xcatclientnnr" => Some(Some(Style::NoNodeRange)),
        "xcatDBcmds" => Some(Some(Style::DbCmds)),
        // Our own binary name: style from the table, xcatclient by default.
        n if n.contains("xcatclient") => Some(None),
        _ => None,
    }
}

/// Command actually sent for a link name (`chtab` is `tabch`).
pub fn command_for_link(name: &str) -> &str {
    match name {
        "chtab" => "tabch",
        n => n,
    }
}

/// Every link name the binary understands (for installing symlinks).
pub fn all_commands() -> impl Iterator<Item = &'static str> {
    NODERANGE
        .iter()
        .chain(NO_NODERANGE)
        .chain(DB_CMDS)
        .copied()
        .chain(["tabrestore", "chtab", "dumpxCATdb", "restorexCATdb"])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_consistent() {
        assert_eq!(style_of("nodels"), Some(Style::NodeRange));
        assert_eq!(style_of("lsxcatd"), Some(Style::NoNodeRange));
        assert_eq!(style_of("snmove"), Some(Style::NoNodeRange));
        assert_eq!(style_of("lsdef"), Some(Style::DbCmds));
        assert_eq!(style_of("frobnicate"), None);
        let mut all: Vec<_> = all_commands().collect();
        let n = all.len();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), n, "a command is listed twice");
    }
}
