//! The service node's client-file edits of mkdsklsnode (`nim::clientfiles`)
//! on sample files in a scratch root: the hosts copy, the external NFS
//! server edits (shared_root and root images, `<nodeip>.info`), the `/proc`
//! stanza, the sns `.client_data` backup, `BASECUST_REMOVAL`, `-n`
//! (dhcpsd.cnf with `lssrc`/`refresh` on a simulated host, bootptab) and the
//! HFI bootptab lines.  Each edit exactly, twice (nothing more the second
//! time), every refusal and message, and a failed write leaving the old file.

mod nim_support;

use nim_support::*;
use std::collections::HashMap;
use std::net::IpAddr;
use std::path::Path;
use xcat_handlers::nim::clientfiles::external_nfs::{edit_for_nfs_server, NfsNode, NodeRoot};
use xcat_handlers::nim::clientfiles::{
    basecust, bootp, hosts_copy, sns_backup, temp_path, ClientFiles,
};
use xcat_handlers::nim::cmd::{Nim, NimConfig};
use xcat_handlers::nim::model::Reply;
use xcat_handlers::runner::SystemRunner;
use xcat_handlers::snmove::resolve::SystemResolver;
use xcat_proto::Response;

const SR: &str = "/install/nim/shared_root/71dskls_shared_root";
const ROOTLOC: &str = "/install/nim/root/71dskls_root";
const TFTP: &str = "/tftpboot";

struct Names(HashMap<&'static str, &'static str>);

impl SystemResolver for Names {
    fn lookup(&self, name: &str) -> Vec<IpAddr> {
        self.0
            .get(name)
            .map(|a| a.parse().unwrap())
            .into_iter()
            .collect()
    }
    fn reverse(&self, ip: &IpAddr) -> Option<String> {
        let ip = ip.to_string();
        self.0
            .iter()
            .find(|(_, a)| **a == ip)
            .map(|(n, _)| n.to_string())
    }
}

fn names() -> Names {
    Names(HashMap::from([
        ("sn1", "198.18.0.11"),
        ("nfs1", "198.18.0.50"),
        ("cn01", "198.18.0.101"),
    ]))
}

/// A scratch root with a file tree.
struct Root {
    dir: tempfile::TempDir,
    files: ClientFiles,
}

fn root() -> Root {
    let dir = tempfile::tempdir().unwrap();
    let files = ClientFiles::under(dir.path());
    Root { dir, files }
}

