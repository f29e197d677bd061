//! The embedded flag tables are exactly what `tools/derive_flag_tables.py` derives from the
//! introspected vLLM parsers in `../shared/vllm/` (when that folder is present).

use std::path::Path;
use std::process::Command;

#[test]
fn embedded_tables_match_the_parser_dumps() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if !root.join("../shared/vllm/serve-args-0.11.0.json").is_file() {
        // ../shared/vllm is not beside this checkout: nothing to compare against.
        return;
    }
    let out = Command::new("python3")
        .arg(root.join("tools/derive_flag_tables.py"))
        .arg("--check")
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
