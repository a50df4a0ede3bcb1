//! One simulated call, end to end: take the host lock, load the state, let an armed
//! fault answer or run the command, save the state when it changed, append the call to
//! the log, and print the outcome.

use std::io::Write;

use crate::calllog::{self, CallRecord};
use crate::commands;
use crate::faults::{self, FaultAction};
use crate::outcome::Outcome;
use crate::store::{self, Locked};

/// Runs command `cmd`; `argv` is the full argument vector (argv[0] as invoked).
/// Returns the exit code.
pub fn call(cmd: &str, argv: &[String]) -> i32 {
    match locked_call(cmd, argv) {
        Ok(Some(outcome)) => emit(&outcome),
        Ok(None) => 1,
        Err(problem) => emit(&Outcome::fail(1, format!("nimsim: {problem}"))),
    }
}

fn emit(outcome: &Outcome) -> i32 {
    let _ = std::io::stdout().write_all(outcome.stdout.as_bytes());
    let _ = std::io::stderr().write_all(outcome.stderr.as_bytes());
    outcome.rc
}

/// The call under the host lock; None when a hang fault answered (already reported).
fn locked_call(cmd: &str, argv: &[String]) -> Result<Option<Outcome>, String> {
    let args = argv.get(1..).unwrap_or_default();
    let dir = store::state_dir();
    let mut lock = Locked::acquire(&dir)?;
    let mut state = lock.load()?;
    let mut tag = None;
    if let Some(action) = faults::take(&mut state.faults, cmd, args) {
        lock.save(&state)?;
        match action {
            FaultAction::Fail { rc } => {
                log(&lock, cmd, argv, Some(rc), Some("fail"))?;
                return Ok(Some(Outcome::fail(rc, faults::failure_message(cmd, args))));
            }
            FaultAction::Hang { secs } => {
                log(&lock, cmd, argv, None, Some("hang"))?;
                drop(lock);
                std::thread::sleep(std::time::Duration::from_secs(secs));
                let _ = writeln!(
                    std::io::stderr(),
                    "nimsim: {cmd}: hang fault ended after {secs}s"
                );
                return Ok(None);
            }
            FaultAction::Delay { secs } => {
                drop(lock);
                std::thread::sleep(std::time::Duration::from_secs(secs));
                lock = Locked::acquire(&dir)?;
                state = lock.load()?;
                tag = Some("delay");
            }
        }
    }
    let (outcome, changed) = commands::run(cmd, &mut state, args);
    if changed {
        lock.save(&state)?;
    }
    log(&lock, cmd, argv, Some(outcome.rc), tag)?;
    Ok(Some(outcome))
}

/// Appends the call to the log with the next sequence number.
fn log(
    lock: &Locked,
    cmd: &str,
    argv: &[String],
    rc: Option<i32>,
    fault: Option<&str>,
) -> Result<(), String> {
    let seq = calllog::next_seq(lock.dir())?;
    calllog::append(lock.dir(), &CallRecord::now(seq, cmd, argv, rc, fault))
}
