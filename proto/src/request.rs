//! A parsed `<xcatrequest>`: the raw tree plus typed accessors for the fields the
//! daemon and handlers use.  Unknown elements are kept untouched so that they are
//! forwarded verbatim (hierarchy, `--fallback`).

use crate::tree::{Map, MapExt, Value};
use crate::xml;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Request {
    pub map: Map,
}

impl Request {
    pub fn new(command: &str) -> Request {
        let mut map = Map::new();
        map.set("command", command);
        Request { map }
    }

    pub fn from_map(map: Map) -> Request {
        Request { map }
    }

    /// `command[0]`, or `""` when missing.
    pub fn command(&self) -> &str {
        self.map.first_text("command").unwrap_or("")
    }

    /// `noderange[0]` when present and non-empty.
    pub fn noderange(&self) -> Option<&str> {
        self.map.first_text("noderange").filter(|s| !s.is_empty())
    }

    /// The explicit `node` list (set by the daemon after noderange expansion).
    pub fn nodes(&self) -> Vec<&str> {
        self.map.texts("node")
    }

    /// `arg` elements in order; an empty `<arg></arg>` reads as `""`.
    pub fn args(&self) -> Vec<&str> {
        self.map.texts("arg")
    }

    pub fn cwd(&self) -> Option<&str> {
        self.map.first_text("cwd")
    }

    /// `stdin[0]`: `Some("")` when the element is present but empty.
    pub fn stdin(&self) -> Option<&str> {
        self.map.texts("stdin").into_iter().next()
    }

    pub fn username(&self) -> Option<&str> {
        self.map.first_text("username")
    }

    pub fn transid(&self) -> Option<&str> {
        self.map.first_text("transid")
    }

    /// `environment/<NAME>` values (the client's `XCAT_*` variables); an
    /// empty element is an empty but set value (`XCAT_NODE_PREFIX=`).
    pub fn env(&self, name: &str) -> Option<&str> {
        self.map
            .get("environment")
            .and_then(|v| v.first())
            .and_then(Value::as_map)
            .and_then(|m| m.texts(name).first().copied())
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.map.first_text(key)
    }

    pub fn set(&mut self, key: &str, value: impl Into<Value>) {
        self.map.set(key, value);
    }

    pub fn remove(&mut self, key: &str) -> Option<Vec<Value>> {
        self.map.remove(key)
    }

    pub fn set_nodes<S: AsRef<str>>(&mut self, nodes: &[S]) {
        self.map.insert(
            "node".to_string(),
            nodes.iter().map(|n| Value::text(n.as_ref())).collect(),
        );
    }

    pub fn set_args<S: AsRef<str>>(&mut self, args: &[S]) {
        self.map.insert(
            "arg".to_string(),
            args.iter().map(|a| Value::text(a.as_ref())).collect(),
        );
    }

    /// The request text exactly as the stock client writes it.
    pub fn to_xml(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(256);
        xml::write_document(&mut out, "xcatrequest", &self.map);
        out
    }
}
