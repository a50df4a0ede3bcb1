//! The command log: exact stock entry layout, quoting, redaction, console
//! commands skipped, file mode 0600, reopen after rotation.

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;
use xcat_proto::tree::MapExt;
use xcat_proto::{parse_document, Request, Response};
use xcatd::cmdlog::{format_entry, CommandLog, Entry, ResponseLog};

fn request(xml: &str) -> Request {
    let root = parse_document(xml.as_bytes()).unwrap();
    Request::from_map(root.map)
}

fn entry(xml: &str, response: &str, nodes: usize, ms: u64) -> Entry {
    Entry::from_request(&request(xml), response, nodes, Duration::from_millis(ms))
}

const SEP: &str = "=====================================================\n";

#[test]
fn stock_layout() {
    let e = entry(
        "<xcatrequest><arg>-l</arg><clienttype>cli</clienttype><command>lsdef</command>\
         <noderange>cn01</noderange></xcatrequest>",
        "Object name: cn01\n    groups=all\n",
        1,
        12,
    );
    let text = format_entry(&e, "2026-11-22 10:00:01").unwrap();
    assert_eq!(SEP.len(), 54);
    assert_eq!(
        text,
        format!(
            "{SEP}[Date]       2026-11-22 10:00:01\n[ClientType] cli \n\
             [Request]    lsdef cn01 -l \n[Response]\nObject name: cn01\n    groups=all\n\
             [NumberNodes] 1 \n[ElapsedTime] 0.012 s\n"
        )
    );
}

#[test]
fn quoting_and_redaction() {
    let e = entry(
        "<xcatrequest><arg>-t</arg><arg>node</arg><arg>groups=a,b</arg><arg>it's</arg>\
         <arg>bmcpassword=secret</arg><clienttype>cli</clienttype><command>chdef</command>\
         <noderange>cn[01-02]</noderange></xcatrequest>",
        "1 object definitions have been created or modified.\n",
        2,
        1500,
    );
    let text = format_entry(&e, "2026-11-22 10:00:01").unwrap();
    assert!(
        text.contains(
            "[Request]    chdef cn[01-02] -t node 'groups=a,b' 'it'\\''s' 'bmcpassword=xxxxxxxx' \n"
        ),
        "{text}"
    );
    // a redacted request hides the response too
    assert!(text.contains("[Response]\n*REDACTED*\n"), "{text}");
    assert!(text.ends_with("[NumberNodes] 2 \n[ElapsedTime] 1.500 s\n"));
    assert!(!text.contains("secret"));

    let e = entry(
        "<xcatrequest><arg>-s</arg><arg>nmap</arg><arg>-p</arg><arg>pw123</arg>\
         <command>bmcdiscover</command></xcatrequest>",
        "",
        0,
        0,
    );
    let text = format_entry(&e, "d").unwrap();
    assert!(text.contains("[ClientType]  \n"), "{text}");
    assert!(
        text.contains("[Request]    bmcdiscover -s nmap -p xxxxxxxx \n"),
        "{text}"
    );
    assert!(!text.contains("pw123"));

    let e = entry(
        "<xcatrequest><command>getcredentials</command><arg>x</arg></xcatrequest>",
        "key material\n",
        0,
        0,
    );
    assert!(format_entry(&e, "d")
        .unwrap()
        .contains("[Response]\n*REDACTED*\n"));
}

#[test]
fn console_commands_not_logged() {
    let e = entry(
        "<xcatrequest><command>getcons</command><noderange>cn01</noderange></xcatrequest>",
        "",
        1,
        0,
    );
    assert!(format_entry(&e, "d").is_none());
}

#[test]
fn response_collection_feeds_the_log() {
    let mut r = ResponseLog::new("vm");
    r.add(
        &Response::new()
            .data("Version 2.19.0")
            .set("xcatdsource", "vm"),
    );
    r.add(
        &Response::new()
            .error("Unsupported request")
            .set("xcatdsource", "sn1"),
    );
    assert_eq!(
        r.text(),
        "Version 2.19.0\nError: [sn1]: Unsupported request\n"
    );
}

