//! `lsxcatd` against the stock transcripts 01 (`lsxcatd -a`) and 02
//! (`lsxcatd`): the response bytes, rendered through xcat-proto with the
//! `xcatdsource` and `serverdone` the daemon adds, are identical.

use xcat_handlers::builtins::lsxcatd::responses;
use xcat_handlers::ServerInfo;
use xcat_proto::{Response, Value};

fn fixture_response(name: &str) -> Vec<u8> {
    let stem = name.trim_end_matches(".txt");
    xcat_tests::fixtures::fixture(stem)
        .single()
        .response
        .clone()
}

fn render(docs: Vec<Response>, source: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for d in docs {
        d.set("xcatdsource", source).write_to(&mut out);
    }
    Response::new()
        .set("serverdone", Value::Empty)
        .write_to(&mut out);
    out
}

fn server(dir: &std::path::Path, mn: bool, sn: bool) -> ServerInfo {
    let mn_marker = dir.join("xCATMN");
    let sn_marker = dir.join("xCATSN");
    if mn {
        std::fs::write(&mn_marker, "").unwrap();
    }
    if sn {
        std::fs::write(&sn_marker, "").unwrap();
    }
    ServerInfo {
        short_host: "vm".into(),
        version_line: "Version 2.19.0 (git commit 7733d16f8de0fc36b80638c04a7033931fa13304)".into(),
        confdir: dir.to_path_buf(),
        mn_marker,
        sn_marker,
        ha: None,
    }
}

#[test]
fn fixture_01_lsxcatd_all() {
    let tmp = tempfile::tempdir().unwrap();
    let info = server(tmp.path(), true, false);
    let docs = responses(&["-a"], &info, &["dbengine=SQLite".to_string()]);
    assert_eq!(
        String::from_utf8(render(docs, "vm")).unwrap(),
        String::from_utf8(fixture_response("01-lsxcatd-a.txt")).unwrap()
    );
}

#[test]
fn fixture_02_lsxcatd_usage() {
    let tmp = tempfile::tempdir().unwrap();
    let info = server(tmp.path(), true, false);
    let docs = responses(&[], &info, &["dbengine=SQLite".to_string()]);
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].error_code(), 1);
    assert_eq!(
        String::from_utf8(render(docs, "vm")).unwrap(),
        String::from_utf8(fixture_response("02-lsxcatd-noargs.txt")).unwrap()
    );
}

#[test]
fn single_options() {
    let tmp = tempfile::tempdir().unwrap();
    let info = server(tmp.path(), true, true);
    let db = vec!["dbengine=SQLite".to_string()];
    let texts = |args: &[&str]| -> Vec<Vec<String>> {
        responses(args, &info, &db)
            .iter()
            .map(|r| {
                use xcat_proto::tree::MapExt;
                r.map
                    .texts("data")
                    .into_iter()
                    .map(str::to_string)
                    .collect()
            })
            .collect()
    };
    assert_eq!(
        texts(&["-v"]),
        vec![vec![
            "Version 2.19.0 (git commit 7733d16f8de0fc36b80638c04a7033931fa13304)"
        ]]
    );
    assert_eq!(
        texts(&["--type"]),
        vec![
            vec!["This is a Management Node"],
            vec!["This is a Service Node"]
        ]
    );
    assert_eq!(texts(&["-d"]), vec![vec!["dbengine=SQLite"]]);
    // -v wins alone (stock returns after the version unless -a)
    assert_eq!(texts(&["-v", "-d"]).len(), 1);
    // -h: usage without errorcode; bad option: usage with errorcode 1
    let h = responses(&["-h"], &info, &db);
    assert_eq!(h[0].error_code(), 0);
    assert_eq!(h[0].map.get("data").map(Vec::len), Some(5));
    let bad = responses(&["-x"], &info, &db);
    assert_eq!(bad[0].error_code(), 1);
    // a Pg database: one document with five lines
    let pg = vec![
        "cfgloc=Pg:dbname=xcatdb;host=10.0.0.1|xcatadm".to_string(),
        "dbengine=Pg".to_string(),
        "dbname=xcatdb".to_string(),
        "dbhost=10.0.0.1".to_string(),
        "dbadmin=xcatadm".to_string(),
    ];
    let d = responses(&["-d"], &info, &pg);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].map.get("data").map(Vec::len), Some(5));
}
