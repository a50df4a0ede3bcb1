//! The seeds' AIX diskless walk-through (issue 13) in the cluster in a box:
//! mn1 (MN and nimprime), sn1 and sn2 (a service-node pair, each with its
//! own NIM: the simulator at the stock paths), cn01-cn20 (cn01-cn04 real
//! hosts, the rest database-only) with `servicenode=sn1,sn2 xcatmaster=sn1`
//! for cn01-cn10 and `sn2,sn1` / `sn2` for cn11-cn20 (the cluster names
//! its SNs `sn1`, `sn2`: one interface each, no `sn1-hfi0`).  Seed data:
//! `xcat_tests::cluster::nim_seed`.
//!
//! * `seed_walkthrough`: `mkdsklsnode -S -i 71dskls sn1nodes`, then the
//!   sn2 half; mixing the two xcatmasters in one `-S` run is refused;
//!   resources, 20 machines defined and initialised and `/install` exported
//!   with the replica pair on both SNs; `xcat2nim` for the nodes and a group
//!   on both; sn1 killed → `snmove -s sn1` → sn2 needed no new NIM
//!   definition; `rmdsklsnode -f` removes the machines from both SNs.
//! * `seed_walkthrough_without_mkdsklsnode`: the same loop with the
//!   machines defined through the simulator (what mkdsklsnode leaves), so
//!   xcat2nim, snmove and rmdsklsnode are checked on their own; then a
//!   running node is refused by rmdsklsnode without `-f` on its SN only.
//! * Failure paths of mkdsklsnode: a resource missing on nimprime, an SN
//!   down, dkls_init failing twice, a malformed MAC.
//!
//! Needs root (skips otherwise; fails under CI=true).

use std::process::Output;
use xcat_tests::cluster::check::text;
use xcat_tests::cluster::nim_seed::{self, calls, nim_objects, ok, SeedNode};
use xcat_tests::cluster::{Cluster, ClusterSpec};

fn said(out: &Output) -> (String, String, Option<i32>) {
    (text(&out.stdout), text(&out.stderr), out.status.code())
}

fn sorted_lines(t: &str) -> Vec<String> {
    let mut v: Vec<String> = t.lines().map(str::to_string).collect();
    v.sort();
    v
}

/// mn1, sn1, sn2, cn01-cn04 with the seed's data; None when the machine
/// cannot run a cluster (skip, or a failure under CI=true).
fn seeded() -> Option<(Cluster, Vec<SeedNode>)> {
    let c = Cluster::start_or_skip(ClusterSpec::sized(2, 4))?;
    assert!(
        c.has_nimsim(),
        "build nimsim first (cargo build --workspace --bins)"
    );
    let nodes = nim_seed::twenty();
    nim_seed::seed(&c, &nodes, &["sn1", "sn2"]);
    Some((c, nodes))
}

fn call_counts(c: &Cluster, hosts: &[&str]) -> Vec<usize> {
    hosts.iter().map(|h| calls(c, h).len()).collect()
}

fn node_names(nodes: &[SeedNode]) -> Vec<String> {
    nodes.iter().map(|n| n.name.clone()).collect()
}

/// What mkdsklsnode leaves on a service node, made through the simulator:
/// the image's resources and every node's diskless machine, initialised.
fn define_as_mkdsklsnode_would(c: &Cluster, sn: &str, nodes: &[SeedNode]) {
    let h = c.host(sn);
    let nim = |args: &[&str]| ok(h.run("nim", args), &format!("nim {args:?} on {sn}"));
    let res = |ty: &str, name: &str, loc: &str, extra: &[&str]| {
        let location = format!("location={loc}");
        let mut args = vec!["-o", "define", "-t", ty, "-a", "server=master"];
        args.extend(["-a", "nfs_vers=4", "-a", &location]);
        for e in extra {
            args.extend(["-a", e]);
        }
        args.push(name);
        nim(&args);
    };
    res("spot", nim_seed::SPOT, "/install/nim/spot", &[]);
    let spot = format!("spot={}", nim_seed::SPOT);
    let sr = format!("/install/nim/shared_root/{}", nim_seed::SHARED_ROOT);
    res("shared_root", nim_seed::SHARED_ROOT, &sr, &[&spot]);
    let pg = format!("/install/nim/paging/{}", nim_seed::PAGING);
    res("paging", nim_seed::PAGING, &pg, &[]);
    for n in nodes {
        let if1 = format!("if1=find_net {} {} ent", n.name, n.nim_mac());
        nim(&[
            "-o",
            "define",
            "-t",
            "diskless",
            "-a",
            &if1,
            "-a",
            "cable_type1=N/A",
            "-a",
            "netboot_kernel=mp",
            &n.name,
        ]);
        let (spot, sr, pg) = (
            format!("spot={}", nim_seed::SPOT),
            format!("shared_root={}", nim_seed::SHARED_ROOT),
            format!("paging={}", nim_seed::PAGING),
        );
        nim(&[
            "-o",
            "dkls_init",
            "-a",
            &spot,
            "-a",
            &sr,
            "-a",
            "size=64",
            "-a",
            &pg,
            &n.name,
        ]);
    }
}

