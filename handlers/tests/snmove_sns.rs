//! AIX `sharedinstall=sns`: cn01/cn02 (osimage 71dskls with a shared_root
//! and an iSCSI dump resource) moved from sn1 to sn2.  The exact commands on
//! nimprime (the shared_root location, the statelite files to sn2), on sn2
//! (`ls` of the `.client_data` backup, one `cp -p` per node, the dump
//! resource) and on each node (the dump re-target), the database, the
//! messages; a missing backup; a bad osimage name refused.

mod snmove_support;

use snmove_support::{backends, render, Env};
use xcat_handlers::runner::{Output, Target};

const SR: &str = "/install/nim/shared_root/71dskls_shared_root";
const BK: &str = "/install/nim/shared_root/71dskls_shared_root/sn2_71dskls/.client_data";
const CD: &str = "/install/nim/shared_root/71dskls_shared_root/etc/.client_data";

fn h(n: &str) -> Target {
    Target::Host(n.to_string())
}

fn seed_sns(env: &Env, backup: &str) {
    env.seed();
    env.insert("site", &[("key", "sharedinstall"), ("value", "sns")]);
    for n in ["cn01", "cn02"] {
        env.insert(
            "nodetype",
            &[("node", n), ("os", "AIX"), ("provmethod", "71dskls")],
        );
    }
    env.insert(
        "nimimage",
        &[
            ("imagename", "71dskls"),
            ("nimtype", "diskless"),
            ("spot", "71dskls_spot"),
            ("shared_root", "71dskls_shared_root"),
            ("dump", "71dskls_dump"),
            ("configdump", "full"),
        ],
    );
    env.insert(
        "statelite",
        &[
            ("node", "compute"),
            ("statemnt", "sn1:/nodedata"),
            ("mntopts", "vers=4"),
            ("comments", "persistent"),
        ],
    );
    let r = &env.runner;
    r.on_run(
        "/usr/sbin/lsnim",
        Some(h("mn")),
        Some(&["-a", "location", "-Z", "71dskls_shared_root"]),
        Output::success(format!("#name:location:\n71dskls_shared_root:{SR}:\n")),
    );
    r.on_run(
        "/usr/sbin/lsnim",
        Some(h("mn")),
        Some(&["-a", "location", "-Z", "71dskls_spot"]),
        Output::success("#name:location:\n71dskls_spot:/install/nim/spot/71dskls_spot/usr:\n"),
    );
    r.on_run(
        "/usr/bin/ls",
        Some(h("sn2")),
        Some(&[BK]),
        Output::success(backup),
    );
    r.on_run(
        "/usr/sbin/lsnim",
        Some(h("sn2")),
        Some(&["-a", "dump_target", "-a", "dump_lunid", "71dskls_dump"]),
        Output::success(
            "71dskls_dump:\n   dump_target    = iqn.2026-01.net.cluster:dump1 \n   dump_lunid     = 0x3 \n",
        ),
    );
    for (i, n) in ["cn01", "cn02"].iter().enumerate() {
        r.on_run(
            "/usr/lpp/bos.sysmgt/nim/methods/c_disc_target",
            Some(h(n)),
            None,
            Output::success(format!("Discovering\nhdisk{}\n", i + 2)),
        );
        let netstat = format!(
            "Name Mtu Network Address\nen0 1500 127.2 127.2.0.{} 100\n",
            i + 1
        );
        r.on_run(
            "netstat",
            Some(h(n)),
            Some(&["-in"]),
            Output::success(netstat),
        );
    }
}

/// The commands run on `host`, in order.
fn on(env: &Env, host: &str) -> Vec<String> {
    env.runner
        .runs()
        .into_iter()
        .filter(|(t, _)| *t == h(host))
        .map(|(_, l)| l)
        .collect()
}

const FILES_SCRIPT: &str = "'d=$1; t=$2; set --; for f in statelite.table litefile.table litetree.table aixlitesetup; do if [ -f \"$d/$f\" ]; then set -- \"$@\" \"$d/$f\"; fi; done; if [ $# -eq 0 ]; then exit 0; fi; exec /usr/bin/rsync -rlHpEAogDz \"$@\" \"$t:$d/\"'";
const DEFAULT_SCRIPT: &str = "'if [ -d \"$1/.default\" ]; then exec /usr/bin/rsync -rlHpEAogDz \"$1/.default\" \"$2:$1/\"; fi'";

fn dump_cmds(node: &str, disk: &str) -> Vec<String> {
    let a = "-a target=iqn.2026-01.net.cluster:dump1 -a dump_port=32600 -a ipaddr=127.1.0.2 -a lun_id=0x3";
    vec![
        format!("/usr/lpp/bos.sysmgt/nim/methods/c_disc_target -a operation=discover {a}"),
        format!("/usr/sbin/mkdev -l {disk}"),
        format!("/usr/lpp/bos.sysmgt/nim/methods/c_config_dump -a configdump=full {a}"),
        format!("/usr/bin/sysdumpdev -p /dev/{disk}"),
        "sh -c 'echo \"XCATSERVER=$1\" > /etc/xcatinfo' sh 127.1.0.2".to_string(),
        "netstat -in".to_string(),
        format!(
            "/usr/bin/bootlist -m normal ent0 gateway= bserver=127.1.0.2 client=127.2.0.{}",
            &node[3..].trim_start_matches('0')
        ),
    ]
}

