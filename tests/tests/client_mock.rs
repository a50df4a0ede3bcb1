//! The client over real TLS against a scripted mock server: every fixture
//! replayed (request bytes as recorded, output as the stock client printed),
//! dumpxCATdb's 72 connections, credentials (1960 notBefore accepted, another
//! CA refused, none → stock warning), connection failures and premature ends.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use xcat_client::cli::PREMATURE_END;
use xcat_tests::certs::Pki;
use xcat_tests::mock::MockServer;
use xcat_tests::{fixture, fixtures, run_client, run_client_env};

const SERVERDONE: &[u8] = b"<xcatresponse>\n  <serverdone></serverdone>\n</xcatresponse>\n";

struct Setup {
    _dir: tempfile::TempDir,
    home: std::path::PathBuf,
    certs: std::path::PathBuf,
    pki: Pki,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let pki = Pki::new("xCAT CA");
    let certs = pki.write_server(&dir.path().join("etc"), "vm");
    let home = dir.path().join("home");
    pki.write_client(&home, "root");
    Setup {
        _dir: dir,
        home,
        certs,
        pki,
    }
}

/// A mock that answers each known request with its recorded response, split
/// in two pieces; unknown requests get a bare serverdone.
async fn replay_mock(certs: &Path, table: HashMap<Vec<u8>, Vec<u8>>) -> MockServer {
    let table = Arc::new(table);
    MockServer::start(
        certs,
        Arc::new(move |_, _, req| {
            let resp = table
                .get(req)
                .cloned()
                .unwrap_or_else(|| SERVERDONE.to_vec());
            let mid = resp.len() / 2;
            Some(vec![resp[..mid].to_vec(), resp[mid..].to_vec()])
        }),
    )
    .await
}

#[tokio::test]
async fn every_single_connection_fixture_replays_over_tls() {
    let s = setup();
    for f in fixtures().into_iter().filter(|f| f.connections.len() == 1) {
        let ex = f.single();
        let mock = replay_mock(&s.certs, [(ex.request.clone(), ex.response.clone())].into()).await;
        let mut argv: Vec<String> = f.argv.clone();
        let tmp = tempfile::tempdir().unwrap();
        if f.command() == "tabrestore" {
            let req = xcat_proto::parse_document(&ex.request).unwrap();
            use xcat_proto::tree::MapExt;
            let path = tmp.path().join("noderes.csv");
            std::fs::write(&path, req.map.texts("data").concat()).unwrap();
            argv[1] = path.to_string_lossy().into_owned();
        }
        let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
        let p = run_client(&mock.addr, &s.home, &argv, None).await;
        assert_eq!(
            (p.stdout.as_str(), p.stderr.as_str(), p.exit_code),
            (f.stdout.as_str(), f.stderr.as_str(), f.exit_code),
            "{}",
            f.name
        );
        let got = mock.received();
        assert_eq!(got.len(), 1, "{}", f.name);
        assert_eq!(
            String::from_utf8_lossy(&got[0].bytes),
            String::from_utf8_lossy(&ex.request),
            "{}",
            f.name
        );
        assert_eq!(got[0].client_cn.as_deref(), Some("root"));
    }
}

#[tokio::test]
async fn dumpxcatdb_sends_one_tabdump_per_table() {
    let s = setup();
    let f = fixture("25");
    let out_dir = tempfile::tempdir().unwrap();
    let dump = out_dir.path().join("xcatdump");
    let dump_s = dump.to_string_lossy().into_owned();
    let fix = |b: &[u8]| {
        String::from_utf8_lossy(b)
            .replace("/tmp/xcatdump", &dump_s)
            .into_bytes()
    };
    let table: HashMap<_, _> = f
        .connections
        .iter()
        .map(|c| (fix(&c.request), c.response.clone()))
        .collect();
    let mock = replay_mock(&s.certs, table).await;
    let p = run_client(&mock.addr, &s.home, &["dumpxCATdb", "-p", &dump_s], None).await;
    assert_eq!(p.stdout, f.stdout.replace("/tmp/xcatdump", &dump_s));
    assert_eq!((p.stderr.as_str(), p.exit_code), ("", 0));
    assert!(dump.is_dir());
    // Every recorded request, in order; plus our `tabdump site` for site.skiptables.
    let got: Vec<Vec<u8>> = mock
        .received()
        .into_iter()
        .map(|r| r.bytes)
        .filter(|b| {
            let t = String::from_utf8_lossy(b);
            !t.contains("<arg>site</arg>") || t.contains("<arg>-f</arg>")
        })
        .collect();
    let want: Vec<Vec<u8>> = f.connections.iter().map(|c| fix(&c.request)).collect();
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(String::from_utf8_lossy(g), String::from_utf8_lossy(w));
    }
}

