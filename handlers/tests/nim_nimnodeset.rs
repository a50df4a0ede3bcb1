//! nimnodeset against the NIM simulator: the exact NIM command sequence
//! per host of a server's part (machine defined when missing, `bos_inst`
//! with the image's resources in name order, `xcataixscript` and stock's
//! defaults, `attr=val` overrides), the `Cstate` refusal and `-f`, the
//! non-standalone refusal, `nodetype` written, usage and refusals; and the
//! whole command from the management node (nimprime) with the shared
//! `prenimnodeset` (`nim::prenim`): the split (primary and backup, `-b`),
//! `xcataixscript` made / kept / moved on nimprime, the resource facts,
//! the copies to the service nodes with the space check and each SN's
//! definitions from the facts the MN passed (exact commands per host);
//! `-V` with a remote nimprime (its `xcataixscript` file steps shown);
//! `sharedinstall=sns` (doSFScopy through sn1, defSNres on each SN); a
//! missing lpp_source or SPOT on nimprime, a failing `xcataixscript` copy
//! step or define, and too little space on a service node end the command
//! with `Return=1.` before any SN part.

// nim::prime's multi-host runner, and with it the shared NIM test support
// (its re-exports for nim_prime.rs are not all used here).
#[allow(unused_imports)]
mod nim_prime_support;

use nim_prime_support::nim_support::*;
use xcat_handlers::api::Handler;
use xcat_handlers::nim::cmd::NimConfig;
use xcat_handlers::nim::nimnodeset::Nimnodeset;
use xcat_proto::{Request, Response};

const HOSTS: &str = "198.18.0.11 cn01\n198.18.0.12 cn02\n198.18.0.13 cn03\n";

/// cn01-cn02 servicenode=sn1,sn2 provmethod=61std, cn03 sn2 with the
/// diskless image; osimages 61std (standalone, rte) and 71dskls.
fn env() -> Env {
    seeded(sqlite())
}

fn seeded(env: Env) -> Env {
    ins(&env, "site", &[("key", "master"), ("value", "mn")]);
    for (i, sn, img) in [
        (1, "sn1,sn2", "61std"),
        (2, "sn1,sn2", "61std"),
        (3, "sn2", "71dskls"),
    ] {
        let n = format!("cn0{i}");
        ins(&env, "nodelist", &[("node", &n), ("groups", "compute,all")]);
        ins(&env, "noderes", &[("node", &n), ("servicenode", sn)]);
        ins(&env, "nodetype", &[("node", &n), ("provmethod", img)]);
        ins(
            &env,
            "mac",
            &[("node", &n), ("mac", &format!("aa:bb:cc:dd:ee:0{i}"))],
        );
        ins(
            &env,
            "hosts",
            &[("node", &n), ("ip", &format!("198.18.0.1{i}"))],
        );
    }
    ins(
        &env,
        "networks",
        &[
            ("netname", "net198"),
            ("net", "198.18.0.0"),
            ("mask", "255.255.255.0"),
            ("gateway", "198.18.0.254"),
        ],
    );
    for (name, nimtype) in [("61std", "standalone"), ("71dskls", "diskless")] {
        ins(
            &env,
            "osimage",
            &[
                ("imagename", name),
                ("imagetype", "NIM"),
                ("provmethod", nimtype),
            ],
        );
    }
    ins(
        &env,
        "nimimage",
        &[
            ("imagename", "61std"),
            ("nimtype", "standalone"),
            ("nimmethod", "rte"),
            ("lpp_source", "lpp61"),
            ("spot", "spot61"),
            ("script", "s1,s2"),
        ],
    );
    ins(
        &env,
        "nimimage",
        &[
            ("imagename", "71dskls"),
            ("nimtype", "diskless"),
            ("spot", "spot61"),
        ],
    );
    env
}

/// A simulated SN with the network, lpp_source, spot, three scripts and
/// `xcataixscript` (as the management node's preprocess leaves it).
fn sim(name: &str) -> SimHost {
    let h = SimHost::new(name, HOSTS);
    let base = h.root.parent().unwrap().join("install");
    let nim = |args: &[&str]| h.sh("/usr/sbin/nim", args);
    h.define_net198("nimnet");
    for (ty, res) in [
        ("lpp_source", "lpp61"),
        ("spot", "spot61"),
        ("script", "s1"),
        ("script", "s2"),
        ("script", "s3"),
        ("script", "xcataixscript"),
    ] {
        let dir = base.join(res);
        std::fs::create_dir_all(&dir).unwrap();
        let loc = format!("location={}", dir.display());
        nim(&[
            "-o",
            "define",
            "-t",
            ty,
            "-a",
            "server=master",
            "-a",
            &loc,
            res,
        ]);
    }
    h.reset_log();
    h
}

fn handler(h: &SimHost) -> Nimnodeset {
    Nimnodeset::with_config(NimConfig::default().with_command_root(&h.root))
}

fn run_on(env: &Env, h: &SimHost, args: &[&str], nodes: &[&str]) -> Out {
    let mut req = request("nimnodeset", None, args);
    req.set_nodes(nodes);
    req.set("_xcatpreprocessed", "1");
    let mut docs: Vec<Response> = Vec::new();
    handler(h)
        .process(&ctx_on(env, &h.name), &req, &mut docs)
        .unwrap();
    output(docs)
}

fn define_line(n: u8) -> String {
    format!("0\tnim -Fo define -t standalone -a if1=find_net cn0{n} aabbccddee0{n} ent -a cable_type1=N/A -a netboot_kernel=mp -a net_definition=ent 255.255.255.0 198.18.0.254 -a net_settings1=100 full cn0{n}")
}

fn bos_inst(extra: &str, n: u8) -> String {
    format!("0\tnim -Fo bos_inst -a accept_licenses=yes -a boot_client=no -a lpp_source=lpp61 -a source=rte -a spot=spot61{extra} cn0{n}")
}

