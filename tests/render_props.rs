//! Property test: hostile strings in `deploy.env` values and `served_model_name` always give
//! a compose file that parses, with the exact values once compose's `$$` is undone.

use proptest::prelude::*;

#[path = "support/argparse.rs"]
mod argparse;
use vprof::pipeline::{Pipeline, Target};

const BASE: &str = r#"
[host]
gpu_count = 1
[deploy]
image = "vllm/vllm-openai:v0.11.0"
gpu_ids = ["0"]
[vllm]
model = "Qwen/Qwen3-8B"
"#;

fn render(env_value: &str, served: &str) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let profiles = dir.path().join("profiles");
    std::fs::create_dir_all(&profiles).unwrap();
    let lit = |s: &str| toml::Value::String(s.to_string()).to_string();
    let text = format!(
        "{BASE}served_model_name = {}\n[deploy.env]\nV = {}\n",
        lit(served),
        lit(env_value)
    );
    std::fs::write(profiles.join("p.toml"), text).unwrap();
    let mut run = Pipeline::open(dir.path()).unwrap();
    let profiles = run
        .load(&[Target::from_path(profiles.join("p.toml"))])
        .unwrap();
    // A string may look like a token to `inline-secret`; that is a finding, not a render.
    if run.has_errors() {
        return None;
    }
    let files = vprof::render::render(&profiles, &run.project, dir.path(), None).unwrap();
    Some(files[0].text.clone())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn hostile_values_round_trip(
        env_value in "[$\"'#\\\\\n\t\r{}:\\[\\]&*!|>%@`,? a-zé漢😀\u{7}\u{85}\u{2028}\u{feff}-]{0,24}",
        served in "[-$\"'#\\\\\n{}: a-z😀\u{1b}]{1,16}",
    ) {
        let Some(text) = render(&env_value, &served) else { return Ok(()); };
        let doc: serde_norway::Value = serde_norway::from_str(&text)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let service = &doc["services"]["p"];
        prop_assert_eq!(service["environment"]["V"].as_str().unwrap().replace("$$", "$"), env_value);
        let command: Vec<&str> = service["command"].as_sequence().unwrap()
            .iter().map(|v| v.as_str().unwrap()).collect();
        let i = command.iter().position(|a| *a == "--served-model-name").unwrap();
        prop_assert_eq!(command[i + 1].replace("$$", "$"), served.clone());
        // What vLLM's argparse would make of the command: exactly the profile's values.
        let args: Vec<String> = command.iter().map(|a| a.replace("$$", "$")).collect();
        let parsed = argparse::parse_args(vprof::vllm::table(vprof::vllm::Version::embedded_named("0.11.0").unwrap()), &args)
            .map_err(|e| TestCaseError::fail(format!("{e}: {args:?}")))?;
        prop_assert_eq!(&parsed["served_model_name"], &serde_json::json!([served]));
        prop_assert_eq!(&parsed["model"], &serde_json::json!("Qwen/Qwen3-8B"));
    }
}

#[test]
fn the_base_profile_renders() {
    assert!(render("a $b", "c").is_some());
}
