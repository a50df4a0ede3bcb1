//! `mkdsklsnode -S` (`nim::hanfs::setup_ha_nfs`) against two simulated AIX
//! service nodes: each with its own addresses (an `en0` on the name's
//! network, an `hf0` on the xcatmaster's), the remote one reached through
//! the real `SystemRunner` and a stand-in ssh.  The exact command sequence
//! per host from the simulator's logs, the resulting `lsnfsexp -c` state,
//! every message, the plans (nothing / rmnfsexp / chnfsexp), the checks and
//! every failing command.

mod nim_support;

use nim_support::*;
use std::collections::HashMap;
use std::net::IpAddr;
use xcat_handlers::nim::cmd::NimConfig;
use xcat_handlers::nim::hanfs::{setup_ha_nfs, HaNfs, HaNfsNode};
use xcat_handlers::nim::model::Reply;
use xcat_handlers::runner::SystemRunner;
use xcat_handlers::snmove::resolve::SystemResolver;
use xcat_proto::Response;

/// sn1/sn2 by name on 198.18.0.0/26; their HFI side (the xcatmasters) on
/// 198.18.0.64/26; a management node on 198.18.0.192/26 that neither SN has.
const NAMES: &[(&str, &str)] = &[
    ("sn1", "198.18.0.11"),
    ("sn2", "198.18.0.12"),
    ("sn3", "198.18.0.13"),
    ("sn1-hfi0", "198.18.0.75"),
    ("sn2-hfi0", "198.18.0.76"),
    ("mn", "198.18.0.200"),
];

struct Names(HashMap<String, IpAddr>);

impl SystemResolver for Names {
    fn lookup(&self, name: &str) -> Vec<IpAddr> {
        self.0.get(name).copied().into_iter().collect()
    }
    fn reverse(&self, ip: &IpAddr) -> Option<String> {
        self.0
            .iter()
            .find(|(_, a)| *a == ip)
            .map(|(n, _)| n.clone())
    }
}

fn names() -> Names {
    Names(
        NAMES
            .iter()
            .map(|(n, a)| (n.to_string(), a.parse().unwrap()))
            .collect(),
    )
}

/// The pair, each with its interfaces.
struct Pair {
    sn1: SimHost,
    sn2: SimHost,
    ssh_dir: tempfile::TempDir,
}

fn pair() -> Pair {
    let sn1 = SimHost::new("sn1", "");
    sn1.set_interfaces("en0 198.18.0.11 255.255.255.192\nhf0 198.18.0.75 255.255.255.192\n");
    let sn2 = SimHost::new("sn2", "");
    sn2.set_interfaces("en0 198.18.0.12 255.255.255.192\nhf0 198.18.0.76 255.255.255.192\n");
    Pair {
        sn1,
        sn2,
        ssh_dir: tempfile::tempdir().unwrap(),
    }
}

fn node(name: &str, sns: &str, master: &str) -> HaNfsNode {
    HaNfsNode {
        node: name.into(),
        servicenode: sns.into(),
        xcatmaster: master.into(),
    }
}

/// cn01-cn03 served by sn1 (backup sn2) through sn1-hfi0.
fn sn1_nodes() -> Vec<HaNfsNode> {
    (1..=3)
        .map(|i| node(&format!("cn0{i}"), "sn1,sn2", "sn1-hfi0"))
        .collect()
}

fn sn2_nodes() -> Vec<HaNfsNode> {
    (4..=6)
        .map(|i| node(&format!("cn0{i}"), "sn2,sn1", "sn2-hfi0"))
        .collect()
}

/// `-S` as `on` runs it (verbose or not): what the client shows, and the
/// error count the summary would use.
fn run_on(p: &Pair, on: &SimHost, nodes: &[HaNfsNode], verbose: bool) -> (Out, usize) {
    let ssh = fake_ssh(p.ssh_dir.path(), &[&p.sn1, &p.sn2]);
    let runner =
        SystemRunner::new(Box::new(|_, _| Vec::new())).with_ssh_program(ssh.to_str().unwrap());
    let cfg = NimConfig::default().with_command_root(&on.root);
    let names = names();
    let ha = HaNfs {
        runner: &runner,
        cfg: &cfg,
        names: &names,
        sname: &on.name,
        installdir: "/install",
    };
    let mut docs: Vec<Response> = Vec::new();
    let mut reply = Reply::new(&mut docs, verbose);
    setup_ha_nfs(&ha, nodes, &mut reply).unwrap();
    let errors = reply.errors;
    (output(docs), errors)
}

