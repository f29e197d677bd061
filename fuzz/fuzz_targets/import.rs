//! `vprof import` on arbitrary bytes read as a compose file: never a panic; every imported
//! profile round-trips as TOML and every note points at a line of the input
//! (`vprof::import::fuzz_one` asserts both).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| vprof::import::fuzz_one(data));
