//! lsdef options and output forms.

mod objdefs_support;
use objdefs_support::*;

fn setup(e: &Env) {
    ok(
        e,
        "mkdef",
        &[
            "-t",
            "node",
            "-o",
            "cn[01-03]",
            "groups=compute,all",
            "servicenode=sn1",
            "xcatmaster=sn1",
        ],
    );
    ok(
        e,
        "chdef",
        &["-t", "group", "-o", "compute", "mgt=ipmi", "os=rhels8"],
    );
    ok(
        e,
        "chdef",
        &[
            "cn01",
            "bmc=cn01-bmc",
            "nicips.eth0=10.0.0.1",
            "nicips.eth1=10.1.0.1",
        ],
    );
    ok(
        e,
        "mkdef",
        &["-t", "node", "-o", "hid1", "groups=all", "hidden=1"],
    );
}

#[test]
fn names_long_and_inheritance() {
    for e in backends() {
        setup(&e);
        let r = ok(&e, "lsdef", &["-s", "cn01,cn02"]);
        assert_eq!(r.stdout, "cn01  (node)\ncn02  (node)\n");
        let r = ok(&e, "lsdef", &["-l", "cn01"]);
        assert_eq!(
            r.stdout,
            "Object name: cn01\n    bmc=cn01-bmc\n    groups=compute,all\n    mgt=ipmi\n    nicips.eth0=10.0.0.1\n    nicips.eth1=10.1.0.1\n    os=rhels8\n    postbootscripts=otherpkgs\n    postscripts=syslog,remoteshell,syncfiles\n    servicenode=sn1\n    xcatmaster=sn1\n"
        );
        // hidden nodes need -S
        let r = ok(&e, "lsdef", &[]);
        assert!(!r.stdout.contains("hid1"), "{}", r.stdout);
        let r = ok(&e, "lsdef", &["-S"]);
        assert!(r.stdout.contains("hid1  (node)"), "{}", r.stdout);
        // group objects are raw
        let r = ok(&e, "lsdef", &["-t", "group", "-o", "compute", "-l"]);
        assert_eq!(
            r.stdout,
            "Object name: compute\n    members=cn01,cn02,cn03\n    mgt=ipmi\n    os=rhels8\n"
        );
    }
}

#[test]
fn attribute_lists_compress_stanza_verbose() {
    for e in backends() {
        setup(&e);
        let r = ok(&e, "lsdef", &["cn02", "-i", "os,arch"]);
        assert_eq!(r.stdout, "Object name: cn02\n    arch=\n    os=rhels8\n");
        let r = ok(&e, "lsdef", &["cn01,cn02", "-c", "-i", "os"]);
        assert_eq!(r.stdout, "cn01: os=rhels8\ncn02: os=rhels8\n");
        let r = ok(&e, "lsdef", &["cn01", "--nics"]);
        assert_eq!(
            r.stdout,
            "Object name: cn01\n    nicips.eth0=10.0.0.1\n    nicips.eth1=10.1.0.1\n"
        );
        let r = ok(&e, "lsdef", &["cn01", "-i", "nicips.eth1"]);
        assert_eq!(r.stdout, "Object name: cn01\n    nicips.eth1=10.1.0.1\n");
        let r = ok(&e, "lsdef", &["-z", "cn03"]);
        assert_eq!(
            r.stdout,
            "# <xCAT data object stanza file>\n\ncn03:\n    objtype=node\n    groups=compute,all\n    mgt=ipmi\n    os=rhels8\n    servicenode=sn1\n    xcatmaster=sn1\n"
        );
        let r = ok(&e, "lsdef", &["-V", "cn03", "-i", "os,xcatmaster"]);
        assert_eq!(
            r.stdout,
            "Object name: cn03\n    os=rhels8\t(Table:nodetype - Key:node - Column:os)\n    xcatmaster=sn1\t(Table:noderes - Key:node - Column:xcatmaster)\n"
        );
        let r = run(&e, "lsdef", &["cn03", "-i", "bogus"]);
        assert_eq!(r.exit, 1);
        assert_eq!(
            r.stderr,
            "Error: 'bogus' is not a valid attribute name for an object type of 'node'.\n"
        );
    }
}

#[test]
fn where_operators_and_types() {
    for e in backends() {
        setup(&e);
        let r = ok(
            &e,
            "lsdef",
            &["-t", "node", "-w", "os==rhels8", "-w", "bmc=~^cn0"],
        );
        assert_eq!(r.stdout, "cn01  (node)\n");
        let r = ok(&e, "lsdef", &["-t", "node", "-w", "groups!=all"]);
        assert_eq!(
            r.stdout,
            "cn01  (node)\ncn02  (node)\ncn03  (node)\nvm  (node)\n"
        );
        let r = ok(&e, "lsdef", &["-t", "node", "-w", "groups!~^compute"]);
        assert_eq!(r.stdout, "vm  (node)\n");
        let r = ok(&e, "lsdef", &["-t", "node,group", "-o", "cn01", "-i", "os"]);
        assert!(
            r.stdout
                .starts_with("Object name: cn01  (node)\n    os=rhels8\n"),
            "{}",
            r.stdout
        );
        let r = run(&e, "lsdef", &["-t", "bogus"]);
        assert_eq!(
            (r.exit, r.stderr.as_str()),
            (
                1,
                "Error: \nType 'bogus' is not a valid xCAT object type.\n"
            )
        );
        // A type without objects (issue 9).
        let r = run(&e, "lsdef", &["-t", "osimage"]);
        assert_eq!(
            (r.exit, r.stdout.as_str(), r.stderr.as_str()),
            (0, "Could not find any object definitions to display.\n", "")
        );
        let r = ok(&e, "lsdef", &["-a"]);
        assert!(
            r.stdout.contains("cn01 (node)\n")
                && r.stdout.contains("compute (group)\n")
                && r.stdout.contains("clustersite (site)\n"),
            "{}",
            r.stdout
        );
        let r = ok(&e, "lsdef", &["-t", "site", "-l"]);
        assert!(
            r.stdout
                .starts_with("Object name: clustersite\n    domain=cluster.net\n"),
            "{}",
            r.stdout
        );
        let r = run(&e, "lsdef", &["-l", "-s"]);
        assert_eq!(r.exit, 1);
        assert!(r
            .stderr
            .contains("The flags '-l' and '-s' cannot be used together."));
        assert!(r.stdout.contains("Usage: lsdef"));
    }
}

