//! The embedded flag tables are exactly what `tools/derive_flag_tables.py` derives from the
//! introspected vLLM parsers committed in `data/vllm/dumps/`. A missing dump, a missing
//! python3 or a stale table fails the test.

use std::path::Path;
use std::process::Command;

#[test]
fn embedded_tables_match_the_parser_dumps() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("python3")
        .arg(root.join("tools/derive_flag_tables.py"))
        .arg("--check")
        .output()
        .expect("python3 must be installed to check the flag tables");
    assert!(
        out.status.success(),
        "tools/derive_flag_tables.py --check failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_derivation_fails_without_its_input() {
    // Run a copy of the tool in a directory without data/vllm/dumps: it must not pass.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = std::env::temp_dir().join(format!("vprof-flag-tables-{}", std::process::id()));
    std::fs::create_dir_all(tmp.join("tools/vllm")).unwrap();
    for tool in ["tools/derive_flag_tables.py", "tools/vllm/dump_table.py"] {
        std::fs::copy(root.join(tool), tmp.join(tool)).unwrap();
    }
    let out = Command::new("python3")
        .arg(tmp.join("tools/derive_flag_tables.py"))
        .arg("--check")
        .output()
        .expect("python3 runs");
    std::fs::remove_dir_all(&tmp).unwrap();
    assert!(!out.status.success(), "the check passed without any dump");
}

#[test]
fn every_embedded_version_expands_to_its_own_derivation() {
    // The shared file (each fact once, with its version range) gives back, version by
    // version, exactly what the per-version derivation gives.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("python3")
        .arg(root.join("tools/derive_flag_tables.py"))
        .args(["--print", "all"])
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let derived: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(derived.len(), vprof::vllm::Version::embedded().len());
    for table in derived {
        let name = table["version"].as_str().unwrap();
        let embedded = vprof::vllm::embedded_table(name).unwrap();
        assert_eq!(serde_json::to_value(&embedded).unwrap(), table, "{name}");
    }
}
