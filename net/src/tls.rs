//! TLS with the stock xCAT certificates: PEM loading (tolerating the text dump
//! `openssl ca -out` puts before each certificate), chain verification with
//! x509-parser (the stock certificates have notBefore 1960, which
//! rustls-webpki refuses), and the rustls client configuration the stock
//! Perl client amounts to: verify the server against `ca.pem` with no host
//! name check, present `client-cred.pem` when there is one.

use crate::error::ClientError;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, SignatureScheme};
use std::io::BufReader;
use std::path::Path;
use std::sync::Arc;
use x509_parser::prelude::{FromDer, X509Certificate};

fn open(path: &Path) -> Result<BufReader<std::fs::File>, ClientError> {
    std::fs::File::open(path)
        .map(BufReader::new)
        .map_err(|e| ClientError::Credentials(format!("{}: {e}", path.display())))
}

/// Every certificate in a PEM file; non-PEM text around the blocks is skipped.
pub fn load_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, ClientError> {
    let mut reader = open(path)?;
    let certs = rustls_pemfile::certs(&mut reader)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ClientError::Credentials(format!("{}: {e}", path.display())))?;
    if certs.is_empty() {
        return Err(ClientError::Credentials(format!(
            "{}: no certificate found",
            path.display()
        )));
    }
    Ok(certs)
}

/// The first private key (PKCS#1, PKCS#8 or SEC1) in a PEM file such as a
/// stock `*-cred.pem` that holds the certificate and the key.
pub fn load_key(path: &Path) -> Result<PrivateKeyDer<'static>, ClientError> {
    let mut reader = open(path)?;
    rustls_pemfile::private_key(&mut reader)
        .map_err(|e| ClientError::Credentials(format!("{}: {e}", path.display())))?
        .ok_or_else(|| {
            ClientError::Credentials(format!("{}: no private key found", path.display()))
        })
}

fn bad(e: CertificateError) -> rustls::Error {
    rustls::Error::InvalidCertificate(e)
}

fn parse(der: &[u8]) -> Result<X509Certificate<'_>, rustls::Error> {
    match X509Certificate::from_der(der) {
        Ok((_, cert)) => Ok(cert),
        Err(_) => Err(bad(CertificateError::BadEncoding)),
    }
}

fn check_validity(cert: &X509Certificate<'_>, now: UnixTime) -> Result<(), rustls::Error> {
    let now = now.as_secs() as i64;
    let validity = cert.validity();
    if now < validity.not_before.timestamp() {
        return Err(bad(CertificateError::NotValidYet));
    }
    if now > validity.not_after.timestamp() {
        return Err(bad(CertificateError::Expired));
    }
    Ok(())
}

