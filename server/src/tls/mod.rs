//! TLS for the request port: server credential `<confdir>/cert/server-cred.pem`,
//! client certificates checked against `<confdir>/cert/ca.pem` by
//! [`verifier::XcatClientVerifier`], versions and suites from the site table.
//! [`AcceptorCache`] rebuilds the rustls config when those site values change.
//! PEM loading and chain checks are the client library's (`xcat_net::tls`).

pub mod suites;
pub mod verifier;

use crate::config::ServeConfig;
use rustls::pki_types::CertificateDer;
use std::sync::{Arc, Mutex};
use tokio_rustls::TlsAcceptor;
use xcat_net::tls::{load_certs, load_key, subject_cn};

/// The site values that shape TLS.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TlsSettings {
    pub ciphers: Option<String>,
    pub version: Option<String>,
}

pub fn server_config(
    cfg: &ServeConfig,
    settings: &TlsSettings,
) -> Result<rustls::ServerConfig, String> {
    let certs = load_certs(&cfg.server_cred()).map_err(|e| e.to_string())?;
    let key = load_key(&cfg.server_cred()).map_err(|e| e.to_string())?;
    let cas = load_certs(&cfg.ca_file()).map_err(|e| e.to_string())?;
    let mut provider = rustls::crypto::ring::default_provider();
    if let Some(suites) = suites::ciphers(settings.ciphers.as_deref()) {
        provider.cipher_suites = suites;
    }
    let versions = suites::versions(settings.version.as_deref());
    let verifier = Arc::new(verifier::XcatClientVerifier::new(cas));
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(provider))
        .with_protocol_versions(&versions)
        .map_err(|e| format!("TLS versions: {e}"))?
        .with_client_cert_verifier(verifier)
        .with_single_cert(certs, key)
        .map_err(|e| format!("{}: {e}", cfg.server_cred().display()))?;
    // Stock clients never resume; our own client and tools may (TLS 1.3
    // resumption skips the RSA signature).  Bounded cache.
    config.session_storage = rustls::server::ServerSessionMemoryCache::new(1024);
    Ok(config)
}

/// CN of the peer's verified certificate.
pub fn peer_name(certs: Option<&[CertificateDer<'_>]>) -> Option<String> {
    certs.and_then(|c| c.first()).and_then(subject_cn)
}

/// The current acceptor, rebuilt when the TLS site values change.
pub struct AcceptorCache {
    cfg: ServeConfig,
    current: Mutex<(TlsSettings, TlsAcceptor)>,
}

impl AcceptorCache {
    pub fn new(cfg: &ServeConfig, settings: TlsSettings) -> Result<AcceptorCache, String> {
        let acceptor = TlsAcceptor::from(Arc::new(server_config(cfg, &settings)?));
        Ok(AcceptorCache {
            cfg: cfg.clone(),
            current: Mutex::new((settings, acceptor)),
        })
    }

    pub fn get(&self, settings: &TlsSettings) -> TlsAcceptor {
        let mut guard = match self.current.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        if &guard.0 != settings {
            match server_config(&self.cfg, settings) {
                Ok(c) => *guard = (settings.clone(), TlsAcceptor::from(Arc::new(c))),
                Err(e) => {
                    tracing::error!("TLS settings not applied: {e}");
                    guard.0 = settings.clone();
                }
            }
        }
        guard.1.clone()
    }
}