/// Both SNs hold the 20 machines, each with the image's resources allocated.
fn assert_machines_initialised(c: &Cluster, nodes: &[SeedNode]) {
    for sn in ["sn1", "sn2"] {
        assert_eq!(nim_objects(c, sn, "machines"), {
            let mut v = node_names(nodes);
            v.push("master".into());
            v.sort();
            v
        });
        for n in nodes {
            let l = ok(c.host(sn).run("lsnim", &["-l", &n.name]), "lsnim -l");
            for want in [
                format!("spot           = {}", nim_seed::SPOT),
                format!("shared_root    = {}", nim_seed::SHARED_ROOT),
                format!("paging         = {}", nim_seed::PAGING),
            ] {
                assert!(l.contains(&want), "{sn} {}: {l}", n.name);
            }
        }
    }
}

/// `xcat2nim` for the nodes: both SNs already hold every machine (each
/// says so per node, exit 1); then the group `aixnodes` is defined on both
/// with every node as a member.
fn xcat2nim_nodes_and_group(c: &Cluster, nodes: &[SeedNode]) {
    let before = call_counts(c, &["sn1", "sn2"]);
    let out = c.client("mn1", "xcat2nim", &[nim_seed::GROUP]);
    let exists = |sn: &str, n: &str| {
        format!("{sn}:  The NIM client machine '{n}' already exists.  Use the '-f' option to remove and recreate or the '-u' option to update an existing definition.\n\n")
    };
    let mut want = String::new();
    for sn in ["sn1", "sn2"] {
        for n in nodes {
            want += &exists(sn, &n.name);
        }
    }
    assert_eq!(sorted_lines(&text(&out.stdout)), sorted_lines(&want));
    let failed = |sn: &str| {
        format!("Error: [{sn}]: {sn}:  One or more errors occured.\n\nError: [{sn}]: Return=1.\n")
    };
    assert_eq!(
        sorted_lines(&text(&out.stderr)),
        sorted_lines(&(failed("sn1") + &failed("sn2")))
    );
    assert_eq!(out.status.code(), Some(1));
    // One machine list per SN, nothing defined.
    for (i, sn) in ["sn1", "sn2"].into_iter().enumerate() {
        assert_eq!(calls(c, sn)[before[i]..], ["0\tlsnim -c machines"], "{sn}");
    }

    let before = call_counts(c, &["sn1", "sn2"]);
    let out = c.client("mn1", "xcat2nim", &["-t", "group", "-o", nim_seed::GROUP]);
    assert_eq!(said(&out), (String::new(), String::new(), Some(0)));
    for (i, sn) in ["sn1", "sn2"].into_iter().enumerate() {
        let mut want = vec![
            "0\tlsnim -c groups".to_string(),
            "0\tlsnim -c machines".to_string(),
        ];
        for (k, n) in nodes.iter().enumerate() {
            let op = if k == 0 {
                "define -t mac_group"
            } else {
                "change"
            };
            want.push(format!(
                "0\tnim -o {op} -a add_member={} {}",
                n.name,
                nim_seed::GROUP
            ));
        }
        assert_eq!(calls(c, sn)[before[i]..], want, "{sn}");
        let members = nim_seed::nim_attr(c, sn, nim_seed::GROUP, "member1");
        assert_eq!(members.as_deref(), Some(nodes[0].name.as_str()), "{sn}");
    }
}

