//! NIM resources made on a service node (`make_SN_resource`,
//! `checkNIMnetworks`, `chk_resolv_conf`; xCAT-server/lib/xcat/plugins/aixinstall.pm:13042-13727,
//! 12773-13014, 4716-5219)
//! against the NIM simulator: the exact command sequence of a fresh SN (NIM
//! set-up, network, every resource of a diskless image), an SN that has
//! everything already, a define that fails and the rest carries on, NFSv4,
//! the shared_root kept under `-d`, bad values refused before any command,
//! and each resolv_conf choice.

mod nim_support;

use nim_support::*;
use std::collections::BTreeMap;
use std::net::IpAddr;
use xcat_handlers::api::Aborted;
use xcat_handlers::nim::cmd::{Nim, NimConfig};
use xcat_handlers::nim::model::{Image, NodeNet, Reply, Resources};
use xcat_handlers::nim::resources::{
    check_nim_networks, chk_resolv_conf, make_sn_resources, ResolvNode, ResolvParams, Resolver,
    SnOutcome, SnResources,
};
use xcat_handlers::runner::{SystemRunner, Target};
use xcat_proto::Response;

const HOSTS: &str = "127.0.0.1 localhost\n198.18.0.11 cn01\n";

/// The nodes' network: on loopback (127.0.0.0/24), so the SN has an
/// address in it whatever the test machine's other interfaces are.
fn lo_net() -> NodeNet {
    NodeNet {
        netname: "net127".into(),
        net: "127.0.0.0".into(),
        mask: "255.255.255.0".into(),
        gateway: "127.0.0.254".into(),
        mgtifname: "eth0".into(),
        nameservers: String::new(),
        domain: String::new(),
    }
}

fn image(pairs: &[(&str, &str)]) -> Image {
    Image {
        name: "71dskls".into(),
        attrs: pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

/// 71dskls: diskless, spot, shared_root, paging, dump, resolv_conf, two
/// installp_bundles; its lpp_source is not defined on an SN (diskless).
fn dskls_image() -> Image {
    image(&[
        ("nimtype", "diskless"),
        ("lpp_source", "71_lpp"),
        ("spot", "71dskls"),
        ("shared_root", "71dskls_shared_root"),
        ("paging", "71dskls_paging"),
        ("dump", "71dskls_dump"),
        ("resolv_conf", "71_resolv"),
        ("installp_bundle", "b1,b2"),
    ])
}

/// nimprime's locations and attributes of those resources.
fn nimprime(root: &str) -> Resources {
    let mut r = Resources::default();
    for (n, l) in [
        ("71_lpp", "/install/nim/lpp_source/71_lpp"),
        ("71dskls", "/install/nim/spot/71dskls/usr"),
        (
            "71dskls_shared_root",
            "/install/nim/shared_root/71dskls_shared_root",
        ),
        ("71dskls_paging", "/install/nim/paging/71dskls_paging"),
        ("71dskls_dump", "/install/nim/dump/71dskls_dump"),
        (
            "71_resolv",
            "/install/nim/resolv_conf/71_resolv/resolv.conf",
        ),
        ("b1", "/install/nim/installp_bundle/b1.bnd"),
        ("b2", "/install/nim/installp_bundle/b2.bnd"),
    ] {
        let l = l.replacen("/install", root, 1);
        r.locations.insert(n.into(), l);
    }
    let attrs = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    r.attrs.insert(
        "71dskls".into(),
        attrs(&[("Rstate", "ready for use"), ("auto_expand", "yes")]),
    );
    r.attrs.insert(
        "71dskls_dump".into(),
        attrs(&[("max_dumps", "2"), ("location", "/x"), ("dumpsize", "64")]),
    );
    r
}

/// What `make_sn_resources` sends, printed as the client shows it.
struct Run {
    outcome: Result<SnOutcome, Aborted>,
    out: Out,
}

fn nim_on(host: &SimHost) -> (SystemRunner, NimConfig) {
    (
        SystemRunner::new(Box::new(|_, _| Vec::new())),
        NimConfig::default().with_command_root(&host.root),
    )
}

fn make(host: &SimHost, p: &SnResources, verbose: bool) -> Run {
    let (runner, cfg) = nim_on(host);
    let nim = Nim::new(&runner, Target::Local, &cfg);
    let mut docs: Vec<Response> = Vec::new();
    let outcome = {
        let mut reply = Reply::new(&mut docs, verbose);
        make_sn_resources(&nim, &mut reply, p)
    };
    Run {
        outcome,
        out: output(docs),
    }
}

fn params<'a>(
    images: &'a [Image],
    res: &'a Resources,
    nets: &'a [NodeNet],
    attrs: &'a BTreeMap<String, String>,
) -> SnResources<'a> {
    SnResources {
        sname: "sn1",
        images,
        nimprime: res,
        nets,
        attrs,
        nfsv4: false,
        domain: Some("cluster.test"),
        installdir: "/install",
        keep_shared_root: false,
    }
}

