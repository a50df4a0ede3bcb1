//! The noderange grammar of perl-xCAT/xCAT/NodeRange.pm:619-746 over in-memory tables.

mod inherit_support;

use inherit_support::Fixture;
use std::io::Write;
use xcat_schema::inherit::RowSource;
use xcat_schema::noderange::{expand_in, ExpandOpts, Expansion, NodeRangeError};

fn cluster() -> Fixture {
    let mut m = Fixture::new();
    for i in 1..=20 {
        let rack = if i <= 10 { "rack1" } else { "rack2" };
        let g = format!("all,compute,{rack}");
        m.add("nodelist", &[("node", &format!("node{i}")), ("groups", &g)]);
    }
    for f in ["frame01", "frame02", "frame03"] {
        m.add("nodelist", &[("node", f), ("groups", "all,frame")]);
    }
    for f in 1..=3 {
        for n in 1..=2 {
            m.add(
                "nodelist",
                &[("node", &format!("f{f}n{n}")), ("groups", "fn")],
            );
        }
    }
    for n in ["node001", "node002", "node010"] {
        m.add("nodelist", &[("node", n), ("groups", "pad")]);
    }
    m.add("nodelist", &[("node", "n1-compute"), ("groups", "dash")]);
    m.add("nodelist", &[("node", "n2-compute"), ("groups", "dash")]);
    m.add("nodelist", &[("node", "hmc1"), ("groups", "group1,mgmt")]);
    m.add("nodelist", &[("node", "amm1"), ("groups", "group2,mgmt")]);
    m.add(
        "nodelist",
        &[("node", "old1"), ("groups", "all"), ("disable", "1")],
    );
    m.add(
        "nodehm",
        &[("node", "compute"), ("mgt", "ipmi"), ("cons", "ipmi")],
    );
    m.add("nodehm", &[("node", "node3"), ("cons", "hmc")]);
    m.add("nodehm", &[("node", "frame"), ("mgt", "fsp")]);
    m.add("mp", &[("node", "node5"), ("mpa", "amm1")]);
    m.add("mp", &[("node", "node6"), ("mpa", "amm2")]);
    m.add("mp", &[("node", "node7"), ("mpa", "xamm")]);
    m.add("nodetype", &[("node", "rack2"), ("os", "rhels8")]);
    m.add("nodegroup", &[("groupname", "emptygrp")]);
    m.add(
        "nodegroup",
        &[
            ("groupname", "dyn"),
            ("grouptype", "dynamic"),
            ("wherevals", "mgt==ipmi::os=~^rhels"),
        ],
    );
    m.add(
        "nodegroup",
        &[
            ("groupname", "dyn2"),
            ("grouptype", "dynamic"),
            ("wherevals", "node=~node1"),
        ],
    );
    m
}

fn ex(m: &mut dyn RowSource, range: &str) -> Expansion {
    expand_in(m, range, &ExpandOpts::default()).unwrap()
}

fn nodes(m: &mut dyn RowSource, range: &str) -> Vec<String> {
    let e = ex(m, range);
    assert!(
        e.missing.is_empty(),
        "{range}: unexpected misses {:?}",
        e.missing
    );
    e.nodes
}

