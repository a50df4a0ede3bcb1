//! Throwaway certificate authorities and credentials in the stock file
//! layout (`<confdir>/cert/server-cred.pem`, `ca.pem`; `<home>/.xcat/
//! client-cred.pem`, `ca.pem`), with the stock 1960 notBefore on issued
//! certificates and the `openssl ca` text dump before each PEM block.
//! ECDSA keys (fast to generate); the stock RSA layout is covered by
//! [`stock_openssl`] which runs the openssl commands of the setup scripts.

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, KeyPair, KeyUsagePurpose,
};
use std::path::{Path, PathBuf};
use std::process::Command;
use time::{Duration, OffsetDateTime};

/// A CA that can issue server and client credentials.
pub struct Pki {
    ca: rcgen::Certificate,
    key: KeyPair,
}

/// An issued certificate and its key, PEM.
pub struct Issued {
    pub cert_pem: String,
    pub key_pem: String,
}

impl Issued {
    /// Certificate (after an `openssl ca`-like text dump) followed by the key.
    pub fn cred_pem(&self) -> String {
        format!("{}{}", with_text_dump(&self.cert_pem), self.key_pem)
    }
}

/// What `openssl ca -out` writes before the PEM block.
pub fn with_text_dump(pem: &str) -> String {
    format!(
        "Certificate:\n    Data:\n        Version: 3 (0x2)\n        Serial Number: 1 (0x1)\n        Signature Algorithm: ecdsa-with-SHA256\n{pem}"
    )
}

fn dn(cn: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, cn);
    dn
}

fn date_1960() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(-315_615_539).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

impl Pki {
    /// A new CA named `cn` (stock: "xCAT CA"), notBefore 1970.
    pub fn new(cn: &str) -> Pki {
        let key = KeyPair::generate().expect("ca key");
        let mut params = CertificateParams::default();
        params.distinguished_name = dn(cn);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        params.not_before = OffsetDateTime::UNIX_EPOCH + Duration::seconds(3661);
        params.not_after = OffsetDateTime::now_utc() + Duration::days(7305);
        let ca = params.self_signed(&key).expect("ca cert");
        Pki { ca, key }
    }

    pub fn ca_pem(&self) -> String {
        with_text_dump(&self.ca.pem())
    }

    /// A certificate for `cn` valid from 1960 (as the stock scripts issue
    /// them) until `days` from now (negative: already expired).
    pub fn issue_with(&self, cn: &str, sans: &[&str], days: i64) -> Issued {
        let key = KeyPair::generate().expect("key");
        let mut params =
            CertificateParams::new(sans.iter().map(|s| s.to_string()).collect::<Vec<_>>())
                .expect("params");
        params.distinguished_name = dn(cn);
        params.not_before = date_1960();
        params.not_after = OffsetDateTime::now_utc() + Duration::days(days);
        let cert = params.signed_by(&key, &self.ca, &self.key).expect("sign");
        Issued {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        }
    }

    pub fn issue(&self, cn: &str) -> Issued {
        self.issue_with(cn, &[], 7300)
    }

    /// `<confdir>/cert/{server-cred.pem,server-cert.pem,server-key.pem,ca.pem}`.
    pub fn write_server(&self, confdir: &Path, hostname: &str) -> PathBuf {
        let dir = confdir.join("cert");
        std::fs::create_dir_all(&dir).expect("cert dir");
        let issued = self.issue_with(hostname, &[hostname], 7300);
        std::fs::write(dir.join("server-cred.pem"), issued.cred_pem()).expect("write");
        std::fs::write(
            dir.join("server-cert.pem"),
            with_text_dump(&issued.cert_pem),
        )
        .expect("write");
        std::fs::write(dir.join("server-key.pem"), &issued.key_pem).expect("write");
        std::fs::write(dir.join("ca.pem"), self.ca_pem()).expect("write");
        dir
    }

    /// `<home>/.xcat/{client-cred.pem,ca.pem}` for user `cn`.
    pub fn write_client(&self, home: &Path, cn: &str) -> PathBuf {
        let dir = home.join(".xcat");
        std::fs::create_dir_all(&dir).expect("xcat dir");
        std::fs::write(dir.join("client-cred.pem"), self.issue(cn).cred_pem()).expect("write");
        std::fs::write(dir.join("ca.pem"), self.ca_pem()).expect("write");
        dir
    }
}