/// `nodels` of servicenode and xcatmaster per node, as `node: sn|xm` lines.
fn placement(c: &Cluster, range: &str) -> Vec<String> {
    let out = ok(
        c.client(
            "mn1",
            "nodels",
            &[range, "noderes.servicenode", "noderes.xcatmaster"],
        ),
        "nodels",
    );
    out.lines().map(str::to_string).collect()
}

/// sn1 killed: `snmove -s sn1 -i` moves cn01-cn10 to sn2 in the database;
/// sn2 already holds their NIM machines, so nothing is defined there.
fn snmove_from_killed_sn1(c: &Cluster, nodes: &[SeedNode]) {
    let sn2_machines = nim_objects(c, "sn2", "machines");
    let sn2_before = calls(c, "sn2");
    let down = c.kill_daemon("sn1");
    let out = c.client("mn1", "snmove", &["-s", "sn1", "-i"]);
    assert_eq!(
        said(&out),
        (
            "Moving nodes to their backup service nodes.\n\nSetting new values in the xCAT database.\n\n"
                .to_string(),
            String::new(),
            Some(0)
        )
    );
    // Every node now has sn2 first and as its xcatmaster (the moved ones
    // get sn2's name: the hosts table / resolver answer, README snmove).
    let mut want = Vec::new();
    for n in nodes {
        want.push(format!("{}: noderes.servicenode: sn2,sn1", n.name));
        want.push(format!("{}: noderes.xcatmaster: sn2", n.name));
    }
    assert_eq!(placement(c, nim_seed::GROUP), want);
    // No new NIM definition (no NIM call at all) on sn2: it holds everything.
    assert_eq!(calls(c, "sn2"), sn2_before);
    assert_eq!(nim_objects(c, "sn2", "machines"), sn2_machines);
    down.undo().expect("sn1's daemon back");
}

/// `rmdsklsnode -f` removes every machine from both SNs (none is running:
/// no shutdown), exact calls per SN, the xCAT definitions untouched.
fn rmdsklsnode_from_both(c: &Cluster, nodes: &[SeedNode]) {
    let before = call_counts(c, &["sn1", "sn2"]);
    let out = c.client("mn1", "rmdsklsnode", &["-f", nim_seed::GROUP]);
    let done = "NIM machine definitions were successfully removed.\n";
    assert_eq!(
        said(&out),
        (format!("{done}{done}"), String::new(), Some(0))
    );
    for (i, sn) in ["sn1", "sn2"].into_iter().enumerate() {
        let mut want = Vec::new();
        for n in nodes {
            let m = &n.name;
            want.extend([
                format!("0\tlsnim -l {m}"),
                format!("0\tlsnim -a Mstate -Z {m}"),
                format!("0\tnim -Fo reset {m}"),
                format!("0\tnim -Fo deallocate -a subclass=all {m}"),
                format!("0\tnim -Fo remove {m}"),
            ]);
        }
        assert_eq!(calls(c, sn)[before[i]..], want, "{sn}");
        assert_eq!(nim_objects(c, sn, "machines"), ["master"], "{sn}");
        assert_eq!(c.host(sn).read("/etc/bootptab"), "# bootptab\n", "{sn}");
    }
    let l = ok(
        c.client("mn1", "lsdef", &[&nodes[0].name, "-i", "servicenode"]),
        "lsdef",
    );
    assert!(l.contains("servicenode=sn2,sn1"), "{l}");
}

