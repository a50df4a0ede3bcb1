//! Printing of responses exactly as the stock client's `handle_response`
//! does it (perl-xCAT/xCAT/Client.pm:1129-1350), including its Perl truthiness quirks: an empty
//! or `"0"` text counts as false, a present element (even empty) as true.

use xcat_proto::{Map, Response, Value};

/// What a command printed so far: stdout, stderr and the exit status (the OR
/// of every `errorcode`, 1 after a premature end, 255 on connection failure).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Printed {
    pub stdout: String,
    pub stderr: String,
    pub exit_code: i32,
}

impl Printed {
    pub fn new() -> Printed {
        Printed::default()
    }

    /// Append another `Printed` (its exit code is ORed in).
    pub fn append(&mut self, other: Printed) {
        self.stdout.push_str(&other.stdout);
        self.stderr.push_str(&other.stderr);
        self.exit_code |= other.exit_code;
    }
}

/// Where rendered text goes, in the order the stock client prints it.
pub trait Emit {
    fn out(&mut self, text: &str);
    fn err(&mut self, text: &str);
    /// OR an errorcode into the exit status.
    fn code(&mut self, code: i32);
}

impl Emit for Printed {
    fn out(&mut self, text: &str) {
        self.stdout.push_str(text);
    }
    fn err(&mut self, text: &str) {
        self.stderr.push_str(text);
    }
    fn code(&mut self, code: i32) {
        self.exit_code |= code;
    }
}

/// Perl's string value of an element occurrence (`undef` → "").
fn text(v: Option<&Value>) -> &str {
    match v {
        Some(Value::Text(s)) => s,
        // A nested hash stringifies to HASH(0x…) in Perl; print nothing.
        _ => "",
    }
}

/// Perl truthiness of a string: false for "" and "0".
fn truthy(s: &str) -> bool {
    !s.is_empty() && s != "0"
}

/// Perl numification of an errorcode text: leading integer, else 0.
pub fn perl_int(s: &str) -> i64 {
    let t = s.trim_start();
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let end = digits
        .bytes()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(digits.len());
    let n = digits[..end]
        .parse::<i64>()
        .unwrap_or(if end > 0 { i64::MAX } else { 0 });
    if neg {
        -n
    } else {
        n
    }
}

fn or_codes(map: &Map, out: &mut dyn Emit) {
    if let Some(codes) = map.get("errorcode") {
        for c in codes {
            out.code(perl_int(text(Some(c))) as i32);
        }
    }
}

fn first<'a>(map: &'a Map, key: &str) -> Option<&'a Value> {
    map.get(key).and_then(|v| v.first())
}

