//! Test support for the inheritance / noderange tests: a row fixture that is
//! loaded into in-memory tables, a fresh SQLite directory and, when
//! `XCATD_TEST_PG_URL` is set (scripts/with-postgres), a fresh PostgreSQL
//! database; every check runs on all of them.
#![allow(dead_code)]

#[path = "../storage_support/mod.rs"]
mod storage_support;

use xcat_schema::db::DbError;
use xcat_schema::inherit::{MemTables, RowSource};

/// Rows to load, in order.
#[derive(Default, Clone)]
pub struct Fixture {
    rows: Vec<(String, Vec<(String, String)>)>,
}

impl Fixture {
    pub fn new() -> Fixture {
        Fixture::default()
    }

    pub fn add(&mut self, table: &str, values: &[(&str, &str)]) -> &mut Self {
        let vals = values
            .iter()
            .map(|(c, v)| (c.to_string(), v.to_string()))
            .collect();
        self.rows.push((table.to_string(), vals));
        self
    }

    pub fn mem(&self) -> MemTables {
        let mut m = MemTables::new();
        for (t, vals) in &self.rows {
            let v: Vec<(&str, &str)> = vals.iter().map(|(c, v)| (c.as_str(), v.as_str())).collect();
            m.add(t, &v);
        }
        m
    }

    /// Runs `check(backend label, source)` on memory, SQLite and (if
    /// configured) PostgreSQL, each loaded with the fixture.
    pub fn run(&self, check: impl Fn(&str, &mut dyn RowSource)) {
        let mut m = self.mem();
        check("memory", &mut m);
        for tdb in storage_support::backends() {
            let db = tdb.open();
            db.write(|c| {
                for (t, vals) in &self.rows {
                    let cols: Vec<&str> = vals.iter().map(|(c, _)| c.as_str()).collect();
                    let values: Vec<Option<&str>> =
                        vals.iter().map(|(_, v)| Some(v.as_str())).collect();
                    c.insert(t, &cols, &values)?;
                }
                Ok::<_, DbError>(())
            })
            .unwrap_or_else(|e| panic!("{}: load failed: {e}", tdb.label));
            db.read(|c| {
                check(tdb.label, c);
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{}: read failed: {e}", tdb.label));
        }
    }
}
