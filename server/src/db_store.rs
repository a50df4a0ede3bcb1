//! [`Store`] on the real xCAT database (`xcat_schema::db`): site, policy,
//! nodelist groups and passwd rows; noderange expansion by the schema crate's
//! noderange engine.

use crate::store::{Expansion, PolicyRow, SiteValues, Store, StoreError, TokenRow};
use std::collections::HashMap;
use xcat_schema::db::{Db, DbError};

pub struct DbStore {
    db: Db,
}

impl DbStore {
    pub fn new(db: Db) -> DbStore {
        DbStore { db }
    }
}

fn err(e: DbError) -> StoreError {
    StoreError(e.to_string())
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
        crate::noderange_bridge::expand(&self.db, range, cwd, allow_files)
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

    fn token(&self, id: &str) -> Result<Option<(String, String)>, StoreError> {
        let rows = self
            .db
            .read(|c| c.select("token", &["username", "expire"], &[("tokenid", id)], true))
            .map_err(err)?;
        Ok(rows.first().and_then(|r| {
            let user = r.first().and_then(val)?;
            Some((user, r.get(1).and_then(val).unwrap_or_default()))
        }))
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
