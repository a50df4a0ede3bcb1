//! The OpenSSL CA directory (`<confdir>/ca`) in the layout `openssl ca` and
//! the stock `setup-*.sh` scripts expect: `openssl.cnf`, `index`,
//! `index.attr`, `serial`, `certs/<SERIAL>.pem`, `crl/`, `private/ca-key.pem`,
//! `ca-cert.pem`.  Certificates issued by `xcatd init` are recorded in
//! `index` and `certs/` like `openssl ca` records them, so that the stock
//! `setup-local-client.sh` can later revoke and re-issue them.

use super::{fsutil, CertError};
use std::path::{Path, PathBuf};
use time::OffsetDateTime;

pub struct CaDir {
    root: PathBuf,
}

/// A serial number taken from the `serial` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Serial {
    pub value: u128,
}

impl Serial {
    /// OpenSSL's spelling: upper-case hex, an even number of digits.
    pub fn hex(&self) -> String {
        let s = format!("{:X}", self.value);
        if s.len() % 2 == 1 {
            format!("0{s}")
        } else {
            s
        }
    }

    /// Big-endian bytes without leading zeros (rcgen adds the sign byte).
    pub fn bytes(&self) -> Vec<u8> {
        let b = self.value.to_be_bytes();
        let first = b.iter().position(|x| *x != 0).unwrap_or(b.len() - 1);
        b[first..].to_vec()
    }
}

