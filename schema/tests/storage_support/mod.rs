//! Test support for the storage tests: the crate's `testing` module (fresh
//! SQLite directory / PostgreSQL database per test), compiled in by path
//! because a crate's integration tests cannot turn on its own features.
#![allow(dead_code)]

#[path = "../../src/testing.rs"]
mod testing;

pub use testing::*;

/// `Some("x")` helper.
pub fn s(v: &str) -> Option<String> {
    Some(v.to_string())
}
