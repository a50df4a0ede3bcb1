//! Writes the generated migration files (`migrations/{sqlite,postgres}/<version>/up.sql`,
//! `down.sql`, `migrations/db2/xcat-tables.sql`) from the registry.
//! Usage: `cargo run -p xcat-schema --bin gen-migrations [MIGRATIONS_DIR]`.

use std::path::PathBuf;

fn main() {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations")));
    for (rel, text) in xcat_schema::ddl::migration_files() {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            if let Err(e) = std::fs::create_dir_all(parent) {
                eprintln!("cannot create {}: {e}", parent.display());
                std::process::exit(1);
            }
        }
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("cannot write {}: {e}", path.display());
            std::process::exit(1);
        }
        println!("wrote {}", path.display());
    }
}