/// `YYMMDDHHMMSSZ` (UTCTime) before 2050, `YYYYMMDDHHMMSSZ` after, as in `index`.
pub fn openssl_time(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    let year = t.year();
    let y = if (1950..2050).contains(&year) {
        format!("{:02}", year % 100)
    } else {
        format!("{year:04}")
    };
    format!(
        "{y}{:02}{:02}{:02}{:02}{:02}Z",
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

impl CaDir {
    pub fn new(root: impl Into<PathBuf>) -> CaDir {
        CaDir { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn cert_path(&self) -> PathBuf {
        self.root.join("ca-cert.pem")
    }

    pub fn key_path(&self) -> PathBuf {
        self.root.join("private").join("ca-key.pem")
    }

    pub fn cnf_path(&self) -> PathBuf {
        self.root.join("openssl.cnf")
    }

    /// A usable CA: certificate and key both present.
    pub fn exists(&self) -> bool {
        self.cert_path().is_file() && self.key_path().is_file()
    }

    /// Create the directory skeleton (`make init` of the stock Makefile):
    /// `certs/`, `crl/`, `private/` (0700), `serial` = 01, empty `index`,
    /// `index.attr`, and `openssl.cnf`.  Existing bookkeeping files are kept.
    pub fn prepare(&self, alt_names: &[&str]) -> Result<(), CertError> {
        fsutil::mkdir_mode(&self.root, 0o755)?;
        fsutil::mkdir_mode(&self.root.join("certs"), 0o755)?;
        fsutil::mkdir_mode(&self.root.join("crl"), 0o755)?;
        fsutil::mkdir_mode(&self.root.join("private"), 0o700)?;
        if !self.root.join("serial").exists() {
            fsutil::write_mode(&self.root.join("serial"), b"01\n", 0o644)?;
        }
        if !self.root.join("index").exists() {
            fsutil::write_mode(&self.root.join("index"), b"", 0o644)?;
        }
        // openssl ca writes this after its first signature; with
        // unique_subject a subject must be revoked before it is re-issued,
        // which is what setup-local-client.sh does.
        fsutil::write_mode(
            &self.root.join("index.attr"),
            b"unique_subject = yes\n",
            0o644,
        )?;
        self.write_openssl_cnf(alt_names)
    }

    /// Our `openssl.cnf`: the same sections and settings the stock template
    /// provides to `openssl ca` / `openssl req` (written from scratch).
    pub fn write_openssl_cnf(&self, alt_names: &[&str]) -> Result<(), CertError> {
        let text = openssl_cnf_text(&self.root, alt_names);
        fsutil::write_mode(&self.cnf_path(), text.as_bytes(), 0o644)
    }

    /// Take the next serial number and advance the `serial` file.
    pub fn take_serial(&self) -> Result<Serial, CertError> {
        let path = self.root.join("serial");
        let text = fsutil::read_to_string(&path).unwrap_or_else(|_| "01".into());
        let value = u128::from_str_radix(text.trim(), 16)
            .map_err(|_| CertError::Parse(format!("{}: not a hex serial", path.display())))?;
        let next = Serial { value: value + 1 };
        fsutil::write_mode(&path, format!("{}\n", next.hex()).as_bytes(), 0o644)?;
        Ok(Serial { value })
    }

    /// Record an issued certificate as `openssl ca` does: a `V` line in
    /// `index` and a copy in `certs/<SERIAL>.pem`.  Earlier valid entries with
    /// the same subject are marked revoked first (unique_subject).
    pub fn record(
        &self,
        serial: &Serial,
        not_after: OffsetDateTime,
        subject: &str,
        cert_pem: &str,
    ) -> Result<(), CertError> {
        let index_path = self.root.join("index");
        let old = fsutil::read_to_string(&index_path).unwrap_or_default();
        let now = openssl_time(OffsetDateTime::now_utc());
        let mut out = String::new();
        for line in old.lines() {
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() >= 6 && f[0] == "V" && f[5] == subject {
                out.push_str(&format!(
                    "R\t{}\t{}\t{}\t{}\t{}\n",
                    f[1], now, f[3], f[4], f[5]
                ));
            } else if !line.is_empty() {
                out.push_str(line);
                out.push('\n');
            }
        }
        out.push_str(&format!(
            "V\t{}\t\t{}\tunknown\t{}\n",
            openssl_time(not_after),
            serial.hex(),
            subject
        ));
        fsutil::write_mode(&index_path, out.as_bytes(), 0o644)?;
        let copy = self
            .root
            .join("certs")
            .join(format!("{}.pem", serial.hex()));
        fsutil::write_mode(&copy, cert_pem.as_bytes(), 0o644)
    }
}

fn openssl_cnf_text(root: &Path, alt_names: &[&str]) -> String {
    let mut alt = String::new();
    for (i, n) in alt_names.iter().enumerate() {
        alt.push_str(&format!("DNS.{} = {}\n", i + 1, n));
    }
    format!(
        r#"# OpenSSL configuration of the xCAT certificate authority.
# Written by `xcatd init` (xcatd-rs); usable by `openssl ca -config <this file>`
# and by xCAT's setup-server-cert.sh / setup-local-client.sh scripts.

HOME = .

[ ca ]
default_ca = xcat_ca

[ xcat_ca ]
dir              = {dir}
certs            = $dir/certs
new_certs_dir    = $dir/certs
crl_dir          = $dir/crl
crl              = $dir/crl.pem
crlnumber        = $dir/crlnumber
database         = $dir/index
serial           = $dir/serial
certificate      = $dir/ca-cert.pem
private_key      = $dir/private/ca-key.pem
x509_extensions  = usr_cert
name_opt         = ca_default
cert_opt         = ca_default
default_days     = 7300
default_crl_days = 30
default_md       = sha384
preserve         = no
policy           = policy_match

# Only the common name is required in a request.
[ policy_match ]
countryName            = optional
stateOrProvinceName    = optional
organizationName       = optional
organizationalUnitName = optional
commonName             = supplied
emailAddress           = optional

[ policy_anything ]
countryName            = optional
stateOrProvinceName    = optional
localityName           = optional
organizationName       = optional
organizationalUnitName = optional
commonName             = supplied
emailAddress           = optional

[ req ]
default_bits       = 2048
default_keyfile    = private/ca-key.pem
distinguished_name = req_dn
attributes         = req_attrs
x509_extensions    = v3_ca
string_mask        = utf8only

[ req_dn ]
commonName     = Common Name (host name or user name)
commonName_max = 64

[ req_attrs ]

# Server certificates (setup-server-cert.sh passes "-extensions server
# -extensions san_env"; the last one is the one openssl applies).
[ server ]
basicConstraints       = CA:FALSE
keyUsage               = digitalSignature, keyEncipherment, keyAgreement
extendedKeyUsage       = serverAuth, clientAuth
nsCertType             = server, client, objsign
subjectKeyIdentifier   = hash

# Default for `openssl ca`: client certificates of users.
[ usr_cert ]
basicConstraints       = CA:FALSE
keyUsage               = digitalSignature, keyEncipherment, keyAgreement
extendedKeyUsage       = clientAuth
nsCertType             = client, email, objsign
nsComment              = "xCAT client certificate"
subjectKeyIdentifier   = hash

[ v3_req ]
basicConstraints = CA:FALSE
keyUsage         = nonRepudiation, digitalSignature, keyEncipherment

[ san_env ]
subjectAltName = @alt_names

[ alt_names ]
{alt}
[ v3_ca ]
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always,issuer
basicConstraints       = critical, CA:true
keyUsage               = cRLSign, keyCertSign
nsCertType             = sslCA, emailCA

[ crl_ext ]
authorityKeyIdentifier = keyid:always
"#,
        dir = root.display(),
        alt = alt
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serial_spelling() {
        assert_eq!(Serial { value: 1 }.hex(), "01");
        assert_eq!(Serial { value: 0x10A }.hex(), "010A");
        assert_eq!(Serial { value: 0x80 }.bytes(), vec![0x80]);
    }

    #[test]
    fn index_time() {
        let t = crate::certs::utc(2046, 11, 17, 10, 0, 5).unwrap();
        assert_eq!(openssl_time(t), "461117100005Z");
        let t = crate::certs::utc(2051, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(openssl_time(t), "20510101000000Z");
    }
}
