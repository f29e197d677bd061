//! Results do not depend on the machine: a Hugging Face cache entry for a shipped model
//! planted under HOME changes nothing unless the profile (`deploy.hf_cache`) or the
//! environment (`HF_HUB_CACHE`, `HF_HOME`) asks for that cache; and every test that runs the
//! binary isolates HOME, the Hugging Face and the XDG variables.

mod support;

use std::path::Path;

use serde_json::Value;
use support::hermetic::{HERMETIC_VARS, Hermetic, root};

/// A config of Qwen/Qwen3-32B-AWQ that disagrees with the catalog (2 layers instead of 64).
const PLANTED: &str = r#"{"architectures": ["Qwen3ForCausalLM"], "num_hidden_layers": 2, "num_attention_heads": 64, "num_key_value_heads": 8, "head_dim": 128, "hidden_size": 5120, "intermediate_size": 25600, "vocab_size": 151936, "max_position_embeddings": 40960, "torch_dtype": "float16", "quantization_config": {"quant_method": "awq", "bits": 4, "group_size": 128}}"#;

/// Plant the entry in `hub` (a hub cache directory).
fn plant(hub: &Path) {
    let repo = hub.join("models--Qwen--Qwen3-32B-AWQ");
    let snap = repo.join("snapshots/feedface");
    std::fs::create_dir_all(&snap).unwrap();
    std::fs::create_dir_all(repo.join("refs")).unwrap();
    std::fs::write(repo.join("refs/main"), "feedface").unwrap();
    std::fs::write(snap.join("config.json"), PLANTED).unwrap();
}

/// A project with the shipped partial, with or without its `hf_cache` line, and `p`.
fn project(keep_hf_cache: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let profiles = dir.path().join("profiles");
    std::fs::create_dir_all(&profiles).unwrap();
    let partial = std::fs::read_to_string(root().join("profiles/_qwen3_32b_awq.toml")).unwrap();
    assert!(partial.contains("hf_cache = \"~/.cache/huggingface\"\n"));
    let partial = if keep_hf_cache {
        partial
    } else {
        partial.replace("hf_cache = \"~/.cache/huggingface\"\n", "")
    };
    std::fs::write(profiles.join("_qwen3_32b_awq.toml"), partial).unwrap();
    std::fs::write(profiles.join("p.toml"), "extends = \"_qwen3_32b_awq\"\n").unwrap();
    dir
}

fn facts_source(h: &Hermetic, dir: &Path, env: &[(&str, &Path)]) -> String {
    let mut cmd = h.vprof(dir, &["plan", "p", "--format", "json"]);
    for (k, v) in env {
        if *k == "HF_HOME" {
            // HF_HUB_CACHE would win over HF_HOME.
            cmd.env_remove("HF_HUB_CACHE");
        }
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    doc["facts_source"].as_str().unwrap().to_string()
}

#[test]
fn a_cache_under_home_is_read_only_when_asked_for() {
    let h = Hermetic::new();
    let home = h.dir_for("HOME");
    let hub = home.join(".cache/huggingface/hub");
    plant(&hub);
    let unasked = project(false);
    let baseline = facts_source(&h, unasked.path(), &[]);
    assert!(!baseline.contains("feedface"), "{baseline}");
    // HOME alone does not count: the same facts as with an empty home.
    let empty = Hermetic::new();
    assert_eq!(facts_source(&empty, unasked.path(), &[]), baseline);
    // The environment asks.
    let by_hub = facts_source(&h, unasked.path(), &[("HF_HUB_CACHE", &hub)]);
    assert!(by_hub.contains("feedface"), "{by_hub}");
    let hf_home = home.join(".cache/huggingface");
    let by_home = facts_source(&h, unasked.path(), &[("HF_HOME", &hf_home)]);
    assert!(by_home.contains("feedface"), "{by_home}");
    // The profile asks (`hf_cache = "~/.cache/huggingface"`, read under HOME).
    let asked = project(true);
    let by_profile = facts_source(&h, asked.path(), &[]);
    assert!(by_profile.contains("feedface"), "{by_profile}");
    assert_eq!(facts_source(&empty, asked.path(), &[]), baseline);
}

#[test]
fn every_test_that_runs_the_binary_is_hermetic() {
    let mut unguarded = Vec::new();
    for entry in std::fs::read_dir(root().join("tests")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let runs_binary = text.contains("CARGO_BIN_EXE_vprof") || text.contains("trycmd::");
        let isolated = text.contains("support::")
            || HERMETIC_VARS
                .iter()
                .all(|v| text.contains(&format!("\"{v}\"")));
        if runs_binary && !isolated {
            unguarded.push(path.display().to_string());
        }
    }
    assert!(unguarded.is_empty(), "not hermetic: {unguarded:?}");
}
