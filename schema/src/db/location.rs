//! Where the database lives: `--db sqlite-dir:PATH | postgres://…`, the first line of stock's
//! `cfgloc` (`Pg:dbname=x;host=h|user|pw`, `SQLite:/dir`, a bare directory), or the default
//! SQLite directory (the confdir). Also the `lsxcatd -d` lines for our backends.

use super::{DbError, DbLocation};
use std::path::{Path, PathBuf};

const MIGRATE_HINT: &str = "xcatd-rs runs on SQLite (per-table files) or PostgreSQL only. \
To migrate, run dumpxCATdb -p DIR with the stock xcatd, point xcatd-rs at a SQLite \
directory or a PostgreSQL database, then run restorexCATdb -p DIR against xcatd-rs";

impl DbLocation {
    /// Parses a `--db` value: `sqlite-dir:PATH`, `postgres://…` / `postgresql://…`, or a
    /// cfgloc-style value (`SQLite:/dir`, `Pg:…`, a bare directory).
    pub fn parse_url(s: &str) -> Result<DbLocation, DbError> {
        let s = s.trim();
        if let Some(p) = s.strip_prefix("sqlite-dir:") {
            if p.is_empty() {
                return Err(DbError::Config("sqlite-dir: needs a directory".into()));
            }
            return Ok(DbLocation::SqliteDir(PathBuf::from(p)));
        }
        if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            PgUrl::parse(s)?;
            return Ok(DbLocation::Pg { url: s.to_string() });
        }
        DbLocation::from_cfgloc(s)
    }

    /// Parses the first line of stock's `/etc/xcat/cfgloc` (or `XCATCFG`).
    pub fn from_cfgloc(line: &str) -> Result<DbLocation, DbError> {
        let line = line.lines().next().unwrap_or("").trim();
        if line.is_empty() {
            return Err(DbError::Config("empty cfgloc".into()));
        }
        let Some((driver, rest)) = line.split_once(':') else {
            return Ok(DbLocation::SqliteDir(PathBuf::from(line)));
        };
        let driver = driver.strip_prefix("dbi:").unwrap_or(driver);
        match driver {
            "SQLite" => Ok(DbLocation::SqliteDir(PathBuf::from(rest))),
            "Pg" => {
                let mut fields = rest.splitn(3, '|');
                let dsn = fields.next().unwrap_or("");
                let user = fields.next().unwrap_or("");
                let password = fields.next().unwrap_or("");
                let mut url = PgUrl {
                    user: user.to_string(),
                    password: password.to_string(),
                    ..PgUrl::default()
                };
                for kv in dsn.split(';') {
                    let Some((k, v)) = kv.split_once('=') else {
                        continue;
                    };
                    match k.trim() {
                        "dbname" | "database" | "db" => url.dbname = v.trim().to_string(),
                        "host" | "hostaddr" => url.host = v.trim().to_string(),
                        "port" => url.port = v.trim().to_string(),
                        _ => {}
                    }
                }
                Ok(DbLocation::Pg { url: url.to_url() })
            }
            "mysql" | "MySQL" => Err(DbError::Unsupported(format!(
                "the MySQL/MariaDB database of cfgloc ({}) is not supported. {MIGRATE_HINT}",
                redact_cfgloc(line)
            ))),
            "DB2" => Err(DbError::Unsupported(format!(
                "the DB2 database of cfgloc ({}) is not supported. {MIGRATE_HINT}",
                redact_cfgloc(line)
            ))),
            _ => Err(DbError::Unsupported(format!(
                "unsupported database in cfgloc ({}). {MIGRATE_HINT}",
                redact_cfgloc(line)
            ))),
        }
    }

    /// Resolves the location as the daemon does: `--db` if given, else `XCATCFG`, else the
    /// first line of `<confdir>/cfgloc`, else SQLite in `confdir`.
    pub fn resolve(db_arg: Option<&str>, confdir: &Path) -> Result<DbLocation, DbError> {
        if let Some(a) = db_arg {
            return DbLocation::parse_url(a);
        }
        if let Ok(v) = std::env::var("XCATCFG") {
            if !v.trim().is_empty() {
                return DbLocation::from_cfgloc(&v);
            }
        }
        match std::fs::read_to_string(confdir.join("cfgloc")) {
            Ok(text) if !text.trim().is_empty() => DbLocation::from_cfgloc(&text),
            _ => Ok(DbLocation::SqliteDir(confdir.to_path_buf())),
        }
    }

    /// The `lsxcatd -d` lines (xCAT-server/lib/xcat/plugins/tabutils.pm:856-967).
    pub fn describe(&self) -> Vec<String> {
        match self {
            DbLocation::SqliteDir(_) => vec!["dbengine=SQLite".to_string()],
            DbLocation::Pg { url } => {
                let u = PgUrl::parse(url).unwrap_or_default();
                let mut dsn = format!("dbname={}", u.dbname);
                if !u.host.is_empty() {
                    dsn.push_str(&format!(";host={}", u.host));
                }
                if !u.port.is_empty() {
                    dsn.push_str(&format!(";port={}", u.port));
                }
                vec![
                    format!("cfgloc=Pg:{dsn}|{}", u.user),
                    "dbengine=Pg".to_string(),
                    format!("dbname={}", u.dbname),
                    format!("dbhost={}", u.host),
                    format!("dbadmin={}", u.user),
                ]
            }
        }
    }

    /// A printable form without password.
    pub fn display_redacted(&self) -> String {
        match self {
            DbLocation::SqliteDir(p) => format!("sqlite-dir:{}", p.display()),
            DbLocation::Pg { url } => {
                let mut u = PgUrl::parse(url).unwrap_or_default();
                if !u.password.is_empty() {
                    u.password = "***".into();
                }
                u.to_url()
            }
        }
    }
}

