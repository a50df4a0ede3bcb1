//! The database engine of a site: `-t postgresql|sqlite`, or what `/etc/xcat/cfgloc`
//! says (a `Pg:` line is PostgreSQL, no cfgloc is SQLite; MySQL/MariaDB is refused as
//! xcatd-rs does not run on it).

use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbType {
    Postgresql,
    Sqlite,
}

impl DbType {
    /// `-t` value.
    pub fn parse(s: &str) -> Option<DbType> {
        match s {
            "postgresql" => Some(DbType::Postgresql),
            "sqlite" => Some(DbType::Sqlite),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            DbType::Postgresql => "postgresql",
            DbType::Sqlite => "sqlite",
        }
    }

    /// The database service, if the engine has one.
    pub fn unit(self) -> Option<&'static str> {
        match self {
            DbType::Postgresql => Some("postgresql"),
            DbType::Sqlite => None,
        }
    }

    /// The engine of the cfgloc in `confdir` (the local `/etc/xcat` or the shared copy).
    pub fn of_confdir(confdir: &Path) -> Result<DbType, String> {
        let Ok(text) = std::fs::read_to_string(confdir.join("cfgloc")) else {
            return Ok(DbType::Sqlite);
        };
        let first = text.lines().next().unwrap_or("").trim();
        let Some((driver, _)) = first.split_once(':') else {
            return Ok(DbType::Sqlite);
        };
        match driver.strip_prefix("dbi:").unwrap_or(driver) {
            "Pg" => Ok(DbType::Postgresql),
            "SQLite" => Ok(DbType::Sqlite),
            "mysql" => Err("MySQL/MariaDB is not supported by xcatd-rs (cfgloc says mysql)".into()),
            other => Err(format!("unsupported database in cfgloc: {other}")),
        }
    }
}
