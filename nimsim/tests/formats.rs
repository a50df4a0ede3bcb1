//! Every output format against what stock xCAT parses (xCAT-server/lib/xcat/plugins/aixinstall.pm): lsnim plain,
//! `-l`, `-Z` / `-FZ`, `-c`, `-t`, `-a`, `-A`, `-P`; lsnfsexp -c; lssrc; df -m; chnfsdom;
//! ifconfig -a.

mod common;

use common::Host;

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// Stock's `get_nim_attr_val` (InstUtils.pm:390): `/.*<res>:(.*):$/` on the whole output.
fn stock_attr_val(output: &str, res: &str) -> Option<String> {
    let last = output.trim_end_matches('\n').lines().last()?;
    let at = last.rfind(&format!("{res}:"))?;
    let rest = &last[at + res.len() + 1..];
    rest.strip_suffix(':').map(str::to_string)
}

/// Stock's `get_nim_attrs` (InstUtils.pm:326): `^\s*(\S+?)\s*=\s*(\S*.*)$` per line.
fn stock_attrs(output: &str) -> Vec<(String, String)> {
    output
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim_start().to_string()))
        .filter(|(k, v)| !k.contains(char::is_whitespace) && !v.is_empty())
        .collect()
}

#[test]
fn lsnim_plain_list_and_class_filters() {
    let h = Host::new();
    h.nim_with_image();
    assert_eq!(
        h.ok(&["lsnim"]),
        "master         machines       master\n\
         boot           resources      boot\n\
         nim_script     resources      nim_script\n\
         master_net     networks       ent\n\
         net18          networks       ent\n\
         spot71         resources      spot\n\
         sr71           resources      shared_root\n\
         root71         resources      root\n\
         pg71           resources      paging\n\
         dump71         resources      dump\n"
    );
    assert_eq!(
        h.ok(&["lsnim", "-c", "networks"]),
        "master_net     networks       ent\nnet18          networks       ent\n"
    );
    assert_eq!(
        h.ok(&["lsnim", "-t", "spot"]),
        "spot71         resources      spot\n"
    );
    let names: Vec<String> = h
        .ok(&["lsnim", "-c", "resources"])
        .lines()
        .map(|l| l.split(' ').next().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        names,
        [
            "boot",
            "nim_script",
            "spot71",
            "sr71",
            "root71",
            "pg71",
            "dump71"
        ]
    );
    assert_eq!(h.ok(&["lsnim", "-c", "groups"]), "");
}

#[test]
fn lsnim_long_stanza_of_an_initialised_diskless_machine() {
    let h = Host::new();
    h.nim_with_image();
    assert_eq!(h.define_diskless("cn01", "aabbccddeeff").rc, 0);
    h.ok(&[
        "nim",
        "-Fo",
        "dkls_init",
        "-a",
        "spot=spot71",
        "-a",
        "shared_root=sr71",
        "-a",
        "size=64",
        "-a",
        "paging=pg71",
        "cn01",
    ]);
    let out = h.ok(&["lsnim", "-l", "cn01"]);
    assert_eq!(
        out,
        "cn01:\n\
         \x20  class          = machines\n\
         \x20  type           = diskless\n\
         \x20  if1            = net18 cn01 aabbccddeeff ent\n\
         \x20  cable_type1    = N/A\n\
         \x20  netboot_kernel = mp\n\
         \x20  Cstate         = ready for a NIM operation\n\
         \x20  prev_state     = diskless or dataless resources are being initialized\n\
         \x20  Mstate         = not running\n\
         \x20  spot           = spot71\n\
         \x20  shared_root    = sr71\n\
         \x20  paging         = pg71\n"
    );
    let attrs = stock_attrs(&out);
    assert!(attrs.contains(&("type".into(), "diskless".into())));
    assert!(attrs.contains(&("Cstate".into(), "ready for a NIM operation".into())));
    let spot = h.ok(&["lsnim", "-l", "spot71"]);
    let location = format!("{}/install/nim/spot/spot71/usr", h.path().display());
    assert!(stock_attrs(&spot).contains(&("location".into(), location)));
    assert!(stock_attrs(&spot).contains(&("alloc_count".into(), "1".into())));
    assert!(stock_attrs(&spot).contains(&("Rstate".into(), "ready for use".into())));
}

