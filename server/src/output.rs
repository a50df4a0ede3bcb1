//! From handler responses to wire bytes: every document gets
//! `xcatdsource` unless it has one or carries `serverdone`; documents are
//! serialised in the stock layout on the handler's thread and go to the
//! connection through a bounded channel, so a big answer streams with flat
//! memory and a slow client slows the handler down.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio::sync::mpsc;
use xcat_handlers::api::Aborted;
use xcat_handlers::Responder;
use xcat_proto::{Response, Value};

/// What a request pipeline sends to its connection.
#[derive(Debug)]
pub enum Out {
    /// One or more complete documents.
    Doc(Vec<u8>),
    /// Close the connection once everything before this is written.
    Close,
}

/// Serialise one document, adding `xcatdsource` when the daemon must (in
/// place: a 1,000-node document is not copied for it).
pub fn render(mut resp: Response, source: &str, out: &mut Vec<u8>) {
    if !(resp.map.contains_key("xcatdsource") || resp.map.contains_key("serverdone")) {
        resp.map
            .insert("xcatdsource".to_string(), vec![Value::text(source)]);
    }
    resp.write_to(out);
}

/// The final document of a request: `tail` + `serverdone` (+ `transid`).
pub fn serverdone(mut tail: Response, transid: Option<&str>) -> Response {
    tail.map
        .insert("serverdone".to_string(), vec![Value::Empty]);
    if let Some(t) = transid {
        tail.map.insert("transid".to_string(), vec![Value::text(t)]);
    }
    tail
}

/// Set when the client aborted or went away; handlers see `Aborted`.
#[derive(Debug, Clone, Default)]
pub struct AbortFlag(Arc<AtomicBool>);

impl AbortFlag {
    pub fn new() -> AbortFlag {
        AbortFlag::default()
    }

    pub fn raise(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_raised(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// The [`Responder`] handlers get: blocking sends into the connection's
/// bounded channel (call only from a blocking thread).
pub struct ChannelResponder {
    tx: mpsc::Sender<Out>,
    abort: AbortFlag,
    source: Arc<str>,
}

impl ChannelResponder {
    pub fn new(tx: mpsc::Sender<Out>, abort: AbortFlag, source: Arc<str>) -> ChannelResponder {
        ChannelResponder { tx, abort, source }
    }

    pub fn abort_flag(&self) -> &AbortFlag {
        &self.abort
    }

    /// Ask the connection to close after what was sent.
    pub fn close(&mut self) {
        let _ = self.tx.blocking_send(Out::Close);
    }
}

impl Responder for ChannelResponder {
    fn send(&mut self, response: Response) -> Result<(), Aborted> {
        if self.abort.is_raised() {
            return Err(Aborted);
        }
        if response.is_empty() {
            return Ok(());
        }
        let mut doc = Vec::with_capacity(256);
        render(response, &self.source, &mut doc);
        self.tx.blocking_send(Out::Doc(doc)).map_err(|_| {
            self.abort.raise();
            Aborted
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_added_except_serverdone_and_existing() {
        let mut out = Vec::new();
        render(Response::new().data("hello"), "vm", &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<xcatresponse>\n  <data>hello</data>\n  <xcatdsource>vm</xcatdsource>\n</xcatresponse>\n"
        );
        let mut out = Vec::new();
        let deny = Response::new().error("Permission denied for request");
        render(serverdone(deny, None), "vm", &mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<xcatresponse>\n  <error>Permission denied for request</error>\n  <errorcode>1</errorcode>\n  <serverdone></serverdone>\n</xcatresponse>\n"
        );
        let mut out = Vec::new();
        render(
            Response::new().data("x").set("xcatdsource", "sn1"),
            "vm",
            &mut out,
        );
        assert!(String::from_utf8(out)
            .unwrap()
            .contains("<xcatdsource>sn1</xcatdsource>"));
    }
}
