//! Fuzz target `noderange`: see [`xcatd_fuzz::noderange`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| xcatd_fuzz::noderange(data));
