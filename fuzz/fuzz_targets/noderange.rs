//! Fuzz target `noderange`: see [`xcatd_fuzz::noderange_one_mode`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| xcatd_fuzz::noderange_one_mode(data));