/// What the shared resource steps run on a service node that is not
/// nimprime and already holds the images' resources (`check` once per
/// image): `make_sn_resources` (NIM configured, the nodes' networks,
/// resource types and names, three syncs, the SPOT checked) and
/// `chk_resolv_conf` (resources, this server's addresses).
fn resource_steps(checks: usize) -> Vec<String> {
    let mut v = vec![
        "lsnim -l",
        "lsnim -c networks",
        "lsnim -Z -a net_addr -a snm master_net",
        "lsnim -Z -a net_addr -a snm nimnet",
        "lsnim -P -c resources",
        "lsnim -c resources",
        "sync",
        "sync",
        "sync",
    ];
    v.extend(std::iter::repeat_n("nim -Fo check spot61", checks));
    v.extend(["lsnim -c resources", "ifconfig -a"]);
    v.into_iter().map(|c| format!("0\t{c}")).collect()
}

/// The messages of `make_sn_resources` for the 61std image.
const CHECKING: &str = "Checking NIM resources on sn1.\n\n\
     Using existing resource called 'lpp61'.\n\n\
     Using existing resource called 'spot61'.\n\n\
     Using existing resource called 's1'.\n\n\
     Using existing resource called 's2'.\n\n\
     Using existing resource called 'xcataixscript'.\n\n";

/// `lsnim -c machines`, the resource steps, the resource types, `rest`.
fn calls_with(checks: usize, rest: &[String]) -> Vec<String> {
    let mut v = vec!["0\tlsnim -c machines".to_string()];
    v.extend(resource_steps(checks));
    v.push("0\tlsnim -P -c resources".to_string());
    v.extend(rest.iter().cloned());
    v
}

fn nodetype(env: &Env, n: &str) -> Vec<Option<String>> {
    env.db
        .read(|c| {
            c.select(
                "nodetype",
                &["os", "profile", "provmethod"],
                &[("node", n)],
                true,
            )
        })
        .unwrap()
        .remove(0)
}

#[test]
fn defines_missing_machines_and_runs_bos_inst() {
    for env in backends() {
        define_and_bos_inst_on(&seeded(env));
    }
}

fn define_and_bos_inst_on(env: &Env) {
    let sn1 = sim("sn1");
    let out = run_on(env, &sn1, &["cn01,cn02"], &["cn01", "cn02"]);
    assert_eq!(
        out.stdout,
        format!(
            "{CHECKING}sn1: Creating NIM client definition 'cn01.'\n\n\
             sn1: Creating NIM client definition 'cn02.'\n\n\
             sn1: AIX/NIM nodes were initialized.\n\n"
        )
    );
    assert_eq!((out.stderr.as_str(), out.exit), ("", 0));
    let scripts = " -a script=s1 -a script=s2 -a script=xcataixscript";
    assert_eq!(
        sn1.calls(),
        calls_with(
            1,
            &[
                define_line(1),
                "0\tlsnim -a Cstate -Z cn01".to_string(),
                bos_inst(scripts, 1),
                define_line(2),
                "0\tlsnim -a Cstate -Z cn02".to_string(),
                bos_inst(scripts, 2),
            ]
        )
    );
    assert_eq!(
        nodetype(env, "cn01"),
        [Some("AIX".into()), None, Some("61std".into())]
    );

    // Now enabled for installation: refused without -f, reset with it;
    // attr=val overrides and -i written to profile / provmethod.
    sn1.reset_log();
    let out = run_on(env, &sn1, &["cn01"], &["cn01"]);
    assert_eq!(
        out.stderr,
        "Error: sn1: The NIM machine named cn01 is not in the ready state and cannot be initialized. Use -f flag to forcely initialize it.\n\n\
         Error: Return=1.\n"
    );
    assert_eq!(
        out.stdout,
        format!("{CHECKING}sn1: One or more errors occurred when attempting to initialize AIX NIM nodes.\n\n")
    );
    assert_eq!(out.exit, 1);
    sn1.reset_log();
    let out = run_on(
        env,
        &sn1,
        &["-f", "-i", "61std", "cn01", "script=s3", "boot_client=yes"],
        &["cn01"],
    );
    assert_eq!((out.stderr.as_str(), out.exit), ("", 0));
    let rest = [
        "0\tnim -Fo reset -a force=yes cn01",
        "0\tnim -Fo deallocate -a subclass=all cn01",
        "0\tlsnim -a Cstate -Z cn01",
        "0\tnim -Fo bos_inst -a accept_licenses=yes -a boot_client=yes -a lpp_source=lpp61 -a source=rte -a spot=spot61 -a script=s3 cn01",
    ];
    assert_eq!(sn1.calls(), calls_with(1, &rest.map(String::from)));
    assert_eq!(
        nodetype(env, "cn01"),
        [
            Some("AIX".into()),
            Some("61std".into()),
            Some("61std".into())
        ]
    );
}

#[test]
fn diskless_images_and_bad_values_are_refused_before_nim() {
    let env = env();
    let sn2 = sim("sn2");
    env.db
        .write(|c| c.set_attribs("mac", &[("node", "cn02")], &[("mac", Some("aa:bb;reboot"))]))
        .unwrap();
    let out = run_on(&env, &sn2, &["-V", "cn02,cn03"], &["cn02", "cn03"]);
    assert_eq!(
        out.stderr,
        "Error: sn2: Invalid value 'aa:bb;reboot' of attribute 'mac' for 'cn02': not a MAC address.\n\n\
         Error: sn2: Use the mkdsklsnode command to initialize diskless/dataless nodes.\n\n\
         Error: Return=1.\n"
    );
    assert!(
        out.stdout.ends_with(
            "sn2: One or more errors occurred when attempting to initialize AIX NIM nodes.\n\n\
         sn2: The following node(s) could not be initialized.\n\ncn02\ncn03\n"
        ),
        "{}",
        out.stdout
    );
    assert_eq!(out.exit, 1);
    // Both images' resources are checked (stock: every image of the part).
    assert_eq!(sn2.calls(), calls_with(2, &[]));
    assert_eq!(nodetype(&env, "cn03")[0], None);
}