fn names(list: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = list.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

fn seq(prefix: &str, r: std::ops::RangeInclusive<u32>) -> Vec<String> {
    let mut v: Vec<String> = r.map(|i| format!("{prefix}{i}")).collect();
    v.sort();
    v
}

#[test]
fn lists_groups_and_stock_sort() {
    cluster().run(|_b, m| {
        assert_eq!(
            nodes(m, "node1,node2,group1"),
            names(&["hmc1", "node1", "node2"])
        );
        // Byte-wise sort: node10 before node2.
        assert_eq!(
            nodes(m, "node2,node10,node1"),
            vec!["node1", "node10", "node2"]
        );
        assert_eq!(nodes(m, "rack1"), seq("node", 1..=10));
        // Quotes are deleted.
        assert_eq!(nodes(m, "'node1',\"node2\""), names(&["node1", "node2"]));
        // Disabled nodelist rows do not exist.
        assert_eq!(ex(m, "old1").missing, vec!["old1"]);
        // A group defined in nodegroup without members: empty, no error.
        assert_eq!(ex(m, "emptygrp"), Expansion::default());
    });
}

#[test]
fn ranges_keep_padding() {
    cluster().run(|_b, m| {
        assert_eq!(
            nodes(m, "node[14-16]"),
            names(&["node14", "node15", "node16"])
        );
        assert_eq!(nodes(m, "node1-node3"), names(&["node1", "node2", "node3"]));
        assert_eq!(
            nodes(m, "frame01-frame03"),
            names(&["frame01", "frame02", "frame03"])
        );
        assert_eq!(nodes(m, "frame01:frame02"), names(&["frame01", "frame02"]));
        assert_eq!(nodes(m, "frame[01-02]"), names(&["frame01", "frame02"]));
        assert_eq!(nodes(m, "node[001-002]"), names(&["node001", "node002"]));
        assert_eq!(nodes(m, "f[1-3]n[1-2]").len(), 6);
        assert_eq!(nodes(m, "f[1,3]n[2]"), names(&["f1n2", "f3n2"]));
        assert_eq!(
            nodes(m, "node10+3"),
            names(&["node10", "node11", "node12", "node13"])
        );
        assert_eq!(nodes(m, "node001+1"), names(&["node001", "node002"]));
        assert_eq!(
            nodes(m, "n1-compute-n2-compute"),
            names(&["n1-compute", "n2-compute"])
        );
        // Missing members of a range are reported one by one, in order.
        let e = ex(m, "node[19-22]");
        assert_eq!(e.nodes, names(&["node19", "node20"]));
        assert_eq!(e.missing, vec!["node21", "node22"]);
        // "001".."010" keeps the width; node003..node009 do not exist.
        let e = ex(m, "node001-node010");
        assert_eq!(e.nodes, names(&["node001", "node002", "node010"]));
        assert_eq!(e.missing.len(), 7);
        assert_eq!(e.missing[0], "node003");
    });
}

#[test]
fn bare_numbers_use_the_prefix() {
    cluster().run(|_b, m| {
        assert_eq!(
            nodes(m, "10-15,-13"),
            names(&["node10", "node11", "node12", "node14", "node15"])
        );
        assert_eq!(nodes(m, "3"), vec!["node3"]);
        let opts = ExpandOpts {
            node_prefix: Some("f1n".into()),
            ..Default::default()
        };
        assert_eq!(expand_in(m, "2", &opts).unwrap().nodes, vec!["f1n2"]);
    });
}

#[test]
fn exclusion_is_applied_last_and_intersection_binds_tighter() {
    cluster().run(|_b, m| {
        let mut all = seq("node", 1..=20);
        all.extend(names(&["frame01", "frame02", "frame03"]));
        all.sort();
        let got = nodes(m, "all,-node11-node20,-frame01-frame03");
        assert_eq!(got, seq("node", 1..=10));
        // Exclusion before the union still wins.
        assert_eq!(nodes(m, "-node17-node20,rack2"), seq("node", 11..=16));
        assert_eq!(nodes(m, "all,-rack1,-frame").len(), 10);
        assert_eq!(nodes(m, "compute@rack1"), seq("node", 1..=10));
        // a,b@c = a ∪ (b ∩ c)
        assert_eq!(
            nodes(m, "frame01,rack1@node[1-2]"),
            names(&["frame01", "node1", "node2"])
        );
        assert_eq!(
            nodes(m, "(rack1,rack2)@node[9-11]"),
            names(&["node10", "node11", "node9"])
        );
        assert_eq!(nodes(m, "all,-(rack1,frame)"), seq("node", 11..=20));
        assert_eq!(nodes(m, "all"), all);
    });
}

#[test]
fn regex_and_attribute_selectors() {
    cluster().run(|_b, m| {
        assert_eq!(nodes(m, "/node1.*"), {
            let mut v = seq("node", 10..=19);
            v.push("node1".into());
            v.sort();
            v
        });
        assert_eq!(nodes(m, "/f.n1"), names(&["f1n1", "f2n1", "f3n1"]));
        // Full-name match only.
        assert!(nodes(m, "/ode1").is_empty());
        assert_eq!(nodes(m, "nodehm.cons==hmc"), vec!["node3"]);
        assert_eq!(
            nodes(m, "mgt==fsp"),
            names(&["frame01", "frame02", "frame03"])
        );
        assert_eq!(nodes(m, "mp.mpa=~/^amm.*/"), names(&["node5", "node6"]));
        assert_eq!(nodes(m, "mp.mpa!~amm"), {
            let mut v: Vec<String> = nodes(m, "all,fn,pad,dash,mgmt");
            v.retain(|n| !["node5", "node6", "node7"].contains(&n.as_str()));
            v
        });
        assert_eq!(nodes(m, "groups=~mgmt").len(), 2);
        assert_eq!(nodes(m, "rack1@nodehm.cons!=hmc").len(), 9);
        // Inheritance: cons comes from the compute group.
        assert_eq!(nodes(m, "nodehm.cons==ipmi").len(), 19);
        // Invalid selectors select nothing and are no misses.
        assert_eq!(ex(m, "nodehm.nosuch==x"), Expansion::default());
    });
}

#[test]
fn dynamic_groups() {
    cluster().run(|_b, m| {
        // mgt from compute, os from rack2.
        assert_eq!(nodes(m, "dyn"), seq("node", 11..=20));
        assert_eq!(nodes(m, "dyn2"), nodes(m, "/node1.*"));
        assert_eq!(nodes(m, "dyn,-node20"), seq("node", 11..=19));
    });
}

#[test]
fn verify_and_no_verify_modes() {
    cluster().run(|_b, m| {
        let e = ex(m, "node1,bogus,node[20-21],x-y-z");
        assert_eq!(e.nodes, vec!["node1", "node20"]);
        assert_eq!(e.missing, vec!["bogus", "node21", "x-y-z"]);
        assert_eq!(
            e.missing_message().unwrap(),
            "Invalid nodes and/or groups in noderange: bogus,node21,x-y-z"
        );
        let nv = ExpandOpts {
            verify: false,
            ..Default::default()
        };
        let e = expand_in(
            m,
            "new[1-3],my-node,a-b-c,/re.*,rack1@node[1-2],new01:new03",
            &nv,
        )
        .unwrap();
        let mut want = names(&[
            "new1", "new2", "new3", "my-node", "a-b-c", "/re.*", "node1", "node2",
        ]);
        want.extend(["new01", "new02", "new03"].map(String::from));
        want.sort();
        assert_eq!(e.nodes, want);
        assert!(e.missing.is_empty());
    });
}

#[test]
fn site_excludenodes_at_top_level() {
    let mut f = cluster();
    f.add(
        "site",
        &[("key", "excludenodes"), ("value", "node1,rack2,nosuch")],
    );
    f.run(|_b, m| {
        assert_eq!(ex(m, "compute").nodes, seq("node", 2..=10));
        // Misses inside excludenodes are not reported.
        assert!(ex(m, "compute").missing.is_empty());
        let opts = ExpandOpts {
            honor_excludenodes: false,
            ..Default::default()
        };
        assert_eq!(expand_in(m, "compute", &opts).unwrap().nodes.len(), 20);
    });
}

#[test]
fn files_are_read_only_when_allowed() {
    cluster().run(|_b, m| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nodes");
        let mut f = std::fs::File::create(&path).unwrap();
        writeln!(
            f,
            "# comment\nnode1: with comment\nnode[2-3]\tx\n^/etc/passwd\n-node1\nframe01 y"
        )
        .unwrap();
        drop(f);
        let allowed = ExpandOpts {
            allow_files: true,
            cwd: Some(dir.path().to_path_buf()),
            ..Default::default()
        };
        let e = expand_in(m, "^nodes,node20", &allowed).unwrap();
        // A "-node1" line cannot remove nodes from the outer set.
        assert_eq!(
            e.nodes,
            names(&["frame01", "node1", "node2", "node20", "node3"])
        );
        assert!(e.missing.is_empty());
        let abs = format!("^{}", path.display());
        assert_eq!(
            expand_in(m, &format!("rack1,-{abs}"), &allowed)
                .unwrap()
                .nodes
                .len(),
            7
        );
        // Not allowed → error; unreadable → nothing.
        let denied = expand_in(m, "^nodes", &ExpandOpts::default());
        assert!(matches!(denied, Err(NodeRangeError::FileNotAllowed(_))));
        assert_eq!(
            expand_in(m, "^nosuchfile", &allowed).unwrap(),
            Expansion::default()
        );
        // File lines that are no nodes are reported as the file, not as its text.
        let secret = dir.path().join("secret");
        std::fs::write(&secret, "root:x:0:0:root:/root:/bin/bash\ntopsecret\n").unwrap();
        let e = expand_in(m, "node1,^secret,bogus", &allowed).unwrap();
        assert_eq!(e.missing, vec!["^secret", "bogus"]);
        assert!(!e.missing_message().unwrap().contains("root"));
    });
}

