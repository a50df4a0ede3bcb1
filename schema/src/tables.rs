//! Diesel `table!` definitions of all stock tables, generated from `xcat-schema.json`.
//! Key columns are `Text`, other columns `Nullable<Text>`, the log tables' `recid` is
//! `Integer`; Rust keywords get a trailing `_` with `sql_name` keeping the real name.
//! The dynamic layer in `db` does not need them; they are for typed Diesel code.
#![allow(missing_docs, unused_qualifications)]

include!(concat!(env!("OUT_DIR"), "/tables_gen.rs"));
