//! The `vllm serve` arguments of a profile: `--model X` first, then every other set key in
//! sorted order, one list item per argument.
//!
//! `api_key` is not an argument: it reaches vLLM through the `VLLM_API_KEY` environment
//! variable, so the key never shows in `ps` (see `compose.rs`).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::profile::Profile;

/// Keys of `[vllm]` that are not rendered as arguments here.
const NOT_ARGS: &[&str] = &["model", "api_key"];

pub fn vllm_args(profile: &Profile) -> Result<Vec<String>, String> {
    let value = serde_json::to_value(profile.vllm())
        .map_err(|e| format!("[vllm] cannot be serialized: {e}"))?;
    let Value::Object(map) = value else {
        return Err(String::from("[vllm] is not a table"));
    };
    let set: BTreeMap<String, Value> = map
        .into_iter()
        .filter(|(k, v)| !v.is_null() && !NOT_ARGS.contains(&k.as_str()))
        .collect();
    let mut args = vec![String::from("--model"), profile.model.clone()];
    for (key, value) in &set {
        args.extend(render_one(key, value)?);
    }
    Ok(args)
}

/// One key: true → `--flag`, false → `--no-flag`, scalars → `--flag value`, lists → `--flag a b`
/// (vLLM's `nargs='+'`), tables → `--flag <compact JSON>`.
fn render_one(key: &str, value: &Value) -> Result<Vec<String>, String> {
    let flag = format!("--{}", key.replace('_', "-"));
    Ok(match value {
        Value::Bool(true) => vec![flag],
        Value::Bool(false) => vec![format!("--no-{}", key.replace('_', "-"))],
        Value::Number(n) => vec![flag, n.to_string()],
        Value::String(s) => vec![flag, s.clone()],
        Value::Array(items) => {
            if items.is_empty() {
                return Err(format!("vllm.{key}: an empty list cannot be rendered"));
            }
            let mut out = vec![flag];
            for item in items {
                out.push(match item {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    other => return Err(format!("vllm.{key}: cannot render list item {other}")),
                });
            }
            out
        }
        Value::Object(_) => vec![flag, value.to_string()],
        Value::Null => Vec::new(),
    })
}