/// The adapter host NIM gets for 127.0.0.1 (the system's reverse lookup).
fn lo_host() -> String {
    dns_lookup::lookup_addr(&IpAddr::from([127, 0, 0, 1])).unwrap_or_else(|_| "127.0.0.1".into())
}

fn calls(host: &SimHost) -> Vec<String> {
    host.calls()
}

/// The network and master-interface commands for net127 on a fresh SN.
fn network_lines() -> Vec<String> {
    vec![
        "0\tlsnim -c networks".into(),
        "0\tlsnim -Z -a net_addr -a snm master_net".into(),
        "0\tnim -Fo define -t ent -a net_addr=127.0.0.0 -a snm=255.255.255.0 -a routing1=default 127.0.0.254 net127".into(),
        "0\tifconfig -a".into(),
        "0\tlsnim -A if master".into(),
        "0\tlsnim -A cable_type master".into(),
        format!("0\tnim -Fo change -a if2=net127 {} 0 -a cable_type2=N/A master", lo_host()),
        "0\tlsnim -a if1 -Z master".into(),
        "0\tlsnim -A routing net127".into(),
        "0\tnim -Fo change -a routing2=master_net 127.0.0.254 sn1 net127".into(),
    ]
}

#[test]
fn fresh_service_node_gets_network_and_every_resource() {
    let sn = SimHost::new("sn1", HOSTS);
    sn.admin(&["reset"]);
    let (images, res, nets, attrs) = (
        [dskls_image()],
        nimprime("/install"),
        [lo_net(), lo_net()],
        BTreeMap::new(),
    );
    let run = make(&sn, &params(&images, &res, &nets, &attrs), false);
    let outcome = run.outcome.unwrap();
    assert!(outcome.completed);
    assert_eq!(outcome.failed, Vec::<String>::new());
    assert_eq!(
        outcome.defined,
        [
            "71dskls",
            "71dskls_dump",
            "b1",
            "b2",
            "71dskls_paging",
            "71_resolv",
            "71dskls_shared_root"
        ]
    );
    assert_eq!(
        run.out.stdout,
        "Checking NIM resources on sn1.\n\nCreating a SPOT resource on sn1.  This could take a while.\n\n"
    );
    assert_eq!((run.out.stderr.as_str(), run.out.exit), ("", 0));
    let mut want: Vec<String> = vec![
        "27\tlsnim -l".into(), // NIM not configured yet (0042-027)
        "0\tnim_master_setup -a mk_resource=no".into(),
    ];
    want.extend(network_lines());
    want.extend(
        [
            "0\tlsnim -P -c resources",
            "0\tlsnim -c resources",
            "0\tsync",
            "0\tsync",
            "0\tsync",
            "0\tnim -Fo define -t spot -a server=master -a location=/install/nim/spot -a auto_expand=yes 71dskls",
            "0\tnim -Fo define -t dump -a server=master -a dumpsize=64 -a max_dumps=2 -a location=/install/nim/dump/71dskls_dump 71dskls_dump",
            "0\tnim -Fo define -t installp_bundle -a server=master -a location=/install/nim/installp_bundle/b1.bnd b1",
            "0\tnim -Fo define -t installp_bundle -a server=master -a location=/install/nim/installp_bundle/b2.bnd b2",
            "0\tnim -Fo define -t paging -a server=master -a location=/install/nim/paging/71dskls_paging 71dskls_paging",
            "0\tnim -Fo define -t resolv_conf -a server=master -a location=/install/nim/resolv_conf/71_resolv/resolv.conf 71_resolv",
            "0\tnim -Fo define -t shared_root -a server=master -a spot=71dskls -a location=/install/nim/shared_root/71dskls_shared_root 71dskls_shared_root",
            "0\tnim -Fo check 71dskls",
        ]
        .map(String::from),
    );
    assert_eq!(calls(&sn), want);
}

