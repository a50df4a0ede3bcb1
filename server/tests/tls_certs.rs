//! Client certificates: stock-style chains (1960 notBefore, no key-usage
//! requirements, RSA made with the openssl commands of the stock setup
//! scripts) are accepted; another CA's certificate is refused at the
//! handshake; expired certificates are refused.

mod common;

use common::*;
use std::process::Command;
use std::time::Duration;
use tokio::io::AsyncWriteExt;

fn authcheck() -> Vec<u8> {
    request("authcheck", &[])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn certificate_of_another_ca_is_refused() {
    let s = start(Options::default()).await;
    let other = make_ca("xCAT CA");
    let (c, k) = issue(&other, "root");
    let cred = Cred::from_pem(&c, &k);
    let refused = match connect(s.addr, Some(&cred)).await {
        Err(_) => true,
        Ok(mut tls) => {
            let _ = tls.write_all(&authcheck()).await;
            let (text, closed) = read_to_close(&mut tls, Duration::from_secs(3)).await;
            closed && text.is_empty()
        }
    };
    assert!(refused);
    // the server goes on serving others
    let root = s.pki.client("root");
    assert!(ask(s.addr, Some(&root), &authcheck())
        .await
        .contains("<username>root</username>"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_certificate_is_refused() {
    let s = start(Options::default()).await;
    let key = rcgen::KeyPair::generate().unwrap();
    let mut p = rcgen::CertificateParams::new(vec!["root".to_string()]).unwrap();
    p.distinguished_name.push(rcgen::DnType::CommonName, "root");
    p.not_before = rcgen::date_time_ymd(1960, 1, 1);
    p.not_after = rcgen::date_time_ymd(2001, 1, 1);
    let cert = p.signed_by(&key, &s.pki.ca.cert, &s.pki.ca.key).unwrap();
    let cred = Cred::from_pem(&cert.pem(), &key.serialize_pem());
    let ok = match connect(s.addr, Some(&cred)).await {
        Err(_) => false,
        Ok(mut tls) => {
            let _ = tls.write_all(&authcheck()).await;
            read_answer(&mut tls).await.contains("Authenticated")
        }
    };
    assert!(!ok);
}

fn openssl(dir: &std::path::Path, args: &[&str]) -> bool {
    Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .map(|o| {
            if !o.status.success() {
                eprintln!("openssl {args:?}: {}", String::from_utf8_lossy(&o.stderr));
            }
            o.status.success()
        })
        .unwrap_or(false)
}

const CNF: &str = "[ ca ]\ndefault_ca = xcat\n[ xcat ]\ndir = .\ndatabase = ./index\nserial = ./serial\nnew_certs_dir = ./certs\ndefault_md = sha384\npolicy = any\ndefault_days = 7300\ncopy_extensions = copy\nunique_subject = no\n[ any ]\ncommonName = supplied\n[ req ]\ndistinguished_name = dn\nprompt = no\n[ dn ]\nCN = x\n[ v3_ca ]\nbasicConstraints = critical,CA:TRUE\nkeyUsage = keyCertSign, cRLSign\nsubjectKeyIdentifier = hash\n[ usr_cert ]\nbasicConstraints = CA:FALSE\nkeyUsage = digitalSignature, keyEncipherment, keyAgreement\nextendedKeyUsage = clientAuth\n[ server ]\nsubjectAltName = DNS:vm\n";

/// The stock scripts' steps: RSA 2048 keys, sha384, `openssl ca` with
/// `-startdate 600101010101Z` (1960) for the server and client certificates,
/// and `openssl ca` writing its text dump before the PEM block.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stock_openssl_certificates_are_accepted() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    std::fs::write(dir.join("openssl.cnf"), CNF).unwrap();
    std::fs::write(dir.join("index"), "").unwrap();
    std::fs::write(dir.join("serial"), "01\n").unwrap();
    std::fs::create_dir_all(dir.join("certs")).unwrap();
    let steps: &[&[&str]] = &[
        &["genrsa", "-out", "ca-key.pem", "2048"],
        &[
            "req",
            "-new",
            "-key",
            "ca-key.pem",
            "-config",
            "openssl.cnf",
            "-subj",
            "/CN=xCAT CA",
            "-out",
            "ca-req.csr",
        ],
        &[
            "ca",
            "-batch",
            "-config",
            "openssl.cnf",
            "-selfsign",
            "-keyfile",
            "ca-key.pem",
            "-startdate",
            "700101010101Z",
            "-days",
            "7305",
            "-extensions",
            "v3_ca",
            "-in",
            "ca-req.csr",
            "-out",
            "ca-cert.pem",
        ],
        &["genrsa", "-out", "server-key.pem", "2048"],
        &[
            "req",
            "-new",
            "-key",
            "server-key.pem",
            "-config",
            "openssl.cnf",
            "-subj",
            "/CN=vm",
            "-out",
            "server.csr",
        ],
        &[
            "ca",
            "-batch",
            "-config",
            "openssl.cnf",
            "-cert",
            "ca-cert.pem",
            "-keyfile",
            "ca-key.pem",
            "-startdate",
            "600101010101Z",
            "-extensions",
            "server",
            "-in",
            "server.csr",
            "-out",
            "server-cert.pem",
        ],
        &["genrsa", "-out", "client-key.pem", "2048"],
        &[
            "req",
            "-new",
            "-key",
            "client-key.pem",
            "-config",
            "openssl.cnf",
            "-subj",
            "/CN=root",
            "-out",
            "client.csr",
        ],
        &[
            "ca",
            "-batch",
            "-config",
            "openssl.cnf",
            "-cert",
            "ca-cert.pem",
            "-keyfile",
            "ca-key.pem",
            "-startdate",
            "600101010101Z",
            "-extensions",
            "usr_cert",
            "-in",
            "client.csr",
            "-out",
            "client-cert.pem",
        ],
    ];
    for s in steps {
        if !openssl(dir, s) {
            xcat_schema::testing::unavailable("openssl unavailable or failed");
            return;
        }
    }
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
    assert!(
        read("server-cert.pem").starts_with("Certificate:"),
        "openssl ca writes a text dump"
    );
    let pki = Pki::new("vm");
    let certdir = pki.confdir().join("cert");
    std::fs::write(
        certdir.join("server-cred.pem"),
        read("server-cert.pem") + &read("server-key.pem"),
    )
    .unwrap();
    std::fs::write(certdir.join("ca.pem"), read("ca-cert.pem")).unwrap();
    let s = start(Options {
        pki: Some(std::sync::Arc::new(pki)),
        ..Options::default()
    })
    .await;
    let cred = Cred::from_pem(&read("client-cert.pem"), &read("client-key.pem"));
    let a = ask(s.addr, Some(&cred), &authcheck()).await;
    assert!(a.contains("<username>root</username>"), "{a}");
    // a service node presenting the server credential as client certificate
    let sn = Cred::from_pem(&read("server-cert.pem"), &read("server-key.pem"));
    let a = ask(s.addr, Some(&sn), &authcheck()).await;
    assert!(a.contains("<username>vm</username>"), "{a}");
}
