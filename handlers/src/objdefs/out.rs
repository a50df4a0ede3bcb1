//! Response helpers for the object commands: stock MsgUtils shapes (E/W/I),
//! the streamed info output of lsdef (bounded chunks of lines), and the
//! success reports of write commands, held until their transaction commits.

use crate::api::{Aborted, Responder};
use xcat_proto::Response;

/// Lines per streamed response document.
pub const CHUNK_LINES: usize = 1000;

/// Where one command's messages go; remembers whether an error code was sent.
pub struct Out<'a> {
    pub resp: &'a mut dyn Responder,
    pub failed: bool,
    pending: Vec<String>,
    /// Reports of writes, sent only once the transaction has committed.
    after_commit: Vec<Response>,
}

impl<'a> Out<'a> {
    pub fn new(resp: &'a mut dyn Responder) -> Out<'a> {
        Out {
            resp,
            failed: false,
            pending: Vec::new(),
            after_commit: Vec::new(),
        }
    }

    /// Hold a report of a write ("N object definitions have been created
    /// or modified.") until the transaction commits: a command killed or
    /// failed before the commit never claims a write that did not happen.
    pub fn on_commit(&mut self, r: Response) {
        self.after_commit.push(r);
    }

    /// Held success reports as info lines with `numofnodes`.
    pub fn info_count_on_commit(&mut self, line: &str, count: usize) {
        self.on_commit(
            Response::new()
                .info(line)
                .set("numofnodes", count.to_string()),
        );
    }

    /// The transaction committed: send the held reports.
    pub fn committed(&mut self) -> Result<(), Aborted> {
        for r in std::mem::take(&mut self.after_commit) {
            self.resp.send(r)?;
        }
        Ok(())
    }

    /// The transaction was rolled back: the held reports are void.
    pub fn rolled_back(&mut self) {
        self.after_commit.clear();
    }

    /// MsgUtils "E": every line an `error`, plus `errorcode 1`.
    pub fn error<S: AsRef<str>>(&mut self, lines: &[S]) -> Result<(), Aborted> {
        let mut r = Response::new();
        for l in lines {
            r = r.error_text(l.as_ref());
        }
        self.failed = true;
        self.resp.send(r.errorcode(1))
    }

    pub fn error1(&mut self, line: impl AsRef<str>) -> Result<(), Aborted> {
        self.error(&[line.as_ref()])
    }

    /// MsgUtils "W".
    pub fn warning<S: AsRef<str>>(&mut self, lines: &[S]) -> Result<(), Aborted> {
        let mut r = Response::new();
        for l in lines {
            r = r.warning(l.as_ref());
        }
        self.resp.send(r)
    }

    /// MsgUtils "I" (data lines become `info`).
    pub fn info<S: AsRef<str>>(&mut self, lines: &[S]) -> Result<(), Aborted> {
        let mut r = Response::new();
        for l in lines {
            r = r.info(l.as_ref());
        }
        self.resp.send(r)
    }

    /// Info with `numofnodes` (stock final summaries).
    /// mkdef / chdef final failure line (stock's spelling "occured" kept);
    /// marks the command failed so its transaction is rolled back.
    pub fn errors_occurred(&mut self, requested: usize) -> Result<(), Aborted> {
        self.resp.send(
            Response::new()
                .error("One or more errors occured when attempting to create or modify xCAT object definitions.")
                .set("numofnodes", requested.to_string()),
        )?;
        self.failed = true;
        Ok(())
    }

    pub fn info_count(&mut self, line: &str, count: usize) -> Result<(), Aborted> {
        self.resp.send(
            Response::new()
                .info(line)
                .set("numofnodes", count.to_string()),
        )
    }

    pub fn errorcode_only(&mut self) -> Result<(), Aborted> {
        self.failed = true;
        self.resp.send(Response::new().errorcode(1))
    }

    /// Queue one streamed info line; flushes every [`CHUNK_LINES`].
    pub fn line(&mut self, l: String) -> Result<(), Aborted> {
        self.pending.push(l);
        if self.pending.len() >= CHUNK_LINES {
            self.flush(None)?;
        }
        Ok(())
    }

    pub fn has_lines(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Send queued lines (with `numofnodes` on the last document).
    pub fn flush(&mut self, count: Option<usize>) -> Result<(), Aborted> {
        if self.pending.is_empty() && count.is_none() {
            return Ok(());
        }
        let mut r = Response::new();
        for l in self.pending.drain(..) {
            r = r.info(l);
        }
        if let Some(c) = count {
            r = r.set("numofnodes", c.to_string());
        }
        self.resp.send(r)
    }
}

#[cfg(test)]
mod tests {
    use super::Out;
    use xcat_proto::Response;

    #[test]
    fn held_reports_go_out_only_after_the_commit() {
        let mut sent: Vec<Response> = Vec::new();
        let mut out = Out::new(&mut sent);
        out.info_count_on_commit("1 object definitions have been created or modified.", 1);
        out.rolled_back();
        out.committed().expect("send");
        drop(out);
        assert!(sent.is_empty(), "a rolled back write claimed success");

        let mut sent: Vec<Response> = Vec::new();
        let mut out = Out::new(&mut sent);
        out.info(&["before"]).expect("send");
        out.info_count_on_commit("2 object definitions have been created or modified.", 2);
        out.committed().expect("send");
        drop(out);
        assert_eq!(sent.len(), 2);
        assert_eq!(
            sent[1],
            Response::new()
                .info("2 object definitions have been created or modified.")
                .set("numofnodes", "2")
        );
    }
}
