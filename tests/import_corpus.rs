//! The measure of `vprof import` (issue 10): import every vLLM service of the corpus
//! (`tests/fixtures/corpus/`, see its SOURCE.md), render each imported profile, and compare the
//! effective vLLM arguments of the rendered command with the original command's.
//!
//! Both sides go through the same reading: the importer's argument parser on the flag table of
//! the image's version, `-`/`_` and `--x=v`/`--x v` normalised, last one wins, values compared
//! by value (`0.70` = `0.7`, JSON by structure). `--host`/`--port` are not compared (vprof
//! publishes the container's port 8000 at the original host port, checked separately), and the
//! API key is compared as the variable it is read from (vprof passes it as `VLLM_API_KEY`).
//! A service whose vLLM arguments are not in the compose file (an entrypoint script) counts
//! as a difference.
//!
//! Each file is imported with the env file its authors run it with (`env_file_of`), both
//! sides read under the same variable values; no secret value of those files (nor the
//! redacted key) may reach a profile or a note.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};
use vprof::diagnostics::{Diagnostics, SourceMap};
use vprof::import::{self, Input, Lines, Token, Values};
use vprof::profile::Loader;
use vprof::project::Project;
use vprof::render::compose;
use vprof::vllm::{Pinning, Tables, Version, table, target};

const CORPUS: &str = "tests/fixtures/corpus";
/// What the importer achieves, so that a regression fails (see README, "Importing compose
/// files"): 42 of 48 (87.5%), 42 of the 43 whose vLLM arguments are in the compose file. The
/// 90% asked for is out of reach: 5 services start a script that is not in the corpus.
const REQUIRED_SAME: usize = 42;

fn corpus_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "yml") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(Path::new(CORPUS), &mut out);
    out.sort();
    assert_eq!(
        out.len(),
        50,
        "the corpus fixtures are missing or incomplete"
    );
    out
}

/// The env file the corpus's authors run a compose file with: `configs/docker/profiles/**`
/// name `--env-file myia_vllm/.env` in their comments, whose template is `.env.example`; the
/// older `configs/docker/docker-compose-*.yml` date from the same commit as
/// `configs/.env.example`, the template of their `.env`, the only one that sets every
/// `GPU_MEMORY_UTILIZATION_*` they read (`_LARGE` included).
fn env_file_of(compose: &Path) -> PathBuf {
    let profiles = Path::new(CORPUS).join("configs/docker/profiles");
    if compose.starts_with(&profiles) {
        Path::new(CORPUS).join(".env.example")
    } else {
        Path::new(CORPUS).join("configs/.env.example")
    }
}

fn env_values(compose: &Path) -> Values {
    let file = env_file_of(compose);
    let text = std::fs::read_to_string(&file)
        .unwrap_or_else(|e| panic!("{}: {e}: the corpus env files are missing", file.display()));
    let mut values = Values::default();
    values.read(&file.to_string_lossy(), &text).unwrap();
    values
}

/// The version whose flags read the original command: the image tag's, else (a floating or
/// custom tag) the newest version that accepts every flag, as the importer infers it.
/// A version tag without a table is read with the newest table, as the importer does.
fn version(image: &str, args: &[Token]) -> Version {
    let found = target(image, None, None, &Tables::default());
    match found.pinning {
        Pinning::VersionTag if found.problem.is_none() => found.version,
        // a version without a table: the tag still says which, nothing to infer
        Pinning::VersionTag => Version::newest(),
        _ => import::newest_accepting(args).map_or_else(Version::newest, |i| i.version),
    }
}

