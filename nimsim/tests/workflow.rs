//! The command sequences stock xCAT runs on a service node, as shell strings through the
//! installed links (aixinstall.pm make_SN_resource, per-node define/init, `-S` HA NFS,
//! rmdsklsnode; xcat2nim groups), checked against the resulting state and call log.

mod common;

use std::path::PathBuf;

use common::{to_run, Host, Run};

/// A host whose commands run through `sh -c` with the simulator's links first on PATH.
struct Shell {
    host: Host,
    bin: PathBuf,
}

impl Shell {
    fn new() -> Shell {
        let host = Host::new();
        let bin = host.path().join("bin");
        host.ok(&["--install-links", bin.to_str().unwrap_or_default()]);
        Shell { host, bin }
    }

    fn sh(&self, line: &str) -> Run {
        let path = format!(
            "{}:{}",
            self.bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut cmd = self
            .host
            .command(std::path::Path::new("/bin/sh"), &["-c", line]);
        cmd.env("PATH", path);
        to_run(cmd.output().expect("run sh"))
    }

    fn ok(&self, line: &str) -> String {
        let r = self.sh(line);
        assert_eq!(r.rc, 0, "{line}: {r:?}");
        r.stdout
    }

    /// The calls logged since call number `from` (1-based), as `rc<TAB>cmd args`.
    fn calls_since(&self, from: usize) -> Vec<String> {
        self.host.calls().into_iter().skip(from - 1).collect()
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// aixinstall.pm make_SN_resource (13042-13727) on a fresh SN, NFSv4 on.
#[test]
fn service_node_resource_setup_sequence() {
    let s = Shell::new();
    let base = s.host.path().join("install/nim");
    std::fs::create_dir_all(base.join("shared_root/sr71")).expect("dir");
    assert_ne!(s.sh("/usr/bin/env lsnim -l >/dev/null 2>&1").rc, 0);
    s.ok("nim_master_setup -a mk_resource=no");
    assert!(s.ok("chnfsdom").contains("N/A"));
    s.ok("chnfsdom cluster.example");
    s.ok("stopsrc -g nfs");
    s.ok("startsrc -g nfs");
    assert_eq!(s.ok("lsnim -FZ -a nfs_domain master"), "");
    s.ok("nim -Fo change -a nfs_domain=cluster.example master");
    // checkNIMnetworks (12773-13014): the node network is missing, define it and the routes.
    let nets = s.ok("lsnim -c networks | cut -f1 -d' ' 2>/dev/null");
    assert_eq!(nets, "master_net\n");
    s.ok("/usr/bin/env nim -Fo define -t ent -a net_addr=198.18.0.0 -a snm=255.255.255.0 -a routing1='default 198.18.0.1' net18 2>/dev/null");
    let ifindex = s.ok("lsnim -A if master").trim().to_string();
    let ctindex = s.ok("lsnim -A cable_type master").trim().to_string();
    s.ok(&format!(
        "nim -Fo change -a if{ifindex}='net18 sn1 0' -a cable_type{ctindex}=N/A master 2>/dev/null"
    ));
    let rtindex = s.ok("lsnim -A routing master_net").trim().to_string();
    let if1 = s.ok("lsnim -a if1 -Z master");
    let adapter = if1
        .lines()
        .find(|l| !l.starts_with('#'))
        .and_then(|l| l.split(':').nth(2))
        .unwrap_or("")
        .to_string();
    assert_eq!(adapter, hostname());
    s.ok(&format!(
        "nim -Fo change -a routing{rtindex}='master_net 198.18.0.1 {adapter}' net18 2>/dev/null"
    ));
    // Stock takes the index from master_net and applies it to the new network (quirk kept by
    // the caller, not the simulator): here routing1 of net18 is replaced.
    assert_eq!(rtindex, "1");
    assert_eq!(
        s.ok("lsnim -a routing1 -Z net18"),
        format!("#name:routing1:\nnet18:master_net:198.18.0.1:{adapter}:\n")
    );
    // Resources: types and names, then the definitions with the shared_root moved aside.
    let types = s.ok("lsnim -P -c resources | cut -f1 -d' ' 2>/dev/null");
    assert!(types.lines().any(|t| t == "shared_root"));
    assert_eq!(
        s.ok("lsnim -c resources | cut -f1 -d' ' 2>/dev/null"),
        "boot\nnim_script\n"
    );
    s.ok("sync; sync; sync");
    s.ok(&format!(
        "nim -Fo define -t spot -a server=master -a nfs_vers=4 -a location={} spot71",
        base.join("spot").display()
    ));
    let sr = base.join("shared_root/sr71");
    s.ok(&format!("mvdir {0} {0}.bak", sr.display()));
    s.ok(&format!("nim -Fo define -t shared_root -a server=master -a nfs_vers=4 -a spot=spot71 -a location={} sr71  2>&1", sr.display()));
    s.ok(&format!(
        "rm -R {0} 2>/dev/null; mvdir {0}.bak {0}",
        sr.display()
    ));
    assert!(sr.is_dir());
    s.ok(&format!("nim -Fo define -t paging -a server=master -a nfs_vers=4 -a location={}/paging/pg71 pg71  2>&1", base.display()));
    s.ok("nim -Fo check spot71 2>/dev/null");
    let calls = s.host.calls();
    assert_eq!(calls[0], "27\tlsnim -l");
    assert_eq!(calls[1], "0\tnim_master_setup -a mk_resource=no");
    assert!(
        calls.iter().all(|c| !c.starts_with("0\tlsnim -l ")),
        "no stray calls"
    );
}

/// Per-node define and dkls_init (aixinstall.pm 11289-11992), the client files NIM
/// writes, then rmdsklsnode's reset / deallocate / remove (13846-14195).
#[test]
fn node_define_init_and_remove_sequence_with_client_files() {
    let s = Shell::new();
    s.host.nim_with_image();
    let machines = s.ok("lsnim -c machines | cut -f1 -d' ' 2>/dev/null");
    assert_eq!(machines, "master\n");
    let first = s.host.calls().len() + 1;
    s.ok("nim -Fo define -t diskless -a if1='find_net cn01 aabbccddeeff ent' -a cable_type1=N/A -a netboot_kernel=mp -a net_definition='ent 255.255.255.0 198.18.0.1' -a net_settings1='100 full' cn01  2>&1");
    s.ok("nim -Fo dkls_init -a spot=spot71 -a shared_root=sr71 -a size=64 -a paging=pg71 -a dump=dump71 -a configdump=selective cn01 2>&1");
    let info = s.host.path().join("tftpboot/198.18.0.101.info");
    let text = std::fs::read_to_string(&info).expect("info file");
    assert!(text.contains("export NIM_NAME=cn01\n"));
    assert!(text.contains(&format!(
        "export SPOT={}:{}/install/nim/spot/spot71/usr\n",
        hostname(),
        s.host.path().display()
    )));
    assert!(text.contains("export NIM_HOSTS=\" 198.18.0.101:cn01 "));
    let client_data = s
        .host
        .path()
        .join("install/nim/shared_root/sr71/etc/.client_data");
    for f in ["hosts.cn01", "filesystems.cn01", "niminfo.cn01"] {
        assert!(client_data.join(f).is_file(), "{f}");
    }
    let fs = std::fs::read_to_string(client_data.join("filesystems.cn01")).unwrap_or_default();
    assert!(
        fs.starts_with("/:\n")
            && fs.contains("\n/usr:\n")
            && fs.contains(&format!("\tnodename\t= {}\n", hostname()))
    );
    assert_eq!(
        s.ok("lsnim -a Mstate -Z cn01"),
        "#name:Mstate:\ncn01:not running:\n"
    );
    s.ok("nim -Fo reset cn01  >/dev/null 2>&1");
    s.ok("nim -Fo deallocate -a subclass=all cn01  >/dev/null 2>&1");
    s.ok("nim -Fo remove cn01  >/dev/null 2>&1");
    assert!(!info.exists(), "deallocation removes the .info file");
    assert!(!client_data.join("filesystems.cn01").exists());
    assert_ne!(s.sh("lsnim -l cn01 2>/dev/null").rc, 0);
    let calls: Vec<String> = s
        .calls_since(first)
        .iter()
        .map(|c| c.split(' ').take(3).collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        calls,
        [
            "0\tnim -Fo define",
            "0\tnim -Fo dkls_init",
            "0\tlsnim -a Mstate",
            "0\tnim -Fo reset",
            "0\tnim -Fo deallocate",
            "0\tnim -Fo remove",
            "53\tlsnim -l cn01"
        ]
    );
}

/// The `-S` sequence (aixinstall.pm 12389-12691) on both SNs of a pair leaves each
/// exporting /install over NFSv4 with the other as replica; a second run needs nothing.
#[test]
fn ha_nfs_sequence_on_both_service_nodes() {
    let sn1 = Shell::new();
    let sn2 = Shell::new();
    for (sn, local, remote) in [
        (&sn1, "198.18.0.11", "198.18.0.12"),
        (&sn2, "198.18.0.12", "198.18.0.11"),
    ] {
        sn.ok("mknfsexp -d /install -B -t rw -r '*'");
        let listed = sn.ok("lsnfsexp -c");
        let line = listed
            .lines()
            .find(|l| !l.starts_with('#') && l.starts_with("/install:"))
            .unwrap_or("");
        assert_eq!(line.split(':').nth(6), Some(""), "no replica yet");
        sn.ok("rmnfsexp -d /install");
        for step in [
            "exportfs -ua",
            "chnfs -R on",
            "stopsrc -g nfs",
            "startsrc -g nfs",
            "exportfs -a",
        ] {
            sn.ok(step);
        }
        sn.ok(&format!(
            "mknfsexp -d /install -B -v 4 -g /install@{local}:/install@{remote} -x -t rw -r '*'"
        ));
        let listed = sn.ok("lsnfsexp -c");
        let line = listed
            .lines()
            .find(|l| l.starts_with("/install:"))
            .unwrap_or("");
        let replicas: Vec<&str> = line.split(':').nth(6).unwrap_or("").split(',').collect();
        assert_eq!(
            replicas,
            [format!("/install@{local}"), format!("/install@{remote}")]
        );
        assert!(sn.ok("exportfs").contains("/install -vers=4,replicas="));
        let plain = sn.host.calls();
        assert_eq!(
            plain,
            [
                "0\tmknfsexp -d /install -B -t rw -r *",
                "0\tlsnfsexp -c",
                "0\trmnfsexp -d /install",
                "0\texportfs -ua",
                "0\tchnfs -R on",
                "0\tstopsrc -g nfs",
                "0\tstartsrc -g nfs",
                "0\texportfs -a",
                &format!("0\tmknfsexp -d /install -B -v 4 -g /install@{local}:/install@{remote} -x -t rw -r *"),
                "0\tlsnfsexp -c",
                "0\texportfs",
            ]
        );
        // A third replica is added with chnfsexp while the pair stays.
        sn.ok(&format!("chnfsexp -d /install -B -v 4 -g /install@{local}:/install@{remote}:/install@198.18.0.13 -x -t rw -r '*'"));
        assert!(sn.ok("lsnfsexp -c").contains("/install@198.18.0.13:rw"));
    }
}

/// xcat2nim mkgrpdef (xcat2nim.pm 1078-1186): define with the first member, change
/// for the rest; removing a member machine drops it from the group.
#[test]
fn nim_group_definition() {
    let s = Shell::new();
    s.host.nim_with_image();
    s.host.define_diskless("cn01", "0");
    s.host.define_diskless("cn02", "0");
    s.ok("nim -o define -t mac_group -a add_member=cn01 grp1 2>&1");
    s.ok("nim -o change -a add_member=cn02 grp1 2>&1");
    s.ok("nim -o change -a add_member=cn02 grp1 2>&1");
    assert_eq!(
        s.ok("lsnim -c groups | cut -f1 -d' ' 2>/dev/null"),
        "grp1\n"
    );
    assert_eq!(s.ok("lsnim -l grp1"), "grp1:\n   class          = groups\n   type           = mac_group\n   member1        = cn01\n   member2        = cn02\n");
    let r = s.sh("nim -o change -a add_member=nosuch grp1");
    assert_eq!(
        (r.rc, r.stderr.as_str()),
        (
            53,
            "0042-053 nim: there is no NIM object named \"nosuch\"\n"
        )
    );
    s.ok("nim -Fo remove cn01");
    assert_eq!(
        s.ok("lsnim -a member1 -a member2 -Z grp1"),
        "#name:member1:member2:\ngrp1::cn02:\n"
    );
    s.ok("nim -Fo remove grp1 2>/dev/null");
}

/// NIM exports what it allocates (read-only shared resources with every client in
/// root=/access=, per-client directories read-write) and withdraws it on deallocation;
/// its NFSv4 exports block `chnfs -R` until `exportfs -ua`, as on AIX.
#[test]
fn allocation_exports_and_replication_mode() {
    let s = Shell::new();
    s.host.nim_with_image();
    s.ok("nim -o change -a nfs_vers=4 spot71");
    s.host.define_diskless("cn01", "0");
    s.host.define_diskless("cn02", "0");
    for node in ["cn01", "cn02"] {
        s.ok(&format!(
            "nim -Fo dkls_init -a spot=spot71 -a shared_root=sr71 -a paging=pg71 {node}"
        ));
    }
    let base = format!("{}/install/nim", s.host.path().display());
    assert_eq!(
        s.ok("lsnfsexp"),
        format!(
            "{base}/spot/spot71/usr -vers=4,ro,root=cn01:cn02,access=cn01:cn02\n\
             {base}/shared_root/sr71 -vers=3,ro,root=cn01:cn02,access=cn01:cn02\n\
             {base}/paging/pg71/cn01 -vers=3,rw,root=cn01,access=cn01\n\
             {base}/paging/pg71/cn02 -vers=3,rw,root=cn02,access=cn02\n"
        )
    );
    assert_eq!(s.sh("chnfs -R on").rc, 1);
    s.ok("exportfs -ua");
    assert_eq!(s.ok("exportfs"), "");
    s.ok("chnfs -R on");
    s.ok("exportfs -a");
    assert_eq!(s.ok("exportfs").lines().count(), 4);
    s.ok("nim -Fo deallocate -a subclass=all cn01");
    let listed = s.ok("lsnfsexp");
    assert!(!listed.contains("cn01"), "{listed}");
    assert!(listed.contains("/spot/spot71/usr -vers=4,ro,root=cn02,access=cn02\n"));
}
