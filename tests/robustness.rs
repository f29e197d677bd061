//! Bad input never panics: arbitrary bytes, arbitrary TOML-shaped text and hostile values go
//! through loading, schema, extends and every rule, and the findings still render.

use proptest::prelude::*;
use vprof::diagnostics::{render_human, render_json};
use vprof::pipeline::{Pipeline, Target};
use vprof::project::Project;

const BASE: &str = r#"
[host]
gpu_count = 2
gpu_memory_gib = 24
[deploy]
image = "vllm/vllm-openai:v0.11.0"
gpu_ids = ["0", "1"]
[vllm]
model = "Qwen/Qwen3-8B"
tensor_parallel_size = 2
"#;

/// Validate `text` as `profiles/p.toml` next to a valid partial `_base.toml`.
fn validate(text: &[u8]) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let profiles = dir.path().join("profiles");
    std::fs::create_dir_all(&profiles).unwrap();
    std::fs::write(profiles.join("_base.toml"), BASE).unwrap();
    std::fs::write(profiles.join("p.toml"), text).unwrap();
    let mut run = Pipeline::with_project(Project::with_root(dir.path().to_path_buf()), dir.path());
    let target = Target::from_path(profiles.join("p.toml"));
    run.load(&[target]).unwrap();
    let human = render_human(run.findings().iter(), &run.sources, false);
    let json = render_json(run.findings().iter(), &run.sources);
    assert!(serde_json::from_str::<serde_json::Value>(&json).is_ok());
    assert!(human.is_empty() == run.findings().is_empty());
    run.findings().len()
}

/// Lines that look like profile content, to reach past the TOML parser.
fn toml_line() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        Just("extends"),
        Just("description"),
        Just("host"),
        Just("[deploy]"),
        Just("[vllm]"),
        Just("[host]"),
        Just("[vllm.hf_overrides]"),
        Just("gpu_ids"),
        Just("image"),
        Just("port"),
        Just("tensor_parallel_size"),
        Just("gpu_memory_utilization"),
        Just("max_model_len"),
        Just("api_key"),
        Just("env"),
        Just("secrets"),
        Just("enable_prefix_caching"),
        Just("model"),
        Just("swap_space"),
        Just("rope_scaling"),
        Just("gpu_count"),
        Just("gpu_memory_gib"),
    ];
    let value = prop_oneof![
        any::<i64>().prop_map(|i| i.to_string()),
        any::<f64>().prop_map(|f| format!("{f:?}")),
        any::<bool>().prop_map(|b| b.to_string()),
        "\\PC{0,40}".prop_map(|s| format!("{s:?}")),
        Just("[\"0\", \"0\", \"9\"]".to_string()),
        Just("{ env = \"X\" }".to_string()),
        Just("\"_base\"".to_string()),
        Just("\"p\"".to_string()),
        Just("[[[[1]]]]".to_string()),
        Just("1979-05-27T07:32:00Z".to_string()),
    ];
    (key, value).prop_map(|(k, v)| {
        if k.starts_with('[') {
            k.to_string()
        } else {
            format!("{k} = {v}")
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        validate(&bytes);
    }

    #[test]
    fn profile_shaped_text_never_panics(lines in proptest::collection::vec(toml_line(), 0..16)) {
        let mut text = String::from("extends = \"_base\"\n");
        text.push_str(&lines.join("\n"));
        validate(text.as_bytes());
    }
}

#[test]
fn deep_nesting_and_huge_values_are_findings() {
    let deep = format!("x = {}{}", "[".repeat(50_000), "]".repeat(50_000));
    assert!(validate(deep.as_bytes()) > 0);
    let inline = format!("x = {}1{}", "{a=".repeat(5_000), "}".repeat(5_000));
    assert!(validate(inline.as_bytes()) > 0);
    let big = format!("description = \"{}\"", "a".repeat(2 << 20));
    assert!(validate(big.as_bytes()) > 0);
    assert!(validate(b"port = 99999999999999999999999") > 0);
    assert!(validate(b"extends = \"p\"") > 0);
}
