//! Request framing (xCAT-server/sbin/xcatd:2830-2845): bytes accumulate until the literal
//! `</xcatrequest>`; once more than 15 bytes are buffered they must contain
//! `<xcatrequest>` (a leading XML declaration is tolerated); requests may
//! follow each other on one connection, and bytes after one request's end
//! start the next.  Pure byte logic: the connection feeds it and asks for
//! complete frames.

const END_TAG: &[u8] = b"</xcatrequest>";
const START_TAG: &[u8] = b"<xcatrequest>";
/// Stock closes the connection when 15 bytes arrived without `<xcatrequest>`.
const EARLY_CHECK_BYTES: usize = 15;
/// Room for an `<?xml …?>` declaration before `<xcatrequest>`.
const DECL_ALLOWANCE: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FrameError {
    /// The peer does not speak the protocol (stock: "Close an invalid connection").
    NotXcat,
    /// The request grew beyond the limit without ending.
    TooLarge { limit: usize },
}

#[derive(Debug, Default)]
pub struct Framer {
    buf: Vec<u8>,
    /// Bytes of `buf` already searched for the end tag.
    scanned: usize,
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if hay.len() < needle.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

impl Framer {
    pub fn new() -> Framer {
        Framer::default()
    }

    /// The buffer to read more bytes into (append only).  Its capacity is
    /// what the connection charges to the in-flight budget.
    pub fn buffer_mut(&mut self) -> &mut Vec<u8> {
        &mut self.buf
    }

    pub fn push(&mut self, data: &[u8]) {
        self.buf.extend_from_slice(data);
    }

    /// Bytes buffered that are not whitespace between requests.
    pub fn has_partial(&self) -> bool {
        self.buf.iter().any(|b| !b.is_ascii_whitespace())
    }

    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// Give memory back after a big request.
    pub fn shrink(&mut self) {
        if self.buf.is_empty() && self.buf.capacity() > 16 * 1024 {
            self.buf = Vec::new();
        }
    }

    /// The next complete request, `Ok(None)` when more bytes are needed.
    pub fn next_frame(&mut self, limit: usize) -> Result<Option<Vec<u8>>, FrameError> {
        let from = self.scanned.saturating_sub(END_TAG.len() - 1);
        if let Some(pos) = find(&self.buf[from..], END_TAG) {
            let end = from + pos + END_TAG.len();
            if end > limit {
                return Err(FrameError::TooLarge { limit });
            }
            // The frame keeps the buffer's allocation (no copy of a large
            // request); only the bytes after it move to a new buffer.
            let ws = self.buf[end..]
                .iter()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
            let rest = self.buf[end + ws..].to_vec();
            let mut frame = std::mem::replace(&mut self.buf, rest);
            frame.truncate(end);
            self.scanned = 0;
            self.check_start(&frame)?;
            frame.shrink_to_fit();
            return Ok(Some(frame));
        }
        // Whitespace before a request is dropped as it arrives, so nothing
        // rescans it on every read (a peer sending only blanks).
        let ws = self
            .buf
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
        self.buf.drain(..ws);
        self.scanned = self.buf.len();
        if self.buf.len() > limit {
            return Err(FrameError::TooLarge { limit });
        }
        self.check_start(&self.buf)?;
        Ok(None)
    }

    /// The early `<xcatrequest>` check on the start of a request.
    fn check_start(&self, bytes: &[u8]) -> Result<(), FrameError> {
        let start = bytes
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(bytes.len());
        let body = &bytes[start..];
        if body.len() <= EARLY_CHECK_BYTES {
            return Ok(());
        }
        let window = &body[..body.len().min(DECL_ALLOWANCE + START_TAG.len())];
        if find(window, START_TAG).is_some() {
            return Ok(());
        }
        if body.starts_with(b"<?xml") && body.len() < DECL_ALLOWANCE {
            return Ok(());
        }
        Err(FrameError::NotXcat)
    }
}

/// Whether a complete request asks to abort the running command
/// (`<abortcommand>` with a true value).
pub fn is_abort(frame: &[u8]) -> bool {
    if find(frame, b"<abortcommand>").is_none() {
        return false;
    }
    match xcat_proto::parse_document_limited(frame, crate::dispatch::MAX_REQUEST_ELEMENTS) {
        Ok(root) => {
            use xcat_proto::tree::MapExt;
            root.map
                .first_text("abortcommand")
                .is_some_and(|v| !v.trim().is_empty() && v.trim() != "0")
        }
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REQ: &[u8] = b"<xcatrequest>\n  <command>authcheck</command>\n</xcatrequest>\n";

    #[test]
    fn whole_request_at_once_and_pipelined() {
        let mut f = Framer::new();
        let mut two = REQ.to_vec();
        two.extend_from_slice(REQ);
        f.push(&two);
        assert_eq!(
            f.next_frame(1 << 20).unwrap().unwrap(),
            REQ.trim_ascii_end()
        );
        assert_eq!(
            f.next_frame(1 << 20).unwrap().unwrap(),
            REQ.trim_ascii_end()
        );
        assert_eq!(f.next_frame(1 << 20).unwrap(), None);
        assert!(!f.has_partial());
    }

    #[test]
    fn byte_by_byte() {
        let mut f = Framer::new();
        for (i, b) in REQ.iter().enumerate() {
            f.push(&[*b]);
            let got = f.next_frame(1 << 20).unwrap();
            if i + 1 < REQ.len() - 1 {
                assert_eq!(got, None, "at {i}");
            } else if got.is_some() {
                return;
            }
        }
        panic!("no frame");
    }

    #[test]
    fn xml_declaration_and_leading_space() {
        let mut f = Framer::new();
        f.push(b"\n<?xml version=\"1.0\"?>\n");
        assert_eq!(f.next_frame(1 << 20).unwrap(), None);
        f.push(REQ);
        assert!(f.next_frame(1 << 20).unwrap().is_some());
    }

    #[test]
    fn not_xcat_and_too_large() {
        let mut f = Framer::new();
        f.push(b"GET / HTTP/1.1\r\nHost: x\r\n");
        assert_eq!(f.next_frame(1 << 20), Err(FrameError::NotXcat));
        let mut f = Framer::new();
        f.push(b"<xcatrequest>");
        f.push(&[b'a'; 100]);
        assert_eq!(f.next_frame(64), Err(FrameError::TooLarge { limit: 64 }));
    }

    #[test]
    fn blanks_between_requests_are_not_kept() {
        let mut f = Framer::new();
        for _ in 0..1000 {
            f.push(&[b' '; 8192]);
            assert_eq!(f.next_frame(1 << 20), Ok(None));
            assert_eq!(f.buffered(), 0);
        }
        f.push(REQ);
        assert!(f.next_frame(1 << 20).unwrap().is_some());
    }

    #[test]
    fn abort_detection() {
        assert!(is_abort(
            b"<xcatrequest><abortcommand>1</abortcommand></xcatrequest>"
        ));
        assert!(!is_abort(
            b"<xcatrequest><abortcommand>0</abortcommand></xcatrequest>"
        ));
        assert!(!is_abort(REQ));
    }
}
