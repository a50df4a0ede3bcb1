//! rmdsklsnode end to end in the cluster in a box: the stock-named client
//! on mn1, the MN daemon splitting per service node, sn1 and sn2 each
//! removing the NIM machine from its own NIM (the simulator at the stock
//! paths), the begin / end prescripts as internal requests on each SN.  A
//! node with `servicenode=sn1,sn2` is removed on both; `-p` only on sn1; a
//! running node is refused without `-f` (the `-f` shutdown is not run here:
//! compute hosts have no simulator, see `handlers/tests/nim_rmdsklsnode.rs`).
//! Needs root (skips otherwise; fails under CI=true).

use xcat_tests::cluster::check::{ok, text};
use xcat_tests::cluster::{Cluster, ClusterSpec};

/// NIM configured on `sn`, `cn01` defined there, a bootptab to keep.
fn prepare(c: &Cluster, sn: &str) {
    let h = c.host(sn);
    ok(
        h.run("nim_master_setup", &["-a", "mk_resource=no"]),
        "nim_master_setup",
    );
    define(c, sn);
    ok(
        h.run("sh", &["-c", "echo '# bootptab' > /etc/bootptab"]),
        "bootptab",
    );
}

fn define(c: &Cluster, sn: &str) {
    let args = [
        "-o",
        "define",
        "-t",
        "standalone",
        "-a",
        "if1=find_net cn01 aabbccddee01 ent",
        "cn01",
    ];
    ok(c.host(sn).run("nim", &args), "nim define");
}

/// The simulator's calls on `host` as `rc<TAB>command args`.
fn calls(c: &Cluster, host: &str) -> Vec<String> {
    ok(c.nimsim(host, &["calls", "--plain"]), "nimsim calls")
        .lines()
        .map(str::to_string)
        .collect()
}

fn removal() -> [&'static str; 5] {
    [
        "0\tlsnim -l cn01",
        "0\tlsnim -a Mstate -Z cn01",
        "0\tnim -Fo reset cn01",
        "0\tnim -Fo deallocate -a subclass=all cn01",
        "0\tnim -Fo remove cn01",
    ]
}

#[test]
fn a_node_is_removed_on_its_primary_and_backup_service_node() {
    let Some(c) = Cluster::start_or_skip(ClusterSpec::small()) else {
        return;
    };
    assert!(
        c.has_nimsim(),
        "build nimsim first (cargo build --workspace --bins)"
    );
    ok(
        c.client("mn1", "chdef", &["cn01", "servicenode=sn1,sn2"]),
        "chdef",
    );
    for sn in ["sn1", "sn2"] {
        prepare(&c, sn);
    }
    let before: Vec<usize> = ["sn1", "sn2"].iter().map(|h| calls(&c, h).len()).collect();

    let out = c.client("mn1", "rmdsklsnode", &["cn01"]);
    let done = "NIM machine definitions were successfully removed.\n";
    assert_eq!(
        (text(&out.stdout), text(&out.stderr), out.status.code()),
        (format!("{done}{done}"), String::new(), Some(0))
    );
    for (i, sn) in ["sn1", "sn2"].into_iter().enumerate() {
        assert_eq!(calls(&c, sn)[before[i]..], removal(), "{sn}");
        assert_eq!(c.host(sn).read("/etc/bootptab"), "# bootptab\n", "{sn}");
    }
    // The xCAT node definition is untouched.
    let l = ok(
        c.client("mn1", "lsdef", &["cn01", "-i", "servicenode"]),
        "lsdef",
    );
    assert!(l.contains("servicenode=sn1,sn2"), "{l}");

    // Defined again on both, running on sn1: -p goes to sn1 only, which
    // refuses without -f; sn2 keeps its machine.
    for sn in ["sn1", "sn2"] {
        define(&c, sn);
    }
    ok(
        c.nimsim("sn1", &["set", "cn01", "Mstate", "currently running"]),
        "nimsim set",
    );
    let before: Vec<usize> = ["sn1", "sn2"].iter().map(|h| calls(&c, h).len()).collect();
    let out = c.client("mn1", "rmdsklsnode", &["-p", "cn01"]);
    assert_eq!(text(&out.stdout), "");
    assert_eq!(
        text(&out.stderr),
        "Error: [sn1]: The node 'cn01' is currently running. Use the -f flag to force the removal of the NIM client definition.\n\
         Error: [sn1]: The following NIM client machine definitions could NOT be removed.\n\n\
         Error: [sn1]: cn01\nError: [sn1]: Return=1.\n"
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        calls(&c, "sn1")[before[0]..],
        ["0\tlsnim -l cn01", "0\tlsnim -a Mstate -Z cn01"]
    );
    assert_eq!(calls(&c, "sn2").len(), before[1]);
    let left = c.teardown();
    assert!(left.is_empty(), "{left:?}");
}
