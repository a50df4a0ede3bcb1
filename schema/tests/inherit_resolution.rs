//! Node attribute resolution over in-memory tables: own row,
//! per-attribute inheritance in group order, hierarchical attributes, regex
//! rows per node, disabled rows, empty values, attribution, keep_raw.

mod inherit_support;

use inherit_support::Fixture;
use xcat_schema::inherit::{InheritCtx, NodeAttrs, ResolvedRow, RowSource};

fn db() -> Fixture {
    let mut m = Fixture::new();
    m.add("nodelist", &[("node", "node1"), ("groups", "mygroup,all")]);
    m.add("nodelist", &[("node", "node2"), ("groups", "mygroup,all")]);
    m.add(
        "nodelist",
        &[("node", "n3"), ("groups", "rack1,compute,all")],
    );
    m.add("nodelist", &[("node", "n4"), ("groups", "compute,rack1")]);
    m.add(
        "nodelist",
        &[("node", "gone"), ("groups", "all"), ("disable", "1")],
    );
    // xcatdb(5) example.
    m.add(
        "nodehm",
        &[
            ("node", "mygroup"),
            ("mgt", "ipmi"),
            ("serialspeed", "19200"),
        ],
    );
    m.add(
        "nodehm",
        &[("node", "node1"), ("serialspeed", "115200"), ("mgt", "")],
    );
    // Per-attribute resolution from different groups.
    m.add("nodehm", &[("node", "rack1"), ("power", "pdu")]);
    m.add(
        "nodehm",
        &[("node", "compute"), ("mgt", "openbmc"), ("power", "bmc")],
    );
    m.add(
        "nodehm",
        &[("node", "all"), ("cons", "openbmc"), ("mgt", "kvm")],
    );
    m.add(
        "nodehm",
        &[
            ("node", "n4"),
            ("power", "mine"),
            ("cons", "ipmi"),
            ("disable", "yes"),
        ],
    );
    m
}

fn resolve(m: &mut dyn RowSource, table: &str, cols: &[&str], node: &str) -> Vec<ResolvedRow> {
    let ctx = InheritCtx::load(m).unwrap();
    let mut attrs = NodeAttrs::load(m, &ctx, table, cols).unwrap();
    attrs.resolve(node)
}

fn vals(rows: &[ResolvedRow]) -> Vec<Vec<Option<&str>>> {
    rows.iter()
        .map(|r| r.values.iter().map(|v| v.as_deref()).collect())
        .collect()
}

fn from(rows: &[ResolvedRow]) -> Vec<Vec<Option<&str>>> {
    rows.iter()
        .map(|r| r.from.iter().map(|v| v.as_deref()).collect())
        .collect()
}

#[test]
fn own_row_then_group_per_attribute() {
    let f = db();
    f.run(|_b, m| {
        let cols = ["mgt", "serialspeed"];
        let r = resolve(m, "nodehm", &cols, "node1");
        // Empty own mgt does not block inheritance.
        assert_eq!(vals(&r), vec![vec![Some("ipmi"), Some("115200")]]);
        assert_eq!(from(&r), vec![vec![Some("mygroup"), None]]);
        let r = resolve(m, "nodehm", &cols, "node2");
        assert_eq!(vals(&r), vec![vec![Some("ipmi"), Some("19200")]]);
        assert_eq!(from(&r), vec![vec![Some("mygroup"), Some("mygroup")]]);
    });
}

#[test]
fn group_order_and_disabled_rows() {
    let f = db();
    f.run(|_b, m| {
        let cols = ["power", "mgt", "cons"];
        // n3: rack1 (power) , compute (mgt; power already set), all (cons).
        let r = resolve(m, "nodehm", &cols, "n3");
        assert_eq!(
            vals(&r),
            vec![vec![Some("pdu"), Some("openbmc"), Some("openbmc")]]
        );
        assert_eq!(
            from(&r),
            vec![vec![Some("rack1"), Some("compute"), Some("all")]]
        );
        // n4: its own row is disabled (ignored); compute first → power=bmc.
        let r = resolve(m, "nodehm", &cols, "n4");
        assert_eq!(vals(&r), vec![vec![Some("bmc"), Some("openbmc"), None]]);
        // Unknown node / node without any value: nothing.
        assert!(resolve(m, "nodehm", &cols, "nosuch").is_empty());
        assert!(resolve(m, "nodehm", &["getmac"], "n3").is_empty());
    });
}

#[test]
fn nodelist_never_inherits() {
    let mut f = db();
    f.add("nodelist", &[("node", "all"), ("status", "booted")]);
    f.run(|_b, m| {
        let r = resolve(m, "nodelist", &["status"], "n3");
        assert!(r.is_empty());
        let r = resolve(m, "nodelist", &["node", "groups"], "n3");
        assert_eq!(vals(&r), vec![vec![Some("n3"), Some("rack1,compute,all")]]);
    });
}