/// Run the openssl commands of the stock setup scripts (RSA 2048, sha384,
/// CA notBefore 1970, issued certificates notBefore 1960 via `openssl ca
/// -startdate 600101010101Z`) in `dir`; returns the CA directory, or `None`
/// when openssl is not installed.  Issues `server-cred.pem` (CN `server_cn`)
/// and `<user>-cred.pem` for each client user.
pub fn stock_openssl(dir: &Path, server_cn: &str, users: &[&str]) -> Option<PathBuf> {
    if Command::new("openssl").arg("version").output().is_err() {
        return None;
    }
    let ca = dir.join("ca");
    std::fs::create_dir_all(ca.join("certs")).ok()?;
    std::fs::write(ca.join("index"), "").ok()?;
    std::fs::write(ca.join("serial"), "01\n").ok()?;
    let cnf = format!(
        "[ ca ]\ndefault_ca = CA_default\n[ CA_default ]\ndir = {d}\ncerts = $dir/certs\nnew_certs_dir = $dir/certs\ndatabase = $dir/index\nserial = $dir/serial\ncertificate = $dir/ca-cert.pem\nprivate_key = $dir/ca-key.pem\ndefault_days = 7300\ndefault_md = sha384\npolicy = policy_any\nunique_subject = no\n[ policy_any ]\ncommonName = supplied\n[ req ]\ndistinguished_name = req_dn\nprompt = no\n[ req_dn ]\nCN = unused\n[ v3_ca ]\nbasicConstraints = critical,CA:true\nkeyUsage = keyCertSign, cRLSign\n[ usr_cert ]\nbasicConstraints = CA:FALSE\nkeyUsage = digitalSignature, keyEncipherment, keyAgreement\nextendedKeyUsage = clientAuth\n[ server ]\nsubjectAltName = DNS:{server_cn}\n",
        d = ca.display()
    );
    std::fs::write(ca.join("openssl.cnf"), cnf).ok()?;
    let run = |args: &[&str]| -> Option<()> {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(&ca)
            .output()
            .ok()?;
        out.status.success().then_some(())
    };
    let cnf = ca.join("openssl.cnf");
    let cnf = cnf.to_str()?;
    run(&["genrsa", "-out", "ca-key.pem", "2048"])?;
    run(&[
        "req",
        "-new",
        "-key",
        "ca-key.pem",
        "-out",
        "ca-req.csr",
        "-subj",
        "/CN=xCAT CA",
        "-config",
        cnf,
    ])?;
    run(&[
        "ca",
        "-batch",
        "-selfsign",
        "-config",
        cnf,
        "-keyfile",
        "ca-key.pem",
        "-in",
        "ca-req.csr",
        "-out",
        "ca-cert.pem",
        "-startdate",
        "700101010101Z",
        "-days",
        "7305",
        "-extensions",
        "v3_ca",
    ])?;
    let issue = |name: &str, cn: &str, ext: &str| -> Option<()> {
        let key = format!("{name}-key.pem");
        let csr = format!("{name}.csr");
        let cert = format!("{name}-cert.pem");
        run(&["genrsa", "-out", &key, "2048"])?;
        run(&[
            "req",
            "-new",
            "-key",
            &key,
            "-out",
            &csr,
            "-subj",
            &format!("/CN={cn}"),
            "-config",
            cnf,
        ])?;
        run(&[
            "ca",
            "-batch",
            "-config",
            cnf,
            "-in",
            &csr,
            "-out",
            &cert,
            "-startdate",
            "600101010101Z",
            "-extensions",
            ext,
        ])?;
        let cred = std::fs::read_to_string(ca.join(&cert)).ok()?
            + &std::fs::read_to_string(ca.join(&key)).ok()?;
        std::fs::write(ca.join(format!("{name}-cred.pem")), cred).ok()
    };
    issue("server", server_cn, "server")?;
    for u in users {
        issue(u, u, "usr_cert")?;
    }
    Some(ca)
}
