//! xCAT wire model shared by the daemon, the handlers and the clients.
//!
//! The stock daemon and clients exchange XML documents produced by Perl's
//! XML::Simple (`NoAttr`, sorted keys, two-space indent).  This crate owns that
//! shape: a tree of ordered maps ([`Map`]) whose values are always lists
//! (`ForceArray => 1`), a parser with the same result model, and a serialiser
//! that writes byte-identical text.

pub mod request;
pub mod response;
pub mod tree;
pub mod xml;

pub use request::Request;
pub use response::Response;
pub use tree::{Map, Value};
pub use xml::{parse_document, parse_document_limited, write_document, ParseError, Root};
