//! Client credentials: the certificate chain and key presented to xcatd and
//! the CA that the server certificate must chain to.  The stock locations
//! are `~/.xcat/client-cred.pem` and `~/.xcat/ca.pem` of the effective user
//! (from the password database, not `$HOME`).

use crate::error::ClientError;
use crate::tls;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

pub struct Credentials {
    pub(crate) chain: Vec<CertificateDer<'static>>,
    pub(crate) key: PrivateKeyDer<'static>,
    pub(crate) ca: Vec<CertificateDer<'static>>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("subject", &self.subject_cn())
            .field("ca", &self.ca.len())
            .finish()
    }
}

impl Clone for Credentials {
    fn clone(&self) -> Self {
        Credentials {
            chain: self.chain.clone(),
            key: self.key.clone_key(),
            ca: self.ca.clone(),
        }
    }
}

impl Credentials {
    /// `cred_pem` holds the certificate (chain) and its key, `ca_pem` the CA.
    pub fn from_files(cred_pem: &Path, ca_pem: &Path) -> Result<Self, ClientError> {
        Ok(Credentials {
            chain: tls::load_certs(cred_pem)?,
            key: tls::load_key(cred_pem)?,
            ca: tls::load_certs(ca_pem)?,
        })
    }

    /// `<home>/.xcat/client-cred.pem` + `<home>/.xcat/ca.pem`.
    pub fn for_user_home(home: &Path) -> Result<Self, ClientError> {
        let dir = home.join(".xcat");
        Credentials::from_files(&dir.join("client-cred.pem"), &dir.join("ca.pem"))
    }

    /// The CN of the presented certificate (the xCAT user name).
    pub fn subject_cn(&self) -> Option<String> {
        self.chain.first().and_then(|c| tls::subject_cn(c))
    }

    pub fn ca(&self) -> &[CertificateDer<'static>] {
        &self.ca
    }
}

/// Home directory of the effective user from the password database
/// (`getpwuid(geteuid())`), as the stock client uses it.
pub fn effective_home() -> Option<PathBuf> {
    // SAFETY: getpwuid returns a pointer into static storage or NULL; the
    // fields are read at once, before any other passwd call in this thread.
    unsafe {
        let pw = libc::getpwuid(libc::geteuid());
        if pw.is_null() || (*pw).pw_dir.is_null() {
            return None;
        }
        let dir = std::ffi::CStr::from_ptr((*pw).pw_dir);
        Some(PathBuf::from(std::ffi::OsStr::from_bytes(dir.to_bytes())))
    }
}

/// The common name of this host's xcatd certificate: `<confdir>/cert/server-cert.pem`,
/// else the certificate in `server-cred.pem` (the name peers and policy rows know it by).
pub fn server_cert_cn(confdir: &Path) -> Option<String> {
    let dir = confdir.join("cert");
    ["server-cert.pem", "server-cred.pem"].iter().find_map(|f| {
        let certs = tls::load_certs(&dir.join(f)).ok()?;
        certs.first().and_then(tls::subject_cn)
    })
}