/// Decode like MIME::Base64's `decode_base64`: characters outside the
/// alphabet are ignored, decoding stops at `=`.
pub fn decode_base64(s: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for b in s.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            _ => continue,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// Print one response document the way the stock client does.
/// `show_source` is the `XCATSHOWSVR` setting (the stock `-V` / `--verbose`).
pub fn render(response: &Response, show_source: bool, out: &mut Printed) {
    render_into(response, show_source, out);
}

/// [`render`] into any [`Emit`] (keeps the stdout/stderr interleaving).
pub fn render_into(response: &Response, show_source: bool, out: &mut dyn Emit) {
    let map = &response.map;
    let src = text(first(map, "xcatdsource")).to_string();
    let showsource = map.contains_key("host") || (show_source && !map.contains_key("NoSvrPrefix"));

    or_codes(map, out);

    for (key, prefix, flag) in [
        ("error", "Error: ", "NoErrorPrefix"),
        ("warning", "Warning: ", "NoWarnPrefix"),
    ] {
        for v in map.get(key).into_iter().flatten() {
            let mut desc = text(Some(v)).to_string();
            if truthy(&desc) && truthy(&src) {
                desc = format!("[{src}]: {desc}");
            }
            if !map.contains_key(flag) {
                desc = format!("{prefix}{desc}");
            }
            desc.push('\n');
            out.err(&desc);
        }
    }

    for v in map.get("info").into_iter().flatten() {
        let mut desc = text(Some(v)).to_string();
        if showsource && truthy(&desc) && truthy(&src) {
            desc = format!("[{src}]: {desc}");
        }
        desc.push('\n');
        out.out(&desc);
    }

    for v in map.get("sinfo").into_iter().flatten() {
        out.out(&format!("{}\r", text(Some(v))));
    }

    render_nodes(map, &src, showsource, out);
    render_data(map, &src, showsource, out);
}

fn render_nodes(map: &Map, src: &str, showsource: bool, out: &mut dyn Emit) {
    let mut errflg = false;
    let with_src = |desc: String| -> String {
        if truthy(&desc) {
            if truthy(src) {
                format!("{desc}: [{src}]")
            } else {
                desc
            }
        } else if truthy(src) {
            format!("[{src}]")
        } else {
            desc
        }
    };
    for node in map.get("node").into_iter().flatten() {
        // Plain-text node entries (the `noderange` built-in) print nothing.
        let Value::Map(node) = node else { continue };
        let mut desc = text(first(node, "name")).to_string();
        or_codes(node, out);
        if node.contains_key("error") {
            desc = with_src(desc);
            desc.push_str(": Error: ");
            desc.push_str(text(first(node, "error")));
            errflg = true;
        }
        if node.contains_key("warning") {
            desc = with_src(desc);
            desc.push_str(": Warning: ");
            desc.push_str(text(first(node, "warning")));
            errflg = true;
        }
        if node.contains_key("data") {
            if showsource {
                desc = with_src(desc);
            }
            match first(node, "data") {
                Some(Value::Map(d)) => {
                    if d.contains_key("desc") {
                        desc.push_str(": ");
                        desc.push_str(text(first(d, "desc")));
                    }
                    if d.contains_key("contents") {
                        desc.push_str(": ");
                        desc.push_str(text(first(d, "contents")));
                    }
                }
                other => {
                    desc.push_str(": ");
                    desc.push_str(text(other));
                }
            }
        }
        if node.contains_key("base64_data") {
            desc.push_str(": ");
            let bytes = decode_base64(text(first(node, "base64_data")));
            desc.push_str(&String::from_utf8_lossy(&bytes));
        }
        if truthy(&desc) && desc != format!("[{src}]") {
            desc.push('\n');
            if errflg {
                out.err(&desc);
            } else {
                out.out(&desc);
            }
        }
    }
}

fn render_data(map: &Map, src: &str, showsource: bool, out: &mut dyn Emit) {
    for entry in map.get("data").into_iter().flatten() {
        let mut desc = match entry {
            Value::Map(d) => {
                let mut desc = String::new();
                if d.contains_key("desc") {
                    desc = text(first(d, "desc")).to_string();
                }
                if d.contains_key("contents") {
                    let contents = text(first(d, "contents"));
                    desc = if truthy(&desc) {
                        format!("{desc}: {contents}")
                    } else {
                        contents.to_string()
                    };
                }
                desc
            }
            other => text(Some(other)).to_string(),
        };
        if truthy(&desc) {
            if showsource && truthy(src) {
                desc = format!("[{src}]: {desc}");
            }
            desc.push('\n');
            out.out(&desc);
        }
    }
}

/// `XCATSHOWXML`: the response re-serialised, followed by an empty line.
pub fn render_xml(response: &Response, out: &mut Printed) {
    let mut bytes = Vec::new();
    xcat_proto::write_document(&mut bytes, "xcatresponse", &response.map);
    out.stdout.push_str(&String::from_utf8_lossy(&bytes));
    out.stdout.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use xcat_proto::response::NodeEntry;
    use xcat_proto::tree::MapExt;

    fn show(r: &Response, src: bool) -> Printed {
        let mut p = Printed::new();
        render(r, src, &mut p);
        p
    }

    #[test]
    fn example_stream_of_protocol_4f() {
        let docs = [
            Response::new()
                .node(NodeEntry::new("n1").contents("on"))
                .set("xcatdsource", "mn1"),
            Response::new().data("hello").set("xcatdsource", "mn1"),
            Response::new().info("an info").set("xcatdsource", "mn1"),
            Response::new()
                .node(NodeEntry::new("n2").error("boom"))
                .set("xcatdsource", "mn1"),
            Response::new()
                .error_text("plain error")
                .errorcode(2)
                .set("xcatdsource", "mn1"),
            Response::new().warning("warn me").set("xcatdsource", "sn1"),
            Response::new().errorcode(1),
        ];
        let mut p = Printed::new();
        for d in &docs {
            render(d, false, &mut p);
        }
        assert_eq!(p.stdout, "n1: on\nhello\nan info\n");
        assert_eq!(
            p.stderr,
            "n2: [mn1]: Error: boom\nError: [mn1]: plain error\nWarning: [sn1]: warn me\n"
        );
        assert_eq!(p.exit_code, 3);
        let mut p = Printed::new();
        for d in &docs[..3] {
            render(d, true, &mut p);
        }
        assert_eq!(p.stdout, "n1: [mn1]: on\n[mn1]: hello\n[mn1]: an info\n");
    }

    #[test]
    fn perl_truthiness_quirks() {
        let p = show(&Response::new().data("0").data("").info("0"), false);
        assert_eq!(p.stdout, "0\n");
        let p = show(
            &Response::new().error_text("").set("xcatdsource", "vm"),
            false,
        );
        assert_eq!(p.stderr, "Error: \n");
        let p = show(
            &Response::new()
                .error_text("x")
                .push("NoErrorPrefix", Value::Empty)
                .set("xcatdsource", "vm"),
            false,
        );
        assert_eq!(p.stderr, "[vm]: x\n");
        let p = show(
            &Response::new()
                .push("host", "sn1")
                .info("hi")
                .set("xcatdsource", "sn1"),
            false,
        );
        assert_eq!(p.stdout, "[sn1]: hi\n");
    }

    #[test]
    fn node_lines_switch_to_stderr_after_an_error() {
        let r = Response::new()
            .node(NodeEntry::new("a").data("ok"))
            .node(NodeEntry::new("b").warning("w").errorcode(4))
            .node(NodeEntry::new("c").data("later"))
            .set("xcatdsource", "vm");
        let p = show(&r, false);
        assert_eq!(p.stdout, "a: ok\n");
        assert_eq!(p.stderr, "b: [vm]: Warning: w\nc: later\n");
        assert_eq!(p.exit_code, 4);
    }

    #[test]
    fn base64_and_sinfo() {
        let mut n = NodeEntry::new("n1");
        n.map.push("base64_data", "aGVs\nbG8=");
        let p = show(&Response::new().node(n).push("sinfo", "50%"), false);
        assert_eq!(p.stdout, "50%\rn1: hello\n");
        assert_eq!(perl_int(" 12abc"), 12);
        assert_eq!(perl_int("x"), 0);
        assert_eq!(perl_int("-1"), -1);
    }
}