#[test]
fn sns_move_restores_client_data_and_retargets_dump() {
    for env in backends() {
        seed_sns(
            &env,
            "filesystems.cn01\nhosts.cn01\nniminfo.cn01\nhosts.cn02\nhosts.cn020\n",
        );
        let p = render(&env.snmove(&["cn01,cn02", "-d", "sn2", "-D", "sn2"]));
        assert_eq!(
            p.stdout,
            "Moving nodes to their backup service nodes.\n\nSetting new values in the xCAT database.\n\n\
             Checking dump devices.\n\n\
             Set the primary dump device for node 'cn01' to '/dev/hdisk2' and changed the dump target to 'sn2'.\n\n\
             Set the primary dump device for node 'cn02' to '/dev/hdisk3' and changed the dump target to 'sn2'.\n\n\
             Updating the bootlist.\n\nRunning postscripts on the nodes.\n",
            "{}",
            env.label
        );
        assert_eq!(p.stderr, "");
        assert_eq!(p.exit_code, 0, "{}", env.label);
        // nimprime: the shared_root's location, dolitesetup (nim::prime,
        // its own tests), then the statelite files to sn2.
        let mn = on(&env, "mn");
        assert_eq!(mn[0], "/usr/sbin/lsnim -a location -Z 71dskls_shared_root");
        assert!(mn.contains(&"/usr/sbin/lsnim -a location -Z 71dskls_spot".to_string()));
        assert_eq!(
            mn[mn.len() - 2..],
            [
                format!("sh -c {FILES_SCRIPT} sh {SR} sn2"),
                format!("sh -c {DEFAULT_SCRIPT} sh {SR} sn2"),
            ]
        );
        assert_eq!(
            on(&env, "sn2"),
            vec![
                format!("/usr/bin/ls {BK}"),
                format!(
                    "/usr/bin/cp -p {BK}/filesystems.cn01 {BK}/hosts.cn01 {BK}/niminfo.cn01 {CD}"
                ),
                format!("/usr/bin/cp -p {BK}/hosts.cn02 {CD}"),
                "/usr/sbin/lsnim -a dump_target -a dump_lunid 71dskls_dump".to_string(),
            ]
        );
        assert_eq!(on(&env, "cn01"), dump_cmds("cn01", "hdisk2"));
        assert_eq!(on(&env, "cn02"), dump_cmds("cn02", "hdisk3"));
        assert!(
            on(&env, "sn1").is_empty(),
            "nothing on the old service node"
        );
        for n in ["cn01", "cn02"] {
            assert_eq!(
                env.noderes_line(n),
                format!("{n},\"sn2,sn1\",,,,,,,,,,,sn2,,,,,,,,,")
            );
            assert_eq!(
                env.raw("statelite", n, "statemnt").as_deref(),
                Some("sn2:/nodedata")
            );
            assert_eq!(
                env.raw("statelite", n, "comments").as_deref(),
                Some("persistent"),
                "sns copies the comments (stock sfsSLconfig)"
            );
        }
        // Postscripts: mkresolvconf is never picked with sns.
        let x: Vec<_> = env
            .runner
            .xcats()
            .into_iter()
            .map(|(c, n, a)| format!("{c} {} {}", n.join(","), a.join(" ")))
            .collect();
        assert_eq!(
            x,
            vec!["updatenode cn01,cn02 -s", "updatenode cn01,cn02 -P syslog"]
        );
    }
}

#[test]
fn sns_missing_backup_is_reported_and_nothing_copied_for_that_node() {
    for env in backends() {
        seed_sns(&env, "hosts.cn01\nhosts.cn010\n");
        let p = render(&env.snmove(&["cn01,cn02", "-d", "sn2", "-D", "sn2", "-n"]));
        assert_eq!(
            p.stderr,
            format!(
                "Error: [vm]: No backup client_data files for node cn02 in {BK}. Current client data files in {CD} should be checked to avoid boot errors.\n\n\
                 Error: [vm]: The nodes were moved in the xCAT database, but 'restore .client_data' failed for: cn02.\n"
            ),
            "{}",
            env.label
        );
        assert_eq!(p.exit_code, 1);
        assert_eq!(
            on(&env, "sn2"),
            vec![
                format!("/usr/bin/ls {BK}"),
                format!("/usr/bin/cp -p {BK}/hosts.cn01 {CD}"),
            ],
            "-n: no dump re-target; no copy for cn02"
        );
        assert!(!p.stdout.contains("Checking dump devices."));
        assert_eq!(
            env.noderes_line("cn02"),
            "cn02,\"sn2,sn1\",,,,,,,,,,,sn2,,,,,,,,,",
            "the database move stands"
        );
    }
}

