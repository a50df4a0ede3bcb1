//! What one service node's xcat2nim part works with: its NIM, the options,
//! the `attr=val` pairs, the `"<server>: "` message prefix, and the client
//! channel ([`Reply`], the message forms every NIM command shares).

use super::options::Options;
use crate::api::Aborted;
use crate::nim::cmd::{Nim, Ran};
use crate::nim::model::Reply;
use crate::nim::validate::Invalid;
use std::collections::BTreeMap;

pub struct Run<'a> {
    pub nim: Nim<'a>,
    pub opts: &'a Options,
    pub attrs: &'a BTreeMap<String, String>,
    /// `"<server>: "`; stock messages read `"<server>:  Text"`.
    pub msgstr: String,
    /// This server's name as messages show it.
    pub sname: String,
    pub reply: Reply<'a>,
}

impl Run<'_> {
    /// With `-V`, stock's `Running command on <server>: <cmd>` [info] line
    /// for each command run so far (sent before any other message).
    pub fn flush_verbose(&mut self) -> Result<(), Aborted> {
        self.reply.commands(&self.nim, &self.sname)
    }

    /// [info] lines.
    pub fn info(&mut self, lines: &[String]) -> Result<(), Aborted> {
        self.flush_verbose()?;
        self.reply.info_lines(lines)
    }

    /// [E] lines (one document, error code 1).
    pub fn error(&mut self, lines: &[String]) -> Result<(), Aborted> {
        self.flush_verbose()?;
        self.reply.error_lines(lines)
    }

    /// `"<server>:  <text>"` as [E], plus the command's output with `-V`.
    pub fn fail(&mut self, text: &str, ran: Option<&Ran>) -> Result<(), Aborted> {
        self.flush_verbose()?;
        let text = format!("{} {text}", self.msgstr);
        self.reply.failed(text, ran)
    }

    /// A database value refused before any NIM command ran for its object.
    pub fn invalid(&mut self, e: &Invalid) -> Result<(), Aborted> {
        self.error(&[format!("{} {e}\n", self.msgstr)])
    }
}
