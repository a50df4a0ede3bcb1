//! The cluster in a box (tests/src/cluster): one shared standard cluster
//! (mn1, mn2, sn1-sn3, cn01-cn04) for this binary.  Each host has its own
//! address, name and files; hosts reach each other only inside the cluster
//! network; stock-named clients on mn1 drive mn1's xcatd; each SN's xcatd
//! answers from the MN's PostgreSQL database; ssh and rsync go over real
//! sshds.  Needs root (skips otherwise; fails under CI=true).

use std::net::SocketAddr;
use std::time::Duration;
use xcat_tests::cluster::{probe, Cluster, Role};

fn text(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn ok(out: std::process::Output, what: &str) -> String {
    assert!(
        out.status.success(),
        "{what}: {}\nstdout: {}\nstderr: {}",
        out.status,
        text(&out),
        String::from_utf8_lossy(&out.stderr)
    );
    text(&out)
}

#[test]
fn each_host_has_its_own_address_name_and_files() {
    let Some(c) = Cluster::shared() else { return };
    for h in &c.spec.hosts {
        let host = c.host(&h.name);
        let addr = ok(
            host.run("ip", &["-o", "-4", "addr", "show", "dev", "eth0"]),
            "ip addr",
        );
        assert!(
            addr.contains(&format!("inet {}/24", h.ip())),
            "{}: {addr}",
            h.name
        );
        assert_eq!(
            ok(host.run("hostname", &[]), "hostname"),
            format!("{}\n", h.name)
        );
        let hosts = ok(host.run("cat", &["/etc/hosts"]), "cat /etc/hosts");
        assert!(hosts.contains("198.18.0.11\tsn1\n"), "{hosts}");
        let mn = host.run("test", &["-e", "/etc/xCATMN"]).status.success();
        let sn = host.run("test", &["-e", "/etc/xCATSN"]).status.success();
        assert_eq!(
            (mn, sn),
            (h.role == Role::Mn, h.role == Role::Sn),
            "{}",
            h.name
        );
    }
    assert!(
        !std::path::Path::new("/etc/xCATMN").exists(),
        "the machine itself is no MN"
    );
    // A file written on one host is that host's alone.
    ok(
        c.host("sn1")
            .run("touch", &["/install/only-on-sn1", "/etc/xcat/only-on-sn1"]),
        "touch",
    );
    for other in ["mn1", "sn2"] {
        let seen = c.host(other).run("ls", &["/install/only-on-sn1"]);
        assert!(!seen.status.success(), "{other} sees sn1's /install");
        let seen = c.host(other).run("ls", &["/etc/xcat/only-on-sn1"]);
        assert!(!seen.status.success(), "{other} sees sn1's /etc/xcat");
    }
    assert!(!std::path::Path::new("/install/only-on-sn1").exists());
    assert!(c.host("sn1").file("/install/only-on-sn1").exists());
}

#[test]
fn every_daemon_has_its_own_certificate_from_the_cluster_ca() {
    let Some(c) = Cluster::shared() else { return };
    let ca = c.host("mn1").read("/etc/xcat/cert/ca.pem");
    assert!(ca.contains("BEGIN CERTIFICATE"));
    let mut certs = Vec::new();
    for name in ["mn1", "sn1", "sn2", "sn3"] {
        let host = c.host(name);
        assert_eq!(host.read("/etc/xcat/cert/ca.pem"), ca, "{name}'s CA");
        let cert = host.read("/etc/xcat/cert/server-cert.pem");
        let subject = ok(
            host.run(
                "openssl",
                &[
                    "x509",
                    "-noout",
                    "-subject",
                    "-in",
                    "/etc/xcat/cert/server-cert.pem",
                ],
            ),
            "openssl x509",
        );
        assert!(
            subject.contains(&format!("CN = {name}")) || subject.contains(&format!("CN={name}")),
            "{subject}"
        );
        let verify = host.run(
            "openssl",
            &[
                "verify",
                "-CAfile",
                "/etc/xcat/cert/ca.pem",
                "/etc/xcat/cert/server-cert.pem",
            ],
        );
        ok(verify, "openssl verify");
        certs.push(cert);
    }
    certs.sort();
    certs.dedup();
    assert_eq!(certs.len(), 4, "distinct server certificates");
    assert!(
        !c.host("sn1").file("/etc/xcat/ca").exists(),
        "the CA key stays on the MN"
    );
}

#[test]
fn hosts_reach_each_other_and_nothing_else() {
    let Some(c) = Cluster::shared() else { return };
    let layout = c.layout();
    for h in &c.spec.hosts {
        let routes = ok(c.host(&h.name).run("ip", &["route"]), "ip route");
        assert!(!routes.contains("default"), "{}: {routes}", h.name);
    }
    let sn1_ssh: SocketAddr = "198.18.0.11:22".parse().unwrap();
    probe::connect_from(layout, "cn04", sn1_ssh, Duration::from_secs(5)).expect("cn04 -> sn1");
    // Outside addresses are unreachable from inside (no route: nothing is sent).
    let uplink: SocketAddr = "192.0.2.1:22".parse().unwrap();
    let err = probe::connect_from(layout, "mn1", uplink, Duration::from_secs(2)).unwrap_err();
    assert!(err.contains("unreachable"), "{err}");
    // The machine's own namespace has no address, port or bridge of the cluster.
    let addrs = String::from_utf8_lossy(
        &std::process::Command::new("ip")
            .args(["-o", "addr"])
            .output()
            .unwrap()
            .stdout,
    )
    .into_owned();
    assert!(!addrs.contains("198.18."), "{addrs}");
    let links = String::from_utf8_lossy(
        &std::process::Command::new("ip")
            .args(["-o", "link"])
            .output()
            .unwrap()
            .stdout,
    )
    .into_owned();
    assert!(
        !links.contains("v-mn1") && !links.contains("br0"),
        "{links}"
    );
}

#[test]
fn stock_named_clients_on_mn1_drive_mn1s_daemon() {
    let Some(c) = Cluster::shared() else { return };
    let nodes = ok(c.client("mn1", "nodels", &["compute"]), "nodels compute");
    assert_eq!(nodes, "cn01\ncn02\ncn03\ncn04\n");
    let def = ok(c.client("mn1", "lsdef", &["sn2"]), "lsdef sn2");
    assert!(def.starts_with("Object name: sn2\n"), "{def}");
    assert!(def.contains("    ip=198.18.0.12\n"), "{def}");
    assert!(def.contains("    groups=service,all\n"), "{def}");
    let all = ok(c.client("mn1", "lsxcatd", &["-a"]), "lsxcatd -a on mn1");
    assert!(all.contains("This is a Management Node\n"), "{all}");
}

#[test]
fn service_node_daemons_read_the_mn_database() {
    let Some(c) = Cluster::shared() else { return };
    for sn in ["sn1", "sn2", "sn3"] {
        let all = ok(c.client(sn, "lsxcatd", &["-a"]), "lsxcatd -a");
        assert!(all.contains("This is a Service Node\n"), "{sn}: {all}");
        assert!(!all.contains("Management Node"), "{sn}: {all}");
        assert!(
            all.contains("cfgloc=Pg:dbname=xcatdb;host=198.18.0.1|xcatadm\n"),
            "{sn}: {all}"
        );
        assert!(all.contains("dbhost=198.18.0.1\n"), "{sn}: {all}");
        let nodes = ok(c.client(sn, "nodels", &["service"]), "nodels service");
        assert_eq!(nodes, "sn1\nsn2\nsn3\n", "{sn}");
    }
    // mn1's client asking sn2's daemon over the cluster network.
    let out = c.client_env("mn1", "lsxcatd", &["-t"], &[("XCATHOST", "sn2:3001")]);
    let t = ok(out, "lsxcatd -t via XCATHOST=sn2:3001");
    assert!(t.contains("Service Node"), "{t}");
}

#[test]
fn ssh_and_rsync_between_hosts() {
    let Some(c) = Cluster::shared() else { return };
    let mn1 = c.host("mn1");
    assert_eq!(
        ok(mn1.ssh("sn1", &["hostname"]), "ssh sn1 hostname"),
        "sn1\n"
    );
    assert_eq!(
        ok(mn1.ssh("198.18.0.104", &["hostname"]), "ssh by address"),
        "cn04\n"
    );
    ok(mn1.run("mkdir", &["-p", "/install/rsync-test"]), "mkdir");
    ok(
        mn1.run("cp", &["/etc/hostname", "/install/rsync-test/from"]),
        "cp",
    );
    ok(
        mn1.rsync_to("sn2", &["/install/rsync-test"], "/install/"),
        "rsync",
    );
    assert_eq!(c.host("sn2").read("/install/rsync-test/from"), "mn1\n");
}

#[test]
fn nim_commands_sit_at_stock_paths_on_mn_and_sns_only() {
    let Some(c) = Cluster::shared() else { return };
    if !c.has_nimsim() {
        eprintln!("nimsim is not built: its paths are not checked");
        return;
    }
    for (host, expect) in [("mn1", true), ("sn1", true), ("sn3", true), ("cn01", false)] {
        for path in ["/usr/sbin/lsnim", "/usr/sbin/nim", "/usr/bin/startsrc"] {
            let found = c.host(host).run("test", &["-x", path]).status.success();
            assert_eq!(found, expect, "{host}: {path}");
        }
    }
    assert!(!std::path::Path::new("/usr/sbin/lsnim").exists());
    // Each host keeps its own state and call log.
    let out = c.host("sn3").run("/usr/sbin/lsnim", &["-l", "master"]);
    assert!(!out.status.success(), "NIM is not set up on sn3 yet");
    let calls = c.calls("sn3");
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert!(calls[0].contains(r#""cmd":"lsnim""#), "{calls:?}");
    assert!(!c
        .calls("mn1")
        .iter()
        .any(|l| l.contains(r#""argv":["/usr/sbin/lsnim","-l","master"]"#)));
    let plain = ok(
        c.nimsim("sn3", &["calls", "--plain"]),
        "nimsim calls --plain",
    );
    assert!(plain.contains("lsnim -l master"), "{plain}");
}

#[test]
fn a_crashed_runs_leftovers_are_removed_at_the_next_start() {
    use xcat_tests::cluster::{cleanup, mounts, net, Layout};
    if Cluster::shared().is_none() {
        return;
    }
    // What a run killed with -9 leaves: namespaces, mounts, a process, files,
    // and no owner holding the lock.
    let layout = Layout::new("t999999999n0");
    let host = xcat_tests::cluster::HostSpec::new("mn1", Role::Mn, 1, false);
    mounts::mount_scratch(&layout).unwrap();
    mounts::prepare_ns_dir(&layout).unwrap();
    net::create_switch(&layout).unwrap();
    net::create_host(&layout, &host).unwrap();
    mounts::prepare_host_dirs(&layout, "mn1").unwrap();
    mounts::create_host_ns(&layout, "mn1").unwrap();
    let mut sleeper = mounts::host_command(&layout, "mn1", "sleep")
        .arg("600")
        .spawn()
        .unwrap();
    let inodes: Vec<u64> = net::list_netns(&layout.netns_prefix())
        .iter()
        .filter_map(|n| net::inode(n))
        .collect();
    assert_eq!(inodes.len(), 2);
    assert!(!mounts::leftover_mounts(&layout).is_empty());

    cleanup::remove_stale();
    let _ = sleeper.wait();
    let left = cleanup::leftovers(&layout, &inodes);
    assert!(left.is_empty(), "left behind: {left:#?}");
    // The shared cluster of this (live) run was left alone.
    let c = Cluster::shared().unwrap();
    assert_eq!(ok(c.host("sn1").run("hostname", &[]), "hostname"), "sn1\n");
}