#[test]
fn existing_resources_are_used_and_nothing_is_redefined() {
    let sn = SimHost::new("sn1", HOSTS);
    let (images, res, nets, attrs) = (
        [dskls_image()],
        nimprime("/install"),
        [lo_net()],
        BTreeMap::new(),
    );
    let p = params(&images, &res, &nets, &attrs);
    make(&sn, &p, false).outcome.unwrap();
    sn.reset_log();
    let run = make(&sn, &p, false);
    let outcome = run.outcome.unwrap();
    assert!(outcome.completed);
    assert!(outcome.defined.is_empty() && outcome.failed.is_empty());
    assert_eq!(
        run.out.stdout,
        "Checking NIM resources on sn1.\n\n\
         Using existing resource called '71dskls'.\n\n\
         Using existing resource called '71dskls_dump'.\n\n\
         Using existing resource called 'b1'.\n\n\
         Using existing resource called 'b2'.\n\n\
         Using existing resource called '71dskls_paging'.\n\n\
         Using existing resource called '71_resolv'.\n\n\
         Using existing resource called '71dskls_shared_root'.\n\n"
    );
    assert_eq!(
        calls(&sn),
        [
            "0\tlsnim -l",
            "0\tlsnim -c networks",
            "0\tlsnim -Z -a net_addr -a snm master_net",
            "0\tlsnim -Z -a net_addr -a snm net127",
            "0\tlsnim -P -c resources",
            "0\tlsnim -c resources",
            "0\tsync",
            "0\tsync",
            "0\tsync",
            "0\tnim -Fo check 71dskls",
        ]
    );
}

#[test]
fn a_failed_define_is_reported_and_the_rest_carries_on() {
    let sn = SimHost::new("sn1", HOSTS);
    sn.admin(&["fault", "nim:define:71dskls_paging", "fail"]);
    let (images, res, nets, attrs) = (
        [dskls_image()],
        nimprime("/install"),
        [lo_net()],
        BTreeMap::new(),
    );
    let run = make(&sn, &params(&images, &res, &nets, &attrs), false);
    let outcome = run.outcome.unwrap();
    assert!(outcome.completed);
    assert_eq!(outcome.failed, ["71dskls_paging"]);
    assert_eq!(outcome.defined.len(), 6);
    assert_eq!(
        run.out.stderr,
        "Error: Could not create NIM resource 71dskls_paging on sn1 \n\n"
    );
    assert_eq!(run.out.exit, 1);
    let defines: Vec<(String, String)> = calls(&sn)
        .into_iter()
        .filter(|c| c.contains("-Fo define -t") && !c.contains("-t ent"))
        .map(|c| {
            let name = c.split(' ').next_back().unwrap_or("").to_string();
            (name, c[..1].to_string())
        })
        .collect();
    let want = [
        ("71dskls", "0"),
        ("71dskls_dump", "0"),
        ("b1", "0"),
        ("b2", "0"),
        ("71dskls_paging", "1"),
        ("71_resolv", "0"),
        ("71dskls_shared_root", "0"),
    ]
    .map(|(n, rc)| (n.to_string(), rc.to_string()));
    assert_eq!(defines, want);
}

