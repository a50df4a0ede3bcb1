//! Parsing and writing of whole xCAT documents in the XML::Simple layout.
//!
//! Writing: keys sorted, two spaces per level, one element per line, leaf text
//! on one line with embedded newlines written raw, `undef` as `<x></x>`, only
//! `& < > "` escaped (XML::Simple leaves `'` alone).  Parsing: the model of
//! `XMLin(ForceArray => 1, SuppressEmpty => undef)`: whitespace-only content is
//! empty, character references are decoded, DTDs are refused.

use crate::tree::{Map, MapExt, Value};
use quick_xml::events::Event;
use quick_xml::Reader;

/// Deepest nesting accepted from a peer; stock documents use three levels.
const MAX_DEPTH: usize = 64;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ParseError {
    #[error("not well-formed XML: {0}")]
    Syntax(String),
    #[error("document type declarations are not accepted")]
    Doctype,
    #[error("elements nested deeper than {MAX_DEPTH} levels")]
    TooDeep,
    #[error("no root element")]
    NoRoot,
    #[error("text after the root element")]
    TrailingContent,
    /// XML 1.0 forbids the character even as a reference; stock's parser
    /// (expat) refuses it too.
    #[error("NUL byte at offset {0}")]
    NulByte(usize),
    #[error("more than {0} elements")]
    TooManyElements(usize),
}

/// A parsed document: its root element's name and children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Root {
    pub name: String,
    pub map: Map,
}

struct Open {
    name: String,
    map: Map,
    text: String,
    has_children: bool,
}

impl Open {
    fn new(name: String, attrs: Vec<(String, String)>) -> Open {
        let mut map = Map::new();
        for (k, v) in attrs {
            map.push(&k, v);
        }
        let has_children = !map.is_empty();
        Open {
            name,
            map,
            text: String::new(),
            has_children,
        }
    }

    fn finish(mut self) -> (String, Value) {
        let blank = self.text.trim().is_empty();
        let value = if self.has_children {
            if !blank {
                self.map.push("content", self.text);
            }
            Value::Map(self.map)
        } else if blank {
            Value::Empty
        } else {
            Value::Text(self.text)
        };
        (self.name, value)
    }
}

fn syntax(e: impl std::fmt::Display) -> ParseError {
    ParseError::Syntax(e.to_string())
}

fn element_start(e: &quick_xml::events::BytesStart<'_>) -> Result<Open, ParseError> {
    let name = std::str::from_utf8(e.name().as_ref())
        .map_err(syntax)?
        .to_string();
    let mut attrs = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(syntax)?;
        let key = std::str::from_utf8(a.key.as_ref())
            .map_err(syntax)?
            .to_string();
        let value = a.unescape_value().map_err(syntax)?.into_owned();
        attrs.push((key, value));
    }
    Ok(Open::new(name, attrs))
}

/// Parse one complete document (`<xcatrequest>…</xcatrequest>` or a response).
pub fn parse_document(bytes: &[u8]) -> Result<Root, ParseError> {
    parse_document_limited(bytes, usize::MAX)
}

