//! Minimal DER encoders for the X.509 v3 extensions `xcatd init` writes.
//!
//! rcgen signs and lays out the certificate; the extensions themselves are
//! encoded here so that their content and criticality match what `openssl ca`
//! writes for the stock xCAT sections (`v3_ca`, `usr_cert`, `san_env`).

use rcgen::CustomExtension;

/// One TLV: tag, DER length, content.
pub fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    out.push(tag);
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let first = bytes
            .iter()
            .position(|b| *b != 0)
            .unwrap_or(bytes.len() - 1);
        out.push(0x80 | (bytes.len() - first) as u8);
        out.extend_from_slice(&bytes[first..]);
    }
    out.extend_from_slice(content);
    out
}

pub fn sequence(items: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &items.concat())
}

/// A named BIT STRING (keyUsage, nsCertType): bit 0 is the most significant
/// bit of the first byte; trailing zero bits are dropped as DER requires.
pub fn named_bits(bits: &[u8]) -> Vec<u8> {
    let mut bytes: Vec<u8> = Vec::new();
    for &bit in bits {
        let idx = usize::from(bit / 8);
        if bytes.len() <= idx {
            bytes.resize(idx + 1, 0);
        }
        bytes[idx] |= 0x80 >> (bit % 8);
    }
    while bytes.last() == Some(&0) {
        bytes.pop();
    }
    let unused = bytes.last().map(|b| b.trailing_zeros() as u8).unwrap_or(0);
    let mut content = vec![unused];
    content.extend_from_slice(&bytes);
    tlv(0x03, &content)
}

fn ext(oid: &[u64], critical: bool, content: Vec<u8>) -> CustomExtension {
    let mut e = CustomExtension::from_oid_content(oid, content);
    e.set_criticality(critical);
    e
}

const OID_BASIC_CONSTRAINTS: &[u64] = &[2, 5, 29, 19];
const OID_KEY_USAGE: &[u64] = &[2, 5, 29, 15];
const OID_EXT_KEY_USAGE: &[u64] = &[2, 5, 29, 37];
const OID_SUBJECT_KEY_ID: &[u64] = &[2, 5, 29, 14];
const OID_AUTHORITY_KEY_ID: &[u64] = &[2, 5, 29, 35];
const OID_SUBJECT_ALT_NAME: &[u64] = &[2, 5, 29, 17];
const OID_NS_CERT_TYPE: &[u64] = &[2, 16, 840, 1, 113730, 1, 1];
const OID_NS_COMMENT: &[u64] = &[2, 16, 840, 1, 113730, 1, 13];
/// id-kp-clientAuth 1.3.6.1.5.5.7.3.2
const DER_OID_CLIENT_AUTH: &[u8] = &[0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x02];

/// keyUsage bit numbers (RFC 5280).
pub mod key_usage {
    pub const DIGITAL_SIGNATURE: u8 = 0;
    pub const KEY_ENCIPHERMENT: u8 = 2;
    pub const KEY_AGREEMENT: u8 = 4;
    pub const KEY_CERT_SIGN: u8 = 5;
    pub const CRL_SIGN: u8 = 6;
}

/// Netscape cert type bit numbers.
pub mod ns_cert_type {
    pub const CLIENT: u8 = 0;
    pub const EMAIL: u8 = 2;
    pub const OBJSIGN: u8 = 3;
    pub const SSL_CA: u8 = 5;
    pub const EMAIL_CA: u8 = 6;
}

/// `basicConstraints = critical,CA:true` or `basicConstraints=CA:FALSE`.
pub fn basic_constraints(ca: bool, critical: bool) -> CustomExtension {
    let content = if ca {
        sequence(&[tlv(0x01, &[0xff])])
    } else {
        sequence(&[])
    };
    ext(OID_BASIC_CONSTRAINTS, critical, content)
}

pub fn key_usage(bits: &[u8]) -> CustomExtension {
    ext(OID_KEY_USAGE, false, named_bits(bits))
}

pub fn ext_key_usage_client_auth() -> CustomExtension {
    ext(OID_EXT_KEY_USAGE, false, tlv(0x30, DER_OID_CLIENT_AUTH))
}

pub fn ns_cert_type(bits: &[u8]) -> CustomExtension {
    ext(OID_NS_CERT_TYPE, false, named_bits(bits))
}

pub fn ns_comment(text: &str) -> CustomExtension {
    ext(OID_NS_COMMENT, false, tlv(0x16, text.as_bytes()))
}

pub fn subject_key_id(key_id: &[u8]) -> CustomExtension {
    ext(OID_SUBJECT_KEY_ID, false, tlv(0x04, key_id))
}

pub fn authority_key_id(key_id: &[u8]) -> CustomExtension {
    ext(OID_AUTHORITY_KEY_ID, false, sequence(&[tlv(0x80, key_id)]))
}

/// `subjectAltName = DNS:a, DNS:b` (duplicates dropped, order kept).
pub fn subject_alt_dns(names: &[&str]) -> CustomExtension {
    let mut seen: Vec<&str> = Vec::new();
    for n in names {
        if !n.is_empty() && !seen.contains(n) {
            seen.push(n);
        }
    }
    let items: Vec<Vec<u8>> = seen.iter().map(|n| tlv(0x82, n.as_bytes())).collect();
    ext(OID_SUBJECT_ALT_NAME, false, sequence(&items))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_strings_are_minimal() {
        use key_usage::*;
        assert_eq!(named_bits(&[KEY_CERT_SIGN, CRL_SIGN]), vec![3, 2, 1, 0x06]);
        assert_eq!(
            named_bits(&[DIGITAL_SIGNATURE, KEY_ENCIPHERMENT, KEY_AGREEMENT]),
            vec![3, 2, 3, 0xa8]
        );
    }

    #[test]
    fn long_lengths() {
        let v = tlv(0x04, &[0u8; 300]);
        assert_eq!(&v[..4], &[0x04, 0x82, 0x01, 0x2c]);
    }
}