#[test]
fn nfsv4_sets_the_domain_and_nfs_vers() {
    let sn = SimHost::new("sn1", HOSTS);
    let (images, res, nets, mut attrs) = (
        [image(&[("spot", "71dskls"), ("paging", "71dskls_paging")])],
        nimprime("/install"),
        [lo_net()],
        BTreeMap::new(),
    );
    attrs.insert("verbose".to_string(), "3".to_string());
    attrs.insert("not_allowed".to_string(), "x".to_string());
    let mut p = params(&images, &res, &nets, &attrs);
    p.nfsv4 = true;
    let run = make(&sn, &p, true);
    assert!(run.outcome.unwrap().completed);
    assert_eq!(
        run.out.stdout,
        format!(
            "Checking NIM resources on sn1.\n\n\
             Creating a SPOT resource on sn1.  This could take a while.\n\n\
             Creating '71dskls_paging'.\n\n\
             Running command: '/usr/sbin/nim -Fo define -t paging -a server=master -a nfs_vers=4 -a verbose=3 -a location=/install/nim/paging/71dskls_paging 71dskls_paging'.\n\n"
        )
    );
    let calls = calls(&sn);
    assert_eq!(
        calls[..7],
        [
            "0\tlsnim -l",
            "0\tchnfsdom",
            "0\tchnfsdom cluster.test",
            "0\tstopsrc -g nfs",
            "0\tstartsrc -g nfs",
            "0\tlsnim -FZ -a nfs_domain master",
            "0\tnim -Fo change -a nfs_domain=cluster.test master",
        ]
    );
    assert!(calls.contains(&"0\tnim -Fo define -t spot -a server=master -a location=/install/nim/spot -a auto_expand=yes -a nfs_vers=4 -a verbose=3 71dskls".to_string()), "{calls:#?}");
    // Set once: the next run only reads the settings.
    sn.reset_log();
    make(&sn, &p, false).outcome.unwrap();
    assert_eq!(
        calls_of(&sn)[..3],
        [
            "0\tlsnim -l",
            "0\tchnfsdom",
            "0\tlsnim -FZ -a nfs_domain master"
        ]
    );
    // No site.domain: stock's error, nothing defined.
    let fresh = SimHost::new("sn2", HOSTS);
    p.domain = None;
    let run = make(&fresh, &p, false);
    assert!(!run.outcome.unwrap().completed);
    assert_eq!(
        run.out.stderr,
        "Error: Can not determine domain name, check site table.\n\n"
    );
    assert_eq!(calls_of(&fresh), ["0\tlsnim -l", "0\tchnfsdom"]);
}

fn calls_of(h: &SimHost) -> Vec<String> {
    h.calls()
}

#[test]
fn shared_root_directory_is_kept_with_defonly() {
    let sn = SimHost::new("sn1", HOSTS);
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_str().unwrap().to_string();
    let loc = format!("{root}/nim/shared_root/71dskls_shared_root");
    std::fs::create_dir_all(format!("{loc}/etc/.client_data")).unwrap();
    std::fs::write(format!("{loc}/etc/.client_data/hosts.cn01"), "kept\n").unwrap();
    let (images, res, nets, attrs) = (
        [image(&[
            ("spot", "71dskls"),
            ("shared_root", "71dskls_shared_root"),
        ])],
        nimprime(&root),
        [lo_net()],
        BTreeMap::new(),
    );
    let mut p = params(&images, &res, &nets, &attrs);
    p.keep_shared_root = true;
    let run = make(&sn, &p, false);
    assert_eq!(run.outcome.unwrap().failed, Vec::<String>::new());
    let calls = calls(&sn);
    let tail: Vec<&str> = calls[calls.len() - 4..]
        .iter()
        .map(String::as_str)
        .collect();
    assert_eq!(
        tail,
        [
            format!("0\tmvdir {loc} {loc}.bak").as_str(),
            format!("0\tnim -Fo define -t shared_root -a server=master -a spot=71dskls -a location={loc} 71dskls_shared_root").as_str(),
            format!("0\tmvdir {loc}.bak {loc}").as_str(),
            "0\tnim -Fo check 71dskls",
        ]
    );
    let kept = std::fs::read_to_string(format!("{loc}/etc/.client_data/hosts.cn01")).unwrap();
    assert_eq!(kept, "kept\n");
}

