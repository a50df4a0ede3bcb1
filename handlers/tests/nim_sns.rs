//! `sharedinstall=sns` for the mkdsklsnode preprocess, against one NIM
//! simulator per service node: `defSNres` (the exact NIM command sequence
//! on each service node, reused definitions, the shared_root moved aside
//! and back, refusals) and `doSFScopy` (what is copied to the one target
//! service node, allocations found on any server, the statelite-only copy).
//! The management node is `mn` (this server and nimprime); commands for a
//! service node run in its simulator (the runner routes by host, as ssh
//! would), other commands are recorded.

mod nim_support;

use nim_support::*;
use std::collections::BTreeMap;
use std::time::Duration;
use xcat_handlers::api::Responder;
use xcat_handlers::nim::cmd::NimConfig;
use xcat_handlers::nim::model::{Image, NodeNet, Reply, Resources};
use xcat_handlers::nim::sns::copy::{do_sfs_copy, CopyJob, SfsCopy};
use xcat_handlers::nim::sns::define::{def_sn_res, DefSnRes};
use xcat_handlers::runner::Target;
use xcat_proto::Response;

/// What runs here for real; the rest (rsync) is recorded as a success.
const REAL: &[&str] = &["/usr/bin/test", "/usr/bin/rm", "/usr/bin/ls"];

const HOSTS: &str = "198.18.0.21 cn01\n198.18.0.22 cn02\n198.18.0.25 cn05\n";

/// A simulated SN whose NIM already has the nodes' network (198.18.0.0/24).
fn sim(name: &str) -> SimHost {
    let h = SimHost::new(name, HOSTS);
    h.define_net198("net198");
    h.reset_log();
    h
}

fn image(name: &str, nimtype: &str, attrs: &[(&str, &str)]) -> Image {
    let mut a: BTreeMap<String, String> = attrs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    a.insert("nimtype".into(), nimtype.into());
    Image {
        name: name.into(),
        attrs: a,
    }
}

/// 71dskls: spot, shared_root (in `sr_base`), paging, dump, bosinst_data
/// and an lpp_source that is not copied nor defined (diskless).
fn dskls(sr_base: &str) -> (Image, Resources) {
    let img = image(
        "71dskls",
        "diskless",
        &[
            ("lpp_source", "71lpp"),
            ("spot", "71spot"),
            ("shared_root", "71sr"),
            ("paging", "71paging"),
            ("dump", "71dump"),
            ("bosinst_data", "71bid"),
        ],
    );
    let mut r = Resources::default();
    for (res, loc) in [
        ("71lpp", "/install/nim/lpp_source/71lpp".to_string()),
        ("71spot", "/install/nim/spot/71spot/usr".to_string()),
        ("71sr", format!("{sr_base}/shared_root/71sr")),
        ("71paging", "/install/nim/paging/71paging".to_string()),
        ("71dump", "/install/nim/dump/71dump".to_string()),
        ("71bid", "/install/nim/bosinst_data/71bid".to_string()),
    ] {
        r.locations.insert(res.into(), loc);
    }
    r.attrs.insert(
        "71dump".into(),
        [("max_dumps", "2"), ("class", "resources")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    );
    (img, r)
}

/// cn01's network (what getNetwkInfo gives).
fn nets() -> BTreeMap<String, NodeNet> {
    let net = NodeNet {
        netname: "net198".into(),
        net: "198.18.0.0".into(),
        mask: "255.255.255.0".into(),
        gateway: "198.18.0.254".into(),
        ..NodeNet::default()
    };
    ["cn01", "cn02"]
        .iter()
        .map(|n| (n.to_string(), net.clone()))
        .collect()
}

fn reply_into(docs: &mut Vec<Response>) -> Reply<'_> {
    Reply::new(docs as &mut dyn Responder, false)
}

