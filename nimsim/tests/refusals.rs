//! What NIM, NFS and SRC refuse, with the exact error shapes and exit codes, and that a
//! refused call changes nothing.

mod common;

use common::Host;

fn state_bytes(h: &Host) -> Vec<u8> {
    std::fs::read(h.state().join("state.json")).unwrap_or_default()
}

#[test]
fn nothing_works_before_nim_master_setup() {
    let h = Host::new();
    let r = h.run(&["lsnim", "-l"]);
    assert_eq!(r.rc, 27);
    assert_eq!(
        r.stderr,
        "0042-027 lsnim: the NIM master is not configured; use nim_master_setup to configure it\n"
    );
    assert_eq!(h.run(&["nim", "-o", "define", "-t", "spot", "x"]).rc, 27);
    h.ok(&["nim_master_setup", "-a", "mk_resource=no"]);
    assert_eq!(
        h.ok(&["nim_master_setup", "-a", "mk_resource=no"]),
        "NIM master is already configured.\n"
    );
}

#[test]
fn unknown_objects() {
    let h = Host::new();
    h.nim_with_image();
    let r = h.run(&["lsnim", "-l", "x"]);
    assert_eq!((r.rc, r.stdout.as_str()), (53, ""));
    assert_eq!(
        r.stderr,
        "0042-053 lsnim: there is no NIM object named \"x\"\n"
    );
    for op in ["remove", "reset", "dkls_init", "change", "deallocate"] {
        let r = h.run(&["nim", "-Fo", op, "nosuch"]);
        assert_eq!(
            (r.rc, r.stderr.as_str()),
            (
                53,
                "0042-053 nim: there is no NIM object named \"nosuch\"\n"
            ),
            "{op}"
        );
    }
    let r = h.run(&["nim", "-o", "frobnicate", "spot71"]);
    assert_eq!(
        (r.rc, r.stderr.as_str()),
        (
            24,
            "0042-024 nim: \"frobnicate\" is not a valid operation for \"spot71\"\n"
        )
    );
}

#[test]
fn an_object_defined_twice() {
    let h = Host::new();
    h.nim_with_image();
    assert_eq!(h.define_diskless("cn01", "aabbccddeeff").rc, 0);
    let before = state_bytes(&h);
    let r = h.define_diskless("cn01", "aabbccddeeff");
    assert_eq!(
        (r.rc, r.stderr.as_str()),
        (
            32,
            "0042-032 nim: a NIM object named \"cn01\" already exists\n"
        )
    );
    let r = h.run(&[
        "nim",
        "-o",
        "define",
        "-t",
        "paging",
        "-a",
        "server=master",
        "-a",
        "location=/x",
        "spot71",
    ]);
    assert_eq!(r.rc, 32);
    assert_eq!(
        state_bytes(&h),
        before,
        "a refused define must not change the state"
    );
}

#[test]
fn define_needs_its_attributes_and_a_network_for_find_net() {
    let h = Host::new();
    h.nim_with_image();
    let r = h.run(&["nim", "-o", "define", "-t", "diskless", "cn01"]);
    assert_eq!(
        (r.rc, r.stderr.as_str()),
        (
            41,
            "0042-041 nim: the \"if1\" attribute is required for the \"define\" operation\n"
        )
    );
    let r = h.run(&[
        "nim",
        "-o",
        "define",
        "-t",
        "spot",
        "-a",
        "server=master",
        "spotx",
    ]);
    assert_eq!(
        r.stderr,
        "0042-041 nim: the \"location\" attribute is required for the \"define\" operation\n"
    );
    let r = h.run(&[
        "nim",
        "-o",
        "define",
        "-t",
        "shared_root",
        "-a",
        "server=master",
        "-a",
        "location=/x",
        "srx",
    ]);
    assert_eq!(
        r.stderr,
        "0042-041 nim: the \"spot\" attribute is required for the \"define\" operation\n"
    );
    let r = h.run(&["nim", "-o", "define", "-t", "bogus", "x"]);
    assert_eq!(
        (r.rc, r.stderr.as_str()),
        (
            23,
            "0042-023 nim: \"bogus\" is not a valid NIM object type\n"
        )
    );
    let r = h.run(&[
        "nim",
        "-o",
        "define",
        "-t",
        "diskless",
        "-a",
        "if1=find_net nohost 0 ent",
        "x",
    ]);
    assert_eq!(
        (r.rc, r.stderr.as_str()),
        (
            103,
            "0042-103 nim: unable to resolve the host name \"nohost\"\n"
        )
    );
    let r = h.define_diskless("cn01", "aa:bb:cc:dd:ee:ff");
    assert_eq!(
        (r.rc, r.stderr.as_str()),
        (109, "0042-109 nim: \"find_net cn01 aa:bb:cc:dd:ee:ff ent\" is not a valid value for the \"if1\" attribute\n")
    );
    assert_eq!(h.define_diskless("cn01", "zzbbccddeeff").rc, 109);
    h.ok(&[
        "nim",
        "-o",
        "define",
        "-t",
        "diskless",
        "-a",
        "if1=find_net cn02 fe80::a8bb:ccff:fedd:eeff ent6",
        "cn02",
    ]);
    h.ok(&["nim", "-Fo", "remove", "cn02"]);
    h.ok(&["nim", "-Fo", "remove", "net18"]);
    let r = h.define_diskless("cn01", "aabbccddeeff");
    assert_eq!(
        (r.rc, r.stderr.as_str()),
        (
            104,
            "0042-104 nim: unable to find a NIM network for the address of \"cn01\"\n"
        )
    );
}