#[test]
fn usage_version_and_refusals() {
    let env = env();
    let sn1 = sim("sn1");
    let usage = "\n  nimnodeset - Use this xCAT command to initialize AIX \n\t\t\tstandalone nodes.\n  Usage: \n\tnimnodeset [-h | --help ]\nor\n\tnimnodeset [-V|--verbose] [-f|--force] [ -i osimage_name]\n\t\t[-l location] [-p|--primarySN] [-b|--backupSN] noderange \n\t\t[attr=val [attr=val ...]]\n\n";
    let run = |args: &[&str]| {
        let mut docs: Vec<Response> = Vec::new();
        let req: Request = request("nimnodeset", None, args);
        handler(&sn1)
            .process(&ctx_on(&env, "mn"), &req, &mut docs)
            .unwrap();
        output(docs)
    };
    let out = run(&[]);
    assert_eq!((out.stdout.as_str(), out.exit), (usage, 0));
    let out = run(&["-x"]);
    assert_eq!(
        (out.stdout.as_str(), out.stderr.as_str(), out.exit),
        (usage, "Error: Return=1.\n", 1)
    );
    let out = run(&["cn01", "=a"]);
    assert_eq!(
        (out.stderr.as_str(), out.exit),
        (
            "Error: Incorrect 'attr=val' pair - =a\n\nError: Return=1.\n",
            1
        )
    );
    let out = run(&["-f"]);
    assert_eq!(
        (out.stderr.as_str(), out.exit),
        ("Error: A noderange is required.\n\n", 1)
    );
    assert!(run(&["-v"]).stdout.starts_with("nimnodeset Version "));
    assert!(sn1.calls().is_empty());
}

// ---- the management node's preprocess (shared `prenimnodeset`) ----

use nim_prime_support::Net;
use std::sync::Arc;
use xcat_handlers::runner::{Cmd, Output, Runner, Target};

/// `net`'s commands as `host` runs them: its own (`Local`) on its state.
struct OnHost {
    host: String,
    net: Arc<Net>,
}

impl Runner for OnHost {
    fn run(&self, target: &Target, cmd: &Cmd, timeout: std::time::Duration) -> Output {
        let t = match target {
            Target::Local => Target::Host(self.host.clone()),
            t => t.clone(),
        };
        self.net.run(&t, cmd, timeout)
    }

    fn xcat(&self, r: Request, t: std::time::Duration) -> Vec<Response> {
        self.net.xcat(r, t)
    }
}

/// mn (nimprime: lpp61, spot61, s1, s2 defined, their files and
/// `postscripts/xcataixscript` on disk under the test's installdir), sn1
/// holding the four resources already, sn2 only its network; the
/// credential files checkCredFiles looks for.
fn prime_net(env: &Env) -> Arc<Net> {
    let net = Net::new(&["sn1", "sn2"]);
    std::fs::write(net.dir.path().join("hosts"), HOSTS).unwrap();
    let inst = net.path("install");
    ins(env, "site", &[("key", "installdir"), ("value", &inst)]);
    let conf = env.ctx.server.confdir.clone();
    for f in [
        "postscripts/_xcat/ca.pem",
        "postscripts/ca/ca-cert.pem",
        "postscripts/hostkeys/ssh_host_rsa_key.pub",
        "postscripts/_ssh/authorized_keys",
        "postscripts/xcataixscript",
        "nim/lpp_source/lpp61/installp/ppc/bos.rte",
        "nim/spot/spot61/usr/lib/boot/unix",
        "nim/scripts/s1",
        "nim/scripts/s2",
    ] {
        let p = net.dir.path().join("install").join(f);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, "x").unwrap();
    }
    std::fs::create_dir_all(conf.join("hostkeys")).unwrap();
    std::fs::write(conf.join("hostkeys/ssh_host_rsa_key.pub"), "x").unwrap();
    for host in ["mn", "sn1", "sn2"] {
        net.sim(
            host,
            "/usr/sbin/nim",
            &[
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
            ],
        );
    }
    let res = [
        (
            "lpp_source",
            "lpp61",
            format!("{inst}/nim/lpp_source/lpp61"),
        ),
        ("spot", "spot61", format!("{inst}/nim/spot")),
        ("script", "s1", format!("{inst}/nim/scripts/s1")),
        ("script", "s2", format!("{inst}/nim/scripts/s2")),
    ];
    for host in ["mn", "sn1"] {
        for (ty, name, loc) in &res {
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
            net.sim(host, "/usr/sbin/nim", &args);
        }
    }
    net.clear();
    Arc::new(net)
}

/// The whole command: the preprocess on mn (nimprime), each part on its
/// host (a part without destination on mn).
fn run_from_mn(env: &Env, net: &Arc<Net>, args: &[&str]) -> (Vec<(String, Vec<String>)>, Out) {
    let cfg = net.cfg();
    let h = Nimnodeset::with_config(cfg);
    let mut ctx = ctx_on(env, "mn");
    ctx.runner = net.clone();
    let parts = h
        .preprocess(&ctx, request("nimnodeset", None, args))
        .unwrap();
    let summary = part_summary(&parts);
    let mut docs: Vec<Response> = Vec::new();
    for p in parts {
        let dest = p.dest.join(",");
        let mut ctx = ctx_on(env, if dest.is_empty() { "mn" } else { &dest });
        ctx.runner = if dest.is_empty() {
            net.clone()
        } else {
            Arc::new(OnHost {
                host: dest.clone(),
                net: net.clone(),
            })
        };
        h.process(&ctx, &p.request, &mut docs).unwrap();
    }
    (summary, output(docs))
}

/// nimsim's calls on `host` since the last `clear`.
fn sim_log(net: &Net, host: &str) -> Vec<String> {
    net.sim_calls(host)
}

