//! Flags the image's vLLM version no longer has, rewritten to what replaced them when vLLM
//! documents an equivalent (`data/vllm/dumps/CHANGES-0.11-to-0.33.md`, `vllm::historic`):
//!
//! - `--rope-scaling JSON` / `--rope-theta X` → `hf_overrides = { rope_scaling = ..., rope_theta = ... }`
//!   (what vLLM itself does with them since they moved into the model config overrides);
//! - `--enable-reasoning` → dropped when `--reasoning-parser` is set (the parser alone enables
//!   reasoning since vLLM 0.10);
//! - `--speculative-model M --num-speculative-tokens N` →
//!   `speculative_config = { model = M, num_speculative_tokens = N }`.
//!
//! Other removed flags stay in the profile, so that validation names them with its help
//! (`removed-vllm-arg`) and the user decides.

use toml::{Table, Value};

use super::Note;
use crate::diagnostics::Check;
use crate::vllm::FlagTable;

/// Rewrite `vllm` in place; `lines` gives the line of each key (for the notes).
pub fn migrate(
    vllm: &mut Table,
    table: &FlagTable,
    line_of: &dyn Fn(&str) -> usize,
    notes: &mut Vec<Note>,
) {
    let version = table.name.as_str();
    let known = |k: &str| table.get(k).is_some();
    for key in ["rope_scaling", "rope_theta"] {
        if known(key) || !known("hf_overrides") {
            continue;
        }
        let Some(value) = vllm.remove(key) else {
            continue;
        };
        let mut overrides = match vllm.remove("hf_overrides") {
            Some(Value::Table(t)) => t,
            _ => Table::new(),
        };
        overrides.entry(key.to_string()).or_insert(value);
        vllm.insert("hf_overrides".into(), Value::Table(overrides));
        notes.push(Note::new(
            line_of(key),
            Check::ImportUnmapped,
            format!(
                "vLLM {version} has no `{key}`: imported as hf_overrides.{key}, which replaced it"
            ),
        ));
    }
    if !known("enable_reasoning")
        && vllm.get("enable_reasoning") == Some(&Value::Boolean(true))
        && vllm.contains_key("reasoning_parser")
    {
        vllm.remove("enable_reasoning");
        notes.push(Note::new(
            line_of("enable_reasoning"),
            Check::ImportUnmapped,
            format!("vLLM {version} has no `enable_reasoning`: not imported, `reasoning_parser` alone enables reasoning"),
        ));
    }
    if !known("speculative_model")
        && known("speculative_config")
        && !vllm.contains_key("speculative_config")
        && let Some(model) = vllm.remove("speculative_model")
    {
        let mut config = Table::new();
        config.insert("model".into(), model);
        if let Some(n) = vllm.remove("num_speculative_tokens") {
            config.insert("num_speculative_tokens".into(), n);
        }
        vllm.insert("speculative_config".into(), Value::Table(config));
        notes.push(Note::new(
            line_of("speculative_model"),
            Check::ImportUnmapped,
            format!("vLLM {version} has no `speculative_model`: imported as speculative_config, which replaced it"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vllm::Version;

    #[test]
    fn removed_flags_become_their_replacements() {
        let mut vllm: Table = r#"
rope_scaling = { rope_type = "yarn", factor = 4.0 }
enable_reasoning = true
reasoning_parser = "qwen3"
speculative_model = "m"
num_speculative_tokens = 5
swap_space = 4
"#
        .parse()
        .unwrap();
        let mut notes = Vec::new();
        migrate(
            &mut vllm,
            Version::embedded_named("0.33.0").unwrap().table(),
            &|_| 1,
            &mut notes,
        );
        let expected: Table = r#"
reasoning_parser = "qwen3"
swap_space = 4
hf_overrides = { rope_scaling = { rope_type = "yarn", factor = 4.0 } }
speculative_config = { model = "m", num_speculative_tokens = 5 }
"#
        .parse()
        .unwrap();
        assert_eq!(vllm, expected);
        assert_eq!(notes.len(), 3);
    }
}
