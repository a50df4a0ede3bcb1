#![cfg(any(debug_assertions, feature = "failpoints"))]
//! All nodes move or none: a failpoint between the first and the last update
//! of the move (an error inside the transaction, and a process abort that
//! stands in for `kill -9`) leaves 0 nodes moved, on SQLite and PostgreSQL.

mod snmove_support;

use snmove_support::{backends, render, Env};
use std::process::Command;
use std::sync::Mutex;
use xcat_handlers::snmove::failpoint::{arm, Failpoint};
use xcat_schema::db::{Db, DbLocation};

/// The failpoint is process-wide: the tests of this file run one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

fn moved(env: &Env) -> usize {
    (1..=20)
        .filter(|i| {
            env.raw("noderes", &format!("cn{i:02}"), "xcatmaster")
                .as_deref()
                == Some("sn2")
        })
        .count()
}

#[test]
fn error_midway_moves_nothing_then_everything() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    for env in backends() {
        env.seed();
        // conserver changes too, so the move has a noderes and a nodehm update.
        env.set("nodehm", &[("node", "cn20")], &[("conserver", Some("sn1"))]);
        arm(Some(Failpoint::Error));
        let p = render(&env.snmove(&["-s", "sn1", "-d", "sn2", "-D", "sn2", "-i"]));
        arm(None);
        assert_eq!(p.exit_code, 1, "{}", env.label);
        assert!(p.stderr.contains("failpoint"), "{}", p.stderr);
        assert_eq!(moved(&env), 0, "{}: rolled back", env.label);
        assert_eq!(
            env.raw("nodehm", "cn20", "conserver").as_deref(),
            Some("sn1")
        );
        assert!(
            env.runner.calls().is_empty(),
            "no action after a failed update"
        );

        let p = render(&env.snmove(&["-s", "sn1", "-d", "sn2", "-D", "sn2", "-i"]));
        assert_eq!(p.exit_code, 0, "{}: {}", env.label, p.stderr);
        assert_eq!(moved(&env), 20);
        assert_eq!(
            env.raw("nodehm", "cn20", "conserver").as_deref(),
            Some("sn2")
        );
    }
}

/// Child side of `killed_midway_moves_nothing`: runs the move with the abort
/// failpoint armed; the process dies inside the transaction.
#[test]
fn child_abort_inside_transaction() {
    let Ok(loc) = std::env::var("SNMOVE_CHILD_DB") else {
        return;
    };
    let location = if loc.starts_with("postgres") {
        DbLocation::Pg { url: loc }
    } else {
        DbLocation::SqliteDir(loc.into())
    };
    let db = Db::open(&location).unwrap();
    let env = snmove_support::Env::attach("child", db);
    arm(Some(Failpoint::Abort));
    let _ = env.snmove(&["-s", "sn1", "-d", "sn2", "-D", "sn2", "-i"]);
    unreachable!("the failpoint aborts the process");
}

#[test]
fn killed_midway_moves_nothing() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    for env in backends() {
        env.seed();
        let loc = env.location_string();
        let out = Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "child_abort_inside_transaction",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("SNMOVE_CHILD_DB", &loc)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{}: the child must die", env.label);
        assert_eq!(
            moved(&env),
            0,
            "{}: nothing committed by the killed process",
            env.label
        );
        let p = render(&env.snmove(&["-s", "sn1", "-d", "sn2", "-D", "sn2", "-i"]));
        assert_eq!(p.exit_code, 0, "{}: {}", env.label, p.stderr);
        assert_eq!(moved(&env), 20);
    }
}
