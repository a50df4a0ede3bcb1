//! The DDL generated from the registry equals the JSON's stock `ddl` text for every table and
//! backend, and the registry agrees with the JSON.

use xcat_schema::ddl::{create_table, DdlBackend};
use xcat_schema::registry;

fn json() -> serde_json::Value {
    let p = concat!(env!("CARGO_MANIFEST_DIR"), "/xcat-schema.json");
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

#[test]
fn ddl_equals_stock_text_for_every_table_and_backend() {
    let j = json();
    let tables = j["tables"].as_array().unwrap();
    assert_eq!(tables.len(), 73);
    let mut bad = Vec::new();
    for t in tables {
        let name = t["name"].as_str().unwrap();
        let def = registry::table(name).unwrap();
        for b in [
            DdlBackend::Sqlite,
            DdlBackend::Pg,
            DdlBackend::Mysql,
            DdlBackend::Db2,
        ] {
            let want = t["ddl"][b.json_name()].as_str().unwrap();
            let got = create_table(def, b);
            if want != got {
                bad.push(format!("{name}/{}:\n{got:?}\n!=\n{want:?}", b.json_name()));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn registry_matches_json() {
    let j = json();
    let tables = j["tables"].as_array().unwrap();
    assert_eq!(registry::tables().len(), tables.len());
    for (t, def) in tables.iter().zip(registry::tables()) {
        assert_eq!(t["name"].as_str().unwrap(), def.name);
        let cols: Vec<&str> = t["cols"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        assert_eq!(cols, def.cols);
        assert_eq!(t["nodekey"].as_str(), def.nodekey);
    }
    let node = xcat_schema::objects::object("node").unwrap();
    assert_eq!(node.attrs.len(), 233);
    assert_eq!(node.attr_names().len(), 194);
    assert_eq!(xcat_schema::objects::objects().len(), 23);
    assert_eq!(xcat_schema::objects::objects()[0].name, "node");
}

#[test]
fn generated_migration_files_are_up_to_date() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations");
    for (rel, text) in xcat_schema::ddl::migration_files() {
        let path = format!("{dir}/{rel}");
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            on_disk == text,
            "{path} is stale: run `cargo run -p xcat-schema --bin gen-migrations`"
        );
    }
}