#[tokio::test]
async fn stock_openssl_certificates_work_both_ways() {
    let dir = tempfile::tempdir().unwrap();
    let Some(ca) = xcat_tests::certs::stock_openssl(dir.path(), "vm", &["root"]) else {
        xcat_schema::testing::unavailable("openssl not installed");
        return;
    };
    let certs = dir.path().join("cert");
    std::fs::create_dir_all(&certs).unwrap();
    std::fs::copy(ca.join("server-cred.pem"), certs.join("server-cred.pem")).unwrap();
    std::fs::copy(ca.join("ca-cert.pem"), certs.join("ca.pem")).unwrap();
    let home = dir.path().join("home");
    std::fs::create_dir_all(home.join(".xcat")).unwrap();
    std::fs::copy(ca.join("root-cred.pem"), home.join(".xcat/client-cred.pem")).unwrap();
    std::fs::copy(ca.join("ca-cert.pem"), home.join(".xcat/ca.pem")).unwrap();
    // The issued certificates really start in 1960 and carry the text dump.
    let pem = std::fs::read_to_string(home.join(".xcat/client-cred.pem")).unwrap();
    assert!(pem.starts_with("Certificate:"), "{pem}");
    assert!(
        pem.contains("Not Before: Jan  1 01:01:01 1960 GMT"),
        "{pem}"
    );
    let f = fixture("01");
    let mock = MockServer::replying(&certs, f.single().response.clone()).await;
    let p = run_client(&mock.addr, &home, &["lsxcatd", "-a"], None).await;
    assert_eq!(
        (p.stdout.as_str(), p.stderr.as_str(), p.exit_code),
        (f.stdout.as_str(), "", 0)
    );
    assert_eq!(mock.received()[0].client_cn.as_deref(), Some("root"));
}

#[tokio::test]
async fn server_of_another_ca_is_refused() {
    let s = setup();
    let other = Pki::new("xCAT CA");
    let dir = tempfile::tempdir().unwrap();
    let certs = other.write_server(dir.path(), "vm");
    let mock = MockServer::replying(&certs, SERVERDONE.to_vec()).await;
    let p = run_client(&mock.addr, &s.home, &["lsxcatd", "-v"], None).await;
    assert_eq!(p.exit_code, 255);
    assert_eq!(
        p.stdout,
        format!("Unable to open socket connection to xcatd daemon on {}.\nVerify that the xcatd daemon is running and that your SSL setup is correct.\n", mock.addr)
    );
    assert!(p.stderr.starts_with("Connection failure: "), "{}", p.stderr);
    assert!(mock.received().is_empty());
}

#[tokio::test]
async fn expired_server_certificate_is_refused() {
    let s = setup();
    let dir = tempfile::tempdir().unwrap();
    let certs = dir.path().join("cert");
    std::fs::create_dir_all(&certs).unwrap();
    let issued = s.pki.issue_with("vm", &["vm"], -1);
    std::fs::write(certs.join("server-cred.pem"), issued.cred_pem()).unwrap();
    std::fs::write(certs.join("ca.pem"), s.pki.ca_pem()).unwrap();
    let mock = MockServer::replying(&certs, SERVERDONE.to_vec()).await;
    let p = run_client(&mock.addr, &s.home, &["lsxcatd", "-v"], None).await;
    assert_eq!(p.exit_code, 255, "{p:?}");
}

#[tokio::test]
async fn client_certificate_of_another_ca_ends_prematurely() {
    let s = setup();
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    Pki::new("xCAT CA").write_client(&home, "root");
    // The client trusts the right CA but presents a foreign certificate.
    std::fs::write(home.join(".xcat/ca.pem"), s.pki.ca_pem()).unwrap();
    let mock = MockServer::replying(&s.certs, SERVERDONE.to_vec()).await;
    let p = run_client(&mock.addr, &home, &["lsxcatd", "-v"], None).await;
    assert!(mock.received().is_empty());
    assert!(p.exit_code == 1 || p.exit_code == 255, "{p:?}");
    if p.exit_code == 1 {
        assert_eq!(p.stderr, PREMATURE_END);
    }
}

