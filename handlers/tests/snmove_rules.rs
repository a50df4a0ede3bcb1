//! The attribute rules, validation paths, actions and `--dry-run` of snmove,
//! on every backend, with the recording runner proving which actions ran on
//! which hosts with which arguments.

mod snmove_support;

use snmove_support::{backends, render};
use xcat_handlers::runner::{Output, Target};
use xcat_proto::Response;

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

#[test]
fn tftp_nfs_monserver_conserver_rules() {
    for env in backends() {
        env.seed();
        // cn01: every server on the old SN (by name, by address, by old master).
        env.set(
            "noderes",
            &[("node", "cn01")],
            &[
                ("tftpserver", Some("sn1")),
                ("nfsserver", Some("127.1.0.1")),
                ("monserver", Some("sn1,sn1")),
            ],
        );
        env.set("nodehm", &[("node", "cn01")], &[("conserver", Some("sn1"))]);
        // cn02: servers elsewhere, an invalid monserver.
        env.set(
            "noderes",
            &[("node", "cn02")],
            &[
                ("tftpserver", Some("tftp9")),
                ("nfsserver", Some("nfs9")),
                ("monserver", Some("mon9")),
            ],
        );
        env.set("nodehm", &[("node", "cn02")], &[("conserver", Some("mn"))]);
        let resp = env.snmove(&["cn01,cn02", "-d", "sn2", "-D", "sn2-eth1", "-i"]);
        let p = render(&resp);
        assert_eq!(
            p.stdout,
            "Moving nodes to their backup service nodes.\n\nSetting new values in the xCAT database.\n\nRunning makeconservercf cn01\n",
            "{}",
            env.label
        );
        assert_eq!(p.stderr, "Error: [vm]: The current value of the monserver attribute is not valid.  It will not be reset.\n\n");
        assert_eq!(
            p.exit_code, 1,
            "stock: the monserver message carries an error code"
        );
        assert_eq!(
            env.noderes_line("cn01"),
            "cn01,\"sn2,sn1\",,sn2-eth1,,sn2-eth1,\"sn2,sn2-eth1\",,,,,,sn2-eth1,,,,,,,,,"
        );
        assert_eq!(
            env.raw("nodehm", "cn01", "conserver").as_deref(),
            Some("sn2")
        );
        assert_eq!(
            env.noderes_line("cn02"),
            "cn02,\"sn2,sn1\",,tftp9,,nfs9,mon9,,,,,,sn2-eth1,,,,,,,,,"
        );
        assert_eq!(
            env.raw("nodehm", "cn02", "conserver").as_deref(),
            Some("mn")
        );
        // Untouched node.
        assert_eq!(
            env.noderes_line("cn03"),
            "cn03,\"sn1,sn2\",,,,,,,,,,,sn1,,,,,,,,,"
        );
        // -i still runs makeconservercf (stock), nothing on the nodes.
        assert_eq!(
            env.runner.xcats(),
            vec![("makeconservercf".to_string(), s(&["cn01"]), vec![])]
        );
        assert!(env.runner.runs().is_empty());
    }
}

#[test]
fn missing_backup_and_unresolvable_change_nothing() {
    for env in backends() {
        env.seed();
        env.set(
            "noderes",
            &[("node", "cn03")],
            &[("servicenode", Some("sn1"))],
        );
        let p = render(&env.snmove(&["cn02-cn04", "-D", "sn2"]));
        assert_eq!(
            p.stderr,
            "Error: [vm]: Could not determine a backup service node for node cn03.\n"
        );
        assert_eq!(
            p.exit_code, 1,
            "{}: stock exited 0 here (an error without error code)",
            env.label
        );
        assert_eq!(
            env.noderes_line("cn02"),
            "cn02,\"sn1,sn2\",,,,,,,,,,,sn1,,,,,,,,,"
        );

        // cn21 is a node without an address anywhere.
        env.insert("nodelist", &[("node", "cn21"), ("groups", "compute,all")]);
        env.insert(
            "noderes",
            &[
                ("node", "cn21"),
                ("servicenode", "sn1,sn2"),
                ("xcatmaster", "sn1"),
            ],
        );
        let p = render(&env.snmove(&["-s", "sn1", "-d", "sn2", "-D", "sn2", "-i"]));
        assert_eq!(p.stdout, "Moving nodes to their backup service nodes.\n\n");
        assert_eq!(p.stderr, "Error: [vm]: Could not resolve node 'cn21'.\n\n");
        assert_eq!(p.exit_code, 1);
        assert_eq!(
            env.noderes_line("cn01"),
            "cn01,\"sn1,sn2\",,,,,,,,,,,sn1,,,,,,,,,"
        );

        // Unknown names in the noderange.
        let p = render(&env.snmove(&["cn01,nosuch", "-d", "sn2", "-D", "sn2"]));
        assert_eq!(
            p.stdout,
            "Moving nodes to their backup service nodes.\n\nInvalid nodes in noderange:nosuch\n"
        );
        assert_eq!(p.exit_code, 1);
        assert!(env.runner.calls().is_empty());
    }
}