#[test]
fn bad_values_are_refused_before_any_command_for_them() {
    let sn = SimHost::new("sn1", HOSTS);
    let mut res = nimprime("/install");
    res.locations
        .insert("71dskls_paging".into(), "/install/../etc/paging".into());
    res.locations.insert("mk1".into(), "relative/mk1".into());
    let mut attrs = BTreeMap::new();
    attrs.insert("group".to_string(), "a\nb".to_string());
    let images = [image(&[
        ("paging", "71dskls_paging"),
        ("mksysb", "mk1"),
        ("script", "s;reboot"),
        ("home", "h1"),
    ])];
    let nets = [lo_net()];
    let run = make(&sn, &params(&images, &res, &nets, &attrs), false);
    let outcome = run.outcome.unwrap();
    assert_eq!(outcome.failed, ["h1", "mk1", "71dskls_paging", "s;reboot"]);
    assert_eq!(
        run.out.stderr,
        "Error: Invalid value 'a?b' of attribute 'group' for 'h1': contains control characters.\n\n\
         Error: Invalid value 'relative/mk1' of attribute 'location' for 'mk1': not an absolute path.\n\n\
         Error: Invalid value '/install/../etc/paging' of attribute 'location' for '71dskls_paging': not an absolute path.\n\n\
         Error: Invalid value 's;reboot' of attribute 'script' for '71dskls': not a valid NIM object name.\n\n"
    );
    assert!(
        !calls(&sn)
            .iter()
            .any(|c| c.contains("define -t") && !c.contains("-t ent")),
        "{:#?}",
        calls(&sn)
    );
    // A bad network row: refused by name, no network command.
    let mut bad = lo_net();
    bad.mask = "255.255.0".into();
    let (runner, cfg) = nim_on(&sn);
    let nim = Nim::new(&runner, Target::Local, &cfg);
    let mut docs: Vec<Response> = Vec::new();
    let ok = check_nim_networks(&nim, &mut Reply::new(&mut docs, false), &[bad], "sn1").unwrap();
    assert!(!ok);
    assert_eq!(
        output(docs).stderr,
        "Error: Invalid value '255.255.0' of attribute 'mask' for 'net127': not an IPv4 address.\n\n"
    );
}

#[test]
fn a_failing_network_command_names_it_and_the_target() {
    let sn = SimHost::new("sn1", HOSTS);
    sn.admin(&["fault", "nim:define:net127", "fail"]);
    let (runner, cfg) = nim_on(&sn);
    let nim = Nim::new(&runner, Target::Local, &cfg);
    let mut docs: Vec<Response> = Vec::new();
    let ok =
        check_nim_networks(&nim, &mut Reply::new(&mut docs, false), &[lo_net()], "sn1").unwrap();
    assert!(!ok);
    assert_eq!(
        output(docs).stderr,
        "Error: Could not run '/usr/sbin/nim -Fo define -t ent -a net_addr=127.0.0.0 -a snm=255.255.255.0 -a 'routing1=default 127.0.0.254' net127' on sn1.\n\n"
    );
}

/// Names and addresses for chk_resolv_conf without DNS.
struct Names;

impl Resolver for Names {
    fn ip_of(&self, name: &str) -> Option<IpAddr> {
        let ip = match name {
            "sn1-hfi0" => "198.18.0.1",
            "mn" => "198.18.0.254",
            "ns1" => "198.18.0.53",
            "sn2-lo" => "127.0.0.1",
            other => return other.parse().ok(),
        };
        ip.parse().ok()
    }

    fn name_of(&self, ip: IpAddr) -> Option<String> {
        (ip == IpAddr::from([127, 0, 0, 1])).then(|| "sn2-lo".to_string())
    }
}

fn rnode(node: &str, sn: &str, net: Option<NodeNet>, img: Option<Image>) -> ResolvNode {
    ResolvNode {
        node: node.into(),
        image: img,
        net,
        servicenode: sn.into(),
        xcatmaster: "sn1-hfi0".into(),
    }
}

