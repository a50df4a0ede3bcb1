//! X.509 credentials of an xCAT management node: the CA directory, the
//! server credential and users' client credentials, made without calling
//! openssl but laid out exactly as the stock `setup-xcat-ca.sh`,
//! `setup-server-cert.sh` and `setup-local-client.sh` lay them out.

pub mod ca_dir;
pub mod der;
pub mod fsutil;
pub mod issue;
pub mod keys;

pub use ca_dir::CaDir;
pub use issue::{Authority, Issued};

use std::path::PathBuf;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

#[derive(Debug, thiserror::Error)]
pub enum CertError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Parse(String),
    #[error("{0}")]
    Crypto(String),
}

/// A UTC date-time from its parts.
pub fn utc(y: i32, mo: u8, d: u8, h: u8, mi: u8, s: u8) -> Result<OffsetDateTime, CertError> {
    let bad = |e: time::error::ComponentRange| CertError::Parse(e.to_string());
    let month = Month::try_from(mo).map_err(bad)?;
    let date = Date::from_calendar_date(y, month, d).map_err(bad)?;
    let t = Time::from_hms(h, mi, s).map_err(bad)?;
    Ok(PrimitiveDateTime::new(date, t).assume_utc())
}

/// DER of the first certificate in a PEM text (leading `openssl ca -out`
/// text dumps are skipped).
pub fn first_cert_der(text: &str) -> Result<Vec<u8>, CertError> {
    let mut reader = text.as_bytes();
    let first = rustls_pemfile::certs(&mut reader).next();
    match first {
        Some(item) => {
            let der = item.map_err(|e| CertError::Parse(format!("bad certificate PEM: {e}")))?;
            Ok(der.to_vec())
        }
        None => Err(CertError::Parse("no certificate found".into())),
    }
}

/// Subject common name of the first certificate in a PEM text.
pub fn cert_common_name(text: &str) -> Result<Option<String>, CertError> {
    let der = first_cert_der(text)?;
    let (_, cert) = x509_parser::parse_x509_certificate(&der)
        .map_err(|e| CertError::Parse(format!("bad certificate: {e}")))?;
    let cn = cert
        .subject()
        .iter_common_name()
        .next()
        .and_then(|a| a.as_str().ok())
        .map(str::to_string);
    Ok(cn)
}