#[test]
fn pathological_input_is_refused() {
    cluster().run(|_b, m| {
        let r = expand_in(m, "n[1-2000000]", &ExpandOpts::default());
        assert!(matches!(r, Err(NodeRangeError::TooLarge(_))), "{r:?}");
        let small = ExpandOpts {
            max_nodes: 100,
            verify: false,
            ..Default::default()
        };
        assert!(matches!(
            expand_in(m, "x[1-101]", &small),
            Err(NodeRangeError::TooLarge(_))
        ));
        assert!(matches!(
            expand_in(m, "x[1-99999999999999999999999999999999999999999]", &small),
            Err(NodeRangeError::TooLarge(_))
        ));
        let deep = format!("{}node1{}", "(".repeat(5000), ")".repeat(5000));
        assert!(matches!(
            expand_in(m, &deep, &ExpandOpts::default()),
            Err(NodeRangeError::TooLarge(_))
        ));
        assert!(matches!(
            expand_in(m, "(node1", &ExpandOpts::default()),
            Err(NodeRangeError::Syntax(_))
        ));
        assert!(matches!(
            expand_in(m, "/node[", &ExpandOpts::default()),
            Err(NodeRangeError::Syntax(_))
        ));
        // Odd inputs never panic.
        for r in [
            "", ",", "@", "-", "--", "+", "a+", "[", "]", "a[", "a[]", "()", "(,)", "a@@b", ":",
            "::", "n1:", "^", "-^", "é[1-2]", "a[1-é]",
        ] {
            let _ = expand_in(m, r, &ExpandOpts::default());
            let _ = expand_in(
                m,
                r,
                &ExpandOpts {
                    verify: false,
                    ..Default::default()
                },
            );
        }
    });
}

