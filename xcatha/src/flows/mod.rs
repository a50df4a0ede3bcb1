//! The xcatha modes: option checks, then setup ([`setup`]), activate ([`activate`]),
//! deactivate ([`deactivate`]) or their interactive forms ([`interactive`]), with the
//! HA agent's steps ([`handover`]) when an agent configuration is in use; on an error
//! after the VIP was touched, the clean-up that restores the host name and drops the VIP.

pub mod activate;
pub mod deactivate;
pub mod handover;
pub mod interactive;
pub mod pgconf;
pub mod services;
pub mod setup;

use crate::cli::{self, Mode, Options, Parsed};
use crate::dbtype::DbType;
use crate::env::Env;
use crate::exec::{Exec, Style};
use crate::host;
use crate::vip::{self, Vip};
use std::io::Write;

/// Why a mode stopped: the stage (or message) and whether something must be undone.
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub undo: bool,
}

impl Failure {
    /// Nothing was changed yet.
    pub fn early(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            undo: false,
        }
    }

    /// The VIP or the host name may have been changed: clean up.
    pub fn undo(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            undo: true,
        }
    }
}

/// `xcatha ARGS`: returns the exit code (0, 1 on failure, 2 on bad options).
pub fn main(args: &[String], env: &Env, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let (opts, mode) = match cli::parse(args) {
        Ok(Parsed::Run(o, m)) => (o, m),
        Ok(Parsed::Help) => {
            let _ = write!(out, "{}{}", cli::USAGE, cli::HELP);
            return 0;
        }
        Err(e) => {
            let _ = writeln!(err, "{}xcatha: error: {e}", cli::USAGE);
            return 2;
        }
    };
    let mut exec = Exec::new(env, out, opts.dryrun, Style::Xcatha);
    match run_mode(&mut exec, &opts, mode) {
        Ok(code) => code,
        Err(f) => {
            exec.say(&format!("Error: {}", f.message));
            if f.undo {
                exec.say("Error encountered, starting to clean up the environment");
                if let Some(v) = vip_of(&opts) {
                    clean_up(&mut exec, &v);
                }
            }
            1
        }
    }
}

fn run_mode(exec: &mut Exec, o: &Options, mode: Mode) -> Result<i32, Failure> {
    match mode {
        Mode::Setup => {
            let args = setup::SetupArgs::from_options(o).map_err(Failure::early)?;
            exec.say("Setup this node as xCAT HA standby MN");
            setup::setup(exec, &args)?;
            Ok(0)
        }
        Mode::Activate => match (&o.nic, &o.vip, &o.path) {
            (Some(_), Some(_), Some(path)) => {
                let v = parse_vip(o)?;
                exec.say("Activating this node as xCAT primary MN");
                let db = local_db(exec)?;
                activate::activate(exec, &v, path, db, o.host_name.as_deref())?;
                Ok(i32::from(exec.failed))
            }
            _ => interactive::activate(exec, o).map_err(|f| Failure::early(f.message)),
        },
        Mode::Deactivate => {
            let db = local_db(exec)?;
            if o.nic.is_some() && o.vip.is_some() {
                let v = parse_vip(o)?;
                exec.say("Deactivating this node as xCAT standby MN");
                let agent = handover::in_use(exec);
                if agent {
                    handover::deactivate(exec)?;
                }
                deactivate::deactivate(exec, &v, db, None, agent)?;
                Ok(i32::from(exec.failed))
            } else {
                interactive::deactivate(exec, db).map_err(|f| Failure::early(f.message))
            }
        }
    }
}

/// The validated `-v` / `-i` / `-m` values.
pub fn parse_vip(o: &Options) -> Result<Vip, Failure> {
    Vip::parse(
        o.vip.as_deref().unwrap_or(""),
        o.nic.as_deref().unwrap_or(""),
        o.netmask.as_deref().unwrap_or(vip::DEFAULT_MASK),
    )
    .map_err(Failure::early)
}

fn vip_of(o: &Options) -> Option<Vip> {
    parse_vip(o).ok()
}

/// The engine the local `/etc/xcat/cfgloc` names.
pub fn local_db(exec: &Exec) -> Result<DbType, Failure> {
    DbType::of_confdir(&exec.env.path("/etc/xcat")).map_err(Failure::early)
}

/// Restores the physical host name (from the saved `<ip> <host>`) and drops the VIP.
pub fn clean_up(exec: &mut Exec, v: &Vip) {
    restore_hostname(exec, None);
    vip::unconfigure(exec, v);
}

/// Sets the host name back to the physical one: `known`, else the saved one.
pub fn restore_hostname(exec: &mut Exec, known: Option<(String, String)>) {
    match known.or_else(|| host::saved_physical(exec)) {
        Some((ip, name)) => {
            host::change_hostname(exec, &name, &ip);
        }
        None => exec.say("Unable to restore original hostname"),
    }
}
