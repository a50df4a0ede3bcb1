//! Stand-ins for `xcat_client::tls::{load_certs, load_key, verify_issued_by,
//! subject_cn}` (the client library owns the shared versions; these keep the
//! daemon building until they land).  Stock PEM files start with a text dump
//! before the `BEGIN` line; non-PEM text is skipped.

use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::path::Path;
use x509_parser::prelude::{FromDer, X509Certificate};

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Every certificate in a PEM file.
pub fn load_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let bytes = read(path)?;
    let certs: Vec<_> = rustls_pemfile::certs(&mut bytes.as_slice())
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    if certs.is_empty() {
        return Err(format!("{}: no certificate found", path.display()));
    }
    Ok(certs)
}

/// The first private key in a PEM file (PKCS#1, PKCS#8 or SEC1).
pub fn load_key(path: &Path) -> Result<PrivateKeyDer<'static>, String> {
    let bytes = read(path)?;
    rustls_pemfile::private_key(&mut bytes.as_slice())
        .map_err(|e| format!("{}: {e}", path.display()))?
        .ok_or_else(|| format!("{}: no private key found", path.display()))
}

/// `cert` is signed by one of `cas` (issuer name and signature) and is inside
/// its validity period; notBefore dates before 1970 are accepted (stock
/// certificates start in 1960).  No key-usage requirements.
pub fn verify_issued_by(cert: &[u8], cas: &[CertificateDer<'_>]) -> Result<(), String> {
    let (_, leaf) = X509Certificate::from_der(cert).map_err(|e| format!("bad certificate: {e}"))?;
    if !leaf.validity().is_valid() {
        return Err("certificate expired or not yet valid".to_string());
    }
    for ca in cas {
        let Ok((_, ca)) = X509Certificate::from_der(ca.as_ref()) else {
            continue;
        };
        if ca.subject().as_raw() != leaf.issuer().as_raw() {
            continue;
        }
        if leaf.verify_signature(Some(ca.public_key())).is_ok() {
            return Ok(());
        }
    }
    Err("certificate not issued by the xCAT CA".to_string())
}

/// The first CN of the subject (stock: text after `CN=` in the one-line subject).
pub fn subject_cn(cert: &[u8]) -> Option<String> {
    let (_, c) = X509Certificate::from_der(cert).ok()?;
    let cn = c.subject().iter_common_name().next()?;
    cn.as_str().ok().map(str::to_string)
}