/// What mn ran that no simulator logs (rsync, du), in order.
fn mn_tools(net: &Net) -> Vec<String> {
    net.calls_on(&Target::Local)
        .into_iter()
        .filter(|l| !l.starts_with("/usr/sbin/"))
        .collect()
}

fn lines(v: &[&str]) -> Vec<String> {
    v.iter().map(|l| l.to_string()).collect()
}

/// nimprime's listings, then (`xcat`) the xcataixscript steps, then each
/// resource's location and attributes.
fn prime_listing(xcat: &[String], resources: &[&str]) -> Vec<String> {
    let mut v = lines(&["0\tlsnim -P -c resources", "0\tlsnim"]);
    v.extend(xcat.iter().cloned());
    for r in resources {
        v.push(format!("0\tlsnim -a location -Z {r}"));
        v.push(format!("0\tlsnim -l {r}"));
    }
    v
}

const RESOURCES: [&str; 5] = ["lpp61", "spot61", "s1", "s2", "xcataixscript"];

/// xcataixscript made on nimprime (not defined there before).
fn xcataixscript_made(inst: &str) -> Vec<String> {
    vec![
        "53\tlsnim -l xcataixscript".to_string(),
        format!("0\tnim -Fo define -t script -a server=master -a location={inst}/nim/scripts/xcataixscript xcataixscript"),
        format!("1\trmnfsexp -d {inst}/postscripts/xcataixpost -B"),
    ]
}

/// A server's part for cn01 (and cn02) after its resource steps.
fn nodes_part(nodes: &[u8]) -> Vec<String> {
    let mut v = lines(&[
        "0\tnim -Fo check spot61",
        "0\tlsnim -c resources",
        "0\tifconfig -a",
        "0\tlsnim -P -c resources",
    ]);
    v.extend(node_lines(nodes));
    v
}

/// Each node defined, its `Cstate`, its `bos_inst` with xcataixscript.
fn node_lines(nodes: &[u8]) -> Vec<String> {
    let scripts = " -a script=s1 -a script=s2 -a script=xcataixscript";
    let mut v = Vec::new();
    for n in nodes {
        v.push(define_line(*n));
        v.push(format!("0\tlsnim -a Cstate -Z cn0{n}"));
        v.push(bos_inst(scripts, *n));
    }
    v
}

/// make_SN_resource on a service node up to its definitions (`defines`):
/// NIM configured, the nodes' networks, resource types and names, syncs.
fn sn_resource_steps(defines: &[String]) -> Vec<String> {
    let mut v = lines(&[
        "0\tlsnim -l",
        "0\tlsnim -c networks",
        "0\tlsnim -Z -a net_addr -a snm master_net",
        "0\tlsnim -Z -a net_addr -a snm nimnet",
        "0\tlsnim -P -c resources",
        "0\tlsnim -c resources",
        "0\tsync",
        "0\tsync",
        "0\tsync",
    ]);
    v.extend(defines.iter().cloned());
    v
}

/// The image resources defined from nimprime's facts, in name order
/// (the `nim -Fo define` lines of a service node lacking them all).
fn image_defines(inst: &str) -> Vec<String> {
    let scripts = format!("{inst}/nim/scripts");
    let define = |ty: &str, loc: &str, name: &str| {
        format!("0\tnim -Fo define -t {ty} -a server=master -a location={loc} {name}")
    };
    vec![
        define(
            "lpp_source",
            &format!("{inst}/nim/lpp_source/lpp61"),
            "lpp61",
        ),
        define("spot", &format!("{inst}/nim/spot"), "spot61"),
        define("script", &format!("{scripts}/s1"), "s1"),
        define("script", &format!("{scripts}/s2"), "s2"),
        define(
            "script",
            &format!("{scripts}/xcataixscript"),
            "xcataixscript",
        ),
    ]
}

/// A service node's part's messages: the nodes' client definitions.
fn initialized(sn: &str) -> String {
    format!(
        "{sn}: Creating NIM client definition 'cn01.'\n\n\
         {sn}: Creating NIM client definition 'cn02.'\n\n\
         {sn}: AIX/NIM nodes were initialized.\n\n"
    )
}

/// mn's copies in the first run: /etc/hosts and the postscripts to both
/// SNs, then per resource (name order) du on mn and the copy to the SNs
/// lacking it (sn1 only lacks xcataixscript).
fn copies(inst: &str) -> Vec<String> {
    let scripts = format!("{inst}/nim/scripts");
    let (lpp, spot) = (
        format!("{inst}/nim/lpp_source/lpp61"),
        format!("{inst}/nim/spot/spot61"),
    );
    let mut tools = vec![
        "/usr/bin/rsync -pt /etc/hosts sn1:/etc/hosts".to_string(),
        "/usr/bin/rsync -pt /etc/hosts sn2:/etc/hosts".to_string(),
        format!("/usr/bin/rsync -rlpt {inst}/postscripts/ sn1:{inst}/postscripts"),
        format!("/usr/bin/rsync -rlpt {inst}/postscripts/ sn2:{inst}/postscripts"),
        format!("/usr/bin/du -sm {lpp}"),
        format!("/usr/bin/rsync -rlHpEAogDz {lpp} sn2:{inst}/nim/lpp_source"),
    ];
    for f in ["s1", "s2"] {
        tools.push(format!("/usr/bin/du -sm {scripts}"));
        tools.push(format!(
            "/usr/bin/rsync -rlHpEAogDz {scripts}/{f} sn2:{scripts}"
        ));
    }
    tools.push(format!("/usr/bin/du -sm {spot}"));
    tools.push(format!(
        "/usr/bin/rsync -rlHpEAogDz {spot} sn2:{inst}/nim/spot"
    ));
    tools.push(format!("/usr/bin/du -sm {scripts}"));
    for sn in ["sn1", "sn2"] {
        tools.push(format!(
            "/usr/bin/rsync -rlHpEAogDz {scripts}/xcataixscript {sn}:{scripts}"
        ));
    }
    tools
}

