//! Behaviour of every table command beyond the fixtures: options, output
//! forms, error texts and exit codes of xCAT-server/lib/xcat/plugins/tabutils.pm:566-790, and that a
//! failing command writes nothing.  Every test runs on every backend.

mod tables_support;

use tables_support::*;

fn base(env: &Env) {
    seed(
        env,
        "site",
        &["key", "value"],
        &[
            &["master", "10.0.0.1"],
            &["xcatdport", "3001"],
            &["xcatiport", "3002"],
            &["domain", "cluster.test"],
        ],
    );
    seed(
        env,
        "nodelist",
        &["node", "groups"],
        &[
            &["cn01", "compute,all"],
            &["cn02", "compute,all"],
            &["cn05", "compute,all"],
            &["sn1", "service,all"],
        ],
    );
    seed(
        env,
        "nodehm",
        &["node", "mgt", "power"],
        &[&["compute", "ipmi", ""], &["cn02", "openbmc", ""]],
    );
    seed(
        env,
        "noderes",
        &["node", "xcatmaster"],
        &[&["cn01", "sn1"], &["cn02", "sn1"]],
    );
}

#[test]
fn tabdump_lists_and_describes() {
    for env in backends() {
        let out = run(&env, "tabdump", None, &[]);
        let lines: Vec<&str> = out.stdout.lines().collect();
        assert_eq!(lines.len(), 73);
        let mut sorted = lines.clone();
        sorted.sort();
        assert_eq!(lines, sorted);
        let out = run(&env, "tabdump", None, &["-d"]);
        assert!(
            out.stdout.starts_with("auditlog:\tAudit trail"),
            "{}",
            out.stdout
        );
        assert!(out
            .stdout
            .contains("\n\nsite:\t\tGlobal settings of the cluster.\n\n"));
        assert!(out
            .stdout
            .ends_with("z/VM installation verification runs.\n"));
        let out = run(&env, "tabdump", None, &["-d", "site"]);
        // `key` lists every documented site key by category (issue 9).
        assert!(
            out.stdout.starts_with(
                "key:\t\tName of the setting.  The documented site keys, by category:\n"
            ),
            "{}",
            out.stdout
        );
        for key in [
            "AIX ATTRIBUTES",
            " nimprime\n",
            " auditskipcmds\n",
            " xcatiport\n",
        ] {
            assert!(out.stdout.contains(key), "{key}: {}", out.stdout);
        }
        assert!(
            out.stdout.ends_with(
                " xcatsslciphers\n\nvalue:\t\tValue of the setting.\n\ncomments:\tAny user-written notes.\n\ndisable:\tSet to 'yes' or '1' to comment out this row.\n"
            ),
            "{}",
            out.stdout
        );
        let out = run(&env, "tabdump", None, &["-d", "nosuch"]);
        assert_eq!(
            (out.stderr.as_str(), out.exit),
            ("Error: table nosuch does not exist.\n", 1)
        );
        let out = run(&env, "tabdump", None, &["nosuch"]);
        assert_eq!(
            (out.stderr.as_str(), out.exit),
            ("Error: No such table: nosuch\n", 1)
        );
        let out = run(&env, "tabdump", None, &["-h"]);
        assert!(out.stdout.starts_with("Usage: tabdump [-d] [table]\n") && out.exit == 0);
        let out = run(&env, "tabdump", None, &["site", "nodelist"]);
        assert_eq!(out.exit, 1);
        let out = run(&env, "tabdump", None, &["-x"]);
        assert_eq!(out.exit, 1);
        // empty table: header only
        let out = run(&env, "tabdump", None, &["mac"]);
        assert_eq!(out.stdout, "#node,interface,mac,comments,disable\n");
    }
}

