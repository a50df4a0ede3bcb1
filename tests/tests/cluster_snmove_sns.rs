//! snmove with AIX `sharedinstall=sns` end to end in the cluster in a box:
//! the stock-named client on mn1, cn01 (`servicenode=sn1,sn2`, osimage
//! 71dskls with a shared_root) moved to sn2.  mn1 is nimprime (its NIM, the
//! simulator, knows the shared_root's and SPOT's locations; dolitesetup
//! runs there); the daemon copies the
//! statelite files from mn1 to sn2 with rsync over ssh and restores cn01's
//! `.client_data` files from sn2's backup over ssh, with real files on
//! each host.  Needs root (skips otherwise; fails under CI=true).

use xcat_tests::cluster::check::{ok, text};
use xcat_tests::cluster::{Cluster, ClusterSpec};

const SR: &str = "/install/nim/shared_root/71sr";

fn sh(c: &Cluster, host: &str, script: &str) {
    ok(c.host(host).run("sh", &["-c", script]), script);
}

#[test]
fn sns_move_restores_client_data_on_the_new_service_node() {
    let Some(c) = Cluster::start_or_skip(ClusterSpec::small()) else {
        return;
    };
    assert!(
        c.has_nimsim(),
        "build nimsim first (cargo build --workspace --bins)"
    );
    let client = |cmd: &str, args: &[&str]| ok(c.client("mn1", cmd, args), cmd);
    client(
        "chdef",
        &[
            "cn01",
            "servicenode=sn1,sn2",
            "xcatmaster=sn1",
            "os=AIX",
            "provmethod=71dskls",
        ],
    );
    client("tabch", &["key=sharedinstall", "site.value=sns"]);
    client(
        "tabch",
        &[
            "imagename=71dskls",
            "nimimage.nimtype=diskless",
            "nimimage.spot=71spot",
            "nimimage.shared_root=71sr",
        ],
    );
    client("tabch", &["node=cn01", "statelite.statemnt=sn1:/nodedata"]);
    // nimprime (mn1): the resources in NIM and the statelite table.
    let mn1 = c.host("mn1");
    ok(
        mn1.run("nim_master_setup", &["-a", "mk_resource=no"]),
        "nim_master_setup",
    );
    ok(
        mn1.run(
            "nim",
            &[
                "-o",
                "define",
                "-t",
                "spot",
                "-a",
                "server=master",
                "-a",
                "location=/install/nim/spot",
                "71spot",
            ],
        ),
        "define spot",
    );
    ok(
        mn1.run(
            "nim",
            &[
                "-o",
                "define",
                "-t",
                "shared_root",
                "-a",
                "server=master",
                "-a",
                "spot=71spot",
                "-a",
                &format!("location={SR}"),
                "71sr",
            ],
        ),
        "define shared_root",
    );
    sh(
        &c,
        "mn1",
        &format!("mkdir -p {SR} /install/nim/spot/71spot/usr/lpp/bos/inst_root /install/postscripts && \
             echo '#!/bin/sh' > /install/postscripts/aixlitesetup && echo 'cn01|198.18.0.12|/nodedata' > {SR}/statelite.table"),
    );
    // sn2: the backup mkdsklsnode made there, and the live client data.
    sh(
        &c,
        "sn2",
        &format!(
            "mkdir -p {SR}/sn2_71dskls/.client_data {SR}/etc/.client_data && cd {SR}/sn2_71dskls/.client_data && \
             echo backup > hosts.cn01 && echo fs > filesystems.cn01 && echo other > hosts.cn010 && \
             echo stale > {SR}/etc/.client_data/hosts.cn01"
        ),
    );
    let before = c.calls("mn1").len();

    let out = c.client("mn1", "snmove", &["cn01", "-d", "sn2", "-D", "sn2", "-i"]);
    assert_eq!(
        text(&out.stdout),
        "Moving nodes to their backup service nodes.\n\nSetting new values in the xCAT database.\n\n"
    );
    let stderr = text(&out.stderr);
    assert!(!stderr.contains("Error"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");

    // nimprime was asked for the locations (the shared_root's, the SPOT's for
    // dolitesetup), nothing else in NIM.
    let calls = c.calls("mn1");
    let argv: Vec<&String> = calls[before..].iter().collect();
    assert_eq!(argv.len(), 2, "{argv:?}");
    assert!(
        argv[0].contains("\"argv\":[\"/usr/sbin/lsnim\",\"-a\",\"location\",\"-Z\",\"71sr\"]"),
        "{}",
        argv[0]
    );
    assert!(
        argv[1].contains("\"argv\":[\"/usr/sbin/lsnim\",\"-a\",\"location\",\"-Z\",\"71spot\"]"),
        "{}",
        argv[1]
    );
    // On sn2: cn01's files restored (not cn010's), the statelite table copied.
    let sn2 = |cmd: &str| ok(c.host("sn2").run("sh", &["-c", cmd]), cmd);
    assert_eq!(
        sn2(&format!("cat {SR}/etc/.client_data/hosts.cn01")),
        "backup\n"
    );
    assert_eq!(
        sn2(&format!("cat {SR}/etc/.client_data/filesystems.cn01")),
        "fs\n"
    );
    assert_eq!(
        sn2(&format!("ls {SR}/etc/.client_data")),
        "filesystems.cn01\nhosts.cn01\n"
    );
    assert_eq!(
        sn2(&format!("cat {SR}/statelite.table")),
        "cn01|198.18.0.12|/nodedata\n"
    );
    // The database: cn01 on sn2, its statelite row follows.
    let l = client("lsdef", &["cn01", "-i", "servicenode,xcatmaster"]);
    assert!(
        l.contains("servicenode=sn2,sn1") && l.contains("xcatmaster=sn2"),
        "{l}"
    );
    let t = client("tabdump", &["statelite"]);
    assert!(t.contains("\"cn01\",,\"sn2:/nodedata\""), "{t}");
    let left = c.teardown();
    assert!(left.is_empty(), "{left:?}");
}