/// sn1's and sn2's calls in the first run: the resource list and the space
/// checks (mn's copies), then the part: make_SN_resource defines what was
/// copied from nimprime's definitions (passed by the MN), the nodes'
/// bos_inst with xcataixscript.
fn sn_calls(inst: &str) -> (Vec<String>, Vec<String>) {
    let scripts = format!("{inst}/nim/scripts");
    let (lpp, spot) = (
        format!("{inst}/nim/lpp_source/lpp61"),
        format!("{inst}/nim/spot/spot61"),
    );
    let sn_part = |defines: &[String]| {
        let mut v = vec!["0\tlsnim -c machines".to_string()];
        v.extend(sn_resource_steps(defines));
        v.extend(nodes_part(&[1, 2]));
        v
    };
    let defines = image_defines(inst);
    let mut sn1 = vec![
        "0\tlsnim -c resources".to_string(),
        format!("0\tdf -m {scripts}"),
    ];
    sn1.extend(sn_part(&defines[4..]));
    let mut sn2 = vec![
        "0\tlsnim -c resources".to_string(),
        format!("0\tdf -m {lpp}"),
        format!("0\tdf -m {scripts}"),
        format!("0\tdf -m {scripts}"),
        format!("0\tdf -m {spot}"),
        format!("0\tdf -m {scripts}"),
    ];
    sn2.extend(sn_part(&defines));
    (sn1, sn2)
}

#[test]
fn preprocess_defines_xcataixscript_and_copies_to_the_service_nodes() {
    let env = env();
    let net = prime_net(&env);
    let inst = net.path("install");
    let (parts, out) = run_from_mn(&env, &net, &["cn01,cn02"]);
    // Primary and backup by default; no preprocess message (not -V).
    let s = |v: &[&str]| lines(v);
    assert_eq!(
        parts,
        [
            ("sn1".to_string(), s(&["cn01", "cn02"])),
            ("sn2".to_string(), s(&["cn01", "cn02"])),
        ]
    );
    let sn1_checks = CHECKING.replace("Using existing resource called 'xcataixscript'.\n\n", "");
    assert_eq!(
        out.stdout,
        format!(
            "{sn1_checks}{}Checking NIM resources on sn2.\n\n\
             Creating a SPOT resource on sn2.  This could take a while.\n\n{}",
            initialized("sn1"),
            initialized("sn2")
        )
    );
    assert_eq!((out.stderr.as_str(), out.exit), ("", 0));
    // nimprime: its listings, xcataixscript copied and defined (stock
    // aixinstall.pm:8678-8828), then every image resource's facts.
    assert_eq!(
        sim_log(&net, "mn"),
        prime_listing(&xcataixscript_made(&inst), &RESOURCES)
    );
    // doSNcopy2 / copyres2 on mn (rsync, du).
    assert_eq!(mn_tools(&net), copies(&inst));
    // Each SN: its resource list and the space checks (mn's copies), then
    // its part.
    let (sn1, sn2) = sn_calls(&inst);
    assert_eq!(sim_log(&net, "sn1"), sn1);
    assert_eq!(sim_log(&net, "sn2"), sn2);

    again_with_xcataixscript_kept_or_moved(&env, &net);
}

/// After the first run: cn01 again on its backup only, xcataixscript kept
/// (defined at its place) or, defined elsewhere, removed and made again.
fn again_with_xcataixscript_kept_or_moved(env: &Env, net: &Arc<Net>) {
    let inst = net.path("install");
    let s = |v: &[&str]| lines(v);
    // Again for cn01 on its backup only: xcataixscript is kept (defined at
    // its place), sn2 lacks nothing, so only the common files go there.
    net.clear();
    let (parts, out) = run_from_mn(env, net, &["-f", "-b", "cn01"]);
    assert_eq!(parts, [("sn2".to_string(), s(&["cn01"]))]);
    assert_eq!((out.stderr.as_str(), out.exit), ("", 0));
    let kept = vec![
        "0\tlsnim -l xcataixscript".to_string(),
        "0\tlsnim -a location -Z xcataixscript".to_string(),
        format!("1\trmnfsexp -d {inst}/postscripts/xcataixpost -B"),
    ];
    assert_eq!(sim_log(net, "mn"), prime_listing(&kept, &RESOURCES));
    assert_eq!(
        mn_tools(net),
        [
            "/usr/bin/rsync -pt /etc/hosts sn2:/etc/hosts".to_string(),
            format!("/usr/bin/rsync -rlpt {inst}/postscripts/ sn2:{inst}/postscripts"),
        ]
    );
    assert_eq!(
        sim_log(net, "sn2")[..2],
        lines(&["0\tlsnim -c resources", "0\tlsnim -c machines"])
    );
    assert!(sim_log(net, "sn1").is_empty());

    // Defined elsewhere on nimprime: removed and made again.
    let old = format!("location={inst}/old/xcataixscript");
    let nim = |args: &[&str]| net.sim("mn", "/usr/sbin/nim", args);
    nim(&["-o", "remove", "xcataixscript"]);
    nim(&[
        "-o",
        "define",
        "-t",
        "script",
        "-a",
        "server=master",
        "-a",
        &old,
        "xcataixscript",
    ]);
    net.clear();
    let (_, out) = run_from_mn(env, net, &["-f", "-b", "cn01"]);
    assert_eq!((out.stderr.as_str(), out.exit), ("", 0));
    let mut moved = vec![
        "0\tlsnim -l xcataixscript".to_string(),
        "0\tlsnim -a location -Z xcataixscript".to_string(),
        "0\tnim -Fo remove xcataixscript".to_string(),
    ];
    moved.extend(xcataixscript_made(&inst).split_off(1));
    assert_eq!(sim_log(net, "mn"), prime_listing(&moved, &RESOURCES));
}

