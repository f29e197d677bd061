//! `vprof validate` on arbitrary bytes: load, every check, both printers; the JSON printer
//! always prints valid JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vprof::diagnostics::{render_human, render_json};

fuzz_target!(|data: &[u8]| {
    let (run, _) = vprof_fuzz::load(&[("p.toml", data)]);
    let human = render_human(run.findings().iter(), &run.sources, false);
    let json = render_json(run.findings().iter(), &run.sources);
    assert!(serde_json::from_str::<serde_json::Value>(&json).is_ok(), "{json}");
    assert_eq!(human.is_empty(), run.findings().is_empty());
});
