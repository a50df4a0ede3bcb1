//! Streaming output for the table commands: data lines and node entries are
//! collected into bounded `<xcatresponse>` documents (at most [`CHUNK`]
//! elements each) and sent as soon as a document is full, so a dump of a big
//! table or `nodels` of 10,000 nodes never sits whole in memory.  Also the
//! small one-document helpers (usage text, errors, version line).

use crate::api::{Aborted, Ctx, Responder};
use xcat_proto::response::NodeEntry;
use xcat_proto::Response;

/// Elements per response document.
pub const CHUNK: usize = 1000;

/// Collects `data` lines or `node` entries and sends them in bounded documents.
pub struct Chunked<'a> {
    out: &'a mut dyn Responder,
    current: Response,
    count: usize,
    sent_any: bool,
}

impl<'a> Chunked<'a> {
    pub fn new(out: &'a mut dyn Responder) -> Chunked<'a> {
        Chunked {
            out,
            current: Response::new(),
            count: 0,
            sent_any: false,
        }
    }

    /// One `data` line.
    pub fn line(&mut self, text: impl Into<String>) -> Result<(), Aborted> {
        let doc = std::mem::take(&mut self.current);
        self.current = doc.data(text);
        self.bump()
    }

    /// One `node` entry.
    pub fn node(&mut self, entry: NodeEntry) -> Result<(), Aborted> {
        let doc = std::mem::take(&mut self.current);
        self.current = doc.node(entry);
        self.bump()
    }

    fn bump(&mut self) -> Result<(), Aborted> {
        self.count += 1;
        if self.count >= CHUNK {
            self.flush()?;
        }
        Ok(())
    }

    /// Send what is pending (nothing when empty).
    pub fn flush(&mut self) -> Result<(), Aborted> {
        if self.count > 0 {
            let doc = std::mem::take(&mut self.current);
            self.count = 0;
            self.sent_any = true;
            self.out.send(doc)?;
        }
        Ok(())
    }

    /// Whether anything was sent or is pending.
    pub fn is_empty(&self) -> bool {
        !self.sent_any && self.count == 0
    }

    /// Flush and give the responder back for further documents.
    pub fn finish(mut self) -> Result<&'a mut dyn Responder, Aborted> {
        self.flush()?;
        Ok(self.out)
    }
}

/// Usage lines as one `data` document, with `errorcode` when `code` is not 0.
pub fn usage(out: &mut dyn Responder, lines: &[&str], code: i64) -> Result<(), Aborted> {
    let mut r = Response::new();
    for l in lines {
        r = r.data(*l);
    }
    if code != 0 {
        r = r.errorcode(code);
    }
    out.send(r)
}

/// `error` text with the given error code (stock `{error=>..., errorcode=>N}`).
pub fn error(out: &mut dyn Responder, text: impl Into<String>, code: i64) -> Result<(), Aborted> {
    out.send(Response::new().error_text(text).errorcode(code))
}

/// `data` lines plus `errorcode` (stock messages that go to stdout but fail).
pub fn data_error(out: &mut dyn Responder, lines: &[&str], code: i64) -> Result<(), Aborted> {
    usage(out, lines, code)
}

/// The version line (`xCAT::Utils->Version()`).
pub fn version(ctx: &Ctx, out: &mut dyn Responder) -> Result<(), Aborted> {
    out.send(Response::new().data(ctx.server.version_line.clone()))
}