#[test]
fn resolv_conf_choices_files_and_definitions() {
    let sn = SimHost::new("sn1", HOSTS);
    let dir = tempfile::tempdir().unwrap();
    let installdir = dir.path().to_str().unwrap().to_string();
    let mut dns_net = lo_net();
    dns_net.netname = "dnsnet".into();
    dns_net.nameservers = "ns1,198.18.0.54".into();
    dns_net.domain = "net.test".into();
    let nodes = [
        rnode("cn01", "sn1,sn2", Some(lo_net()), Some(dskls_image())),
        rnode("cn02", "sn1,sn2", Some(dns_net.clone()), None),
        rnode("cn03", "sn1,sn2", Some(dns_net), None),
        rnode("cn04", "sn1,sn2", Some(lo_net()), None),
        rnode("cn05", "sn2,sn1", Some(lo_net()), None),
        rnode("cn06", "sn3", Some(lo_net()), None),
    ];
    let attrs = BTreeMap::new();
    let domains = ["net.test".to_string(), "other.test".to_string()];
    let is_me = |n: &str| n == "sn1";
    let p = ResolvParams {
        nodes: &nodes,
        site_domain: Some("cluster.test"),
        site_nameservers: Some("<xcatmaster>"),
        network_domains: &domains,
        nimprime: "mn",
        dir: None,
        installdir: &installdir,
        attrs: &attrs,
        nfsv4: false,
        is_me: &is_me,
        resolver: &Names,
    };
    let (runner, cfg) = nim_on(&sn);
    let nim = Nim::new(&runner, Target::Local, &cfg);
    let mut docs: Vec<Response> = Vec::new();
    let chosen = chk_resolv_conf(&nim, &mut Reply::new(&mut docs, false), &p).unwrap();
    let got: Vec<(&str, &str)> = chosen
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("cn01", "71_resolv"),
            ("cn02", "dnsnet_resolv_conf"),
            ("cn03", "dnsnet_resolv_conf"),
            ("cn04", "sn1-hfi0_resolv_conf"),
            ("cn05", "sn2-lo_resolv_conf"),
            ("cn06", "mn_resolv_conf"),
        ]
    );
    let out = output(docs);
    assert_eq!(
        out.stdout,
        "Created a new resolv_conf resource called 'dnsnet_resolv_conf'.\n\n\
         Created a new resolv_conf resource called 'sn1-hfi0_resolv_conf'.\n\n\
         Created a new resolv_conf resource called 'sn2-lo_resolv_conf'.\n\n\
         Created a new resolv_conf resource called 'mn_resolv_conf'.\n\n"
    );
    let file = |n: &str| {
        std::fs::read_to_string(format!("{installdir}/nim/resolv_conf/{n}/resolv.conf")).unwrap()
    };
    assert_eq!(
        file("dnsnet_resolv_conf"),
        "search net.test other.test cluster.test\nnameserver 198.18.0.53\nnameserver 198.18.0.54\n"
    );
    assert_eq!(
        file("sn1-hfi0_resolv_conf"),
        "search cluster.test net.test other.test\nnameserver 198.18.0.1\n"
    );
    assert_eq!(
        file("sn2-lo_resolv_conf"),
        "search cluster.test net.test other.test\nnameserver 127.0.0.1\n"
    );
    let define = |n: &str| {
        format!("0\tnim -Fo define -t resolv_conf -a server=master -a location={installdir}/nim/resolv_conf/{n}/resolv.conf {n}")
    };
    assert_eq!(
        calls(&sn),
        [
            "0\tlsnim -c resources".to_string(),
            "0\tifconfig -a".to_string(),
            define("dnsnet_resolv_conf"),
            define("sn1-hfi0_resolv_conf"),
            define("sn2-lo_resolv_conf"),
            define("mn_resolv_conf"),
        ]
    );
    // Site nameservers as they are; defined already: file rewritten only.
    sn.reset_log();
    let plain = [rnode("cn07", "sn1", None, None)];
    let p2 = ResolvParams {
        nodes: &plain,
        site_nameservers: Some("198.18.0.53"),
        ..p
    };
    let mut docs: Vec<Response> = Vec::new();
    let chosen = chk_resolv_conf(&nim, &mut Reply::new(&mut docs, false), &p2).unwrap();
    assert_eq!(chosen["cn07"], "site_resolv_conf");
    assert_eq!(
        file("site_resolv_conf"),
        "search cluster.test net.test other.test\nnameserver 198.18.0.53\n"
    );
    let mut docs: Vec<Response> = Vec::new();
    chk_resolv_conf(&nim, &mut Reply::new(&mut docs, false), &p2).unwrap();
    assert_eq!(output(docs).stdout, "");
    assert_eq!(
        calls(&sn),
        [
            "0\tlsnim -c resources".to_string(),
            "0\tifconfig -a".to_string(),
            define("site_resolv_conf"),
            "0\tlsnim -c resources".to_string(),
            "0\tifconfig -a".to_string(),
        ]
    );
}

