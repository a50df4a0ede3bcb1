//! `site.xcatsslciphers` / `site.xcatsslversion` (OpenSSL syntax) mapped onto
//! what rustls offers: named suites (OpenSSL or IANA names) and TLS 1.2/1.3.
//! Everything that has no rustls equivalent (TLS 1.0/1.1, cipher keywords
//! like `HIGH`, exclusions) is refused with a log line and the defaults stay.

use rustls::crypto::ring::cipher_suite as cs;
use rustls::{SupportedCipherSuite, SupportedProtocolVersion};

/// (OpenSSL name, suite).  IANA names are matched through the suite itself.
fn known() -> Vec<(&'static str, SupportedCipherSuite)> {
    vec![
        ("TLS_AES_256_GCM_SHA384", cs::TLS13_AES_256_GCM_SHA384),
        ("TLS_AES_128_GCM_SHA256", cs::TLS13_AES_128_GCM_SHA256),
        (
            "TLS_CHACHA20_POLY1305_SHA256",
            cs::TLS13_CHACHA20_POLY1305_SHA256,
        ),
        (
            "ECDHE-RSA-AES256-GCM-SHA384",
            cs::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        ),
        (
            "ECDHE-RSA-AES128-GCM-SHA256",
            cs::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        ),
        (
            "ECDHE-RSA-CHACHA20-POLY1305",
            cs::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        ),
        (
            "ECDHE-ECDSA-AES256-GCM-SHA384",
            cs::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        ),
        (
            "ECDHE-ECDSA-AES128-GCM-SHA256",
            cs::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        ),
        (
            "ECDHE-ECDSA-CHACHA20-POLY1305",
            cs::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        ),
    ]
}

/// Cipher suites for `site.xcatsslciphers`; `None` = rustls defaults.
pub fn ciphers(spec: Option<&str>) -> Option<Vec<SupportedCipherSuite>> {
    let spec = spec.map(str::trim).filter(|s| !s.is_empty())?;
    let table = known();
    let mut out: Vec<SupportedCipherSuite> = Vec::new();
    let mut refused = Vec::new();
    for item in spec.split([':', ',', ' ']).filter(|s| !s.is_empty()) {
        let hit = table.iter().find(|(name, suite)| {
            name.eq_ignore_ascii_case(item)
                || format!("{:?}", suite.suite()).eq_ignore_ascii_case(item)
        });
        match hit {
            Some((_, s)) => {
                if !out.iter().any(|o| o.suite() == s.suite()) {
                    out.push(*s);
                }
            }
            None => refused.push(item),
        }
    }
    if !refused.is_empty() {
        tracing::warn!(
            "site.xcatsslciphers: {} cannot be honoured by rustls and is ignored",
            refused.join(":")
        );
    }
    if out.is_empty() {
        tracing::warn!(
            "site.xcatsslciphers={spec:?} names no suite rustls offers; using the defaults"
        );
        return None;
    }
    // TLS 1.3 needs one of its suites when 1.3 stays enabled.
    if !out.iter().any(|s| s.version() == &rustls::version::TLS13) {
        out.push(cs::TLS13_AES_256_GCM_SHA384);
        out.push(cs::TLS13_AES_128_GCM_SHA256);
    }
    Some(out)
}

/// Protocol versions for `site.xcatsslversion`; defaults to TLS 1.2 + 1.3.
pub fn versions(spec: Option<&str>) -> Vec<&'static SupportedProtocolVersion> {
    let all = vec![&rustls::version::TLS13, &rustls::version::TLS12];
    let Some(spec) = spec.map(str::trim).filter(|s| !s.is_empty()) else {
        return all;
    };
    let mut v12 = false;
    let mut v13 = false;
    let mut refused = Vec::new();
    for item in spec.split(':').filter(|s| !s.is_empty()) {
        let (neg, name) = match item.strip_prefix('!') {
            Some(n) => (true, n),
            None => (false, item),
        };
        match name.to_ascii_lowercase().replace('.', "_").as_str() {
            "sslv23" | "tls" | "all" => {
                if !neg {
                    v12 = true;
                    v13 = true;
                }
            }
            "tlsv1_2" => v12 = !neg,
            "tlsv1_3" => v13 = !neg,
            "sslv2" | "sslv3" | "tlsv1" | "tlsv1_1" if neg => {}
            _ => refused.push(item),
        }
    }
    if !refused.is_empty() {
        tracing::warn!(
            "site.xcatsslversion: {} is not available with rustls and is ignored",
            refused.join(":")
        );
    }
    let mut out = Vec::new();
    if v13 {
        out.push(&rustls::version::TLS13);
    }
    if v12 {
        out.push(&rustls::version::TLS12);
    }
    if out.is_empty() {
        tracing::warn!(
            "site.xcatsslversion={spec:?} leaves no version rustls offers; using TLS 1.2 and 1.3"
        );
        return all;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_mapping() {
        assert_eq!(versions(None).len(), 2);
        assert_eq!(
            versions(Some("SSLv23:!SSLv2:!SSLv3:!TLSv1:!TLSv1_1")).len(),
            2
        );
        assert_eq!(versions(Some("TLSv1_2")), vec![&rustls::version::TLS12]);
        assert_eq!(versions(Some("TLSv1")).len(), 2, "refused → defaults");
    }

    #[test]
    fn cipher_mapping() {
        assert!(ciphers(None).is_none());
        assert!(ciphers(Some("HIGH:!aNULL")).is_none());
        let c = ciphers(Some("ECDHE-RSA-AES256-GCM-SHA384:HIGH")).unwrap();
        assert_eq!(
            c[0].suite(),
            cs::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384.suite()
        );
    }
}