#[test]
fn lsnim_colon_format_with_header_and_trailing_colon() {
    let h = Host::new();
    h.nim_with_image();
    h.define_diskless("cn01", "aabbccddeeff");
    let loc = h.ok(&["lsnim", "-a", "location", "-Z", "spot71"]);
    let expected = format!("{}/install/nim/spot/spot71/usr", h.path().display());
    assert_eq!(loc, format!("#name:location:\nspot71:{expected}:\n"));
    assert_eq!(stock_attr_val(&loc, "spot71"), Some(expected));
    let mstate = h.ok(&["lsnim", "-a", "Mstate", "-Z", "cn01"]);
    assert_eq!(mstate, "#name:Mstate:\ncn01:not running:\n");
    h.ok(&["set", "cn01", "Mstate", "currently running"]);
    let mstate = h.ok(&["lsnim", "-a", "Mstate", "-Z", "cn01"]);
    assert_eq!(
        stock_attr_val(&mstate, "cn01").as_deref(),
        Some("currently running")
    );
    assert_eq!(
        h.ok(&["lsnim", "-Z", "-a", "net_addr", "-a", "snm", "net18"]),
        "#name:net_addr:snm:\nnet18:198.18.0.0:255.255.255.0:\n"
    );
    assert_eq!(
        h.ok(&["lsnim", "-a", "routing1", "-Z", "net18"]),
        "#name:routing1:\nnet18:default:198.18.0.1:\n"
    );
    assert_eq!(
        h.ok(&["lsnim", "-a", "if1", "-Z", "master"]),
        format!("#name:if1:\nmaster:master_net:{}:0:\n", hostname())
    );
    assert_eq!(
        h.ok(&["lsnim", "-a", "alloc_count", "-Z", "sr71"]),
        "#name:alloc_count:\nsr71:0:\n"
    );
}

#[test]
fn lsnim_fz_prints_nothing_for_an_unset_attribute() {
    let h = Host::new();
    h.nim_with_image();
    assert_eq!(h.ok(&["lsnim", "-FZ", "-a", "nfs_domain", "master"]), "");
    h.ok(&[
        "nim",
        "-Fo",
        "change",
        "-a",
        "nfs_domain=cluster.example",
        "master",
    ]);
    assert_eq!(
        h.ok(&["lsnim", "-FZ", "-a", "nfs_domain", "master"]),
        "master:cluster.example:\n"
    );
}

#[test]
fn lsnim_a_stanza_and_next_index() {
    let h = Host::new();
    h.nim_with_image();
    assert_eq!(
        h.ok(&["lsnim", "-a", "server", "pg71"]),
        "pg71:\n   server         = master\n"
    );
    assert_eq!(h.ok(&["lsnim", "-A", "if", "master"]), "2\n");
    assert_eq!(h.ok(&["lsnim", "-A", "cable_type", "master"]), "2\n");
    assert_eq!(h.ok(&["lsnim", "-A", "routing", "net18"]), "2\n");
    h.ok(&[
        "nim",
        "-Fo",
        "change",
        "-a",
        "if2=net18 sn1 0",
        "-a",
        "cable_type2=N/A",
        "master",
    ]);
    assert_eq!(h.ok(&["lsnim", "-A", "if", "master"]), "3\n");
    let types: Vec<String> = h
        .ok(&["lsnim", "-P", "-c", "resources"])
        .lines()
        .map(|l| l.split(' ').next().unwrap_or("").to_string())
        .collect();
    for t in [
        "lpp_source",
        "spot",
        "shared_root",
        "root",
        "paging",
        "dump",
        "resolv_conf",
        "script",
        "installp_bundle",
        "mksysb",
    ] {
        assert!(types.contains(&t.to_string()), "{t} missing from {types:?}");
    }
}

#[test]
fn lsnfsexp_colon_format_with_replicas() {
    let h = Host::new();
    h.ok(&["mknfsexp", "-d", "/export/a", "-t", "ro"]);
    h.ok(&["exportfs", "-ua"]);
    h.ok(&["chnfs", "-R", "on"]);
    h.ok(&["exportfs", "-a"]);
    h.ok(&[
        "mknfsexp",
        "-d",
        "/install",
        "-B",
        "-v",
        "4",
        "-g",
        "/install@198.18.0.11:/install@198.18.0.12",
        "-x",
        "-t",
        "rw",
        "-r",
        "*",
    ]);
    assert_eq!(
        h.ok(&["lsnfsexp", "-c"]),
        "#directory:anonuid:public:versions:exname:refer:replica:access:rw:ro:root:access_list:sec:\n\
         /export/a:-2:no:3::::ro:::::sys:\n\
         /install:-2:no:4:::/install@198.18.0.11,/install@198.18.0.12:rw:::*::sys:\n"
    );
    assert_eq!(
        h.ok(&["lsnfsexp"]),
        "/export/a -vers=3,ro\n/install -vers=4,replicas=/install@198.18.0.11:/install@198.18.0.12,rw,root=*\n"
    );
    // Stock's split (aixinstall.pm:12531): the 7th field is the replica list.
    let line = h
        .ok(&["lsnfsexp", "-c"])
        .lines()
        .find(|l| l.starts_with("/install:"))
        .unwrap_or("")
        .to_string();
    let fields: Vec<&str> = line.split(':').collect();
    assert_eq!(fields[6], "/install@198.18.0.11,/install@198.18.0.12");
}

