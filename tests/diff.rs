//! `vprof diff A B`: differing keys with vLLM's defaults, then the diff of the rendered files.

mod support;

use std::process::{Command, Stdio};

fn diff(dir: &std::path::Path, extra: &[&str]) -> (i32, String) {
    let home = support::hermetic::Hermetic::new();
    let out = home
        .apply(&mut Command::new(env!("CARGO_BIN_EXE_vprof")))
        .args(["diff", "chunked_only_safe", "omits"])
        .args(extra)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let profiles = dir.path().join("profiles");
    std::fs::create_dir_all(&profiles).unwrap();
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("profiles");
    for name in ["_qwen3_32b_awq.toml", "chunked_only_safe.toml"] {
        std::fs::copy(repo.join(name), profiles.join(name)).unwrap();
    }
    // Omits the three keys chunked_only_safe sets.
    std::fs::write(
        profiles.join("omits.toml"),
        "extends = \"_qwen3_32b_awq\"\n",
    )
    .unwrap();
    dir
}

#[test]
fn absent_vllm_keys_show_the_default_of_their_version() {
    let dir = project();
    let (code, out) = diff(dir.path(), &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("vllm.enable_prefix_caching   false"), "{out}");
    assert!(out.contains("| (vLLM default: engine decides)\n"), "{out}");
    assert!(out.contains("| (default) 0.9\n"), "{out}");
    assert!(out.contains("--- a/chunked_only_safe/compose.yaml\n+++ b/omits/compose.yaml\n"));
    assert!(out.contains("-      - \"--no-enable-prefix-caching\"\n"));
}

#[test]
fn json_is_one_document() {
    let dir = project();
    let (code, out) = diff(dir.path(), &["--format", "json"]);
    assert_eq!(code, 0);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["a"], "chunked_only_safe");
    let key = doc["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["key"] == "vllm.enable_prefix_caching")
        .unwrap();
    assert_eq!(key["a"], false);
    assert_eq!(key["b"], serde_json::Value::Null);
    assert_eq!(key["b_default"], true);
    assert!(
        doc["compose_diff"]
            .as_str()
            .unwrap()
            .contains("--enable-chunked-prefill")
    );
}