/// [`parse_document`] refusing documents of more than `max_elements`
/// elements: what a peer sends the daemon (each element costs several
/// times its bytes once parsed).
pub fn parse_document_limited(bytes: &[u8], max_elements: usize) -> Result<Root, ParseError> {
    if let Some(at) = bytes.iter().position(|b| *b == 0) {
        return Err(ParseError::NulByte(at));
    }
    let text = std::str::from_utf8(bytes).map_err(syntax)?;
    let mut reader = Reader::from_str(text);
    reader.config_mut().trim_text(false);
    reader.config_mut().check_end_names = true;
    let mut tree = Builder {
        stack: Vec::new(),
        root: None,
        elements: 0,
        max_elements,
    };
    loop {
        match reader.read_event().map_err(syntax)? {
            Event::Start(e) => {
                tree.admit()?;
                if tree.stack.len() >= MAX_DEPTH {
                    return Err(ParseError::TooDeep);
                }
                if let Some(parent) = tree.stack.last_mut() {
                    parent.has_children = true;
                }
                tree.stack.push(element_start(&e)?);
            }
            Event::Empty(e) => {
                tree.admit()?;
                tree.attach(element_start(&e)?);
            }
            Event::End(_) => {
                let open = tree
                    .stack
                    .pop()
                    .ok_or_else(|| syntax("unexpected end tag"))?;
                tree.attach(open);
            }
            Event::Text(t) => tree.text(&t.unescape().map_err(syntax)?)?,
            Event::CData(t) => {
                let s = std::str::from_utf8(&t).map_err(syntax)?;
                match tree.stack.last_mut() {
                    Some(open) => open.text.push_str(s),
                    None => return Err(syntax("CDATA outside the root element")),
                }
            }
            Event::DocType(_) => return Err(ParseError::Doctype),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if !tree.stack.is_empty() {
        return Err(syntax("document ended inside an element"));
    }
    tree.root.ok_or(ParseError::NoRoot)
}

/// The document being built: the open elements and, once closed, the root.
struct Builder {
    stack: Vec<Open>,
    root: Option<Root>,
    elements: usize,
    max_elements: usize,
}

impl Builder {
    /// One more element (`<x>` or `<x/>`), counted against the limit;
    /// none after the root element.
    fn admit(&mut self) -> Result<(), ParseError> {
        self.elements += 1;
        if self.elements > self.max_elements {
            return Err(ParseError::TooManyElements(self.max_elements));
        }
        if self.root.is_some() {
            return Err(ParseError::TrailingContent);
        }
        Ok(())
    }

    /// A finished element goes into its parent, or becomes the root.
    fn attach(&mut self, open: Open) {
        let (name, value) = open.finish();
        match self.stack.last_mut() {
            Some(parent) => {
                parent.has_children = true;
                parent.map.push(&name, value);
            }
            None => {
                let map = match value {
                    Value::Map(m) => m,
                    _ => Map::new(),
                };
                self.root = Some(Root { name, map });
            }
        }
    }

    /// Text: the open element's content; outside the root only blanks.
    fn text(&mut self, s: &str) -> Result<(), ParseError> {
        match self.stack.last_mut() {
            Some(open) => open.text.push_str(s),
            None if s.trim().is_empty() => {}
            None if self.root.is_some() => return Err(ParseError::TrailingContent),
            None => return Err(syntax("text outside the root element")),
        }
        Ok(())
    }
}

/// Append `text` with XML::Simple's escaping (`& < > "`; `'` stays).
pub fn escape_into(out: &mut Vec<u8>, text: &str) {
    for b in text.bytes() {
        match b {
            b'&' => out.extend_from_slice(b"&amp;"),
            b'<' => out.extend_from_slice(b"&lt;"),
            b'>' => out.extend_from_slice(b"&gt;"),
            b'"' => out.extend_from_slice(b"&quot;"),
            _ => out.push(b),
        }
    }
}

fn indent(out: &mut Vec<u8>, level: usize) {
    for _ in 0..level {
        out.extend_from_slice(b"  ");
    }
}

fn write_map(out: &mut Vec<u8>, map: &Map, level: usize) {
    for (key, values) in map {
        for value in values {
            write_element(out, key, value, level);
        }
    }
}

fn write_element(out: &mut Vec<u8>, name: &str, value: &Value, level: usize) {
    indent(out, level);
    out.push(b'<');
    out.extend_from_slice(name.as_bytes());
    out.push(b'>');
    match value {
        Value::Empty => {}
        Value::Text(t) => escape_into(out, t),
        Value::Map(m) if m.is_empty() => {}
        Value::Map(m) => {
            out.push(b'\n');
            write_map(out, m, level + 1);
            indent(out, level);
        }
    }
    out.extend_from_slice(b"</");
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b">\n");
}

/// Append one document `<root>…</root>\n` in the stock layout.
pub fn write_document(out: &mut Vec<u8>, root: &str, map: &Map) {
    out.push(b'<');
    out.extend_from_slice(root.as_bytes());
    out.extend_from_slice(b">\n");
    write_map(out, map, 1);
    out.extend_from_slice(b"</");
    out.extend_from_slice(root.as_bytes());
    out.extend_from_slice(b">\n");
}

/// The daemon's last step before writing (`tr/\011-\177/?/c`): every byte
/// outside 0x09..=0x7F becomes `?`, so non-ASCII text reaches clients as `?`.
pub fn ascii_only(bytes: &mut [u8]) {
    for b in bytes.iter_mut() {
        if !(0x09..=0x7f).contains(b) {
            *b = b'?';
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stock_request_round_trips_byte_exact() {
        let text = "<xcatrequest>\n  <arg>-l</arg>\n  <clienttype>cli</clienttype>\n  <command>nodels</command>\n  <cwd>/tmp</cwd>\n  <environment>\n    <XCAT_X>y</XCAT_X>\n  </environment>\n  <noderange>n1,n2</noderange>\n</xcatrequest>\n";
        let root = parse_document(text.as_bytes()).unwrap();
        assert_eq!(root.name, "xcatrequest");
        let mut out = Vec::new();
        write_document(&mut out, &root.name, &root.map);
        assert_eq!(String::from_utf8(out).unwrap(), text);
    }

    #[test]
    fn whitespace_only_is_empty_and_entities_decode() {
        let root = parse_document(b"<r><a> </a><b>x &amp; &#10;y</b><c/><d>'q'</d></r>").unwrap();
        assert_eq!(root.map["a"], vec![Value::Empty]);
        assert_eq!(root.map["b"], vec![Value::text("x & \ny")]);
        assert_eq!(root.map["c"], vec![Value::Empty]);
        assert_eq!(root.map["d"], vec![Value::text("'q'")]);
    }

    #[test]
    fn refuses_doctype_and_garbage() {
        assert_eq!(
            parse_document(b"<!DOCTYPE r [<!ENTITY x \"y\">]><r>&x;</r>"),
            Err(ParseError::Doctype)
        );
        assert!(parse_document(b"<r><a></r>").is_err());
        assert!(parse_document(b"").is_err());
        assert!(parse_document(b"<r></r>junk").is_err());
        let deep = "<a>".repeat(100) + &"</a>".repeat(100);
        assert_eq!(parse_document(deep.as_bytes()), Err(ParseError::TooDeep));
        let deep = "<a>".repeat(100_000) + &"</a>".repeat(100_000);
        assert_eq!(parse_document(deep.as_bytes()), Err(ParseError::TooDeep));
    }

    #[test]
    fn refuses_nul_bytes_and_too_many_elements() {
        assert_eq!(
            parse_document(b"<r><a>x\0y</a></r>"),
            Err(ParseError::NulByte(7))
        );
        assert!(parse_document(b"<r><a>&#0;</a></r>").is_err());
        assert!(matches!(
            parse_document(b"<r><a>\xff</a></r>"),
            Err(ParseError::Syntax(_))
        ));
        let many = format!("<r>{}</r>", "<node>n</node>".repeat(11));
        assert_eq!(
            parse_document_limited(many.as_bytes(), 10),
            Err(ParseError::TooManyElements(10))
        );
        assert!(parse_document_limited(many.as_bytes(), 12).is_ok());
    }

    #[test]
    fn escapes_like_xml_simple() {
        let mut m = Map::new();
        m.push("data", "\"a\",'b' <&>");
        m.push("serverdone", Value::Empty);
        let mut out = Vec::new();
        write_document(&mut out, "xcatresponse", &m);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<xcatresponse>\n  <data>&quot;a&quot;,'b' &lt;&amp;&gt;</data>\n  <serverdone></serverdone>\n</xcatresponse>\n"
        );
    }

    #[test]
    fn non_ascii_becomes_question_marks() {
        let mut b = "a\u{e9}\x01\tb".as_bytes().to_vec();
        ascii_only(&mut b);
        assert_eq!(b, b"a???\tb");
    }
}
