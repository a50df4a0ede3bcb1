//! The three credentials of `xcatd init`, each created only when missing
//! (or with `--force`), laid out as the stock setup scripts lay them out:
//!
//! * `<confdir>/ca/`: the CA directory (see [`crate::certs::CaDir`]);
//! * `<confdir>/cert/` (0700): `server-key.pem`, `server-cert.pem`,
//!   `server-cred.pem` (cert + key), `ca.pem`, all 0600 (the stock script
//!   runs under umask 077);
//! * `<home>/.xcat/` (0755): `client-key.pem`, `client-cert.pem`,
//!   `client-cred.pem` (0600), `ca.pem` (0644), owned by the user when we
//!   run as root and the user exists.

use super::host::HostFacts;
use crate::certs::{fsutil, Authority, CaDir, CertError};
use std::path::{Path, PathBuf};

/// Outcome of one credential step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Created(PathBuf),
    Kept(PathBuf),
}

impl Step {
    pub fn line(&self, what: &str) -> String {
        match self {
            Step::Created(p) => format!("{what}: created {}", p.display()),
            Step::Kept(p) => format!(
                "{what}: {} exists, kept (use --force to regenerate)",
                p.display()
            ),
        }
    }
}

pub const CA_NAME: &str = "xCAT CA";

/// Lazily loaded CA (loading costs a signature; not needed when all is kept).
pub struct CaState {
    dir: PathBuf,
    alt_names: Vec<String>,
    loaded: Option<Authority>,
}

impl CaState {
    pub fn new(confdir: &Path, facts: &HostFacts) -> CaState {
        CaState {
            dir: confdir.join("ca"),
            alt_names: vec![facts.long_name.clone(), facts.short_name.clone()],
            loaded: None,
        }
    }

    /// Make the CA unless it exists (or `force`).
    pub fn ensure(&mut self, force: bool) -> Result<Step, CertError> {
        let dir = CaDir::new(&self.dir);
        if dir.exists() && !force {
            return Ok(Step::Kept(dir.cert_path()));
        }
        if force && self.dir.exists() {
            // Stock setup-xcat-ca.sh removes the whole CA directory too.
            std::fs::remove_dir_all(&self.dir).map_err(|e| CertError::Io {
                path: self.dir.clone(),
                source: e,
            })?;
        }
        let names: Vec<&str> = self.alt_names.iter().map(String::as_str).collect();
        dir.prepare(&names)?;
        let cert_path = dir.cert_path();
        self.loaded = Some(Authority::create(dir, CA_NAME)?);
        Ok(Step::Created(cert_path))
    }

    pub fn authority(&mut self) -> Result<&Authority, CertError> {
        if self.loaded.is_none() {
            self.loaded = Some(Authority::load(CaDir::new(&self.dir))?);
        }
        match &self.loaded {
            Some(a) => Ok(a),
            None => Err(CertError::Parse("CA not available".into())),
        }
    }

    pub fn cert_pem(&self) -> Result<String, CertError> {
        fsutil::read_to_string(&CaDir::new(&self.dir).cert_path())
    }
}

/// Server credential in `<confdir>/cert`.
pub fn ensure_server(
    confdir: &Path,
    ca: &mut CaState,
    facts: &HostFacts,
    force: bool,
) -> Result<Step, CertError> {
    let dir = confdir.join("cert");
    let cred = dir.join("server-cred.pem");
    if cred.is_file() && !force {
        if !dir.join("ca.pem").exists() {
            fsutil::write_mode(&dir.join("ca.pem"), ca.cert_pem()?.as_bytes(), 0o600)?;
        }
        return Ok(Step::Kept(cred));
    }
    let issued =
        ca.authority()?
            .issue_server(&facts.hostname, &facts.long_name, &facts.short_name)?;
    fsutil::mkdir_mode(&dir, 0o700)?;
    fsutil::write_mode(
        &dir.join("server-key.pem"),
        issued.key.pem().as_bytes(),
        0o600,
    )?;
    fsutil::write_mode(
        &dir.join("server-cert.pem"),
        issued.cert_pem.as_bytes(),
        0o600,
    )?;
    fsutil::write_mode(&cred, issued.cred_pem().as_bytes(), 0o600)?;
    fsutil::write_mode(&dir.join("ca.pem"), ca.cert_pem()?.as_bytes(), 0o600)?;
    Ok(Step::Created(cred))
}

/// CN of the server certificate in `<confdir>/cert`, if there is one.
pub fn server_cert_cn(confdir: &Path) -> Option<String> {
    xcat_net::creds::server_cert_cn(confdir)
}

/// Where a user's credentials go, and who should own them.
pub struct ClientTarget {
    pub user: String,
    pub dir: PathBuf,
    /// uid/gid to chown to (set when running as root and the user exists).
    pub owner: Option<(u32, u32)>,
}

impl ClientTarget {
    pub fn resolve(user: &str, home: Option<&Path>) -> Result<ClientTarget, String> {
        let entry = nix::unistd::User::from_name(user).ok().flatten();
        let home = match (home, &entry) {
            (Some(h), _) => h.to_path_buf(),
            (None, Some(e)) => e.dir.clone(),
            (None, None) => {
                return Err(format!(
                    "user {user} does not exist; give its home directory with --client-home"
                ))
            }
        };
        let owner = match &entry {
            Some(e) if nix::unistd::geteuid().is_root() => Some((e.uid.as_raw(), e.gid.as_raw())),
            _ => None,
        };
        Ok(ClientTarget {
            user: user.to_string(),
            dir: home.join(".xcat"),
            owner,
        })
    }
}

/// Client credential in `<home>/.xcat`.
pub fn ensure_client(
    target: &ClientTarget,
    ca: &mut CaState,
    force: bool,
) -> Result<Step, CertError> {
    let dir = &target.dir;
    let cred = dir.join("client-cred.pem");
    if cred.is_file() && !force {
        return Ok(Step::Kept(cred));
    }
    let issued = ca.authority()?.issue_client(&target.user)?;
    fsutil::mkdir_mode(dir, 0o755)?;
    fsutil::write_mode(
        &dir.join("client-key.pem"),
        issued.key.pem().as_bytes(),
        0o600,
    )?;
    fsutil::write_mode(
        &dir.join("client-cert.pem"),
        issued.cert_pem.as_bytes(),
        0o600,
    )?;
    fsutil::write_mode(&cred, issued.cred_pem().as_bytes(), 0o600)?;
    fsutil::write_mode(&dir.join("ca.pem"), ca.cert_pem()?.as_bytes(), 0o644)?;
    if let Some((uid, gid)) = target.owner {
        fsutil::chown_tree(dir, uid, gid)?;
    }
    Ok(Step::Created(cred))
}
