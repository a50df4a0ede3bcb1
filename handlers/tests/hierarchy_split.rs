//! `xcat_handlers::hierarchy` on real databases (SQLite, and PostgreSQL
//! when configured): servicenode values from node rows, group rows and
//! regex rows; nodes without one under `site.master`; stock's primary /
//! backup / all rules; the parts handed to the daemon.

mod common;

use common::*;
use std::collections::BTreeMap;
use xcat_handlers::hierarchy::{self, SnType, Style};

fn insert(env: &Env, table: &str, cols: &[(&str, &str)]) {
    let names: Vec<&str> = cols.iter().map(|c| c.0).collect();
    let values: Vec<Option<&str>> = cols.iter().map(|c| Some(c.1)).collect();
    env.db
        .write(|c| c.insert(table, &names, &values))
        .unwrap_or_else(|e| panic!("{}: insert {table}: {e}", env.label));
}

/// cn1,cn2 via group `rack1` (sn1,sn2); cn3 own row (sn2); cn4 by a regex
/// row on group `rack2` (sn3); cn5 nothing.
fn seed(env: &Env) {
    insert(env, "site", &[("key", "master"), ("value", "mn")]);
    for (n, g) in [
        ("cn1", "rack1,all"),
        ("cn2", "rack1,all"),
        ("cn3", "all"),
        ("cn4", "rack2,all"),
        ("cn5", "all"),
    ] {
        insert(env, "nodelist", &[("node", n), ("groups", g)]);
    }
    insert(
        env,
        "noderes",
        &[("node", "rack1"), ("servicenode", "sn1,sn2")],
    );
    insert(env, "noderes", &[("node", "cn3"), ("servicenode", "sn2")]);
    insert(
        env,
        "noderes",
        &[("node", "rack2"), ("servicenode", "|cn(\\d+)|sn($1-1)|")],
    );
}

fn map(pairs: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
        .collect()
}

#[test]
fn service_nodes_and_formatted_hash() {
    for env in backends() {
        seed(&env);
        let nodes: Vec<String> = ["cn1", "cn2", "cn3", "cn4", "cn5"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let raw = env
            .db
            .read(|c| {
                let ctx = env.ctx.inherit_ctx(c)?;
                hierarchy::service_nodes(c, &ctx, &nodes, hierarchy::SnColumn::ServiceNode)
            })
            .unwrap();
        let want = map(&[
            ("mn", &["cn5"]),
            ("sn1,sn2", &["cn1", "cn2"]),
            ("sn2", &["cn3"]),
            ("sn3", &["cn4"]),
        ]);
        assert_eq!(raw, want, "{}", env.label);
        let primary = hierarchy::per_service_node(&raw, SnType::Primary);
        assert_eq!(
            primary,
            map(&[
                ("mn", &["cn5"]),
                ("sn1", &["cn1", "cn2"]),
                ("sn2", &["cn3"]),
                ("sn3", &["cn4"])
            ])
        );
        let backup = hierarchy::per_service_node(&raw, SnType::Backup);
        assert_eq!(
            backup,
            map(&[
                ("mn", &["cn5"]),
                ("sn2", &["cn1", "cn2", "cn3"]),
                ("sn3", &["cn4"])
            ])
        );
        let all = hierarchy::per_service_node(&raw, SnType::All);
        assert_eq!(all["sn1"], ["cn1", "cn2"]);
        assert_eq!(all["sn2"], ["cn1", "cn2", "cn3"]);
    }
}

#[test]
fn parts_carry_nodes_and_destinations() {
    for env in backends() {
        seed(&env);
        let req = request("rpower", Some(&["cn1", "cn3", "cn5"]), &["stat"]);
        let parts = hierarchy::split(&env.ctx, &req, Style::Anycast).unwrap();
        let got: Vec<(Vec<String>, Vec<&str>)> = parts
            .iter()
            .map(|p| (p.dest.clone(), p.request.nodes()))
            .collect();
        assert_eq!(
            got,
            vec![
                (vec!["mn".to_string()], vec!["cn5"]),
                (vec!["sn1,sn2".to_string()], vec!["cn1"]),
                (vec!["sn2".to_string()], vec!["cn3"]),
            ],
            "{}",
            env.label
        );
        assert!(parts.iter().all(|p| p.request.args() == ["stat"]));
        let parts = hierarchy::split(&env.ctx, &req, Style::PerServiceNode(SnType::All)).unwrap();
        let got: Vec<(Vec<String>, Vec<&str>)> = parts
            .iter()
            .map(|p| (p.dest.clone(), p.request.nodes()))
            .collect();
        assert_eq!(
            got,
            vec![
                (vec!["mn".to_string()], vec!["cn5"]),
                (vec!["sn1".to_string()], vec!["cn1"]),
                (vec!["sn2".to_string()], vec!["cn1", "cn3"]),
            ]
        );
        // No nodes: one local part.
        let parts =
            hierarchy::split(&env.ctx, &request("rpower", None, &[]), Style::Anycast).unwrap();
        assert_eq!(parts.len(), 1);
        assert!(parts[0].dest.is_empty());
    }
}
