//! [`Store`] on the real xCAT database (`xcat_schema::db`): site, policy,
//! nodelist groups and passwd rows; noderange expansion by the schema crate's
//! noderange engine.

use crate::store::{
    Expansion, NetworkRow, PolicyRow, RangeOpts, SiteValues, Store, StoreError, TokenCandidate,
    TokenRow,
};
use std::collections::HashMap;
use xcat_schema::db::{Db, DbError, FilterOp};

pub struct DbStore {
    db: Db,
}

impl DbStore {
    pub fn new(db: Db) -> DbStore {
        DbStore { db }
    }
}

fn err(e: DbError) -> StoreError {
    StoreError::Database(e.to_string())
}

fn val(v: &Option<String>) -> Option<String> {
    v.clone().filter(|s| !s.is_empty())
}

impl Store for DbStore {
    fn site(&self) -> Result<SiteValues, StoreError> {
        let rows = self
            .db
            .read(|c| c.select("site", &["key", "value"], &[], true))
            .map_err(err)?;
        let mut out = HashMap::new();
        for r in rows {
            if let (Some(Some(k)), Some(v)) = (r.first(), r.get(1).and_then(val)) {
                out.insert(k.clone(), v);
            }
        }
        Ok(out)
    }

    fn policy(&self) -> Result<Vec<PolicyRow>, StoreError> {
        let cols = [
            "priority",
            "name",
            "host",
            "commands",
            "noderange",
            "parameters",
            "rule",
        ];
        let rows = self
            .db
            .read(|c| c.select("policy", &cols, &[], true))
            .map_err(err)?;
        Ok(rows
            .iter()
            .map(|r| {
                let g = |i: usize| r.get(i).and_then(val);
                PolicyRow {
                    priority: g(0),
                    name: g(1),
                    host: g(2),
                    commands: g(3),
                    noderange: g(4),
                    parameters: g(5),
                    rule: g(6),
                }
            })
            .collect())
    }

    fn expand(
        &self,
        range: &str,
        cwd: Option<&str>,
        allow_files: bool,
    ) -> Result<Expansion, StoreError> {
        let opts = RangeOpts {
            cwd: cwd.map(std::path::PathBuf::from),
            allow_files,
            ..RangeOpts::default()
        };
        self.expand_with(range, &opts)
    }

    fn expand_with(&self, range: &str, opts: &RangeOpts) -> Result<Expansion, StoreError> {
        crate::noderange_bridge::expand(&self.db, range, opts)
    }

    fn networks(&self) -> Result<Vec<NetworkRow>, StoreError> {
        let rows = self
            .db
            .read(|c| c.select("networks", &["net", "mask", "domain"], &[], true))
            .map_err(err)?;
        Ok(rows
            .iter()
            .map(|r| NetworkRow {
                net: r.first().and_then(val),
                mask: r.get(1).and_then(val),
                domain: r.get(2).and_then(val),
            })
            .collect())
    }

    fn groups_of(&self, nodes: &[String]) -> Result<Vec<String>, StoreError> {
        let rows = self
            .db
            .read(|c| c.select("nodelist", &["node", "groups"], &[], true))
            .map_err(err)?;
        let mut out: Vec<String> = Vec::new();
        for r in rows {
            let (Some(Some(node)), Some(groups)) = (r.first(), r.get(1).and_then(val)) else {
                continue;
            };
            if !nodes.contains(node) {
                continue;
            }
            for g in groups.split(',').map(str::trim).filter(|g| !g.is_empty()) {
                if !out.iter().any(|o| o == g) {
                    out.push(g.to_string());
                }
            }
        }
        out.sort();
        Ok(out)
    }

    fn xcat_password(&self, user: &str) -> Result<Option<String>, StoreError> {
        let rows = self
            .db
            .read(|c| {
                c.select(
                    "passwd",
                    &["password"],
                    &[("key", "xcat"), ("username", user)],
                    true,
                )
            })
            .map_err(err)?;
        Ok(rows.first().and_then(|r| r.first()).and_then(val))
    }

    fn db(&self) -> Option<Db> {
        Some(self.db.clone())
    }

    /// Rows whose id starts with `selector` (a short, non-secret prefix of
    /// hex digits and dashes: no LIKE wildcard can reach the query).
    fn tokens_by_selector(&self, selector: &str) -> Result<Vec<TokenCandidate>, StoreError> {
        let pattern = format!("{selector}%");
        let filters = [("tokenid", FilterOp::Like, pattern.as_str())];
        let rows = self
            .db
            .read(|c| {
                c.select_filtered("token", &["tokenid", "username", "expire"], &filters, true)
            })
            .map_err(err)?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                Some(TokenCandidate {
                    tokenid: r.first().and_then(val)?,
                    username: r.get(1).and_then(val)?,
                    expire: r.get(2).and_then(val).unwrap_or_default(),
                })
            })
            .collect())
    }

    /// Only the fields that are set are written (a use updates `access` only).
    fn put_token(&self, row: &TokenRow) -> Result<(), StoreError> {
        let mut values: Vec<(&str, Option<&str>)> = vec![
            ("username", Some(row.username.as_str())),
            ("expire", Some(row.expire.as_str())),
        ];
        if let Some(c) = row.created.as_deref() {
            values.push(("created", Some(c)));
        }
        if let Some(a) = row.access.as_deref() {
            values.push(("access", Some(a)));
        }
        self.db
            .write(|c| c.set_attribs("token", &[("tokenid", row.tokenid.as_str())], &values))
            .map_err(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use xcat_schema::db::DbLocation;

    #[test]
    fn networks_rows_skip_disabled_ones() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&DbLocation::SqliteDir(dir.path().to_path_buf())).unwrap();
        db.write(|c| {
            let cols = ["netname", "net", "mask", "domain", "disable"];
            c.insert(
                "networks",
                &cols,
                &[
                    Some("mgmt"),
                    Some("10.1.0.0"),
                    Some("255.255.0.0"),
                    Some("mgmt.example"),
                    None,
                ],
            )?;
            c.insert(
                "networks",
                &cols,
                &[
                    Some("old"),
                    Some("10.2.0.0"),
                    Some("/16"),
                    Some(""),
                    Some("1"),
                ],
            )?;
            Ok::<(), DbError>(())
        })
        .unwrap();
        let rows = DbStore::new(db).networks().unwrap();
        assert_eq!(
            rows,
            vec![NetworkRow {
                net: Some("10.1.0.0".into()),
                mask: Some("255.255.0.0".into()),
                domain: Some("mgmt.example".into()),
            }]
        );
    }
}