#[tokio::test]
async fn no_credentials_warns_and_connects_without_certificate() {
    let s = setup();
    let f = fixture("01");
    let mock = MockServer::replying(&s.certs, f.single().response.clone()).await;
    let empty = tempfile::tempdir().unwrap();
    let p = run_client(&mock.addr, empty.path(), &["lsxcatd", "-a"], None).await;
    let warning = format!(
        "warning: the client certificates under {}/.xcat/ are not setup correctly, please run '/opt/xcat/share/xcat/scripts/setup-local-client.sh root' as 'root' to generate the client certificates; otherwise, the SSL connection between xcat client and xcatd will be setup without certificate verification and open to Man-In-The-Middle attacks.\n",
        empty.path().display()
    );
    assert_eq!(p.stdout, format!("{warning}{}", f.stdout));
    assert_eq!(p.exit_code, 0);
    assert_eq!(mock.received()[0].client_cn, None);
}

#[tokio::test]
async fn nothing_listening_is_a_connection_failure() {
    let s = setup();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let p = run_client(&addr, &s.home, &["nodels"], None).await;
    assert_eq!(p.exit_code, 255);
    assert!(p.stdout.starts_with(&format!(
        "Unable to open socket connection to xcatd daemon on {addr}.\n"
    )));
    assert!(p.stderr.starts_with("Connection failure: "));
}

#[tokio::test]
async fn close_before_serverdone_is_premature() {
    let s = setup();
    let partial =
        b"<xcatresponse>\n  <data>partial</data>\n  <errorcode>2</errorcode>\n</xcatresponse>\n"
            .to_vec();
    // An empty piece makes the mock close the connection.
    let mock = MockServer::start(
        &s.certs,
        Arc::new(move |_, _, _| Some(vec![partial.clone(), Vec::new()])),
    )
    .await;
    let p = run_client(&mock.addr, &s.home, &["lsxcatd", "-v"], None).await;
    assert_eq!(
        (p.stdout.as_str(), p.stderr.as_str(), p.exit_code),
        ("partial\n", PREMATURE_END, 1)
    );
    // Closing without any answer.
    let mock = MockServer::start(&s.certs, Arc::new(|_, _, _| None)).await;
    let p = run_client(&mock.addr, &s.home, &["lsxcatd", "-v"], None).await;
    assert_eq!(
        (p.stdout.as_str(), p.stderr.as_str(), p.exit_code),
        ("", PREMATURE_END, 1)
    );
}

#[tokio::test]
async fn show_xml_and_verbose() {
    let s = setup();
    let f = fixture("12");
    let mock = MockServer::replying(&s.certs, f.single().response.clone()).await;
    let p = run_client_env(
        &mock.addr,
        &s.home,
        &["nodels", "compute"],
        None,
        &[("XCATSHOWXML", "1")],
    )
    .await;
    assert_eq!(p.exit_code, 0);
    assert!(
        p.stdout
            .starts_with("<xcatresponse>\n  <node>\n    <name>cn01</name>\n  </node>\n"),
        "{}",
        p.stdout
    );
    assert!(p
        .stdout
        .ends_with("<xcatresponse>\n  <serverdone></serverdone>\n</xcatresponse>\n\n"));
    let f = fixture("13");
    let mock = MockServer::replying(&s.certs, f.single().response.clone()).await;
    let p = run_client_env(
        &mock.addr,
        &s.home,
        &["nodels", "cn01-cn03"],
        None,
        &[("XCATSHOWSVR", "1")],
    )
    .await;
    assert!(
        p.stdout
            .starts_with("cn01: [vm]: noderes.servicenode: sn1,sn2\n"),
        "{}",
        p.stdout
    );
    // -V among the arguments after the noderange does the same.
    let p = run_client(&mock.addr, &s.home, &["nodels", "cn01-cn03", "-V"], None).await;
    assert!(p.stdout.starts_with("cn01: [vm]: noderes"), "{}", p.stdout);
}

#[tokio::test]
async fn one_connection_carries_sequential_requests() {
    use xcat_client::conn::{ConnectOptions, Connection, SubmitOutcome};
    let s = setup();
    let f = fixture("01");
    let mock = MockServer::replying(&s.certs, f.single().response.clone()).await;
    let creds = xcat_client::Credentials::for_user_home(&s.home).unwrap();
    let mut conn = Connection::connect(&mock.addr, Some(&creds), &ConnectOptions::default())
        .await
        .unwrap();
    assert_eq!(conn.server_cert_cn().as_deref(), Some("vm"));
    for _ in 0..5 {
        let mut n = 0;
        let out = conn
            .request_raw(&f.single().request, &mut |_| {
                n += 1;
                true
            })
            .await
            .unwrap();
        assert!(matches!(out, SubmitOutcome::Done(_)));
        assert_eq!(n, 3);
    }
    conn.close().await;
    let got = mock.received();
    assert_eq!(got.len(), 5);
    assert!(got.iter().all(|r| r.connection == 0));
}