#[test]
fn a_missing_lpp_source_or_spot_on_nimprime_ends_the_command() {
    let env = env();
    let net = prime_net(&env);
    let inst = net.path("install");
    let nim = |args: &[&str]| net.sim("mn", "/usr/sbin/nim", args);
    nim(&["-o", "remove", "lpp61"]);
    net.clear();
    let (parts, out) = run_from_mn(&env, &net, &["cn01"]);
    assert_eq!(parts, [(String::new(), Vec::<String>::new())]);
    assert_eq!(
        (out.stdout.as_str(), out.stderr.as_str(), out.exit),
        (
            "",
            "Error: NIM resource lpp61 is not defined on mn.\n\nError: Return=1.\n",
            1
        )
    );
    assert_eq!(
        sim_log(&net, "mn"),
        prime_listing(&xcataixscript_made(&inst), &[])
    );
    // No service node reached.
    assert!(mn_tools(&net).is_empty());
    assert!(sim_log(&net, "sn1").is_empty() && sim_log(&net, "sn2").is_empty());

    let lpp = format!("location={inst}/nim/lpp_source/lpp61");
    nim(&[
        "-o",
        "define",
        "-t",
        "lpp_source",
        "-a",
        "server=master",
        "-a",
        &lpp,
        "lpp61",
    ]);
    nim(&["-o", "remove", "spot61"]);
    net.clear();
    let (_, out) = run_from_mn(&env, &net, &["cn01"]);
    assert_eq!(
        (out.stderr.as_str(), out.exit),
        (
            "Error: NIM resource spot61 is not defined on mn.\n\nError: Return=1.\n",
            1
        )
    );
    let kept = vec![
        "0\tlsnim -l xcataixscript".to_string(),
        "0\tlsnim -a location -Z xcataixscript".to_string(),
        format!("1\trmnfsexp -d {inst}/postscripts/xcataixpost -B"),
    ];
    assert_eq!(sim_log(&net, "mn"), prime_listing(&kept, &["lpp61"]));
    assert!(mn_tools(&net).is_empty());
    assert!(sim_log(&net, "sn1").is_empty() && sim_log(&net, "sn2").is_empty());
}

#[test]
fn too_little_space_on_a_service_node_ends_the_command() {
    let env = env();
    let net = prime_net(&env);
    let inst = net.path("install");
    let tmp = net.dir.path().display().to_string();
    // sn2's file system holding the test directory: 5 MB free, cannot grow.
    net.helper("sn2", &["fs", &tmp, "100", "5", "/dev/lvtest"]);
    net.helper("sn2", &["fault", "chfs", "fail"]);
    let (parts, out) = run_from_mn(&env, &net, &["cn01"]);
    assert_eq!(parts, [(String::new(), Vec::<String>::new())]);
    // lpp61 (1 MB) needs 2 * 1 + 100 MB there: 97 more.
    assert_eq!(
        (out.stdout.as_str(), out.stderr.clone(), out.exit),
        (
            "",
            format!(
                "Error: Could not run: '/usr/sbin/chfs -a size=+97M {tmp}' on sn2.\n\n\
                 Error: Could not copy NIM resources to the service nodes.\n\
                 Error: Could not copy NIM resources to the xCAT service nodes.\n\n\
                 Error: Return=1.\n"
            ),
            1
        )
    );
    let lpp = format!("{inst}/nim/lpp_source/lpp61");
    assert_eq!(
        sim_log(&net, "sn2"),
        [
            "0\tlsnim -c resources".to_string(),
            format!("0\tdf -m {lpp}"),
            format!("1\tchfs -a size=+97M {tmp}"),
        ]
    );
    // Nothing copied, no part on any service node.
    assert!(!mn_tools(&net).iter().any(|l| l.contains("-rlHpEAogDz")));
    assert_eq!(sim_log(&net, "sn1"), ["0\tlsnim -c resources"]);
}

// ---- nimprime another host; xcataixscript failing; sharedinstall=sns ----

/// nimprime is another host (`site.nimprime`): mn's NIM reached as
/// `nimprime` (the runner's "ssh"), so the file steps are commands there.
fn remote_nimprime(env: &Env) {
    ins(env, "site", &[("key", "nimprime"), ("value", "nimprime")]);
}

/// The file tools run on the remote nimprime, in order.
fn prime_tools(net: &Net) -> Vec<String> {
    net.calls_on(&Target::Host("nimprime".into()))
        .into_iter()
        .filter(|l| l.starts_with("/usr/bin/"))
        .collect()
}

/// xcataixscript's copy on a remote nimprime (aixinstall.pm:8732-8733).
fn xcataixscript_copy(inst: &str) -> Vec<String> {
    let scripts = format!("{inst}/nim/scripts");
    vec![
        format!("/usr/bin/mkdir -m 644 -p {scripts}"),
        format!("/usr/bin/cp -p {inst}/postscripts/xcataixscript {scripts}"),
        format!("/usr/bin/chmod +x {scripts}/xcataixscript"),
    ]
}

/// nimprime's look-ups before the xcataixscript copy (full paths).
fn xcataixscript_lookup() -> Vec<String> {
    lines(&[
        "/usr/sbin/lsnim -P -c resources",
        "/usr/sbin/lsnim",
        "/usr/sbin/lsnim -l xcataixscript",
    ])
}

/// `-V`'s lines for commands run on the remote nimprime (stock's runcmd
/// form, `"$msg\n"`).
fn shown_on_nimprime(cmds: &[String]) -> String {
    cmds.iter()
        .map(|c| format!("Running command on nimprime: {c}\n\n"))
        .collect()
}