/// 100,001 comma-separated names: every one comes back (the comma split
/// used to rescan the rest of the string per comma, quadratic).
#[test]
fn a_hundred_thousand_names_expand() {
    cluster().run(|_b, m| {
        let names: Vec<String> = (0..=100_000).map(|i| format!("host{i}")).collect();
        let range = names.join(",");
        let opts = ExpandOpts {
            verify: false,
            ..Default::default()
        };
        let e = expand_in(m, &range, &opts).unwrap();
        let mut want = names.clone();
        xcat_schema::noderange::sort_stock(&mut want);
        assert_eq!(e.nodes.len(), 100_001);
        assert_eq!(e.nodes, want);
        // Verify mode: existing nodes among 100,001 names, the rest missed.
        let mut mixed = range.clone();
        mixed.push_str(",node1,node2");
        let e = expand_in(m, &mixed, &ExpandOpts::default()).unwrap();
        assert_eq!(e.nodes, names_of(&["node1", "node2"]));
        assert_eq!(e.missing.len(), 100_001);
        // Brackets and parentheses among many commas keep their meaning.
        let mut grouped = "(node1,node2),node[3-4],".repeat(20_000);
        grouped.push_str("-node2");
        assert_eq!(nodes(m, &grouped), names_of(&["node1", "node3", "node4"]));
    });
}

fn names_of(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// 100,000-level nestings of every bracketing kind: a clear error, no stack
/// overflow, no quadratic rescans.
#[test]
fn a_hundred_thousand_levels_are_refused() {
    cluster().run(|_b, m| {
        const N: usize = 100_000;
        let deep_parens = format!("{}node1{}", "(".repeat(N), ")".repeat(N));
        let deep_brackets = format!("a{}1{}", "[".repeat(N), "]".repeat(N));
        let chained = "a[1-2]".repeat(N);
        let at_parens = format!("{}node1{}", "node1@(".repeat(N), ")".repeat(N));
        let neg_parens = format!("{}node1{}", "all,-(".repeat(N), ")".repeat(N));
        for range in [
            &deep_parens,
            &deep_brackets,
            &chained,
            &at_parens,
            &neg_parens,
        ] {
            for verify in [true, false] {
                let opts = ExpandOpts {
                    verify,
                    ..Default::default()
                };
                match expand_in(m, range, &opts) {
                    Err(NodeRangeError::TooLarge(msg)) => {
                        assert!(msg.contains("noderange"), "{msg}")
                    }
                    other => panic!("{}...: {other:?}", &range[..20]),
                }
            }
        }
        // Unclosed openers count as nesting too.
        let mut commas = "[".repeat(N);
        commas.push_str(&",(".repeat(N));
        for range in [
            format!("a{}", "[".repeat(N)),
            format!("{}node1", "(".repeat(N)),
            commas,
        ] {
            let r = expand_in(m, &range, &ExpandOpts::default());
            assert!(matches!(r, Err(NodeRangeError::TooLarge(_))), "{r:?}");
        }
        // Up to the limit, nesting still works.
        let fine = format!("{}node1{}", "(".repeat(50), ")".repeat(50));
        assert_eq!(nodes(m, &fine), names_of(&["node1"]));
    });
}

/// Found by fuzzing: a bracket whose expansion contains `]` and `[` again
/// regrows into a longer bracket range at every level (exponential text);
/// the generated text is capped.
#[test]
fn regrowing_brackets_are_capped() {
    cluster().run(|_b, m| {
        let range = "0n]2[1-\u{8}\0\0\x31-n]2[1-\u{8}\0\0\0\0\0\0\0\x32}";
        for verify in [true, false] {
            let opts = ExpandOpts {
                verify,
                max_nodes: 10_000,
                ..Default::default()
            };
            let r = expand_in(m, range, &opts);
            assert!(matches!(r, Err(NodeRangeError::TooLarge(_))), "{r:?}");
        }
    });
}
