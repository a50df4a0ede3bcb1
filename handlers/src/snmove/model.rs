//! What snmove knows about the cluster for one run (read once, in one read
//! transaction) and what it decides per node.

use super::resolve::Names;
use super::subnet::Network;
use std::collections::HashMap;

/// The attributes of one node snmove reads (inherited values).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeDef {
    pub name: String,
    pub os: Option<String>,
    pub provmethod: Option<String>,
    pub servicenode: Option<String>,
    pub xcatmaster: Option<String>,
    pub tftpserver: Option<String>,
    pub nfsserver: Option<String>,
    pub monserver: Option<String>,
    pub conserver: Option<String>,
}

impl NodeDef {
    pub fn is_aix(&self) -> bool {
        self.os.as_deref() == Some("AIX")
    }
}

/// `site` keys snmove reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Site {
    pub master: Option<String>,
    pub nimprime: Option<String>,
    /// `no` (default), `sns` or `all`.
    pub sharedinstall: String,
}

/// One active `statelite` row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StateliteRow {
    /// The row's node field (a noderange).
    pub node: String,
    pub image: Option<String>,
    pub statemnt: String,
    pub mntopts: Option<String>,
    pub comments: Option<String>,
    pub disable: Option<String>,
    /// The moved nodes this row applies to (exact names).
    pub members: Vec<String>,
}

/// Postscript lists: per node (inherited) and the `xcatdefaults` row.
#[derive(Debug, Clone, Default)]
pub struct Postscripts {
    pub defaults: (Option<String>, Option<String>),
    pub by_node: HashMap<String, (Option<String>, Option<String>)>,
}

/// Everything read from the database for one run.
pub struct World {
    pub site: Site,
    /// The selected nodes, sorted.
    pub nodes: Vec<NodeDef>,
    pub names: Names,
    pub networks: Vec<Network>,
    pub statelite: Vec<StateliteRow>,
    /// AIX: nimimage.nimtype of each node's provmethod.
    pub nimtype: HashMap<String, String>,
    pub postscripts: Postscripts,
    /// AIX `sharedinstall=sns` only: `site.nimprime` (else `site.master`)
    /// and the osimages of the nodes (`nimimage` rows by name).
    pub nimprime: Option<String>,
    pub images: HashMap<String, crate::nim::model::Image>,
}

/// One column snmove may change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub table: &'static str,
    pub column: &'static str,
    pub old: Option<String>,
    /// `None` = unchanged.
    pub new: Option<String>,
}

impl Column {
    pub fn changed(&self) -> bool {
        self.new.is_some() && self.new != self.old
    }
}

/// The decision for one node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeMove {
    pub node: String,
    pub new_sn: String,
    pub new_master: String,
    pub old_sn: Option<String>,
    pub old_master: Option<String>,
    /// servicenode, xcatmaster, tftpserver, nfsserver, monserver (noderes)
    /// and conserver (nodehm), in that order.
    pub columns: Vec<Column>,
    /// AIX statelite rows rewritten for this node: (new statemnt, source row index).
    pub statelite: Vec<(String, usize)>,
}

impl NodeMove {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.column == name)
    }

    pub fn conserver_changed(&self) -> bool {
        self.column("conserver").is_some_and(Column::changed)
    }
}
