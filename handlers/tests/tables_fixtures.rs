//! The table commands against the stock wire fixtures (03, 12, 13, 20-23,
//! 25, 26) and the stock outputs of commands.md (02, 08, 11-16, 21): exact
//! response bytes (with the daemon's `xcatdsource` and `serverdone` added as
//! the daemon does) and exact client output, on every backend.

mod tables_support;

use tables_support::*;

fn site_rows() -> Vec<(String, String)> {
    let f = fixture("03-");
    f.stdout
        .lines()
        .skip(1)
        .map(|l| {
            let parts: Vec<&str> = l.split("\",\"").collect();
            let key = parts[0].trim_start_matches('"').to_string();
            let value = parts[1].split('"').next().unwrap().to_string();
            (key, value)
        })
        .collect()
}

fn seed_site(env: &Env) {
    for (k, v) in site_rows() {
        seed(env, "site", &["key", "value"], &[&[&k, &v]]);
    }
}

fn cn(n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("cn{i:02}")).collect()
}

/// Fixture 05's cluster: cn01..cn20 in compute,all with sn1,sn2 / sn1.
fn seed_cluster(env: &Env, sn: &str, master: &str) {
    for n in cn(20) {
        seed(
            env,
            "nodelist",
            &["node", "groups"],
            &[&[&n, "compute,all"]],
        );
    }
    for n in cn(20) {
        seed(
            env,
            "noderes",
            &["node", "servicenode", "xcatmaster"],
            &[&[&n, sn, master]],
        );
    }
}

fn assert_fixture(env: &Env, prefix: &str, out: &Out) {
    let f = fixture(prefix);
    assert_eq!(out.stdout, f.stdout, "{} stdout {prefix}", env.label);
    assert_eq!(out.stderr, f.stderr, "{} stderr {prefix}", env.label);
    assert_eq!(out.exit, f.exit_code, "{} exit {prefix}", env.label);
    let got = wire(&out.docs, "vm");
    assert_eq!(
        String::from_utf8_lossy(&got),
        String::from_utf8_lossy(&f.connections[0].response),
        "{} wire {prefix}",
        env.label
    );
}

#[test]
fn fixture_03_tabdump_site() {
    for env in backends() {
        seed_site(&env);
        let req = parse_request(&fixture("03-").connections[0].request);
        let out = run_req(&env, &req);
        assert_fixture(&env, "03-", &out);
    }
}

#[test]
fn fixture_20_tabdump_noderes_insertion_order() {
    for env in backends() {
        let f = fixture("20-");
        for line in f.stdout.lines().skip(1) {
            let node = line.split('"').nth(1).unwrap();
            seed(
                &env,
                "noderes",
                &["node", "servicenode", "xcatmaster"],
                &[&[node, "sn2,sn1", "sn2"]],
            );
        }
        let out = run_req(&env, &parse_request(&f.connections[0].request));
        assert_fixture(&env, "20-", &out);
    }
}

#[test]
fn fixture_12_nodels_group() {
    for env in backends() {
        seed_cluster(&env, "sn1,sn2", "sn1");
        let names = cn(20);
        let nodes: Vec<&str> = names.iter().map(String::as_str).collect();
        let mut req = parse_request(&fixture("12-").connections[0].request);
        req.set_nodes(&nodes);
        let out = run_req(&env, &req);
        assert_fixture(&env, "12-", &out);
    }
}

#[test]
fn fixture_13_nodels_attributes() {
    for env in backends() {
        seed_cluster(&env, "sn1,sn2", "sn1");
        let mut req = parse_request(&fixture("13-").connections[0].request);
        req.set_nodes(&["cn01", "cn02", "cn03"]);
        let out = run_req(&env, &req);
        assert_fixture(&env, "13-", &out);
    }
}

#[test]
fn commands_13_nodels_after_snmove() {
    for env in backends() {
        seed_cluster(&env, "sn2,sn1", "sn2");
        let out = run(
            &env,
            "nodels",
            Some(&["cn01", "cn02", "cn03"]),
            &[
                "noderes.servicenode",
                "noderes.xcatmaster",
                "nodelist.groups",
            ],
        );
        assert_eq!(
            out.stdout,
            "cn01: noderes.servicenode: sn2,sn1\ncn01: noderes.xcatmaster: sn2\ncn01: nodelist.groups: compute,all\n\
cn02: noderes.servicenode: sn2,sn1\ncn02: noderes.xcatmaster: sn2\ncn02: nodelist.groups: compute,all\n\
cn03: noderes.servicenode: sn2,sn1\ncn03: noderes.xcatmaster: sn2\ncn03: nodelist.groups: compute,all\n"
        );
    }
}