fn replica_line(first: &str, second: &str) -> Vec<String> {
    vec![format!(
        "/install:-2:no:4:::/install@{first},/install@{second}:rw:::*::sys:"
    )]
}

#[test]
fn fresh_pair_exports_each_way() {
    let p = pair();
    let (out, errors) = run_on(&p, &p.sn1, &sn1_nodes(), false);
    assert_eq!(
        (out.stdout.as_str(), out.stderr.as_str(), out.exit, errors),
        ("", "", 0, 0)
    );
    assert_eq!(p.sn1.calls(), hanfs_sequence("198.18.0.75", "198.18.0.76"));
    // The remote address came from sn2's own ifconfig, over ssh.
    assert_eq!(p.sn2.calls(), ["0\tifconfig -a"]);
    assert_eq!(
        p.sn1.export_of("/install"),
        replica_line("198.18.0.75", "198.18.0.76")
    );

    p.sn2.reset_log();
    let (out, _) = run_on(&p, &p.sn2, &sn2_nodes(), true);
    assert_eq!(out.stdout, "Setting up NFSv4 replication on sn2.\n\n");
    assert_eq!((out.stderr.as_str(), out.exit), ("", 0));
    assert_eq!(p.sn2.calls(), hanfs_sequence("198.18.0.76", "198.18.0.75"));
    assert_eq!(
        p.sn2.export_of("/install"),
        replica_line("198.18.0.76", "198.18.0.75")
    );
    // Both exported (not only listed), NFSv4 replication on.
    let exported = p.sn2.sh("/usr/sbin/exportfs", &[]);
    assert!(
        exported.contains(
            "/install -vers=4,replicas=/install@198.18.0.76:/install@198.18.0.75,rw,root=*"
        ),
        "{exported}"
    );
}

#[test]
fn already_replicated_needs_nothing() {
    let p = pair();
    run_on(&p, &p.sn1, &sn1_nodes(), false);
    p.sn1.reset_log();
    let (out, errors) = run_on(&p, &p.sn1, &sn1_nodes(), true);
    assert_eq!(
        (out.stdout.as_str(), out.stderr.as_str(), out.exit, errors),
        ("", "", 0, 0)
    );
    assert_eq!(p.sn1.calls(), ["0\tifconfig -a", "0\tlsnfsexp -c"]);
}

#[test]
fn export_without_replicas_is_removed_then_made() {
    let p = pair();
    p.sn1.sh(
        "/usr/sbin/mknfsexp",
        &["-d", "/install", "-B", "-v", "4", "-t", "rw"],
    );
    p.sn1.reset_log();
    let (out, _) = run_on(&p, &p.sn1, &sn1_nodes(), false);
    assert_eq!((out.stderr.as_str(), out.exit), ("", 0));
    let mut want = hanfs_sequence("198.18.0.75", "198.18.0.76");
    want.insert(2, "0\trmnfsexp -d /install".into());
    assert_eq!(p.sn1.calls(), want);
    assert_eq!(
        p.sn1.export_of("/install"),
        replica_line("198.18.0.75", "198.18.0.76")
    );
}

/// A replicated export already there (replication on).
fn replicated(h: &SimHost, replicas: &str) {
    h.sh("/usr/sbin/chnfs", &["-R", "on"]);
    h.sh(
        "/usr/sbin/mknfsexp",
        &[
            "-d", "/install", "-B", "-v", "4", "-g", replicas, "-x", "-t", "rw", "-r", "*",
        ],
    );
    h.reset_log();
}

