//! Option errors and usage texts, exactly, from the real binary (also under the
//! `activate-mn` / `deactivate-mn` link names); the interactive prompts on standard
//! input; the activate-mn / deactivate-mn steps.

mod common;

use common::Mn;
use std::process::{Command, Stdio};

fn xcatha(prog: &str, args: &[&str]) -> (i32, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_xcatha"));
    let link = dir.path().join(prog);
    std::os::unix::fs::symlink(bin, &link).unwrap();
    let out = Command::new(&link)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const USAGE: &str = "usage: xcatha [-h] (-s | -a | -d) [-p PATH] [-v VIRTUAL_IP] [-i NIC]\n              [-n HOST_NAME] [-m NETMASK] [-t {postgresql,sqlite}] [--dryrun]\n";

#[test]
fn xcatha_option_errors() {
    let cases: [(&[&str], &str); 6] = [
        (
            &[],
            "one of the arguments -s/--setup -a/--activate -d/--deactivate is required",
        ),
        (
            &["-s", "-a"],
            "argument -a/--activate: not allowed with argument -s/--setup",
        ),
        (
            &["-d", "-t", "mariadb"],
            "argument -t: invalid choice: 'mariadb' (choose from 'postgresql', 'sqlite')",
        ),
        (&["-a", "-p"], "argument -p: expected one argument"),
        (&["-a", "-v", "-i"], "argument -v: expected one argument"),
        (&["-d", "extra", "-x"], "unrecognized arguments: extra -x"),
    ];
    for (args, msg) in cases {
        let (code, out, err) = xcatha("xcatha", args);
        assert_eq!((code, out.as_str()), (2, ""), "{args:?}");
        assert_eq!(err, format!("{USAGE}xcatha: error: {msg}\n"), "{args:?}");
    }
}

#[test]
fn xcatha_help_and_setup_requirements() {
    let (code, out, _) = xcatha("xcatha", &["-h"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with(USAGE)
            && out.contains("  --dryrun              display steps without execution\n"),
        "{out}"
    );
    let cases: [(&[&str], &str); 5] = [
        (
            &["-s", "-p", "/HA", "-v", "198.18.0.5", "-i", "eth0:0"],
            "Error: Option -n is required for xCAT HA setup\n",
        ),
        (
            &["-s", "-n", "hamn", "-v", "198.18.0.5", "-i", "eth0:0"],
            "Error: Option -p is required for xCAT MN setup\n",
        ),
        (
            &["-s", "-n", "hamn", "-p", "/HA", "-i", "eth0:0"],
            "Error: Option -v is required for xCAT HA setup\n",
        ),
        (
            &["-s", "-n", "hamn", "-p", "/HA", "-v", "198.18.0.5"],
            "Error: Option -i is required for xCAT HA setup\n",
        ),
        (
            &[
                "-s",
                "-n",
                "hamn",
                "-p",
                "/HA",
                "-v",
                "198.18.0.5",
                "-i",
                "eth0;reboot",
            ],
            "Error: 'eth0;reboot' is not a valid network interface name\n",
        ),
    ];
    for (args, text) in cases {
        assert_eq!(
            xcatha("xcatha", args),
            (1, text.to_string(), String::new()),
            "{args:?}"
        );
    }
}

#[test]
fn front_end_option_errors() {
    let act =
        "Usage: activate-mn -i <nic> -v <virtual ip> [-m <netmask>] [-t postgresql|sqlite]\n\n";
    let deact = "Usage: deactivate-mn -i <nic> -v <virtual ip> [-t postgresql|sqlite]\n";
    let cases: [(&str, &[&str], String); 6] = [
        (
            "activate-mn",
            &[],
            format!("Error: -i is a required option\n{act}"),
        ),
        (
            "activate-mn",
            &["-f", "-ieth0:0"],
            format!("Error: -v is a required option\n{act}"),
        ),
        ("activate-mn", &["-x"], act.to_string()),
        ("activate-mn", &["-i"], act.to_string()),
        (
            "deactivate-mn",
            &["-v", "198.18.0.5"],
            format!("Error: -i is a required option\n{deact}"),
        ),
        ("deactivate-mn", &["-f"], deact.to_string()),
    ];
    for (prog, args, text) in cases {
        assert_eq!(
            xcatha(prog, args),
            (1, text, String::new()),
            "{prog} {args:?}"
        );
    }
    // As a subcommand of xcatha too.
    let (code, out, _) = xcatha("xcatha", &["deactivate-mn"]);
    assert_eq!(
        (code, out),
        (1, format!("Error: -i is a required option\n{deact}"))
    );
}

#[test]
fn interactive_deactivate_asks_twice() {
    let listed = "... goconserver\n... conserver\n... ntpd\n... dhcpd\n... named\n... xcatd\n";
    let mn = Mn::new();
    let (code, out, _) = mn.run(&["xcatha", "-d"], "N\n");
    assert_eq!(code, 1);
    assert_eq!(
        out,
        format!("[xCAT] Shutting down services:\n{listed}Continue? [[Y]es/[N]o/[D]ryrun]:\nDo nothing, exiting...\n")
    );
    assert!(mn.services.log().is_empty());

    let (code, out, _) = mn.run(&["xcatha", "-d"], "Y\nD\n");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(&format!(
        "systemctl stop xcatd [Passed]\n[xCAT] Disabling services from starting on reboot:\n{listed}Continue? [[Y]es/[N]o/[D]ryrun]:\nsystemctl disable goconserver [Dryrun]\n"
    )), "{out}");
    assert!(mn
        .services
        .log()
        .iter()
        .all(|l| l.starts_with("systemctl stop ")));
}

#[test]
fn interactive_answers_end_of_input_and_bad_answers() {
    let mn = Mn::new();
    let (code, out, _) = mn.run(&["xcatha", "-d"], "");
    assert_eq!(code, 1);
    assert!(out.ends_with("Continue? [[Y]es/[N]o/[D]ryrun]:\nNo answer on standard input.\nDo nothing, exiting...\n"), "{out}");
    let (code, out, _) = mn.run(
        &["xcatha", "-a", "-v", "198.18.0.5"],
        "D\nmaybe\nyes\n?\n!\n.\n",
    );
    assert_eq!(code, 1);
    assert_eq!(
        out,
        format!(
            "[Admin] Verify VIP 198.18.0.5 is configured on this node\n{}Do nothing, exiting...\n",
            "Continue? [[Y]es/[N]o]:\n".repeat(6)
        )
    );
    assert!(mn.services.log().is_empty());
}

#[test]
fn interactive_activate_starts_services_after_three_answers() {
    let mn = Mn::new();
    let (code, out, _) = mn.run(&["xcatha", "-a", "-v", "198.18.0.5"], "Y\nYes\nY\n");
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with(
        "[Admin] Verify VIP 198.18.0.5 is configured on this node\nContinue? [[Y]es/[N]o]:\n\
         [Admin] Verify that the following is configured to be saved in shared storage and accessible from this node:\n\
         ... /install\n... /etc/xcat\n... /root/.xcat\n... /tftpboot\nContinue? [[Y]es/[N]o]:\n\
         [xCAT] Starting up services:\n... xcatd\n... named\n... dhcpd\n... ntpd\n... conserver\n... goconserver\n\
         Continue? [[Y]es/[N]o/[D]ryrun]:\n===> Start all services stage <===\n"
    ), "{out}");
    assert_eq!(
        mn.services.log(),
        ["systemctl start xcatd", "systemctl start ntpd"]
    );
}