fn texts(docs: &[Response]) -> Vec<String> {
    let p = print_from(docs, "mn");
    p.stdout
        .lines()
        .chain(p.stderr.lines())
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn def_sn_res_defines_every_resource_on_each_service_node() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("nim");
    let sr = base.join("shared_root/71sr");
    std::fs::create_dir_all(sr.join("etc/.client_data")).unwrap();
    std::fs::write(sr.join("etc/.client_data/hosts.cn09"), "keep").unwrap();
    let base = base.display().to_string();
    let (img, res) = dskls(&base);
    let sn1 = sim("sn1");
    let sn2 = sim("sn2");
    // sn2 already holds the bosinst_data.
    sn2.sh(
        "/usr/sbin/nim",
        &[
            "-o",
            "define",
            "-t",
            "bosinst_data",
            "-a",
            "server=master",
            "-a",
            "location=/x/71bid",
            "71bid",
        ],
    );
    sn2.reset_log();
    let router = Router::new("mn", &[&sn1, &sn2], REAL);
    let cfg = NimConfig::default();
    let attrs = BTreeMap::new();
    let p = DefSnRes {
        runner: &router,
        cfg: &cfg,
        this_host: "mn",
        nfsv4: true,
        domain: Some("cluster.net"),
        installdir: "/install",
        attrs: &attrs,
        resources: &res,
        nfs_restart_pause: Duration::from_millis(1),
    };
    let sn_nodes: BTreeMap<String, Vec<String>> = [
        ("mn".to_string(), vec!["cn05".to_string()]),
        (
            "sn1".to_string(),
            vec!["cn01".to_string(), "cn02".to_string()],
        ),
        ("sn2".to_string(), vec!["cn01".to_string()]),
    ]
    .into();
    let node_image: BTreeMap<String, Image> = ["cn01", "cn02", "cn05"]
        .iter()
        .map(|n| (n.to_string(), img.clone()))
        .collect();
    let mut docs = Vec::new();
    let mut reply = reply_into(&mut docs);
    let ok = def_sn_res(&p, &sn_nodes, &node_image, &nets(), &mut reply).unwrap();
    assert!(ok, "{:?}", texts(&docs));
    let srloc = format!("{base}/shared_root/71sr");
    let defs = |skip_bid: bool| {
        let mut v = vec![
            "0\tlsnim -l".to_string(),
            "0\tchnfsdom".into(),
            "0\tchnfsdom cluster.net".into(),
            "0\tstopsrc -g nfs".into(),
            "0\tstartsrc -g nfs".into(),
            "0\tlsnim -FZ -a nfs_domain master".into(),
            "0\tnim -Fo change -a nfs_domain=cluster.net master".into(),
            "0\tlsnim -c networks".into(),
            "0\tlsnim -Z -a net_addr -a snm master_net".into(),
            "0\tlsnim -Z -a net_addr -a snm net198".into(),
            "0\tlsnim -P -c resources".into(),
            "0\tlsnim -c resources".into(),
            "0\tsync".into(),
            "0\tsync".into(),
            "0\tsync".into(),
            "0\tnim -Fo define -t spot -a server=master -a location=/install/nim/spot -a nfs_vers=4 71spot".into(),
        ];
        if !skip_bid {
            v.push("0\tnim -Fo define -t bosinst_data -a server=master -a location=/install/nim/bosinst_data/71bid -a nfs_vers=4 71bid".into());
        }
        v.extend([
            "0\tnim -Fo define -t dump -a server=master -a max_dumps=2 -a nfs_vers=4 -a location=/install/nim/dump/71dump 71dump".to_string(),
            "0\tnim -Fo define -t paging -a server=master -a nfs_vers=4 -a location=/install/nim/paging/71paging 71paging".into(),
        ]);
        v
    };
    let mut want1 = defs(false);
    want1.extend([
        format!("0\tmvdir {srloc} {srloc}.bak"),
        format!("0\tnim -Fo define -t shared_root -a server=master -a nfs_vers=4 -a spot=71spot -a location={base}/shared_root/71sr 71sr"),
        format!("0\tmvdir {srloc}.bak {srloc}"),
        "0\tnim -Fo check 71spot".into(),
    ]);
    assert_eq!(sn1.calls(), want1);
    // The shared_root's existing client data is back in place.
    assert_eq!(
        std::fs::read_to_string(sr.join("etc/.client_data/hosts.cn09")).unwrap(),
        "keep"
    );
    let mut want2 = defs(true);
    want2.extend([
        format!("0\tmvdir {srloc} {srloc}.bak"),
        format!("0\tnim -Fo define -t shared_root -a server=master -a nfs_vers=4 -a spot=71spot -a location={base}/shared_root/71sr 71sr"),
        format!("0\tmvdir {srloc}.bak {srloc}"),
        "0\tnim -Fo check 71spot".into(),
    ]);
    assert_eq!(sn2.calls(), want2);
    // Nothing ran for the management node's own part; the non-NIM commands
    // in order on sn1.
    let log = router.log();
    assert!(log.iter().all(|(t, _)| *t != Target::Local));
    let sn1_other: Vec<&str> = log
        .iter()
        .filter(|(t, l)| {
            *t == Target::Host("sn1".into())
                && (l.starts_with("/usr/bin/test") || l.starts_with("/usr/bin/rm"))
        })
        .map(|(_, l)| l.as_str())
        .collect();
    assert_eq!(
        sn1_other,
        [
            format!("/usr/bin/test -d {srloc}"),
            format!("/usr/bin/rm -Rf {srloc}")
        ]
    );
    assert_eq!(
        texts(&docs),
        [
            "Checking NIM resources on sn1.",
            "Creating a SPOT resource on sn1.  This could take a while.",
            "Checking NIM resources on sn2.",
            "Creating a SPOT resource on sn2.  This could take a while.",
            "sn2: Using existing resource called '71bid'.",
        ]
    );
    // Run again: everything exists, nothing is defined.
    sn1.reset_log();
    let mut docs = Vec::new();
    let mut reply = reply_into(&mut docs);
    let only_sn1: BTreeMap<String, Vec<String>> =
        [("sn1".to_string(), vec!["cn01".to_string()])].into();
    def_sn_res(&p, &only_sn1, &node_image, &nets(), &mut reply).unwrap();
    assert!(
        !sn1.calls().iter().any(|l| l.contains("-Fo define")),
        "{:?}",
        sn1.calls()
    );
    assert_eq!(
        texts(&docs)[1..],
        [
            "sn1: Using existing resource called '71spot'.",
            "sn1: Using existing resource called '71bid'.",
            "sn1: Using existing resource called '71dump'.",
            "sn1: Using existing resource called '71paging'.",
            "sn1: Using existing resource called '71sr'.",
        ]
    );
}