#[test]
fn other_replicas_are_kept_with_chnfsexp() {
    let p = pair();
    replicated(&p.sn1, "/install@198.18.0.75:/install@198.18.0.30");
    let (out, errors) = run_on(&p, &p.sn1, &sn1_nodes(), false);
    assert_eq!((out.stderr.as_str(), out.exit, errors), ("", 0, 0));
    assert_eq!(
        p.sn1.calls(),
        [
            "0\tifconfig -a",
            "0\tlsnfsexp -c",
            "0\tchnfsexp -d /install -B -v 4 -g /install@198.18.0.75:/install@198.18.0.76:/install@198.18.0.30 -x -t rw -r *"
        ]
    );
    assert_eq!(
        p.sn1.export_of("/install"),
        ["/install:-2:no:4:::/install@198.18.0.75,/install@198.18.0.76,/install@198.18.0.30:rw:::*::sys:"]
    );
}

#[test]
fn half_a_pair_is_completed_with_chnfsexp() {
    // Stock would run mknfsexp here, which fails: /install is exported.
    let p = pair();
    replicated(&p.sn1, "/install@198.18.0.75");
    let (out, _) = run_on(&p, &p.sn1, &sn1_nodes(), false);
    assert_eq!((out.stderr.as_str(), out.exit), ("", 0));
    assert_eq!(
        p.sn1.calls().last().unwrap(),
        "0\tchnfsexp -d /install -B -v 4 -g /install@198.18.0.75:/install@198.18.0.76 -x -t rw -r *"
    );
    assert_eq!(
        p.sn1.export_of("/install"),
        replica_line("198.18.0.75", "198.18.0.76")
    );
}

#[test]
fn the_pair_must_be_two_service_nodes_with_this_host() {
    let p = pair();
    let (out, errors) = run_on(&p, &p.sn1, &[node("cn01", "sn1", "sn1-hfi0")], false);
    assert_eq!(
        out.stderr,
        "Error: Could not determine the service nodes pair, the service nodes are sn1.\n\n\
         Error: Wrong service nodes pair: sn1\n\n"
    );
    assert_eq!((out.exit, errors), (1, 0));
    assert_eq!(p.sn1.calls(), ["0\tifconfig -a"]);

    let three = [
        node("cn01", "sn1,sn2", "sn1-hfi0"),
        node("cn02", "sn3,sn1", "sn1-hfi0"),
    ];
    let (out, _) = run_on(&p, &p.sn1, &three, false);
    assert_eq!(
        out.stderr,
        "Error: Could not determine the service nodes pair, the service nodes are sn1,sn2,sn3.\n\n"
    );

    let (out, _) = run_on(&p, &p.sn1, &[node("cn01", "sn2,sn3", "sn2-hfi0")], false);
    assert_eq!(out.stderr, "Error: Wrong service nodes pair: sn2,sn3\n\n");
    assert!(p.sn1.export_of("/install").is_empty());
}

#[test]
fn one_xcatmaster_by_address() {
    let p = pair();
    let mixed = [
        node("cn01", "sn1,sn2", "sn1-hfi0"),
        node("cn04", "sn2,sn1", "sn2-hfi0"),
    ];
    let (out, errors) = run_on(&p, &p.sn1, &mixed, false);
    assert_eq!(
        out.stderr,
        "Error: There are more than one xcatmaster for the nodes, the xcatmasters are sn1-hfi0,sn2-hfi0.\n\n"
    );
    assert_eq!((out.exit, errors), (1, 0));
    assert_eq!(p.sn1.calls(), ["0\tifconfig -a"]);

    // Two names of one address are one xcatmaster.
    let same = [
        node("cn01", "sn1,sn2", "sn1-hfi0"),
        node("cn02", "sn1,sn2", "198.18.0.75"),
    ];
    let (out, _) = run_on(&p, &p.sn1, &same, false);
    assert_eq!((out.stderr.as_str(), out.exit), ("", 0));
    assert_eq!(
        p.sn1.export_of("/install"),
        replica_line("198.18.0.75", "198.18.0.76")
    );
}

#[test]
fn no_address_in_the_xcatmaster_subnet_falls_back_to_the_service_nodes() {
    let p = pair();
    let nodes = [node("cn01", "sn1,sn2", "mn")];
    let (out, errors) = run_on(&p, &p.sn1, &nodes, false);
    assert_eq!(
        out.stderr,
        "Warning: Could not find an ip address in the samesubnet with xcatmaster ip 198.18.0.200 on node sn1, falling back to service node sn1.\n\n\
         Warning: Could not find an ip address in the samesubnet with xcatmaster ip 198.18.0.200 on node sn2, falling back to service node sn2.\n\n"
    );
    assert_eq!((out.exit, errors), (0, 0));
    assert_eq!(
        p.sn1.export_of("/install"),
        replica_line("198.18.0.11", "198.18.0.12")
    );
}

