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
        }
    }

    fn append(&mut self, s: &str) {
        if !self.mentions_password && s.to_ascii_lowercase().contains("passw") {
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
        let prefixed = |desc: String| -> String {
            if truthy(&desc) && !source.is_empty() {
                format!("[{source}]: {desc}")
            } else {
                desc
            }
        };
        for (key, label, suppress) in [
            ("error", "Error: ", "NoErrorPrefix"),
            ("warning", "Warning: ", "NoWarnPrefix"),
        ] {
            for v in rsp.get(key).map(Vec::as_slice).unwrap_or(&[]) {
                let Some(t) = text_of(v) else { continue };
                let mut desc = prefixed(t.to_string());
                if !rsp.contains_key(suppress) {
                    desc = format!("{label}{desc}");
                }
                self.append(&desc);
                self.append("\n");
            }
        }
        for v in rsp.get("info").map(Vec::as_slice).unwrap_or(&[]) {
            if let Some(t) = text_of(v) {
                let desc = prefixed(t.to_string());
                self.append(&desc);
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
                let line = self.node_line(node, &source);
                if truthy(&line) {
                    self.append(&line);
                    self.append("\n");
                }
            }
        }
        for v in rsp.get("data").map(Vec::as_slice).unwrap_or(&[]) {
            let desc = match v {
                Value::Map(d) => {
                    let mut desc = first_text(d, "desc").unwrap_or("").to_string();
                    if let Some(c) = first_text(d, "contents") {
                        desc = if truthy(&desc) {
                            format!("{desc}: {c}")
                        } else {
                            c.to_string()
                        };
                    }
                    desc
                }
                other => text_of(other).unwrap_or("").to_string(),
            };
            if truthy(&desc) {
                self.append(&desc);
                self.append("\n");
            }
        }
    }

    fn node_line(&self, node: &Map, source: &str) -> String {
        let mut desc = first_text(node, "name").unwrap_or("").to_string();
        let with_source = |desc: String| -> String {
            if source.is_empty() {
                desc
            } else if truthy(&desc) {
                format!("{desc}: [{source}]")
            } else {
                format!("[{source}]")
            }
        };
        if let Some(e) = node
            .get("error")
            .and_then(|v| v.first())
            .and_then(Value::as_text)
        {
            desc = format!("{}: Error: {e}", with_source(desc));
        }
        if let Some(w) = node
            .get("warning")
            .and_then(|v| v.first())
            .and_then(Value::as_text)
        {
            desc = format!("{}: Warning: {w}", with_source(desc));
        }
        if let Some(d) = node.get("data").and_then(|v| v.first()) {
            desc = with_source(desc);
            match d {
                Value::Map(m) => {
                    if let Some(x) = first_text(m, "desc").filter(|x| truthy(x)) {
                        desc = format!("{desc}: {x}");
                    }
                    if let Some(x) = first_text(m, "contents").filter(|x| truthy(x)) {
                        desc = format!("{desc}: {x}");
                    }
                }
                other => {
                    if let Some(x) = other.as_text() {
                        desc = format!("{desc}: {x}");
                    }
                }
            }
        }
        desc
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
