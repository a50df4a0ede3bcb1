//! Generates the static schema data from `xcat-schema.json` (the one source of truth) into
//! OUT_DIR: the table registry (`registry_gen.rs`) and the object definitions
//! (`objects_gen.rs`). The CREATE TABLE text is not copied
//! from the JSON: `src/ddl.rs` derives it from the registry and a test compares the two.

use serde_json::Value;
use std::fmt::Write as _;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=xcat-schema.json");
    println!("cargo:rerun-if-changed=build.rs");
    let text = std::fs::read_to_string("xcat-schema.json").expect("read xcat-schema.json");
    let json: Value = serde_json::from_str(&text).expect("parse xcat-schema.json");
    let out = std::env::var("OUT_DIR").expect("OUT_DIR");
    let out = Path::new(&out);
    let tables = json["tables"].as_array().expect("tables[]");
    let mut registry = gen_registry(tables);
    registry.push_str(&gen_site_attributes(&json));
    std::fs::write(out.join("registry_gen.rs"), registry).expect("write registry");
    std::fs::write(out.join("objects_gen.rs"), gen_objects(&json)).expect("write objects");
}

fn s(v: &Value) -> &str {
    v.as_str().expect("string")
}

fn strs(v: &Value) -> Vec<&str> {
    v.as_array()
        .map(|a| a.iter().map(s).collect())
        .unwrap_or_default()
}

fn lit_list(items: &[&str]) -> String {
    let inner: Vec<String> = items.iter().map(|i| format!("{i:?}")).collect();
    format!("&[{}]", inner.join(", "))
}

fn opt_lit(v: &Value) -> String {
    match v.as_str() {
        Some(x) => format!("Some({x:?})"),
        None => "None".into(),
    }
}

fn gen_registry(tables: &[Value]) -> String {
    let mut o = String::from("/// Every stock table, in Schema.pm source order (generated).\n");
    o.push_str("pub static TABLES: &[TableDef] = &[\n");
    for t in tables {
        let types: Vec<String> = t["types"]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| format!("({k:?}, {:?})", s(v)))
                    .collect()
            })
            .unwrap_or_default();
        let _ = writeln!(
            o,
            "    TableDef {{ name: {:?}, cols: {}, keys: {}, required: {}, nodecol: {}, nodekey: {}, types: &[{}], tablespace: {}, compress: {} }},",
            s(&t["name"]),
            lit_list(&strs(&t["cols"])),
            lit_list(&strs(&t["keys"])),
            lit_list(&strs(&t["required"])),
            opt_lit(&t["nodecol"]),
            opt_lit(&t["nodekey"]),
            types.join(", "),
            opt_lit(&t["tablespace"]),
            opt_lit(&t["compress"]),
        );
    }
    o.push_str("];\n\n/// Index of a table in [`TABLES`] (generated).\n");
    o.push_str("fn table_index(name: &str) -> Option<usize> {\n    match name {\n");
    for (i, t) in tables.iter().enumerate() {
        let _ = writeln!(o, "        {:?} => Some({i}),", s(&t["name"]));
    }
    o.push_str("        _ => None,\n    }\n}\n");
    o
}

fn gen_objects(json: &Value) -> String {
    let objects = json["objects"].as_object().expect("objects");
    let order = strs(&json["object_order"]);
    let mut o = String::new();
    for name in &order {
        let ob = &objects[*name];
        let ident = format!("ATTRS_{}", name.to_uppercase());
        let _ = writeln!(o, "static {ident}: &[AttrDef] = &[");
        for a in ob["attrs"].as_array().expect("attrs") {
            let lookups: Vec<String> = a["lookup"]
                .as_array()
                .map(|l| {
                    l.iter()
                        .map(|l| {
                            let kind = match s(&l["kind"]) {
                                "attr" => "LookupKind::Attr",
                                "str" => "LookupKind::Str",
                                k => panic!("unknown lookup kind {k}"),
                            };
                            format!(
                                "Lookup {{ table: {:?}, column: {:?}, kind: {kind}, value: {:?} }}",
                                s(&l["table"]),
                                s(&l["column"]),
                                s(&l["value"])
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            let only_if = match a.get("only_if_parsed").filter(|v| !v.is_null()) {
                Some(p) => format!(
                    "Some(OnlyIf {{ attr: {:?}, value: {:?} }})",
                    s(&p["attr"]),
                    s(&p["value"])
                ),
                None => "None".into(),
            };
            let shadowed = a
                .get("shadowed_in_attrhash")
                .and_then(|v| v.as_bool())
                .unwrap_or(false);
            let _ = writeln!(
                o,
                "    AttrDef {{ attr_name: {:?}, table: {:?}, column: {:?}, lookup: &[{}], only_if: {only_if}, shadowed: {shadowed} }},",
                s(&a["attr_name"]),
                s(&a["table"]),
                s(&a["column"]),
                lookups.join(", ")
            );
        }
        o.push_str("];\n");
    }
    o.push_str("\n/// Every object type in stock `object_order` (generated).\npub static OBJECTS: &[ObjectDef] = &[\n");
    for name in &order {
        let ob = &objects[*name];
        let _ = writeln!(
            o,
            "    ObjectDef {{ name: {name:?}, objkey: {:?}, attrs: ATTRS_{} }},",
            s(&ob["objkey"]),
            name.to_uppercase()
        );
    }
    o.push_str("];\n");
    o
}

/// The documented site keys (`site_attributes`: name and category, in the schema's order).
fn gen_site_attributes(json: &Value) -> String {
    let mut o = String::from(
        "\n/// The documented site keys and their categories, in Schema.pm order (generated).\n",
    );
    o.push_str("pub static SITE_ATTRIBUTES: &[(&str, &str)] = &[\n");
    for a in json["site_attributes"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[])
    {
        let _ = writeln!(o, "    ({:?}, {:?}),", s(&a["name"]), s(&a["category"]));
    }
    o.push_str("];\n");
    o
}