/// The first two `|` fields of a cfgloc line (the password is never shown).
fn redact_cfgloc(line: &str) -> String {
    line.splitn(3, '|').take(2).collect::<Vec<_>>().join("|")
}

/// The parts of a `postgres://user:pw@host:port/dbname?params` URL we need.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct PgUrl {
    pub user: String,
    pub password: String,
    pub host: String,
    pub port: String,
    pub dbname: String,
    pub params: String,
}

impl PgUrl {
    pub(crate) fn parse(s: &str) -> Result<PgUrl, DbError> {
        let rest = s
            .strip_prefix("postgres://")
            .or_else(|| s.strip_prefix("postgresql://"))
            .ok_or_else(|| DbError::Config(format!("not a postgres URL: {s}")))?;
        let (rest, params) = rest.split_once('?').unwrap_or((rest, ""));
        let (auth_host, dbname) = rest.split_once('/').unwrap_or((rest, ""));
        let (auth, hostport) = match auth_host.rsplit_once('@') {
            Some((a, h)) => (a, h),
            None => ("", auth_host),
        };
        let (user, password) = auth.split_once(':').unwrap_or((auth, ""));
        let (host, port) = if hostport.starts_with('[') {
            match hostport.split_once("]:") {
                Some((h, p)) => (format!("{h}]"), p.to_string()),
                None => (hostport.to_string(), String::new()),
            }
        } else {
            match hostport.rsplit_once(':') {
                Some((h, p)) => (h.to_string(), p.to_string()),
                None => (hostport.to_string(), String::new()),
            }
        };
        Ok(PgUrl {
            user: pct_decode(user),
            password: pct_decode(password),
            host: pct_decode(&host),
            port,
            dbname: pct_decode(dbname),
            params: params.to_string(),
        })
    }

    pub(crate) fn to_url(&self) -> String {
        let mut s = String::from("postgres://");
        if !self.user.is_empty() {
            s.push_str(&pct_encode(&self.user));
            if !self.password.is_empty() {
                s.push(':');
                s.push_str(&pct_encode(&self.password));
            }
            s.push('@');
        }
        if self.host.starts_with('[') {
            s.push_str(&self.host);
        } else {
            s.push_str(&pct_encode(&self.host));
        }
        if !self.port.is_empty() {
            s.push(':');
            s.push_str(&self.port);
        }
        s.push('/');
        s.push_str(&pct_encode(&self.dbname));
        if !self.params.is_empty() {
            s.push('?');
            s.push_str(&self.params);
        }
        s
    }
}

fn pct_encode(s: &str) -> String {
    let mut o = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            o.push(b as char);
        } else {
            o.push_str(&format!("%{b:02X}"));
        }
    }
    o
}

fn pct_decode(s: &str) -> String {
    fn hex(b: u8) -> Option<u8> {
        (b as char).to_digit(16).map(|d| d as u8)
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            ) {
                out.push(h * 16 + l);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cfgloc_forms() {
        assert_eq!(
            DbLocation::from_cfgloc("/etc/xcat\n").unwrap(),
            DbLocation::SqliteDir("/etc/xcat".into())
        );
        assert_eq!(
            DbLocation::from_cfgloc("SQLite:/opt/xcat/cfg").unwrap(),
            DbLocation::SqliteDir("/opt/xcat/cfg".into())
        );
        let pg = DbLocation::from_cfgloc("Pg:dbname=xcatdb;host=10.0.0.1|xcatadm|s3c:r@t").unwrap();
        assert_eq!(
            pg,
            DbLocation::Pg {
                url: "postgres://xcatadm:s3c%3Ar%40t@10.0.0.1/xcatdb".into()
            }
        );
        assert_eq!(
            pg.describe(),
            vec![
                "cfgloc=Pg:dbname=xcatdb;host=10.0.0.1|xcatadm",
                "dbengine=Pg",
                "dbname=xcatdb",
                "dbhost=10.0.0.1",
                "dbadmin=xcatadm"
            ]
        );
        let u = PgUrl::parse("postgres://xcatadm:s3c%3Ar%40t@10.0.0.1/xcatdb").unwrap();
        assert_eq!(u.password, "s3c:r@t");
        let e = DbLocation::from_cfgloc("mysql:dbname=xcatdb;host=h|xcatadmin|secret").unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("dumpxCATdb") && msg.contains("restorexCATdb"),
            "{msg}"
        );
        assert!(!msg.contains("secret"));
        assert!(DbLocation::from_cfgloc("DB2:xcatdb|xcatdb|pw").is_err());
        assert_eq!(
            DbLocation::parse_url("sqlite-dir:/tmp/x").unwrap(),
            DbLocation::SqliteDir("/tmp/x".into())
        );
        assert_eq!(
            DbLocation::SqliteDir("/x".into()).describe(),
            vec!["dbengine=SQLite".to_string()]
        );
    }
}