#[test]
fn def_sn_res_refuses_bad_values_before_any_command_for_them() {
    let sn1 = sim("sn1");
    let router = Router::new("mn", &[&sn1], REAL);
    let cfg = NimConfig::default();
    let (mut img, res) = dskls("/install/nim");
    img.attrs.insert("spot".into(), "71spot;reboot".into());
    img.attrs.remove("shared_root");
    let attrs = BTreeMap::new();
    let p = DefSnRes {
        runner: &router,
        cfg: &cfg,
        this_host: "mn",
        nfsv4: false,
        domain: None,
        installdir: "/install",
        attrs: &attrs,
        resources: &res,
        nfs_restart_pause: Duration::ZERO,
    };
    let sn_nodes: BTreeMap<String, Vec<String>> = [
        ("sn1".to_string(), vec!["cn01".to_string()]),
        ("sn9;id".to_string(), vec!["cn02".to_string()]),
    ]
    .into();
    let node_image: BTreeMap<String, Image> =
        [("cn01".to_string(), img.clone()), ("cn02".to_string(), img)].into();
    let mut docs = Vec::new();
    let mut reply = reply_into(&mut docs);
    let ok = def_sn_res(&p, &sn_nodes, &node_image, &nets(), &mut reply).unwrap();
    assert!(!ok);
    let t = texts(&docs);
    assert!(t.contains(&"Error: [mn]: Invalid value '71spot;reboot' of attribute 'spot' for '71dskls': not a valid NIM object name.".to_string()), "{t:?}");
    assert!(t.contains(&"Error: [mn]: Invalid value 'sn9;id' of attribute 'servicenode' for 'sn9;id': not a host name.".to_string()), "{t:?}");
    assert!(router
        .log()
        .iter()
        .all(|(t, l)| !l.contains(';') && *t != Target::Host("sn9;id".into())));
    assert!(!sn1.calls().iter().any(|l| l.contains("reboot")));
    // Without the nodes' networks nothing runs (stock's text).
    sn1.reset_log();
    let mut docs = Vec::new();
    let mut reply = reply_into(&mut docs);
    let only_sn1: BTreeMap<String, Vec<String>> =
        [("sn1".to_string(), vec!["cn01".to_string()])].into();
    let ok = def_sn_res(&p, &only_sn1, &node_image, &BTreeMap::new(), &mut reply).unwrap();
    assert!(!ok);
    assert_eq!(
        texts(&docs),
        [
            "Error: [mn]: Could not get xCAT network definitions for one or",
            " more nodes."
        ]
    );
    assert!(sn1.calls().is_empty());
}