/// A running node without `-f`: defined again on both SNs, running on sn2
/// (NIM Mstate): sn1 removes it, sn2 refuses with stock's text, exit 1.
fn running_node_refused_without_force(c: &Cluster, node: &SeedNode) {
    for sn in ["sn1", "sn2"] {
        let if1 = format!("if1=find_net {} {} ent", node.name, node.nim_mac());
        let args = ["-o", "define", "-t", "diskless", "-a", &if1, &node.name];
        ok(c.host(sn).run("nim", &args), "nim define");
    }
    let running = ["set", &node.name, "Mstate", "currently running"];
    ok(c.nimsim("sn2", &running), "nimsim set");
    let before = call_counts(c, &["sn1", "sn2"]);
    let out = c.client("mn1", "rmdsklsnode", &[&node.name]);
    let m = &node.name;
    assert_eq!(
        said(&out),
        (
            "NIM machine definitions were successfully removed.\n".to_string(),
            format!(
                "Error: [sn2]: The node '{m}' is currently running. Use the -f flag to force the removal of the NIM client definition.\n\
                 Error: [sn2]: The following NIM client machine definitions could NOT be removed.\n\n\
                 Error: [sn2]: {m}\nError: [sn2]: Return=1.\n"
            ),
            Some(1)
        )
    );
    assert_eq!(
        calls(c, "sn1")[before[0]..],
        [
            format!("0\tlsnim -l {m}"),
            format!("0\tlsnim -a Mstate -Z {m}"),
            format!("0\tnim -Fo reset {m}"),
            format!("0\tnim -Fo deallocate -a subclass=all {m}"),
            format!("0\tnim -Fo remove {m}"),
        ]
    );
    assert_eq!(
        calls(c, "sn2")[before[1]..],
        [
            format!("0\tlsnim -l {m}"),
            format!("0\tlsnim -a Mstate -Z {m}")
        ]
    );
    assert_eq!(nim_objects(c, "sn2", "machines"), [m.as_str(), "master"]);
}

#[test]
fn seed_walkthrough_without_mkdsklsnode() {
    let Some((c, nodes)) = seeded() else {
        return;
    };
    for sn in ["sn1", "sn2"] {
        define_as_mkdsklsnode_would(&c, sn, &nodes);
    }
    let image = format!("provmethod={}", nim_seed::IMAGE);
    ok(
        c.client("mn1", "chdef", &[nim_seed::GROUP, "os=AIX", &image]),
        "chdef os",
    );
    assert_machines_initialised(&c, &nodes);
    xcat2nim_nodes_and_group(&c, &nodes);
    snmove_from_killed_sn1(&c, &nodes);
    rmdsklsnode_from_both(&c, &nodes);
    running_node_refused_without_force(&c, &nodes[11]);
    let left = c.teardown();
    assert!(left.is_empty(), "{left:?}");
}

/// The lines of `out` that `sn` sent (prefixed `<sn>: `), in order.
fn own_lines(out: &str, sn: &str) -> Vec<String> {
    out.lines()
        .filter(|l| l.starts_with(&format!("{sn}: ")))
        .map(str::to_string)
        .collect()
}

/// The calls naming one of `nodes` last (a node's own NIM operations).
fn node_calls(calls: &[String], node: &str) -> Vec<String> {
    calls
        .iter()
        .filter(|c| c.rsplit(' ').next() == Some(node))
        .cloned()
        .collect()
}

/// A node's define and init on a service node, as stock builds them
/// (aixinstall.pm:11289-11992): one MAC, speed 100 / duplex full, the
/// seed network's mask and gateway; the resolv_conf made from the site's
/// `nameservers` and `domain` (`site_resolv_conf`, aixinstall.pm:4716-5219);
/// the dump image adds its dump.
fn define_and_init(n: &SeedNode, image: &str) -> Vec<String> {
    let dump = if image == nim_seed::DUMP_IMAGE {
        format!(" -a dump={} -a configdump=selective", nim_seed::DUMP)
    } else {
        String::new()
    };
    vec![
        format!(
            "0\tnim -Fo define -t diskless -a if1=find_net {m} {mac} ent -a cable_type1=N/A -a netboot_kernel=mp -a net_definition=ent 255.255.255.0 198.18.0.254 -a net_settings1=100 full {m}",
            m = n.name,
            mac = n.nim_mac()
        ),
        format!(
            "0\tnim -Fo dkls_init -a spot={} -a shared_root={} -a size=64 -a paging={} -a resolv_conf=site_resolv_conf{dump} {}",
            nim_seed::SPOT,
            nim_seed::SHARED_ROOT,
            nim_seed::PAGING,
            n.name
        ),
    ]
}

