//! Splitting the server's byte stream into `<xcatresponse>` documents.
//! Documents may arrive split across reads, several may share one read; each
//! complete one is parsed on its own so a long streamed answer is never held
//! whole.  The stock client parses in batches but prints the same.

use crate::error::ClientError;
use xcat_proto::{parse_document, Response};

const END_TAG: &[u8] = b"</xcatresponse>";

/// Accumulates bytes and hands out complete documents.
#[derive(Debug, Default)]
pub struct DocReader {
    buf: Vec<u8>,
    /// Start of the first byte not yet handed out.
    start: usize,
    /// Bytes from `start` already searched for the end tag.
    scanned: usize,
}

impl DocReader {
    pub fn new() -> DocReader {
        DocReader::default()
    }

    pub fn push(&mut self, bytes: &[u8]) {
        // Drop what was handed out before growing (amortised, no per-document shifting).
        if self.start > 0 && self.start >= self.buf.len() / 2 {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// The next complete document (up to and including its end tag).
    pub fn next_doc(&mut self) -> Option<Vec<u8>> {
        let from = self.start + self.scanned.saturating_sub(END_TAG.len() - 1);
        let found = self.buf[from..]
            .windows(END_TAG.len())
            .position(|w| w == END_TAG);
        match found {
            Some(pos) => {
                let end = from + pos + END_TAG.len();
                let doc = self.buf[self.start..end].to_vec();
                self.start = end;
                self.scanned = 0;
                Some(doc)
            }
            None => {
                self.scanned = self.buf.len() - self.start;
                None
            }
        }
    }

    /// Bytes received after the last complete document.
    pub fn pending(&self) -> &[u8] {
        &self.buf[self.start..]
    }

    /// True when nothing but whitespace is pending.
    pub fn is_idle(&self) -> bool {
        self.pending().iter().all(u8::is_ascii_whitespace)
    }

    /// Forget the pending bytes (after a serverdone, stock ignores the rest).
    pub fn clear(&mut self) {
        self.buf.clear();
        self.start = 0;
        self.scanned = 0;
    }
}

/// Parse one document; `None` when its root is not `xcatresponse` (the stock
/// client's `<massresponse>` wrapper ignores such elements).
pub fn parse_response(doc: &[u8]) -> Result<Option<Response>, ClientError> {
    let root = parse_document(doc).map_err(|e| ClientError::BadResponse(e.to_string()))?;
    if root.name != "xcatresponse" {
        return Ok(None);
    }
    Ok(Some(Response { map: root.map }))
}

/// The document ends the answer to a request.
pub fn is_serverdone(response: &Response) -> bool {
    response.map.contains_key("serverdone")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_across_and_within_reads() {
        let text = b"<xcatresponse>\n  <data>a</data>\n</xcatresponse>\n<xcatresponse>\n  <serverdone></serverdone>\n</xcatresponse>\n";
        for cut in 0..text.len() {
            let mut r = DocReader::new();
            let mut docs = Vec::new();
            r.push(&text[..cut]);
            while let Some(d) = r.next_doc() {
                docs.push(d);
            }
            r.push(&text[cut..]);
            while let Some(d) = r.next_doc() {
                docs.push(d);
            }
            assert_eq!(docs.len(), 2, "cut at {cut}");
            let first = parse_response(&docs[0]).unwrap().unwrap();
            assert!(!is_serverdone(&first));
            assert!(is_serverdone(&parse_response(&docs[1]).unwrap().unwrap()));
            assert!(r.is_idle());
        }
    }

    #[test]
    fn escape_characters_survive() {
        let doc = b"<xcatresponse><data>\x1b[1mbold\x1b[0m</data></xcatresponse>";
        let r = parse_response(doc).unwrap().unwrap();
        assert_eq!(r.map["data"][0].as_text(), Some("\x1b[1mbold\x1b[0m"));
    }
}
