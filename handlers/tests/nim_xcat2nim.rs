//! xcat2nim against the NIM simulator: the per-service-node split (primary
//! AND backup by default, `-p`, `-b`, nodes without a service node on the
//! management node), machine definitions with the exact NIM command
//! sequence per host, `already exists` / `-f` / `-u` / `-l` / `-r`, groups,
//! networks, usage / version / refusals, and bad database values refused
//! before any NIM command runs.

mod nim_support;

use nim_support::*;

const HOSTS: &str = "198.18.0.11 cn01\n198.18.0.12 cn02\n198.18.0.13 cn03\n198.18.0.14 cn04\n";

/// site.master=mn; cn01-cn02 servicenode=sn1,sn2, cn03 sn2,sn1, cn04 none;
/// all in compute; MACs and hosts.ip; network net198 (198.18.0.0/24).
fn seed(env: &Env) {
    let ins = |t: &str, cols: &[(&str, &str)]| {
        let names: Vec<&str> = cols.iter().map(|c| c.0).collect();
        let values: Vec<Option<&str>> = cols.iter().map(|c| Some(c.1)).collect();
        env.db.write(|c| c.insert(t, &names, &values)).unwrap();
    };
    ins("site", &[("key", "master"), ("value", "mn")]);
    for (i, sn) in [(1, "sn1,sn2"), (2, "sn1,sn2"), (3, "sn2,sn1"), (4, "")] {
        let n = format!("cn0{i}");
        ins("nodelist", &[("node", &n), ("groups", "compute,all")]);
        if !sn.is_empty() {
            ins("noderes", &[("node", &n), ("servicenode", sn)]);
        }
        ins(
            "mac",
            &[("node", &n), ("mac", &format!("aa:bb:cc:dd:ee:0{i}"))],
        );
        ins("hosts", &[("node", &n), ("ip", &format!("198.18.0.1{i}"))]);
    }
    ins(
        "networks",
        &[
            ("netname", "net198"),
            ("net", "198.18.0.0"),
            ("mask", "255.255.255.0"),
            ("gateway", "198.18.0.254"),
        ],
    );
}

/// A simulated SN with the NIM network for 198.18.0.0/24 already defined.
fn sim(name: &str) -> SimHost {
    let h = SimHost::new(name, HOSTS);
    h.define_net198("nimnet");
    h.reset_log();
    h
}

fn env() -> Env {
    let env = sqlite();
    seed(&env);
    env
}

fn define_line(n: u8) -> String {
    format!("0\tnim -o define -t standalone -a if1=find_net cn0{n} aabbccddee0{n} ent -a cable_type1=N/A cn0{n}")
}

#[test]
fn split_is_primary_and_backup_by_default() {
    for env in backends() {
        seed(&env);
        split_on(&env);
    }
}

fn split_on(env: &Env) {
    let all = part_summary(&split(env, &["compute"]));
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(
        all,
        [
            ("mn".to_string(), s(&["cn04"])),
            ("sn1".to_string(), s(&["cn01", "cn02", "cn03"])),
            ("sn2".to_string(), s(&["cn01", "cn02", "cn03"])),
        ]
    );
    let p = part_summary(&split(env, &["-p", "compute"]));
    assert_eq!(p[1], ("sn1".to_string(), s(&["cn01", "cn02"])));
    assert_eq!(p[2], ("sn2".to_string(), s(&["cn03"])));
    let b = part_summary(&split(env, &["--backupSN", "cn01-cn03"]));
    assert_eq!(
        b,
        [
            ("sn1".to_string(), s(&["cn03"])),
            ("sn2".to_string(), s(&["cn01", "cn02"])),
        ]
    );
    // Networks only: one part for nimprime (site.master here).
    let n = part_summary(&split(env, &["-t", "network", "-o", "net198"]));
    assert_eq!(n, [("mn".to_string(), vec![])]);
    for p in split(env, &["compute"]) {
        assert_eq!(p.request.get("_xcatpreprocessed"), Some("1"));
    }
}

#[test]
fn machines_defined_on_both_service_nodes() {
    let env = env();
    let (mn, sn1, sn2) = (sim("mn"), sim("sn1"), sim("sn2"));
    let out = run_all(&env, &[&mn, &sn1, &sn2], &["compute"]);
    assert_eq!(
        (out.stdout.as_str(), out.stderr.as_str(), out.exit),
        ("", "", 0)
    );
    let mut want = vec!["0\tlsnim -c machines".to_string()];
    want.extend([1, 2, 3].map(define_line));
    assert_eq!(sn1.calls(), want);
    assert_eq!(sn2.calls(), want);
    assert_eq!(
        mn.calls(),
        ["0\tlsnim -c machines".to_string(), define_line(4)]
    );
    assert_eq!(sn2.machines(), ["master", "cn01", "cn02", "cn03"]);
    let l = sn1.sh("/usr/sbin/lsnim", &["-l", "cn03"]);
    assert!(
        l.contains("if1            = nimnet cn03 aabbccddee03 ent"),
        "{l}"
    );
}