impl Root {
    fn put(&self, abs: &str, text: &str) {
        let p = self.files.path(abs);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    fn get(&self, abs: &str) -> String {
        std::fs::read_to_string(self.files.path(abs)).unwrap_or_else(|e| panic!("{abs}: {e}"))
    }
    fn exists(&self, abs: &str) -> bool {
        self.files.path(abs).exists()
    }
}

/// What the client shows for the messages `f` sends, and the counted errors.
fn reply_of(verbose: bool, f: impl FnOnce(&mut Reply)) -> (Out, usize) {
    let mut docs: Vec<Response> = Vec::new();
    let mut reply = Reply::new(&mut docs, verbose);
    f(&mut reply);
    let errors = reply.errors;
    (output(docs), errors)
}

/// NIM's client files for cn01 (as nimsim writes them).
const HOSTS: &str = "127.0.0.1\tloopback localhost\n198.18.0.11\tsn1\n198.18.0.101\tcn01\n";
const FILESYSTEMS: &str = "/:\n\tdev\t\t= \"/install/nim/shared_root/71dskls_shared_root\"\n\tvfs\t\t= nfs\n\tnodename\t= sn1\n\tmount\t\t= automatic\n\ttype\t\t= dskls\n\toptions\t\t= rw,hard,intr\n\taccount\t\t= false\n\n/usr:\n\tdev\t\t= \"/install/nim/spot/71dskls/usr\"\n\tvfs\t\t= nfs\n\tnodename\t= sn1\n\tmount\t\t= automatic\n\ttype\t\t= dskls\n\toptions\t\t= ro,hard,intr\n\taccount\t\t= false\n\n";
const INFO: &str = "#----- Network Install Manager ---------------\nexport NIM_NAME=cn01\nexport SPOT=sn1:/install/nim/spot/71dskls/usr\nexport ROOT=sn1:/install/nim/root/71dskls_root/cn01\nexport NIM_HOSTS=\" 198.18.0.101:cn01 198.18.0.11:sn1 \"\n";
const PROC: &str = "/proc:\n\tdev\t\t=\t/proc\n\tvol\t\t=\t\"/proc\"\n\tmount\t\t=\ttrue\n\tcheck\t\t=\tfalse\n\tfree\t\t=\tfalse\n\tvfs\t\t=\tprocfs\n";

fn nfs_filesystems() -> String {
    FILESYSTEMS.replace("nodename\t= sn1", "nodename\t= nfs1") + PROC
}

#[test]
fn hosts_copy_into_client_data() {
    let r = root();
    r.put(&format!("{SR}/etc/hosts"), HOSTS);
    std::fs::create_dir_all(r.files.path(&format!("{SR}/etc/.client_data"))).unwrap();
    let (out, _) = reply_of(false, |rep| {
        assert!(hosts_copy::copy_hosts(&r.files, SR, "cn01", rep).unwrap());
    });
    assert_eq!((out.stderr.as_str(), out.exit), ("", 0));
    assert_eq!(r.get(&format!("{SR}/etc/.client_data/hosts.cn01")), HOSTS);

    let r = root();
    let (out, errors) = reply_of(false, |rep| {
        assert!(!hosts_copy::copy_hosts(&r.files, SR, "cn01", rep).unwrap());
    });
    assert_eq!(
        out.stderr,
        format!("Error: Could not copy {SR}/etc/hosts to {SR}/etc/.client_data/hosts.cn01.\n\n")
    );
    assert_eq!((out.exit, errors), (1, 0));

    let (out, errors) = reply_of(false, |rep| {
        assert!(!hosts_copy::copy_hosts(&r.files, SR, "../cn01", rep).unwrap());
    });
    assert_eq!(out.stderr, "Error: Invalid value '../cn01' of attribute 'NIM name' for '../cn01': not a valid NIM object name.\n\n");
    assert_eq!(errors, 1);
}

fn shared_node(nfsserver: Option<&'static str>) -> NfsNode<'static> {
    NfsNode {
        node: "cn01",
        nimname: "cn01",
        node_ip: Some("198.18.0.101".parse().unwrap()),
        root: NodeRoot::SharedRoot(SR),
        nfsserver,
    }
}

fn this_host() -> Vec<IpAddr> {
    vec!["198.18.0.11".parse().unwrap()]
}

fn edit(r: &Root, n: &NfsNode) -> (Out, usize, bool) {
    let mut done = false;
    let (out, errors) = reply_of(false, |rep| {
        done = edit_for_nfs_server(&r.files, &names(), &this_host(), TFTP, n, rep).unwrap();
    });
    (out, errors, done)
}

#[test]
fn external_nfs_server_for_a_shared_root_image() {
    let r = root();
    let hosts = format!("{SR}/etc/.client_data/hosts.cn01");
    let fs = format!("{SR}/etc/.client_data/filesystems.cn01");
    r.put(&hosts, HOSTS);
    r.put(&fs, FILESYSTEMS);
    r.put(&format!("{TFTP}/198.18.0.101.info"), INFO);
    for _ in 0..2 {
        let (out, errors, done) = edit(&r, &shared_node(Some("nfs1")));
        assert_eq!(
            (out.stderr.as_str(), out.exit, errors, done),
            ("", 0, 0, true)
        );
        assert_eq!(r.get(&hosts), format!("{HOSTS}198.18.0.50 nfs1\n"));
        assert_eq!(r.get(&fs), nfs_filesystems());
        // The .info file is NIM's business for shared_root images.
        assert_eq!(r.get(&format!("{TFTP}/198.18.0.101.info")), INFO);
    }
    // Given as an address, the name comes from the resolver.
    let r2 = root();
    r2.put(&hosts, HOSTS);
    r2.put(&fs, FILESYSTEMS);
    let (_, _, done) = edit(&r2, &shared_node(Some("198.18.0.50")));
    assert!(done);
    assert_eq!(r2.get(&hosts), format!("{HOSTS}198.18.0.50 nfs1\n"));
}

#[test]
fn external_nfs_server_for_a_root_image_rewrites_the_info_file() {
    let r = root();
    let hosts = format!("{ROOTLOC}/cn01/etc/hosts");
    let fs = format!("{ROOTLOC}/cn01/etc/filesystems");
    let info = format!("{TFTP}/198.18.0.101.info");
    r.put(&hosts, HOSTS);
    r.put(&fs, FILESYSTEMS);
    r.put(&info, INFO);
    let n = NfsNode {
        root: NodeRoot::Root(ROOTLOC),
        ..shared_node(Some("nfs1"))
    };
    for _ in 0..2 {
        let (out, _, done) = edit(&r, &n);
        assert_eq!((out.stderr.as_str(), done), ("", true));
        assert_eq!(
            r.get(&info),
            "#----- Network Install Manager ---------------\nexport NIM_NAME=cn01\nexport SPOT=nfs1:/install/nim/spot/71dskls/usr\nexport ROOT=nfs1:/install/nim/root/71dskls_root/cn01\nexport NIM_HOSTS=\" 198.18.0.101:cn01 198.18.0.11:sn1 198.18.0.50:nfs1 \"\n"
        );
        assert_eq!(r.get(&hosts), format!("{HOSTS}198.18.0.50 nfs1\n"));
        assert_eq!(r.get(&fs), nfs_filesystems());
    }

    // The info file missing: the node is skipped, nothing else changed.
    let r = root();
    r.put(&hosts, HOSTS);
    r.put(&fs, FILESYSTEMS);
    let (out, errors, done) = edit(&r, &n);
    assert_eq!(
        out.stderr,
        format!("Error: Can not open the niminfo file {info} for node cn01\n")
    );
    assert_eq!((out.exit, errors, done), (1, 0, false));
    assert_eq!(
        (r.get(&hosts), r.get(&fs)),
        (HOSTS.to_string(), FILESYSTEMS.to_string())
    );

    let no_ip = NfsNode { node_ip: None, ..n };
    let (out, _, _) = edit(&r, &no_ip);
    assert_eq!(out.stderr, "Error: Can not resolve the node cn01\n");
}

#[test]
fn nfs_server_on_this_host_or_unset_only_adds_proc() {
    for server in [Some("sn1"), Some("198.18.0.11"), None] {
        let r = root();
        let hosts = format!("{SR}/etc/.client_data/hosts.cn01");
        let fs = format!("{SR}/etc/.client_data/filesystems.cn01");
        r.put(&hosts, HOSTS);
        r.put(&fs, FILESYSTEMS);
        let (out, _, done) = edit(&r, &shared_node(server));
        assert_eq!((out.stderr.as_str(), done), ("", true), "{server:?}");
        assert_eq!(r.get(&hosts), HOSTS);
        assert_eq!(r.get(&fs), format!("{FILESYSTEMS}{PROC}"));
    }
}

#[test]
fn external_nfs_refusals_and_failures() {
    let r = root();
    let fs = format!("{SR}/etc/.client_data/filesystems.cn01");
    r.put(&fs, FILESYSTEMS);
    let (out, errors, done) = edit(&r, &shared_node(Some("nfs9")));
    assert_eq!(
        out.stderr,
        "Error: Can not resolve the nfsserver nfs9 for node cn01\n"
    );
    assert_eq!((out.exit, errors, done), (1, 0, false));
    assert_eq!(
        r.get(&fs),
        FILESYSTEMS,
        "no /proc for a skipped node (stock `next`)"
    );

    let (out, errors, done) = edit(&r, &shared_node(Some("nfs1;reboot")));
    assert_eq!(out.stderr, "Error: Invalid value 'nfs1;reboot' of attribute 'nfsserver' for 'cn01': not a host name.\n\n");
    assert_eq!((errors, done), (1, false));
    assert!(!r.exists(&format!("{SR}/etc/.client_data/hosts.cn01")));

    let bad_loc = NfsNode {
        root: NodeRoot::SharedRoot("/install/../etc"),
        ..shared_node(None)
    };
    let (out, _, _) = edit(&r, &bad_loc);
    assert!(
        out.stderr.contains("attribute 'location' for 'cn01'"),
        "{}",
        out.stderr
    );

    let r = root();
    let hosts = format!("{SR}/etc/.client_data/hosts.cn01");
    let (out, _, done) = edit(&r, &shared_node(Some("nfs1")));
    assert_eq!(
        out.stderr,
        format!("Error: Can not update the NIM hosts file {hosts} for node cn01\n")
    );
    assert!(!done);
    r.put(&hosts, HOSTS);
    let (out, _, done) = edit(&r, &shared_node(Some("nfs1")));
    assert_eq!(
        out.stderr,
        format!("Error: Can not open the filesystems file {fs} for node cn01\n")
    );
    assert!(!done);
}

#[test]
fn sns_backup_of_the_nodes_client_data() {
    let r = root();
    let cd = format!("{SR}/etc/.client_data");
    for f in [
        "hosts.cn01",
        "filesystems.cn01",
        "niminfo.cn01_71dskls",
        "hosts.cn010",
        "hosts.cn02",
    ] {
        r.put(&format!("{cd}/{f}"), f);
    }
    let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
    let src = std::fs::File::options()
        .write(true)
        .open(r.files.path(&format!("{cd}/hosts.cn01")))
        .unwrap();
    src.set_modified(old).unwrap();
    let bk = sns_backup::client_data_backup_dir(SR, "sn1", "71dskls");
    assert_eq!(bk, format!("{SR}/sn1_71dskls/.client_data"));
    for _ in 0..2 {
        let (out, errors) = reply_of(false, |rep| {
            sns_backup::backup_client_data(&r.files, "sn1", "71dskls", SR, &["cn01.cluster"], rep)
                .unwrap();
        });
        assert_eq!((out.stderr.as_str(), out.exit, errors), ("", 0, 0));
        let mut got: Vec<String> = std::fs::read_dir(r.files.path(&bk))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        got.sort();
        assert_eq!(
            got,
            ["filesystems.cn01", "hosts.cn01", "niminfo.cn01_71dskls"]
        );
        assert_eq!(
            r.get(&format!("{bk}/niminfo.cn01_71dskls")),
            "niminfo.cn01_71dskls"
        );
        let copied = std::fs::metadata(r.files.path(&format!("{bk}/hosts.cn01"))).unwrap();
        assert_eq!(copied.modified().unwrap(), old, "cp -p keeps the time");
    }

    let r = root();
    let (out, errors) = reply_of(false, |rep| {
        sns_backup::backup_client_data(&r.files, "sn1", "71dskls", SR, &["cn01"], rep).unwrap();
    });
    assert_eq!(
        out.stderr,
        format!("Error: Could not list contents of {cd}.\n\n")
    );
    assert_eq!(errors, 1);

    let r = root();
    let (out, _) = reply_of(false, |rep| {
        sns_backup::backup_client_data(&r.files, "sn1", "71/dskls", SR, &["cn01"], rep).unwrap();
    });
    assert!(
        out.stderr.contains("'71/dskls' of attribute 'osimage'"),
        "{}",
        out.stderr
    );
    assert!(!r.exists(&bk));
}

#[test]
fn basecust_removal_once_and_a_failed_write_leaves_the_file() {
    let r = root();
    let info = format!("{TFTP}/198.18.0.101.info");
    r.put(&info, INFO);
    let ip = Some("198.18.0.101".parse().unwrap());
    let (out, _) = reply_of(true, |rep| {
        assert!(basecust::add_basecust_removal(&r.files, TFTP, "cn01", ip, rep).unwrap());
    });
    assert_eq!(out.stdout, format!("Updating the {info} file.\n\n"));
    let want = format!("{INFO}export BASECUST_REMOVAL=swapnfs0\n");
    assert_eq!(r.get(&info), want);
    let (out, _) = reply_of(true, |rep| {
        assert!(basecust::add_basecust_removal(&r.files, TFTP, "cn01", ip, rep).unwrap());
    });
    assert_eq!(out.stdout, "");
    assert_eq!(r.get(&info), want);

    // The temporary file cannot be made: the old file stays as it was.
    r.put(&info, INFO);
    let tmp = temp_path(&r.files.path(&info));
    std::fs::create_dir(&tmp).unwrap();
    let (out, errors) = reply_of(false, |rep| {
        assert!(!basecust::add_basecust_removal(&r.files, TFTP, "cn01", ip, rep).unwrap());
    });
    assert_eq!(
        out.stderr,
        format!("Error: Can not open the file {info} for writing\n")
    );
    assert_eq!(errors, 0);
    assert_eq!(r.get(&info), INFO);
    std::fs::remove_dir(&tmp).unwrap();

    let r = root();
    let (out, _) = reply_of(true, |rep| {
        assert!(!basecust::add_basecust_removal(&r.files, TFTP, "cn01", ip, rep).unwrap());
    });
    assert_eq!(out.stdout, format!("Updating the {info} file.\n\n"));
    assert_eq!(
        out.stderr,
        format!("Error: Can not open the niminfo file {info} for reading.\n")
    );
    let (out, _) = reply_of(false, |rep| {
        assert!(!basecust::add_basecust_removal(&r.files, TFTP, "cn01", None, rep).unwrap());
    });
    assert_eq!(out.stderr, "Error: Can not resolve the node cn01\n");
}

const BOOTPTAB: &str = "cn01:bf=/tftpboot/cn01:ip=198.18.0.101:ht=ethernet:sa=198.18.0.11:sm=255.255.255.192:\ncn010:bf=/tftpboot/cn010:ip=198.18.0.110:ht=ethernet:sa=198.18.0.11:sm=255.255.255.192:\ncn02:bf=/tftpboot/cn02:ip=198.18.0.102:ht=ethernet:sa=198.18.0.11:sm=255.255.255.192:\n";
const DHCPSD: &str = "network 198.18.0.0 26\n{\n  client 1 0 198.18.0.101 { option 1 255.255.255.192 }\n  client 1 0 198.18.0.10 { option 1 255.255.255.192 }\n  client 1 0 198.18.0.102 { option 1 255.255.255.192 }\n}\n";

/// `-n` for one node with NIM commands on `host`.
fn alternate(r: &Root, host: &SimHost, node: &str, ip: &str, mac: &str) -> Out {
    let runner = SystemRunner::new(Box::new(|_, _| Vec::new()));
    let cfg = NimConfig::default().with_command_root(&host.root);
    let nim = Nim::local(&runner, &cfg);
    let ip = ip.parse().ok();
    reply_of(false, |rep| {
        bootp::add_alternate_mac(&r.files, &nim, node, ip, mac, rep).unwrap();
    })
    .0
}

#[test]
fn alternate_names_put_the_mac_back_once_per_node() {
    let sn1 = SimHost::new("sn1", "");
    sn1.sh("/usr/bin/startsrc", &["-s", "dhcpsd"]);
    sn1.reset_log();
    let r = root();
    r.put("/etc/bootptab", BOOTPTAB);
    r.put("/etc/dhcpsd.cnf", DHCPSD);
    let out = alternate(
        &r,
        &sn1,
        "cn01",
        "198.18.0.101",
        "AA:BB:CC:DD:EE:01|aa:bb:cc:dd:ee:02",
    );
    assert_eq!((out.stderr.as_str(), out.exit), ("", 0));
    assert_eq!(sn1.calls(), ["0\tlssrc -s dhcpsd", "0\trefresh -s dhcpsd"]);
    assert_eq!(r.get("/etc/dhcpsd.cnf.bak"), DHCPSD);
    assert_eq!(r.get("/etc/bootptab.bak"), BOOTPTAB);
    let cnf1 = DHCPSD.replacen(
        "client 1 0 198.18.0.101",
        "client 1 AABBCCDDEE01 198.18.0.101",
        1,
    );
    assert_eq!(r.get("/etc/dhcpsd.cnf"), cnf1);
    let bp1 = BOOTPTAB.replacen("ethernet:sa", "ethernet:ha=AABBCCDDEE01:sa", 1);
    assert_eq!(r.get("/etc/bootptab"), bp1);

    let out = alternate(&r, &sn1, "cn02", "198.18.0.102", "aabbccddee22");
    assert_eq!(out.stderr, "");
    let cnf2 = cnf1.replacen(
        "client 1 0 198.18.0.102",
        "client 1 aabbccddee22 198.18.0.102",
        1,
    );
    assert_eq!(r.get("/etc/dhcpsd.cnf"), cnf2);
    let bp2 = bp1.replacen(
        "ip=198.18.0.102:ht=ethernet:sa",
        "ip=198.18.0.102:ht=ethernet:ha=aabbccddee22:sa",
        1,
    );
    assert_eq!(r.get("/etc/bootptab"), bp2);
    // Again: nothing more.
    alternate(&r, &sn1, "cn02", "198.18.0.102", "aabbccddee22");
    assert_eq!(
        (r.get("/etc/dhcpsd.cnf"), r.get("/etc/bootptab")),
        (cnf2, bp2)
    );
}

#[test]
fn alternate_names_without_dhcpsd_and_refusals() {
    let sn1 = SimHost::new("sn1", "");
    let r = root();
    r.put("/etc/bootptab", BOOTPTAB);
    r.put("/etc/dhcpsd.cnf", DHCPSD);
    let out = alternate(&r, &sn1, "cn01", "198.18.0.101", "aabbccddee01");
    assert_eq!(out.stderr, "");
    assert_eq!(sn1.calls(), ["0\tlssrc -s dhcpsd"]);
    assert_eq!(r.get("/etc/dhcpsd.cnf"), DHCPSD);
    assert!(!r.exists("/etc/dhcpsd.cnf.bak"));
    assert!(r.get("/etc/bootptab").contains("ha=aabbccddee01:sa"));

    sn1.reset_log();
    let out = alternate(&r, &sn1, "cn02", "198.18.0.102", "aa:bb;reboot");
    assert_eq!(
        out.stderr,
        "Error: Invalid value 'aa:bb;reboot' of attribute 'mac' for 'cn02': not a MAC address.\n\n"
    );
    assert!(sn1.calls().is_empty());

    let r = root();
    let out = alternate(&r, &sn1, "cn01", "198.18.0.101", "aabbccddee01");
    assert_eq!(out.stderr, "Error: Could not open /etc/bootptab.\n\n");
    assert!(
        !r.exists("/etc/bootptab"),
        "a missing bootptab is not created empty"
    );
}

#[test]
fn hfi_macs_get_their_own_bootptab_lines() {
    let r = root();
    r.put(
        "/etc/bootptab",
        &BOOTPTAB.replace("ethernet:sa", "ethernet:ha=aabbccddee01:sa"),
    );
    let before = r.get("/etc/bootptab");
    for _ in 0..2 {
        let (out, _) = reply_of(false, |rep| {
            bootp::add_hfi_macs(
                &r.files,
                "cn01",
                "aa:bb:cc:dd:ee:01!cn01-hf0|aa:bb:cc:dd:ee:02!cn01-hf1|aabbccddee03",
                rep,
            )
            .unwrap();
        });
        assert_eq!(out.stderr, "");
        let line1 = before.lines().next().unwrap();
        assert_eq!(
            r.get("/etc/bootptab"),
            format!(
                "{before}{}\n{}\n",
                line1.replace("aabbccddee01", "aabbccddee02"),
                line1.replace("aabbccddee01", "aabbccddee03")
            )
        );
    }
    let (out, errors) = reply_of(false, |rep| {
        bootp::add_hfi_macs(&r.files, "cn01", "aabbccddee01|zz", rep).unwrap();
    });
    assert_eq!(
        out.stderr,
        "Error: Invalid value 'zz' of attribute 'mac' for 'cn01': not a MAC address.\n\n"
    );
    assert_eq!(errors, 1);
    // A first MAC not in bootptab: nothing to copy.
    let r = root();
    r.put("/etc/bootptab", BOOTPTAB);
    reply_of(false, |rep| {
        bootp::add_hfi_macs(&r.files, "cn01", "aabbccddee01|aabbccddee02", rep).unwrap();
    });
    assert_eq!(r.get("/etc/bootptab"), BOOTPTAB);
    assert!(!Path::new(&r.dir.path().join("etc/bootptab.bak")).exists());
}

#[test]
fn shared_file_edits_from_many_threads_all_land_and_keep_the_mode() {
    use std::os::unix::fs::PermissionsExt;
    let r = root();
    let mut bootptab = String::new();
    for i in 0..24 {
        bootptab.push_str(&format!(
            "cn{i:02}:bf=/tftpboot/cn{i:02}:ip=198.18.0.{}:ht=ethernet:ha=aabbccdd00{i:02}:sa=198.18.0.11:\n",
            100 + i
        ));
    }
    r.put("/etc/bootptab", &bootptab);
    let path = r.files.path("/etc/bootptab");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    std::thread::scope(|s| {
        for i in 0..24 {
            let files = &r.files;
            s.spawn(move || {
                let macs = format!("aabbccdd00{i:02}|aabbccdd01{i:02}");
                let (out, _) = reply_of(false, |rep| {
                    bootp::add_hfi_macs(files, &format!("cn{i:02}"), &macs, rep).unwrap();
                });
                assert_eq!(out.stderr, "");
            });
        }
    });
    let after = r.get("/etc/bootptab");
    assert_eq!(after.lines().count(), 48);
    for i in 0..24 {
        assert!(
            after.contains(&format!(":ha=aabbccdd01{i:02}:")),
            "cn{i:02}"
        );
    }
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
