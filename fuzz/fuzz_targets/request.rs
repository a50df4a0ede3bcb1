//! Fuzz target `request`: see [`xcatd_fuzz::request`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| xcatd_fuzz::request(data));