#[test]
fn dkls_init_without_spot_paging_or_a_root_is_refused() {
    let h = Host::new();
    h.nim_with_image();
    h.define_diskless("cn01", "aabbccddeeff");
    let before = state_bytes(&h);
    let cases: [(&[&str], &str); 3] = [
        (&["-a", "shared_root=sr71", "-a", "paging=pg71"], "0042-041 nim: the \"spot\" attribute is required for the \"dkls_init\" operation\n"),
        (&["-a", "spot=spot71", "-a", "shared_root=sr71"], "0042-041 nim: the \"paging\" attribute is required for the \"dkls_init\" operation\n"),
        (
            &["-a", "spot=spot71", "-a", "paging=pg71"],
            "0042-041 nim: one of the \"root\" or \"shared_root\" attributes is required for the \"dkls_init\" operation\n",
        ),
    ];
    for (attrs, message) in cases {
        let mut argv = vec!["nim", "-Fo", "dkls_init"];
        argv.extend_from_slice(attrs);
        argv.push("cn01");
        let r = h.run(&argv);
        assert_eq!((r.rc, r.stderr.as_str()), (41, message), "{attrs:?}");
    }
    assert_eq!(state_bytes(&h), before);
    // A resource of the wrong type is refused too, and nothing is half allocated.
    let r = h.run(&[
        "nim",
        "-Fo",
        "dkls_init",
        "-a",
        "spot=spot71",
        "-a",
        "shared_root=sr71",
        "-a",
        "paging=dump71",
        "cn01",
    ]);
    assert_eq!(
        (r.rc, r.stderr.as_str()),
        (
            101,
            "0042-101 nim: \"dump71\" is not a NIM resource of type \"paging\"\n"
        )
    );
    assert_eq!(
        h.ok(&["lsnim", "-a", "alloc_count", "-Z", "spot71"]),
        "#name:alloc_count:\nspot71:0:\n"
    );
}

#[test]
fn dtls_init_needs_no_paging_but_a_dataless_machine() {
    let h = Host::new();
    h.nim_with_image();
    h.define_diskless("cn01", "aabbccddeeff");
    let r = h.run(&[
        "nim",
        "-Fo",
        "dtls_init",
        "-a",
        "spot=spot71",
        "-a",
        "root=root71",
        "cn01",
    ]);
    assert_eq!(
        (r.rc, r.stderr.as_str()),
        (
            24,
            "0042-024 nim: \"dtls_init\" is not a valid operation for \"cn01\"\n"
        )
    );
    h.ok(&[
        "nim",
        "-o",
        "define",
        "-t",
        "dataless",
        "-a",
        "if1=find_net cn02 0 ent",
        "cn02",
    ]);
    h.ok(&[
        "nim",
        "-Fo",
        "dtls_init",
        "-a",
        "spot=spot71",
        "-a",
        "root=root71",
        "cn02",
    ]);
    let r = h.run(&[
        "nim",
        "-Fo",
        "dtls_init",
        "-a",
        "spot=spot71",
        "-a",
        "root=root71",
        "cn02",
    ]);
    assert_eq!(
        (r.rc, r.stderr.as_str()),
        (
            81,
            "0042-081 nim: a resource of type \"spot\" is already allocated to \"cn02\"\n"
        )
    );
}

