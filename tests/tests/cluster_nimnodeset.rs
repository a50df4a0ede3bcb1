//! nimnodeset end to end in the cluster in a box: the stock-named client on
//! mn1, the MN daemon splitting per service node, sn1 and sn2 each defining
//! the standalone machine in its own NIM (the simulator at the stock paths)
//! and enabling its `bos_inst` with the image's resources, each writing
//! `nodetype` through mn1's database.  The resources are defined on the SNs
//! beforehand (`make_SN_resource` is mkdsklsnode's part, wired after merge).
//! Needs root (skips otherwise; fails under CI=true).

use xcat_tests::cluster::check::{ok, text};
use xcat_tests::cluster::{Cluster, ClusterSpec};

/// NIM configured on `sn` with the lpp_source and spot of the image.
fn prepare(c: &Cluster, sn: &str) {
    let h = c.host(sn);
    ok(
        h.run("nim_master_setup", &["-a", "mk_resource=no"]),
        "nim_master_setup",
    );
    for (ty, name) in [("lpp_source", "lpp61"), ("spot", "spot61")] {
        let loc = format!("location=/install/nim/{name}");
        let args = [
            "-o",
            "define",
            "-t",
            ty,
            "-a",
            "server=master",
            "-a",
            &loc,
            name,
        ];
        ok(h.run("nim", &args), "nim define");
    }
}

fn calls(c: &Cluster, host: &str) -> Vec<String> {
    ok(c.nimsim(host, &["calls", "--plain"]), "nimsim calls")
        .lines()
        .map(str::to_string)
        .collect()
}

fn sorted_lines(t: &str) -> Vec<String> {
    let mut v: Vec<String> = t.lines().map(str::to_string).collect();
    v.sort();
    v
}

#[test]
fn a_standalone_node_is_initialised_on_both_service_nodes() {
    let Some(c) = Cluster::start_or_skip(ClusterSpec::small()) else {
        return;
    };
    assert!(
        c.has_nimsim(),
        "build nimsim first (cargo build --workspace --bins)"
    );
    let mkdef = [
        "-t",
        "osimage",
        "-o",
        "61std",
        "imagetype=NIM",
        "nimtype=standalone",
        "nimmethod=rte",
        "lpp_source=lpp61",
        "spot=spot61",
    ];
    ok(c.client("mn1", "mkdef", &mkdef), "mkdef osimage");
    let net = [
        "-t",
        "network",
        "-o",
        "net198",
        "net=198.18.0.0",
        "mask=255.255.255.0",
        "gateway=198.18.0.254",
    ];
    ok(c.client("mn1", "mkdef", &net), "mkdef network");
    ok(
        c.client(
            "mn1",
            "chdef",
            &["cn01", "servicenode=sn1,sn2", "mac=aa:bb:cc:dd:ee:01"],
        ),
        "chdef",
    );
    for sn in ["sn1", "sn2"] {
        prepare(&c, sn);
    }
    let before: Vec<usize> = ["sn1", "sn2"].iter().map(|h| calls(&c, h).len()).collect();

    let out = c.client("mn1", "nimnodeset", &["-i", "61std", "cn01"]);
    // Each SN is not nimprime: make_SN_resource checks the image's
    // resources there first (xCAT-server/lib/xcat/plugins/aixinstall.pm:766-774).
    let said = |sn: &str| {
        format!(
            "Checking NIM resources on {sn}.\n\n\
             Using existing resource called 'lpp61'.\n\n\
             Using existing resource called 'spot61'.\n\n\
             {sn}: Creating NIM client definition 'cn01.'\n\n{sn}: AIX/NIM nodes were initialized.\n\n"
        )
    };
    assert_eq!(
        sorted_lines(&text(&out.stdout)),
        sorted_lines(&(said("sn1") + &said("sn2")))
    );
    assert_eq!(
        (text(&out.stderr), out.status.code()),
        (String::new(), Some(0))
    );
    for (i, sn) in ["sn1", "sn2"].into_iter().enumerate() {
        assert_eq!(
            calls(&c, sn)[before[i]..],
            [
                "0\tlsnim -c machines",
                // is_me(nimprime): this SN's addresses.
                "0\tifconfig -a",
                // What this SN lacks (none: nothing is read on nimprime).
                "0\tlsnim -c resources",
                // make_SN_resource: NIM configured, the node's network
                // (the SN's master_net), the resources, three syncs, the
                // SPOT checked.
                "0\tlsnim -l",
                "0\tlsnim -c networks",
                "0\tlsnim -Z -a net_addr -a snm master_net",
                "0\tlsnim -P -c resources",
                "0\tlsnim -c resources",
                "0\tsync",
                "0\tsync",
                "0\tsync",
                "0\tnim -Fo check spot61",
                // chk_resolv_conf: the resources, this SN's addresses.
                "0\tlsnim -c resources",
                "0\tifconfig -a",
                "0\tlsnim -P -c resources",
                "0\tnim -Fo define -t standalone -a if1=find_net cn01 aabbccddee01 ent -a cable_type1=N/A -a netboot_kernel=mp -a net_definition=ent 255.255.255.0 198.18.0.254 -a net_settings1=100 full cn01",
                "0\tlsnim -a Cstate -Z cn01",
                "0\tnim -Fo bos_inst -a accept_licenses=yes -a boot_client=no -a lpp_source=lpp61 -a source=rte -a spot=spot61 cn01",
            ],
            "{sn}"
        );
    }
    let l = ok(
        c.client("mn1", "lsdef", &["cn01", "-i", "os,profile,provmethod"]),
        "lsdef",
    );
    for want in ["os=AIX", "profile=61std", "provmethod=61std"] {
        assert!(l.contains(want), "{l}");
    }
    let left = c.teardown();
    assert!(left.is_empty(), "{left:?}");
}
