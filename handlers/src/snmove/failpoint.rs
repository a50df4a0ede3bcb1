//! Test failpoint between the first and the last database update of a move,
//! to prove the all-or-nothing transaction.  Armed by tests through [`arm`]
//! (process-wide) or by the environment variable `XCATD_SNMOVE_FAILPOINT`
//! (`error`: the update fails and rolls back; `abort`: the process dies on the
//! spot, like `kill -9`).  Unarmed it costs one atomic load.
//!
//! It exists only in debug builds and with the cargo feature `failpoints`:
//! a release build has no hook at all (nothing to arm, no variable read).

use crate::api::HandlerError;
use std::sync::atomic::{AtomicU8, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failpoint {
    /// Return an error from inside the transaction.
    Error,
    /// `std::process::abort()` inside the transaction.
    Abort,
}

static ARMED: AtomicU8 = AtomicU8::new(0);

/// Arm (or with `None` disarm) the failpoint for this process (without
/// effect in a release build without the `failpoints` feature).
#[doc(hidden)]
pub fn arm(fp: Option<Failpoint>) {
    let v = match fp {
        None => 0,
        Some(Failpoint::Error) => 1,
        Some(Failpoint::Abort) => 2,
    };
    ARMED.store(v, Ordering::SeqCst);
}

#[cfg(any(debug_assertions, feature = "failpoints"))]
fn armed() -> Option<Failpoint> {
    match ARMED.load(Ordering::SeqCst) {
        1 => Some(Failpoint::Error),
        2 => Some(Failpoint::Abort),
        _ => match std::env::var("XCATD_SNMOVE_FAILPOINT").as_deref() {
            Ok("error") => Some(Failpoint::Error),
            Ok("abort") => Some(Failpoint::Abort),
            _ => None,
        },
    }
}

#[cfg(not(any(debug_assertions, feature = "failpoints")))]
fn armed() -> Option<Failpoint> {
    None
}

/// Called between the updates of one move.
pub fn check() -> Result<(), HandlerError> {
    match armed() {
        None => Ok(()),
        Some(Failpoint::Error) => Err(HandlerError::Message(
            "snmove failpoint: update aborted midway".into(),
        )),
        Some(Failpoint::Abort) => std::process::abort(),
    }
}

#[cfg(all(test, not(any(debug_assertions, feature = "failpoints"))))]
mod tests {
    use super::*;

    /// `cargo test --release -p xcat-handlers --lib`: armed or not, a
    /// release build without the feature has no failpoint.
    #[test]
    fn release_builds_have_no_failpoint() {
        arm(Some(Failpoint::Error));
        std::env::set_var("XCATD_SNMOVE_FAILPOINT", "abort");
        assert!(check().is_ok());
        arm(None);
    }
}
