//! Cross-check of node attribute resolution: `xcat_schema::inherit` (what
//! the commands use) against the independent implementation in
//! `tables_support::resolve_oracle::resolve_local`, on own rows, several groups, multi-row
//! group entries, hierarchical attributes, regex rows, disabled rows and
//! attribution.

mod tables_support;

use tables_support::resolve_oracle::resolve_local;
use tables_support::*;
use xcat_handlers::tables::resolve::{resolve, Opts};

#[test]
fn inherit_matches_reference_resolution() {
    for env in backends() {
        seed(
            &env,
            "site",
            &["key", "value"],
            &[&["hierarchicalattrs", "postscripts,postbootscripts:;"]],
        );
        seed(
            &env,
            "nodelist",
            &["node", "groups"],
            &[
                &["n1", "g1,g2"],
                &["n2", "g2"],
                &["n3", ""],
                &["n10", "g1,rack,g2"],
            ],
        );
        seed(
            &env,
            "nodehm",
            &["node", "mgt", "power", "serialspeed"],
            &[
                &["g1", "ipmi", "", "9600"],
                &["g2", "openbmc", "bmc", ""],
                &["n1", "", "", "115200"],
            ],
        );
        seed(
            &env,
            "nodehm",
            &["node", "mgt", "disable"],
            &[&["rack", "kvm", "1"]],
        );
        seed(
            &env,
            "postscripts",
            &["node", "postscripts", "postbootscripts"],
            &[
                &["n1", "a,b", "x"],
                &["g1", "b,c", "y;z"],
                &["g2", "d", "x"],
            ],
        );
        seed(
            &env,
            "hosts",
            &["node", "ip"],
            &[&["g2", "|\\D+(\\d+)|10.1.0.($1*2)|"], &["n3", "/\\z/-own/"]],
        );
        seed(
            &env,
            "switch",
            &["node", "switch", "port"],
            &[
                &["g1", "sw1", "1"],
                &["g1", "sw2", "2"],
                &["n2", "sw9", "9"],
            ],
        );
        let nodes: Vec<String> = ["n1", "n2", "n3", "n10", "nx"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let cases: &[(&str, &[&str])] = &[
            ("nodehm", &["mgt", "power", "serialspeed", "node"]),
            ("postscripts", &["postscripts", "postbootscripts"]),
            ("hosts", &["ip"]),
            ("switch", &["switch", "port"]),
            ("nodelist", &["groups"]),
        ];
        for attribution in [false, true] {
            let opts = Opts { attribution };
            for (table, cols) in cases {
                let a = env
                    .ctx
                    .db
                    .read(|c| resolve(c, table, &nodes, cols, &opts))
                    .unwrap();
                let b = env
                    .ctx
                    .db
                    .read(|c| resolve_local(c, table, &nodes, cols, &opts))
                    .unwrap();
                let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
                keys.sort();
                keys.dedup();
                for k in keys {
                    assert_eq!(
                        a.get(k),
                        b.get(k),
                        "{} {table} {k} attribution={attribution}",
                        env.label
                    );
                }
            }
        }
    }
}