#[tokio::test]
async fn submit_api_returns_after_serverdone() {
    let s = setup();
    let f = fixture("15");
    let mock = MockServer::replying(&s.certs, f.single().response.clone()).await;
    let creds = xcat_client::Credentials::for_user_home(&s.home).unwrap();
    let mut req = xcat_proto::Request::new("nodels");
    req.set("noderange", "nosuchgroup");
    let mut seen = 0;
    let out = xcat_client::submit(&mock.addr, Some(&creds), &req, &mut |_| {
        seen += 1;
        true
    })
    .await
    .unwrap();
    // The denial-like error travels in the serverdone document itself.
    let xcat_client::SubmitOutcome::Done(last) = out else {
        panic!("{out:?}")
    };
    assert_eq!(seen, 0);
    let mut p = xcat_client::Printed::new();
    xcat_client::render(&last, false, &mut p);
    assert_eq!((p.stderr.as_str(), p.exit_code), (f.stderr.as_str(), 1));
    assert!(
        String::from_utf8_lossy(&mock.received()[0].bytes).contains("<clienttype>cli</clienttype>")
    );
}

#[tokio::test]
async fn ten_thousand_node_answer_streams() {
    let s = setup();
    let mut doc = Vec::new();
    for i in 0..10_000 {
        doc.extend_from_slice(format!("<xcatresponse>\n  <node>\n    <data>on</data>\n    <name>n{i:05}</name>\n  </node>\n  <xcatdsource>vm</xcatdsource>\n</xcatresponse>\n").as_bytes());
    }
    let pieces: Vec<Vec<u8>> = doc
        .chunks(4096)
        .map(<[u8]>::to_vec)
        .chain([SERVERDONE.to_vec()])
        .collect();
    let mock = MockServer::start(&s.certs, Arc::new(move |_, _, _| Some(pieces.clone()))).await;
    let p = run_client(&mock.addr, &s.home, &["rpower", "all", "stat"], None).await;
    assert_eq!(p.exit_code, 0);
    assert_eq!(p.stdout.lines().count(), 10_000);
    assert!(p.stdout.starts_with("n00000: on\nn00001: on\n"));
}

#[test]
fn blocking_submit_for_synchronous_callers() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let s = setup();
    let f = fixture("13");
    let mock = rt.block_on(MockServer::replying(&s.certs, f.single().response.clone()));
    let creds = xcat_client::Credentials::for_user_home(&s.home).unwrap();
    let mut req = xcat_proto::Request::new("nodels");
    req.set("noderange", "cn01-cn03");
    let mut docs = Vec::new();
    let out = xcat_client::submit_blocking(
        &mock.addr,
        Some(&creds),
        &Default::default(),
        &req,
        &mut |r| {
            docs.push(r);
            true
        },
        &|| false,
    )
    .unwrap();
    assert!(matches!(out, xcat_client::SubmitOutcome::Done(_)));
    assert_eq!(docs.len(), 2);
    // A silent server and an abort request: abortcommand is sent.
    let silent = rt.block_on(MockServer::start(
        &s.certs,
        Arc::new(|_, _, _| Some(vec![])),
    ));
    let started = std::time::Instant::now();
    let out = xcat_client::submit_blocking(
        &silent.addr,
        Some(&creds),
        &Default::default(),
        &req,
        &mut |_| true,
        &|| started.elapsed() > std::time::Duration::from_millis(300),
    )
    .unwrap();
    assert_eq!(out, xcat_client::SubmitOutcome::Stopped);
    std::thread::sleep(std::time::Duration::from_millis(200));
    let got = silent.received();
    assert_eq!(
        got.last().map(|r| r.bytes.as_slice()),
        Some(xcat_client::cli::ABORT_REQUEST)
    );
}

#[tokio::test]
async fn xcatsslver_selects_the_tls_version() {
    let s = setup();
    let f = fixture("01");
    let mock = MockServer::replying(&s.certs, f.single().response.clone()).await;
    for v in ["TLSv1_2", "TLSv1_3", "SSLv23:!SSLv2:!SSLv3"] {
        let p = run_client_env(
            &mock.addr,
            &s.home,
            &["lsxcatd", "-a"],
            None,
            &[("XCATSSLVER", v)],
        )
        .await;
        assert_eq!(
            (p.stdout.as_str(), p.exit_code),
            (f.stdout.as_str(), 0),
            "{v}"
        );
    }
    let p = run_client_env(
        &mock.addr,
        &s.home,
        &["lsxcatd", "-a"],
        None,
        &[("XCATSSLVER", "SSLv3")],
    )
    .await;
    assert_eq!(p.exit_code, 255);
    assert!(
        p.stderr.starts_with("Connection failure: XCATSSLVER=SSLv3"),
        "{}",
        p.stderr
    );
}
