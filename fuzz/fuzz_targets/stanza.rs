//! Fuzz target `stanza`: see [`xcatd_fuzz::stanza`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| xcatd_fuzz::stanza(data));
