//! nimnodeset against the NIM simulator: the per-service-node split, the
//! exact NIM command sequence per host (machine defined when missing,
//! `bos_inst` with the image's resources in name order and stock's
//! defaults, `attr=val` overrides), the `Cstate` refusal and `-f`, the
//! non-standalone refusal, `nodetype` written, usage and refusals.

mod nim_support;

use nim_support::*;
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

/// A simulated SN with the network, lpp_source, spot and two scripts.
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
/// image): our look-up of what this server lacks (`lsnim -c resources`),
/// then `make_sn_resources` (NIM configured, the nodes' networks, resource
/// types and names, three syncs, the SPOT checked) and `chk_resolv_conf`
/// (resources, this server's addresses).
fn resource_steps(checks: usize) -> Vec<String> {
    let mut v = vec![
        "lsnim -c resources",
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
     Using existing resource called 's2'.\n\n";

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
fn split_is_primary_and_backup_by_default() {
    let env = env();
    let parts = Nimnodeset::default()
        .preprocess(
            &ctx_on(&env, "mn"),
            request("nimnodeset", None, &["compute"]),
        )
        .unwrap();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(
        part_summary(&parts),
        [
            ("sn1".to_string(), s(&["cn01", "cn02"])),
            ("sn2".to_string(), s(&["cn01", "cn02", "cn03"])),
        ]
    );
    let parts = Nimnodeset::default()
        .preprocess(
            &ctx_on(&env, "mn"),
            request("nimnodeset", None, &["-b", "cn01"]),
        )
        .unwrap();
    assert_eq!(part_summary(&parts), [("sn2".to_string(), s(&["cn01"]))]);
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
    let scripts = " -a script=s1 -a script=s2";
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
