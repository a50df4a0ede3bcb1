//! The NFS export model: the host's NFS server settings (exports, NFSv4 replication
//! mode, NFSv4 domain) and one export's two renderings — the /etc/exports option string
//! (`lsnfsexp`, `exportfs`) and the `lsnfsexp -c` colon line, whose 7th field is the
//! replica list as a comma list of `dir@host` (aixinstall.pm:12531 splits it so).

use serde::{Deserialize, Serialize};

/// The host's NFS server settings.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct NfsState {
    pub exports: Vec<Export>,
    /// NFSv4 replication mode (`chnfs -R on`).
    pub replication: bool,
    /// NFSv4 local domain (`chnfsdom`); None prints `N/A`.
    pub domain: Option<String>,
}

/// One exported directory.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Export {
    pub dir: String,
    /// NFS versions, e.g. `4` or `3:4` (AIX's `vers=` syntax).
    pub versions: String,
    /// `rw`, `ro` or `rm` (read-mostly).
    pub access: String,
    pub rw_hosts: Vec<String>,
    pub ro_hosts: Vec<String>,
    pub root_hosts: Vec<String>,
    pub access_hosts: Vec<String>,
    pub anonuid: String,
    pub public: bool,
    pub exname: String,
    pub refer: String,
    /// `dir@host` replica locations, in order.
    pub replicas: Vec<String>,
    pub sec: String,
    /// Listed in /etc/exports.
    pub in_file: bool,
    /// Currently exported.
    pub exported: bool,
}

impl Export {
    /// A new export of `dir` with AIX's defaults (NFSv3, rw, anonuid -2), listed in
    /// /etc/exports and exported.
    pub fn new(dir: &str) -> Self {
        Export {
            dir: dir.to_string(),
            versions: "3".into(),
            access: "rw".into(),
            rw_hosts: vec![],
            ro_hosts: vec![],
            root_hosts: vec![],
            access_hosts: vec![],
            anonuid: "-2".into(),
            public: false,
            exname: String::new(),
            refer: String::new(),
            replicas: vec![],
            sec: "sys".into(),
            in_file: true,
            exported: true,
        }
    }

    /// Whether NFS version 4 is among the exported versions.
    pub fn is_v4(&self) -> bool {
        self.versions.split([':', ',']).any(|v| v == "4")
    }

    /// The /etc/exports option string (`-vers=4,replicas=…,rw,root=*`).
    pub fn options(&self) -> String {
        let mut opts = vec![format!("vers={}", self.versions)];
        if self.public {
            opts.push("public".into());
        }
        if !self.exname.is_empty() {
            opts.push(format!("exname={}", self.exname));
        }
        if !self.replicas.is_empty() {
            opts.push(format!("replicas={}", self.replicas.join(":")));
        }
        opts.push(match (self.access.as_str(), self.rw_hosts.is_empty()) {
            ("rw", true) => "rw".to_string(),
            ("rw", false) => format!("rw={}", self.rw_hosts.join(":")),
            ("ro", _) if !self.ro_hosts.is_empty() => format!("ro={}", self.ro_hosts.join(":")),
            (other, _) => other.to_string(),
        });
        if !self.root_hosts.is_empty() {
            opts.push(format!("root={}", self.root_hosts.join(":")));
        }
        if !self.access_hosts.is_empty() {
            opts.push(format!("access={}", self.access_hosts.join(":")));
        }
        if self.sec != "sys" {
            opts.push(format!("sec={}", self.sec));
        }
        format!("-{}", opts.join(","))
    }

    /// One `lsnfsexp -c` line: directory:anonuid:public:versions:exname:refer:replica:
    /// access:rw hosts:ro hosts:root hosts:access hosts:sec:
    pub fn colon_line(&self) -> String {
        let fields = [
            self.dir.clone(),
            self.anonuid.clone(),
            if self.public { "yes" } else { "no" }.into(),
            self.versions.replace(':', ","),
            self.exname.clone(),
            self.refer.clone(),
            self.replicas.join(","),
            self.access.clone(),
            self.rw_hosts.join(","),
            self.ro_hosts.join(","),
            self.root_hosts.join(","),
            self.access_hosts.join(","),
            self.sec.clone(),
        ];
        format!("{}:", fields.join(":"))
    }
}

/// The `lsnfsexp -c` header line.
pub const COLON_HEADER: &str =
    "#directory:anonuid:public:versions:exname:refer:replica:access:rw:ro:root:access_list:sec:";