#[test]
fn tabdump_quoting_disabled_rows_and_filters() {
    for env in backends() {
        base(&env);
        seed(
            env_ref(&env),
            "site",
            &["key", "value", "disable"],
            &[&["old", "x", "1"]],
        );
        seed(
            &env,
            "site",
            &["key", "value", "comments"],
            &[&["q", "say \"hi\",\nbye", "c"]],
        );
        let out = run(&env, "tabdump", None, &["site"]);
        assert_eq!(
            out.stdout,
            "#key,value,comments,disable\n\"master\",\"10.0.0.1\",,\n\"xcatdport\",\"3001\",,\n\"xcatiport\",\"3002\",,\n\"domain\",\"cluster.test\",,\n\"old\",\"x\",,\"1\"\n\"q\",\"say \"\"hi\"\",\nbye\",\"c\",\n"
        );
        let out = run(&env, "tabdump", None, &["-w", "key==xcatdport", "site"]);
        assert_eq!(
            out.stdout,
            "#key,value,comments,disable\n\"xcatdport\",\"3001\",,\n"
        );
        let out = run(
            &env,
            "tabdump",
            None,
            &["-w", "key=~xcat%port", "-w", "value>=3002", "site"],
        );
        assert_eq!(
            out.stdout,
            "#key,value,comments,disable\n\"xcatiport\",\"3002\",,\n"
        );
        let out = run(
            &env,
            "tabdump",
            None,
            &["-w", "key!~%port", "-w", "key!=q", "site"],
        );
        assert_eq!(out.stdout, "#key,value,comments,disable\n\"master\",\"10.0.0.1\",,\n\"domain\",\"cluster.test\",,\n");
        // -w excludes disabled rows; nothing matching prints the header
        let out = run(&env, "tabdump", None, &["-w", "key==old", "site"]);
        assert_eq!(out.stdout, "#key,value,comments,disable\n");
        let out = run(&env, "tabdump", None, &["-w", "key=old", "site"]);
        assert_eq!(
            (out.stderr.as_str(), out.exit),
            ("Error: Unsupported operator:key=old on -w flag input\n", 1)
        );
        let out = run(&env, "tabdump", None, &["-w", "bogus==1", "site"]);
        assert_eq!(
            (out.stderr.as_str(), out.exit),
            ("Error: No column \"bogus\" in table \"site\"\n", 1)
        );
        // a value with a quote is a bound parameter, not SQL
        let out = run(&env, "tabdump", None, &["-w", "key==x' OR '1'='1", "site"]);
        assert_eq!(out.stdout, "#key,value,comments,disable\n");
    }
}

fn env_ref(env: &Env) -> &Env {
    env
}

#[test]
fn tabdump_n_and_file() {
    for env in backends() {
        for i in 1..=5 {
            seed(
                &env,
                "auditlog",
                &["audittime", "command"],
                &[&[&format!("2026-01-0{i} 00:00:00"), &format!("cmd{i}")]],
            );
        }
        let out = run(&env, "tabdump", None, &["-n", "2", "auditlog"]);
        let lines: Vec<&str> = out.stdout.lines().collect();
        assert_eq!(lines.len(), 3, "{}", out.stdout);
        assert!(lines[0].starts_with("#recid,audittime,"));
        assert!(lines[1].starts_with("\"4\",") && lines[2].starts_with("\"5\","));
        let out = run(&env, "tabdump", None, &["-n", "2", "site"]);
        assert_eq!(out.exit, 1);
        assert!(out
            .stderr
            .contains("site table is not supported in tabdump -n."));
        let out = run(&env, "tabdump", None, &["-n", "2", "-d", "auditlog"]);
        assert_eq!(
            out.stderr,
            "Error: You  cannot use the -n and -d flag together. \n"
        );
        let out = run(&env, "tabdump", None, &["-n", "3", "eventlog"]);
        assert_eq!(
            (out.stdout.as_str(), out.exit),
            ("Nothing to display from eventlog.\n", 0)
        );
        // -f relative to the request's cwd; nothing on stdout
        let mut req = request("tabdump", None, &["-f", "audit.csv", "auditlog"]);
        req.set("cwd", env.dir.path().to_str().unwrap());
        let out = run_req(&env, &req);
        assert_eq!(
            (out.stdout.as_str(), out.stderr.as_str(), out.exit),
            ("", "", 0)
        );
        let text = std::fs::read_to_string(env.dir.path().join("audit.csv")).unwrap();
        assert_eq!(text.lines().count(), 6);
        let out = run(
            &env,
            "tabdump",
            None,
            &["-f", "/nonexistent/dir/x.csv", "site"],
        );
        assert_eq!(out.exit, 1);
        assert!(out.stderr.contains("Unable to open the file for write."));
        let out = run(&env, "tabdump", None, &["-f", "x.csv"]);
        assert_eq!(
            out.stderr,
            "Error: table name missing from the command input. \n"
        );
        // unprivileged callers cannot make the daemon write files
        let mut unpriv = env.ctx.clone();
        unpriv.privileged = false;
        let mut docs: Vec<xcat_proto::Response> = Vec::new();
        let path = env.dir.path().join("evil.csv");
        let req = request("tabdump", None, &["-f", path.to_str().unwrap(), "site"]);
        handler("tabdump")
            .process(&unpriv, &req, &mut docs)
            .unwrap();
        let out = render(docs);
        assert_eq!(out.exit, 1);
        assert!(!path.exists());
    }
}