/// nimprime's NIM calls in the preprocess: resource types and names, each
/// of the image's resources' location and attributes (the SPOT first, then
/// by attribute name), updatespot's SPOT location.
fn nimprime_calls(image: &str) -> Vec<String> {
    let mut res = vec![nim_seed::SPOT];
    if image == nim_seed::DUMP_IMAGE {
        res.push(nim_seed::DUMP);
    }
    res.extend([nim_seed::PAGING, nim_seed::SHARED_ROOT]);
    let mut v = vec!["lsnim -P -c resources".to_string(), "lsnim".to_string()];
    for r in res {
        v.push(format!("lsnim -a location -Z {r}"));
        v.push(format!("lsnim -l {r}"));
    }
    v.push(format!("lsnim -l {}", nim_seed::SPOT));
    v.into_iter().map(|c| format!("0\t{c}")).collect()
}

/// What `mkdsklsnode -S -i <image> <sn>nodes` prints: nimprime's SPOT
/// update, then per SN its start, the resource check (`first`: the SPOT
/// and resolv_conf made there; later: the image's resources found), each
/// node's define and init, the result.  Each message ends in a newline.
fn half_stdout(half: &[SeedNode], image: &str, first: bool) -> String {
    let mut lines = vec![format!("Updating the spot named '{image}'.")];
    for s in ["sn1", "sn2"] {
        lines.push(format!("Checking NIM resources on {s}."));
        if first {
            lines.push(format!(
                "Creating a SPOT resource on {s}.  This could take a while."
            ));
            lines.push("Created a new resolv_conf resource called 'site_resolv_conf'.".into());
        } else {
            for r in [nim_seed::SPOT, nim_seed::PAGING, nim_seed::SHARED_ROOT] {
                lines.push(format!("Using existing resource called '{r}'."));
            }
        }
        lines.extend(half_own_lines(half, s));
    }
    lines.iter().map(|l| format!("{l}\n\n")).collect()
}

/// The lines an SN's part prints with its name first, in order.
fn half_own_lines(half: &[SeedNode], s: &str) -> Vec<String> {
    let mut want = vec![format!(
        "{s}: Initializing AIX diskless nodes.  This could take a while."
    )];
    for n in half {
        want.push(format!("{s}: Creating NIM client definition '{}.'", n.name));
        want.push(format!("{s}: Initializing NIM machine '{}'. ", n.name));
    }
    want.push(format!("{s}: AIX/NIM diskless nodes were initialized."));
    want
}

/// An SN's NIM calls during a `-S` half other than the nodes' own and the
/// `ifconfig -a` lookups (four: asked by itself and by the other SN over
/// ssh, at times that vary): nimprime's resource list and space check
/// over ssh, make_SN_resource (the first time NFSv4 domain, SPOT, paging
/// and shared_root, then only the dump), dolitesetup's SPOT location,
/// chk_resolv_conf, the client files' shared_root location, inetd, and
/// the HA NFS export (the first time; then already in place).
fn half_setup_calls(first: bool, local: &str, remote: &str) -> Vec<String> {
    let (spot, pg, sr, dump) = (
        nim_seed::SPOT,
        nim_seed::PAGING,
        nim_seed::SHARED_ROOT,
        nim_seed::DUMP,
    );
    let mut v: Vec<String> = vec!["lsnim -c resources".into()];
    if first {
        v.push(format!("df -m /install/nim/spot/{spot}"));
    }
    v.extend([
        "lsnim -c machines".into(),
        "lsnim -l".into(),
        "chnfsdom".into(),
    ]);
    if first {
        v.extend(["chnfsdom xcl.test", "stopsrc -g nfs", "startsrc -g nfs"].map(String::from));
    }
    v.push("lsnim -FZ -a nfs_domain master".into());
    if first {
        v.push("nim -Fo change -a nfs_domain=xcl.test master".into());
    }
    v.extend(
        [
            "lsnim -c networks",
            "lsnim -Z -a net_addr -a snm master_net",
            "lsnim -P -c resources",
            "lsnim -c resources",
            "sync",
            "sync",
            "sync",
        ]
        .map(String::from),
    );
    if first {
        v.extend([
            format!("nim -Fo define -t spot -a server=master -a location=/install/nim/spot -a nfs_vers=4 {spot}"),
            format!("nim -Fo define -t paging -a server=master -a nfs_vers=4 -a location=/install/nim/paging/{pg} {pg}"),
            format!("nim -Fo define -t shared_root -a server=master -a nfs_vers=4 -a spot={spot} -a location=/install/nim/shared_root/{sr} {sr}"),
        ]);
    } else {
        v.push(format!("nim -Fo define -t dump -a server=master -a nfs_vers=4 -a location=/install/nim/dump/{dump} {dump}"));
    }
    v.extend([
        format!("nim -Fo check {spot}"),
        format!("lsnim -a location -Z {spot}"),
        "lsnim -c resources".into(),
    ]);
    v.push(if first {
        "nim -Fo define -t resolv_conf -a server=master -a nfs_vers=4 -a location=/install/nim/resolv_conf/site_resolv_conf/resolv.conf site_resolv_conf".into()
    } else {
        "lsnim -Z -a nfs_vers site_resolv_conf".into()
    });
    v.extend([
        format!("lsnim -a location -Z {sr}"),
        "lssrc -s inetd".into(),
        "lsnfsexp -c".into(),
    ]);
    if first {
        v.extend(
            [
                "exportfs -ua",
                "chnfs -R on",
                "stopsrc -g nfs",
                "startsrc -g nfs",
                "exportfs -a",
            ]
            .map(String::from),
        );
        v.push(format!(
            "mknfsexp -d /install -B -v 4 -g /install@{local}:/install@{remote} -x -t rw -r *"
        ));
    }
    v.into_iter().map(|c| format!("0\t{c}")).collect()
}