#[test]
fn hierarchical_attributes_concatenate_and_dedup() {
    let mut f = db();
    f.add(
        "site",
        &[
            ("key", "hierarchicalattrs"),
            ("value", "postscripts,postbootscripts:;"),
        ],
    );
    f.add(
        "postscripts",
        &[
            ("node", "n3"),
            ("postscripts", "own1,common"),
            ("postbootscripts", "b1"),
        ],
    );
    f.add(
        "postscripts",
        &[("node", "rack1"), ("postscripts", "r1,common")],
    );
    f.add(
        "postscripts",
        &[
            ("node", "compute"),
            ("postscripts", "c1"),
            ("postbootscripts", "b2;b1"),
        ],
    );
    f.add(
        "postscripts",
        &[("node", "all"), ("postscripts", "syslog,remoteshell")],
    );
    f.run(|_b, m| {
        let cols = ["postscripts", "postbootscripts"];
        let r = resolve(m, "postscripts", &cols, "n3");
        assert_eq!(
            vals(&r),
            vec![vec![
                Some("own1,common,r1,c1,syslog,remoteshell"),
                Some("b1;b2")
            ]]
        );
        assert_eq!(
            from(&r),
            vec![vec![Some("n3,rack1,compute,all"), Some("n3,compute")]]
        );
        // No own row: the first group starts the list.
        let r = resolve(m, "postscripts", &cols, "n4");
        assert_eq!(vals(&r), vec![vec![Some("c1,r1,common"), Some("b2;b1")]]);
        assert_eq!(from(&r), vec![vec![Some("compute,rack1"), Some("compute")]]);
    });
}

#[test]
fn regex_rows_are_evaluated_per_node() {
    let mut f = db();
    f.add(
        "hosts",
        &[("node", "compute"), ("ip", r"|\D+(\d+)|10.0.0.($1+0)|")],
    );
    f.add("ipmi", &[("node", "compute"), ("bmc", r"/\z/-bmc/")]);
    f.add("ipmi", &[("node", "n4"), ("bmc", r"|^.*$||")]);
    f.run(|_b, m| {
        assert_eq!(
            vals(&resolve(m, "hosts", &["ip"], "n3")),
            vec![vec![Some("10.0.0.3")]]
        );
        assert_eq!(
            vals(&resolve(m, "hosts", &["ip"], "n4")),
            vec![vec![Some("10.0.0.4")]]
        );
        assert_eq!(
            vals(&resolve(m, "ipmi", &["bmc"], "n3")),
            vec![vec![Some("n3-bmc")]]
        );
        // The magic |^.*$|| of `nodech n4 ipmi.bmc=` forces "unset" over the group value.
        assert_eq!(vals(&resolve(m, "ipmi", &["bmc"], "n4")), vec![vec![None]]);
    });
}

#[test]
fn node_key_column_and_keep_raw() {
    let mut f = db();
    f.add(
        "noderes",
        &[
            ("node", "compute"),
            ("netboot", "xnba"),
            ("primarynic", "eth0"),
        ],
    );
    f.run(|_b, m| {
        let ctx = InheritCtx::load(m).unwrap();
        let mut a =
            NodeAttrs::load(m, &ctx, "noderes", &["node", "netboot", "primarynic"]).unwrap();
        let r = a.resolve("n3");
        assert_eq!(vals(&r), vec![vec![Some("n3"), Some("xnba"), Some("eth0")]]);
        assert_eq!(from(&r), vec![vec![None, Some("compute"), Some("compute")]]);
        let raw = a.resolve_raw("compute");
        assert_eq!(
            vals(&raw),
            vec![vec![Some("compute"), Some("xnba"), Some("eth0")]]
        );
        assert!(a.resolve_raw("n3").is_empty());
    });
}

#[test]
fn multi_row_tables_combine() {
    let mut f = db();
    f.add(
        "switch",
        &[("node", "n3"), ("switch", "sw1"), ("port", "1")],
    );
    f.add(
        "switch",
        &[("node", "n3"), ("switch", "sw2"), ("port", "7")],
    );
    f.add(
        "switch",
        &[
            ("node", "compute"),
            ("switch", "swc"),
            ("port", "9"),
            ("vlan", "12"),
        ],
    );
    f.add(
        "switch",
        &[
            ("node", "compute"),
            ("switch", "swd"),
            ("port", "9"),
            ("vlan", "13"),
        ],
    );
    f.run(|_b, m| {
        let r = resolve(m, "switch", &["switch", "port", "vlan"], "n3");
        // vlan missing on both own rows → each group row combined with each own row.
        assert_eq!(
            vals(&r),
            vec![
                vec![Some("sw1"), Some("1"), Some("12")],
                vec![Some("sw2"), Some("7"), Some("12")],
                vec![Some("sw1"), Some("1"), Some("13")],
                vec![Some("sw2"), Some("7"), Some("13")],
            ]
        );
        let r = resolve(m, "switch", &["switch", "port"], "n4");
        assert_eq!(
            vals(&r),
            vec![vec![Some("swc"), Some("9")], vec![Some("swd"), Some("9")]]
        );
    });
}

#[test]
fn tables_without_node_key_resolve_nothing() {
    let mut f = db();
    f.add("site", &[("key", "node1"), ("value", "x")]);
    f.run(|_b, m| {
        assert!(resolve(m, "site", &["value"], "node1").is_empty());
        // Unknown columns of a node table read as unset.
        assert!(resolve(m, "nodehm", &["nosuchcol"], "node1").is_empty());
    });
}