#[test]
fn tabch_add_update_merge_delete() {
    for env in backends() {
        base(&env);
        ok(&env, "tabch", None, &["key=x", "site.value=1"]);
        ok(
            &env,
            "tabch",
            None,
            &["key=x", "site.value+=2,1", "site.comments=c"],
        );
        let v = env
            .ctx
            .db
            .read(|c| c.select("site", &["value", "comments"], &[("key", "x")], false))
            .unwrap();
        assert_eq!(v, vec![vec![Some("1,2".into()), Some("c".into())]]);
        // first argument already an assignment: no keys
        ok(&env, "tabch", None, &["-d", "key=x", "site"]);
        assert!(env
            .ctx
            .db
            .read(|c| c.select("site", &["value"], &[("key", "x")], false))
            .unwrap()
            .is_empty());
        // composite key, key split on the LAST '='
        ok(
            &env,
            "tabch",
            None,
            &["node=cn01,switch=sw1,port=1", "switch.vlan=7"],
        );
        let out = run(&env, "tabch", None, &["key=a=b", "site.value=1"]);
        assert_eq!(
            (out.stderr.as_str(), out.exit),
            ("Error: No column \"key=a\" in table \"site\"\n", 1)
        );
        let out = run(&env, "tabch", None, &["key=x", "nosuch.value=1"]);
        assert_eq!(
            (out.stdout.as_str(), out.exit),
            ("Table nosuch does not exist.\n\n", 1)
        );
        let out = run(&env, "tabch", None, &["key=x", "site.nosuch=1"]);
        assert_eq!(
            out.stderr,
            "Error: site.nosuch not a valid table.column description\n"
        );
        let out = run(&env, "tabch", None, &["keyx", "site.value=1"]);
        assert_eq!(
            (out.stdout.as_str(), out.exit),
            (
                "Incorrect argument \"keyx\".\n\nCheck man tabch or tabch -h\n\n",
                1
            )
        );
        let out = run(&env, "tabch", None, &["-d", "key=x"]);
        assert_eq!(
            out.stdout,
            "Missing table name.\n\nCheck man tabch or tabch -h\n\n"
        );
        let out = run(&env, "tabch", None, &[]);
        assert!(out.stdout.starts_with("Usage: tabch\n") && out.exit == 1);
        // a failing tabch writes nothing
        let out = run(
            &env,
            "tabch",
            None,
            &["key=y", "site.value=1", "site.nosuch=2"],
        );
        assert_eq!(out.exit, 1);
        assert!(env
            .ctx
            .db
            .read(|c| c.select("site", &["value"], &[("key", "y")], false))
            .unwrap()
            .is_empty());
    }
}

#[test]
fn gettab_forms() {
    for env in backends() {
        base(&env);
        seed(
            &env,
            "site",
            &["key", "value", "disable"],
            &[&["hidden", "h", "yes"]],
        );
        let out = run(&env, "gettab", None, &["key=xcatdport", "site.value"]);
        assert_eq!(out.stdout, "3001\n");
        let out = run(&env, "gettab", None, &["-H", "key=xcatdport", "site.value"]);
        assert_eq!(out.stdout, "site.value: 3001\n");
        let out = run(
            &env,
            "gettab",
            None,
            &["key=xcatdport", "site.key", "site.value"],
        );
        assert_eq!(out.stdout, "site.key: xcatdport\nsite.value: 3001\n");
        let out = run(&env, "gettab", None, &["key=hidden", "site.value"]);
        assert_eq!((out.stdout.as_str(), out.exit), ("", 0));
        // no inheritance: cn01 has no nodehm row of its own
        let out = run(&env, "gettab", None, &["node=cn01", "nodehm.mgt"]);
        assert_eq!(out.stdout, "");
        let out = run(&env, "gettab", None, &["bogus=1", "site.value"]);
        assert_eq!(
            (out.stderr.as_str(), out.exit),
            ("Error: Unknown key bogus to site\n", 1)
        );
        let out = run(&env, "gettab", None, &["key=master"]);
        assert_eq!(out.exit, 1);
        assert!(out.stdout.starts_with("Usage: gettab"));
    }
}

