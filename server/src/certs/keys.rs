//! RSA private keys: generation (the `rsa` crate; ring cannot generate RSA),
//! loading stock keys (PKCS#1 `RSA PRIVATE KEY` or PKCS#8 `PRIVATE KEY`),
//! and the rcgen signing key pair (RSA PKCS#1 v1.5 with SHA-384, as the
//! stock `default_md = sha384`).

use super::CertError;
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs8::{EncodePrivateKey, LineEnding};
use rsa::RsaPrivateKey;
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

/// Bits of every key `xcatd init` makes (`openssl genrsa … 2048`).
pub const RSA_BITS: usize = 2048;

/// A private key kept as PKCS#8 DER plus its PEM text.
pub struct PrivateKey {
    pkcs8_der: Vec<u8>,
    pem: String,
}

impl PrivateKey {
    pub fn generate() -> Result<PrivateKey, CertError> {
        let mut rng = rand::rngs::OsRng;
        let key = RsaPrivateKey::new(&mut rng, RSA_BITS)
            .map_err(|e| CertError::Crypto(format!("RSA key generation failed: {e}")))?;
        Self::from_rsa(&key)
    }

    fn from_rsa(key: &RsaPrivateKey) -> Result<PrivateKey, CertError> {
        let der = key
            .to_pkcs8_der()
            .map_err(|e| CertError::Crypto(format!("cannot encode key: {e}")))?;
        let pem = key
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|e| CertError::Crypto(format!("cannot encode key: {e}")))?;
        Ok(PrivateKey {
            pkcs8_der: der.as_bytes().to_vec(),
            pem: pem.to_string(),
        })
    }

    /// The first private key in a PEM file (text before it is skipped).
    pub fn from_pem(text: &str) -> Result<PrivateKey, CertError> {
        let mut reader = text.as_bytes();
        let key = rustls_pemfile::private_key(&mut reader)
            .map_err(|e| CertError::Parse(format!("bad private key PEM: {e}")))?
            .ok_or_else(|| CertError::Parse("no private key found".into()))?;
        match key {
            PrivateKeyDer::Pkcs8(der) => Ok(PrivateKey {
                pkcs8_der: der.secret_pkcs8_der().to_vec(),
                pem: text.to_string(),
            }),
            PrivateKeyDer::Pkcs1(der) => {
                let rsa = RsaPrivateKey::from_pkcs1_der(der.secret_pkcs1_der())
                    .map_err(|e| CertError::Parse(format!("bad RSA key: {e}")))?;
                let mut k = Self::from_rsa(&rsa)?;
                k.pem = text.to_string();
                Ok(k)
            }
            _ => Err(CertError::Parse("only RSA keys are supported".into())),
        }
    }

    pub fn pem(&self) -> &str {
        &self.pem
    }

    /// The rcgen key pair that signs with sha384WithRSAEncryption.
    pub fn signing_pair(&self) -> Result<rcgen::KeyPair, CertError> {
        let der = PrivatePkcs8KeyDer::from(self.pkcs8_der.as_slice());
        rcgen::KeyPair::from_pkcs8_der_and_sign_algo(&der, &rcgen::PKCS_RSA_SHA384)
            .map_err(|e| CertError::Crypto(format!("cannot use key for signing: {e}")))
    }
}

/// OpenSSL's `subjectKeyIdentifier=hash`: SHA-1 of the subjectPublicKey bits.
pub fn openssl_key_id(pair: &rcgen::KeyPair) -> Vec<u8> {
    ring::digest::digest(
        &ring::digest::SHA1_FOR_LEGACY_USE_ONLY,
        pair.public_key_raw(),
    )
    .as_ref()
    .to_vec()
}
