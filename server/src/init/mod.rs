//! `xcatd init`: make what xCAT's setup scripts and `xcatconfig -d -m` make
//! (xCAT-server/sbin/xcatconfig:1651-1770): the CA, the server credential, a client
//! credential, and the seeded database.  Nothing that exists is overwritten
//! without `--force`; the summary says what was kept.
//!
//! Not done (stock does it in other steps): copies of the CA and root's
//! credentials under `<installdir>/postscripts`, the `conserver` user's
//! credential, `/etc/xCATMN` (`lsxcatd -t` reports the node type from
//! `/etc/xCATMN` and `/etc/xCATSN`, which the xCAT packages create).

pub mod credentials;
pub mod defaults;
pub mod host;
pub mod seed;

use credentials::{CaState, ClientTarget, Step};
use host::HostFacts;
use std::path::{Path, PathBuf};
use xcat_schema::db::{Db, DbError, DbLocation};

/// Options of `xcatd init`.
#[derive(Debug, Clone)]
pub struct InitArgs {
    pub confdir: PathBuf,
    pub db: Option<String>,
    pub hostname: Option<String>,
    pub client_user: String,
    pub client_home: Option<PathBuf>,
    pub force: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error("credentials: {0}")]
    Cert(#[from] crate::certs::CertError),
    #[error("database: {0}")]
    Db(#[from] DbError),
    #[error("{0}")]
    Other(String),
}

/// What `init` did, one line per item.
#[derive(Debug, Default, Clone)]
pub struct InitReport {
    pub lines: Vec<String>,
}

/// Run `xcatd init` on this machine and print the summary.
pub fn run(args: &InitArgs) -> Result<(), InitError> {
    let facts = HostFacts::discover(args.hostname.as_deref());
    let report = run_with(args, &facts)?;
    for line in &report.lines {
        println!("{line}");
    }
    Ok(())
}

fn absolute(p: &Path) -> PathBuf {
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    }
}

/// `init` with given host facts (tests use fixed ones).
pub fn run_with(args: &InitArgs, facts: &HostFacts) -> Result<InitReport, InitError> {
    let confdir = absolute(&args.confdir);
    if !confdir.is_dir() {
        crate::certs::fsutil::mkdir_mode(&confdir, 0o755)?;
    }
    let mut report = InitReport::default();
    let target = ClientTarget::resolve(&args.client_user, args.client_home.as_deref())
        .map_err(InitError::Other)?;

    let mut ca = CaState::new(&confdir, facts);
    let ca_step = ca.ensure(args.force)?;
    report.lines.push(ca_step.line("CA"));

    let server_step = credentials::ensure_server(&confdir, &mut ca, facts, args.force)?;
    if matches!(ca_step, Step::Created(_)) && matches!(server_step, Step::Kept(_)) {
        report.lines.push(
            "warning: the kept server credential was not issued by the new CA; \
             run `xcatd init --force` to make a consistent set"
                .into(),
        );
    }
    report.lines.push(server_step.line("server credential"));

    let client_step = credentials::ensure_client(&target, &mut ca, args.force)?;
    report
        .lines
        .push(client_step.line(&format!("client credential for {}", target.user)));

    let loc = DbLocation::resolve(args.db.as_deref(), &confdir)?;
    let db = Db::open(&loc)?;
    let cn = credentials::server_cert_cn(&confdir);
    let confdir_text = confdir.to_string_lossy().to_string();
    let seeded = seed::seed(
        &db,
        &seed::SeedInput {
            facts,
            confdir: &confdir_text,
            mn_cert_cn: cn.as_deref(),
            force: args.force,
        },
    )?;
    report
        .lines
        .push(format!("database: {}", loc.display_redacted()));
    report.lines.extend(seeded.lines);
    Ok(report)
}