#[test]
fn tabgrep_own_and_group_rows() {
    for env in backends() {
        base(&env);
        let out = run(&env, "tabgrep", Some(&["cn01"]), &[]);
        assert_eq!(out.stdout, "nodehm\nnodelist\nnoderes\n");
        let out = run(&env, "tabgrep", None, &[]);
        assert_eq!(
            (out.stdout.as_str(), out.exit),
            (
                "Usage: tabgrep nodename\n       tabgrep [-?|-h|--help]\n",
                1
            )
        );
    }
}

fn eventlog(env: &Env, n: usize) {
    for i in 1..=n {
        seed(
            env,
            "eventlog",
            &["eventtime", "message"],
            &[&[&format!("2020-01-{i:02} 00:00:00"), &format!("m{i}")]],
        );
    }
}

fn recids(env: &Env) -> Vec<String> {
    rows(env, "eventlog", &["recid"])
        .into_iter()
        .map(|r| r[0].clone().unwrap())
        .collect()
}

#[test]
fn tabprune_modes() {
    for env in backends() {
        eventlog(&env, 10);
        let out = run(&env, "tabprune", None, &["eventlog", "-n", "3"]);
        assert_eq!(
            (out.stdout.as_str(), out.exit),
            ("tabprune of eventlog complete.\n", 0)
        );
        assert_eq!(recids(&env), ["4", "5", "6", "7", "8", "9", "10"]);
        ok_out(&env, &["eventlog", "-i", "6"]);
        assert_eq!(recids(&env), ["6", "7", "8", "9", "10"]);
        ok_out(&env, &["eventlog", "-p", "40"]);
        assert_eq!(recids(&env), ["8", "9", "10"]);
        let out = run(&env, "tabprune", None, &["eventlog", "-V", "-i", "9"]);
        assert!(out.stdout.starts_with("#recid,eventtime,"));
        assert_eq!(out.stdout.lines().count(), 2);
        ok_out(&env, &["eventlog", "-d", "1"]);
        assert!(recids(&env).is_empty());
        let out = run(&env, "tabprune", None, &["site", "-n", "1"]);
        assert_eq!(
            (out.stdout.as_str(), out.exit),
            (
                "Table site not supported, see tabprune -h for supported tables.\n",
                1
            )
        );
        let out = run(&env, "tabprune", None, &["eventlog"]);
        assert_eq!(
            out.stdout,
            "One option -p or -i or -n or -a or -d must be supplied.\n"
        );
        let out = run(&env, "tabprune", None, &["eventlog", "-a", "-n", "2"]);
        assert_eq!(
            out.stdout,
            "Only one option -p or -i or -n or -a maybe used at a time.\n"
        );
        let out = run(&env, "tabprune", None, &["auditlog", "-n", "2"]);
        assert_eq!(
            out.stdout,
            "Nothing to prune from auditlog.\ntabprune of auditlog complete.\n"
        );
        base(&env);
        ok_out_table(&env, "site", &["site", "-a"]);
        assert!(rows(&env, "site", &["key"]).is_empty());
    }
}

fn ok_out(env: &Env, args: &[&str]) {
    ok_out_table(env, "eventlog", args)
}

fn ok_out_table(env: &Env, table: &str, args: &[&str]) {
    let out = run(env, "tabprune", None, args);
    assert_eq!(
        (out.stdout, out.exit),
        (format!("tabprune of {table} complete.\n"), 0),
        "{args:?}"
    );
}

