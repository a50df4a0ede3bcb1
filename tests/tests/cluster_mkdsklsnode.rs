//! mkdsklsnode end to end in the cluster in a box: the stock-named client on
//! mn1 (nimprime: the osimage's spot, shared_root and paging in its NIM),
//! the MN daemon checking the osimage and nimprime's resources, updating
//! the SPOT, copying what the service nodes need (real ssh / rsync) and
//! splitting per service node; sn1 and sn2 each defining the image's
//! resources (make_SN_resource) and defining and initialising cn01
//! (`servicenode=sn1,sn2`) on its own NIM (the simulator at the stock
//! paths).  Then again without `-f` (both refuse), and with sn2's daemon
//! killed (sn1's part completes, the error names sn2, exit 1).
//! Needs root (skips otherwise; fails under CI=true).

use xcat_tests::cluster::check::{ok, text};
use xcat_tests::cluster::{Cluster, ClusterSpec};

/// NIM configured on `host` with the image's spot, shared_root and paging.
fn nim_with_resources(c: &Cluster, host: &str) {
    let h = c.host(host);
    ok(
        h.run("nim_master_setup", &["-a", "mk_resource=no"]),
        "nim_master_setup",
    );
    let define = |args: &[&str]| ok(h.run("nim", args), "nim define");
    define(&[
        "-o",
        "define",
        "-t",
        "spot",
        "-a",
        "server=master",
        "-a",
        "location=/install/nim/spot",
        "71_spot",
    ]);
    define(&[
        "-o",
        "define",
        "-t",
        "shared_root",
        "-a",
        "server=master",
        "-a",
        "spot=71_spot",
        "-a",
        "location=/install/nim/shared_root/71_sr",
        "71_sr",
    ]);
    define(&[
        "-o",
        "define",
        "-t",
        "paging",
        "-a",
        "server=master",
        "-a",
        "location=/install/nim/paging/71_paging",
        "71_paging",
    ]);
}

/// The simulator's calls on `host` as `rc<TAB>command args`.
fn calls(c: &Cluster, host: &str) -> Vec<String> {
    ok(c.nimsim(host, &["calls", "--plain"]), "nimsim calls")
        .lines()
        .map(str::to_string)
        .collect()
}

/// The calls about machines: the machine list, each node's commands and
/// the inetd check (the SN's resource set-up before the nodes left out).
fn node_calls(calls: &[String]) -> Vec<String> {
    calls
        .iter()
        .filter(|c| {
            c.ends_with("lsnim -c machines")
                || c.ends_with("lssrc -s inetd")
                || c.rsplit(' ').next().is_some_and(|w| w.starts_with("cn"))
        })
        .cloned()
        .collect()
}

