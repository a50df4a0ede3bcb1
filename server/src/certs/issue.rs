//! Issuing the three kinds of certificate of an xCAT management node, with
//! the fields the stock scripts give them (xCAT-server/sbin/xcatconfig:1651-1770):
//!
//! * CA: `CN=xCAT CA`, notBefore 1970-01-01 01:01:01Z, 7305 days, `v3_ca`
//!   extensions (SKI, AKI, critical CA:TRUE, keyCertSign+cRLSign, nsCertType);
//! * server: `CN=<host>`, notBefore 1960-01-01 01:01:01Z, 7300 days, only
//!   subjectAltName (long and short host name);
//! * client: `CN=<user>`, notBefore 1960, 7300 days, `usr_cert` extensions.
//!
//! Everything is signed with sha384WithRSAEncryption and recorded in the CA
//! directory like `openssl ca` does.

use super::ca_dir::{CaDir, Serial};
use super::der::{self, key_usage as ku, ns_cert_type as ns};
use super::keys::{openssl_key_id, PrivateKey};
use super::{fsutil, utc, CertError};
use rcgen::{CertificateParams, DistinguishedName, DnType};
use time::{Duration, OffsetDateTime};

pub const CA_DAYS: i64 = 7305;
pub const CERT_DAYS: i64 = 7300;

/// A freshly issued certificate and its key.
pub struct Issued {
    pub cert_pem: String,
    pub key: PrivateKey,
    pub serial: Serial,
}

impl Issued {
    /// Certificate followed by key, the `*-cred.pem` layout.
    pub fn cred_pem(&self) -> String {
        format!("{}{}", self.cert_pem, self.key.pem())
    }
}

fn ca_not_before() -> Result<OffsetDateTime, CertError> {
    utc(1970, 1, 1, 1, 1, 1)
}

fn leaf_not_before() -> Result<OffsetDateTime, CertError> {
    utc(1960, 1, 1, 1, 1, 1)
}

fn base_params(
    cn: &str,
    serial: &Serial,
    not_before: OffsetDateTime,
    days: i64,
) -> Result<CertificateParams, CertError> {
    let mut params = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, cn);
    params.distinguished_name = dn;
    params.serial_number = Some(serial.bytes().into());
    params.not_before = not_before;
    let now = OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or(OffsetDateTime::now_utc());
    params.not_after = now + Duration::days(days);
    Ok(params)
}

/// A CA ready to sign: its directory, key and (re-built) issuer certificate.
pub struct Authority {
    pub dir: CaDir,
    key: PrivateKey,
    pair: rcgen::KeyPair,
    issuer: rcgen::Certificate,
    key_id: Vec<u8>,
}

impl Authority {
    /// Create a new CA in `dir` (which must have been `prepare`d).
    pub fn create(dir: CaDir, cn: &str) -> Result<Authority, CertError> {
        let key = PrivateKey::generate()?;
        let pair = key.signing_pair()?;
        let key_id = openssl_key_id(&pair);
        let serial = dir.take_serial()?;
        let mut params = base_params(cn, &serial, ca_not_before()?, CA_DAYS)?;
        params.key_identifier_method = rcgen::KeyIdMethod::PreSpecified(key_id.clone());
        params.custom_extensions = vec![
            der::subject_key_id(&key_id),
            der::authority_key_id(&key_id),
            der::basic_constraints(true, true),
            der::key_usage(&[ku::KEY_CERT_SIGN, ku::CRL_SIGN]),
            der::ns_cert_type(&[ns::SSL_CA, ns::EMAIL_CA]),
        ];
        let not_after = params.not_after;
        let cert = params.self_signed(&pair).map_err(crypto)?;
        let pem = cert.pem();
        fsutil::write_mode(&dir.key_path(), key.pem().as_bytes(), 0o600)?;
        fsutil::write_mode(&dir.cert_path(), pem.as_bytes(), 0o644)?;
        dir.record(&serial, not_after, &format!("/CN={cn}"), &pem)?;
        Ok(Authority {
            dir,
            key,
            pair,
            issuer: cert,
            key_id,
        })
    }

    /// Load an existing CA (ours or one made by the stock scripts).
    pub fn load(dir: CaDir) -> Result<Authority, CertError> {
        let key = PrivateKey::from_pem(&fsutil::read_to_string(&dir.key_path())?)?;
        let pair = key.signing_pair()?;
        let cert_text = fsutil::read_to_string(&dir.cert_path())?;
        let der = super::first_cert_der(&cert_text)?;
        let mut params = CertificateParams::from_ca_cert_der(&der.as_slice().into())
            .map_err(|e| CertError::Parse(format!("{}: {e}", dir.cert_path().display())))?;
        let key_id = match &params.key_identifier_method {
            rcgen::KeyIdMethod::PreSpecified(id) => id.clone(),
            _ => openssl_key_id(&pair),
        };
        params.key_identifier_method = rcgen::KeyIdMethod::PreSpecified(key_id.clone());
        // Only the issuer name and key id of this re-built certificate are
        // used; it is never written anywhere.
        let issuer = params.self_signed(&pair).map_err(crypto)?;
        Ok(Authority {
            dir,
            key,
            pair,
            issuer,
            key_id,
        })
    }

    pub fn cert_pem(&self) -> Result<String, CertError> {
        fsutil::read_to_string(&self.dir.cert_path())
    }

    pub fn key(&self) -> &PrivateKey {
        &self.key
    }

    fn sign(
        &self,
        cn: &str,
        mut params: CertificateParams,
        serial: Serial,
        key: PrivateKey,
    ) -> Result<Issued, CertError> {
        let subject_pair = key.signing_pair()?;
        params.key_identifier_method = rcgen::KeyIdMethod::PreSpecified(self.key_id.clone());
        let not_after = params.not_after;
        let cert = params
            .signed_by(&subject_pair, &self.issuer, &self.pair)
            .map_err(crypto)?;
        let pem = cert.pem();
        self.dir
            .record(&serial, not_after, &format!("/CN={cn}"), &pem)?;
        Ok(Issued {
            cert_pem: pem,
            key,
            serial,
        })
    }

    /// Server certificate: only subjectAltName (long, short name).
    pub fn issue_server(&self, cn: &str, long: &str, short: &str) -> Result<Issued, CertError> {
        let key = PrivateKey::generate()?;
        let serial = self.dir.take_serial()?;
        let mut params = base_params(cn, &serial, leaf_not_before()?, CERT_DAYS)?;
        params.custom_extensions = vec![der::subject_alt_dns(&[long, short])];
        self.sign(cn, params, serial, key)
    }

    /// Client certificate with the `usr_cert` extensions.
    pub fn issue_client(&self, user: &str) -> Result<Issued, CertError> {
        let key = PrivateKey::generate()?;
        let subject_key_id = openssl_key_id(&key.signing_pair()?);
        let serial = self.dir.take_serial()?;
        let mut params = base_params(user, &serial, leaf_not_before()?, CERT_DAYS)?;
        params.custom_extensions = vec![
            der::basic_constraints(false, false),
            der::key_usage(&[
                ku::DIGITAL_SIGNATURE,
                ku::KEY_ENCIPHERMENT,
                ku::KEY_AGREEMENT,
            ]),
            der::ext_key_usage_client_auth(),
            der::ns_cert_type(&[ns::CLIENT, ns::EMAIL, ns::OBJSIGN]),
            der::ns_comment("xCAT client certificate"),
            der::subject_key_id(&subject_key_id),
        ];
        self.sign(user, params, serial, key)
    }
}

fn crypto(e: rcgen::Error) -> CertError {
    CertError::Crypto(e.to_string())
}
