//! The client channel of one server's part of a NIM node command
//! (`rmdsklsnode`, `nimnodeset`), with stock's message forms: [info], [E]
//! documents of several lines with error code 1, `-V` only lines, and the
//! verbose `Running command on <server>: <cmd>` lines of stock's `runcmd`
//! (perl-xCAT/xCAT/Utils.pm:1060) for the NIM commands run.

use crate::api::{Aborted, Responder};
use crate::nim::cmd::Nim;
use xcat_proto::Response;

/// The client channel with stock's message forms, and the verbose
/// `Running command on <server>: <cmd>` lines of stock's `runcmd`.
pub struct Say<'a> {
    pub out: &'a mut dyn Responder,
    pub verbose: bool,
    /// This server's name (verbose command lines).
    pub sname: String,
}

impl Say<'_> {
    /// With `-V`, one [info] per command run since the last call.
    pub fn commands(&mut self, nim: &Nim) -> Result<(), Aborted> {
        for line in nim.take_lines() {
            if self.verbose {
                let text = format!("Running command on {}: {line}\n", self.sname);
                self.out.send(Response::new().info(text))?;
            }
        }
        Ok(())
    }

    pub fn info(&mut self, text: impl Into<String>) -> Result<(), Aborted> {
        self.out.send(Response::new().info(text))
    }

    pub fn verbose(&mut self, text: impl Into<String>) -> Result<(), Aborted> {
        if self.verbose {
            self.info(text)?;
        }
        Ok(())
    }

    /// One [E] document of these lines, error code 1.
    pub fn error(&mut self, lines: &[String]) -> Result<(), Aborted> {
        let r = lines
            .iter()
            .fold(Response::new(), |r, l| r.error_text(l.clone()));
        self.out.send(r.errorcode(1))
    }
}
