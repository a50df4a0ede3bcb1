//! xcat2nim end to end in the cluster in a box: the stock-named client on
//! mn1, the MN daemon splitting per service node, sn1 and sn2 each running
//! its part against its own NIM (the simulator at the stock paths).  A node
//! with `servicenode=sn1,sn2` is defined on both (stock defined it on sn1
//! only, xCAT-server/lib/xcat/plugins/xcat2nim.pm:757-770).  Needs root (skips otherwise; fails under CI=true).

use xcat_tests::cluster::check::{ok, text};
use xcat_tests::cluster::{Cluster, ClusterSpec};

/// NIM configured on `sn` (its `master_net` is the cluster's 198.18.0.0/24).
fn nim_master(c: &Cluster, sn: &str) {
    let h = c.host(sn);
    ok(
        h.run("nim_master_setup", &["-a", "mk_resource=no"]),
        "nim_master_setup",
    );
}

fn sorted_lines(t: &str) -> Vec<String> {
    let mut v: Vec<String> = t.lines().map(str::to_string).collect();
    v.sort();
    v
}

/// The simulator's calls on `host` as `rc<TAB>command args`.
fn calls(c: &Cluster, host: &str) -> Vec<String> {
    ok(c.nimsim(host, &["calls", "--plain"]), "nimsim calls")
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn a_node_is_defined_on_its_primary_and_backup_service_node() {
    let Some(c) = Cluster::start_or_skip(ClusterSpec::small()) else {
        return;
    };
    assert!(
        c.has_nimsim(),
        "build nimsim first (cargo build --workspace --bins)"
    );
    ok(
        c.client(
            "mn1",
            "chdef",
            &["cn01", "servicenode=sn1,sn2", "mac=aa:bb:cc:dd:ee:01"],
        ),
        "chdef",
    );
    for sn in ["sn1", "sn2"] {
        nim_master(&c, sn);
    }
    let before: Vec<usize> = ["sn1", "sn2"].iter().map(|h| calls(&c, h).len()).collect();

    let out = c.client("mn1", "xcat2nim", &["cn01"]);
    assert_eq!(
        (text(&out.stdout), text(&out.stderr), out.status.code()),
        (String::new(), String::new(), Some(0))
    );
    for (i, sn) in ["sn1", "sn2"].into_iter().enumerate() {
        let all = calls(&c, sn);
        assert_eq!(
            all[before[i]..],
            [
                "0\tlsnim -c machines".to_string(),
                "0\tnim -o define -t standalone -a if1=find_net cn01 aabbccddee01 ent -a cable_type1=N/A cn01".to_string(),
            ],
            "{sn}"
        );
        let l = ok(c.host(sn).run("lsnim", &["-l", "cn01"]), "lsnim -l");
        assert!(
            l.contains("if1            = master_net cn01 aabbccddee01 ent"),
            "{sn}: {l}"
        );
    }

    // Again: both service nodes say it exists, each under its own name.  The
    // SNs answer in parallel, so their documents may interleave: compare
    // the lines sorted, and each SN's own lines in order.
    let out = c.client("mn1", "xcat2nim", &["cn01"]);
    let exists = |sn: &str| {
        format!("{sn}:  The NIM client machine 'cn01' already exists.  Use the '-f' option to remove and recreate or the '-u' option to update an existing definition.\n\n")
    };
    assert_eq!(
        sorted_lines(&text(&out.stdout)),
        sorted_lines(&(exists("sn1") + &exists("sn2")))
    );
    // Errors carry the answering daemon's name (`xcatdsource`), as stock prints them.
    let failed = |sn: &str| {
        format!("Error: [{sn}]: {sn}:  One or more errors occured.\n\nError: [{sn}]: Return=1.\n")
    };
    let stderr = text(&out.stderr);
    assert_eq!(
        sorted_lines(&stderr),
        sorted_lines(&(failed("sn1") + &failed("sn2")))
    );
    for sn in ["sn1", "sn2"] {
        let own: String = stderr
            .lines()
            .filter(|l| l.starts_with(&format!("Error: [{sn}]")))
            .map(|l| format!("{l}\n"))
            .collect();
        assert_eq!(own, failed(sn).replace("\n\n", "\n"), "{sn}");
    }
    assert_eq!(out.status.code(), Some(1));
    let left = c.teardown();
    assert!(left.is_empty(), "{left:?}");
}
