//! The README's command map stays true: every command of the handler registry and every
//! daemon built-in has a row, and every file it names exists.

use std::collections::BTreeMap;
use std::path::PathBuf;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `command → file` from the `### Command map` table (aliases share a row).
fn map() -> BTreeMap<String, String> {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let section = readme
        .split("### Command map")
        .nth(1)
        .expect("README has a '### Command map' section");
    let mut out = BTreeMap::new();
    for line in section.lines().skip_while(|l| !l.starts_with('|')) {
        if !line.starts_with('|') {
            break;
        }
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        let [commands, file] = cells[..] else {
            panic!("bad map row: {line}");
        };
        if !commands.starts_with('`') {
            continue; // header and rule rows
        }
        let file = file.trim_matches('`').to_string();
        for c in commands.split(',') {
            out.insert(c.trim().trim_matches('`').to_string(), file.clone());
        }
    }
    out
}

#[test]
fn every_served_command_is_in_the_readme_map() {
    let map = map();
    let registry = xcat_handlers::registry();
    let served = registry
        .commands()
        .into_iter()
        .chain(xcatd::builtins::COMMANDS.iter().copied());
    for command in served {
        let file = map
            .get(command)
            .unwrap_or_else(|| panic!("README command map lacks `{command}`"));
        assert!(
            repo().join(file).is_file(),
            "README maps `{command}` to {file}, which does not exist"
        );
    }
}

#[test]
fn every_file_in_the_readme_map_exists() {
    for (command, file) in map() {
        assert!(
            repo().join(&file).is_file(),
            "README maps `{command}` to {file}, which does not exist"
        );
    }
}
