//! Every user-visible snmove text.  The stock ones keep their exact wording
//! (typos included, clients and scripts match on them); the ones this daemon
//! adds say so.

pub const P_AND_I: &str = "-P and -i flags cannot be specified at the same time.\n";
pub const TOO_MANY: &str = "Too many paramters.\n";
pub const NEED_RANGE_OR_SOURCE: &str =
    "A node range or the source service node must be specified.\n";
pub const MOVING: &str = "Moving nodes to their backup service nodes.\n";
pub const NO_OBJDEFS: &str = "Could not get xCAT object definitions.\n";
pub const MIX: &str = "This command does not support a mix of AIX and Linux nodes.\n";
pub const LITE_LINUX: &str = "The '-l' option is not supported for Linux nodes.\n";
pub const MORE_THAN_TWO: &str = "The service node attribute cannot have more than two values.";
pub const MONSERVER_INVALID: &str =
    "The current value of the monserver attribute is not valid.  It will not be reset.\n";
pub const LITE_SHARED: &str =
    "The liteonly option is not valaid when using a shared file system across service nodes.\n";
pub const SYNC_ATTEMPT: &str = "Attempting the synchronization of statelite files.\n";
pub const SETTING: &str = "Setting new values in the xCAT database.\n";
pub const UPDATE_FAILED: &str = "Could not update xCAT node definitions.\n";
pub const XCATINFO: &str = "Updating the /etc/xcatinfo files.\n";
pub const ROUTES: &str = "Checking the default routes on the nodes.";
pub const ROUTE_FAILED: &str = "Could not set default route.\n";
pub const BOOTLIST: &str = "Updating the bootlist.\n";
pub const POSTSCRIPTS: &str = "Running postscripts on the nodes.";
pub const NODESET_FAILED: &str = "Could not run the nodeset command.\n";

pub fn invalid_nodes(missing: &[String]) -> String {
    format!("Invalid nodes in noderange:{}", missing.join(","))
}

pub fn cannot_resolve(node: &str) -> String {
    format!("Could not resolve node '{node}'.\n")
}

pub fn no_backup(node: &str) -> String {
    format!("Could not determine a backup service node for node {node}.")
}

pub fn no_sn_addresses(sn: &str) -> String {
    format!("Could not get IP addresses from service node {sn}.\n")
}

pub fn no_xcatmaster(node: &str) -> String {
    format!("Could not determine an xcatmaster value for node {node}.")
}

pub fn sync_failed(dodir: &str) -> String {
    format!("Could not sync statelite '{dodir}'.")
}

pub fn syncing(dodir: &str, new_master: &str) -> String {
    format!("Synchronizing {dodir} to {new_master}\n")
}

pub fn running_makeconservercf(nodes: &[String]) -> String {
    format!("Running makeconservercf {}", nodes.join(","))
}

pub fn niminit_running(node: &str) -> String {
    format!("Running niminit on {node}.\n")
}

pub fn niminit_failed(node: &str) -> String {
    format!("Could not run niminit on node {node}.\n")
}

pub fn could_not_run(cmd: &str, node: &str) -> String {
    format!("Could not run '{cmd}' on node {node}.\n")
}

/// Not in stock: `-l` asks for the statelite sync only, which does not exist
/// when the service nodes share one file system (`sharedinstall=all`); stock
/// silently performed a full move instead.
pub const LITE_ALL: &str = "The liteonly option is not valid when all service nodes share one file system (site.sharedinstall=all): there is nothing to synchronize. No node was moved.\n";

/// Not in stock: a post-move action failed; the database move stands.
pub fn action_failed(action: &str, nodes: &[String]) -> String {
    format!(
        "The nodes were moved in the xCAT database, but '{action}' failed for: {}.",
        nodes.join(",")
    )
}

/// Not in stock: verbose line before a command runs.
pub fn running_on(target: &str, cmd: &str) -> String {
    format!("Running command on {target}: {cmd}")
}

/// Not in stock: verbose line before an internal request.
pub fn running_internal(line: &str) -> String {
    format!("Running internal xCAT command: {line} ... ")
}
