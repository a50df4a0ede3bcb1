//! The outputs the nimprime side of mkdsklsnode reads
//! (xCAT-server/lib/xcat/plugins/aixinstall.pm:8891-8990, 9452-9827, 7313-7512): the SPOT location in `lsnim -l`, `lsnim -a alloc_count
//! -Z` of a shared_root, `nim -Fo sync_roots` (a SPOT only), `lsnim -c
//! resources`, and `df -m` after `chfs -a size=+NM`.

mod common;

use common::Host;

#[test]
fn spot_location_alloc_count_and_sync_roots() {
    let h = Host::new();
    h.nim_with_image();
    let base = h.path().join("install/nim");
    let long = h.ok(&["lsnim", "-l", "spot71"]);
    let want = format!("   location       = {}/spot/spot71/usr\n", base.display());
    assert!(long.contains(&want), "{long}");
    assert_eq!(
        h.ok(&["lsnim", "-a", "alloc_count", "-Z", "sr71"]),
        "#name:alloc_count:\nsr71:0:\n"
    );
    h.ok(&["set", "sr71", "alloc_count", "1"]);
    assert_eq!(
        h.ok(&["lsnim", "-a", "alloc_count", "-Z", "sr71"]),
        "#name:alloc_count:\nsr71:1:\n"
    );
    assert_eq!(h.ok(&["nim", "-Fo", "sync_roots", "spot71"]), "");
    let r = h.run(&["nim", "-Fo", "sync_roots", "sr71"]);
    assert_ne!(r.rc, 0);
    assert!(r.stderr.starts_with("0042-"), "{r:?}");
    let names: Vec<String> = h
        .ok(&["lsnim", "-c", "resources"])
        .lines()
        .filter_map(|l| l.split(' ').next().map(str::to_string))
        .collect();
    assert!(names.contains(&"spot71".to_string()) && names.contains(&"sr71".to_string()));
}

#[test]
fn df_free_and_mount_after_chfs() {
    let h = Host::new();
    h.ok(&["nim_master_setup", "-a", "mk_resource=no"]);
    h.ok(&["fs", "/install", "1000", "40", "/dev/fslv00"]);
    let fields = |out: &str| -> (String, String) {
        let f: Vec<String> = out
            .lines()
            .nth(1)
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_string)
            .collect();
        (f[2].clone(), f[6].clone())
    };
    let before = h.ok(&["df", "-m", "/install/nim/spot"]);
    assert_eq!(fields(&before), ("40.00".into(), "/install".into()));
    h.ok(&["chfs", "-a", "size=+60M", "/install"]);
    let after = h.ok(&["df", "-m", "/install/nim/spot"]);
    assert_eq!(fields(&after), ("100.00".into(), "/install".into()));
}
