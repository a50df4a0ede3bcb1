//! Real runs against a scratch root with the recording runner and service manager:
//! setup moves the data (copies, symlinks, `.xcatbak`), saves the physical host, adds
//! the policy row in a real SQLite database, and takes exactly the dry run's steps;
//! activate / deactivate drive the services in order; the VIP guard, retries, fatal
//! failures with their clean-up, and exit codes.

mod common;

use common::{step_lines, with, Mn, ACTIVATE, DEACTIVATE, IP_ADDR_WITH_VIP, SETUP};
use std::fs;
use xcat_handlers::runner::Output;
use xcatha::services::ServiceOp;

#[test]
fn setup_takes_the_dry_run_steps_and_moves_the_data() {
    let mn = Mn::new();
    let (code, dry, _) = mn.run(&with(&SETUP, "--dryrun"), "");
    assert_eq!(code, 0, "{dry}");
    mn.runner.clear();
    let (code, out, err) = mn.run(&SETUP, "");
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    assert_eq!(step_lines(&dry), step_lines(&out), "{out}");
    assert!(out.contains("virtual ip can be used.\n"), "{out}");
    assert!(out.contains("policy 1.4: name=mn1 rule=trusted\n"), "{out}");

    for dir in ["install", "etc/xcat", "root/.xcat", "tftpboot"] {
        let local = mn.root.join(dir);
        assert_eq!(fs::read_link(&local).unwrap(), mn.shared.join(dir), "{dir}");
        assert!(
            mn.root.join(format!("{dir}.xcatbak")).is_dir(),
            "{dir}.xcatbak"
        );
    }
    assert_eq!(
        fs::read_to_string(mn.shared.join("install/postscripts/hello")).unwrap(),
        "#!/bin/sh\n"
    );
    assert_eq!(
        fs::read_to_string(mn.shared.join("tftpboot/xcat/xnba.kpxe")).unwrap(),
        "boot\n"
    );
    assert!(mn
        .root
        .join("etc/xcat.xcatbak/cert/server-cert.pem")
        .is_file());
    assert_eq!(
        mn.read("/etc/resolv.conf"),
        "search cluster.net\nnameserver 198.18.0.5\n"
    );
    assert_eq!(mn.read("/tmp/ha_mn"), "198.18.0.1 mn1\n");
    assert_eq!(
        fs::read_to_string(mn.shared.join("etc/xcat/ha_mn")).unwrap(),
        "198.18.0.1 mn1\n"
    );
    assert_eq!(
        fs::read_to_string(mn.shared.join("etc/xcat/console.lock")).unwrap(),
        "conserver\n"
    );

    let rows = mn
        .db()
        .read(|c| {
            c.select(
                "policy",
                &["priority", "name", "rule"],
                &[("name", "mn1")],
                false,
            )
        })
        .unwrap();
    assert_eq!(
        rows,
        vec![vec![
            Some("1.4".into()),
            Some("mn1".into()),
            Some("trusted".into())
        ]]
    );

    let stops = [
        "goconserver",
        "conserver",
        "ntpd",
        "dhcpd",
        "named",
        "xcatd",
    ];
    let mut expected: Vec<String> = stops
        .iter()
        .map(|u| format!("systemctl stop {u}"))
        .collect();
    expected.push("systemctl restart xcatd".into());
    expected.extend(stops.iter().map(|u| format!("systemctl disable {u}")));
    expected.extend(stops.iter().map(|u| format!("systemctl stop {u}")));
    assert_eq!(mn.services.log(), expected);
    assert!(mn.services.active().is_empty());
    assert_eq!(
        mn.commands()
            .into_iter()
            .filter(|c| !c.starts_with("ip -o") && c != "hostname")
            .collect::<Vec<_>>(),
        [
            "ping -c 1 -w 10 198.18.0.5",
            "ip addr add 198.18.0.5/24 dev eth0 label eth0:0",
            "arping -c 1 -U -I eth0 198.18.0.5",
            "hostname hamn",
            "hostname mn1",
            "ip addr del 198.18.0.5/24 dev eth0",
        ]
    );

    // A second setup finds the row and the links in place.
    let (code, out, _) = mn.run(&SETUP, "");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("mn1 exists in policy table (1.4).\n"), "{out}");
}

#[test]
fn activate_starts_the_services_in_order() {
    let mn = Mn::new();
    assert_eq!(mn.run(&SETUP, "").0, 0);
    mn.runner.clear();
    let before = mn.services.log().len();
    let (code, out, _) = mn.run(&ACTIVATE, "");
    assert_eq!(code, 0, "{out}");
    assert!(
        out.ends_with("This machine is set to primary management node successfully...\n"),
        "{out}"
    );
    assert_eq!(
        mn.services.log()[before..],
        [
            "systemctl start xcatd",
            "systemctl start ntpd",
            "systemctl start conserver"
        ]
    );
    assert_eq!(
        mn.commands()
            .into_iter()
            .filter(|c| !c.starts_with("ip -o"))
            .collect::<Vec<_>>(),
        [
            "ping -c 1 -w 10 198.18.0.5",
            "ip addr add 198.18.0.5/24 dev eth0 label eth0:0",
            "arping -c 1 -U -I eth0 198.18.0.5",
            "hostname hamn",
            "makedns -n",
            "makedhcp -n",
            "makedhcp -a",
            "makeconservercf",
        ]
    );
}

