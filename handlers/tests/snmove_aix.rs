//! AIX nodes: the statelite sync on the old service node, node-keyed
//! statelite rows, niminit for standalone nodes, /etc/xcatinfo, the default
//! route change, the bootlist, `-l`, and the more-than-two warning.

mod snmove_support;

use snmove_support::{backends, render, Env};
use xcat_handlers::runner::{Output, Target};

const SCRIPT: &str = "'if [ -d \"$1\" ]; then exec /usr/bin/rsync -arlHpEAogDz \"$1\" \"$2\"; fi'";

fn seed_aix(env: &Env) {
    env.seed();
    for i in 1..=4 {
        let n = format!("cn{i:02}");
        let img = if i == 1 { "71diskful" } else { "71dskls" };
        env.insert(
            "nodetype",
            &[("node", &n), ("os", "AIX"), ("provmethod", img)],
        );
        env.set(
            "nodelist",
            &[("node", &n)],
            &[("groups", Some("compute,all,aixlite"))],
        );
    }
    env.insert(
        "nimimage",
        &[("imagename", "71diskful"), ("nimtype", "standalone")],
    );
    env.insert(
        "nimimage",
        &[("imagename", "71dskls"), ("nimtype", "diskless")],
    );
    env.insert(
        "statelite",
        &[
            ("node", "aixlite"),
            ("image", "71dskls"),
            ("statemnt", "sn1:/nodedata"),
            ("mntopts", "vers=3"),
        ],
    );
    env.insert(
        "statelite",
        &[("node", "cn20"), ("statemnt", "nfs9:/other")],
    );
    env.insert(
        "networks",
        &[
            ("netname", "c"),
            ("net", "127.2.0.0"),
            ("mask", "255.255.0.0"),
            ("gateway", "<xcatmaster>"),
        ],
    );
    for i in 1..=3 {
        let n = format!("cn{i:02}");
        let netstat = format!("Name Mtu Network Address Ipkts\nen0 1500 127.2 127.2.0.{i} 100\nlo0 16896 127 127.0.0.1 5\n");
        env.runner.on_run(
            "netstat",
            Some(Target::Host(n.clone())),
            Some(&["-in"]),
            Output::success(netstat),
        );
    }
    env.runner.on_run(
        "netstat",
        Some(Target::Host("cn01".into())),
        Some(&["-rn"]),
        Output::success("Destination Gateway Flags\ndefault 127.1.0.1 UG\n"),
    );
    env.runner.on_run(
        "netstat",
        Some(Target::Host("cn02".into())),
        Some(&["-rn"]),
        Output::success("default 127.1.0.2 UG\n"),
    );
}

