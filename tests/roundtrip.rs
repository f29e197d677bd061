//! Every rendered vLLM command, read back by an argparse built from the embedded flag table
//! of the profile's version, gives exactly the profile's settings: no flag silently dropped,
//! renamed, or overridden by a later one.

use std::path::{Path, PathBuf};

use serde_json::Value;
use vprof::pipeline::{Pipeline, Target};
use vprof::project::Project;
use vprof::render::args::vllm_args;
use vprof::vllm::{parse_human_int, table};

#[path = "support/argparse.rs"]
mod argparse;
use argparse::parse_args;

fn targets(root: &Path) -> Vec<Target> {
    targets_in(root, &["profiles", "examples"])
}

fn targets_in(root: &Path, dirs: &[&str]) -> Vec<Target> {
    let mut out = Vec::new();
    for dir in dirs {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path: PathBuf = entry.unwrap().path();
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            if path.extension().is_some_and(|e| e == "toml") && !name.starts_with('_') {
                out.push(Target { path, name });
            }
        }
    }
    out
}

#[test]
fn rendered_commands_parse_back_to_the_profile() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut run = Pipeline::with_project(Project::with_root(root.to_path_buf()), root);
    let targets = targets(root);
    let profiles = run.load(&targets).unwrap();
    assert_eq!(profiles.len(), targets.len());
    assert!(profiles.len() >= 7);
    for p in &profiles {
        assert_round_trip(p);
    }
}

/// Render a profile's command, read it back with the emulated argparse of its version, and
/// compare with the profile.
fn assert_round_trip(p: &vprof::profile::Profile) {
    let args = vllm_args(p).unwrap();
    let parsed = parse_args(table(p.version), &args)
        .unwrap_or_else(|e| panic!("{} ({}): {e}\n{args:?}", p.name, p.version));
    let Value::Object(expected) = serde_json::to_value(p.vllm()).unwrap() else {
        panic!()
    };
    let mut compared = 0;
    for (key, want) in expected
        .iter()
        .filter(|(k, v)| !v.is_null() && *k != "api_key")
    {
        let got = &parsed[key.as_str()];
        let want = match want {
            Value::String(s)
                if matches!(key.as_str(), "max_model_len" | "max_num_batched_tokens") =>
            {
                Value::from(parse_human_int(s).unwrap())
            }
            Value::String(s) if key == "served_model_name" => {
                Value::Array(vec![Value::String(s.clone())])
            }
            other => other.clone(),
        };
        match (got.as_f64(), want.as_f64()) {
            // argparse's float() reads `4` as 4.0: the same setting.
            (Some(g), Some(w)) => assert_eq!(g, w, "{} ({}): vllm.{key}", p.name, p.version),
            _ => assert_eq!(got, &want, "{} ({}): vllm.{key}", p.name, p.version),
        }
        compared += 1;
    }
    assert_eq!(
        compared,
        parsed.len(),
        "{}: extra arguments in {args:?}",
        p.name
    );
    assert!(
        !args.iter().any(|a| a.contains("api-key")),
        "{}: the API key must not be on the command line",
        p.name
    );
}

/// The same round trip on older and middle releases: one profile per version with the
/// settings the shipped profiles use, each rendered and read back with that version's table.
#[test]
fn round_trip_on_more_versions() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("profiles")).unwrap();
    let versions = ["0.8.5.post1", "0.19.1", "0.27.1"];
    for v in versions {
        let text = format!(
            r#"[host]
gpu_count = 2
gpu_memory_gib = 80

[deploy]
image = "vllm/vllm-openai:v{v}"
gpu_ids = ["0", "1"]
shm_size = "16gb"

[vllm]
model = "Qwen/Qwen3-8B"
served_model_name = "qwen3"
tensor_parallel_size = 2
gpu_memory_utilization = 0.85
max_model_len = "32k"
max_num_seqs = 64
enable_prefix_caching = false
enable_chunked_prefill = true
kv_cache_dtype = "fp8"
dtype = "bfloat16"
enable_auto_tool_choice = true
tool_call_parser = "hermes"
hf_overrides = {{ rope_scaling = {{ rope_type = "yarn", factor = 4.0, original_max_position_embeddings = 32768 }} }}
"#
        );
        let name = format!("v{}", v.replace('.', "_"));
        std::fs::write(root.join("profiles").join(format!("{name}.toml")), text).unwrap();
    }
    let mut run = Pipeline::with_project(Project::with_root(root.to_path_buf()), root);
    let targets = targets_in(root, &["profiles"]);
    let profiles = run.load(&targets).unwrap();
    assert_eq!(profiles.len(), versions.len(), "{:?}", run.findings());
    let mut seen: Vec<&str> = profiles.iter().map(|p| p.version.as_str()).collect();
    seen.sort_unstable();
    assert_eq!(seen, ["0.19.1", "0.27.1", "0.8.5.post1"]);
    for p in &profiles {
        assert_round_trip(p);
    }
}
