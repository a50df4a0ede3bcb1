//! nimnodeset end to end in the cluster in a box: the stock-named client on
//! mn1 (nimprime: the image's lpp_source and spot in its NIM), the MN
//! daemon's shared `prenimnodeset` (nimprime's resources, `xcataixscript`
//! made there and copied to both SNs over real ssh / rsync after the space
//! check), the split per service node, sn1 and sn2 each defining
//! `xcataixscript` from the definition mn1 passed, the standalone machine
//! in its own NIM (the simulator at the stock paths) and enabling its
//! `bos_inst` with the image's resources, each writing `nodetype` through
//! mn1's database.  Needs root (skips otherwise; fails under CI=true).

use xcat_tests::cluster::check::{ok, text};
use xcat_tests::cluster::{Cluster, ClusterSpec};

/// NIM configured on `host` with the lpp_source and spot of the image.
fn prepare(c: &Cluster, host: &str) {
    let h = c.host(host);
    ok(
        h.run("nim_master_setup", &["-a", "mk_resource=no"]),
        "nim_master_setup",
    );
    for (ty, loc, name) in [
        ("lpp_source", "/install/nim/lpp_source/lpp61", "lpp61"),
        ("spot", "/install/nim/spot", "spot61"),
    ] {
        let loc = format!("location={loc}");
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

/// The osimage, the network, cn01 on sn1 and sn2, mn1 as nimprime (site
/// master), NIM on mn1, sn1 and sn2 with the image's resources, and
/// nimprime's files.
fn define_all(c: &Cluster) {
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
    ok(
        c.client(
            "mn1",
            "chdef",
            &["-t", "site", "-o", "clustersite", "master=mn1"],
        ),
        "chdef site",
    );
    for host in ["mn1", "sn1", "sn2"] {
        prepare(c, host);
    }
    // nimprime's files: the resources' directories, xcataixscript in the
    // postscripts, the credential files checkCredFiles looks for.
    let files = "mkdir -p /install/nim/lpp_source/lpp61 /install/nim/spot/spot61/usr /install/postscripts/_xcat /install/postscripts/ca /install/postscripts/hostkeys /install/postscripts/_ssh /etc/xcat/hostkeys && echo '#!/bin/ksh' > /install/postscripts/xcataixscript && touch /install/postscripts/_xcat/ca.pem /install/postscripts/ca/ca-cert.pem /install/postscripts/hostkeys/ssh_host_rsa_key.pub /install/postscripts/_ssh/authorized_keys /etc/xcat/hostkeys/ssh_host_rsa_key.pub";
    ok(c.host("mn1").run("sh", &["-c", files]), "nimprime files");
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
    define_all(&c);
    let before: Vec<usize> = ["mn1", "sn1", "sn2"]
        .iter()
        .map(|h| calls(&c, h).len())
        .collect();

    let out = c.client("mn1", "nimnodeset", &["-i", "61std", "cn01"]);
    // Each SN is not nimprime: make_SN_resource checks the image's
    // resources there first (xCAT-server/lib/xcat/plugins/aixinstall.pm:766-774)
    // and defines xcataixscript (copied by mn1) silently.
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
    // nimprime (stock prenimnodeset, aixinstall.pm:8449-8889): resource
    // types and names, xcataixscript copied and defined, the old
    // xcataixpost export removed, each resource's location and attributes.
    let mut prime = vec![
        "0\tlsnim -P -c resources".to_string(),
        "0\tlsnim".to_string(),
        "53\tlsnim -l xcataixscript".to_string(),
        "0\tnim -Fo define -t script -a server=master -a location=/install/nim/scripts/xcataixscript xcataixscript".to_string(),
        "1\trmnfsexp -d /install/postscripts/xcataixpost -B".to_string(),
    ];
    for r in ["lpp61", "spot61", "xcataixscript"] {
        prime.push(format!("0\tlsnim -a location -Z {r}"));
        prime.push(format!("0\tlsnim -l {r}"));
    }
    assert_eq!(calls(&c, "mn1")[before[0]..], prime);
    for (i, sn) in ["sn1", "sn2"].into_iter().enumerate() {
        assert_eq!(
            calls(&c, sn)[before[i + 1]..],
            [
                // mn1's doSNcopy2: what this SN defines, then copyres2's
                // space check before xcataixscript is copied.
                "0\tlsnim -c resources",
                "0\tdf -m /install/nim/scripts",
                "0\tlsnim -c machines",
                // is_me(nimprime): this SN's addresses.
                "0\tifconfig -a",
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
                "0\tnim -Fo define -t script -a server=master -a location=/install/nim/scripts/xcataixscript xcataixscript",
                "0\tnim -Fo check spot61",
                // chk_resolv_conf: the resources, this SN's addresses.
                "0\tlsnim -c resources",
                "0\tifconfig -a",
                "0\tlsnim -P -c resources",
                "0\tnim -Fo define -t standalone -a if1=find_net cn01 aabbccddee01 ent -a cable_type1=N/A -a netboot_kernel=mp -a net_definition=ent 255.255.255.0 198.18.0.254 -a net_settings1=100 full cn01",
                "0\tlsnim -a Cstate -Z cn01",
                "0\tnim -Fo bos_inst -a accept_licenses=yes -a boot_client=no -a lpp_source=lpp61 -a source=rte -a spot=spot61 -a script=xcataixscript cn01",
            ],
            "{sn}"
        );
        // The script itself came from mn1.
        let script = c
            .host(sn)
            .run("cat", &["/install/nim/scripts/xcataixscript"]);
        assert_eq!(ok(script, "cat xcataixscript"), "#!/bin/ksh\n", "{sn}");
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