#[test]
fn writes_file_0600_and_reopens() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("log/commands.log");
    let log = CommandLog::new(&path).unwrap();
    let req = request(
        "<xcatrequest><arg>-v</arg><clienttype>cli</clienttype><command>lsxcatd</command></xcatrequest>",
    );
    log.log_request(
        &req,
        Some("root"),
        Some("vm"),
        "Version 2.19.0\n",
        0,
        Duration::from_millis(3),
    );
    let cons = request("<xcatrequest><command>getipmicons</command></xcatrequest>");
    log.log_request(&cons, None, None, "", 0, Duration::ZERO);
    log.flush();
    let meta = std::fs::metadata(&path).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with(SEP), "{text}");
    assert!(
        text.contains("[Request]    lsxcatd -v \n[Response]\nVersion 2.19.0\n[NumberNodes] 0 \n")
    );
    assert!(!text.contains("getipmicons"));
    assert_eq!(text.matches(SEP).count(), 1);

    // logrotate: move the file away, reopen, the next entry goes to a new file
    let rotated = tmp.path().join("log/commands.log.1");
    std::fs::rename(&path, &rotated).unwrap();
    log.reopen();
    log.log_request(&req, None, None, "x\n", 0, Duration::ZERO);
    log.flush();
    assert_eq!(std::fs::read_to_string(&rotated).unwrap(), text);
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .contains("lsxcatd -v"));
}

/// One request with a 10 MB argument (shaped to make a backtracking
/// matcher work hard: many `name=` pairs, a secret attribute, and a
/// newline), then a small one: the big entry is logged capped at
/// `ARG_CAP` bytes per argument, the secret is masked, and the entry after
/// it is written too (the writer thread is not stuck on the first).
#[test]
fn ten_megabyte_argument_is_logged_capped() {
    use xcatd::cmdlog::{ARGS_TOTAL_CAP, ARG_CAP};
    // (quoting adds a few bytes per argument to the capped total)
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("commands.log");
    let log = CommandLog::new(&path).unwrap();
    let mut big = String::new();
    while big.len() < 10 * 1024 * 1024 {
        big.push_str("a=b ");
    }
    big.push_str("\npassword=tail");
    let mut req = Request::new("chdef");
    req.map.push("arg", "bmcpassword=hunter2");
    req.map.push("arg", big.as_str());
    log.log_request(&req, None, None, "", 0, Duration::ZERO);
    // 200 KB of small arguments (a denied user's request, say)
    let mut many = Request::new("nodech");
    for i in 0..20_000 {
        many.map.push("arg", format!("a{i}=b").as_str());
    }
    log.log_request(&many, None, None, "", 0, Duration::ZERO);
    let after = request("<xcatrequest><command>lsxcatd</command><arg>-v</arg></xcatrequest>");
    log.log_request(&after, None, None, "Version\n", 0, Duration::ZERO);
    log.flush();

    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("[Request]"))
        .collect();
    assert_eq!(lines.len(), 3, "{}", &text[..text.len().min(2000)]);
    assert!(
        lines[0].len() < 2 * ARG_CAP,
        "capped: {} bytes",
        lines[0].len()
    );
    assert!(lines[0].contains("'bmcpassword=xxxxxxxx'"), "{}", lines[0]);
    assert!(lines[0].contains("more bytes not logged]"), "{}", lines[0]);
    assert!(!text.contains("hunter2") && !text.contains("tail"));
    assert!(lines[1].len() < 2 * ARGS_TOTAL_CAP, "{}", lines[1].len());
    assert!(lines[1].contains("more arguments not logged]"));
    assert_eq!(lines[2], "[Request]    lsxcatd -v ");
    assert!(text.len() < 200 * 1024, "log grew {} bytes", text.len());
}