/// `mkdsklsnode -S -i <image> <sn>nodes`: both SNs define and initialise
/// the half (every message; exact NIM calls per SN: each node's own, the
/// rest in order), and `/install` is exported with the replica pair.
fn mkdsklsnode_half(c: &Cluster, nodes: &[SeedNode], sn: &str, image: &str, first: bool) {
    let half: Vec<SeedNode> = nodes.iter().filter(|n| n.primary == sn).cloned().collect();
    let before = call_counts(c, &["mn1", "sn1", "sn2"]);
    let group = format!("{sn}nodes");
    let out = c.client("mn1", "mkdsklsnode", &["-S", "-i", image, &group]);
    let stdout = text(&out.stdout);
    assert_eq!(
        (text(&out.stderr), out.status.code()),
        (String::new(), Some(0)),
        "{stdout}"
    );
    assert_eq!(
        sorted_lines(&stdout),
        sorted_lines(&half_stdout(&half, image, first))
    );
    for s in ["sn1", "sn2"] {
        assert_eq!(own_lines(&stdout, s), half_own_lines(&half, s), "{s}");
    }
    assert_eq!(calls(c, "mn1")[before[0]..], nimprime_calls(image));
    for (i, (s, local, remote)) in [
        ("sn1", "198.18.0.11", "198.18.0.12"),
        ("sn2", "198.18.0.12", "198.18.0.11"),
    ]
    .into_iter()
    .enumerate()
    {
        let log = calls(c, s)[before[i + 1]..].to_vec();
        for n in &half {
            assert_eq!(node_calls(&log, &n.name), define_and_init(n, image), "{s}");
        }
        let names = node_names(nodes);
        let setup: Vec<&String> = log
            .iter()
            .filter(|l| !names.iter().any(|n| l.rsplit(' ').next() == Some(n)))
            .collect();
        let ifconfig = setup
            .iter()
            .filter(|l| l.as_str() == "0\tifconfig -a")
            .count();
        assert_eq!(ifconfig, 4, "{s}: {setup:?}");
        let rest: Vec<&String> = setup
            .into_iter()
            .filter(|l| l.as_str() != "0\tifconfig -a")
            .collect();
        assert_eq!(
            rest,
            half_setup_calls(first, local, remote)
                .iter()
                .collect::<Vec<_>>(),
            "{s}"
        );
    }
}

/// `/install` exported on both SNs, each with itself then the other as replica.
fn assert_install_exported(c: &Cluster) {
    for (sn, local, remote) in [
        ("sn1", "198.18.0.11", "198.18.0.12"),
        ("sn2", "198.18.0.12", "198.18.0.11"),
    ] {
        let out = ok(c.host(sn).run("lsnfsexp", &["-c"]), "lsnfsexp -c");
        let install: Vec<&str> = out.lines().filter(|l| l.starts_with("/install:")).collect();
        assert_eq!(
            install,
            [format!(
                "/install:-2:no:4:::/install@{local},/install@{remote}:rw:::*::sys:"
            )],
            "{sn}: {out}"
        );
    }
}