#[test]
fn fixtures_21_22_23_nodeadd_tabch_noderm() {
    for env in backends() {
        seed_cluster(&env, "sn1,sn2", "sn1");
        // 21: nodeadd cn21 groups=compute,all (noderange in arg, not verified)
        let out = run_req(&env, &parse_request(&fixture("21-").connections[0].request));
        assert_fixture(&env, "21-", &out);
        let groups = env
            .ctx
            .db
            .read(|c| c.select("nodelist", &["groups"], &[("node", "cn21")], false))
            .unwrap();
        assert_eq!(groups, vec![vec![Some("compute,all".to_string())]]);
        // 22: tabch node=cn21 noderes.servicenode=sn1 noderes.xcatmaster=sn1
        let out = run_req(&env, &parse_request(&fixture("22-").connections[0].request));
        assert_fixture(&env, "22-", &out);
        let res = env
            .ctx
            .db
            .read(|c| {
                c.select(
                    "noderes",
                    &["servicenode", "xcatmaster"],
                    &[("node", "cn21")],
                    false,
                )
            })
            .unwrap();
        assert_eq!(
            res,
            vec![vec![Some("sn1".to_string()), Some("sn1".to_string())]]
        );
        // 16 (chtab, sent by our client as tabch)
        ok(&env, "tabch", None, &["node=cn21", "nodetype.os=rhels8"]);
        // 23: noderm cn21 (daemon expanded the noderange)
        let mut req = parse_request(&fixture("23-").connections[0].request);
        req.set_nodes(&["cn21"]);
        let out = run_req(&env, &req);
        assert_fixture(&env, "23-", &out);
        for t in ["nodelist", "noderes", "nodetype"] {
            let left = env
                .ctx
                .db
                .read(|c| c.select(t, &["node"], &[("node", "cn21")], false))
                .unwrap();
            assert!(left.is_empty(), "{} {t} still has cn21", env.label);
        }
        // the other nodes are untouched
        assert_eq!(rows(&env, "nodelist", &["node"]).len(), 20);
    }
}

#[test]
fn fixture_25_dumpxcatdb_and_26_tabrestore() {
    for env in backends() {
        seed_site(&env);
        let f = fixture("20-");
        for line in f.stdout.lines().skip(1) {
            let node = line.split('"').nth(1).unwrap();
            seed(
                &env,
                "noderes",
                &["node", "servicenode", "xcatmaster"],
                &[&[node, "sn2,sn1", "sn2"]],
            );
        }
        let dump = fixture("25-");
        // connection 1: the table list
        let out = run_req(&env, &parse_request(&dump.connections[0].request));
        let got = wire(&out.docs, "vm");
        assert_eq!(
            String::from_utf8_lossy(&got),
            String::from_utf8_lossy(&dump.connections[0].response),
            "{} table list",
            env.label
        );
        // connections 2..: tabdump -f <dir>/<table>.csv <table>, into our dir
        let dir = env.dir.path().join("xcatdump");
        std::fs::create_dir_all(&dir).unwrap();
        for ex in &dump.connections[1..] {
            let mut req = parse_request(&ex.request);
            let args: Vec<String> = req.args().iter().map(|s| s.to_string()).collect();
            let file = std::path::Path::new(&args[1])
                .file_name()
                .unwrap()
                .to_owned();
            let target = dir.join(&file);
            req.set_args(&[args[0].as_str(), target.to_str().unwrap(), args[2].as_str()]);
            let out = run_req(&env, &req);
            assert_eq!(
                wire(&out.docs, "vm"),
                ex.response,
                "{} {:?}",
                env.label,
                file
            );
            assert!(target.exists());
        }
        let noderes = std::fs::read_to_string(dir.join("noderes.csv")).unwrap();
        assert_eq!(noderes, f.stdout, "{} noderes.csv", env.label);
        let site = std::fs::read_to_string(dir.join("site.csv")).unwrap();
        assert_eq!(site, fixture("03-").stdout, "{} site.csv", env.label);
        // 26: the stock tabrestore request of noderes.csv, into an emptied table
        env.ctx.db.write(|c| c.delete_all("noderes")).unwrap();
        assert!(rows(&env, "noderes", &["node"]).is_empty());
        let rf = fixture("26-");
        let out = run_req(&env, &parse_request(&rf.connections[0].request));
        assert_fixture(&env, "26-", &out);
        let out = run(&env, "tabdump", None, &["noderes"]);
        assert_eq!(out.stdout, f.stdout, "{} restored noderes", env.label);
    }
}

#[test]
fn commands_02_08_tabdump_and_nodels_all() {
    for env in backends() {
        seed_site(&env);
        seed_cluster(&env, "sn1,sn2", "sn1");
        let out = run(&env, "tabdump", None, &["site"]);
        assert_eq!(out.stdout, fixture("03-").stdout);
        // nodels without a noderange lists every node
        let out = run(&env, "nodels", None, &[]);
        assert_eq!(out.stdout, fixture("12-").stdout);
        assert_eq!(out.exit, 0);
    }
}

/// Fixture 15 is answered by the daemon before nodels runs (verify-mode
/// expansion of the noderange, because nodels wants expanded nodes); this
/// checks that nodels asks for it and that the expansion gives the stock text.
#[test]
fn fixture_15_nodels_unknown_group_is_the_daemons_error() {
    for env in backends() {
        seed_cluster(&env, "sn1,sn2", "sn1");
        let f = fixture("15-");
        let req = parse_request(&f.connections[0].request);
        assert!(handler("nodels").wants_expanded_nodes());
        let opts = xcat_schema::noderange::ExpandOpts::default();
        let e = env
            .ctx
            .db
            .read(|c| {
                Ok(
                    xcat_schema::noderange::expand(c, req.noderange().unwrap(), &opts)
                        .map_err(|e| e.to_string()),
                )
            })
            .unwrap()
            .unwrap();
        let msg = e.missing_message().unwrap();
        let doc = xcat_proto::Response::new()
            .error(msg)
            .set("serverdone", xcat_proto::Value::Empty);
        let mut bytes = Vec::new();
        doc.write_to(&mut bytes);
        assert_eq!(bytes, f.connections[0].response);
        let out = render(vec![doc]);
        assert_eq!(
            (out.stdout, out.stderr, out.exit),
            (f.stdout, f.stderr, f.exit_code)
        );
    }
}