#[test]
fn verbose_shows_the_xcataixscript_steps_on_a_remote_nimprime() {
    let env = env();
    let net = prime_net(&env);
    remote_nimprime(&env);
    let inst = net.path("install");
    let (_, out) = run_from_mn(&env, &net, &["-V", "cn01"]);
    assert_eq!((out.stderr.as_str(), out.exit), ("", 0), "{}", out.stdout);
    // nimprime's commands as `Running command on nimprime: …` (stock's
    // runcmd form), the file steps between the look-up and the define,
    // before the copies' messages.
    let mut steps = xcataixscript_lookup();
    steps.extend(xcataixscript_copy(&inst));
    steps.extend([
        format!("/usr/sbin/nim -Fo define -t script -a server=master -a location={inst}/nim/scripts/xcataixscript xcataixscript"),
        format!("/usr/sbin/rmnfsexp -d {inst}/postscripts/xcataixpost -B"),
    ]);
    for r in RESOURCES {
        steps.push(format!("/usr/sbin/lsnim -a location -Z {r}"));
        steps.push(format!("/usr/sbin/lsnim -l {r}"));
    }
    let mut want = shown_on_nimprime(&steps);
    // copyres2's size check: du on nimprime, df on the service node.
    let lpp = format!("{inst}/nim/lpp_source/lpp61");
    want += &shown_on_nimprime(&[format!("/usr/bin/du -sm {lpp}")]);
    want += &format!("Running command on sn2: /usr/bin/df -m {lpp}\n\n");
    want += "Copying NIM resource lpp61 to service nodes.\n\n";
    assert!(out.stdout.starts_with(&want), "{}", out.stdout);
    // The copy ran there, before the copies to the service nodes.
    assert_eq!(prime_tools(&net)[..3], xcataixscript_copy(&inst));
    assert!(!prime_tools(&net)[3..]
        .iter()
        .any(|l| l.contains("/usr/bin/chmod")));
}

/// The command ended on nimprime with `stderr` (after `-V`'s `stdout`):
/// `Return=1.`, exit 1, no copy and no service node part (stock
/// aixinstall.pm:280-291).
fn ended_on_nimprime(net: &Net, parts: &[(String, Vec<String>)], out: &Out, std: [&str; 2]) {
    assert_eq!(parts, [(String::new(), Vec::<String>::new())]);
    assert_eq!(
        (out.stdout.as_str(), out.stderr.as_str(), out.exit),
        (std[0], format!("{}Error: Return=1.\n", std[1]).as_str(), 1)
    );
    assert!(!net.calls().iter().any(|(_, l)| l.contains("rsync")));
    assert!(sim_log(net, "sn1").is_empty() && sim_log(net, "sn2").is_empty());
}

const NOT_COPIED: &str = "Error: Could not copy xcataixscript.\n";

#[test]
fn a_failing_xcataixscript_copy_ends_the_command_on_nimprime() {
    let env = env();
    let net = prime_net(&env);
    let inst = net.path("install");
    let copy = xcataixscript_copy(&inst);
    let looked_up = prime_listing(&lines(&["53\tlsnim -l xcataixscript"]), &[]);
    // nimprime this host: the source file missing.
    let source = net.dir.path().join("install/postscripts/xcataixscript");
    std::fs::remove_file(&source).unwrap();
    let (parts, out) = run_from_mn(&env, &net, &["cn01"]);
    ended_on_nimprime(&net, &parts, &out, ["", NOT_COPIED]);
    assert_eq!(sim_log(&net, "mn"), looked_up);
    std::fs::write(&source, "x").unwrap();
    // A remote nimprime: each step failing in turn ends it there.
    remote_nimprime(&env);
    for (i, step) in copy.iter().enumerate() {
        let tool = step.split(' ').next().unwrap();
        net.heal_tools();
        net.fail_tool("nimprime", tool);
        net.clear();
        let (parts, out) = run_from_mn(&env, &net, &["-V", "cn01"]);
        // -V: nimprime's commands up to the failed step.
        let shown = shown_on_nimprime(&[xcataixscript_lookup(), copy[..=i].to_vec()].concat());
        ended_on_nimprime(&net, &parts, &out, [&shown, NOT_COPIED]);
        assert_eq!(prime_tools(&net), copy[..=i]);
        assert_eq!(sim_log(&net, "mn"), looked_up);
    }
}

#[test]
fn a_failing_xcataixscript_define_ends_the_command_on_nimprime() {
    let env = env();
    let net = prime_net(&env);
    let inst = net.path("install");
    net.helper("mn", &["fault", "nim:define:xcataixscript", "fail"]);
    let (parts, out) = run_from_mn(&env, &net, &["cn01"]);
    let failed = "Error: Could not create a NIM resource for xcataixscript.\n\n";
    ended_on_nimprime(&net, &parts, &out, ["", failed]);
    // Copied, the define failed (nimsim's fault), no xcataixpost clean-up.
    let define = format!("nim -Fo define -t script -a server=master -a location={inst}/nim/scripts/xcataixscript xcataixscript");
    let made = [
        "53\tlsnim -l xcataixscript".to_string(),
        format!("1\t{define}"),
    ];
    assert_eq!(sim_log(&net, "mn"), prime_listing(&made, &[]));
    assert!(net
        .dir
        .path()
        .join("install/nim/scripts/xcataixscript")
        .exists());

    // Defined elsewhere and its removal failing: stock goes on, the define
    // then fails the same way (NIM: the object exists; aixinstall.pm:8708-8722).
    let old = format!("location={inst}/old/xcataixscript");
    let def_old = [
        "-o",
        "define",
        "-t",
        "script",
        "-a",
        "server=master",
        "-a",
        &old,
    ];
    net.sim(
        "mn",
        "/usr/sbin/nim",
        &[&def_old[..], &["xcataixscript"]].concat(),
    );
    net.helper("mn", &["fault", "nim:remove:xcataixscript", "fail"]);
    net.clear();
    let (parts, out) = run_from_mn(&env, &net, &["cn01"]);
    ended_on_nimprime(&net, &parts, &out, ["", failed]);
    let moved = [
        "0\tlsnim -l xcataixscript".to_string(),
        "0\tlsnim -a location -Z xcataixscript".to_string(),
        "1\tnim -Fo remove xcataixscript".to_string(),
        format!("32\t{define}"),
    ];
    assert_eq!(sim_log(&net, "mn"), prime_listing(&moved, &[]));
}

