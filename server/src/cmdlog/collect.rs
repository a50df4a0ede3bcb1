//! The `[Response]` part of a command-log entry: the text the stock CLI would
//! print for each response document (`cmdlog_collectlog` in the stock xcatd),
//! collected while the answer streams and capped in size.

use xcat_proto::{Map, Response, Value};

/// Default cap on the response text kept for one log entry.
pub const DEFAULT_RESPONSE_CAP: usize = 64 * 1024;

/// Collects the printable text of a request's responses.
#[derive(Debug, Clone)]
pub struct ResponseLog {
    own_source: String,
    text: String,
    cap: usize,
    omitted: usize,
    mentions_password: bool,
    /// Scratch buffer for one node line.
    line: String,
}

/// Whether `s` contains "passw" in any letter case (no allocation: this
/// runs over every line of a 10,000-node answer).
pub(crate) fn mentions_passw(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter().enumerate().any(|(i, c)| {
        c | 0x20 == b'p'
            && b.get(i..i + 5)
                .is_some_and(|w| w.eq_ignore_ascii_case(b"passw"))
    })
}

/// Perl truthiness of a string: neither "" nor "0".
fn truthy(s: &str) -> bool {
    !s.is_empty() && s != "0"
}

fn text_of(v: &Value) -> Option<&str> {
    match v {
        Value::Text(s) => Some(s),
        Value::Empty => Some(""),
        Value::Map(_) => None,
    }
}

fn first_text<'a>(m: &'a Map, key: &str) -> Option<&'a str> {
    m.get(key).and_then(|v| v.first()).and_then(text_of)
}

impl ResponseLog {
    /// `own_source`: our short host name; `xcatdsource` values equal to it
    /// are not shown (only other servers' are, as `[sn1]: `).
    pub fn new(own_source: &str) -> ResponseLog {
        Self::with_cap(own_source, DEFAULT_RESPONSE_CAP)
    }

    pub fn with_cap(own_source: &str, cap: usize) -> ResponseLog {
        ResponseLog {
            own_source: own_source.to_string(),
            text: String::new(),
            cap,
            omitted: 0,
            mentions_password: false,
            line: String::new(),
        }
    }

    fn append(&mut self, s: &str) {
        if !self.mentions_password && mentions_passw(s) {
            self.mentions_password = true;
        }
        let room = self.cap.saturating_sub(self.text.len());
        if s.len() <= room {
            self.text.push_str(s);
        } else {
            let mut cut = room;
            while cut > 0 && !s.is_char_boundary(cut) {
                cut -= 1;
            }
            self.text.push_str(&s[..cut]);
            self.omitted += s.len() - cut;
        }
    }

    /// `[source]: text` (the prefix only for another server's non-empty
    /// text), appended in pieces: a huge text is cut, never copied whole.
    fn append_from(&mut self, source: &str, text: &str) {
        if truthy(text) && !source.is_empty() {
            self.append("[");
            self.append(source);
            self.append("]: ");
        }
        self.append(text);
    }

    /// Add one response document.
    pub fn add(&mut self, response: &Response) {
        self.add_map(&response.map);
    }

    /// Add one response document given as its tree.
    pub fn add_map(&mut self, rsp: &Map) {
        if rsp.contains_key("serverdone") && !rsp.contains_key("error") {
            return;
        }
        let source = first_text(rsp, "xcatdsource")
            .filter(|s| *s != self.own_source)
            .unwrap_or("")
            .to_string();
        for (key, label, suppress) in [
            ("error", "Error: ", "NoErrorPrefix"),
            ("warning", "Warning: ", "NoWarnPrefix"),
        ] {
            for v in rsp.get(key).map(Vec::as_slice).unwrap_or(&[]) {
                let Some(t) = text_of(v) else { continue };
                if !rsp.contains_key(suppress) {
                    self.append(label);
                }
                self.append_from(&source, t);
                self.append("\n");
            }
        }
        for v in rsp.get("info").map(Vec::as_slice).unwrap_or(&[]) {
            if let Some(t) = text_of(v) {
                self.append_from(&source, t);
                self.append("\n");
            }
        }
        for v in rsp.get("sinfo").map(Vec::as_slice).unwrap_or(&[]) {
            if let Some(t) = v.as_text() {
                self.append(t);
                self.append(" ");
            }
        }
        for v in rsp.get("node").map(Vec::as_slice).unwrap_or(&[]) {
            if let Some(node) = v.as_map() {
                let mut line = std::mem::take(&mut self.line);
                Self::node_line(node, &source, &mut line);
                if truthy(&line) {
                    self.append(&line);
                    self.append("\n");
                }
                self.line = line;
            }
        }
        for v in rsp.get("data").map(Vec::as_slice).unwrap_or(&[]) {
            // `desc: contents`, or whichever of them there is (appended in
            // pieces, as above).
            let (desc, contents) = match v {
                Value::Map(d) => (
                    first_text(d, "desc").unwrap_or(""),
                    first_text(d, "contents"),
                ),
                other => (text_of(other).unwrap_or(""), None),
            };
            match contents {
                Some(c) if truthy(desc) => {
                    self.append(desc);
                    self.append(": ");
                    self.append(c);
                }
                Some(c) if truthy(c) => self.append(c),
                None if truthy(desc) => self.append(desc),
                _ => continue,
            }
            self.append("\n");
        }
    }

