//! Built-in facts of the models people serve, as the `config.json` each one publishes on the
//! Hugging Face hub (`models.toml`, every entry with its source). A lookup needs no I/O; the
//! entry goes through the same reader as a config found in the Hugging Face cache.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::config::flatten;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    // Lookups use the statics' copies; the tests check they agree.
    #[cfg_attr(not(test), allow(dead_code))]
    id: String,
    #[serde(default)]
    #[cfg_attr(not(test), allow(dead_code))]
    aliases: Vec<String>,
    source: String,
    /// Suffix of the id -> the variant's `quantization_config`.
    #[serde(default)]
    variants: Map<String, Value>,
    config: Map<String, Value>,
}

/// One `[[model]]` as `build.rs` writes it: a lookup parses only the entry it finds.
struct StaticEntry {
    id: &'static str,
    aliases: &'static [&'static str],
    /// The whole entry as JSON.
    json: &'static str,
}

// CATALOG
include!(concat!(env!("OUT_DIR"), "/catalog.rs"));

fn parse(e: &StaticEntry) -> Option<Entry> {
    serde_json::from_str(e.json).ok()
}

/// The ids the catalog knows (without variants), for listings and tests.
pub fn ids() -> impl Iterator<Item = &'static str> {
    CATALOG.iter().map(|e| e.id)
}

/// The flattened config of a model id (case-insensitive; a variant suffix such as `-AWQ`
/// brings its quantization) and where it was copied from.
pub fn entry(model_id: &str) -> Option<(Map<String, Value>, String)> {
    let id = model_id.to_ascii_lowercase();
    CATALOG.iter().find_map(|s| {
        let names = std::iter::once(&s.id).chain(s.aliases);
        for name in names {
            let name = name.to_ascii_lowercase();
            let Some(suffix) = id.strip_prefix(&name) else {
                continue;
            };
            let e = parse(s)?;
            let quant = if suffix.is_empty() {
                None
            } else {
                match e
                    .variants
                    .iter()
                    .find(|(v, _)| v.eq_ignore_ascii_case(suffix))
                {
                    Some((_, q)) => Some(q.clone()),
                    None => continue,
                }
            };
            let mut config = flatten(&Value::Object(e.config));
            if let Some(q) = quant {
                config.insert(String::from("quantization_config"), q);
            }
            let url = e.source.split(" (").next().unwrap_or(&e.source);
            return Some((config, format!("{model_id}: {url}")));
        }
        None
    })
}

/// Every entry, parsed (tests).
#[cfg(test)]
fn entries() -> Vec<Entry> {
    CATALOG.iter().filter_map(parse).collect()
}

#[cfg(test)]
mod tests {
    use super::{CATALOG, entries, entry};
    use crate::model::config::parse;

    fn facts(id: &str) -> crate::model::ModelFacts {
        let (config, source) = entry(id).unwrap_or_else(|| panic!("{id} is in the catalog"));
        parse(&config, None, source).unwrap_or_else(|m| panic!("{id}: missing {m:?}"))
    }

    #[test]
    fn every_entry_parses_and_cites_its_config() {
        assert_eq!(entries().len(), CATALOG.len(), "every entry parses");
        assert!(entries().len() >= 9);
        for (e, s) in entries().iter().zip(CATALOG) {
            assert_eq!(
                (e.id.as_str(), &e.aliases[..]),
                (
                    s.id,
                    &s.aliases.iter().map(|a| a.to_string()).collect::<Vec<_>>()[..]
                )
            );
        }
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