#[test]
fn aix_move_runs_the_node_actions() {
    for env in backends() {
        seed_aix(&env);
        let p = render(&env.snmove(&["cn01-cn03", "-d", "sn2", "-D", "sn2"]));
        assert_eq!(p.exit_code, 0, "{}: {}", env.label, p.stderr);
        assert_eq!(
            p.stdout,
            "Moving nodes to their backup service nodes.\n\nSetting new values in the xCAT database.\n\n\
             Checking the default routes on the nodes.\nUpdating the bootlist.\n\nRunning postscripts on the nodes.\n"
        );
        let h = |n: &str| Target::Host(n.to_string());
        let runs = env.runner.runs();
        let expect = vec![
            (h("sn1"), format!("sh -c {SCRIPT} sh /nodedata/cn01 sn2:/nodedata")),
            (h("sn1"), format!("sh -c {SCRIPT} sh /nodedata/cn02 sn2:/nodedata")),
            (h("sn1"), format!("sh -c {SCRIPT} sh /nodedata/cn03 sn2:/nodedata")),
            (h("cn01"), "/usr/sbin/niminit -a name=cn01 -a master=sn2".to_string()),
            (h("cn01"), "sh -c 'echo \"XCATSERVER=$1\" > /etc/xcatinfo' sh 127.1.0.2".to_string()),
            (h("cn02"), "sh -c 'echo \"XCATSERVER=$1\" > /etc/xcatinfo' sh 127.1.0.2".to_string()),
            (h("cn03"), "sh -c 'echo \"XCATSERVER=$1\" > /etc/xcatinfo' sh 127.1.0.2".to_string()),
            (h("cn01"), "netstat -rn".to_string()),
            (h("cn02"), "netstat -rn".to_string()),
            (h("cn03"), "netstat -rn".to_string()),
            (h("cn01"), "route change default 127.1.0.2".to_string()),
            (h("cn01"), "netstat -in".to_string()),
            (h("cn02"), "netstat -in".to_string()),
            (h("cn03"), "netstat -in".to_string()),
            (h("cn01"), "/usr/bin/bootlist -m normal ent0 gateway=127.1.0.2 bserver=127.1.0.2 client=127.2.0.1".to_string()),
            (h("cn02"), "/usr/bin/bootlist -m normal ent0 gateway=127.1.0.2 bserver=127.1.0.2 client=127.2.0.2".to_string()),
            (h("cn03"), "/usr/bin/bootlist -m normal ent0 gateway=127.1.0.2 bserver=127.1.0.2 client=127.2.0.3".to_string()),
        ];
        // Fan-out may interleave within one step: compare step by step.
        let mut got = runs.clone();
        let mut want = expect.clone();
        got.sort();
        want.sort();
        assert_eq!(got, want, "{}", env.label);
        assert_eq!(runs.len(), expect.len());
        // Node-keyed statelite rows with the new master; the image and mount
        // options of the group row are copied; other rows untouched.
        for n in ["cn01", "cn02", "cn03"] {
            assert_eq!(
                env.raw("statelite", n, "statemnt").as_deref(),
                Some("sn2:/nodedata"),
                "{}",
                env.label
            );
            assert_eq!(
                env.raw("statelite", n, "mntopts").as_deref(),
                Some("vers=3")
            );
        }
        assert_eq!(
            env.raw("statelite", "aixlite", "statemnt").as_deref(),
            Some("sn1:/nodedata")
        );
        assert_eq!(
            env.raw("statelite", "cn20", "statemnt").as_deref(),
            Some("nfs9:/other")
        );
        assert_eq!(env.raw("statelite", "cn04", "statemnt"), None);
        let x: Vec<_> = env
            .runner
            .xcats()
            .into_iter()
            .map(|(c, n, a)| format!("{c} {} {}", n.join(","), a.join(" ")))
            .collect();
        assert_eq!(
            x,
            vec![
                "updatenode cn01,cn02,cn03 -s",
                "updatenode cn01,cn02,cn03 -P syslog"
            ]
        );
    }
}

#[test]
fn aix_lite_only_syncs_and_changes_nothing() {
    for env in backends() {
        seed_aix(&env);
        env.runner.on_run(
            "sh",
            Some(Target::Host("sn1".into())),
            None,
            Output::failure(23, "rsync: some files vanished"),
        );
        let p = render(&env.snmove(&["cn02", "-l", "-d", "sn2", "-D", "sn2"]));
        assert_eq!(p.stdout, "", "no 'Moving nodes' with -l");
        assert_eq!(p.stderr, "Error: [vm]: Could not sync statelite '/nodedata/cn02'.\nError: [vm]: rsync: some files vanished\n");
        assert_eq!(p.exit_code, 1);
        assert_eq!(
            env.noderes_line("cn02"),
            "cn02,\"sn1,sn2\",,,,,,,,,,,sn1,,,,,,,,,"
        );
        env.runner.clear();
        env.runner.on_run(
            "sh",
            Some(Target::Host("sn1".into())),
            None,
            Output::success(""),
        );
        let p = render(&env.snmove(&["cn02", "-l", "-d", "sn2", "-D", "sn2"]));
        assert_eq!(
            (p.stdout.as_str(), p.stderr.as_str(), p.exit_code),
            ("", "", 0)
        );
        assert_eq!(env.runner.runs().len(), 1);
        assert_eq!(
            env.noderes_line("cn02"),
            "cn02,\"sn1,sn2\",,,,,,,,,,,sn1,,,,,,,,,"
        );
        assert_eq!(
            env.raw("statelite", "cn02", "statemnt"),
            None,
            "-l does not touch the tables (stock)"
        );
    }
}

#[test]
fn aix_more_than_two_service_nodes_warns_and_moves() {
    for env in backends() {
        seed_aix(&env);
        env.set(
            "noderes",
            &[("node", "cn04")],
            &[("servicenode", Some("sn1,sn2,sn3"))],
        );
        let p = render(&env.snmove(&["cn04", "-D", "sn2", "-i"]));
        assert_eq!(
            p.stderr,
            "Error: [vm]: The service node attribute cannot have more than two values.\n"
        );
        assert_eq!(p.exit_code, 0, "a warning, as stock");
        assert_eq!(
            env.raw("noderes", "cn04", "servicenode").as_deref(),
            Some("sn2,sn1,sn3")
        );
    }
}
