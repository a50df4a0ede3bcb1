fn main() { println!("cargo:rerun-if-changed=xcat-schema.json"); }
