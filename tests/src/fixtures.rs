//! Parser for the stock wire transcripts (`tests/fixtures/wire/*.txt`):
//! per connection the exact request and response bytes, plus the stock
//! client's stdout, stderr and exit code.

use std::path::PathBuf;

/// One TLS connection of a transcript.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub client_cert_cn: Option<String>,
    pub request: Vec<u8>,
    pub response: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct Fixture {
    /// File stem, e.g. `01-lsxcatd-a`.
    pub name: String,
    /// The command line that was run (`# command:`), split on spaces.
    pub argv: Vec<String>,
    pub connections: Vec<Exchange>,
    pub stdout: String,
    pub stderr: String,
    pub exit_code: i32,
}

impl Fixture {
    /// The command name (argv[0]).
    pub fn command(&self) -> &str {
        self.argv.first().map(String::as_str).unwrap_or("")
    }

    /// The arguments after the command name.
    pub fn args(&self) -> Vec<String> {
        self.argv.iter().skip(1).cloned().collect()
    }

    /// The only connection's exchange (panics for multi-connection files).
    pub fn single(&self) -> &Exchange {
        assert_eq!(
            self.connections.len(),
            1,
            "{} has several connections",
            self.name
        );
        &self.connections[0]
    }
}

/// The captured stock fixtures kept in the repository (`tests/fixtures`).
pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// The stock wire transcripts (`tests/fixtures/wire`).
pub fn wire_dir() -> PathBuf {
    fixtures_dir().join("wire")
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// Read the `N bytes` block that starts at a `=== <KIND> (...): N bytes ===` line.
fn sized_block(text: &[u8], header_at: usize) -> (Vec<u8>, usize) {
    let line_end = find(text, b"\n", header_at).expect("header line");
    let header = String::from_utf8_lossy(&text[header_at..line_end]);
    let n: usize = header
        .split(": ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad header {header}"));
    let start = line_end + 1;
    (text[start..start + n].to_vec(), start + n)
}

fn between(text: &str, start: &str, end: &str) -> String {
    let s = text.find(start).map(|p| p + start.len()).expect(start);
    let e = text[s..].find(end).map(|p| p + s).expect(end);
    text[s..e].to_string()
}

/// Parse one transcript.
pub fn parse(name: &str, bytes: &[u8]) -> Fixture {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let argv = text
        .lines()
        .find_map(|l| l.strip_prefix("# command: "))
        .map(|c| c.split_whitespace().map(str::to_string).collect())
        .unwrap_or_default();
    let mut connections = Vec::new();
    let mut pos = 0;
    while let Some(conn_at) = find(bytes, b"##### connection ", pos) {
        let req_at = find(bytes, b"=== REQUEST (", conn_at).expect("request");
        let head = String::from_utf8_lossy(&bytes[conn_at..req_at]).into_owned();
        let client_cert_cn = head
            .lines()
            .find_map(|l| l.strip_prefix("# client_cert_cn: "))
            .map(str::to_string)
            .filter(|s| !s.is_empty() && s != "none" && s != "-");
        let (request, after) = sized_block(bytes, req_at);
        let resp_at = find(bytes, b"=== RESPONSE (", after).expect("response");
        let (response, after) = sized_block(bytes, resp_at);
        connections.push(Exchange {
            client_cert_cn,
            request,
            response,
        });
        pos = after;
    }
    let tail = &text[text.find("=== CLIENT STDOUT ===").expect("stdout marker")..];
    let stdout = between(tail, "=== CLIENT STDOUT ===\n", "=== CLIENT STDERR ===");
    let stderr = between(tail, "=== CLIENT STDERR ===\n", "=== CLIENT EXIT CODE: ");
    let exit_code = between(tail, "=== CLIENT EXIT CODE: ", " ===")
        .trim()
        .parse()
        .expect("exit code");
    Fixture {
        name: name.to_string(),
        argv,
        connections,
        stdout,
        stderr,
        exit_code,
    }
}

/// Every transcript, sorted by name.
pub fn fixtures() -> Vec<Fixture> {
    let dir = wire_dir();
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    names.sort();
    names
        .iter()
        .map(|p| {
            let stem = p
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            parse(
                &stem,
                &std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())),
            )
        })
        .collect()
}

/// One transcript by name prefix (`"01"` or `"01-lsxcatd-a"`).
pub fn fixture(prefix: &str) -> Fixture {
    fixtures()
        .into_iter()
        .find(|f| f.name.starts_with(prefix))
        .unwrap_or_else(|| panic!("no fixture {prefix}"))
}