#[test]
fn activate_mn_and_deactivate_mn_steps() {
    let mn = Mn::new();
    let (code, out, _) = mn.run(
        &[
            "activate-mn",
            "-i",
            "eth0:0",
            "-v",
            "198.18.0.5",
            "-t",
            "sqlite",
        ],
        "",
    );
    assert_eq!(code, 0, "{out}");
    let mounts: String = ["/install", "/etc/xcat", "/root/.xcat"]
        .iter()
        .map(|f| format!("Running command: mount <root>{f}\nmount <root>{f} [Passed]\n"))
        .collect();
    let run = |c: &str| format!("Running command: {c}\n{c} [Passed]\n");
    let expected = [
        "Changing IP addreses/aliases....\n".to_string(),
        run("ip addr add 198.18.0.5/24 dev eth0 label eth0:0"),
        run("hostname hamn.cluster.net"),
        mounts,
        "Check DB....\nCurrent database is SQLite.\nDB is matched with SQLite [Passed]\n".into(),
        "Export NFS filesystems and start NFS....\n".into(),
        run("exportfs -a"),
        run("systemctl restart nfs-server"),
        "Starting SQLite....\nStarting xCAT....\n".into(),
        run("systemctl restart xcatd"),
        run("makedns -n"),
        "Making upto date DHCP configuration file....\n".into(),
        run("makedhcp -n"),
        run("makedhcp -a"),
        run("makeconservercf"),
        "\n\nThis machine is set to active management node successfully, enjoy...\n".into(),
    ]
    .concat();
    assert_eq!(out, expected);

    let (code, out, _) = mn.run(&["activate-mn", "-i", "eth0:0", "-v", "198.18.0.5"], "");
    assert_eq!(code, 1);
    assert!(out.ends_with("Current database is SQLite.\nError: current DB SQLite is not matched with postgresql. [Failed]\n"), "{out}");

    let (code, out, _) = mn.run(
        &[
            "deactivate-mn",
            "-i",
            "eth0:0",
            "-v",
            "198.18.0.5",
            "-t",
            "sqlite",
        ],
        "",
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("Stopping Console Server....\nRunning command: systemctl stop conserver\nsystemctl stop conserver [Passed]\nStopping DHCP....\n"), "{out}");
    assert!(
        out.contains("Running command: umount -l <root>/tftpboot\n"),
        "{out}"
    );
    assert!(out.ends_with(
        "Removing IP Aliase....\nRunning command: ip addr del 198.18.0.5/24 dev eth0\nip addr del 198.18.0.5/24 dev eth0 [Passed]\n\
         IP Aliase eth0:0 198.18.0.5 is removed.[Passed]\nThis machine is set to standby management node successfully...\n"
    ), "{out}");
}
