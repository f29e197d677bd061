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
    let mut out = Vec::new();
    for dir in ["profiles", "examples"] {
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
        let args = vllm_args(p).unwrap();
        let parsed = parse_args(table(p.version), &args)
            .unwrap_or_else(|e| panic!("{}: {e}\n{args:?}", p.name));
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
                (Some(g), Some(w)) => assert_eq!(g, w, "{}: vllm.{key}", p.name),
                _ => assert_eq!(got, &want, "{}: vllm.{key}", p.name),
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
}
