//! 10,000 nodes (3 groups, attributes on node and group rows, a regex row):
//! `nodels`, `nodels <all> groups nodehm.mgt hosts.ip` and `tabdump nodelist`
//! stream in bounded documents (≤ 1000 elements each) and stay correct.
//! Prints the handler times (debug build; the README figures come from the
//! release benchmark).

mod tables_support;

use std::time::Instant;
use tables_support::*;
use xcat_proto::Response;

const N: usize = 10_000;

fn populate(env: &Env) -> Vec<String> {
    let nodes: Vec<String> = (1..=N).map(|i| format!("n{i:05}")).collect();
    env.ctx
        .db
        .write(|c| -> Result<(), xcat_schema::db::DbError> {
            let items: Vec<_> = nodes
                .iter()
                .enumerate()
                .map(|(i, n)| {
                    (
                        vec![("node".to_string(), n.clone())],
                        vec![(
                            "groups".to_string(),
                            Some(format!("compute,all,rack{}", i % 10)),
                        )],
                    )
                })
                .collect();
            c.set_attribs_many("nodelist", &items)?;
            let own: Vec<_> = nodes
                .iter()
                .step_by(2)
                .map(|n| {
                    (
                        vec![("node".to_string(), n.clone())],
                        vec![("mgt".to_string(), Some("openbmc".to_string()))],
                    )
                })
                .collect();
            c.set_attribs_many("nodehm", &own)?;
            c.set_attribs("nodehm", &[("node", "compute")], &[("mgt", Some("ipmi"))])?;
            c.set_attribs(
                "hosts",
                &[("node", "all")],
                &[("ip", Some("|\\D+(\\d+)|10.0.($1/256).($1%256)|"))],
            )?;
            Ok(())
        })
        .unwrap();
    nodes
}

fn max_elements(docs: &[Response]) -> usize {
    docs.iter()
        .map(|d| {
            d.map.get("node").map(Vec::len).unwrap_or(0)
                + d.map.get("data").map(Vec::len).unwrap_or(0)
        })
        .max()
        .unwrap_or(0)
}

#[test]
fn ten_thousand_nodes_stream_in_chunks() {
    for env in backends() {
        let nodes = populate(&env);
        let refs: Vec<&str> = nodes.iter().map(String::as_str).collect();

        let t = Instant::now();
        let out = run(&env, "nodels", None, &[]);
        eprintln!("{}: nodels (all) {:?}", env.label, t.elapsed());
        assert_eq!(out.stdout.lines().count(), N);
        assert!(max_elements(&out.docs) <= 1000);
        assert!(out.docs.len() > N / 1000);

        let t = Instant::now();
        let out = run(
            &env,
            "nodels",
            Some(&refs),
            &["groups", "nodehm.mgt", "hosts.ip"],
        );
        eprintln!("{}: nodels all 3 attributes {:?}", env.label, t.elapsed());
        let lines: Vec<&str> = out.stdout.lines().collect();
        assert_eq!(lines.len(), 3 * N);
        assert_eq!(lines[0], "n00001: groups: compute,all,rack0");
        assert_eq!(lines[1], "n00001: nodehm.mgt: openbmc");
        assert_eq!(lines[2], "n00001: hosts.ip: 10.0.0.1");
        assert_eq!(lines[4], "n00002: nodehm.mgt: ipmi");
        assert_eq!(lines[3 * N - 1], "n10000: hosts.ip: 10.0.39.16");
        assert!(max_elements(&out.docs) <= 1000);

        let req = request("nodels", Some(&refs), &["groups", "nodehm.mgt", "hosts.ip"]);
        let t = Instant::now();
        let mut docs: Vec<Response> = Vec::new();
        handler("nodels")
            .process(&env.ctx, &req, &mut docs)
            .unwrap();
        eprintln!(
            "{}: nodels all 3 attributes, handler only {:?}",
            env.label,
            t.elapsed()
        );
        for (t_, c_) in [("nodelist", "groups"), ("nodehm", "mgt"), ("hosts", "ip")] {
            use tables_support::resolve_oracle::resolve_local;
            use xcat_handlers::tables::resolve::{resolve, Opts};
            let o = Opts::default();
            let t = Instant::now();
            let a = env
                .ctx
                .db
                .read(|c| resolve(c, t_, &nodes, &[c_], &o))
                .unwrap();
            let ta = t.elapsed();
            let t = Instant::now();
            let b = env
                .ctx
                .db
                .read(|c| resolve_local(c, t_, &nodes, &[c_], &o))
                .unwrap();
            eprintln!(
                "{}: resolve {t_}.{c_}: inherit {ta:?} local {:?}",
                env.label,
                t.elapsed()
            );
            assert_eq!(a, b);
        }
        for attr in ["groups", "nodehm.mgt", "hosts.ip"] {
            let req = request("nodels", Some(&refs), &[attr]);
            let t = Instant::now();
            let mut docs: Vec<Response> = Vec::new();
            handler("nodels")
                .process(&env.ctx, &req, &mut docs)
                .unwrap();
            eprintln!(
                "{}: nodels all {attr}, handler only {:?}",
                env.label,
                t.elapsed()
            );
        }

        let t = Instant::now();
        let out = run(&env, "tabdump", None, &["nodelist"]);
        eprintln!("{}: tabdump nodelist {:?}", env.label, t.elapsed());
        assert_eq!(out.stdout.lines().count(), N + 1);
        assert!(max_elements(&out.docs) <= 1000);
    }
}