#[test]
fn lssrc_table_and_status_words() {
    let h = Host::new();
    let inetd = h.ok(&["lssrc", "-s", "inetd"]);
    let lines: Vec<&str> = inetd.lines().collect();
    assert_eq!(
        lines[0],
        "Subsystem         Group            PID          Status "
    );
    assert!(
        lines[1].starts_with(" inetd            tcpip            "),
        "{inetd}"
    );
    assert!(lines[1].ends_with(" active"));
    assert_eq!(
        h.ok(&["lssrc", "-s", "dhcpsd"]).lines().nth(1),
        Some(" dhcpsd           tcpip                         inoperative")
    );
    h.ok(&["stopsrc", "-s", "inetd"]);
    assert!(h.ok(&["lssrc", "-s", "inetd"]).contains(" inoperative"));
    let started = h.ok(&["startsrc", "-s", "inetd"]);
    assert!(
        started.starts_with("0513-059 The inetd Subsystem has been started. Subsystem PID is "),
        "{started}"
    );
}

#[test]
fn df_m_has_free_mb_third_and_mount_seventh() {
    let h = Host::new();
    let out = h.ok(&["df", "-m", "/install/nim/spot"]);
    assert_eq!(
        out,
        "Filesystem    MB blocks      Free %Used    Iused %Iused Mounted on\n\
         /dev/fslv00    20480.00  16384.00   20%     1200     1% /install\n"
    );
    // Stock (aixinstall.pm copyres2) reads `xdsh <sn> df -m <dir> | awk '(NR==2)'` with the
    // `sn:` prefix: field 3 is the free MB, field 7 the mount point.
    let second = format!("sn1: {}", out.lines().nth(1).unwrap_or(""));
    let fields: Vec<&str> = second.split_whitespace().collect();
    assert_eq!((fields[3], fields[7]), ("16384.00", "/install"));
    h.ok(&["fs", "/install", "1000", "10"]);
    assert_eq!(
        h.ok(&["chfs", "-a", "size=+500M", "/install"]),
        "Filesystem size changed to 3072000\n"
    );
    assert!(h
        .ok(&["df", "-m", "/install"])
        .contains("   1500.00    510.00"));
}

#[test]
fn chnfsdom_prints_na_until_set() {
    let h = Host::new();
    assert_eq!(h.ok(&["chnfsdom"]), "Current local domain: N/A\n");
    h.ok(&["chnfsdom", "cluster.example"]);
    assert_eq!(
        h.ok(&["chnfsdom"]),
        "Current local domain: cluster.example\n"
    );
}

#[test]
fn ifconfig_inet_lines_match_the_stock_regex_with_hex_masks() {
    let h = Host::new();
    let out = h.ok(&["ifconfig", "-a"]);
    assert!(out.contains("lo0: flags="), "{out}");
    assert!(out.contains("\tinet 127.0.0.1 netmask 0xff000000 broadcast 127.255.255.255\n"));
    for line in out.lines().filter(|l| l.contains("inet ")) {
        // aixinstall.pm -S: /inet\s+(.*?)\s+netmask\s+(.*?)\s+/ with a hex mask (type 2).
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(
            (words[0], words[2], words[4]),
            ("inet", "netmask", "broadcast"),
            "{line}"
        );
        assert!(words[3].starts_with("0x") && words[3].len() == 10, "{line}");
    }
}

#[test]
fn master_interface_names_this_host() {
    let h = Host::new();
    let exe = std::path::Path::new(env!("CARGO_BIN_EXE_nimsim"));
    let out = h
        .command(exe, &["nim_master_setup", "-a", "mk_resource=no"])
        .env("NIMSIM_HOSTNAME", "sn1")
        .output()
        .expect("run");
    assert!(out.status.success());
    assert_eq!(
        h.ok(&["lsnim", "-a", "if1", "-Z", "master"]),
        "#name:if1:\nmaster:master_net:sn1:0:\n"
    );
    assert_eq!(
        h.ok(&["lsnim", "-a", "cable_type1", "-a", "Mstate", "master"]),
        "master:\n   cable_type1    = N/A\n   Mstate         = currently running\n"
    );
}