#[test]
fn existing_machines_force_update_list_remove() {
    let env = env();
    let sn1 = sim("sn1");
    let part = |args: &[&str]| {
        let parts = split(&env, args);
        parts
            .into_iter()
            .find(|p| p.dest == ["sn1"])
            .unwrap()
            .request
    };
    run_part(&env, &sn1, &part(&["-p", "cn01"]));
    sn1.reset_log();

    let out = run_part(&env, &sn1, &part(&["-p", "cn01"]));
    assert_eq!(
        out.stdout,
        "sn1:  The NIM client machine 'cn01' already exists.  Use the '-f' option to remove and recreate or the '-u' option to update an existing definition.\n\n"
    );
    assert_eq!(
        out.stderr,
        "Error: sn1:  One or more errors occured.\n\nError: Return=1.\n"
    );
    assert_eq!(out.exit, 1);
    assert_eq!(sn1.calls(), ["0\tlsnim -c machines"]);
    sn1.reset_log();

    let out = run_part(&env, &sn1, &part(&["-p", "-f", "cn01"]));
    assert_eq!((out.stderr.as_str(), out.exit), ("", 0));
    assert_eq!(
        sn1.calls(),
        [
            "0\tlsnim -c machines".to_string(),
            "0\tnim -Fo reset cn01".to_string(),
            "0\tnim -Fo deallocate -a subclass=all cn01".to_string(),
            "0\tnim -Fo remove cn01".to_string(),
            define_line(1),
        ]
    );
    sn1.reset_log();

    let out = run_part(
        &env,
        &sn1,
        &part(&["-p", "-u", "cn01", "netboot_kernel=mp", "platform=chrp"]),
    );
    assert_eq!((out.stderr.as_str(), out.exit), ("", 0));
    assert_eq!(
        sn1.calls(),
        [
            "0\tlsnim -c machines",
            "0\tnim -F -o change -a if1=find_net cn01 aabbccddee01 ent -a cable_type1=N/A -a netboot_kernel=mp -a platform=chrp cn01",
        ]
    );
    sn1.reset_log();

    let out = run_part(&env, &sn1, &part(&["-p", "-l", "cn01"]));
    let listing = sn1.sh("/usr/sbin/lsnim", &["-l", "cn01"]);
    assert_eq!(out.stdout, format!("{}\n", listing.trim_end()));
    assert!(out.stdout.contains("netboot_kernel = mp"), "{}", out.stdout);
    sn1.reset_log();

    let out = run_part(&env, &sn1, &part(&["-p", "-r", "-V", "cn01"]));
    assert_eq!((out.stderr.as_str(), out.exit), ("", 0));
    // Stock's runcmd sends "$msg\n" (xcat2nim sets $::CALLBACK,
    // xCAT-server/lib/xcat/plugins/xcat2nim.pm:163; perl-xCAT/xCAT/Utils.pm:1063),
    // so the client prints an empty line after it.
    assert_eq!(
        out.stdout,
        "Running command on sn1: /usr/sbin/nim -Fo remove cn01\n\n"
    );
    assert_eq!(sn1.calls(), ["0\tnim -Fo remove cn01"]);

    let out = run_part(&env, &sn1, &part(&["-p", "-l", "cn01"]));
    assert_eq!(
        out.stderr,
        "Error: sn1:  Could not get the NIM definition for cn01.\n\nError: sn1:  One or more errors occured.\n\nError: Return=1.\n"
    );
    assert_eq!(out.exit, 1);
}

#[test]
fn groups_take_the_local_machines() {
    let env = env();
    let (mn, sn1, sn2) = (sim("mn"), sim("sn1"), sim("sn2"));
    run_all(&env, &[&mn, &sn1, &sn2], &["-p", "compute"]);
    for h in [&mn, &sn1, &sn2] {
        h.reset_log();
    }
    let out = run_all(
        &env,
        &[&mn, &sn1, &sn2],
        &["-p", "-t", "group", "-o", "compute"],
    );
    assert_eq!((out.stderr.as_str(), out.exit), ("", 0));
    assert_eq!(
        sn1.calls(),
        [
            "0\tlsnim -c groups",
            "0\tlsnim -c machines",
            "0\tnim -o define -t mac_group -a add_member=cn01 compute",
            "0\tnim -o change -a add_member=cn02 compute",
        ]
    );
    assert_eq!(
        sn2.calls(),
        [
            "0\tlsnim -c groups",
            "0\tlsnim -c machines",
            "0\tnim -o define -t mac_group -a add_member=cn03 compute",
        ]
    );
    let out = run_all(
        &env,
        &[&mn, &sn1, &sn2],
        &["-p", "-t", "group", "-o", "compute"],
    );
    assert_eq!(out.exit, 1);
    assert!(
        out.stdout
            .contains("sn2:  The NIM group 'compute' already exists."),
        "{}",
        out.stdout
    );
}