#[test]
fn do_sfs_copy_copies_to_one_service_node_and_skips_allocated_resources() {
    let sn1 = sim("sn1");
    let sn2 = sim("sn2");
    // On sn2 the shared_root is allocated to cn05.
    let nim = |args: &[&str]| sn2.sh("/usr/sbin/nim", args);
    nim(&[
        "-o",
        "define",
        "-t",
        "spot",
        "-a",
        "server=master",
        "-a",
        "location=/install/nim/spot",
        "71spot",
    ]);
    nim(&[
        "-o",
        "define",
        "-t",
        "shared_root",
        "-a",
        "server=master",
        "-a",
        "spot=71spot",
        "-a",
        "location=/install/nim/shared_root/71sr",
        "71sr",
    ]);
    nim(&[
        "-o",
        "define",
        "-t",
        "standalone",
        "-a",
        "if1=find_net cn05 0",
        "cn05",
    ]);
    nim(&["-o", "allocate", "-a", "shared_root=71sr", "cn05"]);
    sn2.reset_log();
    let router = Router::new("mn", &[&sn1, &sn2], REAL);
    let cfg = NimConfig::default();
    let (img, res) = dskls("/install/nim");
    let standalone = image(
        "71std",
        "standalone",
        &[
            ("lpp_source", "71lpp"),
            ("spot", "71spot"),
            ("script", "s1,s2"),
        ],
    );
    let mut res = res;
    res.locations
        .insert("s1".into(), "/install/nim/script/s1".into());
    res.locations
        .insert("s2".into(), "/install/nim/script/s2".into());
    let p = SfsCopy {
        runner: &router,
        cfg: &cfg,
        this_host: "mn",
        nimprime: "mn",
        installdir: "/install",
        resources: &res,
    };
    let mut jobs: Vec<CopyJob> = Vec::new();
    let mut copier = |j: &CopyJob, _: &mut Reply| -> Result<bool, xcat_handlers::api::Aborted> {
        jobs.push(j.clone());
        Ok(true)
    };
    let mut docs = Vec::new();
    let mut reply = reply_into(&mut docs);
    let sns = ["mn".to_string(), "sn1".to_string(), "sn2".to_string()];
    let ok = do_sfs_copy(
        &p,
        &sns,
        &sns[1..],
        &[img, standalone],
        &mut copier,
        &mut reply,
    )
    .unwrap();
    assert!(ok, "{:?}", texts(&docs));
    let copied: Vec<(String, String, String)> = jobs
        .iter()
        .map(|j| (j.res.clone(), j.location.clone(), j.sns.join(",")))
        .collect();
    assert_eq!(
        copied,
        [
            (
                "71spot".to_string(),
                "/install/nim/spot/71spot/usr".to_string(),
                "sn1".to_string()
            ),
            (
                "71bid".into(),
                "/install/nim/bosinst_data/71bid".into(),
                "sn1".into()
            ),
            (
                "71lpp".into(),
                "/install/nim/lpp_source/71lpp".into(),
                "sn1".into()
            ),
            ("s1".into(), "/install/nim/script/s1".into(), "sn1".into()),
            ("s2".into(), "/install/nim/script/s2".into(), "sn1".into()),
        ],
        "dump, paging, the allocated shared_root and the diskless lpp_source are not copied"
    );
    assert_eq!(
        texts(&docs),
        [
            "NIM resource 71sr is currently allocated on service node sn2 and will not be re-copied to the service nodes.",
            "Copying xCAT statelite files to service node sn1.",
        ]
    );
    let local = router
        .log()
        .into_iter()
        .filter(|(t, _)| *t == Target::Local);
    let local = xcat_tests::fan_sorted(local.map(|(_, l)| l).collect());
    assert_eq!(
        local[..5],
        [
            "/usr/bin/rsync -rlHpEAogDz /etc/hosts sn1:/etc/".to_string(),
            "/usr/bin/rsync -rlHpEAogDz /etc/hosts sn2:/etc/".into(),
            "/usr/bin/rsync -rlHpEAogDz /install/postscripts sn1:/install".into(),
            "/usr/bin/ls /install/prescripts".into(),
            // (no prescripts on this machine: not copied)
            format!(
                "sh -c {} sh /install/nim/shared_root/71sr sn1",
                shell_word_of_files_script()
            ),
        ]
    );
    assert_eq!(local.len(), 6, "{local:?}");
    // The allocation checks: lsnim on each service node, nothing else there.
    for h in [&sn1, &sn2] {
        assert!(
            h.calls()
                .iter()
                .all(|l| l.contains("lsnim -a alloc_count -Z ")),
            "{:?}",
            h.calls()
        );
    }
    assert!(sn2
        .calls()
        .contains(&"0\tlsnim -a alloc_count -Z 71sr".to_string()));
}

fn shell_word_of_files_script() -> String {
    let cmd = xcat_handlers::nim::sns::statelite::files_cmd("/x", "y");
    xcat_handlers::runner::shell_quote(&cmd.args[1])
}

#[test]
fn the_dump_target_reads_from_the_simulators_lsnim_a_format() {
    let sn2 = sim("sn2");
    sn2.sh(
        "/usr/sbin/nim",
        &[
            "-o",
            "define",
            "-t",
            "dump",
            "-a",
            "server=master",
            "-a",
            "location=/install/nim/dump/71dump",
            "-a",
            "dump_target=iqn.2026-01.net.cluster:dump1",
            "-a",
            "dump_lunid=0x3",
            "71dump",
        ],
    );
    let out = sn2.sh(
        "/usr/sbin/lsnim",
        &["-a", "dump_target", "-a", "dump_lunid", "71dump"],
    );
    let s = xcat_handlers::nim::parse::stanzas(&out);
    assert_eq!(
        s[0].get("dump_target"),
        Some("iqn.2026-01.net.cluster:dump1")
    );
    assert_eq!(s[0].get("dump_lunid"), Some("0x3"));
}
