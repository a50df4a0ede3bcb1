//! Round trip: `lsdef -a -z` of a rich database fed to `mkdef -z` on a
//! fresh one gives the same `lsdef -l` listings.

mod objdefs_support;
use objdefs_support::*;

const TYPES: &str =
    "node,group,osimage,network,route,policy,monitoring,boottarget,rack,zone,osdistro,notification";

fn rich(e: &Env) {
    ok(
        e,
        "mkdef",
        &[
            "-t",
            "group",
            "-o",
            "compute",
            "mgt=ipmi",
            "os=rhels8.6",
            "arch=x86_64",
            "ip=|cn(\\d+)|10.0.0.($1+0)|",
            "usercomment=compute nodes",
        ],
    );
    ok(
        e,
        "mkdef",
        &["-t", "group", "-o", "rack1", "grouptype=static", "rack=r1"],
    );
    ok(
        e,
        "mkdef",
        &[
            "-t",
            "node",
            "-o",
            "cn[01-12]",
            "groups=compute,rack1",
            "servicenode=sn1,sn2",
            "xcatmaster=sn1",
            "bmc=|\\D+(\\d+)|10.1.0.($1+0)|",
            "postscripts=custom1",
        ],
    );
    ok(
        e,
        "chdef",
        &[
            "cn01",
            "nicips.eth0=10.2.0.1",
            "nicips.ib0=10.3.0.1",
            "nictypes.ib0=Infiniband",
            "unit=3",
        ],
    );
    ok(
        e,
        "mkdef",
        &[
            "-t",
            "group",
            "-o",
            "ipmi_dyn",
            "-d",
            "-w",
            "mgt==ipmi",
            "-w",
            "node=~0[1-3]$",
        ],
    );
    ok(e, "mkdef", &["-t", "group", "-o", "service", "setupnfs=1"]);
    ok(
        e,
        "mkdef",
        &[
            "-t",
            "node",
            "-o",
            "sn1",
            "groups=service",
            "mgt=openbmc",
            "bmc=sn1-bmc",
            "setupdhcp=1",
            "setuptftp=1",
        ],
    );
    ok(
        e,
        "mkdef",
        &[
            "-t",
            "osimage",
            "-o",
            "rhels8-x86_64-install-compute",
            "imagetype=linux",
            "osvers=rhels8.6",
            "osarch=x86_64",
            "profile=compute",
            "provmethod=install",
            "template=/opt/t.tmpl",
            "pkglist=/opt/p.pkglist",
        ],
    );
    ok(
        e,
        "mkdef",
        &[
            "-t",
            "network",
            "-o",
            "net10",
            "net=10.0.0.0",
            "mask=255.255.0.0",
            "gateway=10.0.0.254",
            "mgtifname=eth0",
        ],
    );
    ok(
        e,
        "mkdef",
        &[
            "-t",
            "route",
            "-o",
            "r1",
            "net=10.5.0.0",
            "mask=255.255.0.0",
            "gateway=10.0.0.1",
        ],
    );
    ok(
        e,
        "mkdef",
        &["-t", "policy", "-o", "7", "name=admin", "rule=allow"],
    );
    ok(
        e,
        "mkdef",
        &[
            "-t",
            "monitoring",
            "-o",
            "snmpmon",
            "nodestatmon=yes",
            "filter=x",
        ],
    );
    ok(
        e,
        "mkdef",
        &["-t", "rack", "-o", "rk1", "room=a", "height=42"],
    );
    ok(e, "mkdef", &["-t", "zone", "-o", "z1", "sshkeydir=/keys"]);
    ok(
        e,
        "mkdef",
        &["-t", "boottarget", "-o", "bt1", "kernel=k", "initrd=i"],
    );
    ok(
        e,
        "mkdef",
        &[
            "-t",
            "osdistro",
            "-o",
            "rhels8.6-x86_64",
            "arch=x86_64",
            "dirpaths=/install/rhels8.6/x86_64",
        ],
    );
    ok(
        e,
        "mkdef",
        &[
            "-t",
            "notification",
            "-o",
            "n.pl",
            "tables=nodelist",
            "tableops=a",
        ],
    );
    ok(e, "chdef", &["-t", "site", "timezone=UTC"]);
}

#[test]
fn stanza_round_trip() {
    for e in backends() {
        rich(&e);
        let dump = ok(&e, "lsdef", &["-a", "-z"]).stdout;
        assert!(dump.starts_with("# <xCAT data object stanza file>\n"));
        let before = ok(&e, "lsdef", &["-t", TYPES, "-l"]).stdout;
        assert!(before.contains("    ip=10.0.0.5\n"), "{before}");
        assert!(before.contains("    nicips.ib0=10.3.0.1\n"));
        let target = empty_backends()
            .into_iter()
            .find(|t| t.label.split(':').next() == e.label.split(':').next())
            .unwrap();
        stock_fresh(&target.db);
        let r = run_stdin(&target, "mkdef", &["-z"], &dump);
        assert_eq!(r.exit, 0, "{}{}", r.stdout, r.stderr);
        let after = ok(&target, "lsdef", &["-t", TYPES, "-l"]).stdout;
        assert_eq!(after, before);
        // and the dump itself is stable
        let dump2 = ok(&target, "lsdef", &["-a", "-z"]).stdout;
        assert_eq!(dump2, dump.replace("    timezone=UTC\n", ""));
    }
}
