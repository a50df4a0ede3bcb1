//! The seeds' AIX diskless walk-through data (issue 13) on a running
//! cluster: site `useNFSv4onAIX=yes`, the osimages `71dskls` (nimtype
//! diskless: spot, shared_root, paging) and `71dskls_dump` (the same plus a
//! dump resource), their NIM resources defined on mn1 (nimprime, through
//! the simulator) with the files stock's preprocess reads there (the SPOT's
//! `rc.dd_boot` and `inst_root`, the shared_root's `.client_data`, the
//! postscripts, the credential files), and N diskless nodes split over
//! service-node pairs: in each pair half the nodes have `servicenode=A,B
//! xcatmaster=A`, the other half `B,A` / `B`.  The xcatmaster is the SN's
//! cluster name (`sn1`): the cluster's hosts have one interface and one
//! name each, no `sn1-hfi0`.  Every node gets an address in 198.18.0.0/24
//! and a MAC in the hosts / mac tables (one `mkdef -z` request) and in the
//! `/etc/hosts` of mn1 and every SN (NIM resolves `find_net` names there).
//! Used by `tests/tests/cluster_nim_walkthrough.rs` and `scripts/bench-nim`.

pub use super::check::ok;
use super::check::text;
use super::Cluster;
use std::io::Write;
use std::process::{Output, Stdio};

/// The diskless osimage of the walk-through.
pub const IMAGE: &str = "71dskls";
/// The same image with a dump resource.
pub const DUMP_IMAGE: &str = "71dskls_dump";
pub const SPOT: &str = "71dskls";
pub const SHARED_ROOT: &str = "71dskls_shared_root";
pub const PAGING: &str = "71dskls_paging";
pub const DUMP: &str = "71dskls_dump";
/// The xCAT network of the cluster (the whole 198.18.0.0/24).
pub const NETWORK: &str = "net198";
/// `site.domain` (NFSv4 needs one: `make_SN_resource` sets the NFS domain).
pub const DOMAIN: &str = "xcl.test";
/// Group of every seeded node; each service node also gets `<sn>nodes`
/// with the nodes it is primary for.
pub const GROUP: &str = "aixnodes";

/// One seeded node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedNode {
    pub name: String,
    pub ip: String,
    pub mac: String,
    /// `servicenode` is `primary,backup`; `xcatmaster` is `primary`.
    pub primary: String,
    pub backup: String,
}

impl SeedNode {
    /// The MAC as NIM takes it (no colons).
    pub fn nim_mac(&self) -> String {
        self.mac.replace(':', "")
    }
}

/// `count` nodes named `<prefix><i>` (zero-padded to `width`), numbered
/// from 1, over the pairs (`[("sn1","sn2"), …]`): node i goes to pair
/// `(i-1) % pairs.len()`; within a pair, the first half (by position) has
/// the pair's first SN as primary, the rest the second.  Addresses count
/// up from 198.18.0.101 and wrap within .101-.254 (more than 154 nodes
/// share addresses: they are database values only, nothing is sent to
/// them); MACs are `aa:bb:cc:<i as 3 bytes>`.
pub fn plan(prefix: &str, width: usize, count: usize, pairs: &[(&str, &str)]) -> Vec<SeedNode> {
    let mut per_pair: Vec<Vec<usize>> = vec![Vec::new(); pairs.len()];
    for i in 1..=count {
        per_pair[(i - 1) % pairs.len()].push(i);
    }
    let mut nodes = Vec::with_capacity(count);
    for (p, members) in per_pair.iter().enumerate() {
        let (a, b) = pairs[p];
        for (k, &i) in members.iter().enumerate() {
            let (primary, backup) = if k < members.len().div_ceil(2) {
                (a, b)
            } else {
                (b, a)
            };
            nodes.push(SeedNode {
                name: format!("{prefix}{i:0width$}"),
                ip: format!("198.18.0.{}", 101 + (i - 1) % 154),
                mac: format!(
                    "aa:bb:cc:{:02x}:{:02x}:{:02x}",
                    (i >> 16) & 0xff,
                    (i >> 8) & 0xff,
                    i & 0xff
                ),
                primary: primary.to_string(),
                backup: backup.to_string(),
            });
        }
    }
    nodes.sort_by(|x, y| x.name.cmp(&y.name));
    nodes
}

/// The walk-through's 20 nodes: cn01-cn20 on sn1/sn2, cn01-cn10 with sn1
/// as primary (cn01-cn04 are the cluster's real compute hosts).
pub fn twenty() -> Vec<SeedNode> {
    plan("cn", 2, 20, &[("sn1", "sn2")])
}

/// The nodes whose primary is `sn`.
pub fn primary_of<'a>(nodes: &'a [SeedNode], sn: &str) -> Vec<&'a SeedNode> {
    nodes.iter().filter(|n| n.primary == sn).collect()
}