#[test]
fn nodels_output_forms() {
    for env in backends() {
        base(&env);
        seed(
            &env,
            "hosts",
            &["node", "ip"],
            &[&["compute", "|\\D+(\\d+)|10.0.0.($1+0)|"]],
        );
        seed(
            &env,
            "switch",
            &["node", "switch", "port"],
            &[&["cn01", "sw1", "1"], &["cn01", "sw2", "7"]],
        );
        let n1 = Some(&["cn01"][..]);
        assert_eq!(
            run(&env, "nodels", n1, &["groups"]).stdout,
            "cn01: compute,all\n"
        );
        assert_eq!(
            run(&env, "nodels", n1, &["-H", "groups", "mgt"]).stdout,
            "cn01: groups: compute,all\ncn01: mgt: ipmi\n"
        );
        assert_eq!(
            run(&env, "nodels", n1, &["-b", "nodehm.mgt"]).stdout,
            "cn01: ipmi (inherited from group compute)\n"
        );
        assert_eq!(
            run(&env, "nodels", Some(&["cn05"]), &["hosts.ip"]).stdout,
            "cn05: 10.0.0.5\n"
        );
        assert_eq!(
            run(&env, "nodels", n1, &["switch.switch"]).stdout,
            "cn01: sw1\ncn01: sw2\n"
        );
        assert_eq!(
            run(&env, "nodels", n1, &["nodehm.power"]).stdout,
            "cn01: \n"
        );
        // bare table: every column labelled, set ones first (sorted), node column included
        let out = run(&env, "nodels", n1, &["nodehm"]);
        let lines: Vec<&str> = out.stdout.lines().collect();
        assert_eq!(lines[0], "cn01: nodehm.mgt: ipmi");
        assert_eq!(lines[1], "cn01: nodehm.node: cn01");
        assert!(lines.contains(&"cn01: nodehm.power: "));
        assert_eq!(lines.len(), 16);
        // selectors
        let both = Some(&["cn01", "cn02"][..]);
        assert_eq!(
            run(&env, "nodels", both, &["nodehm.mgt==ipmi"]).stdout,
            "cn01\n"
        );
        assert_eq!(
            run(&env, "nodels", both, &["nodehm.mgt!=ipmi"]).stdout,
            "cn02\n"
        );
        assert_eq!(
            run(&env, "nodels", both, &["nodehm.mgt=~/^open/"]).stdout,
            "cn02\n"
        );
        assert_eq!(
            run(&env, "nodels", both, &["nodehm.mgt!~bmc"]).stdout,
            "cn01\n"
        );
        assert_eq!(
            run(
                &env,
                "nodels",
                both,
                &["nodehm.mgt==openbmc", "noderes.xcatmaster"]
            )
            .stdout,
            "cn02: noderes.xcatmaster: sn1\n"
        );
        assert_eq!(
            run(&env, "nodels", both, &["nodehm.mgt=~i", "nodehm.mgt"]).stdout,
            "cn01: nodehm.mgt: ipmi\n"
        );
        let out = run(&env, "nodels", n1, &["foo.bar", "bogus"]);
        assert_eq!(
            (out.stderr.as_str(), out.exit),
            ("Error: foo.bar not a valid table.column description\nError: bogus not a valid table.column description\n", 1)
        );
        // numofnodes is its own document after the node entries
        let out = run(&env, "nodels", both, &[]);
        assert_eq!(out.stdout, "cn01\ncn02\n");
        let last = out.docs.last().unwrap();
        assert_eq!(last.map.get("numofnodes").unwrap()[0].as_text(), Some("2"));
        // hidden nodes
        ok(&env, "tabch", None, &["node=sn1", "nodelist.hidden=1"]);
        assert_eq!(run(&env, "nodels", None, &[]).stdout, "cn01\ncn02\ncn05\n");
        assert_eq!(
            run(&env, "nodels", None, &["-S"]).stdout,
            "cn01\ncn02\ncn05\nsn1\n"
        );
    }
}