#[test]
fn a_network_without_a_local_address_is_routed_from_the_master() {
    let sn = SimHost::new("sn1", HOSTS);
    sn.set_master_gateway("10.0.0.1");
    sn.reset_log();
    let hfi = NodeNet {
        netname: "hfinet".into(),
        net: "198.18.0.0".into(),
        mask: "255.255.255.0".into(),
        gateway: "198.18.0.254".into(),
        mgtifname: "hf0".into(),
        ..NodeNet::default()
    };
    let (runner, cfg) = nim_on(&sn);
    let nim = Nim::new(&runner, Target::Local, &cfg);
    let mut docs: Vec<Response> = Vec::new();
    let ok = check_nim_networks(&nim, &mut Reply::new(&mut docs, false), &[hfi], "sn1").unwrap();
    assert!(ok, "{}", output(docs).stderr);
    assert_eq!(
        calls(&sn),
        [
            "0\tlsnim -c networks",
            "0\tlsnim -Z -a net_addr -a snm master_net",
            "0\tnim -Fo define -t hfi -a net_addr=198.18.0.0 -a snm=255.255.255.0 -a routing1=default 198.18.0.254 hfinet",
            "0\tifconfig -a",
            "0\tlsnim -a if1 -Z master",
            "0\tlsnim -A routing master_net",
            "0\tlsnim -a routing1 -Z master_net",
            "0\tnim -Fo change -a routing2=hfinet 10.0.0.1 198.18.0.254 master_net",
        ]
    );
}

#[test]
fn nfsv4_fixes_an_existing_resolv_conf_once() {
    let sn = SimHost::new("sn1", HOSTS);
    let dir = tempfile::tempdir().unwrap();
    let installdir = dir.path().to_str().unwrap().to_string();
    let file = format!("{installdir}/nim/resolv_conf/site_resolv_conf/resolv.conf");
    sn.sh(
        "/usr/sbin/nim",
        &[
            "-o",
            "define",
            "-t",
            "resolv_conf",
            "-a",
            "server=master",
            "-a",
            &format!("location={file}"),
            "site_resolv_conf",
        ],
    );
    sn.reset_log();
    let nodes = [rnode("cn01", "sn1", None, None)];
    let attrs = BTreeMap::new();
    let is_me = |n: &str| n == "sn1";
    let p = ResolvParams {
        nodes: &nodes,
        site_domain: Some("cluster.test"),
        site_nameservers: Some("198.18.0.53"),
        network_domains: &[],
        nimprime: "mn",
        dir: None,
        installdir: &installdir,
        attrs: &attrs,
        nfsv4: true,
        is_me: &is_me,
        resolver: &Names,
    };
    let (runner, cfg) = nim_on(&sn);
    let nim = Nim::new(&runner, Target::Local, &cfg);
    for _ in 0..2 {
        let mut docs: Vec<Response> = Vec::new();
        let chosen = chk_resolv_conf(&nim, &mut Reply::new(&mut docs, false), &p).unwrap();
        assert_eq!(chosen["cn01"], "site_resolv_conf");
        assert_eq!(output(docs).stdout, "");
    }
    let rc_rm = calls(&sn)
        .iter()
        .find(|c| c.contains("rmnfsexp"))
        .map(|c| c[..c.find('\t').unwrap_or(0)].to_string())
        .unwrap_or_default();
    assert_eq!(
        calls(&sn),
        [
            "0\tlsnim -c resources".to_string(),
            "0\tifconfig -a".to_string(),
            "0\tlsnim -Z -a nfs_vers site_resolv_conf".to_string(),
            format!("{rc_rm}\trmnfsexp -d {file} -B"),
            "0\tnim -Fo change -a nfs_vers=4 site_resolv_conf".to_string(),
            "0\tlsnim -c resources".to_string(),
            "0\tifconfig -a".to_string(),
            "0\tlsnim -Z -a nfs_vers site_resolv_conf".to_string(),
        ]
    );
}
