//! Objdefs-specific test support on top of `common`: databases seeded like
//! a fresh stock management node `vm`, and lsdef/mkdef/chdef/rmdef run the
//! way the stock xcatDBcmds client sends them.
#![allow(dead_code)]

#[path = "../common/mod.rs"]
mod common;

pub use common::*;

use xcat_proto::Request;
use xcat_schema::db::Db;

/// Empty databases, one per backend under test.
pub fn empty_backends() -> Vec<Env> {
    common::backends()
}

/// Databases initialised like a fresh stock management node `vm`.
pub fn backends() -> Vec<Env> {
    let v = empty_backends();
    for e in &v {
        stock_fresh(&e.db);
    }
    v
}

/// The rows a fresh stock xCAT has that the object commands show.
pub fn stock_fresh(db: &Db) {
    db.write(|c| -> Result<(), xcat_schema::db::DbError> {
        for (k, val) in [
            ("master", "10.0.0.1"),
            ("domain", "cluster.net"),
            ("installdir", "/install"),
            ("xcatdport", "3001"),
            ("xcatiport", "3002"),
        ] {
            c.set_attribs("site", &[("key", k)], &[("value", Some(val))])?;
        }
        c.set_attribs(
            "postscripts",
            &[("node", "xcatdefaults")],
            &[
                ("postscripts", Some("syslog,remoteshell,syncfiles")),
                ("postbootscripts", Some("otherpkgs")),
            ],
        )?;
        c.set_attribs(
            "nodelist",
            &[("node", "vm")],
            &[("groups", Some("__mgmtnode"))],
        )?;
        c.set_attribs(
            "servicenode",
            &[("node", "__mgmtnode")],
            &[("tftpserver", Some("yes"))],
        )?;
        Ok(())
    })
    .unwrap();
}

/// Build the request exactly as the stock xcatDBcmds client does (always an
/// `arg` list and a `stdin`, no noderange: the handler expands it itself).
pub fn objdef_request(cmd: &str, args: &[&str], stdin: &str) -> Request {
    let mut r = common::request(cmd, None, &[]);
    r.set_args(args);
    r.set("stdin", stdin);
    r
}

pub fn run_stdin(e: &Env, cmd: &str, args: &[&str], stdin: &str) -> Out {
    assert!(!handler(cmd).wants_expanded_nodes());
    run_req(e, &objdef_request(cmd, args, stdin))
}

pub fn run(e: &Env, cmd: &str, args: &[&str]) -> Out {
    run_stdin(e, cmd, args, "")
}

/// Run and require exit 0.
pub fn ok(e: &Env, cmd: &str, args: &[&str]) -> Out {
    let r = run(e, cmd, args);
    assert_eq!(
        r.exit, 0,
        "[{}] {cmd} {args:?}: {}{}",
        e.label, r.stdout, r.stderr
    );
    r
}

/// A fixture's client stdout/stderr (`[vm]: ` source prefix removed) and exit code.
pub fn fixture_output(name: &str) -> (String, String, i32) {
    let f = fixture_file(name);
    (f.stdout, f.stderr.replace("[vm]: ", ""), f.exit_code)
}