#[test]
fn nodels_hierarchical_attributes() {
    for env in backends() {
        base(&env);
        seed(
            &env,
            "site",
            &["key", "value"],
            &[&["hierarchicalattrs", "postscripts"]],
        );
        seed(
            &env,
            "postscripts",
            &["node", "postscripts", "postbootscripts"],
            &[
                &["compute", "a,b", "g"],
                &["all", "z", "h"],
                &["cn01", "c,a", "own"],
            ],
        );
        let out = run(
            &env,
            "nodels",
            Some(&["cn01"]),
            &[
                "-b",
                "postscripts.postscripts",
                "postscripts.postbootscripts",
            ],
        );
        assert_eq!(
            out.stdout,
            "cn01: postscripts.postbootscripts: own\ncn01: postscripts.postscripts: c,a,b,z (inherited from group cn01,compute,all)\n"
        );
    }
}

#[test]
fn nodech_operators_and_messages() {
    for env in backends() {
        base(&env);
        let n1 = Some(&["cn01"][..]);
        ok(&env, "nodech", n1, &["groups=all,rhels5.5"]);
        ok(&env, "nodech", n1, &["groups,=rhels5.5,rhels5.6"]);
        assert_eq!(
            run(&env, "nodels", n1, &["groups"]).stdout,
            "cn01: rhels5.6,all,rhels5.5\n"
        );
        ok(&env, "nodech", n1, &["groups^=all"]);
        assert_eq!(
            run(&env, "nodels", n1, &["groups"]).stdout,
            "cn01: rhels5.6,rhels5.5\n"
        );
        // empty value forces "unset" over the group value
        ok(&env, "nodech", n1, &["nodehm.mgt="]);
        assert_eq!(run(&env, "nodels", n1, &["nodehm.mgt"]).stdout, "cn01: \n");
        let raw = env
            .ctx
            .db
            .read(|c| c.select("nodehm", &["mgt"], &[("node", "cn01")], false))
            .unwrap();
        assert_eq!(raw, vec![vec![Some("|^.*$||".to_string())]]);
        ok(&env, "nodech", n1, &["nodehm.power=@=x"]);
        assert_eq!(
            run(&env, "nodels", n1, &["nodehm.power"]).stdout,
            "cn01: =x\n"
        );
        // selection criteria restrict the nodes
        ok(
            &env,
            "nodech",
            Some(&["cn01", "cn02"]),
            &["nodehm.mgt==openbmc", "nodehm.power=bmc"],
        );
        assert_eq!(
            run(&env, "nodels", Some(&["cn01", "cn02"]), &["nodehm.power"]).stdout,
            "cn01: =x\ncn02: bmc\n"
        );
        // -d deletes the node's row
        ok(&env, "nodech", n1, &["-d", "nodehm"]);
        ok(&env, "nodech", n1, &["groups=compute,all"]);
        let raw = env
            .ctx
            .db
            .read(|c| c.select("nodehm", &["mgt"], &[("node", "cn01")], false))
            .unwrap();
        assert!(raw.is_empty(), "{raw:?}");
        assert_eq!(
            run(&env, "nodels", n1, &["-b", "nodehm.mgt"]).stdout,
            "cn01: ipmi (inherited from group compute)\n"
        );
        let out = run(&env, "nodech", n1, &["foo"]);
        assert_eq!(
            (out.stderr.as_str(), out.exit),
            ("Error: Malformed argument foo ignored.\n", 1)
        );
        let out = run(&env, "nodech", n1, &["-d", "nodehm.mgt"]);
        assert_eq!(out.stderr, "Error: . and = not valid in delete mode.\n");
        // a failing nodech writes nothing
        let out = run(&env, "nodech", n1, &["nodehm.mgt=x", "nodehm.nosuch=1"]);
        assert_eq!(
            (out.stderr.as_str(), out.exit),
            (
                "Error: nodehm.nosuch not a valid table.column description\n",
                1
            )
        );
        assert_eq!(
            run(&env, "nodels", n1, &["nodehm.mgt"]).stdout,
            "cn01: ipmi\n"
        );
        let out = run(&env, "nodech", n1, &[]);
        assert!(
            out.stdout
                .starts_with("Usage: nodech <noderange> table.column=value [...]\n")
                && out.exit == 1
        );
    }
}