/// Comma-joined names.
pub fn names(nodes: &[&SeedNode]) -> String {
    nodes
        .iter()
        .map(|n| n.name.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// Run `program args` inside `host` with `input` on its standard input.
pub fn run_with_input(
    c: &Cluster,
    host: &str,
    program: &str,
    args: &[&str],
    input: &str,
) -> Output {
    let mut child = c
        .host(host)
        .command(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{program} on {host}: {e}"));
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(input.as_bytes())
            .unwrap_or_else(|e| panic!("{program} on {host}: stdin: {e}"));
    }
    child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("{program} on {host}: {e}"))
}

/// Write (or with `append`, add to) the file `path` inside `host`.
pub fn write_file(c: &Cluster, host: &str, path: &str, content: &str, append: bool) {
    let mut args = vec![];
    if append {
        args.push("-a");
    }
    args.push(path);
    let out = run_with_input(c, host, "tee", &args, content);
    ok(out, &format!("writing {path} on {host}"));
}

/// The xCAT side on mn1: site, network, both osimages, the nodes (one
/// `mkdef -z -f` request: cn01-cn04 exist already), their groups.
pub fn define_xcat(c: &Cluster, nodes: &[SeedNode]) {
    let client = |cmd: &str, args: &[&str]| ok(c.client("mn1", cmd, args), cmd);
    let domain = format!("domain={DOMAIN}");
    client(
        "chdef",
        &[
            "-t",
            "site",
            "-o",
            "clustersite",
            "master=mn1",
            "useNFSv4onAIX=yes",
            &domain,
        ],
    );
    client(
        "mkdef",
        &[
            "-t",
            "network",
            "-o",
            NETWORK,
            "net=198.18.0.0",
            "mask=255.255.255.0",
            "gateway=198.18.0.254",
        ],
    );
    for (image, dump) in [(IMAGE, None), (DUMP_IMAGE, Some(DUMP))] {
        let (o, spot, sr, pg) = (
            image.to_string(),
            format!("spot={SPOT}"),
            format!("shared_root={SHARED_ROOT}"),
            format!("paging={PAGING}"),
        );
        let mut args = vec![
            "-t",
            "osimage",
            "-o",
            &o,
            "imagetype=NIM",
            "osname=AIX",
            "nimtype=diskless",
            "nimmethod=rte",
            &spot,
            &sr,
            &pg,
        ];
        let d = dump.map(|d| format!("dump={d}"));
        if let Some(d) = &d {
            args.push(d);
        }
        client("mkdef", &args);
    }
    let out = run_with_input(
        c,
        "mn1",
        "/opt/xcat/bin/mkdef",
        &["-z", "-f"],
        &stanzas(nodes),
    );
    ok(out, "mkdef -z -f (seed nodes)");
}

/// The `mkdef -z` stanzas of the nodes.
pub fn stanzas(nodes: &[SeedNode]) -> String {
    let mut s = String::with_capacity(nodes.len() * 200);
    for n in nodes {
        s.push_str(&format!(
            "{}:\n    objtype=node\n    groups={GROUP},{}nodes,compute,all\n    ip={}\n    mac={}\n    servicenode={},{}\n    xcatmaster={}\n\n",
            n.name, n.primary, n.ip, n.mac, n.primary, n.backup, n.primary
        ));
    }
    s
}

/// Every node's `ip name` line in the `/etc/hosts` of mn1 and the SNs
/// (names the cluster already lists are left alone).
pub fn add_hosts(c: &Cluster, nodes: &[SeedNode], sns: &[&str]) {
    let mut hosts = vec!["mn1"];
    hosts.extend(sns);
    let listed = c.host("mn1").read("/etc/hosts");
    let known: Vec<&str> = listed
        .lines()
        .filter_map(|l| l.split_whitespace().nth(1))
        .collect();
    let lines: String = nodes
        .iter()
        .filter(|n| !known.contains(&n.name.as_str()))
        .map(|n| format!("{}\t{}\n", n.ip, n.name))
        .collect();
    for h in hosts {
        write_file(c, h, "/etc/hosts", &lines, true);
    }
}

/// NIM configured on `host` (`nim_master_setup -a mk_resource=no`).
pub fn nim_master(c: &Cluster, host: &str) {
    ok(
        c.host(host)
            .run("nim_master_setup", &["-a", "mk_resource=no"]),
        &format!("nim_master_setup on {host}"),
    );
}

/// A sample SPOT network boot script: the anchor lines stock's
/// `update_dd_boot` inserts its blocks at (aixinstall.pm:7528-7824).
pub const RC_DD_BOOT: &str = "#!/bin/ksh\n# sample rc.dd_boot: only the anchor lines matter\ncase \"${PHASE}\" in\n1)\n\t# network boot phase 1\n\t${SHOWLED} 0x600\n\t;;\n2)\n\t${SHOWLED} 0x620\n\t# configure paging - local or NFS network\n\tif [ -n \"${NIM_PAGING}\" ]\n\tthen\n\t\t# Start NFS remote paging\n\t\techo \"CuDv:\" >> /tmp/swapnfs\n\tfi\n\t# Copy the local_domain file to /etc\n\t;;\nesac\n";

/// The image's NIM resources on mn1 (nimprime) and the files there (the
/// AIX group `system` too: updatespot gives it the SPOT's inst_root).
pub fn define_nimprime(c: &Cluster) {
    nim_master(c, "mn1");
    let h = c.host("mn1");
    let spot_usr = format!("/install/nim/spot/{SPOT}/usr");
    let sr = format!("/install/nim/shared_root/{SHARED_ROOT}");
    let files = format!(
        "set -e\n\
         mkdir -p {spot_usr}/lib/boot/network {spot_usr}/lpp/bos/inst_root/etc {sr}/etc/.client_data \
         /install/nim/paging/{PAGING} /install/nim/dump/{DUMP} /install/postscripts/_xcat \
         /install/postscripts/ca /install/postscripts/hostkeys /install/postscripts/_ssh /etc/xcat/hostkeys\n\
         printf 'init:2:initdefault:\\n' > {spot_usr}/lpp/bos/inst_root/etc/inittab\n\
         printf '#!/bin/ksh\\n' > /install/postscripts/xcataixpost\n\
         printf '#!/bin/ksh\\n' > /install/postscripts/aixlitesetup\n\
         touch /install/postscripts/_xcat/ca.pem /install/postscripts/ca/ca-cert.pem \
         /install/postscripts/hostkeys/ssh_host_rsa_key.pub /install/postscripts/_ssh/authorized_keys \
         /etc/xcat/hostkeys/ssh_host_rsa_key.pub\n"
    );
    ok(h.run("sh", &["-c", &files]), "nimprime files");
    ok(h.run("groupadd", &["-f", "system"]), "groupadd system");
    write_file(
        c,
        "mn1",
        &format!("{spot_usr}/lib/boot/network/rc.dd_boot"),
        RC_DD_BOOT,
        false,
    );
    let define = |ty: &str, name: &str, loc: &str, extra: &[&str]| {
        let location = format!("location={loc}");
        let mut args = vec![
            "-o",
            "define",
            "-t",
            ty,
            "-a",
            "server=master",
            "-a",
            &location,
        ];
        for e in extra {
            args.extend(["-a", e]);
        }
        args.push(name);
        ok(h.run("nim", &args), &format!("nim define {name} on mn1"));
    };
    define("spot", SPOT, "/install/nim/spot", &[]);
    let spot = format!("spot={SPOT}");
    define("shared_root", SHARED_ROOT, &sr, &[&spot]);
    define(
        "paging",
        PAGING,
        &format!("/install/nim/paging/{PAGING}"),
        &[],
    );
    define("dump", DUMP, &format!("/install/nim/dump/{DUMP}"), &[]);
}

/// The whole seed: xCAT definitions, hosts files on mn1 and `sns`, NIM on
/// nimprime; on each SN what an AIX service node has after its install:
/// NIM configured as a master without resources (stock's preprocess lists
/// each SN's resources and fails on an SN without NIM) and `/etc/bootptab`
/// (rmdsklsnode backs it up and restores it); on all of them the
/// shared_root's directory tree.
pub fn seed(c: &Cluster, nodes: &[SeedNode], sns: &[&str]) {
    define_xcat(c, nodes);
    add_hosts(c, nodes, sns);
    define_nimprime(c);
    for sn in sns {
        nim_master(c, sn);
        write_file(c, sn, "/etc/bootptab", "# bootptab\n", false);
    }
    for host in std::iter::once(&"mn1").chain(sns) {
        shared_root_directory(c, host);
    }
}

/// The shared_root's directory as NIM lays it out when it defines the
/// resource (`etc/hosts`, `etc/.client_data`, where NIM writes each
/// client's files and stock edits them), and the tftp directory: the
/// simulator writes client files only into directories that exist.
pub fn shared_root_directory(c: &Cluster, host: &str) {
    let sr = format!("/install/nim/shared_root/{SHARED_ROOT}");
    let script = format!("mkdir -p {sr}/etc/.client_data /tftpboot");
    ok(
        c.host(host).run("sh", &["-c", &script]),
        "shared_root directory",
    );
    let hosts = "127.0.0.1\tloopback localhost\n";
    write_file(c, host, &format!("{sr}/etc/hosts"), hosts, false);
}

/// The simulator's calls on `host` as `rc<TAB>command args` lines.
pub fn calls(c: &Cluster, host: &str) -> Vec<String> {
    ok(c.nimsim(host, &["calls", "--plain"]), "nimsim calls")
        .lines()
        .map(str::to_string)
        .collect()
}

/// The names of the NIM objects of `class` (`machines`, `resources`, …) on `host`.
pub fn nim_objects(c: &Cluster, host: &str, class: &str) -> Vec<String> {
    let out = ok(c.host(host).run("lsnim", &["-c", class]), "lsnim -c");
    let mut v: Vec<String> = out
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect();
    v.sort();
    v
}

/// One attribute of a NIM object on `host` (`lsnim -a ATTR -Z NAME`: the
/// second line's second field), or `None`.
pub fn nim_attr(c: &Cluster, host: &str, name: &str, attr: &str) -> Option<String> {
    let out = c.host(host).run("lsnim", &["-a", attr, "-Z", name]);
    let t = text(&out.stdout);
    let line = t.lines().find(|l| !l.starts_with('#'))?;
    let v = line.split(':').nth(1)?.to_string();
    (!v.is_empty()).then_some(v)
}
