//! The client prints exactly what the stock client printed for every
//! recorded response stream (no server involved: the fixture's response
//! bytes go through the client's reader and printer), and builds
//! byte-identical requests for the recorded command lines.

use std::collections::BTreeMap;
use std::path::PathBuf;
use xcat_client::cli::{print_stream, resolve, Action};
use xcat_client::request::{build, Built, FakeStdin, Invocation};
use xcat_proto::parse_document;
use xcat_proto::tree::MapExt;
use xcat_tests::fixtures;

#[test]
fn every_fixture_response_prints_as_stock() {
    let mut checked = 0;
    for f in fixtures() {
        if f.connections.len() != 1 {
            continue; // dumpxCATdb: its output is the script's own (see client_mock tests)
        }
        let p = print_stream(&f.single().response, false);
        assert_eq!(p.stdout, f.stdout, "{}: stdout", f.name);
        assert_eq!(p.stderr, f.stderr, "{}: stderr", f.name);
        assert_eq!(p.exit_code, f.exit_code, "{}: exit code", f.name);
        checked += 1;
    }
    assert!(checked >= 25, "only {checked} fixtures checked");
}

#[test]
fn responses_split_at_every_byte_print_the_same() {
    use xcat_client::reader::{is_serverdone, parse_response, DocReader};
    let f = xcat_tests::fixture("13");
    let bytes = &f.single().response;
    for step in [1usize, 7, 100] {
        let mut reader = DocReader::new();
        let mut out = xcat_client::Printed::new();
        let mut done = false;
        for chunk in bytes.chunks(step) {
            reader.push(chunk);
            while let Some(doc) = reader.next_doc() {
                let r = parse_response(&doc).unwrap().unwrap();
                xcat_client::render(&r, false, &mut out);
                done |= is_serverdone(&r);
            }
        }
        assert!(done);
        assert_eq!(out.stdout, f.stdout, "step {step}");
    }
}

fn build_for(argv: &[String], cwd: PathBuf) -> Vec<u8> {
    let env: BTreeMap<String, String> = [("TERM".to_string(), "xterm".to_string())].into();
    let Action::Command {
        command,
        style,
        args,
    } = resolve(&argv[0], argv[1..].to_vec())
    else {
        panic!("not a plain command: {argv:?}");
    };
    let inv = Invocation {
        command,
        style,
        args,
        cwd,
        env: &env,
    };
    match build(&inv, &mut FakeStdin::dev_null()) {
        Built::Send { request, .. } => request.to_xml(),
        Built::Exit(p) => panic!("{argv:?} exited: {p:?}"),
    }
}

#[test]
fn every_fixture_request_is_built_byte_identical() {
    let mut checked = 0;
    for f in fixtures() {
        if f.connections.len() != 1 {
            continue;
        }
        let mut argv = f.argv.clone();
        let _dir;
        if f.command() == "tabrestore" {
            // Recreate the CSV file from the recorded data lines.
            let req = parse_document(&f.single().request).unwrap();
            let content: String = req.map.texts("data").concat();
            let dir = tempfile::tempdir().unwrap();
            let name = std::path::Path::new(&argv[1])
                .file_name()
                .unwrap()
                .to_owned();
            let path = dir.path().join(name);
            std::fs::write(&path, content).unwrap();
            argv[1] = path.to_string_lossy().into_owned();
            _dir = dir;
        }
        let built = build_for(&argv, PathBuf::from("/tmp"));
        assert_eq!(
            String::from_utf8_lossy(&built),
            String::from_utf8_lossy(&f.single().request),
            "{}",
            f.name
        );
        checked += 1;
    }
    assert!(checked >= 25, "only {checked} fixtures checked");
}