#[test]
fn nodeadd_nodegrpch_noderm() {
    for env in backends() {
        base(&env);
        let out = run(
            &env,
            "nodeadd",
            None,
            &["Node1", "groups=compute,all", "nodehm.power=ipmi"],
        );
        assert_eq!(
            (out.stderr.as_str(), out.exit),
            ("Warning: The node name 'Node1' contains capital letters which may not be resolved correctly by the dns server.\n", 0)
        );
        assert_eq!(
            run(
                &env,
                "nodels",
                Some(&["Node1"]),
                &["-H", "groups", "nodehm.power"]
            )
            .stdout,
            "Node1: groups: compute,all\nNode1: nodehm.power: ipmi\n"
        );
        // nodegrpch writes the group row and clears the members' own values
        ok(
            &env,
            "nodegrpch",
            None,
            &["compute", "nodehm.power=bmcgroup"],
        );
        assert_eq!(
            run(&env, "nodels", Some(&["Node1"]), &["nodehm.power"]).stdout,
            "Node1: bmcgroup\n"
        );
        let out = run(&env, "nodegrpch", None, &["compute", "groups=x"]);
        assert_eq!(
            out.stderr,
            "Error: Group membership is not changeable via nodegrpch\n"
        );
        let out = run(&env, "nodegrpch", None, &["compute", "nodehm.power,=x"]);
        assert_eq!(
            out.stderr,
            "Error: ,= and ^= are not supported by nodegrpch\n"
        );
        // noderm removes every row of the node; pruneservices asks makedhcp -d first
        ok(
            &env,
            "tabch",
            None,
            &["key=pruneservices", "site.value=yes"],
        );
        ok(&env, "noderm", Some(&["Node1", "cn02"]), &[]);
        for t in ["nodelist", "nodehm", "noderes"] {
            let left = env
                .ctx
                .db
                .read(|c| c.select(t, &["node"], &[], false))
                .unwrap();
            assert!(
                !left
                    .iter()
                    .any(|r| matches!(r[0].as_deref(), Some("Node1") | Some("cn02"))),
                "{t}"
            );
        }
        // internal requests as (command, nodes, args)
        let reqs = env.runner.xcats();
        assert_eq!(reqs.len(), 1);
        assert_eq!(reqs[0].0, "makedhcp");
        assert_eq!(reqs[0].2, vec!["-d"]);
        assert_eq!(reqs[0].1, vec!["Node1", "cn02"]);
    }
}

fn restore_req(table: &str, lines: &[&str], add: bool) -> xcat_proto::Request {
    let mut r = xcat_proto::Request::new("tabrestore");
    r.set("table", table);
    if add {
        r.set("addrows", "yes");
    }
    r.map.insert(
        "data".into(),
        lines
            .iter()
            .map(|l| xcat_proto::Value::text(format!("{l}\n")))
            .collect(),
    );
    r
}

#[test]
fn tabrestore_errors_roll_back() {
    for env in backends() {
        base(&env);
        let before = run(&env, "tabdump", None, &["site"]).stdout;
        let cases: Vec<(Vec<&str>, &str, i32)> = vec![
            (vec!["key,value", "\"a\",\"b\""], "Error: Data missing header line starting with #\n", 1),
            (vec!["#key,bogus"], "Error: The header line indicates that column 'bogus' should exist, which is not defined in the schema for 'site'\n", 1),
            (vec!["#key,value", "\"a\",\"1\"", "b\"x,2"], "Error: CSV missing opening \" for record with \" characters on line 1, character 0: b\"x,2\n", 4),
            (vec!["#key,value", "\"a\",\"1\",\"c\""], "Error: Too many fields on line 0: \"a\",\"1\",\"c\" | \"c\"\n", 4),
        ];
        for (lines, err, code) in cases {
            let out = run_req(&env, &restore_req("site", &lines, false));
            assert_eq!((out.stderr.as_str(), out.exit), (err, code), "{lines:?}");
            assert_eq!(run(&env, "tabdump", None, &["site"]).stdout, before);
        }
        // a duplicate key is a database error: everything rolled back, the
        // delete-all included
        let out = run_req(
            &env,
            &restore_req("site", &["#key,value", "\"a\",\"1\"", "\"a\",\"2\""], false),
        );
        assert_eq!(out.exit, 4, "{}", out.stderr);
        assert!(out.stderr.starts_with("Error: DB error "), "{}", out.stderr);
        assert!(
            out.stderr.ends_with(" with line 1: \"a\",\"2\"\n"),
            "{}",
            out.stderr
        );
        assert_eq!(run(&env, "tabdump", None, &["site"]).stdout, before);
        // -a keeps the rows; blank lines insert nothing; quoted multi-line values
        let out = run_req(
            &env,
            &restore_req(
                "site",
                &["#key,value", "\"new\",\"l1", "l2\"", ",", ""],
                true,
            ),
        );
        assert_eq!((out.stderr.as_str(), out.exit), ("", 0));
        let after = run(&env, "tabdump", None, &["site"]).stdout;
        assert_eq!(after, format!("{before}\"new\",\"l1\nl2\",,\n"));
        // replace mode
        let out = run_req(&env, &restore_req("site", &["#value,key", "1,k"], false));
        assert_eq!(out.exit, 0);
        assert_eq!(
            run(&env, "tabdump", None, &["site"]).stdout,
            "#key,value,comments,disable\n\"k\",\"1\",,\n"
        );
        let out = run_req(&env, &restore_req("nosuch", &["#a"], false));
        assert_eq!(
            (out.stderr.as_str(), out.exit),
            ("Error: Unable to open nosuch\n", 4)
        );
    }
}