#[test]
fn a_node_is_defined_and_initialized_on_both_service_nodes() {
    let Some(c) = Cluster::start_or_skip(ClusterSpec::small()) else {
        return;
    };
    assert!(
        c.has_nimsim(),
        "build nimsim first (cargo build --workspace --bins)"
    );
    let client = |cmd: &str, args: &[&str]| ok(c.client("mn1", cmd, args), cmd);
    client("chdef", &["-t", "site", "-o", "clustersite", "master=mn1"]);
    client(
        "chdef",
        &["cn01", "servicenode=sn1,sn2", "mac=aa:bb:cc:dd:ee:01"],
    );
    client(
        "mkdef",
        &[
            "-t",
            "network",
            "-o",
            "net198",
            "net=198.18.0.0",
            "mask=255.255.255.0",
            "gateway=198.18.0.254",
        ],
    );
    client(
        "mkdef",
        &[
            "-t",
            "osimage",
            "-o",
            "71dskls",
            "imagetype=NIM",
            "nimtype=diskless",
            "spot=71_spot",
            "shared_root=71_sr",
            "paging=71_paging",
        ],
    );
    nim_with_resources(&c, "mn1");
    for sn in ["sn1", "sn2"] {
        let h = c.host(sn);
        ok(
            h.run("nim_master_setup", &["-a", "mk_resource=no"]),
            "nim_master_setup",
        );
    }
    // The SPOT's files on nimprime (updatespot edits them), xcataixpost, and
    // the group updatespot gives inst_root.
    let spot = "/install/nim/spot/71_spot/usr";
    let files = format!("mkdir -p /install/postscripts {spot}/lib/boot/network {spot}/lpp/bos/inst_root/etc && echo '# rc.dd_boot' > {spot}/lib/boot/network/rc.dd_boot && touch /install/postscripts/xcataixpost && (getent group system >/dev/null || groupadd system)");
    ok(c.host("mn1").run("sh", &["-c", &files]), "SPOT files");
    // The credential files stock's checkCredFiles looks for on the MN (made
    // before the SPOT files: /install/postscripts must exist).
    let creds = "mkdir -p /install/postscripts/_xcat /install/postscripts/ca /install/postscripts/hostkeys /install/postscripts/_ssh /etc/xcat/hostkeys && touch /install/postscripts/_xcat/ca.pem /install/postscripts/ca/ca-cert.pem /install/postscripts/hostkeys/ssh_host_rsa_key.pub /install/postscripts/_ssh/authorized_keys /etc/xcat/hostkeys/ssh_host_rsa_key.pub";
    ok(c.host("mn1").run("sh", &["-c", creds]), "credential files");
    // The shared_root's directory as NIM lays it out (the simulator writes
    // the clients' .client_data files into it) and the tftp directory.
    let sr = "mkdir -p /install/nim/shared_root/71_sr/etc/.client_data /tftpboot && echo '127.0.0.1 loopback' > /install/nim/shared_root/71_sr/etc/hosts";
    for h in ["mn1", "sn1", "sn2"] {
        ok(c.host(h).run("sh", &["-c", sr]), "shared_root directory");
    }
    let before: Vec<usize> = ["mn1", "sn1", "sn2"]
        .iter()
        .map(|h| calls(&c, h).len())
        .collect();

    let out = c.client("mn1", "mkdsklsnode", &["-i", "71dskls", "cn01"]);
    let stdout = text(&out.stdout);
    assert_eq!(
        (text(&out.stderr), out.status.code()),
        (String::new(), Some(0)),
        "{stdout}"
    );
    for line in [
        "Updating the spot named '71dskls'.",
        "Checking NIM resources on sn1.",
        "Checking NIM resources on sn2.",
    ] {
        assert!(stdout.lines().any(|l| l == line), "{line}: {stdout}");
    }
    for sn in ["sn1", "sn2"] {
        let own: Vec<&str> = stdout
            .lines()
            .filter(|l| l.starts_with(&format!("{sn}: ")))
            .collect();
        assert_eq!(
            own,
            [
                format!("{sn}: Initializing AIX diskless nodes.  This could take a while."),
                format!("{sn}: Creating NIM client definition 'cn01.'"),
                format!("{sn}: Initializing NIM machine 'cn01'. "),
                format!("{sn}: AIX/NIM diskless nodes were initialized."),
            ]
        );
    }
    // nimprime: resource facts, then updatespot's SPOT location.
    assert_eq!(
        calls(&c, "mn1")[before[0]..before[0] + 9],
        [
            "0\tlsnim -P -c resources",
            "0\tlsnim",
            "0\tlsnim -a location -Z 71_spot",
            "0\tlsnim -l 71_spot",
            "0\tlsnim -a location -Z 71_paging",
            "0\tlsnim -l 71_paging",
            "0\tlsnim -a location -Z 71_sr",
            "0\tlsnim -l 71_sr",
            "0\tlsnim -l 71_spot",
        ]
    );
    for (i, sn) in ["sn1", "sn2"].into_iter().enumerate() {
        // make_SN_resource defined the image's resources on the SN.
        for r in ["71_spot", "71_sr", "71_paging"] {
            ok(c.host(sn).run("lsnim", &["-l", r]), "resource on the SN");
        }
        assert_eq!(
            node_calls(&calls(&c, sn)[before[i + 1]..]),
            [
                "0\tlsnim -c machines",
                "0\tnim -Fo define -t diskless -a if1=find_net cn01 aabbccddee01 ent -a cable_type1=N/A -a netboot_kernel=mp -a net_definition=ent 255.255.255.0 198.18.0.254 -a net_settings1=100 full cn01",
                "0\tnim -Fo dkls_init -a spot=71_spot -a shared_root=71_sr -a size=64 -a paging=71_paging cn01",
                "0\tlssrc -s inetd",
            ],
            "{sn}"
        );
        // The client files after init: BASECUST in the .info, hosts.cn01.
        let info = format!("/tftpboot/{}.info", c.host("cn01").ip());
        let info = ok(c.host(sn).run("cat", &[&info]), "cat .info");
        assert!(
            info.contains("export BASECUST_REMOVAL=swapnfs0"),
            "{sn}: {info}"
        );
        let hosts = "/install/nim/shared_root/71_sr/etc/.client_data/hosts.cn01";
        assert_eq!(
            ok(c.host(sn).run("cat", &[hosts]), "cat hosts"),
            "127.0.0.1 loopback\n"
        );
        let l = ok(c.host(sn).run("lsnim", &["-l", "cn01"]), "lsnim -l");
        assert!(l.contains("shared_root    = 71_sr"), "{sn}: {l}");
    }
    let def = client("lsdef", &["cn01", "-i", "os,provmethod"]);
    assert!(
        def.contains("os=AIX") && def.contains("provmethod=71dskls"),
        "{def}"
    );

    // Again without -f: each service node refuses, naming itself; exit 1.
    let out = c.client("mn1", "mkdsklsnode", &["-i", "71dskls", "cn01"]);
    let stderr = text(&out.stderr);
    for sn in ["sn1", "sn2"] {
        assert!(
            stderr.contains(&format!("Error: [{sn}]: {sn}: The node 'cn01' is already defined. Use the force option to reinitialize.")),
            "{stderr}"
        );
        assert!(
            stderr.contains(&format!("Error: [{sn}]: Return=1.")),
            "{stderr}"
        );
    }
    assert_eq!(out.status.code(), Some(1));

    // sn2 down: sn1 re-initialises cn01 with -f, the error names sn2, exit 1.
    let before = calls(&c, "sn1").len();
    let down = c.kill_daemon("sn2");
    let out = c.client("mn1", "mkdsklsnode", &["-f", "-i", "71dskls", "cn01"]);
    drop(down);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(
        stdout.contains("sn1: AIX/NIM diskless nodes were initialized.\n"),
        "{stdout}"
    );
    assert!(
        stderr.starts_with(
            "Error: [mn1]: Unable to dispatch hierarchical sub-command to sn2:3001.  Error: "
        ),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        node_calls(&calls(&c, "sn1")[before..]),
        [
            "0\tlsnim -c machines",
            "0\tlsnim -l cn01",
            "0\tnim -Fo reset -a force=yes cn01",
            "0\tnim -Fo deallocate -a subclass=all cn01",
            "0\tnim -Fo dkls_init -a spot=71_spot -a shared_root=71_sr -a size=64 -a paging=71_paging cn01",
            "0\tlssrc -s inetd",
        ]
    );
    let left = c.teardown();
    assert!(left.is_empty(), "{left:?}");
}