#[test]
fn validation_messages() {
    for env in backends() {
        env.seed();
        let p = render(&env.snmove(&["cn01", "-i", "-P", "x"]));
        assert_eq!(
            (p.stdout.as_str(), p.exit_code),
            (
                "-P and -i flags cannot be specified at the same time.\n\n",
                1
            )
        );
        let p = render(&env.snmove(&["cn01", "cn02"]));
        assert!(
            p.stdout
                .starts_with("Too many paramters.\n\n\nsnmove - Move xCAT compute nodes"),
            "{}",
            p.stdout
        );
        assert_eq!(p.exit_code, 1);
        let p = render(&env.snmove(&["-d", "sn2"]));
        assert!(p
            .stdout
            .starts_with("A node range or the source service node must be specified.\n"));
        assert_eq!(p.exit_code, 1);
        let p = render(&env.snmove(&["-h"]));
        assert!(p.stdout.contains("\tsnmove [-h | --help ]\n"));
        assert_eq!(p.exit_code, 0);
        let p = render(&env.snmove(&["-v"]));
        assert_eq!(p.stdout, "Version 2.19.0 (xcatd-rs test)\n");
        let p = render(&env.snmove(&["-x"]));
        assert_eq!(p.exit_code, 1);
        assert!(p.stderr.contains("Unknown option: x"));
        // -l with Linux nodes.
        let p = render(&env.snmove(&["cn01", "-l", "-d", "sn2", "-D", "sn2"]));
        assert_eq!(
            p.stderr,
            "Error: [vm]: The '-l' option is not supported for Linux nodes.\n\n"
        );
        // A mix of AIX and Linux.
        env.insert("nodetype", &[("node", "cn01"), ("os", "AIX")]);
        let p = render(&env.snmove(&["cn01,cn02", "-d", "sn2", "-D", "sn2"]));
        assert_eq!(
            p.stderr,
            "Error: [vm]: This command does not support a mix of AIX and Linux nodes.\n\n"
        );
        assert_eq!(
            env.noderes_line("cn01"),
            "cn01,\"sn1,sn2\",,,,,,,,,,,sn1,,,,,,,,,"
        );
        assert!(env.runner.calls().is_empty());
    }
}

#[test]
fn xcatmaster_from_hosts_table_and_networks() {
    for env in backends() {
        env.seed();
        env.insert(
            "networks",
            &[
                ("netname", "lo"),
                ("net", "127.2.0.0"),
                ("mask", "255.255.0.0"),
                ("mgtifname", "lo"),
            ],
        );
        // sn2's node-facing interface is in the nodes' subnet.
        env.set(
            "hosts",
            &[("node", "sn2")],
            &[("otherinterfaces", Some("sn2-c:127.2.255.2"))],
        );
        let p = render(&env.snmove(&["-s", "sn1", "-i"]));
        assert_eq!(p.exit_code, 0, "{}: {}", env.label, p.stderr);
        assert_eq!(
            env.noderes_line("cn07"),
            "cn07,\"sn2,sn1\",,,,,,,,,,,sn2-c,,,,,,,,,"
        );
        assert!(
            env.runner.calls().is_empty(),
            "no ssh when the hosts table knows"
        );

        // Unknown in the tables: the service node is asked (last resort) and
        // the address is written as the name the tables/resolver give, else
        // the address itself.
        env.set("hosts", &[("node", "sn1")], &[("otherinterfaces", None)]);
        env.runner.on_run(
            "/sbin/ip",
            Some(Target::Host("sn1".into())),
            Some(&["addr"]),
            Output::success("1: lo: <LOOPBACK>\n    inet 127.0.0.1/8 scope host lo\n2: eth0\n    inet 127.2.254.1/16 brd 127.2.255.255 scope global eth0\n"),
        );
        let p = render(&env.snmove(&["cn07", "-i"]));
        assert_eq!(p.exit_code, 0, "{}", p.stderr);
        assert_eq!(
            env.runner.runs(),
            vec![(Target::Host("sn1".into()), "/sbin/ip addr".to_string())]
        );
        let xm = env.raw("noderes", "cn07", "xcatmaster").unwrap();
        assert_eq!(
            xm, "127.2.254.1",
            "no name known for the address: written as is"
        );
        assert_eq!(
            env.raw("noderes", "cn07", "servicenode").as_deref(),
            Some("sn1,sn2")
        );
    }
}

