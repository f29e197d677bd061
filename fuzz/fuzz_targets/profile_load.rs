//! Profile parsing and resolution, `extends` included: two files from one input (split at
//! the first 0xFF byte, which UTF-8 never holds): `p.toml` and `_c.toml`; either may
//! extend `_b` (valid), `_c`, `p` (a cycle) or anything else.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (p, c) = match data.iter().position(|b| *b == 0xFF) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &b""[..]),
    };
    let (run, profiles) = vprof_fuzz::load(&[("p.toml", p), ("_c.toml", c)]);
    // A profile is built only when no error was found on the way.
    if !profiles.is_empty() {
        assert!(!run.findings().iter().any(|d| d.is_error() && d.check.name() == "syntax"));
    }
});
