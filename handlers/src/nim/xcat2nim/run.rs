//! What one service node's xcat2nim part works with: its NIM, the options,
//! the `attr=val` pairs, the `"<server>: "` message prefix, and the client
//! channel, with stock's message forms ([info], [E] with error code 1).

use super::options::Options;
use crate::api::{Aborted, Responder};
use crate::nim::cmd::{Nim, Ran};
use crate::nim::validate::Invalid;
use std::collections::BTreeMap;
use xcat_proto::Response;

pub struct Run<'a> {
    pub nim: Nim<'a>,
    pub opts: &'a Options,
    pub attrs: &'a BTreeMap<String, String>,
    /// `"<server>: "`; stock messages read `"<server>:  Text"`.
    pub msgstr: String,
    /// This server's name as messages show it.
    pub sname: String,
    pub out: &'a mut dyn Responder,
}

impl Run<'_> {
    /// With `-V`, stock's `Running command on <server>: <cmd>` [info] line
    /// for each command run so far (sent before any other message).
    pub fn flush_verbose(&mut self) -> Result<(), Aborted> {
        for line in self.nim.take_lines() {
            if self.opts.verbose {
                let text = format!("Running command on {}: {line}", self.sname);
                self.out.send(Response::new().info(text))?;
            }
        }
        Ok(())
    }

    /// [info] lines.
    pub fn info(&mut self, lines: &[String]) -> Result<(), Aborted> {
        self.flush_verbose()?;
        let r = lines.iter().fold(Response::new(), |r, l| r.info(l.clone()));
        self.out.send(r)
    }

    /// [E] lines (one document, error code 1).
    pub fn error(&mut self, lines: &[String]) -> Result<(), Aborted> {
        self.flush_verbose()?;
        let r = lines
            .iter()
            .fold(Response::new(), |r, l| r.error_text(l.clone()));
        self.out.send(r.errorcode(1))
    }

    /// `"<server>:  <text>"` as [E], plus the command's output with `-V`.
    pub fn fail(&mut self, text: &str, ran: Option<&Ran>) -> Result<(), Aborted> {
        let mut lines = vec![format!("{} {text}", self.msgstr)];
        if let (true, Some(r)) = (self.opts.verbose, ran) {
            lines.push(r.text());
        }
        self.error(&lines)
    }

    /// A database value refused before any NIM command ran for its object.
    pub fn invalid(&mut self, e: &Invalid) -> Result<(), Aborted> {
        self.error(&[format!("{} {e}\n", self.msgstr)])
    }
}