/// The original command's effective arguments, read like the importer reads them.
fn original(text: &str, service: &str, values: &Values) -> Result<BTreeMap<String, Value>, String> {
    let doc = import::parse_yaml(text).map_err(|e| e.message)?;
    let svc = doc
        .get("services")
        .and_then(|s| s.get(service))
        .ok_or("no service")?;
    let raw_image = svc
        .get("image")
        .and_then(|n| n.as_str())
        .unwrap_or("vllm/vllm-openai:latest");
    let image = import::interpolate(raw_image, values)?.text;
    let lines = Lines::new(text);
    let inv = import::invocation(svc.get("entrypoint"), svc.get("command"), &lines, values)
        .map_err(|e| e.message)?;
    let t = table(version(&image, &inv.args));
    let (args, _) = import::parse_args(&inv.args, t);
    let mut eff = import::effective(&args, t);
    if let Some(m) = &inv.model {
        eff.entry("model".into()).or_insert(json!(m.text));
    }
    eff.remove("host");
    eff.remove("port");
    let key = match eff.remove("api_key") {
        Some(Value::String(k)) => Some(k),
        Some(Value::Array(mut keys)) if keys.len() == 1 => {
            keys.pop().and_then(|k| k.as_str().map(str::to_string))
        }
        _ => None,
    };
    if let Some(key) = key {
        // A literal default of `${VAR:-default}` is read from VAR, as the importer does.
        let var = inv
            .vars
            .iter()
            .find(|(_, v)| v.value.as_deref() == Some(key.as_str()))
            .map_or_else(
                || {
                    key.trim_start_matches("${")
                        .trim_end_matches('}')
                        .to_string()
                },
                |(_, v)| v.name.clone(),
            );
        eff.insert("api_key".into(), json!(format!("env:{var}")));
    } else if let Some(env) = svc.get("environment") {
        let items: Vec<String> = env
            .as_seq()
            .map(|s| {
                s.iter()
                    .filter_map(|n| n.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        for item in items {
            if let Some(v) = item.strip_prefix("VLLM_API_KEY=") {
                let i = import::interpolate(v, values).unwrap();
                let var = i
                    .text
                    .trim_start_matches("${")
                    .trim_end_matches('}')
                    .to_string();
                eff.insert("api_key".into(), json!(format!("env:{var}")));
            }
        }
    }
    Ok(eff)
}

/// The rendered profile's effective arguments.
fn rendered(profile: &vprof::profile::Profile) -> Result<BTreeMap<String, Value>, String> {
    let service = compose::service(profile).map_err(|e| e.to_string())?;
    let tokens: Vec<Token> = service
        .command
        .iter()
        .map(|a| Token {
            text: a.clone(),
            line: 0,
        })
        .collect();
    let t = table(profile.version);
    let (args, dropped) = import::parse_args(&tokens, t);
    if let Some(d) = dropped.first() {
        return Err(format!("rendered command unreadable: {}", d.message));
    }
    let mut eff = import::effective(&args, t);
    if let Some(var) = service
        .environment
        .iter()
        .find(|e| e.name == compose::API_KEY_VAR)
    {
        eff.insert("api_key".into(), json!(format!("env:{}", var.value)));
    }
    Ok(eff)
}

/// vLLM's own replacements of flags it removed, applied to both sides before comparing
/// (the importer writes the replacement; an old server read the old flag the same way):
/// `rope_scaling`/`rope_theta` are `hf_overrides` entries, `enable_reasoning` is implied by
/// `reasoning_parser`, `speculative_model` is `speculative_config.model`.
fn canonical(mut eff: BTreeMap<String, Value>) -> BTreeMap<String, Value> {
    for key in ["rope_scaling", "rope_theta"] {
        if let Some(v) = eff.remove(key) {
            let mut overrides = match eff.remove("hf_overrides") {
                Some(Value::Object(m)) => m,
                _ => serde_json::Map::new(),
            };
            overrides.entry(key.to_string()).or_insert(v);
            eff.insert("hf_overrides".into(), Value::Object(overrides));
        }
    }
    if eff.contains_key("reasoning_parser") && eff.get("enable_reasoning") == Some(&json!(true)) {
        eff.remove("enable_reasoning");
    }
    if let Some(model) = eff.remove("speculative_model") {
        let mut config = serde_json::Map::new();
        config.insert("model".into(), model);
        if let Some(n) = eff.remove("num_speculative_tokens") {
            config.insert("num_speculative_tokens".into(), n);
        }
        eff.entry("speculative_config".into())
            .or_insert(Value::Object(config));
    }
    eff
}

/// The same value: numbers by value (`16` is `16.0`, as vLLM's `float("16")`), the rest
/// by structure.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

fn differences(a: &BTreeMap<String, Value>, b: &BTreeMap<String, Value>) -> Vec<String> {
    let mut out = Vec::new();
    for (k, v) in a {
        match b.get(k) {
            None => out.push(format!("{k}: lost ({v})")),
            Some(w) if !same(v, w) => out.push(format!("{k}: {v} → {w}")),
            _ => {}
        }
    }
    for (k, w) in b {
        if !a.contains_key(k) {
            out.push(format!("{k}: added ({w})"));
        }
    }
    out
}

#[test]
fn corpus_imports_with_identical_vllm_arguments() {
    let files = corpus_files();
    let inputs: Vec<Input> = files
        .iter()
        .map(|p| {
            Input::new(
                p.to_string_lossy().into_owned(),
                &std::fs::read_to_string(p).unwrap(),
            )
            .with_values(env_values(p))
        })
        .collect();
    let result = import::import(&inputs, None);
    // the redacted key, and the values the env files give secrets (`HF_TOKEN=hf_YOUR_...`)
    let mut secrets = vec![String::from("REDACTED_HARDCODED_KEY")];
    for input in &inputs {
        for (name, set) in input.values.iter() {
            if import::is_secret_name(name) && !secrets.contains(&set.value) {
                secrets.push(set.value.clone());
            }
        }
    }
    assert!(
        secrets.len() > 4,
        "the env files set no secrets: {secrets:?}"
    );
    for note in result.notes.iter().flatten() {
        for secret in &secrets {
            assert!(
                !note.message.contains(secret.as_str()),
                "a secret in a note: {}",
                note.message
            );
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let project = Project::with_root(dir.path().to_path_buf());
    std::fs::create_dir_all(&project.profiles_dir).unwrap();
    for o in result.partials.iter().chain(&result.profiles) {
        let text = o.text(&inputs);
        for secret in &secrets {
            assert!(
                !text.contains(secret.as_str()),
                "a secret was copied into {}",
                o.name
            );
        }
        std::fs::write(project.profiles_dir.join(format!("{}.toml", o.name)), text).unwrap();
    }
    let mut sources = SourceMap::default();
    let mut diags = Diagnostics::default();
    let mut loader = Loader::new(&project, dir.path(), &mut sources, &mut diags);
    let mut same = Vec::new();
    let mut differ: Vec<(String, String)> = Vec::new();
    for o in &result.profiles {
        let (file, service) = o.source.clone().unwrap();
        let label = format!(
            "{}:{service}",
            inputs[file].display.trim_start_matches(CORPUS)
        );
        let path = project.profiles_dir.join(format!("{}.toml", o.name));
        let Some(profile) = loader.profile(&path, &o.name).unwrap() else {
            differ.push((label, String::from("the imported profile does not load")));
            continue;
        };
        let before = original(&inputs[file].text, &service, &inputs[file].values).unwrap();
        match rendered(&profile) {
            Ok(after) => {
                let diff = differences(&canonical(before.clone()), &canonical(after));
                if diff.is_empty() {
                    same.push(label);
                } else {
                    differ.push((label, diff.join("; ")));
                }
            }
            Err(e) => differ.push((label, e)),
        }
    }
    // vLLM services that could not be imported at all.
    for (file, notes) in result.notes.iter().enumerate() {
        for n in notes.iter().filter(|n| n.message.starts_with("service `")) {
            differ.push((
                format!(
                    "{}:{}",
                    inputs[file].display.trim_start_matches(CORPUS),
                    n.line
                ),
                n.message.clone(),
            ));
        }
    }
    drop(loader);
    let schema_errors: Vec<&str> = diags
        .iter()
        .filter(|d| d.is_error() && matches!(d.check.name(), "schema" | "syntax" | "extends"))
        .map(|d| d.message.as_str())
        .collect();
    assert!(
        schema_errors.is_empty(),
        "imported profiles break the format: {schema_errors:?}"
    );
    let total = same.len() + differ.len();
    let mut report = format!(
        "{} of {total} vLLM services ({}%) import with identical vLLM arguments\n",
        same.len(),
        same.len() * 100 / total.max(1)
    );
    for (label, why) in &differ {
        report.push_str(&format!("  differs: {label}: {why}\n"));
    }
    for o in &result.others {
        report.push_str(&format!(
            "  left alone: {}:{} ({})\n",
            inputs[o.file].display.trim_start_matches(CORPUS),
            o.service,
            o.reason
        ));
    }
    #[allow(clippy::print_stderr)]
    {
        eprintln!("{report}");
    }
    assert!(
        total >= 48,
        "expected the corpus's vLLM services, found {total}\n{report}"
    );
    assert!(same.len() >= REQUIRED_SAME, "{report}");
}
