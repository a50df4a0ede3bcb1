//! The code-shape rule of the project, checked: no production function is longer than
//! 100 lines (from its `fn` line to its closing brace), and every source file starts
//! with a module doc (`//!`) saying what it owns. Production code is every `src/` of
//! the workspace's crates; tests, benches and examples are exempt from the length rule.
//! Regular expressions in production code compile through `xcat_schema::user_regex`
//! only, which guards the engine against patterns that allocate without bound.

use std::path::{Path, PathBuf};

const MAX_LINES: usize = 100;

/// The workspace crates whose `src/` is production code.
const CRATES: [&str; 11] = [
    "proto", "schema", "getopt", "handlers", "server", "net", "clients", "nimsim", "xcatha",
    "haagent", "tests",
];

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn sources() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for c in CRATES {
        rust_files(&repo().join(c).join("src"), &mut files);
    }
    files.sort();
    assert!(files.len() > 100, "found only {} source files", files.len());
    files
}

/// `(name, first line, length)` of each function whose body is a block that closes at
/// the `fn` line's indentation; `#[cfg(test)]` modules are skipped.
fn functions(text: &str) -> Vec<(String, usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if line.trim() == "#[cfg(test)]" {
            break; // test modules sit at the end of a file
        }
        let indent = line.len() - line.trim_start().len();
        let Some(name) = fn_name(line.trim_start()) else {
            i += 1;
            continue;
        };
        let one_line = line.contains('{') && line.matches('{').count() == line.matches('}').count();
        if line.trim_end().ends_with(';') || one_line {
            i += 1;
            continue;
        }
        let close = format!("{}}}", &line[..indent]);
        let end = (i + 1..lines.len()).find(|&j| lines[j].trim_end() == close);
        if let Some(end) = end {
            out.push((name, i + 1, end - i + 1));
            i = end;
        }
        i += 1;
    }
    out
}

fn fn_name(line: &str) -> Option<String> {
    let mut rest = line;
    for prefix in [
        "pub(crate) ",
        "pub(super) ",
        "pub ",
        "const ",
        "async ",
        "unsafe ",
    ] {
        rest = rest.strip_prefix(prefix).unwrap_or(rest);
    }
    let rest = rest.strip_prefix("fn ")?;
    let name: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then_some(name)
}

#[test]
fn no_production_function_is_longer_than_100_lines() {
    let mut long = Vec::new();
    for f in sources() {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        for (name, line, len) in functions(&text) {
            if len > MAX_LINES {
                let rel = f.strip_prefix(repo()).unwrap_or(&f).display().to_string();
                long.push(format!("{rel}:{line} {name}: {len} lines"));
            }
        }
    }
    assert!(
        long.is_empty(),
        "functions over {MAX_LINES} lines:\n{}",
        long.join("\n")
    );
}

#[test]
fn every_source_file_starts_with_a_module_doc() {
    let mut missing = Vec::new();
    for f in sources() {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        if !first.starts_with("//!") {
            missing.push(f.strip_prefix(repo()).unwrap_or(&f).display().to_string());
        }
    }
    assert!(missing.is_empty(), "no module doc:\n{}", missing.join("\n"));
}

#[test]
fn the_scanner_sees_functions_and_their_length() {
    let text = "//! x\nfn a() {\n    1;\n}\n\npub(crate) fn b(\n    x: u8,\n) -> u8 {\n    x\n}\n\
                impl S {\n    pub fn c(&self) {}\n    fn d(&self) {\n    }\n}\n";
    let f = functions(text);
    assert_eq!(
        f,
        [("a".into(), 2, 3), ("b".into(), 6, 5), ("d".into(), 13, 2)],
        "one-line bodies (c) are not counted"
    );
}

#[test]
fn regular_expressions_compile_through_user_regex_only() {
    let guard = repo().join("schema/src/user_regex.rs");
    let mut direct = Vec::new();
    for f in sources().into_iter().filter(|f| *f != guard) {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        let production = text.split("#[cfg(test)]").next().unwrap_or("");
        if production.contains("fancy_regex") {
            direct.push(f.strip_prefix(repo()).unwrap_or(&f).display().to_string());
        }
    }
    assert!(
        direct.is_empty(),
        "use xcat_schema::user_regex, not fancy_regex, in:\n{}",
        direct.join("\n")
    );
}
