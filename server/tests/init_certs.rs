//! Certificates made by `xcatd::certs`: fields as the stock scripts make them,
//! accepted by `openssl verify`, and the CA directory usable by the stock-style
//! `openssl ca -config <ca>/openssl.cnf` client signing.

mod stock_openssl;

use stock_openssl::openssl;
use x509_parser::prelude::*;
use xcatd::certs::{Authority, CaDir};

fn der_of(pem: &str) -> Vec<u8> {
    xcatd::certs::first_cert_der(pem).unwrap()
}

#[test]
fn ca_server_client_fields_and_openssl() {
    let tmp = tempfile::tempdir().unwrap();
    let ca_root = tmp.path().join("ca");
    let dir = CaDir::new(&ca_root);
    dir.prepare(&["mn1.cluster.test", "mn1"]).unwrap();
    let t0 = std::time::Instant::now();
    let ca = Authority::create(dir, "xCAT CA").unwrap();
    let server = ca.issue_server("mn1", "mn1.cluster.test", "mn1").unwrap();
    let client = ca.issue_client("root").unwrap();
    eprintln!("three keys in {:?}", t0.elapsed());

    // --- CA
    let ca_pem = ca.cert_pem().unwrap();
    let ca_der = der_of(&ca_pem);
    let (_, c) = parse_x509_certificate(&ca_der).unwrap();
    assert_eq!(c.version(), X509Version::V3);
    assert_eq!(c.subject().to_string(), "CN=xCAT CA");
    assert_eq!(c.issuer().to_string(), "CN=xCAT CA");
    assert_eq!(
        c.validity().not_before.to_datetime().unix_timestamp(),
        3661 // 1970-01-01 01:01:01Z
    );
    let days = (c.validity().not_after.timestamp()
        - ::time::OffsetDateTime::now_utc().unix_timestamp())
        / 86400;
    assert!((7304..=7305).contains(&days), "{days}");
    assert_eq!(
        c.signature_algorithm.algorithm,
        x509_parser::oid_registry::OID_PKCS1_SHA384WITHRSA
    );
    let bc = c.basic_constraints().unwrap().unwrap();
    assert!(bc.critical && bc.value.ca);
    let ku = c.key_usage().unwrap().unwrap();
    assert!(ku.value.key_cert_sign() && ku.value.crl_sign() && !ku.value.digital_signature());
    assert_eq!(c.serial.to_bytes_be(), vec![1]);
    match c.public_key().parsed().unwrap() {
        x509_parser::public_key::PublicKey::RSA(k) => assert_eq!(k.key_size(), 2048),
        _ => panic!("not RSA"),
    }

    // --- server
    let s_der = der_of(&server.cert_pem);
    let (_, s) = parse_x509_certificate(&s_der).unwrap();
    assert_eq!(s.subject().to_string(), "CN=mn1");
    assert_eq!(s.issuer().to_string(), "CN=xCAT CA");
    assert_eq!(s.validity().not_before.to_datetime().year(), 1960);
    assert_eq!(
        s.validity().not_before.to_datetime().unix_timestamp(),
        -315615539 // 1960-01-01 01:01:01Z
    );
    assert_eq!(
        s.signature_algorithm.algorithm,
        x509_parser::oid_registry::OID_PKCS1_SHA384WITHRSA
    );
    assert_eq!(
        s.extensions().len(),
        1,
        "server cert carries only subjectAltName"
    );
    let san = s.subject_alternative_name().unwrap().unwrap();
    let names: Vec<String> = san
        .value
        .general_names
        .iter()
        .map(|g| match g {
            GeneralName::DNSName(n) => n.to_string(),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(names, vec!["mn1.cluster.test", "mn1"]);
    assert_eq!(s.serial.to_bytes_be(), vec![2]);

    // --- client
    let c_der = der_of(&client.cert_pem);
    let (_, u) = parse_x509_certificate(&c_der).unwrap();
    assert_eq!(u.subject().to_string(), "CN=root");
    assert_eq!(u.validity().not_before.to_datetime().year(), 1960);
    let bc = u.basic_constraints().unwrap().unwrap();
    assert!(!bc.critical && !bc.value.ca);
    let ku = u.key_usage().unwrap().unwrap();
    assert!(
        ku.value.digital_signature() && ku.value.key_encipherment() && ku.value.key_agreement()
    );
    assert!(!ku.value.key_cert_sign());
    let eku = u.extended_key_usage().unwrap().unwrap();
    assert!(eku.value.client_auth && !eku.value.server_auth);

    // --- openssl accepts the chain (notBefore 1960 is in the past anyway)
    std::fs::write(tmp.path().join("ca.pem"), &ca_pem).unwrap();
    std::fs::write(tmp.path().join("server-cert.pem"), &server.cert_pem).unwrap();
    std::fs::write(tmp.path().join("client-cert.pem"), &client.cert_pem).unwrap();
    let (ok, text) = openssl(
        tmp.path(),
        &["verify", "-CAfile", "ca.pem", "server-cert.pem"],
    );
    assert!(ok, "{text}");
    let (ok, text) = openssl(
        tmp.path(),
        &["verify", "-CAfile", "ca.pem", "client-cert.pem"],
    );
    assert!(ok, "{text}");
    // and the key matches the certificate
    std::fs::write(tmp.path().join("server-key.pem"), server.key.pem()).unwrap();
    let (ok, text) = openssl(
        tmp.path(),
        &["x509", "-noout", "-modulus", "-in", "server-cert.pem"],
    );
    assert!(ok, "{text}");
    let (ok2, text2) = openssl(
        tmp.path(),
        &["rsa", "-noout", "-modulus", "-in", "server-key.pem"],
    );
    assert!(ok2, "{text2}");
    assert_eq!(text.trim(), text2.trim());

    // --- index / serial like openssl ca
    let index = std::fs::read_to_string(ca_root.join("index")).unwrap();
    let lines: Vec<&str> = index.lines().collect();
    assert_eq!(lines.len(), 3, "{index}");
    assert!(lines[0].starts_with("V\t") && lines[0].ends_with("\t\t01\tunknown\t/CN=xCAT CA"));
    assert!(lines[2].ends_with("\t03\tunknown\t/CN=root"));
    assert_eq!(
        std::fs::read_to_string(ca_root.join("serial")).unwrap(),
        "04\n"
    );
    assert!(ca_root.join("certs/03.pem").is_file());

    // --- the stock setup-local-client.sh sequence against our CA directory:
    // revoke the existing cert of the user, then sign a new request.
    let cnf = ca_root.join("openssl.cnf");
    let cnf = cnf.to_str().unwrap();
    let (ok, text) = openssl(
        &ca_root,
        &[
            "ca",
            "-startdate",
            "19600101010101Z",
            "-config",
            cnf,
            "-revoke",
            "certs/03.pem",
        ],
    );
    assert!(ok, "revoke: {text}");
    let work = tmp.path().join("user");
    std::fs::create_dir_all(&work).unwrap();
    stock_openssl::sign_root_client_like_stock(&ca_root, &work);
    let signed = std::fs::read_to_string(ca_root.join("root.cert")).unwrap();
    let signed_der = der_of(&signed);
    let (_, r) = parse_x509_certificate(&signed_der).unwrap();
    assert_eq!(r.subject().to_string(), "CN=root");
    assert_eq!(r.serial.to_bytes_be(), vec![4]);
    assert_eq!(
        r.signature_algorithm.algorithm,
        x509_parser::oid_registry::OID_PKCS1_SHA384WITHRSA
    );
    assert!(r.extended_key_usage().unwrap().unwrap().value.client_auth);

    // --- and a server request signed the setup-server-cert.sh way
    let (ok, text) = openssl(&work, &["genrsa", "-out", "server-key.pem", "2048"]);
    assert!(ok, "{text}");
    let (ok, text) = openssl(
        &work,
        &[
            "req",
            "-config",
            cnf,
            "-new",
            "-key",
            "server-key.pem",
            "-out",
            "server.csr",
            "-subj",
            "/CN=mn2",
            "-batch",
        ],
    );
    assert!(ok, "{text}");
    let (ok, text) = openssl(
        &ca_root,
        &[
            "ca",
            "-startdate",
            "600101010101Z",
            "-config",
            cnf,
            "-in",
            work.join("server.csr").to_str().unwrap(),
            "-out",
            "mn2.cert",
            "-extensions",
            "server",
            "-extensions",
            "san_env",
            "-batch",
        ],
    );
    assert!(ok, "server sign: {text}");
    let signed = std::fs::read_to_string(ca_root.join("mn2.cert")).unwrap();
    let signed_der = der_of(&signed);
    let (_, r) = parse_x509_certificate(&signed_der).unwrap();
    assert!(r.subject_alternative_name().unwrap().is_some());
}

#[test]
fn existing_ca_loads_and_signs() {
    let tmp = tempfile::tempdir().unwrap();
    let ca_root = tmp.path().join("ca");
    // A CA made by openssl the stock way.
    let dir = CaDir::new(&ca_root);
    dir.prepare(&["h"]).unwrap();
    let cnf = ca_root.join("openssl.cnf");
    let cnf = cnf.to_str().unwrap();
    let (ok, t) = openssl(&ca_root, &["genrsa", "-out", "private/ca-key.pem", "2048"]);
    assert!(ok, "{t}");
    let (ok, t) = openssl(
        &ca_root,
        &[
            "req",
            "-new",
            "-key",
            "private/ca-key.pem",
            "-config",
            cnf,
            "-out",
            "ca-req.csr",
            "-subj",
            "/CN=xCAT CA",
            "-batch",
        ],
    );
    assert!(ok, "{t}");
    let (ok, t) = openssl(
        &ca_root,
        &[
            "ca",
            "-selfsign",
            "-keyfile",
            "private/ca-key.pem",
            "-in",
            "ca-req.csr",
            "-startdate",
            "700101010101Z",
            "-days",
            "7305",
            "-extensions",
            "v3_ca",
            "-config",
            cnf,
            "-out",
            "ca-cert.pem",
            "-batch",
        ],
    );
    assert!(ok, "{t}");
    let ca = Authority::load(CaDir::new(&ca_root)).unwrap();
    let server = ca.issue_server("mn1", "mn1.x", "mn1").unwrap();
    std::fs::write(tmp.path().join("s.pem"), &server.cert_pem).unwrap();
    let (ok, t) = openssl(
        tmp.path(),
        &[
            "verify",
            "-CAfile",
            ca_root.join("ca-cert.pem").to_str().unwrap(),
            "s.pem",
        ],
    );
    assert!(ok, "{t}");
    let s_der = der_of(&server.cert_pem);
    let (_, s) = parse_x509_certificate(&s_der).unwrap();
    assert_eq!(s.serial.to_bytes_be(), vec![2]);
}
