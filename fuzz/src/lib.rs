//! The bodies of the fuzz targets, one function per target, shared by
//! `fuzz/fuzz_targets/*.rs` (cargo-fuzz, `scripts/fuzz`) and by the plain
//! regression test `server/tests/fuzz_regressions.rs`, which replays every
//! file of `fuzz/corpus/<target>/` and `fuzz/regressions/<target>/` through
//! them.  A body panics only on a bug: bad input must come back as an error.

use xcat_schema::inherit::MemTables;
use xcat_schema::noderange::{expand_in, ExpandOpts};
use xcatd::framing::{is_abort, Framer};

/// Request bytes a fuzzed peer may buffer (the daemon's anonymous limit).
const FRAME_LIMIT: usize = 64 * 1024;

/// Framing and request parsing: the first byte picks the size of the chunks
/// in which the rest reaches the framer; every complete frame is parsed
/// like the daemon does, and the whole input goes to the XML parser too.
pub fn request(data: &[u8]) {
    let Some((first, bytes)) = data.split_first() else {
        return;
    };
    let chunk = usize::from(*first % 64) + 1;
    let mut framer = Framer::new();
    'feed: for piece in bytes.chunks(chunk) {
        framer.push(piece);
        loop {
            match framer.next_frame(FRAME_LIMIT) {
                Ok(Some(frame)) => {
                    assert!(frame.ends_with(b"</xcatrequest>"));
                    let _ = is_abort(&frame);
                    if let Ok(req) = xcatd::dispatch::parse(&frame) {
                        let _ = (req.command(), req.noderange(), req.nodes(), req.args());
                        let _ = req.to_xml();
                    }
                }
                Ok(None) => break,
                Err(_) => break 'feed,
            }
        }
        assert!(framer.buffered() <= FRAME_LIMIT + chunk);
    }
    if let Ok(root) = xcat_proto::parse_document(bytes) {
        let mut out = Vec::new();
        xcat_proto::xml::write_document(&mut out, &root.name, &root.map);
    }
}

/// The noderange grammar over a small cluster, verified and syntactic.
pub fn noderange(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut tables = cluster();
    for verify in [true, false] {
        let opts = ExpandOpts {
            verify,
            max_nodes: 10_000,
            ..Default::default()
        };
        if let Ok(e) = expand_in(&mut tables, text, &opts) {
            assert!(e.nodes.len() <= 10_000);
        }
    }
}

/// Nodes `node1..node12` (groups `all,compute` and `rack1`/`rack2`),
/// padded and dashed names, two attribute tables and three nodegroups.
fn cluster() -> MemTables {
    let mut m = MemTables::new();
    for i in 1..=12 {
        let groups = if i <= 6 {
            "all,compute,rack1"
        } else {
            "all,compute,rack2"
        };
        m.add(
            "nodelist",
            &[("node", &format!("node{i}")), ("groups", groups)],
        );
    }
    for n in ["node001", "n1-compute", "f1n1", "hmc1"] {
        m.add("nodelist", &[("node", n), ("groups", "all,other")]);
    }
    m.add("nodehm", &[("node", "compute"), ("mgt", "ipmi")]);
    m.add(
        "nodehm",
        &[("node", "node3"), ("mgt", "|node(\\d+)|bmc($1+1)|")],
    );
    m.add("nodetype", &[("node", "rack2"), ("os", "rhels8")]);
    m.add("nodegroup", &[("groupname", "emptygrp")]);
    m.add(
        "nodegroup",
        &[
            ("groupname", "dyn"),
            ("grouptype", "dynamic"),
            ("wherevals", "mgt==ipmi::os=~^rhels"),
        ],
    );
    m.add("site", &[("key", "excludenodes"), ("value", "node12")]);
    m
}

/// A regular-expression attribute value: the first line is the node name,
/// the rest the stored value.
pub fn regexattr(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (node, stored) = text.split_once('\n').unwrap_or(("node01", text));
    let _ = xcat_schema::regexattr::eval(node, stored);
    let _ = xcat_schema::regexattr::is_regex_value(stored);
}

/// A stanza file (`mkdef -z` / `chdef -z` input).
pub fn stanza(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = xcat_handlers::objdefs::stanza::parse(text);
    for obj in &parsed.objects {
        let objtype = obj.attrs.get("objtype").map_or("node", String::as_str);
        let _ = xcat_handlers::objdefs::stanza::object_lines(&obj.name, objtype);
    }
}

/// A CSV table dump (`tabrestore` input): header line, then data lines.
pub fn csv(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut lines = text.split('\n');
    let header = lines.next().unwrap_or("");
    let rows: Vec<&str> = lines.collect();
    let columns = match xcat_schema::csv::parse_header(header) {
        Ok(cols) => cols,
        Err(_) => vec![
            "node".to_string(),
            "groups".to_string(),
            "comments".to_string(),
        ],
    };
    let _ = xcat_schema::csv::parse_rows(&rows, &columns, &["comments"]);
    let _ = xcat_schema::csv::header_line(&columns);
}