    /// The line the client prints for one `<node>` entry, built into `line`
    /// (a buffer reused across entries: this runs for every node).
    fn node_line(node: &Map, source: &str, line: &mut String) {
        line.clear();
        line.push_str(first_text(node, "name").unwrap_or(""));
        let with_source = |line: &mut String| {
            if source.is_empty() {
            } else if truthy(line) {
                line.push_str(": [");
                line.push_str(source);
                line.push(']');
            } else {
                line.clear();
                line.push('[');
                line.push_str(source);
                line.push(']');
            }
        };
        let first = |key: &str| node.get(key).and_then(|v| v.first());
        if let Some(e) = first("error").and_then(Value::as_text) {
            with_source(line);
            line.push_str(": Error: ");
            line.push_str(e);
        }
        if let Some(w) = first("warning").and_then(Value::as_text) {
            with_source(line);
            line.push_str(": Warning: ");
            line.push_str(w);
        }
        if let Some(d) = first("data") {
            with_source(line);
            let mut add = |x: &str| {
                line.push_str(": ");
                line.push_str(x);
            };
            match d {
                Value::Map(m) => {
                    if let Some(x) = first_text(m, "desc").filter(|x| truthy(x)) {
                        add(x);
                    }
                    if let Some(x) = first_text(m, "contents").filter(|x| truthy(x)) {
                        add(x);
                    }
                }
                other => {
                    if let Some(x) = other.as_text() {
                        add(x);
                    }
                }
            }
        }
    }

    /// The collected text, with a note when the cap cut some of it;
    /// `*REDACTED*` when any of it (also beyond the cap) mentions "passw".
    pub fn text(&self) -> String {
        if self.mentions_password {
            "*REDACTED*\n".to_string()
        } else if self.omitted == 0 {
            self.text.clone()
        } else {
            let mut t = self.text.clone();
            if !t.ends_with('\n') {
                t.push('\n');
            }
            t.push_str(&format!(
                "[... {} more bytes of response not logged]\n",
                self.omitted
            ));
            t
        }
    }

    /// Whether any response text (also the part beyond the cap) says "passw".
    pub fn mentions_password(&self) -> bool {
        self.mentions_password
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use xcat_proto::response::NodeEntry;

    #[test]
    fn like_the_client_prints() {
        let mut log = ResponseLog::new("vm");
        log.add(
            &Response::new()
                .data("line1")
                .data("0")
                .set("xcatdsource", "vm"),
        );
        log.add(&Response::new().error("bad").set("xcatdsource", "sn1"));
        log.add(&Response::new().node(NodeEntry::new("cn01").data("on")));
        log.add(&Response::new().node(NodeEntry::new("cn02").error("off")));
        log.add(&Response::new().node(NodeEntry::new("cn03").desc_contents("d", "c")));
        assert_eq!(
            log.text(),
            "line1\nError: [sn1]: bad\ncn01: on\ncn02: Error: off\ncn03: d: c\n"
        );
    }

    #[test]
    fn node_lines_from_another_server() {
        let mut log = ResponseLog::new("vm");
        let from_sn = |e: NodeEntry| Response::new().node(e).set("xcatdsource", "sn1");
        log.add(&from_sn(NodeEntry::new("cn01").data("on")));
        log.add(&from_sn(NodeEntry::new("cn02").error("off").warning("w")));
        log.add(&from_sn(NodeEntry::new("").data("x")));
        log.add(&from_sn(NodeEntry::new("0").contents("c")));
        assert_eq!(
            log.text(),
            "cn01: [sn1]: on\ncn02: [sn1]: Error: off: [sn1]: Warning: w\n[sn1]: x\n[sn1]: c\n"
        );
        assert!(mentions_passw("my PassWord") && !mentions_passw("pass word"));
    }

    #[test]
    fn capped() {
        let mut log = ResponseLog::with_cap("vm", 10);
        log.add(&Response::new().data("0123456789abcdef").data("more here"));
        assert_eq!(
            log.text(),
            "0123456789\n[... 17 more bytes of response not logged]\n"
        );
        log.add(&Response::new().data("Password: x"));
        assert!(log.mentions_password());
        assert_eq!(log.text(), "*REDACTED*\n");
    }
}
