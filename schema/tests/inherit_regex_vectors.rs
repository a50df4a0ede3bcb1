//! The verified regular-expression row vectors of perl-xCAT/xCAT/Table.pm:2647-2714 plus the
//! documented helper examples (xcatdb(5), regexp_db.rst).

use xcat_schema::regexattr::{eval, is_regex_value, RegexEval};

#[test]
fn schema_md_vectors() {
    let cases: &[(&str, &str, Option<&str>)] = &[
        (
            "node20",
            r"|\D+(\d+)|cmm(sprintf('%02d',($1-1)/14+1))|",
            Some("cmm02"),
        ),
        ("node20", r"|\D+(\d+)|(($1-1)%14+1)|", Some("6")),
        ("node05", r"|node(\d+)|10.0.0.($1+0)|", Some("10.0.0.5")),
        ("node1", r"/\z/-bmc/", Some("node1-bmc")),
        ("node5", r"|10.1.1.($1+10)|", Some("10.1.1.15")),
        ("r2n7", r"|10.($1).($2*2)|", Some("10.2.14")),
        ("node5", r"|node(\d+)|node($1+1)-ib|", Some("node6-ib")),
        (
            "blade7",
            r"|\D+(\d+)|10.0.(a2idx('c')).($1)|",
            Some("10.0.3.7"),
        ),
        ("node5", r"|foo(\d+)|x($1)|", Some("node5")),
        ("node5", r"|(.*)|$1-bmc|", Some("$1-bmc")),
        ("node5", r"|^.*$||", None),
    ];
    for (node, stored, want) in cases {
        assert_eq!(eval(node, stored).as_deref(), *want, "{node} {stored}");
    }
}

#[test]
fn documented_examples() {
    let vm = r"|\D+(\d+)\D+(\d+)\D+(\d+)\D+(\d+)|c($1)f($2)x($3)|";
    assert_eq!(eval("c01f02x03v04", vm).as_deref(), Some("c01f02x03"));
    let st = r"|\D+(\d+)\D+(\d+)\D+(\d+)\D+(\d+)|dir:///install/vms/vm($4+0)|";
    assert_eq!(
        eval("c01f02x03v04", st).as_deref(),
        Some("dir:///install/vms/vm4")
    );
    assert_eq!(
        eval("node7", r"|10.0.0.($1+0)|").as_deref(),
        Some("10.0.0.7")
    );
    let rack = r"|row(\d+)-col(\d+)|(dim2idx($1, 4, $2))|";
    assert_eq!(eval("row2-col3", rack).as_deref(), Some("7"));
    let skip = r"|row(\d+)-col(\d+)|(skip(dim2idx($1, 4, $2),'3:2'))|";
    assert_eq!(eval("row2-col1", skip).as_deref(), Some("3"));
    assert_eq!(eval("row1-col3", skip).as_deref(), Some("-1"));
    let ib = r"|(.)(..)n(..)|ib0!(ipadd(10,41,0,100,dim2idx(a2idx($1),36,$2,18,$3),2,1))|";
    // a=1, 02, 03: dim2idx(1,36,2,18,3) = ((0*36)+1)*18+2+1 = 21; ipadd: 98+21 = 119 → .0.121 with skipstart 2.
    assert_eq!(eval("a02n03", ib).as_deref(), Some("ib0!10.41.0.121"));
}

#[test]
fn plain_values_and_edge_cases() {
    assert_eq!(eval("n1", "ipmi").as_deref(), Some("ipmi"));
    assert_eq!(eval("n1", ""), None);
    // Any value of the /x/y/ shape is a regex, as stock (quirk kept).
    assert_eq!(eval("n1", "/install/netboot/").as_deref(), Some("n1"));
    assert!(is_regex_value("/a/b/") && is_regex_value("|x|") && !is_regex_value("/a/b/c/"));
    assert_eq!(eval("n1", "||"), None);
    assert_eq!(eval("n1", "|bad(|x|"), None);
    assert_eq!(eval("n1", r"|\D+(\d+)|(system('ls'))|"), None);
    assert_eq!(eval("n1", r"|\D+(\d+)|($1/0)|"), None);
    assert_eq!(eval("node5", r"|(\d+)|x|").as_deref(), Some("nodex"));
    assert_eq!(eval("n00500", r"|($1+0)|").as_deref(), Some("500"));
    // Parentheses that never balance stay literal text.
    assert_eq!(eval("n1", r"|\D+(\d+)|a)b(|").as_deref(), Some("a)b("));
    let mut cache = RegexEval::new();
    for i in 1..50 {
        let n = format!("node{i}");
        assert_eq!(
            cache.eval(&n, r"|\D+(\d+)|10.1.0.($1+0)|"),
            Some(format!("10.1.0.{i}"))
        );
    }
}