#[test]
fn a_failing_service_is_retried_and_reported() {
    let mn = Mn::new();
    assert_eq!(mn.run(&SETUP, "").0, 0);
    mn.services.fail(ServiceOp::Start, "ntpd");
    let (code, out, _) = mn.run(&ACTIVATE, "");
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(
        "Retry 1 ... ...systemctl start ntpd\nJob for ntpd.service failed.\n\
         Retry 2 ... ...systemctl start ntpd\nJob for ntpd.service failed.\nsystemctl start ntpd [Failed]\n"
    ), "{out}");
    assert!(
        out.ends_with(
            "This machine is set to primary management node, but some services failed...\n"
        ),
        "{out}"
    );
}

#[test]
fn xcatd_failing_to_start_cleans_up() {
    let mn = Mn::new();
    assert_eq!(mn.run(&SETUP, "").0, 0);
    mn.services.fail(ServiceOp::Start, "xcatd");
    mn.runner.clear();
    let (code, out, _) = mn.run(&ACTIVATE, "");
    assert_eq!(code, 1, "{out}");
    let tail = out
        .split("systemctl start xcatd [Failed]\n")
        .nth(1)
        .unwrap_or_default();
    assert_eq!(
        tail,
        "start xcatd failed\nError: Start all services stage\n\
         Error encountered, starting to clean up the environment\n\
         ===> Configure hostname stage <===\nhostname mn1 [Passed]\n\
         ===> Remove virtual IP stage <===\nip addr del 198.18.0.5/24 dev eth0 [Passed]\n\
         Remove virtual IP 198.18.0.5 [Passed]\n"
    );
}

#[test]
fn an_active_vip_aborts_before_any_change() {
    let mn = Mn::new();
    mn.runner.on_run(
        "ping",
        None,
        None,
        Output::success("64 bytes from 198.18.0.5\n"),
    );
    let (code, out, _) = mn.run(&SETUP, "");
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "Setup this node as xCAT HA standby MN\n===> Check virtual ip stage <===\n\
         Aborted startup as virtual ip appears to be already active.\n\
         ping -c 1 -w 10 198.18.0.5 [Failed]\n\
         Error: Aborted startup as virtual ip appears to be already active\n"
    );
    assert!(!mn.root.join("etc/xcat").is_symlink());
    assert!(mn.services.log().is_empty());
    let (code, out, _) = mn.run(&["activate-mn", "-i", "eth0:0", "-v", "198.18.0.5"], "");
    assert_eq!(
        (code, out.as_str()),
        (
            2,
            "activate-mn: Aborted startup as virtual ip appears to be already active\n"
        )
    );
}

#[test]
fn deactivate_fails_when_the_vip_stays() {
    let mn = Mn::new();
    mn.runner.on_run(
        "ip",
        None,
        Some(&["-o", "-4", "addr", "show"]),
        Output::success(IP_ADDR_WITH_VIP),
    );
    let (code, out, _) = mn.run(&DEACTIVATE, "");
    assert_eq!(code, 1, "{out}");
    assert!(
        out.ends_with("Remove virtual IP 198.18.0.5 [Failed]\nError: Remove virtual IP stage\n"),
        "{out}"
    );
}

#[test]
fn the_second_mn_links_to_the_data_the_first_one_shared() {
    let mn1 = Mn::new();
    assert_eq!(mn1.run(&SETUP, "").0, 0);
    let mn2 = Mn::named("mn2", "198.18.0.2");
    let shared = mn1.shared.display().to_string();
    let mut args = SETUP.to_vec();
    args[3] = &shared;
    let (code, out, _) = mn2.run(&args, "");
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("Copy "), "{out}");
    assert!(out.contains("There is xCAT data "), "{out}");
    assert!(out.contains("Target database type is matched\n"), "{out}");
    // /etc/xcat (and so the server certificate) is now the shared one: mn1's row serves.
    assert!(out.contains("mn1 exists in policy table (1.4).\n"), "{out}");
    assert_eq!(
        fs::read_link(mn2.root.join("etc/xcat")).unwrap(),
        mn1.shared.join("etc/xcat")
    );
    assert!(mn2
        .root
        .join("etc/xcat.xcatbak/cert/server-cert.pem")
        .is_file());
    assert_eq!(
        fs::read_to_string(mn1.shared.join("etc/xcat/ha_mn")).unwrap(),
        "198.18.0.1 mn1\n198.18.0.2 mn2\n"
    );
    // mn2 becomes the active MN on the shared data.
    let mut act: Vec<&str> = ACTIVATE.to_vec();
    act[3] = &shared;
    let (code, out, _) = mn2.run(&act, "");
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        mn2.services
            .log()
            .iter()
            .filter(|l| l.contains(" start "))
            .collect::<Vec<_>>(),
        [
            "systemctl start xcatd",
            "systemctl start ntpd",
            "systemctl start conserver"
        ]
    );
}