/// `cert` was signed by one of `ca` (same issuer name, valid signature) and
/// both are within their validity at `now`.  No host name, key usage or EKU
/// requirement (stock servers present a certificate with only a SAN, and
/// service nodes present `server-cred.pem` as their client certificate).
pub fn verify_issued_by(
    ca: &[CertificateDer<'_>],
    cert: &CertificateDer<'_>,
    now: UnixTime,
) -> Result<(), rustls::Error> {
    let leaf = parse(cert.as_ref())?;
    let mut last = bad(CertificateError::UnknownIssuer);
    for anchor in ca {
        let Ok(anchor) = parse(anchor.as_ref()) else {
            continue;
        };
        if anchor.subject().as_raw() != leaf.issuer().as_raw() {
            continue;
        }
        if leaf.verify_signature(Some(anchor.public_key())).is_err() {
            last = bad(CertificateError::BadSignature);
            continue;
        }
        check_validity(&anchor, now)?;
        return check_validity(&leaf, now);
    }
    Err(last)
}

/// The subject common name (the xCAT user name of a client certificate).
pub fn subject_cn(cert: &CertificateDer<'_>) -> Option<String> {
    let (_, parsed) = X509Certificate::from_der(cert.as_ref()).ok()?;
    let cn = parsed.subject().iter_common_name().next()?;
    cn.as_str().ok().map(str::to_string)
}

/// Server verification as the stock client does it: chain to `ca.pem`
/// (`SSL_VERIFY_PEER`, `SSL_verifycn_scheme => none`), or nothing at all
/// when the client has no credentials (`SSL_VERIFY_NONE`).
#[derive(Debug)]
pub struct StockServerVerifier {
    ca: Option<Vec<CertificateDer<'static>>>,
    provider: Arc<CryptoProvider>,
}

impl StockServerVerifier {
    /// Verify against these CA certificates.
    pub fn new(ca: Vec<CertificateDer<'static>>) -> StockServerVerifier {
        StockServerVerifier {
            ca: Some(ca),
            provider: provider(),
        }
    }

    /// Accept any server certificate (the stock client without credentials).
    pub fn none() -> StockServerVerifier {
        StockServerVerifier {
            ca: None,
            provider: provider(),
        }
    }
}

pub(crate) fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

impl ServerCertVerifier for StockServerVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if let Some(ca) = &self.ca {
            verify_issued_by(ca, end_entity, now)?;
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// TLS protocol versions for an `XCATSSLVER` value (IO::Socket::SSL
/// `SSL_version` syntax, e.g. `TLSv1_2`, `TLSv1.3`, `SSLv23:!TLSv1_3`).
/// Versions rustls cannot speak (SSLv3, TLS 1.0/1.1) are ignored; a value that
/// selects nothing rustls has gives an error naming it.
pub fn versions_for(
    spec: Option<&str>,
) -> Result<Vec<&'static rustls::SupportedProtocolVersion>, ClientError> {
    let all = [&rustls::version::TLS12, &rustls::version::TLS13];
    let Some(spec) = spec.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(all.to_vec());
    };
    let which = |token: &str| -> Option<Vec<usize>> {
        let t = token.to_ascii_lowercase().replace(['.', '_', 'v'], "");
        match t.as_str() {
            "tls12" => Some(vec![0]),
            "tls13" => Some(vec![1]),
            "sslv23" | "ssl23" | "all" | "tls" | "any" => Some(vec![0, 1]),
            _ => None,
        }
    };
    let mut chosen = [false, false];
    let mut any_positive = false;
    for token in spec.split(':').map(str::trim).filter(|t| !t.is_empty()) {
        if token.starts_with('!') {
            continue;
        }
        any_positive = true;
        for i in which(token).unwrap_or_default() {
            chosen[i] = true;
        }
    }
    if !any_positive {
        chosen = [true, true];
    }
    for token in spec.split(':').map(str::trim) {
        if let Some(neg) = token.strip_prefix('!') {
            for i in which(neg).unwrap_or_default() {
                chosen[i] = false;
            }
        }
    }
    let out: Vec<_> = all
        .iter()
        .zip(chosen)
        .filter(|(_, on)| *on)
        .map(|(v, _)| *v)
        .collect();
    if out.is_empty() {
        return Err(ClientError::Config(format!(
            "XCATSSLVER={spec} selects no TLS version this client supports (TLSv1_2, TLSv1_3)"
        )));
    }
    Ok(out)
}

/// A rustls client configuration: verify against the credentials' CA and
/// present their certificate, or (no credentials) verify nothing.
pub fn client_config(
    creds: Option<&crate::Credentials>,
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> Result<rustls::ClientConfig, ClientError> {
    let builder = rustls::ClientConfig::builder_with_provider(provider())
        .with_protocol_versions(versions)
        .map_err(|e| ClientError::Config(e.to_string()))?
        .dangerous();
    match creds {
        Some(c) => builder
            .with_custom_certificate_verifier(Arc::new(StockServerVerifier::new(c.ca.clone())))
            .with_client_auth_cert(c.chain.clone(), c.key.clone_key())
            .map_err(|e| ClientError::Credentials(e.to_string())),
        None => Ok(builder
            .with_custom_certificate_verifier(Arc::new(StockServerVerifier::none()))
            .with_no_client_auth()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sslver_mapping() {
        assert_eq!(versions_for(None).unwrap().len(), 2);
        assert_eq!(
            versions_for(Some("TLSv1_2")).unwrap(),
            vec![&rustls::version::TLS12]
        );
        assert_eq!(
            versions_for(Some("TLSv1.3")).unwrap(),
            vec![&rustls::version::TLS13]
        );
        assert_eq!(
            versions_for(Some("SSLv23:!SSLv2:!SSLv3:!TLSv1_3")).unwrap(),
            vec![&rustls::version::TLS12]
        );
        assert_eq!(versions_for(Some("SSLv23:!SSLv2")).unwrap().len(), 2);
        assert!(versions_for(Some("SSLv3")).is_err());
    }
}