#[test]
fn group_and_regex_rows_are_inherited() {
    for env in backends() {
        env.insert("site", &[("key", "master"), ("value", "mn")]);
        env.insert(
            "noderes",
            &[
                ("node", "compute"),
                ("servicenode", "sn1,sn2"),
                ("xcatmaster", "sn1"),
            ],
        );
        env.insert(
            "hosts",
            &[("node", "compute"), ("ip", "|cn(\\d+)|10.9.0.($1+0)|")],
        );
        env.insert("hosts", &[("node", "sn2"), ("ip", "10.9.255.2")]);
        for i in 1..=3 {
            env.insert(
                "nodelist",
                &[("node", &format!("cn{i:02}")), ("groups", "compute,all")],
            );
        }
        let p = render(&env.snmove(&["-s", "sn1", "-d", "sn2", "-D", "sn2", "-i"]));
        assert_eq!(p.exit_code, 0, "{}: {}", env.label, p.stderr);
        for i in 1..=3 {
            let n = format!("cn{i:02}");
            assert_eq!(
                env.raw("noderes", &n, "servicenode").as_deref(),
                Some("sn2,sn1")
            );
            assert_eq!(env.raw("noderes", &n, "xcatmaster").as_deref(), Some("sn2"));
        }
        // The group row itself is untouched.
        assert_eq!(
            env.raw("noderes", "compute", "servicenode").as_deref(),
            Some("sn1,sn2")
        );
    }
}

#[test]
fn ignore_nodes_still_runs_nodeset_and_postscripts_option() {
    for env in backends() {
        env.seed();
        for i in 1..=4 {
            let pm = if i <= 2 {
                "netboot"
            } else {
                "rhels8-x86_64-install-compute"
            };
            env.insert(
                "nodetype",
                &[
                    ("node", &format!("cn{i:02}")),
                    ("os", "rhels8"),
                    ("provmethod", pm),
                ],
            );
        }
        let p = render(&env.snmove(&["cn01-cn04", "-d", "sn2", "-D", "sn2", "-i"]));
        assert_eq!(p.exit_code, 0, "{}", p.stderr);
        assert_eq!(
            env.runner.xcats(),
            vec![
                ("nodeset".to_string(), s(&["cn01", "cn02"]), s(&["netboot"])),
                (
                    "nodeset".to_string(),
                    s(&["cn03", "cn04"]),
                    s(&["osimage=rhels8-x86_64-install-compute"])
                ),
            ]
        );
        assert!(env.runner.runs().is_empty());
        env.runner.clear();

        // -P: the default scripts present (syslog) plus the given ones.
        let p = render(&env.snmove(&["cn05", "-d", "sn2", "-D", "sn2", "-P", "myscript,other"]));
        assert_eq!(p.exit_code, 0, "{}", p.stderr);
        assert_eq!(
            env.runner.xcats(),
            vec![
                ("updatenode".to_string(), s(&["cn05"]), s(&["-s"])),
                (
                    "updatenode".to_string(),
                    s(&["cn05"]),
                    s(&["-P", "syslog,myscript,other"])
                ),
            ]
        );
        env.runner.clear();
        let p = render(&env.snmove(&["cn06", "-d", "sn2", "-D", "sn2", "-P", "all"]));
        assert_eq!(p.exit_code, 0);
        assert_eq!(
            env.runner.xcats()[1].2,
            s(&["-P", "syslog,remoteshell,syncfiles,,otherpkgs,"])
        );
    }
}

