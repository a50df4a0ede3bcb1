//! Table-command test support on top of `common`: running a table command
//! with the noderange already expanded by the test, success-without-output
//! checks, seeding/reading rows with plain inserts and selects, and the
//! resolution oracle.
#![allow(dead_code)]

#[path = "../common/mod.rs"]
mod common;

pub use common::*;

/// Independent second implementation of node attribute resolution
/// (owned by the tables_resolve work).
pub mod resolve_oracle;

use xcat_proto::Response;

/// The documents rendered as the client would show them.
pub fn render(docs: Vec<Response>) -> Out {
    output(docs)
}

pub fn run(env: &Env, cmd: &str, nodes: Option<&[&str]>, args: &[&str]) -> Out {
    run_req(env, &request(cmd, nodes, args))
}

/// Run and insist on success with no output.
pub fn ok(env: &Env, cmd: &str, nodes: Option<&[&str]>, args: &[&str]) {
    let o = run(env, cmd, nodes, args);
    assert_eq!(
        (o.stdout.as_str(), o.stderr.as_str(), o.exit),
        ("", "", 0),
        "{} {cmd} {args:?}",
        env.label
    );
}

/// Insert rows with plain inserts (test seeding); `""` is stored as NULL.
pub fn seed(env: &Env, table: &str, cols: &[&str], rows: &[&[&str]]) {
    env.db
        .write(|c| -> Result<(), xcat_schema::db::DbError> {
            for r in rows {
                let vals: Vec<Option<&str>> = r
                    .iter()
                    .map(|v| if v.is_empty() { None } else { Some(*v) })
                    .collect();
                c.insert(table, cols, &vals)?;
            }
            Ok(())
        })
        .unwrap();
}

/// Rows of a table with plain reads.
pub fn rows(env: &Env, table: &str, cols: &[&str]) -> Vec<Vec<Option<String>>> {
    env.db.read(|c| c.select(table, cols, &[], false)).unwrap()
}
