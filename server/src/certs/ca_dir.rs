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

/// `<confdir>/ca/openssl.cnf`: `{dir}` stands for the CA directory and
/// `{alt}` for the `DNS.n = name` lines of the server's alternative names.
const OPENSSL_CNF: &str = include_str!("openssl.cnf.in");

fn openssl_cnf_text(root: &Path, alt_names: &[&str]) -> String {
    let alt: String = alt_names
        .iter()
        .enumerate()
        .map(|(i, n)| format!("DNS.{} = {}\n", i + 1, n))
        .collect();
    // Each placeholder stands once, `{dir}` first (checked by a test).
    let (head, rest) = OPENSSL_CNF.split_once("{dir}").unwrap_or((OPENSSL_CNF, ""));
    let (middle, tail) = rest.split_once("{alt}").unwrap_or((rest, ""));
    format!("{head}{}{middle}{alt}{tail}", root.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openssl_cnf_fills_its_two_placeholders() {
        let text = openssl_cnf_text(Path::new("/etc/xcat/ca"), &["mn", "mn.cluster"]);
        assert!(text.contains("\ndir              = /etc/xcat/ca\n"));
        assert!(text.contains("[ alt_names ]\nDNS.1 = mn\nDNS.2 = mn.cluster\n\n[ v3_ca ]"));
        assert!(!text.contains("{dir}") && !text.contains("{alt}"));
        assert!(text.starts_with("# OpenSSL configuration") && text.ends_with("keyid:always\n"));
    }

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