/// doSFScopy on mn (nimprime, `sharedinstall=sns`; aixinstall.pm:10656-10974):
/// `/etc/hosts` to both service nodes, the postscripts (no prescripts on
/// nimprime) and every resource (du, rsync) through sn1 only.
fn sfs_copies(inst: &str) -> Vec<String> {
    let rsync = "/usr/bin/rsync -rlHpEAogDz";
    let mut v = vec![
        format!("{rsync} /etc/hosts sn1:/etc/"),
        format!("{rsync} /etc/hosts sn2:/etc/"),
        format!("{rsync} {inst}/postscripts sn1:{inst}"),
        format!("/usr/bin/ls {inst}/prescripts"),
    ];
    for (dir, res) in sfs_resources(inst) {
        let src = if dir.ends_with("scripts") {
            format!("{dir}/{res}")
        } else {
            dir.clone()
        };
        let parent = src.rsplit_once('/').map(|p| p.0).unwrap_or_default();
        v.push(format!("/usr/bin/du -sm {dir}"));
        v.push(format!("{rsync} {src} sn1:{parent}"));
    }
    v
}

/// The resources doSFScopy copies, in the image's order: the directory
/// copyres2 sizes (and makes on sn1) for each.
fn sfs_resources(inst: &str) -> Vec<(String, &'static str)> {
    let scripts = format!("{inst}/nim/scripts");
    vec![
        (format!("{inst}/nim/lpp_source/lpp61"), "lpp61"),
        (format!("{inst}/nim/spot/spot61"), "spot61"),
        (scripts.clone(), "s1"),
        (scripts.clone(), "s2"),
        (scripts, "xcataixscript"),
    ]
}

/// A service node's NIM calls with `sharedinstall=sns`: the allocation
/// check of every resource (`absent`: not defined there), sn1's space
/// checks (`df`), defSNres (the definitions it lacks, the SPOT checked),
/// then its part (make_SN_resource again, as stock, aixinstall.pm:769-775).
fn sns_sn_calls(absent: &[&str], df: &[String], defines: &[String]) -> Vec<String> {
    let mut v: Vec<String> = ["lpp61", "spot61", "s1", "s2", "xcataixscript"]
        .iter()
        .map(|r| {
            let rc = if absent.contains(r) { 53 } else { 0 };
            format!("{rc}\tlsnim -a alloc_count -Z {r}")
        })
        .collect();
    v.extend(df.iter().map(|d| format!("0\tdf -m {d}")));
    v.extend(sn_resource_steps(defines));
    v.push("0\tnim -Fo check spot61".into());
    v.extend(calls_with(1, &node_lines(&[1, 2])));
    v
}

#[test]
fn sharedinstall_sns_copies_through_one_service_node_and_defines_on_each() {
    let env = env();
    let net = prime_net(&env);
    ins(&env, "site", &[("key", "sharedinstall"), ("value", "sns")]);
    let inst = net.path("install");
    let (parts, out) = run_from_mn(&env, &net, &["cn01,cn02"]);
    let s = |v: &[&str]| lines(v);
    assert_eq!(
        parts,
        [
            (String::new(), Vec::new()),
            ("sn1".to_string(), s(&["cn01", "cn02"])),
            ("sn2".to_string(), s(&["cn01", "cn02"])),
        ]
    );
    // defSNres' messages, then each service node's part.
    let def_sn_res = "Checking NIM resources on sn1.\n\n\
         sn1: Using existing resource called 'lpp61'.\n\n\
         sn1: Using existing resource called 'spot61'.\n\n\
         Checking NIM resources on sn2.\n\n\
         Creating a SPOT resource on sn2.  This could take a while.\n\n";
    let sn2_checks = CHECKING.replace("on sn1", "on sn2");
    assert_eq!(
        out.stdout,
        format!(
            "{def_sn_res}{CHECKING}{}{sn2_checks}{}",
            initialized("sn1"),
            initialized("sn2")
        )
    );
    assert_eq!((out.stderr.as_str(), out.exit), ("", 0));
    // nimprime as without sns; doSFScopy's copies from it through sn1 only
    // (copyres2 makes each directory there first), nothing copied to sn2.
    assert_eq!(
        sim_log(&net, "mn"),
        prime_listing(&xcataixscript_made(&inst), &RESOURCES)
    );
    assert_eq!(mn_tools(&net), sfs_copies(&inst));
    let dirs: Vec<String> = sfs_resources(&inst).into_iter().map(|r| r.0).collect();
    let tools_on = |sn: &str| -> Vec<String> {
        let on = net.calls_on(&Target::Host(sn.into()));
        on.into_iter()
            .filter(|l| l.starts_with("/usr/bin/"))
            .collect()
    };
    // copyres2 on sn1 for each: the directory made, the space checked.
    let sn1_steps: Vec<String> = dirs
        .iter()
        .flat_map(|d| {
            [
                format!("/usr/bin/mkdir -m 644 -p {d}"),
                format!("/usr/bin/df -m {d}"),
            ]
        })
        .collect();
    assert_eq!(tools_on("sn1"), sn1_steps);
    assert!(tools_on("sn2").is_empty());
    // sn1 held the resources but xcataixscript; sn2 none of them.
    let defines = image_defines(&inst);
    let sn1 = sns_sn_calls(&["xcataixscript"], &dirs, &defines[4..]);
    assert_eq!(sim_log(&net, "sn1"), sn1);
    let all = ["lpp61", "spot61", "s1", "s2", "xcataixscript"];
    assert_eq!(sim_log(&net, "sn2"), sns_sn_calls(&all, &[], &defines));
}
