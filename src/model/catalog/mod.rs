//! Built-in facts of the models people serve, as the `config.json` each one publishes on the
//! Hugging Face hub (`models.toml`, every entry with its source). A lookup needs no I/O; the
//! entry goes through the same reader as a config found in the Hugging Face cache.

use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::config::flatten;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    id: String,
    #[serde(default)]
    aliases: Vec<String>,
    source: String,
    /// Suffix of the id -> the variant's `quantization_config`.
    #[serde(default)]
    variants: Map<String, Value>,
    config: Map<String, Value>,
}

#[derive(Debug, Deserialize)]
struct Catalog {
    model: Vec<Entry>,
}

fn entries() -> &'static [Entry] {
    static CATALOG: OnceLock<Vec<Entry>> = OnceLock::new();
    CATALOG.get_or_init(|| {
        toml::from_str::<Catalog>(include_str!("models.toml"))
            .map(|c| c.model)
            .unwrap_or_default()
    })
}

/// The ids the catalog knows (without variants), for listings and tests.
pub fn ids() -> impl Iterator<Item = &'static str> {
    entries().iter().map(|e| e.id.as_str())
}

/// The flattened config of a model id (case-insensitive; a variant suffix such as `-AWQ`
/// brings its quantization) and where it was copied from.
pub fn entry(model_id: &str) -> Option<(Map<String, Value>, String)> {
    let id = model_id.to_ascii_lowercase();
    entries().iter().find_map(|e| {
        let names = std::iter::once(&e.id).chain(&e.aliases);
        for name in names {
            let name = name.to_ascii_lowercase();
            let Some(suffix) = id.strip_prefix(&name) else {
                continue;
            };
            let quant = if suffix.is_empty() {
                None
            } else {
                match e
                    .variants
                    .iter()
                    .find(|(s, _)| s.eq_ignore_ascii_case(suffix))
                {
                    Some((_, q)) => Some(q.clone()),
                    None => continue,
                }
            };
            let mut config = flatten(&Value::Object(e.config.clone()));
            if let Some(q) = quant {
                config.insert(String::from("quantization_config"), q);
            }
            let url = e.source.split(" (").next().unwrap_or(&e.source);
            return Some((config, format!("{model_id}: {url}")));
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::{entries, entry};
    use crate::model::config::parse;

    fn facts(id: &str) -> crate::model::ModelFacts {
        let (config, source) = entry(id).unwrap_or_else(|| panic!("{id} is in the catalog"));
        parse(&config, None, source).unwrap_or_else(|m| panic!("{id}: missing {m:?}"))
    }

    #[test]
    fn every_entry_parses_and_cites_its_config() {
        assert!(entries().len() >= 9, "the catalog file parses");
        for e in entries() {
            assert!(
                e.source.starts_with("https://huggingface.co/") && e.source.contains("config.json"),
                "{}: {}",
                e.id,
                e.source
            );
            facts(&e.id);
            for suffix in e.variants.keys() {
                facts(&format!("{}{suffix}", e.id));
            }
        }
    }

    #[test]
    fn lookups() {
        let f = facts("Qwen/Qwen3-32B-AWQ");
        assert_eq!(
            (f.layers, f.attention_heads, f.kv_heads, f.intermediate_size),
            (64, 64, 8, 25_600)
        );
        assert_eq!(f.quant.map(|q| q.bits), Some(4));
        assert_eq!(facts("qwen/qwen3-8b").hidden_size, 4096);
        assert_eq!(
            facts("Qwen/Qwen3-8B-FP8").quant.map(|q| q.method),
            Some(String::from("fp8"))
        );
        assert_eq!(facts("meta-llama/Llama-3.3-70B-Instruct").layers, 80);
        assert_eq!(
            facts("mistralai/Mistral-7B-Instruct-v0.3").vocab_size,
            32_768
        );
        assert!(entry("Qwen/Qwen3-33B").is_none());
        assert!(entry("Qwen/Qwen3-8B-GGUF").is_none());
    }
}