#[test]
fn sns_failed_listing_copy_and_dump_steps_use_stock_texts() {
    for env in backends() {
        seed_sns(&env, "");
        env.runner.on_run(
            "/usr/bin/ls",
            Some(h("sn2")),
            Some(&[BK]),
            Output::failure(2, "ls: cannot access"),
        );
        env.runner.on_run(
            "/usr/sbin/mkdev",
            Some(h("cn02")),
            None,
            Output::failure(1, "mkdev: 0514-519"),
        );
        let p = render(&env.snmove(&["cn01,cn02", "-d", "sn2", "-D", "sn2", "-i"]));
        let err: Vec<&str> = p.stderr.lines().filter(|l| !l.is_empty()).collect();
        assert_eq!(
            err[..],
            [
                format!("Error: [vm]: Could not list contents of {BK}.").as_str(),
                format!("Error: [vm]: No backup client_data files for node cn01 in {BK}. Current client data files in {CD} should be checked to avoid boot errors.").as_str(),
                format!("Error: [vm]: No backup client_data files for node cn02 in {BK}. Current client data files in {CD} should be checked to avoid boot errors.").as_str(),
                "Error: [vm]: The nodes were moved in the xCAT database, but 'restore .client_data' failed for: cn01,cn02.",
            ],
            "{}: -i skips the dump re-target",
            env.label
        );
        env.runner.clear();
        env.runner.on_run(
            "/usr/bin/ls",
            Some(h("sn2")),
            Some(&[BK]),
            Output::success("hosts.cn01\nhosts.cn02\n"),
        );
        let p = render(&env.snmove(&["cn01,cn02", "-d", "sn2", "-D", "sn2"]));
        assert!(
            p.stderr
                .contains("Error: [vm]: Could not run '/usr/sbin/mkdev -l hdisk3' on node cn02.\n"),
            "{}",
            p.stderr
        );
        assert!(p.stderr.contains("Error: [vm]: One or more errors occured while attemping to re-target the dump device on cluster nodes.\n"));
        assert!(p.stdout.contains("Set the primary dump device for node 'cn01' to '/dev/hdisk2' and changed the dump target to 'sn2'.\n"));
        assert_eq!(
            on(&env, "cn02")[..2],
            [
                "/usr/lpp/bos.sysmgt/nim/methods/c_disc_target -a operation=discover -a target=iqn.2026-01.net.cluster:dump1 -a dump_port=32600 -a ipaddr=127.1.0.2 -a lun_id=0x3".to_string(),
                "/usr/sbin/mkdev -l hdisk3".to_string(),
            ],
            "no c_config_dump after a failed mkdev"
        );
        assert!(!on(&env, "cn02").iter().any(|c| c.contains("c_config_dump")));
    }
}

#[test]
fn sns_bad_osimage_name_is_refused_before_any_command_for_it() {
    for env in backends() {
        seed_sns(&env, "hosts.cn01\nhosts.cn02\n");
        env.set(
            "nodetype",
            &[("node", "cn02")],
            &[("provmethod", Some("71dskls;reboot"))],
        );
        env.insert(
            "nimimage",
            &[
                ("imagename", "71dskls;reboot"),
                ("nimtype", "diskless"),
                ("shared_root", "71dskls_shared_root"),
            ],
        );
        let p = render(&env.snmove(&["cn01,cn02", "-d", "sn2", "-D", "sn2", "-i"]));
        assert!(
            p.stderr.contains("Error: [vm]: Invalid value '71dskls;reboot' of attribute 'provmethod' for 'cn02': not a valid NIM object name.\n"),
            "{}: {}",
            env.label,
            p.stderr
        );
        assert_eq!(p.exit_code, 1);
        let all: Vec<String> = env.runner.runs().into_iter().map(|(_, l)| l).collect();
        assert!(all.iter().all(|l| !l.contains("reboot")), "{all:?}");
        assert_eq!(
            on(&env, "sn2"),
            vec![
                format!("/usr/bin/ls {BK}"),
                format!("/usr/bin/cp -p {BK}/hosts.cn01 {CD}"),
            ]
        );
    }
}

#[test]
fn sns_nimprime_given_as_an_address_is_used_by_its_name() {
    for env in backends() {
        seed_sns(&env, "hosts.cn01\nhosts.cn02\n");
        env.set(
            "site",
            &[("key", "master")],
            &[("value", Some("127.0.0.9"))],
        );
        env.insert("hosts", &[("node", "mn"), ("ip", "127.0.0.9")]);
        let p = render(&env.snmove(&["cn01", "-d", "sn2", "-D", "sn2", "-i"]));
        assert_eq!(p.exit_code, 0, "{}: {}", env.label, p.stderr);
        assert_eq!(
            on(&env, "mn")[0],
            "/usr/sbin/lsnim -a location -Z 71dskls_shared_root"
        );
    }
}
