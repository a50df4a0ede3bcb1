//! One `<xcatresponse>` document as a handler builds it.  Each `Response` is one
//! document on the wire (one Perl callback hash); the daemon adds `xcatdsource`
//! when it is missing and writes `serverdone` itself.

use crate::tree::{Map, MapExt, Value};
use crate::xml;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Response {
    pub map: Map,
}

/// A `<node>` entry: name plus data / error / warning / errorcode.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeEntry {
    pub map: Map,
}

impl NodeEntry {
    pub fn new(name: &str) -> NodeEntry {
        let mut map = Map::new();
        map.set("name", name);
        NodeEntry { map }
    }

    /// `<data>text</data>` (printed `name: text`).
    pub fn data(mut self, text: impl Into<String>) -> Self {
        self.map.push("data", text.into());
        self
    }

    /// `<data><contents>…</contents><desc>…</desc></data>` (printed `name: desc: contents`).
    pub fn desc_contents(mut self, desc: &str, contents: &str) -> Self {
        let mut d = Map::new();
        d.set("contents", contents);
        d.set("desc", desc);
        self.map.push("data", d);
        self
    }

    /// `<data><contents>…</contents></data>` (printed `name: contents`).
    pub fn contents(mut self, contents: &str) -> Self {
        let mut d = Map::new();
        d.set("contents", contents);
        self.map.push("data", d);
        self
    }

    pub fn error(mut self, text: impl Into<String>) -> Self {
        self.map.push("error", text.into());
        self
    }

    pub fn warning(mut self, text: impl Into<String>) -> Self {
        self.map.push("warning", text.into());
        self
    }

    pub fn errorcode(mut self, code: i64) -> Self {
        self.map.push("errorcode", code.to_string());
        self
    }
}

impl Response {
    pub fn new() -> Response {
        Response::default()
    }

    /// Informational text (stdout, no prefix).
    pub fn info(mut self, text: impl Into<String>) -> Self {
        self.map.push("info", text.into());
        self
    }

    /// Data text (stdout as is).
    pub fn data(mut self, text: impl Into<String>) -> Self {
        self.map.push("data", text.into());
        self
    }

    /// Warning text (stderr `Warning: …`).
    pub fn warning(mut self, text: impl Into<String>) -> Self {
        self.map.push("warning", text.into());
        self
    }

    /// Error text without an error code (stderr, exit status unchanged).
    pub fn error_text(mut self, text: impl Into<String>) -> Self {
        self.map.push("error", text.into());
        self
    }

    /// Error text plus `errorcode 1` (MsgUtils "E").
    pub fn error(self, text: impl Into<String>) -> Self {
        self.error_text(text).errorcode(1)
    }

    pub fn errorcode(mut self, code: i64) -> Self {
        self.map.push("errorcode", code.to_string());
        self
    }

    pub fn node(mut self, entry: NodeEntry) -> Self {
        self.map.push("node", entry.map);
        self
    }

    pub fn push(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.map.push(key, value);
        self
    }

    pub fn set(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.map.set(key, value);
        self
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// OR of every `errorcode` in the document (top level and node entries).
    pub fn error_code(&self) -> i64 {
        fn or_codes(map: &Map) -> i64 {
            let mut code = 0;
            for t in map.texts("errorcode") {
                code |= t.trim().parse::<i64>().unwrap_or(0);
            }
            if let Some(nodes) = map.get("node") {
                for n in nodes.iter().filter_map(Value::as_map) {
                    code |= or_codes(n);
                }
            }
            code
        }
        or_codes(&self.map)
    }

    /// The document in the stock layout, non-ASCII bytes turned into `?`.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        let start = out.len();
        xml::write_document(out, "xcatresponse", &self.map);
        xml::ascii_only(&mut out[start..]);
    }
}