#[test]
fn default_routes_and_failed_actions() {
    for env in backends() {
        env.seed();
        env.insert(
            "networks",
            &[
                ("netname", "c"),
                ("net", "127.2.0.0"),
                ("mask", "255.255.0.0"),
                ("gateway", "<xcatmaster>"),
            ],
        );
        env.runner.on_run(
            "route",
            Some(Target::Host("cn02".into())),
            None,
            Output::failure(1, "SIOCADDRT: Network is unreachable"),
        );
        env.runner.on_run(
            "route",
            Some(Target::Host("cn03".into())),
            None,
            Output::failure(7, "SIOCADDRT: File exists"),
        );
        env.runner.on_xcat(
            "updatenode",
            None,
            vec![Response::new().error("cn01: syslog failed")],
        );
        let p = render(&env.snmove(&["cn01-cn03", "-d", "sn2", "-D", "sn2"]));
        let mut runs = env.runner.runs();
        runs.sort();
        assert_eq!(
            runs,
            (1..=3)
                .map(|i| (
                    Target::Host(format!("cn{i:02}")),
                    "route add default gw 127.1.0.2".to_string()
                ))
                .collect::<Vec<_>>()
        );
        assert!(p
            .stdout
            .contains("Checking the default routes on the nodes.\n"));
        assert!(
            p.stderr
                .contains("Error: [vm]: cn02: SIOCADDRT: Network is unreachable\n"),
            "{}",
            p.stderr
        );
        assert!(p.stderr.contains("Could not set default route.\n"));
        assert!(
            !p.stderr.contains("cn03: SIOCADDRT"),
            "File exists is not an error"
        );
        assert!(p.stderr.contains(
            "The nodes were moved in the xCAT database, but 'default route' failed for: cn02."
        ));
        assert!(p
            .stderr
            .contains("but 'updatenode -s' failed for: cn01,cn02,cn03."));
        assert_eq!(p.exit_code, 1);
        // The move stands.
        for i in 1..=3 {
            assert_eq!(
                env.raw("noderes", &format!("cn{i:02}"), "xcatmaster")
                    .as_deref(),
                Some("sn2"),
                "{}",
                env.label
            );
        }
    }
}

#[test]
fn dry_run_changes_nothing() {
    for env in backends() {
        env.seed();
        env.set(
            "noderes",
            &[("node", "cn01")],
            &[("tftpserver", Some("sn1"))],
        );
        let p = render(&env.snmove(&["cn01,cn02", "-d", "sn2", "-D", "sn2", "--dry-run"]));
        assert_eq!(p.exit_code, 0);
        assert!(p.stdout.contains("cn01:\n    noderes.servicenode: sn1,sn2 -> sn2,sn1\n    noderes.xcatmaster: sn1 -> sn2\n    noderes.tftpserver: sn1 -> sn2\n    noderes.nfsserver: (not set) (unchanged)\n"), "{}", p.stdout);
        assert!(p
            .stdout
            .contains("    nodehm.conserver: (not set) (unchanged)\n"));
        assert!(p
            .stdout
            .contains("Dry run: 2 node(s) would move; nothing was changed."));
        assert!(!p.stdout.contains("Setting new values"));
        assert_eq!(
            env.noderes_line("cn01"),
            "cn01,\"sn1,sn2\",,sn1,,,,,,,,,sn1,,,,,,,,,"
        );
        assert!(env.runner.calls().is_empty());
    }
}

#[test]
fn sharedinstall_rules() {
    for env in backends() {
        env.seed();
        env.insert("nodetype", &[("node", "cn01"), ("os", "AIX")]);
        env.insert("site", &[("key", "sharedinstall"), ("value", "sns")]);
        // (The sns move itself: snmove_sns.rs.)
        let p = render(&env.snmove(&["cn01", "-l", "-d", "sn2", "-D", "sn2"]));
        assert_eq!(p.stdout, "The liteonly option is not valaid when using a shared file system across service nodes.\n\n");
        assert_eq!(p.exit_code, 1);
        env.set(
            "site",
            &[("key", "sharedinstall")],
            &[("value", Some("all"))],
        );
        let p = render(&env.snmove(&["cn01", "-l", "-d", "sn2", "-D", "sn2"]));
        assert!(p.stderr.contains("sharedinstall=all"), "{}", p.stderr);
        assert_eq!(
            env.noderes_line("cn01"),
            "cn01,\"sn1,sn2\",,,,,,,,,,,sn1,,,,,,,,,"
        );
        assert!(env.runner.calls().is_empty());
    }
}
