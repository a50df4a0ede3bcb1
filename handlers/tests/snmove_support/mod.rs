//! Snmove-specific test support on top of `common`: the issue-5 cluster
//! (sn1/sn2 and 20 compute nodes), running snmove, noderes rows in the
//! format of `snmove-db-diffs.txt`, and the stock outputs to compare with.
#![allow(dead_code)]

#[path = "../common/mod.rs"]
mod common;

pub use common::*;

use xcat_handlers::api::Handler;
use xcat_proto::{Request, Response};

/// Snmove helpers on the common environment.
impl Env {
    /// Insert rows: `(table, [(col, value)…])`.
    pub fn insert(&self, table: &str, cols: &[(&str, &str)]) {
        let names: Vec<&str> = cols.iter().map(|c| c.0).collect();
        let values: Vec<Option<&str>> = cols.iter().map(|c| Some(c.1)).collect();
        self.db
            .write(|c| c.insert(table, &names, &values))
            .unwrap_or_else(|e| panic!("{}: insert {table}: {e}", self.label));
    }

    pub fn set(&self, table: &str, keys: &[(&str, &str)], values: &[(&str, Option<&str>)]) {
        self.db
            .write(|c| c.set_attribs(table, keys, values))
            .unwrap_or_else(|e| panic!("{}: set {table}: {e}", self.label));
    }

    /// The issue-5 cluster, as the stock runs had it: site.master=mn,
    /// xcatdefaults postscripts, sn1/sn2 (hosts only), cn01..cn20 in
    /// compute,all with servicenode=sn1,sn2 and xcatmaster=sn1 on their own
    /// rows, every address in the hosts table.
    pub fn seed(&self) {
        self.insert("site", &[("key", "master"), ("value", "mn")]);
        self.insert(
            "postscripts",
            &[
                ("node", "xcatdefaults"),
                ("postscripts", "syslog,remoteshell,syncfiles"),
                ("postbootscripts", "otherpkgs"),
            ],
        );
        self.insert("hosts", &[("node", "sn1"), ("ip", "127.1.0.1")]);
        self.insert("hosts", &[("node", "sn2"), ("ip", "127.1.0.2")]);
        for i in 1..=20 {
            let n = format!("cn{i:02}");
            let ip = format!("127.2.0.{i}");
            self.insert("nodelist", &[("node", &n), ("groups", "compute,all")]);
            self.insert(
                "noderes",
                &[
                    ("node", &n),
                    ("servicenode", "sn1,sn2"),
                    ("xcatmaster", "sn1"),
                ],
            );
            self.insert("hosts", &[("node", &n), ("ip", &ip)]);
        }
    }

    /// Run snmove with these words in `arg`; the responses in order.
    pub fn snmove(&self, args: &[&str]) -> Vec<Response> {
        let mut req = Request::new("snmove");
        req.set_args(args);
        req.set("cwd", "/tmp");
        let h = xcat_handlers::snmove::Snmove;
        let mut out: Vec<Response> = Vec::new();
        if let Err(e) = h.process(&self.ctx, &req, &mut out) {
            out.push(Response::new().error(e.to_string()));
        }
        out
    }

    /// One column of a node's own row.
    pub fn raw(&self, table: &str, node: &str, col: &str) -> Option<String> {
        self.db
            .read(|c| c.select(table, &[col], &[("node", node)], false))
            .unwrap()
            .first()
            .and_then(|r| r[0].clone())
            .filter(|s| !s.is_empty())
    }

    /// A node's noderes row as in snmove-db-diffs.txt (CSV, quoted when needed).
    pub fn noderes_line(&self, node: &str) -> String {
        let rows = self
            .db
            .read(|c| c.select("noderes", &NODERES_COLS, &[("node", node)], false))
            .unwrap();
        let row = rows
            .first()
            .unwrap_or_else(|| panic!("no noderes row for {node}"));
        row.iter()
            .map(|v| {
                let v = v.clone().unwrap_or_default();
                if v.contains(',') || v.contains('"') {
                    format!("\"{}\"", v.replace('"', "\"\""))
                } else {
                    v
                }
            })
            .collect::<Vec<_>>()
            .join(",")
    }

    pub fn all_noderes(&self) -> Vec<String> {
        (1..=20)
            .map(|i| self.noderes_line(&format!("cn{i:02}")))
            .collect()
    }
}

pub const NODERES_COLS: [&str; 22] = [
    "node",
    "servicenode",
    "netboot",
    "tftpserver",
    "tftpdir",
    "nfsserver",
    "monserver",
    "nfsdir",
    "installnic",
    "primarynic",
    "discoverynics",
    "cmdinterface",
    "xcatmaster",
    "current_osimage",
    "next_osimage",
    "nimserver",
    "routenames",
    "nameservers",
    "proxydhcp",
    "syslog",
    "comments",
    "disable",
];

/// The responses as the stock client prints them (source host `vm`).
pub fn render(responses: &[Response]) -> xcat_client::Printed {
    print_from(responses, "vm")
}

/// (stdout, stderr, exit code) the stock client printed in a wire fixture.
pub fn fixture_output(name: &str) -> (String, String, i32) {
    let f = fixture_file(name);
    (f.stdout, f.stderr, f.exit_code)
}

/// Lines of a section of snmove-db-diffs.txt starting with `prefix` (`<`/`>`).
pub fn diff_lines(section: &str, prefix: &str) -> Vec<String> {
    let path = fixtures_dir().join("stock-outputs/snmove-db-diffs.txt");
    let text = std::fs::read_to_string(path).unwrap();
    let body = text.split(&format!("## {section}")).nth(1).unwrap_or("");
    let body = body.split("\n## ").next().unwrap_or("");
    body.lines()
        .filter_map(|l| l.strip_prefix(prefix).map(|s| s.trim_start().to_string()))
        .collect()
}
