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
    let lock = Locked::acquire(&store::state_dir())?;
    let mut state = lock.load()?;
    let seq = calllog::next_seq(lock.dir())?;
    if let Some(action) = faults::take(&mut state.faults, cmd, args) {
        lock.save(&state)?;
        return match action {
            FaultAction::Fail { rc } => {
                calllog::append(
                    lock.dir(),
                    &CallRecord::now(seq, cmd, argv, Some(rc), Some("fail")),
                )?;
                Ok(Some(Outcome::fail(rc, faults::failure_message(cmd, args))))
            }
            FaultAction::Hang { secs } => {
                calllog::append(
                    lock.dir(),
                    &CallRecord::now(seq, cmd, argv, None, Some("hang")),
                )?;
                drop(lock);
                std::thread::sleep(std::time::Duration::from_secs(secs));
                let _ = writeln!(
                    std::io::stderr(),
                    "nimsim: {cmd}: hang fault ended after {secs}s"
                );
                Ok(None)
            }
        };
    }
    let (outcome, changed) = commands::run(cmd, &mut state, args);
    if changed {
        lock.save(&state)?;
    }
    calllog::append(
        lock.dir(),
        &CallRecord::now(seq, cmd, argv, Some(outcome.rc), None),
    )?;
    Ok(Some(outcome))
}
