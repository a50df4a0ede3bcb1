//! The stock transcripts (fixtures/wire 04-11, 14, 24 and stock-outputs
//! 03-08b, 17, 19, 20) replayed in order on a stock-like fresh database.

mod objdefs_support;
use objdefs_support::*;

/// Sort the comma lists of `members=` lines (stock prints Perl hash order).
fn sort_members(s: &str) -> String {
    s.lines()
        .map(|l| match l.split_once("members=") {
            Some((a, m)) => {
                let mut v: Vec<&str> = m.split(',').filter(|x| !x.is_empty()).collect();
                v.sort();
                format!("{a}members={}", v.join(","))
            }
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn check(e: &Env, fixture_name: &str, cmd: &str, args: &[&str]) {
    let (out, err, code) = fixture_output(fixture_name);
    let r = run(e, cmd, args);
    assert_eq!(
        sort_members(&r.stdout),
        sort_members(&out),
        "[{}] stdout of {fixture_name}",
        e.label
    );
    assert_eq!(r.stderr, err, "[{}] stderr of {fixture_name}", e.label);
    assert_eq!(r.exit, code, "[{}] exit of {fixture_name}", e.label);
}

#[test]
fn stock_transcripts_in_order() {
    for e in backends() {
        check(
            &e,
            "04-chdef-site.txt",
            "chdef",
            &["-t", "site", "useNFSv4onAIX=yes"],
        );
        let r = ok(
            &e,
            "lsdef",
            &["-t", "site", "-o", "clustersite", "-i", "useNFSv4onAIX"],
        );
        assert_eq!(
            r.stdout,
            "Object name: clustersite\n    useNFSv4onAIX=yes\n"
        );
        check(
            &e,
            "05-mkdef-node-range.txt",
            "mkdef",
            &[
                "-t",
                "node",
                "-o",
                "cn[01-20]",
                "groups=compute,all",
                "servicenode=sn1,sn2",
                "xcatmaster=sn1",
            ],
        );
        check(
            &e,
            "06-mkdef-group-w.txt",
            "mkdef",
            &["-t", "group", "-o", "sn1nodes", "-w", "servicenode=sn1"],
        );
        let r = ok(&e, "lsdef", &["-t", "group", "-o", "sn1nodes", "-l"]);
        assert_eq!(
            r.stdout,
            "Object name: sn1nodes\n    grouptype=static\n    members=\n"
        );
        ok(
            &e,
            "mkdef",
            &[
                "-t",
                "group",
                "-o",
                "sn1nodes_dyn",
                "-d",
                "-w",
                "servicenode==sn1,sn2",
            ],
        );
        let r = ok(&e, "lsdef", &["-t", "group", "-o", "sn1nodes_dyn", "-l"]);
        let members: Vec<String> = (1..=20).map(|i| format!("cn{i:02}")).collect();
        assert_eq!(
            r.stdout,
            format!(
                "Object name: sn1nodes_dyn\n    grouptype=dynamic\n    members={}\n    wherevals=servicenode==sn1,sn2\n",
                members.join(",")
            )
        );
        ok(&e, "rmdef", &["-t", "group", "-o", "sn1nodes_dyn"]);
        check(
            &e,
            "07-mkdef-group-dynamic.txt",
            "mkdef",
            &[
                "-t",
                "group",
                "-o",
                "sn1nodes_re",
                "-d",
                "-w",
                "servicenode=~^sn1",
            ],
        );
        check(&e, "08-lsdef-cn01.txt", "lsdef", &["cn01"]);
        check(&e, "09-lsdef-l-cn01.txt", "lsdef", &["-l", "cn01"]);
        check(
            &e,
            "10-lsdef-t-node-w.txt",
            "lsdef",
            &["-t", "node", "-w", "servicenode=sn1,sn2"],
        );
        check(&e, "11-lsdef-group-l.txt", "lsdef", &["-t", "group", "-l"]);
        let r = ok(&e, "lsdef", &[]);
        let mut want: String = members.iter().map(|m| format!("{m}  (node)\n")).collect();
        want.push_str("vm  (node)\n");
        assert_eq!(r.stdout, want);
        check(&e, "14-lsdef-nosuchnode.txt", "lsdef", &["nosuchnode"]);
        ok(
            &e,
            "mkdef",
            &[
                "-t",
                "node",
                "-o",
                "cn21",
                "groups=compute,all",
                "os=rhels8",
                "servicenode=sn1",
                "xcatmaster=sn1",
            ],
        );
        let r = ok(&e, "lsdef", &["cn21"]);
        assert_eq!(
            r.stdout,
            "Object name: cn21\n    groups=compute,all\n    os=rhels8\n    postbootscripts=otherpkgs\n    postscripts=syslog,remoteshell,syncfiles\n    servicenode=sn1\n    xcatmaster=sn1\n"
        );
        check(
            &e,
            "24-rmdef-group.txt",
            "rmdef",
            &["-t", "group", "-o", "sn1nodes"],
        );
    }
}

#[test]
fn wire_shape_of_lsdef_nosuchnode() {
    for e in backends() {
        let r = run(&e, "lsdef", &["nosuchnode"]);
        // error document first, then the info with numofnodes
        assert_eq!(r.docs[0].map.get("errorcode").map(|v| v.len()), Some(1));
        let last_info = r.docs.iter().find(|x| x.map.contains_key("info")).unwrap();
        assert_eq!(
            last_info.map.get("numofnodes").and_then(|v| v[0].as_text()),
            Some("1")
        );
    }
}
