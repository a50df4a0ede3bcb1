//! mkdsklsnode against the NIM simulator: options / usage / version /
//! `Return=N.` lines, the per-service-node split (primary AND backup by
//! default; nodes without a service node on the management node), the exact
//! NIM command sequences of diskless (shared_root) and dataless nodes, `-f`
//! on existing machines (diskless and standalone), `dkls_init` failing
//! twice, a hung `dkls_init` timing out while the other nodes go on, a
//! malformed MAC refused before any NIM command for that node, a missing
//! paging resource, the 39-character limit, `-n` names, `-u` / `-r`, and
//! the nodetype update of the successful nodes only.

mod nim_support;

use nim_support::*;
use std::time::{Duration, Instant};
use xcat_handlers::api::Handler;
use xcat_handlers::nim::clientfiles::ClientFiles;
use xcat_handlers::nim::cmd::NimConfig;
use xcat_handlers::nim::mkdsklsnode::Mkdsklsnode;
use xcat_proto::Response;

const HOSTS: &str = "198.18.0.11 cn01\n198.18.0.12 cn02\n198.18.0.13 cn03\n198.18.0.14 cn04\n";

fn ins(env: &Env, t: &str, cols: &[(&str, &str)]) {
    let names: Vec<&str> = cols.iter().map(|c| c.0).collect();
    let values: Vec<Option<&str>> = cols.iter().map(|c| Some(c.1)).collect();
    env.db.write(|c| c.insert(t, &names, &values)).unwrap();
}

/// site.master=mn (nimprime); cn01-cn02 servicenode=sn1,sn2, cn03 none;
/// osimage 71dskls (diskless, shared_root) for all; 71dtls (dataless, root).
fn seed(env: &Env) {
    ins(env, "site", &[("key", "master"), ("value", "mn")]);
    cred_files(env);
    for (i, sn) in [(1, "sn1,sn2"), (2, "sn1,sn2"), (3, "")] {
        let n = format!("cn0{i}");
        ins(env, "nodelist", &[("node", &n), ("groups", "compute,all")]);
        if !sn.is_empty() {
            ins(env, "noderes", &[("node", &n), ("servicenode", sn)]);
        }
        let mac = format!("aa:bb:cc:dd:ee:0{i}");
        ins(env, "mac", &[("node", &n), ("mac", &mac)]);
        ins(
            env,
            "hosts",
            &[("node", &n), ("ip", &format!("198.18.0.1{i}"))],
        );
        ins(env, "nodetype", &[("node", &n), ("provmethod", "71dskls")]);
    }
    ins(
        env,
        "networks",
        &[
            ("netname", "net198"),
            ("net", "198.18.0.0"),
            ("mask", "255.255.255.0"),
            ("gateway", "198.18.0.254"),
        ],
    );
    image(
        env,
        "71dskls",
        &[
            ("nimtype", "diskless"),
            ("spot", "71_spot"),
            ("shared_root", "71_sr"),
            ("paging", "71_paging"),
        ],
    );
    image(
        env,
        "71dtls",
        &[
            ("nimtype", "dataless"),
            ("spot", "71_spot"),
            ("root", "71_root"),
        ],
    );
}

/// The credential files `checkCredFiles` looks for, under a scratch
/// `site.installdir` and the server's confdir.
fn cred_files(env: &Env) {
    let conf = env.ctx.server.confdir.clone();
    let inst = conf.join("install");
    let post = inst.join("postscripts");
    let files = [
        post.join("_xcat/ca.pem"),
        post.join("ca/ca-cert.pem"),
        post.join("hostkeys/ssh_host_rsa_key.pub"),
        post.join("_ssh/authorized_keys"),
        post.join("xcataixpost"),
        conf.join("hostkeys/ssh_host_rsa_key.pub"),
    ];
    for f in files {
        std::fs::create_dir_all(f.parent().unwrap()).unwrap();
        std::fs::write(f, "x").unwrap();
    }
    let dir = inst.display().to_string();
    ins(env, "site", &[("key", "installdir"), ("value", &dir)]);
}

fn image(env: &Env, name: &str, attrs: &[(&str, &str)]) {
    ins(
        env,
        "osimage",
        &[("imagename", name), ("imagetype", "NIM"), ("osname", "AIX")],
    );
    let mut cols = vec![("imagename", name)];
    cols.extend_from_slice(attrs);
    ins(env, "nimimage", &cols);
}