#[test]
fn remote_query_failure_warns_and_falls_back() {
    let p = pair();
    p.sn2.nimsim(&["fault", "ifconfig", "fail"]);
    let (out, _) = run_on(&p, &p.sn1, &sn1_nodes(), false);
    assert_eq!(
        out.stderr,
        "Warning: Could not run command: ifconfig -a | grep 'inet ' against node sn2.\n\n\
         Warning: Could not find an ip address in the samesubnet with xcatmaster ip 198.18.0.75 on node sn2, falling back to service node sn2.\n\n"
    );
    assert_eq!(out.exit, 0);
    assert_eq!(
        p.sn1.export_of("/install"),
        replica_line("198.18.0.75", "198.18.0.12")
    );
}

#[test]
fn every_failing_command_has_its_message_and_the_rest_still_runs() {
    let export = "Could not export directory /install with NFSv4 replication settings on sn1.";
    let cases: [(&str, &[&str]); 7] = [
        ("lsnfsexp", &["Could not list nfs exports on sn1."]),
        ("exportfs:-ua", &["Could not un-exportfs on sn1."]),
        // Replication stays off: NFS then refuses the replicas too.
        (
            "chnfs",
            &["Could not enable NFSv4 replication on sn1.", export],
        ),
        ("stopsrc:nfs", &["Could not stop nfs group on sn1."]),
        ("startsrc:nfs", &["Could not stop nfs group on sn1."]),
        ("exportfs:-a", &["Could not exportfs on sn1."]),
        ("mknfsexp", &[export]),
    ];
    for (spec, texts) in cases {
        let p = pair();
        p.sn1.nimsim(&["fault", spec, "fail"]);
        let (out, errors) = run_on(&p, &p.sn1, &sn1_nodes(), false);
        let want: String = texts.iter().map(|t| format!("Error: {t}\n\n")).collect();
        assert_eq!(out.stderr, want, "{spec}");
        assert_eq!((out.exit, errors), (1, texts.len()), "{spec}");
        let calls = p.sn1.calls();
        assert_eq!(calls.len(), 8, "{spec}: {calls:?}");
        let failed = calls.iter().filter(|c| !c.starts_with("0\t")).count();
        assert_eq!(failed, texts.len(), "{spec}: {calls:?}");
    }

    let p = pair();
    p.sn1
        .sh("/usr/sbin/mknfsexp", &["-d", "/install", "-v", "4"]);
    p.sn1.nimsim(&["fault", "rmnfsexp", "fail"]);
    let (out, _) = run_on(&p, &p.sn1, &sn1_nodes(), false);
    assert!(
        out.stderr
            .starts_with("Error: Could not unexport NFS directory /install on sn1.\n\n"),
        "{}",
        out.stderr
    );

    let p = pair();
    replicated(&p.sn1, "/install@198.18.0.30");
    p.sn1.nimsim(&["fault", "chnfsexp", "fail"]);
    let (out, errors) = run_on(&p, &p.sn1, &sn1_nodes(), false);
    assert_eq!(
        out.stderr,
        "Error: Could not export directory /install with NFSv4 replication settings on sn1.\n\n"
    );
    assert_eq!(errors, 1);
}

#[test]
fn bad_database_values_are_refused_before_any_command() {
    let p = pair();
    let bad = [
        node("cn01", "sn1,sn2;reboot", "sn1-hfi0"),
        node("cn02", "sn1,sn2", "$(id)"),
    ];
    let (out, errors) = run_on(&p, &p.sn1, &bad, false);
    assert_eq!(
        out.stderr,
        "Error: Invalid value 'sn2;reboot' of attribute 'servicenode' for 'cn01': not a host name.\n\n\
         Error: Invalid value '$(id)' of attribute 'xcatmaster' for 'cn02': not a host name.\n\n"
    );
    assert_eq!((out.exit, errors), (1, 2));
    assert!(p.sn1.calls().is_empty());
    assert!(p.sn2.calls().is_empty());
}
