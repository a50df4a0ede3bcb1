//! The interactive forms: `xcatha -a` without `-i`/`-v`/`-p` and `xcatha -d` without
//! `-i`/`-v` list what they will do and ask `Continue? [[Y]es/[N]o/[D]ryrun]:` (or
//! `[[Y]es/[N]o]:`) on standard input, one answer a line.  No clean-up on errors here.

use super::{services, Failure};
use crate::cli::Options;
use crate::dbtype::DbType;
use crate::exec::Exec;
use crate::{host, shared};

pub const ASK_YN: &str = "Continue? [[Y]es/[N]o]:";
pub const ASK_YND: &str = "Continue? [[Y]es/[N]o/[D]ryrun]:";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Yes,
    No,
    Dryrun,
}

/// Prints the prompt and reads answers: `Y`/`Yes`, `N`/`No`, `D`/`Dryrun` (only with
/// `dryrun_allowed`).  Anything else repeats the prompt, five times at most; then, or at
/// the end of input, the answer is No.
pub fn ask(exec: &mut Exec, dryrun_allowed: bool) -> Answer {
    let prompt = if dryrun_allowed { ASK_YND } else { ASK_YN };
    exec.say(prompt);
    for _ in 0..5 {
        let Some(line) = exec.env.read_line() else {
            exec.say("No answer on standard input.");
            return Answer::No;
        };
        match line.trim() {
            "Y" | "Yes" => return Answer::Yes,
            "N" | "No" => return Answer::No,
            "D" | "Dryrun" if dryrun_allowed => return Answer::Dryrun,
            _ => exec.say(prompt),
        }
    }
    Answer::No
}

/// Asks; `Dryrun` switches the rest of the run to a dry run, `No` ends it (exit 1).
fn confirm(exec: &mut Exec, dryrun_allowed: bool) -> Result<(), i32> {
    match ask(exec, dryrun_allowed) {
        Answer::Yes => Ok(()),
        Answer::Dryrun => {
            exec.dryrun = true;
            Ok(())
        }
        Answer::No => {
            exec.say("Do nothing, exiting...");
            Err(1)
        }
    }
}

fn list(exec: &mut Exec, title: &str, items: &[&str]) {
    exec.say(title);
    for i in items {
        exec.say(&format!("... {i}"));
    }
}

/// `xcatha -d`: stop, then disable, each after a confirmation.
pub fn deactivate(exec: &mut Exec, db: DbType) -> Result<i32, Failure> {
    let agent = super::handover::in_use(exec);
    let reversed: Vec<&str> = services::service_list(db).into_iter().rev().collect();
    list(exec, "[xCAT] Shutting down services:", &reversed);
    if let Err(code) = confirm(exec, true) {
        return Ok(code);
    }
    if agent {
        super::handover::deactivate(exec)?;
    }
    services::stop_all(exec, db, agent);
    list(
        exec,
        "[xCAT] Disabling services from starting on reboot:",
        &reversed,
    );
    if let Err(code) = confirm(exec, true) {
        return Ok(code);
    }
    services::disable_all(exec, db, agent);
    exec.say(super::deactivate::STANDBY_DONE);
    Ok(i32::from(exec.failed))
}

/// `xcatha -a`: the admin confirms the VIP and the shared storage, then the services
/// start in order.
pub fn activate(exec: &mut Exec, o: &Options) -> Result<i32, Failure> {
    let db = match o.dbtype {
        Some(t) => t,
        None => super::local_db(exec)?,
    };
    let vip = match &o.vip {
        Some(v) => v.clone(),
        None => host::current_hostname(exec)
            .and_then(|n| host::address_of(exec, &n))
            .unwrap_or_default(),
    };
    exec.say(&format!(
        "[Admin] Verify VIP {vip} is configured on this node"
    ));
    if let Err(code) = confirm(exec, false) {
        return Ok(code);
    }
    list(
        exec,
        "[Admin] Verify that the following is configured to be saved in shared storage and accessible from this node:",
        &shared::shared_dirs(db),
    );
    if let Err(code) = confirm(exec, false) {
        return Ok(code);
    }
    list(
        exec,
        "[xCAT] Starting up services:",
        &services::service_list(db),
    );
    if let Err(code) = confirm(exec, true) {
        return Ok(code);
    }
    let name = host::short_name_of(exec, &vip).unwrap_or_default();
    let agent = super::handover::in_use(exec);
    services::start_all(exec, db, &name, agent)?;
    exec.say("This machine is set to primary management node successfully...");
    Ok(i32::from(exec.failed))
}