#[test]
fn help_and_version() {
    for e in backends() {
        let r = ok(&e, "lsdef", &["-h", "-t", "node"]);
        assert!(r.stdout.starts_with("The valid attribute names for object type 'node' are:\nAttribute          Description\n\n"), "{}", &r.stdout[..200]);
        assert!(
            r.stdout.contains("groups:\t\tStored in nodelist.groups.\n"),
            "{}",
            r.stdout
        );
        assert!(r
            .stdout
            .contains("bmc:\t\tStored in ipmi.bmc when mgt=ipmi; openbmc.bmc when mgt=openbmc.\n"));
        let r = ok(&e, "lsdef", &["-h"]);
        assert!(r
            .stdout
            .contains("Usage: lsdef - List xCAT data object definitions."));
        assert!(r
            .stdout
            .contains(" auditlog boottarget eventlog firmware group kit"));
        let r = ok(&e, "lsdef", &["-v"]);
        assert_eq!(r.stdout, "lsdef - Version 2.19.0 (xcatd-rs test)\n");
    }
}

#[test]
fn long_listing_is_streamed_in_chunks() {
    for e in backends() {
        ok(
            &e,
            "mkdef",
            &[
                "-t",
                "node",
                "-o",
                "n[0001-0600]",
                "groups=all",
                "os=rhels8",
            ],
        );
        let r = ok(&e, "lsdef", &["-t", "node", "-l"]);
        let docs = r.docs.iter().filter(|x| x.map.contains_key("info")).count();
        assert!(docs >= 3, "{docs} documents");
        assert!(r
            .docs
            .iter()
            .all(|x| x.map.get("info").map(|v| v.len()).unwrap_or(0) <= 1000));
        assert_eq!(r.stdout.matches("Object name: ").count(), 601);
    }
}

#[test]
fn special_types_monitoring_and_logs() {
    for e in backends() {
        ok(
            &e,
            "mkdef",
            &[
                "-t",
                "monitoring",
                "-o",
                "snmpmon",
                "nodestatmon=yes",
                "interval=5",
            ],
        );
        let r = ok(&e, "lsdef", &["-t", "monitoring", "-l"]);
        assert_eq!(
            r.stdout,
            "Object name: snmpmon\n    interval=5\n    nodestatmon=yes\n"
        );
        e.db.write(|c| -> Result<(), xcat_schema::db::DbError> {
            c.insert(
                "eventlog",
                &["eventtype", "message"],
                &[Some("x"), Some("disk failed")],
            )
        })
        .unwrap();
        let r = ok(&e, "lsdef", &["-t", "eventlog"]);
        assert_eq!(r.stdout, "1  (eventlog)\n");
        let r = ok(&e, "lsdef", &["-t", "eventlog", "-o", "1", "-l"]);
        assert_eq!(
            r.stdout,
            "Object name: 1\n    eventtype=x\n    message=disk failed\n"
        );
        ok(&e, "rmdef", &["-t", "monitoring", "-o", "snmpmon"]);
        let r = run(&e, "lsdef", &["-t", "monitoring"]);
        assert_eq!(
            (r.exit, r.stdout.as_str(), r.stderr.as_str()),
            (0, "Could not find any object definitions to display.\n", "")
        );
    }
}

#[test]
fn osimage_option() {
    for e in backends() {
        ok(
            &e,
            "mkdef",
            &[
                "-t",
                "osimage",
                "-o",
                "img1",
                "imagetype=linux",
                "osvers=rhels8",
                "profile=compute",
            ],
        );
        ok(
            &e,
            "mkdef",
            &["-t", "node", "-o", "a1", "groups=all", "provmethod=img1"],
        );
        ok(
            &e,
            "mkdef",
            &[
                "-t",
                "node",
                "-o",
                "a2",
                "groups=all",
                "provmethod=netboot",
                "os=rhels8",
                "arch=x86_64",
                "profile=compute",
            ],
        );
        let r = ok(&e, "lsdef", &["a1", "--osimage"]);
        assert!(r.stdout.ends_with("    provmethod=img1\n    imagetype=linux\n    osvers=rhels8\n    profile=compute\n"), "{}", r.stdout);
        let r = ok(&e, "lsdef", &["a2", "--osimage", "-l"]);
        assert!(
            r.stdout
                .contains("    rootimgdir=/install/netboot/rhels8/x86_64/compute\n"),
            "{}",
            r.stdout
        );
    }
}
