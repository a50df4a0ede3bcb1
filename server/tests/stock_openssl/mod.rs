//! The openssl command lines of xCAT's stock setup scripts, run against a CA
//! directory made by `xcatd init` (shared by the init tests).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// Run `openssl ARGS` in `dir`; (success, stdout + stderr).
pub fn openssl(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("openssl runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// What `setup-local-client.sh root` does after revoking: a new key and CSR in
/// `work`, signed by the CA in `ca` with the 1960 start date into
/// `ca/root.cert`, which must then verify against `ca/ca-cert.pem`.
pub fn sign_root_client_like_stock(ca: &Path, work: &Path) -> PathBuf {
    let cnf = ca.join("openssl.cnf");
    let cnf = cnf.to_str().expect("utf-8 path");
    let (ok, text) = openssl(work, &["genrsa", "-out", "client-key.pem", "2048"]);
    assert!(ok, "genrsa: {text}");
    let req = [
        "req",
        "-config",
        cnf,
        "-new",
        "-key",
        "client-key.pem",
        "-out",
        "client-req.pem",
        "-subj",
        "/CN=root",
        "-batch",
    ];
    let (ok, text) = openssl(work, &req);
    assert!(ok, "req: {text}");
    std::fs::copy(work.join("client-req.pem"), ca.join("root.csr")).expect("copy csr");
    let sign = [
        "ca",
        "-startdate",
        "600101010101Z",
        "-config",
        cnf,
        "-in",
        "root.csr",
        "-out",
        "root.cert",
        "-batch",
    ];
    let (ok, text) = openssl(ca, &sign);
    assert!(ok, "ca sign: {text}");
    let (ok, text) = openssl(ca, &["verify", "-CAfile", "ca-cert.pem", "root.cert"]);
    assert!(ok, "verify: {text}");
    ca.join("root.cert")
}
