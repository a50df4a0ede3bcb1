//! Fuzz target `csv`: see [`xcatd_fuzz::csv`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| xcatd_fuzz::csv(data));
