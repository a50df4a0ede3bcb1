//! runbeginpre / runendpre: nothing to do with an empty table, the
//! `xcatdefaults` row before each node's own scripts, `action:` selection,
//! stock's environment (`NODES`, `ACTION`), `MAX_INSTANCE` runs per node,
//! return codes (1 goes on, above 1 stops), refused script names; real
//! scripts run without a shell.

mod nim_support;

use nim_support::*;
use std::path::PathBuf;
use xcat_handlers::api::Handler;
use xcat_handlers::prescripts::Prescripts;
use xcat_proto::{Request, Response};

struct Rig {
    env: Env,
    dir: tempfile::TempDir,
}

impl Rig {
    fn new() -> Rig {
        let env = sqlite();
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("install/prescripts")).unwrap();
        let rig = Rig { env, dir };
        let install = rig.dir.path().join("install");
        rig.ins(
            "site",
            &[("key", "installdir"), ("value", install.to_str().unwrap())],
        );
        for n in ["cn01", "cn02", "cn03"] {
            rig.ins("nodelist", &[("node", n), ("groups", "compute")]);
        }
        rig
    }

    fn ins(&self, t: &str, cols: &[(&str, &str)]) {
        ins(&self.env, t, cols);
    }

    fn log(&self) -> PathBuf {
        self.dir.path().join("log")
    }

    /// A script that logs its name, NODES and ACTION, prints `out` and exits `rc`.
    fn script(&self, name: &str, extra: &str, out: &str, rc: i32) {
        let p = self.dir.path().join("install/prescripts").join(name);
        let text = format!(
            "#!/bin/sh\n{extra}\necho \"{name} $NODES $ACTION\" >> '{}'\nprintf '{out}'\nexit {rc}\n",
            self.log().display()
        );
        write_exec(&p, &text);
    }

    fn run(&self, command: &str, nodes: &[&str], action: &str) -> Out {
        let mut req = Request::new(command);
        req.set_nodes(nodes);
        req.set_args(&[action, "-l"]);
        let mut docs: Vec<Response> = Vec::new();
        Prescripts
            .process(&ctx_on(&self.env, "sn1"), &req, &mut docs)
            .unwrap();
        output(docs)
    }

    fn logged(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_to_string(self.log())
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect();
        v.sort();
        v
    }
}

#[test]
fn empty_table_does_nothing() {
    let rig = Rig::new();
    let out = rig.run("runbeginpre", &["cn01"], "remove");
    assert!(out.docs.is_empty());
    assert!(rig.logged().is_empty());
}

#[test]
fn defaults_first_then_the_node_scripts_grouped_by_list() {
    let rig = Rig::new();
    for s in ["d1", "n1", "n2"] {
        rig.script(s, "", "", 0);
    }
    rig.ins("prescripts", &[("node", "xcatdefaults"), ("begin", "d1")]);
    rig.ins(
        "prescripts",
        &[("node", "cn01"), ("begin", "standalone:x|remove:n1")],
    );
    rig.ins("prescripts", &[("node", "cn02"), ("begin", "n1")]);
    rig.ins(
        "prescripts",
        &[("node", "cn03"), ("begin", "n2"), ("end", "x")],
    );
    let out = rig.run("runbeginpre", &["cn01", "cn02", "cn03"], "remove");
    assert_eq!(
        out.stdout,
        "sn1: Running begin script d1 for nodes cn01,cn02.\n\
         sn1: Running begin script n1 for nodes cn01,cn02.\n\
         sn1: Running begin script d1 for nodes cn03.\n\
         sn1: Running begin script n2 for nodes cn03.\n"
    );
    assert_eq!((out.stderr.as_str(), out.exit), ("", 0));
    assert_eq!(
        rig.logged(),
        [
            "d1 cn01,cn02 remove",
            "d1 cn03 remove",
            "n1 cn01,cn02 remove",
            "n2 cn03 remove"
        ]
    );
}

#[test]
fn max_instance_runs_once_per_node() {
    let rig = Rig::new();
    rig.script("p", "#xCAT setting: MAX_INSTANCE=2", "hi", 0);
    rig.ins("prescripts", &[("node", "compute"), ("end", "p")]);
    let out = rig.run("runendpre", &["cn01", "cn02", "cn03"], "standalone");
    assert_eq!(
        out.stdout,
        "sn1: Running end script p for nodes cn01,cn02,cn03.\n\
         sn1: p: node=cn01. hi\nsn1: p: node=cn02. hi\nsn1: p: node=cn03. hi\n"
    );
    assert_eq!(
        rig.logged(),
        [
            "p cn01 standalone",
            "p cn02 standalone",
            "p cn03 standalone"
        ]
    );
}

#[test]
fn return_codes_bad_names_and_errors() {
    let rig = Rig::new();
    rig.script("one", "", "soft", 1);
    rig.script("two", "", "hard", 2);
    rig.script("three", "", "", 0);
    rig.ins(
        "prescripts",
        &[("node", "cn01"), ("begin", "../x,one,two,three")],
    );
    let out = rig.run("runbeginpre", &["cn01"], "remove");
    assert_eq!(
        out.stdout,
        "sn1: Running begin script one for nodes cn01.\nsn1: Running begin script two for nodes cn01.\n"
    );
    assert_eq!(
        out.stderr,
        "Error: sn1: ../x: not a valid prescript name.\n\
         Error: sn1: one: return code=1. Error message=soft\n\
         Error: sn1: two: return code=2. Error message=hard\n"
    );
    assert_eq!(out.exit, 1);
    assert_eq!(rig.logged(), ["one cn01 remove", "two cn01 remove"]);
}

#[test]
fn local_requests_stay_here_others_go_to_each_service_node() {
    let rig = Rig::new();
    rig.ins("site", &[("key", "master"), ("value", "mn")]);
    rig.ins("noderes", &[("node", "cn01"), ("servicenode", "sn1,sn2")]);
    let mut req = Request::new("runendpre");
    req.set_nodes(&["cn01", "cn02"]);
    req.set_args(&["remove"]);
    let parts = Prescripts
        .preprocess(&ctx_on(&rig.env, "mn"), req.clone())
        .unwrap();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(
        part_summary(&parts),
        [
            ("mn".to_string(), s(&["cn02"])),
            ("sn1".to_string(), s(&["cn01"])),
            ("sn2".to_string(), s(&["cn01"])),
        ]
    );
    assert!(parts
        .iter()
        .all(|p| p.request.get("_xcatpreprocessed") == Some("1")));
    req.set_args(&["remove", "-l"]);
    let parts = Prescripts
        .preprocess(&ctx_on(&rig.env, "sn1"), req)
        .unwrap();
    assert_eq!(
        part_summary(&parts),
        [(String::new(), s(&["cn01", "cn02"]))]
    );
}