#[test]
fn removing_an_allocated_resource_is_refused_until_deallocated() {
    let h = Host::new();
    h.nim_with_image();
    h.define_diskless("cn01", "aabbccddeeff");
    h.ok(&[
        "nim",
        "-Fo",
        "dkls_init",
        "-a",
        "spot=spot71",
        "-a",
        "shared_root=sr71",
        "-a",
        "paging=pg71",
        "cn01",
    ]);
    let r = h.run(&["nim", "-Fo", "remove", "sr71"]);
    assert_eq!(
        (r.rc, r.stderr.as_str()),
        (
            69,
            "0042-069 nim: the \"sr71\" resource is currently allocated for client use\n"
        )
    );
    let r = h.run(&["nim", "-Fo", "remove", "net18"]);
    assert_eq!(
        (r.rc, r.stderr.as_str()),
        (
            158,
            "0042-158 nim: \"net18\" cannot be removed because it is used by \"cn01\"\n"
        )
    );
    h.ok(&["nim", "-Fo", "reset", "-a", "force=yes", "cn01"]);
    h.ok(&["nim", "-Fo", "deallocate", "-a", "subclass=all", "cn01"]);
    assert_eq!(
        h.ok(&["lsnim", "-a", "alloc_count", "-Z", "sr71"]),
        "#name:alloc_count:\nsr71:0:\n"
    );
    h.ok(&["nim", "-Fo", "remove", "cn01"]);
    h.ok(&["nim", "-Fo", "remove", "sr71"]);
    let r = h.run(&["nim", "-Fo", "remove", "master"]);
    assert_eq!(r.rc, 24);
}

#[test]
fn bos_inst_leaves_the_machine_not_ready_until_reset() {
    let h = Host::new();
    standalone_cn02_with_lpp(&h);
    h.ok(&[
        "nim",
        "-Fo",
        "bos_inst",
        "-a",
        "source=rte",
        "-a",
        "spot=spot71",
        "-a",
        "lpp_source=lpp71",
        "-a",
        "boot_client=no",
        "cn02",
    ]);
    assert_eq!(
        h.ok(&["lsnim", "-a", "Cstate", "-Z", "cn02"]),
        "#name:Cstate:\ncn02:BOS installation has been enabled:\n"
    );
    let r = h.run(&[
        "nim",
        "-o",
        "bos_inst",
        "-a",
        "spot=spot71",
        "-a",
        "lpp_source=lpp71",
        "cn02",
    ]);
    assert_eq!(r.rc, 157);
    assert!(
        r.stderr
            .starts_with("0042-157 nim: the machine \"cn02\" is not ready"),
        "{}",
        r.stderr
    );
    h.ok(&["nim", "-Fo", "reset", "cn02"]);
    assert_eq!(
        h.ok(&["lsnim", "-a", "Cstate", "-Z", "cn02"]),
        "#name:Cstate:\ncn02:ready for a NIM operation:\n"
    );
}

#[test]
fn chnfs_replication_change_while_v4_exports_are_exported() {
    let h = Host::new();
    h.ok(&["mknfsexp", "-d", "/install", "-B", "-v", "4", "-t", "rw"]);
    let r = h.run(&["chnfs", "-R", "on"]);
    assert_eq!(r.rc, 1);
    assert_eq!(
        r.stderr,
        "chnfs: The replication mode cannot be changed while NFS version 4 exports are exported (/install).\nUnexport them first with exportfs -ua.\n"
    );
    let r = h.run(&[
        "chnfsexp",
        "-d",
        "/install",
        "-B",
        "-v",
        "4",
        "-g",
        "/install@198.18.0.11:/install@198.18.0.12",
    ]);
    assert_eq!(r.rc, 1);
    assert_eq!(r.stderr, "chnfsexp: replicas cannot be specified while NFS replication is disabled; run chnfs -R on first.\n");
    h.ok(&["exportfs", "-ua"]);
    h.ok(&["chnfs", "-R", "on"]);
    h.ok(&["exportfs", "-a"]);
    let r = h.run(&["mknfsexp", "-d", "/install", "-B", "-v", "4"]);
    assert_eq!(
        (r.rc, r.stderr.as_str()),
        (
            1,
            "mknfsexp: /install is already exported; use chnfsexp to change it.\n"
        )
    );
    let r = h.run(&["rmnfsexp", "-d", "/nope"]);
    assert_eq!(
        (r.rc, r.stderr.as_str()),
        (1, "rmnfsexp: /nope is not exported.\n")
    );
    let r = h.run(&["mknfsexp", "-d", "/v3", "-v", "3", "-g", "/v3@198.18.0.11"]);
    assert_eq!(
        (r.rc, r.stderr.as_str()),
        (
            1,
            "mknfsexp: replicas can only be specified for NFS version 4 exports (-v 4).\n"
        )
    );
}

