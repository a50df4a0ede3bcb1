//! Fuzz target `regexattr`: see [`xcatd_fuzz::regexattr`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| xcatd_fuzz::regexattr(data));
