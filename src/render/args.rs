//! The `vllm serve` arguments of a profile: `--model X` first, then every other set key in
//! sorted order, one list item per argument.
//!
//! `api_key` is not an argument: it reaches vLLM through the `VLLM_API_KEY` environment
//! variable, so the key never shows in `ps` (see `compose.rs`).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::profile::Profile;
use crate::vllm;

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
        args.extend(render_one(profile, key, value)?);
    }
    Ok(args)
}

/// One key through the flag table of the profile's vLLM version: true → `--flag`, false →
/// the negative that version accepts, scalars → `--flag value`, lists → `--flag a b` (or a
/// repeated flag for `append` options), tables → `--flag <compact JSON>`.
fn render_one(profile: &Profile, key: &str, value: &Value) -> Result<Vec<String>, String> {
    let table = vllm::table(profile.version);
    let flag = table.get(key).ok_or_else(|| {
        format!(
            "vllm.{key} is not an argument of vLLM {}",
            profile.version.as_str()
        )
    })?;
    vllm::render_arg(flag, value).map_err(|e| format!("vllm.{key}: {}", e.message))
}