/// The image resources on both SNs (the dump too: the sn2 half used the
/// dump image, and its nodes have sn1 as backup).
fn assert_resources(c: &Cluster) {
    for sn in ["sn1", "sn2"] {
        let have = nim_objects(c, sn, "resources");
        for r in [
            nim_seed::SPOT,
            nim_seed::SHARED_ROOT,
            nim_seed::PAGING,
            nim_seed::DUMP,
        ] {
            assert!(have.iter().any(|h| h == r), "{sn}: {r} in {have:?}");
        }
    }
}

/// Both halves' xcatmasters in one `-S` run: each SN initialises the nodes
/// (they are already defined: `-f`), then refuses the export with stock's
/// text (an error with exit 1; the nodes still count as initialised).
fn mixed_xcatmasters_refused(c: &Cluster) {
    let out = c.client(
        "mn1",
        "mkdsklsnode",
        &["-f", "-S", "-i", nim_seed::IMAGE, "cn10,cn11"],
    );
    let err = |sn: &str| {
        format!("Error: [{sn}]: There are more than one xcatmaster for the nodes, the xcatmasters are sn1,sn2.\n\n")
    };
    assert_eq!(
        sorted_lines(&text(&out.stderr)),
        sorted_lines(&(err("sn1") + &err("sn2")))
    );
    for sn in ["sn1", "sn2"] {
        assert!(
            own_lines(&text(&out.stdout), sn)
                .contains(&format!("{sn}: AIX/NIM diskless nodes were initialized.")),
            "{}",
            text(&out.stdout)
        );
    }
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn seed_walkthrough() {
    let Some((c, nodes)) = seeded() else {
        return;
    };
    mkdsklsnode_half(&c, &nodes, "sn1", nim_seed::IMAGE, true);
    mkdsklsnode_half(&c, &nodes, "sn2", nim_seed::DUMP_IMAGE, false);
    assert_resources(&c);
    assert_machines_initialised(&c, &nodes);
    assert_install_exported(&c);
    mixed_xcatmasters_refused(&c);
    xcat2nim_nodes_and_group(&c, &nodes);
    snmove_from_killed_sn1(&c, &nodes);
    rmdsklsnode_from_both(&c, &nodes);
    let left = c.teardown();
    assert!(left.is_empty(), "{left:?}");
}

/// A resource of the image missing on nimprime: refused on the MN, nothing
/// reaches a service node.
#[test]
fn a_resource_missing_on_nimprime_is_refused_on_the_mn() {
    let Some((c, _nodes)) = seeded() else {
        return;
    };
    ok(
        c.host("mn1")
            .run("nim", &["-o", "remove", nim_seed::PAGING]),
        "nim remove",
    );
    let before = call_counts(&c, &["sn1", "sn2"]);
    let out = c.client("mn1", "mkdsklsnode", &["-i", nim_seed::IMAGE, "cn01"]);
    assert_eq!(
        said(&out),
        (
            String::new(),
            format!(
                "Error: [mn1]: NIM resource {} is not defined on mn1.\n\nError: [mn1]: Return=1.\n",
                nim_seed::PAGING
            ),
            Some(1)
        )
    );
    assert_eq!(call_counts(&c, &["sn1", "sn2"]), before);
    let left = c.teardown();
    assert!(left.is_empty(), "{left:?}");
}

/// sn2's daemon down: sn1's part completes, the error names sn2, exit 1.
#[test]
fn an_sn_down_fails_only_its_part() {
    let Some((c, nodes)) = seeded() else {
        return;
    };
    let before = call_counts(&c, &["sn1", "sn2"]);
    let down = c.kill_daemon("sn2");
    let out = c.client("mn1", "mkdsklsnode", &["-i", nim_seed::IMAGE, "cn01,cn02"]);
    drop(down);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(
        own_lines(&stdout, "sn1").last().map(String::as_str),
        Some("sn1: AIX/NIM diskless nodes were initialized."),
        "{stdout}"
    );
    assert!(own_lines(&stdout, "sn2").is_empty(), "{stdout}");
    assert!(
        stderr.starts_with(
            "Error: [mn1]: Unable to dispatch hierarchical sub-command to sn2:3001.  Error: "
        ),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert_eq!(out.status.code(), Some(1));
    let sn1 = calls(&c, "sn1")[before[0]..].to_vec();
    for n in &nodes[..2] {
        assert_eq!(
            node_calls(&sn1, &n.name),
            define_and_init(n, nim_seed::IMAGE)
        );
    }
    assert_eq!(nim_objects(&c, "sn2", "machines"), ["master"]);
    let left = c.teardown();
    assert!(left.is_empty(), "{left:?}");
}

/// dkls_init failing twice on sn1 (the simulator's fault switch): an error
/// for that node on sn1 after one retry; sn2 initialises it.
#[test]
fn dkls_init_failing_twice_fails_the_node_on_that_sn() {
    let Some((c, nodes)) = seeded() else {
        return;
    };
    ok(
        c.nimsim("sn1", &["fault", "nim:dkls_init:cn01", "fail", "2"]),
        "nimsim fault",
    );
    let before = call_counts(&c, &["sn1", "sn2"]);
    let out = c.client("mn1", "mkdsklsnode", &["-i", nim_seed::IMAGE, "cn01"]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(
        stderr.starts_with("Error: [sn1]: sn1: Could not initialize NIM client named 'cn01'.\n"),
        "{stderr}"
    );
    assert!(stderr.ends_with("Error: [sn1]: Return=1.\n"), "{stderr}");
    assert!(!stderr.contains("[sn2]"), "{stderr}");
    assert_eq!(
        own_lines(&stdout, "sn1").last().map(String::as_str),
        Some("sn1: One or more errors occurred when attempting to initialize AIX NIM diskless nodes."),
        "{stdout}"
    );
    assert_eq!(
        own_lines(&stdout, "sn2").last().map(String::as_str),
        Some("sn2: AIX/NIM diskless nodes were initialized."),
        "{stdout}"
    );
    assert_eq!(out.status.code(), Some(1));
    let want = define_and_init(&nodes[0], nim_seed::IMAGE);
    let failed = want[1].replacen('0', "1", 1);
    let sn1 = calls(&c, "sn1")[before[0]..].to_vec();
    assert_eq!(
        node_calls(&sn1, "cn01"),
        [want[0].clone(), failed.clone(), failed]
    );
    let sn2 = calls(&c, "sn2")[before[1]..].to_vec();
    assert_eq!(node_calls(&sn2, "cn01"), want);
    let left = c.teardown();
    assert!(left.is_empty(), "{left:?}");
}

/// A malformed MAC: refused on each SN with the node and attribute named,
/// before any NIM command for that node; the other node is initialised.
#[test]
fn a_malformed_mac_is_refused_before_nim_sees_it() {
    let Some((c, nodes)) = seeded() else {
        return;
    };
    ok(
        c.client("mn1", "chdef", &["cn02", "mac=aa:bb:cc:zz:ee:02"]),
        "chdef mac",
    );
    let before = call_counts(&c, &["sn1", "sn2"]);
    let out = c.client("mn1", "mkdsklsnode", &["-i", nim_seed::IMAGE, "cn01,cn02"]);
    let refused = |sn: &str| {
        format!("Error: [{sn}]: {sn}: Invalid value 'aa:bb:cc:zz:ee:02' of attribute 'mac' for 'cn02': not a MAC address.\n\nError: [{sn}]: Return=1.\n")
    };
    assert_eq!(
        sorted_lines(&text(&out.stderr)),
        sorted_lines(&(refused("sn1") + &refused("sn2")))
    );
    assert_eq!(out.status.code(), Some(1));
    for (i, sn) in ["sn1", "sn2"].into_iter().enumerate() {
        let log = calls(&c, sn)[before[i]..].to_vec();
        assert_eq!(node_calls(&log, "cn02"), Vec::<String>::new(), "{sn}");
        assert_eq!(
            node_calls(&log, "cn01"),
            define_and_init(&nodes[0], nim_seed::IMAGE),
            "{sn}"
        );
    }
    let left = c.teardown();
    assert!(left.is_empty(), "{left:?}");
}