#[test]
fn networks_defined_and_listed() {
    let env = env();
    let mn = SimHost::new("mn", HOSTS);
    mn.set_master_gateway("10.0.0.1");
    mn.reset_log();
    let out = run_all(&env, &[&mn], &["-t", "network", "-o", "net198"]);
    assert_eq!((out.stderr.as_str(), out.exit), ("", 0));
    let calls = mn.calls();
    assert_eq!(
        calls[..3],
        [
            "0\tlsnim -c networks",
            "0\tlsnim -Z -a net_addr -a snm master_net",
            "0\tnim -o define -t ent -a net_addr=198.18.0.0 -a snm=255.255.255.0 -a routing1=default 198.18.0.254 net198",
        ]
    );
    // The test host has no address in 198.18.0.0/24: a route from the
    // master's network.
    assert_eq!(
        calls[3..],
        [
            "0\tifconfig -a",
            "0\tlsnim -a if1 -Z master",
            "0\tlsnim -A routing master_net",
            "0\tlsnim -a routing1 -Z master_net",
            "0\tnim -o change -a routing2=net198 10.0.0.1 198.18.0.254 master_net",
        ]
        .map(String::from)
    );
    mn.reset_log();
    let out = run_all(&env, &[&mn], &["-l", "-t", "network", "-o", "net198"]);
    assert!(
        out.stdout.starts_with(
            "Note: The following is a match for \nxCAT network named 'net198'\n\nnet198:\n"
        ),
        "{}",
        out.stdout
    );
    let out = run_all(&env, &[&mn], &["-f", "-t", "network", "-o", "net198"]);
    assert_eq!(
        out.stderr,
        "Error: The -f, -r and -u options are not supported for network objects.\n\n"
    );
    assert_eq!(out.exit, 1);
}

#[test]
fn usage_version_and_refusals() {
    let env = env();
    let mn = SimHost::new("mn", HOSTS);
    let usage = "\nUsage: xcat2nim - Use this command to create and manage AIX NIM definitions based on xCAT object definitions.\n\n  xcat2nim [-h|--help ]\n\n  xcat2nim [-V|--verbose] [-l|--list] [-r|--remove] [-u|--update]\n    [-f|--force] [-t object-types] [-o object-names] [-a|--allobjects]\n    [-p|--primarySN] [-b|--backupSN] [noderange] [attr=val [attr=val...]]\n\n";
    let out = run_all(&env, &[&mn], &["-h"]);
    assert_eq!((out.stdout.as_str(), out.exit), (usage, 0));
    let out = run_all(&env, &[&mn], &[]);
    assert_eq!(
        (out.stdout.as_str(), out.stderr.as_str(), out.exit),
        (usage, "Error: Return=1.\n", 1)
    );
    let out = run_all(&env, &[&mn], &["-Z"]);
    assert_eq!(out.exit, 1);
    let out = run_all(&env, &[&mn], &["-v"]);
    assert_eq!(out.stdout, "xcat2nim - Version 2.19.0 (xcatd-rs test)\n");
    // Exit 3: the error's code 1 ORed with Return=2's code 2, as stock.
    let out = run_all(&env, &[&mn], &["-a", "cn01"]);
    assert_eq!(
        (out.stdout.as_str(), out.stderr.as_str(), out.exit),
        (
            usage,
            "Error: Cannot use '-a' with '-o' or a noderange.\n\nError: Return=2.\n",
            3
        )
    );
    let out = run_all(&env, &[&mn], &["-t", "node,group", "cn01", "a=b"]);
    assert!(out
        .stderr
        .starts_with("Error: Cannot combine multiple types with 'att=val' pairs"));
    assert!(mn.calls().is_empty(), "{:?}", mn.calls());
}

#[test]
fn bad_database_values_are_refused_before_nim_runs() {
    let env = env();
    env.db
        .write(|c| c.set_attribs("mac", &[("node", "cn02")], &[("mac", Some("aa:bb;reboot"))]))
        .unwrap();
    let sn1 = sim("sn1");
    let parts = split(&env, &["-p", "cn01,cn02"]);
    let out = run_part(&env, &sn1, &parts[0].request);
    assert_eq!(
        out.stderr,
        "Error: sn1:  Invalid value 'aa:bb;reboot' of attribute 'mac' for 'cn02': not a MAC address.\n\nError: sn1:  One or more errors occured.\n\nError: Return=1.\n"
    );
    assert_eq!(out.exit, 1);
    // cn01 defined; nothing ran for cn02.
    assert_eq!(
        sn1.calls(),
        ["0\tlsnim -c machines".to_string(), define_line(1)]
    );
    env.db
        .write(|c| c.set_attribs("mac", &[("node", "cn02")], &[("mac", None)]))
        .unwrap();
    let out = run_part(&env, &sn1, &split(&env, &["-p", "cn02"])[0].request);
    assert!(
        out.stderr
            .starts_with("Error: sn1:  Missing the MAC for node 'cn02'.\n"),
        "{}",
        out.stderr
    );
}