/// A simulated AIX host with the NIM network and the image resources.
fn sim(name: &str) -> SimHost {
    let h = SimHost::new(name, HOSTS);
    // The SPOT's files (updatespot on nimprime edits rc.dd_boot, adds the
    // ODMscript and xcataixpost) and stand-ins for chgrp / chown.
    let spot_dir = h.root.join("install/nim/spot");
    let boot = spot_dir.join("71_spot/usr/lib/boot/network");
    std::fs::create_dir_all(&boot).unwrap();
    std::fs::write(boot.join("rc.dd_boot"), "# rc.dd_boot\n").unwrap();
    std::fs::create_dir_all(spot_dir.join("71_spot/usr/lpp/bos/inst_root/etc")).unwrap();
    for tool in ["usr/bin/chgrp", "usr/bin/chown"] {
        write_exec(&h.root.join(tool), "#!/bin/sh\nexit 0\n");
    }
    let spot_location = format!("location={}", spot_dir.display());
    client_files(&h.root);
    let nim = |args: &[&str]| {
        h.sh("/usr/sbin/nim", args);
    };
    nim(&[
        "-o",
        "define",
        "-t",
        "ent",
        "-a",
        "net_addr=198.18.0.0",
        "-a",
        "snm=255.255.255.0",
        "-a",
        "routing1=default 198.18.0.254",
        "nimnet",
    ]);
    nim(&[
        "-o",
        "define",
        "-t",
        "spot",
        "-a",
        "server=master",
        "-a",
        &spot_location,
        "71_spot",
    ]);
    nim(&[
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
    nim(&[
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
    nim(&[
        "-o",
        "define",
        "-t",
        "root",
        "-a",
        "server=master",
        "-a",
        "location=/install/nim/root/71_root",
        "71_root",
    ]);
    nim(&[
        "-o",
        "define",
        "-t",
        "dump",
        "-a",
        "server=master",
        "-a",
        "location=/install/nim/dump/71_dump",
        "71_dump",
    ]);
    h.reset_log();
    h
}

/// The service node's files the steps after the nodes edit, under the
/// host's root (`ClientFiles::under`): the shared_root's hosts and each NIM
/// name's filesystems file, the root image's per-machine files, the
/// `<ip>.info` files NIM writes, and /etc/bootptab.
fn client_files(root: &std::path::Path) {
    let put = |rel: String, text: &str| {
        let p = root.join(rel.trim_start_matches('/'));
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    let long = "cn0123456789012345678901234567890123456789";
    let names = ["cn01", "cn02", "cn03", "cn04", "cn06", "cn02_71dskls", long];
    put(
        "/install/nim/shared_root/71_sr/etc/hosts".into(),
        "127.0.0.1 loopback\n",
    );
    for n in names {
        let fs = "/:\n\tdev = /dev/hd4\n";
        put(
            format!("/install/nim/shared_root/71_sr/etc/.client_data/filesystems.{n}"),
            fs,
        );
        put(format!("/install/nim/root/71_root/{n}/etc/filesystems"), fs);
        put(format!("/install/nim/root/71_root/{n}/etc/hosts"), "");
    }
    for ip in [
        "198.18.0.11",
        "198.18.0.12",
        "198.18.0.13",
        "198.18.0.14",
        "198.18.1.14",
        "fd00::6",
    ] {
        put(format!("/tftpboot/{ip}.info"), "export NIM_NAME=x\n");
    }
    put("/etc/bootptab".into(), "");
}

fn env() -> Env {
    let env = sqlite();
    seed(&env);
    env
}

fn mk(h: &SimHost) -> Mkdsklsnode {
    Mkdsklsnode::with_config(NimConfig::default().with_command_root(&h.root))
        .with_client_files(ClientFiles::under(&h.root))
}

/// The whole command as a client sees it: the management node's
/// preprocess on `hosts[0]` (nimprime), every part on its host.
fn run_with(
    env: &Env,
    hosts: &[&SimHost],
    args: &[&str],
    make: &dyn Fn(&SimHost) -> Mkdsklsnode,
) -> Out {
    let mn = hosts[0];
    let parts = make(mn)
        .preprocess(&ctx_on(env, &mn.name), request("mkdsklsnode", None, args))
        .unwrap_or_else(|e| panic!("preprocess: {e}"));
    let mut docs: Vec<Response> = Vec::new();
    for p in parts {
        let dest = p.dest.join(",");
        let host = hosts
            .iter()
            .find(|h| h.name == dest || dest.is_empty() && h.name == mn.name)
            .unwrap_or_else(|| panic!("a part for '{dest}'"));
        make(host)
            .process(&ctx_on(env, &host.name), &p.request, &mut docs)
            .unwrap_or_else(|e| panic!("process on {}: {e}", host.name));
    }
    output(docs)
}

/// The command with `-d` (the resources are on the service nodes already:
/// no copies; the copies are `nim::prime`'s, tested in `nim_prime.rs` and
/// the cluster test).
fn run(env: &Env, hosts: &[&SimHost], args: &[&str]) -> Out {
    let mut with_d = vec!["-d"];
    with_d.extend_from_slice(args);
    run_with(env, hosts, &with_d, &mk)
}

fn define(n: u8, name: &str) -> String {
    format!("0\tnim -Fo define -t diskless -a if1=find_net cn0{n} aabbccddee0{n} ent -a cable_type1=N/A -a netboot_kernel=mp -a net_definition=ent 255.255.255.0 198.18.0.254 -a net_settings1=100 full {name}")
}

fn dkls_init(name: &str) -> String {
    format!("0\tnim -Fo dkls_init -a spot=71_spot -a shared_root=71_sr -a size=64 -a paging=71_paging {name}")
}

/// nimprime's preprocess: resource types and names, then each image
/// resource's location and attributes (lpp_source, spot, … order).
fn prime_calls() -> Vec<String> {
    let mut v = vec![
        "0\tlsnim -P -c resources".to_string(),
        "0\tlsnim".to_string(),
    ];
    for r in ["71_spot", "71_paging", "71_sr"] {
        v.push(format!("0\tlsnim -a location -Z {r}"));
        v.push(format!("0\tlsnim -l {r}"));
    }
    // updatespot: the SPOT's location
    v.push("0\tlsnim -l 71_spot".to_string());
    v
}

/// A service node's checks of the image resources it has already
/// (`make_SN_resource` / `defSNres`): networks, resource types and names,
/// the SPOT checked.
fn sn_resource_checks() -> Vec<String> {
    [
        "0\tlsnim -l",
        "0\tlsnim -c networks",
        "0\tlsnim -Z -a net_addr -a snm master_net",
        "0\tlsnim -Z -a net_addr -a snm nimnet",
        "0\tlsnim -P -c resources",
        "0\tlsnim -c resources",
        "0\tsync",
        "0\tsync",
        "0\tsync",
        "0\tnim -Fo check 71_spot",
    ]
    .map(str::to_string)
    .to_vec()
}

fn usage_text() -> String {
    "\n  mkdsklsnode - Use this xCAT command to define and initialize AIX \n\t\t\tdiskless nodes.\n  Usage: \n\tmkdsklsnode [-h | --help ]\nor\n\tmkdsklsnode [-V|--verbose] [-f|--force] [-d|--defonly] [-n|--newname] \n\t\t[-i image_name] [-u|--updateSN] [-l location] [-p|--primarySN]\n\t\t[-b|--backupSN] [-k|--skipsync]\n\t\t[-r|--resonly] noderange [attr=val [attr=val ...]]\n\n".to_string()
}

#[test]
fn usage_version_and_refusals() {
    let env = env();
    let mn = sim("mn");
    let out = run_with(&env, &[&mn], &[], &mk);
    assert_eq!(
        (out.stdout.clone(), out.stderr.as_str(), out.exit),
        (usage_text(), "", 0)
    );
    let out = run(&env, &[&mn], &["-h"]);
    assert_eq!((out.stdout.clone(), out.exit), (usage_text(), 0));
    let out = run(&env, &[&mn], &["-x", "cn01"]);
    assert_eq!(
        (out.stdout.clone(), out.stderr.as_str(), out.exit),
        (usage_text(), "Error: Return=1.\n", 1)
    );
    let out = run(&env, &[&mn], &["-v"]);
    let version = ctx_on(&env, "mn").server.version_line.clone();
    assert_eq!(out.stdout, format!("mkdsklsnode {version}\n\n"));
    let refusals: [(&[&str], &str); 4] = [
        (&["-i", "nosuch", "cn01"], "Error: The xCAT osimage named 'nosuch' is not defined.\n\n"),
        (&["cn01", "psize="], "Error: Incorrect 'attr=val' pair - psize=\n\n"),
        (&["cn01", "foo=1", "psize=128", "bar=2"], "Error: Bad attributes 'foo, bar'. The valid attributes are 'duplex, speed, psize, sparse_paging, dump_iscsi_port, configdump'.\n\n"),
        (&["cn01", "configdump=full"], "Error: mn: No 'dump' resource is defined for the osimage '71dskls', but the attribute 'configdump' is specified. \n\n"),
    ];
    for (args, err) in refusals {
        let out = run(&env, &[&mn], args);
        assert_eq!(
            (out.stdout.as_str(), out.stderr.clone(), out.exit),
            ("", format!("{err}Error: Return=1.\n"), 1),
            "{args:?}"
        );
    }
    // No SN command ran for any of these (only nimprime's listings).
    assert!(
        mn.calls().iter().all(|c| c.contains("lsnim")),
        "{:?}",
        mn.calls()
    );
}

#[test]
fn diskless_on_primary_and_backup_and_the_mn() {
    let env = env();
    let (mn, sn1, sn2) = (sim("mn"), sim("sn1"), sim("sn2"));
    let out = run(&env, &[&mn, &sn1, &sn2], &["compute"]);
    assert_eq!((out.stderr.as_str(), out.exit), ("", 0), "{}", out.stdout);
    let mut want = vec!["0\tlsnim -c machines".to_string()];
    for n in [1, 2] {
        want.push(define(n, &format!("cn0{n}")));
        want.push(dkls_init(&format!("cn0{n}")));
    }
    want.push("0\tlssrc -s inetd".to_string());
    assert_eq!(sorted_per_node(node_calls(&sn1)), want);
    assert_eq!(sorted_per_node(node_calls(&sn2)), want);
    let mut mn_want = prime_calls();
    mn_want.extend([
        "0\tlsnim -c machines".to_string(),
        "0\tlsnim -a alloc_count -Z 71_sr".to_string(),
        "0\tnim -Fo sync_roots 71_spot".to_string(),
        // dolitesetup (sharedinstall=no, shared_root image): the SPOT
        "0\tlsnim -a location -Z 71_spot".to_string(),
        "0\tlsnim -c resources".to_string(),
        "0\tifconfig -a".to_string(),
        define(3, "cn03"),
        dkls_init("cn03"),
        // hosts.<nimname> into the shared_root, the external NFS check
        "0\tlsnim -a location -Z 71_sr".to_string(),
        "0\tifconfig -a".to_string(),
        "0\tlssrc -s inetd".to_string(),
    ]);
    assert_eq!(mn.calls(), mn_want);
    let mut stdout = "Updating the spot named '71dskls'.\n\n".to_string();
    stdout += "mn: Initializing AIX diskless nodes.  This could take a while.\n\nmn: Synchronizing the NIM '71_sr' resource.\n\n";
    stdout += "mn: Creating NIM client definition 'cn03.'\n\nmn: Initializing NIM machine 'cn03'. \n\nmn: AIX/NIM diskless nodes were initialized.\n\n";
    for sn in ["sn1", "sn2"] {
        stdout += &format!("{sn}: Initializing AIX diskless nodes.  This could take a while.\n\n");
        // make_SN_resource: the resources are there already.
        stdout += &format!("Checking NIM resources on {sn}.\n\n");
        for r in ["71_spot", "71_paging", "71_sr"] {
            stdout += &format!("Using existing resource called '{r}'.\n\n");
        }
        for n in ["cn01", "cn02"] {
            stdout += &format!("{sn}: Creating NIM client definition '{n}.'\n\n{sn}: Initializing NIM machine '{n}'. \n\n");
        }
        stdout += &format!("{sn}: AIX/NIM diskless nodes were initialized.\n\n");
    }
    assert_eq!(out.stdout, stdout);
    let mut machines = sn2.machines();
    machines.sort();
    assert_eq!(machines, ["cn01", "cn02", "master"]);
    let l = sn1.sh("/usr/sbin/lsnim", &["-l", "cn02"]);
    assert!(
        l.contains(
            "spot           = 71_spot\n   shared_root    = 71_sr\n   paging         = 71_paging"
        ),
        "{l}"
    );
    // The client files after init (hanfs's nim::clientfiles): BASECUST in
    // the node's .info, hosts.<nimname> in the shared_root, the /proc stanza.
    for (h, n, ip) in [
        (&sn1, "cn01", "198.18.0.11"),
        (&sn2, "cn02", "198.18.0.12"),
        (&mn, "cn03", "198.18.0.13"),
    ] {
        let read = |rel: &str| std::fs::read_to_string(h.root.join(rel)).unwrap_or_default();
        assert!(
            read(&format!("tftpboot/{ip}.info")).contains("export BASECUST_REMOVAL=swapnfs0\n"),
            "{n}"
        );
        let cd = "install/nim/shared_root/71_sr/etc/.client_data";
        assert_eq!(
            read(&format!("{cd}/hosts.{n}")),
            "127.0.0.1 loopback\n",
            "{n}"
        );
        assert!(
            read(&format!("{cd}/filesystems.{n}")).contains("/proc:"),
            "{n}"
        );
    }
    // nodetype written for every node (one transaction per part).
    let rows = nodetype(&env);
    for n in ["cn01", "cn02", "cn03"] {
        assert_eq!(
            rows[n],
            ("AIX".into(), "71dskls".into(), "71dskls".into()),
            "{n}"
        );
    }
}

/// The calls about machines: the machine list, each node's commands (the
/// last word a node or NIM machine name) and the inetd check; the service
/// node's resource checks before the nodes are left out.
fn node_calls(h: &SimHost) -> Vec<String> {
    h.calls()
        .into_iter()
        .filter(|c| {
            c.ends_with("lsnim -c machines")
                || c.ends_with("lssrc -s inetd")
                || c.rsplit(' ').next().is_some_and(|w| w.starts_with("cn"))
        })
        .collect()
}

/// The calls with each node's lines in node order (nodes run a few at a
/// time: the interleaving between nodes is free, each node's order is not).
fn sorted_per_node(calls: Vec<String>) -> Vec<String> {
    let node_of = |c: &str| c.rsplit(' ').next().unwrap_or("").to_string();
    let (first, rest) = calls.split_at(1);
    let (body, last) = rest.split_at(rest.len() - 1);
    let mut body: Vec<(String, usize, String)> = body
        .iter()
        .enumerate()
        .map(|(i, c)| (node_of(c), i, c.clone()))
        .collect();
    body.sort();
    let mut v = first.to_vec();
    v.extend(body.into_iter().map(|(_, _, c)| c));
    v.extend(last.iter().cloned());
    v
}

fn nodetype(env: &Env) -> std::collections::BTreeMap<String, (String, String, String)> {
    let out = env.db.read(|c| c.all_rows("nodetype", true)).unwrap();
    let cols = env.db.read(|c| c.columns("nodetype")).unwrap();
    let at = |name: &str| cols.iter().position(|c| c == name).unwrap();
    out.into_iter()
        .map(|r| {
            let g = |i: usize| r.get(i).cloned().flatten().unwrap_or_default();
            (
                g(at("node")),
                (g(at("os")), g(at("profile")), g(at("provmethod"))),
            )
        })
        .collect()
}

/// The part of one SN only (`-p`: cn01-cn02 go to sn1).
fn on_sn1(env: &Env, mn: &SimHost, sn1: &SimHost, args: &[&str]) -> Out {
    let out = run(env, &[mn, sn1], args);
    mn.reset_log();
    out
}

#[test]
fn dataless_uses_dtls_init_with_root() {
    for env in backends() {
        seed(&env);
        dataless_on(&env);
    }
}

fn dataless_on(env: &Env) {
    let (mn, sn1) = (sim("mn"), sim("sn1"));
    let out = on_sn1(env, &mn, &sn1, &["-p", "-i", "71dtls", "cn01"]);
    assert_eq!((out.stderr.as_str(), out.exit), ("", 0), "{}", out.stdout);
    let mut want = vec!["0\tlsnim -c machines".to_string()];
    // make_SN_resource (resources there already) and chk_resolv_conf
    want.extend(sn_resource_checks());
    want.extend(
        [
            "0\tlsnim -c resources",
            "0\tifconfig -a",
            "0\tnim -Fo define -t dataless -a if1=find_net cn01 aabbccddee01 ent -a cable_type1=N/A -a netboot_kernel=mp -a net_definition=ent 255.255.255.0 198.18.0.254 -a net_settings1=100 full cn01",
            "0\tnim -Fo dtls_init -a spot=71_spot -a root=71_root -a size=64 cn01",
            // the external NFS check: this host's addresses, the root's location
            "0\tifconfig -a",
            "0\tlsnim -a location -Z 71_root",
            "0\tlssrc -s inetd",
        ]
        .map(str::to_string),
    );
    assert_eq!(sn1.calls(), want);
    assert_eq!(
        nodetype(env)["cn01"],
        ("AIX".into(), "71dtls".into(), "71dtls".into())
    );
    assert_eq!(nodetype(env)["cn02"].0, "", "other nodes untouched");
}

#[test]
fn existing_machines_need_force() {
    let env = env();
    let (mn, sn1) = (sim("mn"), sim("sn1"));
    on_sn1(&env, &mn, &sn1, &["-p", "cn01"]);
    sn1.reset_log();
    let out = on_sn1(&env, &mn, &sn1, &["-p", "cn01"]);
    assert_eq!(
        out.stderr,
        "Error: sn1: The node 'cn01' is already defined. Use the force option to reinitialize.\nError: Return=1.\n"
    );
    assert!(out.stdout.ends_with("sn1: One or more errors occurred when attempting to initialize AIX NIM diskless nodes.\n\n"), "{}", out.stdout);
    assert_eq!(out.exit, 1);
    assert_eq!(
        node_calls(&sn1),
        ["0\tlsnim -c machines", "0\tlssrc -s inetd"]
    );
    sn1.reset_log();

    let out = on_sn1(
        &env,
        &mn,
        &sn1,
        &["-p", "-f", "cn01", "psize=128", "sparse_paging=yes"],
    );
    assert_eq!((out.stderr.as_str(), out.exit), ("", 0), "{}", out.stdout);
    assert_eq!(
        node_calls(&sn1),
        [
            "0\tlsnim -c machines",
            "0\tlsnim -l cn01",
            "0\tnim -Fo reset -a force=yes cn01",
            "0\tnim -Fo deallocate -a subclass=all cn01",
            "0\tnim -Fo dkls_init -a spot=71_spot -a shared_root=71_sr -a size=128 -a paging=71_paging -a sparse_paging=yes cn01",
            "0\tlssrc -s inetd",
        ]
    );
    sn1.reset_log();

    // A standalone machine of that name is removed and defined again.
    sn1.sh(
        "/usr/sbin/nim",
        &[
            "-o",
            "define",
            "-t",
            "standalone",
            "-a",
            "if1=find_net cn02 aabbccddee02 ent",
            "cn02",
        ],
    );
    sn1.reset_log();
    let out = on_sn1(&env, &mn, &sn1, &["-p", "-f", "-V", "cn02"]);
    assert_eq!((out.stderr.as_str(), out.exit), ("", 0), "{}", out.stdout);
    assert_eq!(
        node_calls(&sn1),
        [
            "0\tlsnim -c machines".to_string(),
            "0\tlsnim -l cn02".to_string(),
            "0\tnim -Fo reset -a force=yes cn02".to_string(),
            "0\tnim -Fo deallocate -a subclass=all cn02".to_string(),
            "0\tnim -Fo remove cn02".to_string(),
            define(2, "cn02"),
            dkls_init("cn02"),
            "0\tlssrc -s inetd".to_string(),
        ]
    );
    assert!(
        out.stdout
            .contains("sn1: Deallocate NIM resources for cn02.\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("sn1: Creating NIM node definition.\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("Running command on sn1: /usr/sbin/nim -Fo remove cn02\n"),
        "{}",
        out.stdout
    );
    let l = sn1.sh("/usr/sbin/lsnim", &["-l", "cn02"]);
    assert!(l.contains("type           = diskless"), "{l}");
}

#[test]
fn init_failing_twice_is_an_error_for_that_node_only() {
    let env = env();
    let (mn, sn1) = (sim("mn"), sim("sn1"));
    sn1.nimsim(&["fault", "nim:dkls_init:cn01", "fail", "2"]);
    let t = Instant::now();
    let out = on_sn1(&env, &mn, &sn1, &["-p", "compute"]);
    assert!(t.elapsed() >= Duration::from_secs(2), "the retry waits 2 s");
    let calls = sn1.calls();
    let cn01: Vec<&String> = calls.iter().filter(|c| c.ends_with(" cn01")).collect();
    assert_eq!(cn01.len(), 3, "{calls:?}");
    assert_eq!(*cn01[0], define(1, "cn01"));
    assert!(
        cn01[1].starts_with("1\tnim -Fo dkls_init ") && cn01[1] == cn01[2],
        "{calls:?}"
    );
    assert!(calls.contains(&dkls_init("cn02")), "{calls:?}");
    assert!(
        out.stderr
            .starts_with("Error: sn1: Could not initialize NIM client named 'cn01'.\n"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.ends_with("Error: Return=1.\n"), "{}", out.stderr);
    assert!(out
        .stdout
        .contains("sn1: Initializing NIM machine 'cn02'. \n"));
    assert_eq!(out.exit, 1);
    // (The nodetype of the part's successful nodes only: see the dataless
    // test; a shared_root image's dolitesetup marks all its nodes, as stock.)
}

#[test]
fn a_hung_init_times_out_without_holding_the_others() {
    let env = env();
    let (mn, sn1) = (sim("mn"), sim("sn1"));
    sn1.nimsim(&["fault", "nim:dkls_init:cn01", "hang", "600", "0"]);
    let short = |h: &SimHost| {
        let mut cfg = NimConfig::default().with_command_root(&h.root);
        cfg.timeout = Duration::from_secs(2);
        Mkdsklsnode::with_config(cfg).with_client_files(ClientFiles::under(&h.root))
    };
    let t = Instant::now();
    let out = run_with(&env, &[&mn, &sn1], &["-d", "-p", "compute"], &short);
    assert!(t.elapsed() < Duration::from_secs(30), "{:?}", t.elapsed());
    assert!(
        sn1.calls().contains(&dkls_init("cn02")),
        "{:?}",
        sn1.calls()
    );
    assert!(
        out.stderr
            .contains("Could not initialize NIM client named 'cn01'"),
        "{}",
        out.stderr
    );
    assert!(out
        .stdout
        .contains("sn1: Initializing NIM machine 'cn02'. \n"));
    assert_eq!(out.exit, 1);
}

#[test]
fn a_malformed_mac_is_refused_before_any_nim_command() {
    let env = env();
    env.db
        .write(|c| {
            c.set_attribs_many(
                "mac",
                &[(
                    vec![("node".into(), "cn02".into())],
                    vec![("mac".into(), Some("aa:bb;reboot".into()))],
                )],
            )
        })
        .unwrap();
    let (mn, sn1) = (sim("mn"), sim("sn1"));
    let out = on_sn1(&env, &mn, &sn1, &["-p", "compute"]);
    assert_eq!(
        out.stderr,
        "Error: sn1: Invalid value 'aa:bb;reboot' of attribute 'mac' for 'cn02': not a MAC address.\n\nError: Return=1.\n"
    );
    assert_eq!(
        node_calls(&sn1),
        [
            "0\tlsnim -c machines".to_string(),
            define(1, "cn01"),
            dkls_init("cn01"),
            "0\tlssrc -s inetd".to_string(),
        ]
    );
}

#[test]
fn missing_paging_long_names_and_new_names() {
    let env = env();
    image(
        &env,
        "71nopg",
        &[
            ("nimtype", "diskless"),
            ("spot", "71_spot"),
            ("shared_root", "71_sr"),
        ],
    );
    let long = "cn0123456789012345678901234567890123456789";
    ins(&env, "nodelist", &[("node", long), ("groups", "all")]);
    ins(&env, "noderes", &[("node", long), ("servicenode", "sn1")]);
    ins(&env, "hosts", &[("node", long), ("ip", "198.18.0.14")]);
    ins(&env, "mac", &[("node", long), ("mac", "aa:bb:cc:dd:ee:04")]);
    ins(
        &env,
        "nodetype",
        &[("node", long), ("provmethod", "71dskls")],
    );
    let (mn, sn1) = (sim("mn"), sim("sn1"));

    let out = on_sn1(&env, &mn, &sn1, &["-p", "-i", "71nopg", "cn01"]);
    assert_eq!(
        out.stderr,
        "Error: sn1: Missing paging resource name for osimage '71nopg'.\n\nError: Return=1.\n"
    );
    assert_eq!(node_calls(&sn1)[1], define(1, "cn01"));
    assert_eq!(node_calls(&sn1).len(), 3, "{:?}", node_calls(&sn1));
    sn1.reset_log();

    let out = on_sn1(&env, &mn, &sn1, &["-p", long]);
    assert_eq!(
        out.stderr,
        format!("Error: sn1: Could not define '{long}'. A NIM machine name can be no longer then 39 characters.\n\nError: Return=1.\n")
    );
    assert_eq!(
        node_calls(&sn1),
        ["0\tlsnim -c machines", "0\tlssrc -s inetd"]
    );
    sn1.reset_log();

    image(
        &env,
        "71sa",
        &[("nimtype", "standalone"), ("spot", "71_spot")],
    );
    let out = on_sn1(&env, &mn, &sn1, &["-p", "-i", "71sa", "cn02"]);
    assert_eq!(
        out.stderr,
        "Error: sn1: Use the nimnodeset command to initialize NIM standalone type nodes.\n\nError: Return=1.\n"
    );
    assert_eq!(
        node_calls(&sn1),
        ["0\tlsnim -c machines", "0\tlssrc -s inetd"]
    );
    sn1.reset_log();

    let out = on_sn1(&env, &mn, &sn1, &["-p", "-n", "cn02"]);
    assert_eq!((out.stderr.as_str(), out.exit), ("", 0), "{}", out.stdout);
    assert_eq!(
        node_calls(&sn1),
        [
            "0\tlsnim -c machines".to_string(),
            "0\tnim -Fo define -t diskless -a if1=find_net cn02 0 -a cable_type1=N/A -a netboot_kernel=mp -a net_definition=ent 255.255.255.0 198.18.0.254 -a net_settings1=100 full cn02_71dskls".to_string(),
            dkls_init("cn02_71dskls"),
            "0\tlssrc -s inetd".to_string(),
        ]
    );
    assert!(out
        .stdout
        .contains("sn1: Creating NIM client definition 'cn02_71dskls.'\n"));
}

#[test]
fn update_and_resource_only_stop_after_the_management_node() {
    let env = env();
    let (mn, sn1, sn2) = (sim("mn"), sim("sn1"), sim("sn2"));
    for flag in ["-u", "-r"] {
        let out = run(&env, &[&mn, &sn1, &sn2], &[flag, "compute"]);
        assert_eq!(
            (out.stdout.as_str(), out.stderr.as_str(), out.exit),
            ("Updating the spot named '71dskls'.\n\n", "", 0)
        );
        assert_eq!(mn.calls(), prime_calls());
        mn.reset_log();
    }
    assert!(sn1.calls().is_empty() && sn2.calls().is_empty());
    // -V: nimprime's commands as stock's runcmd shows them.
    let out = run(&env, &[&mn, &sn1, &sn2], &["-u", "-V", "cn01"]);
    let mut want: String = [
        "/usr/sbin/lsnim -P -c resources",
        "/usr/sbin/lsnim",
        "/usr/sbin/lsnim -a location -Z 71_spot",
        "/usr/sbin/lsnim -l 71_spot",
        "/usr/sbin/lsnim -a location -Z 71_paging",
        "/usr/sbin/lsnim -l 71_paging",
        "/usr/sbin/lsnim -a location -Z 71_sr",
        "/usr/sbin/lsnim -l 71_sr",
    ]
    .iter()
    .map(|c| format!("Running command on mn: {c}\n\n"))
    .collect();
    want += "Updating the spot named '71dskls'.\n\n";
    assert!(out.stdout.starts_with(&want), "{}", out.stdout);
    assert!(out.stdout.ends_with("Adding xcataixpost script to the image.\n\nRunning: '/usr/bin/chgrp system {inst}; /usr/bin/chown root {inst}'\n\n".replace("{inst}", &mn.root.join("install/nim/spot/71_spot/usr/lpp/bos/inst_root").display().to_string()).as_str()), "{}", out.stdout);
    // updatespot (mncopy's nim::prime) did its work on nimprime's SPOT.
    let spot = mn.root.join("install/nim/spot/71_spot/usr");
    assert!(spot.join("ODMscript").exists());
    let inittab = std::fs::read_to_string(spot.join("lpp/bos/inst_root/etc/inittab")).unwrap();
    assert_eq!(inittab, "xcat:2:wait:/opt/xcat/xcataixpost\n");
    mn.reset_log();
    // checkCredFiles' messages come before the end, as stock's [info].
    let ssh = env.ctx.server.confdir.join("install/postscripts/_ssh");
    std::fs::remove_dir_all(&ssh).unwrap();
    let out = run(&env, &[&mn, &sn1, &sn2], &["-u", "compute"]);
    assert_eq!(
        out.stdout,
        format!(
            "Updating the spot named '71dskls'.\n\nError: {} is missing.\n",
            ssh.display()
        )
    );
}

#[test]
fn a_missing_resource_on_nimprime_ends_the_command() {
    let env = env();
    let (mn, sn1) = (sim("mn"), sim("sn1"));
    mn.sh("/usr/sbin/nim", &["-o", "remove", "71_paging"]);
    mn.reset_log();
    let out = run(&env, &[&mn, &sn1], &["compute"]);
    assert_eq!(
        (out.stdout.as_str(), out.stderr.as_str(), out.exit),
        (
            "",
            "Error: NIM resource 71_paging is not defined on mn.\n\nError: Return=1.\n",
            1
        )
    );
    assert!(sn1.calls().is_empty());
}

#[test]
fn hfi_macs_speed_duplex_dump_and_configdump() {
    let env = env();
    image(
        &env,
        "71dump",
        &[
            ("nimtype", "diskless"),
            ("spot", "71_spot"),
            ("shared_root", "71_sr"),
            ("paging", "71_paging"),
            ("dump", "71_dump"),
        ],
    );
    ins(
        &env,
        "networks",
        &[
            ("netname", "nethfi"),
            ("net", "198.18.1.0"),
            ("mask", "255.255.255.0"),
            ("gateway", "198.18.1.254"),
            ("mgtifname", "hf0"),
        ],
    );
    ins(&env, "nodelist", &[("node", "cn04"), ("groups", "all")]);
    ins(&env, "noderes", &[("node", "cn04"), ("servicenode", "sn1")]);
    ins(&env, "hosts", &[("node", "cn04"), ("ip", "198.18.1.14")]);
    ins(
        &env,
        "mac",
        &[
            ("node", "cn04"),
            ("mac", "aa:bb:cc:dd:ee:04|aa:bb:cc:dd:ee:05"),
        ],
    );
    let (mn, sn1) = (sim("mn"), sim("sn1"));
    // The HFI network is in NIM already (make_SN_resource's network check).
    sn1.sh(
        "/usr/sbin/nim",
        &[
            "-o",
            "define",
            "-t",
            "hfi",
            "-a",
            "net_addr=198.18.1.0",
            "-a",
            "snm=255.255.255.0",
            "-a",
            "routing1=default 198.18.1.254",
            "nethfi",
        ],
    );
    sn1.reset_log();
    let args = [
        "-p",
        "-i",
        "71dump",
        "cn01,cn04",
        "speed=1000",
        "duplex=half",
        "dump_iscsi_port=3260",
        "configdump=full",
    ];
    let out = on_sn1(&env, &mn, &sn1, &args);
    assert_eq!((out.stderr.as_str(), out.exit), ("", 0), "{}", out.stdout);
    let init = |n: &str| {
        format!("0\tnim -Fo dkls_init -a spot=71_spot -a shared_root=71_sr -a size=64 -a paging=71_paging -a dump=71_dump -a configdump=full {n}")
    };
    assert_eq!(
        sorted_per_node(node_calls(&sn1)),
        [
            "0\tlsnim -c machines".to_string(),
            "0\tnim -Fo define -t diskless -a if1=find_net cn01 aabbccddee01 ent -a cable_type1=N/A -a netboot_kernel=mp -a net_definition=ent 255.255.255.0 198.18.0.254 -a net_settings1=1000 half -a dump_iscsi_port=3260 cn01".to_string(),
            init("cn01"),
            "0\tnim -Fo define -t diskless -a if1=find_net cn04 aabbccddee04 hfi0 -a cable_type1=N/A -a if2=find_net cn04 aabbccddee05 hfi0 -a cable_type2=N/A -a netboot_kernel=mp -a dump_iscsi_port=3260 cn04".to_string(),
            init("cn04"),
            "0\tlssrc -s inetd".to_string(),
        ]
    );
    // configdump= went into the osimage (nimimage.configdump), one write.
    let rows = env.db.read(|c| c.all_rows("nimimage", true)).unwrap();
    let cols = env.db.read(|c| c.columns("nimimage")).unwrap();
    let at = |n: &str| cols.iter().position(|c| c == n).unwrap();
    let dump = rows
        .iter()
        .find(|r| r[at("imagename")].as_deref() == Some("71dump"))
        .unwrap();
    assert_eq!(dump[at("configdump")].as_deref(), Some("full"));
    let other = rows
        .iter()
        .find(|r| r[at("imagename")].as_deref() == Some("71dskls"))
        .unwrap();
    assert_eq!(other[at("configdump")], None);
}

#[test]
fn ipv6_nodes_get_a_link_local_ent6_interface() {
    let env = env();
    ins(
        &env,
        "networks",
        &[
            ("netname", "net6"),
            ("net", "fd00::"),
            ("mask", "/64"),
            ("gateway", "fd00::fe"),
        ],
    );
    ins(&env, "nodelist", &[("node", "cn06"), ("groups", "all")]);
    ins(&env, "noderes", &[("node", "cn06"), ("servicenode", "sn1")]);
    ins(&env, "hosts", &[("node", "cn06"), ("ip", "fd00::6")]);
    ins(
        &env,
        "mac",
        &[("node", "cn06"), ("mac", "aa:bb:cc:dd:ee:06")],
    );
    ins(
        &env,
        "nodetype",
        &[("node", "cn06"), ("provmethod", "71dskls")],
    );
    let (mn, sn1) = (sim("mn"), sim("sn1"));
    let out = on_sn1(&env, &mn, &sn1, &["-p", "cn06"]);
    let calls = node_calls(&sn1);
    // The simulator has no IPv6 NIM networks: NIM refuses, the command line is stock's.
    assert!(
        calls[1].ends_with("\tnim -Fo define -t diskless -a if1=find_net cn06 fe80::a8bb:ccff:fedd:ee06 ent6 -a cable_type1=N/A -a netboot_kernel=mp -a net_definition=ent6 ffffffffffffffff0000000000000000 fd00::fe -a net_settings1=100 full cn06"),
        "{calls:?}"
    );
    assert!(
        out.stderr
            .contains("Error: sn1: Could not create a NIM definition for 'cn06'.\n"),
        "{}",
        out.stderr
    );
    assert_eq!(out.exit, 1);
}

/// A sub-request seen: command, nodes, arguments.
type Sub = (String, Vec<String>, Vec<String>);

#[test]
fn prescripts_run_around_the_nodes() {
    use std::sync::{Arc, Mutex};
    use xcat_handlers::runner::SystemRunner;
    let env = env();
    env.db
        .write(|c| {
            c.set_attribs_many(
                "mac",
                &[(
                    vec![("node".into(), "cn02".into())],
                    vec![("mac".into(), Some("bad".into()))],
                )],
            )
        })
        .unwrap();
    let (mn, sn1) = (sim("mn"), sim("sn1"));
    let parts = mk(&mn)
        .preprocess(
            &ctx_on(&env, "mn"),
            request("mkdsklsnode", None, &["-d", "-p", "compute"]),
        )
        .unwrap();
    let part = parts
        .into_iter()
        .find(|p| p.dest == ["sn1"])
        .unwrap()
        .request;
    let seen: Arc<Mutex<Vec<Sub>>> = Arc::default();
    let run_part = |begin_fails: bool| {
        let seen = seen.clone();
        let mut ctx = ctx_on(&env, "sn1");
        ctx.runner = Arc::new(SystemRunner::new(Box::new(move |req, _| {
            let own = |v: Vec<&str>| v.into_iter().map(str::to_string).collect::<Vec<_>>();
            seen.lock().unwrap().push((
                req.command().to_string(),
                own(req.nodes()),
                own(req.args()),
            ));
            match (req.command(), begin_fails) {
                ("runbeginpre", true) => vec![Response::new().error("prescript x failed")],
                (cmd, _) => vec![Response::new().info(format!("{cmd} ran"))],
            }
        })));
        let mut docs = Vec::new();
        mk(&sn1).process(&ctx, &part, &mut docs).unwrap();
        output(docs)
    };
    let out = run_part(true);
    assert_eq!(
        out.stdout,
        "sn1: Initializing AIX diskless nodes.  This could take a while.\n\n"
    );
    assert_eq!(
        out.stderr,
        "Error: prescript x failed\nError: Failed in running begin prescripts.\n\nError: Return=1.\n"
    );
    assert!(sn1.calls().is_empty(), "{:?}", sn1.calls());
    seen.lock().unwrap().clear();

    let out = run_part(false);
    assert!(
        out.stdout.starts_with(
            "sn1: Initializing AIX diskless nodes.  This could take a while.\n\nrunbeginpre ran\n"
        ),
        "{}",
        out.stdout
    );
    assert!(out.stdout.ends_with("runendpre ran\n"), "{}", out.stdout);
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(
        *seen.lock().unwrap(),
        [
            (
                "runbeginpre".to_string(),
                s(&["cn01", "cn02"]),
                s(&["diskless", "-l"])
            ),
            (
                "runendpre".to_string(),
                s(&["cn01"]),
                s(&["diskless", "-l"])
            ),
        ]
    );
}

#[test]
fn sharedinstall_sns_copies_through_one_service_node_and_defines_on_each() {
    let env = env();
    ins(&env, "site", &[("key", "sharedinstall"), ("value", "sns")]);
    let (mn, sn1, sn2) = (sim("mn"), sim("sn1"), sim("sn2"));
    let real = &["/usr/bin/test", "/usr/bin/ls"];
    let router = std::sync::Arc::new(Router::new("mn", &[&mn, &sn1, &sn2], real));
    let mut ctx = ctx_on(&env, "mn");
    ctx.runner = router.clone();
    let h = Mkdsklsnode::with_config(NimConfig::default());
    let parts = h
        .preprocess(&ctx, request("mkdsklsnode", None, &["-r", "compute"]))
        .unwrap();
    let mut docs: Vec<Response> = Vec::new();
    for p in parts {
        assert!(p.dest.is_empty(), "-r: nothing for the service nodes");
        h.process(&ctx, &p.request, &mut docs).unwrap();
    }
    let out = output(docs);
    let using = |sn: &str| {
        let mut t = format!("Checking NIM resources on {sn}.\n\n");
        for r in ["71_spot", "71_paging", "71_sr"] {
            t += &format!("{sn}: Using existing resource called '{r}'.\n\n");
        }
        t
    };
    assert_eq!(
        (out.stdout, out.stderr.as_str(), out.exit),
        (
            format!(
                "Updating the spot named '71dskls'.\n\n{}{}",
                using("sn1"),
                using("sn2")
            ),
            "",
            0
        )
    );
    // doSFScopy: /etc/hosts to both, the scripts and the resources (the
    // spot and shared_root; paging never) through sn1 only, each with
    // nim::prime's copyres2 (mkdir, du, df, rsync).
    let inst = env.ctx.server.confdir.join("install").display().to_string();
    let spot = mn.root.join("install/nim/spot").display().to_string();
    assert_eq!(
        router.unsimulated(),
        [
            "mn: /usr/bin/rsync -rlHpEAogDz /etc/hosts sn1:/etc/".to_string(),
            "mn: /usr/bin/rsync -rlHpEAogDz /etc/hosts sn2:/etc/".to_string(),
            format!("mn: /usr/bin/rsync -rlHpEAogDz {inst}/postscripts sn1:{inst}"),
            format!("mn: /usr/bin/ls {inst}/prescripts"),
            format!("sn1: /usr/bin/mkdir -m 644 -p {spot}/71_spot"),
            format!("mn: /usr/bin/du -sm {spot}/71_spot"),
            format!("mn: /usr/bin/rsync -rlHpEAogDz {spot}/71_spot sn1:{spot}"),
            "sn1: /usr/bin/mkdir -m 644 -p /install/nim/shared_root".to_string(),
            "mn: /usr/bin/du -sm /install/nim/shared_root".to_string(),
            "mn: /usr/bin/rsync -rlHpEAogDz /install/nim/shared_root/71_sr sn1:/install/nim/shared_root".to_string(),
        ]
    );
    let mut want_mn = prime_calls();
    want_mn.push("0\tlsnim -a alloc_count -Z 71_sr".to_string());
    want_mn.push("0\tnim -Fo sync_roots 71_spot".to_string());
    assert_eq!(mn.calls(), want_mn);
    // The allocation check on both, then defSNres on each service node
    // (the resources exist there: checked, not defined again).
    let alloc = [
        "0\tlsnim -a alloc_count -Z 71_spot",
        "0\tlsnim -a alloc_count -Z 71_sr",
    ];
    let defsnres = sn_resource_checks();
    let df = [
        format!("0\tdf -m {spot}/71_spot"),
        "0\tdf -m /install/nim/shared_root".to_string(),
    ];
    let sn1_want: Vec<String> = alloc
        .iter()
        .map(|c| c.to_string())
        .chain(df)
        .chain(defsnres.iter().cloned())
        .collect();
    let sn2_want: Vec<String> = alloc
        .iter()
        .map(|c| c.to_string())
        .chain(defsnres.iter().cloned())
        .collect();
    assert_eq!(sn1.calls(), sn1_want);
    assert_eq!(sn2.calls(), sn2_want);
}