#[test]
fn src_refusals() {
    let h = Host::new();
    let r = h.run(&["stopsrc", "-s", "dhcpsd"]);
    assert_eq!(
        (r.rc, r.stderr.as_str()),
        (
            1,
            "0513-004 The Subsystem or Group, dhcpsd, is currently inoperative.\n"
        )
    );
    let r = h.run(&["refresh", "-s", "dhcpsd"]);
    assert_eq!(r.rc, 1);
    assert!(r.stderr.starts_with("0513-036 "));
    let r = h.run(&["startsrc", "-s", "inetd"]);
    assert_eq!((r.rc, r.stderr.as_str()), (1, "0513-029 The inetd Subsystem is already active.\nMultiple instances are not supported.\n"));
    let r = h.run(&["lssrc", "-s", "nosuch"]);
    assert_eq!(
        (r.rc, r.stderr.as_str()),
        (1, "0513-085 The nosuch Subsystem is not on file.\n")
    );
    h.ok(&["stopsrc", "-g", "nfs"]);
    let r = h.run(&["stopsrc", "-g", "nfs"]);
    assert_eq!(
        (r.rc, r.stderr.as_str()),
        (
            1,
            "0513-004 The Subsystem or Group, nfs, is currently inoperative.\n"
        )
    );
}

#[test]
fn bad_arguments_are_usage_errors() {
    let h = Host::new();
    h.nim_with_image();
    let r = h.run(&["lsnim", "-x"]);
    assert_eq!(r.rc, 2);
    assert!(
        r.stderr
            .starts_with("lsnim: Not a recognized flag: x\nUsage: lsnim"),
        "{}",
        r.stderr
    );
    let r = h.run(&["nim", "-o"]);
    assert_eq!(
        (r.rc, r.stderr.lines().next()),
        (2, Some("nim: Flag requires a parameter: o"))
    );
    let r = h.run(&["nim", "-o", "define", "-a", "novalue", "x"]);
    assert_eq!(r.rc, 2);
    let r = h.run(&["nim", "-o", "remove"]);
    assert_eq!(
        (r.rc, r.stderr.lines().next()),
        (2, Some("nim: an object name is required"))
    );
    assert_eq!(h.run(&["mknfsexp", "-t", "rw"]).rc, 2);
    assert_eq!(h.run(&["bootlist", "-o"]).rc, 2);
    assert_eq!(h.run(&["chfs", "-a", "size=+1M", "/nosuch"]).rc, 1);
    assert_eq!(h.run(&["nosuchhelper"]).rc, 2);
}

#[test]
fn several_scripts_may_be_allocated_but_one_not_twice() {
    let h = Host::new();
    standalone_cn02_with_lpp(&h);
    for s in ["s1", "s2"] {
        let location = format!("location=/s/{s}");
        h.ok(&[
            "nim",
            "-o",
            "define",
            "-t",
            "script",
            "-a",
            "server=master",
            "-a",
            &location,
            s,
        ]);
    }
    // nimnodeset passes -a script= once per item.
    let bos = [
        "nim",
        "-Fo",
        "bos_inst",
        "-a",
        "spot=spot71",
        "-a",
        "lpp_source=lpp71",
        "-a",
        "script=s1",
        "-a",
        "script=s2",
        "cn02",
    ];
    h.ok(&bos);
    let long = h.ok(&["lsnim", "-l", "cn02"]);
    assert!(
        long.contains("   script         = s1\n   script         = s2\n"),
        "{long}"
    );
    h.ok(&["nim", "-Fo", "reset", "cn02"]);
    let r = h.run(&["nim", "-Fo", "allocate", "-a", "script=s1", "cn02"]);
    assert_eq!(
        (r.rc, r.stderr.as_str()),
        (
            81,
            "0042-081 nim: a resource of type \"script\" is already allocated to \"cn02\"\n"
        )
    );
    h.ok(&["nim", "-Fo", "deallocate", "-a", "script=s1", "cn02"]);
    assert_eq!(
        h.ok(&["lsnim", "-a", "alloc_count", "-Z", "s1", "s2"]),
        "#name:alloc_count:\ns1:0:\ns2:1:\n"
    );
    assert_eq!(
        h.run(&["nim", "-Fo", "deallocate", "-a", "script=s1", "cn02"])
            .rc,
        109
    );
}

/// The diskless image, an `lpp_source` `lpp71` and a standalone machine
/// `cn02` (for the bos_inst and script-allocation cases).
fn standalone_cn02_with_lpp(h: &Host) {
    h.nim_with_image();
    h.ok(&[
        "nim",
        "-o",
        "define",
        "-t",
        "lpp_source",
        "-a",
        "server=master",
        "-a",
        "location=/l",
        "lpp71",
    ]);
    h.ok(&[
        "nim",
        "-o",
        "define",
        "-t",
        "standalone",
        "-a",
        "if1=find_net cn02 0 ent",
        "cn02",
    ]);
}