#[test]
fn user_tables_are_listed_dumped_and_restored() {
    let dir = tempfile::tempdir().unwrap();
    let dbdir = dir.path().join("db");
    std::fs::create_dir_all(&dbdir).unwrap();
    let st = std::process::Command::new("sqlite3")
        .arg(dbdir.join("x_test.sqlite"))
        .arg("CREATE TABLE x_test (name TEXT NOT NULL, val TEXT, comments TEXT, disable TEXT, PRIMARY KEY (name)); INSERT INTO x_test VALUES ('a','1',NULL,NULL);")
        .status();
    let Ok(st) = st else {
        xcat_schema::testing::unavailable("sqlite3 not installed");
        return;
    };
    assert!(st.success());
    let env = env_for(
        "sqlite-user",
        xcat_schema::db::DbLocation::SqliteDir(dbdir),
        dir,
    );
    let list = run(&env, "tabdump", None, &[]).stdout;
    assert_eq!(list.lines().count(), 74);
    assert!(list.ends_with("x_test\nzone\nzvm\nzvmivp\n"), "{list}");
    assert!(run(&env, "tabdump", None, &["-d"])
        .stdout
        .contains("\n\nx_test:\t\tUser-defined table.\n\n"));
    assert_eq!(
        run(&env, "tabdump", None, &["-d", "x_test"]).stdout,
        "name:\t\tName.\n\nval:\t\tThe val setting.\n\ncomments:\tAny user-written notes.\n\ndisable:\tSet to 'yes' or '1' to comment out this row.\n"
    );
    assert_eq!(
        run(&env, "tabdump", None, &["x_test"]).stdout,
        "#name,val,comments,disable\n\"a\",\"1\",,\n"
    );
    let out = run_req(&env, &restore_req("x_test", &["#name,val", "b,2"], true));
    assert_eq!(out.exit, 0, "{}", out.stderr);
    assert_eq!(
        run(&env, "tabdump", None, &["x_test"]).stdout,
        "#name,val,comments,disable\n\"a\",\"1\",,\n\"b\",\"2\",,\n"
    );
    ok(&env, "tabch", None, &["name=c", "x_test.val=3"]);
    assert_eq!(
        run(&env, "gettab", None, &["name=c", "x_test.val"]).stdout,
        "3\n"
    );
}

#[test]
fn nodeadd_expands_ranges_without_verification() {
    for env in backends() {
        base(&env);
        ok(
            &env,
            "nodeadd",
            None,
            &["cn[21-23],cn30-cn31", "groups=compute,all"],
        );
        assert_eq!(
            run(&env, "nodels", None, &[]).stdout,
            "cn01\ncn02\ncn05\ncn21\ncn22\ncn23\ncn30\ncn31\nsn1\n"
        );
        let out = run(&env, "nodeadd", None, &["cn40"]);
        assert_eq!(out.exit, 1);
        assert!(out
            .stdout
            .starts_with("Usage: nodeadd <noderange> groups=<groupnames>"));
    }
}
