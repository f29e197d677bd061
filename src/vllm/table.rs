//! The embedded flag tables: `data/vllm/flags-<version>.json`, derived from vLLM's own
//! argument parser by `tools/derive_flag_tables.py` (facts only, no help sentences), parsed
//! once on first use.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

use super::Version;
use crate::diagnostics::did_you_mean;

/// How argparse converts the value of a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueKind {
    Bool,
    Int,
    /// `human_readable_int`: `131072`, `128k` (×1000), `128K` (×1024).
    HumanInt,
    /// Also `auto` / `-1`.
    HumanIntOrAuto,
    Float,
    Str,
    Json,
    JsonOrStr,
}

/// One `vllm serve` option.
#[derive(Debug, Clone, Deserialize)]
pub struct Flag {
    /// Profile key: the long flag in snake_case (`max_model_len`).
    pub key: String,
    /// The long flag (`--max-model-len`).
    pub flag: String,
    /// Other spellings (long aliases and short flags).
    pub aliases: Vec<String>,
    /// Spellings that set a boolean to false (visible and hidden).
    pub negatives: Vec<String>,
    /// The negative vprof renders for `false` (`--no-X` where the version accepts it).
    pub negative: Option<String>,
    pub kind: ValueKind,
    /// Takes one or more values (`nargs='+'` or `append`).
    pub multiple: bool,
    /// Repeats the flag per value (`append`).
    pub append: bool,
    /// Accepts the literal `None`.
    pub optional: bool,
    pub choices: Option<Vec<serde_json::Value>>,
    pub default: serde_json::Value,
    pub deprecated: bool,
}

/// Names vLLM checks at start-up rather than in argparse.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Registries {
    #[serde(default)]
    pub tool_call_parsers: Vec<String>,
    #[serde(default)]
    pub reasoning_parsers: Vec<String>,
    #[serde(default)]
    pub quantization_methods: Vec<String>,
    #[serde(default)]
    pub deprecated_quantization_methods: Vec<String>,
    #[serde(default)]
    pub kv_cache_dtypes: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct RawTable {
    version: String,
    registries: Registries,
    flags: Vec<Flag>,
}

/// The flags of one vLLM version.
#[derive(Debug)]
pub struct FlagTable {
    pub version: Version,
    flags: Vec<Flag>,
    /// Profile key (canonical and long aliases) → index.
    by_key: BTreeMap<String, usize>,
    /// Every option string (`--x`, `-tp`, negatives) → index, with `_` as `-`.
    by_option: BTreeMap<String, usize>,
    registries: Registries,
}

impl FlagTable {
    fn parse(version: Version, text: &str) -> FlagTable {
        // The file is generated and embedded: a parse failure is a build defect that the
        // tests catch; degrade to an empty table rather than panic in users' hands.
        let raw: RawTable = serde_json::from_str(text).unwrap_or(RawTable {
            version: version.as_str().into(),
            registries: Registries::default(),
            flags: Vec::new(),
        });
        debug_assert_eq!(raw.version, version.as_str());
        let mut by_key = BTreeMap::new();
        let mut by_option = BTreeMap::new();
        for (i, f) in raw.flags.iter().enumerate() {
            by_key.insert(f.key.clone(), i);
            for a in f.aliases.iter().filter(|a| a.starts_with("--")) {
                by_key.entry(a[2..].replace('-', "_")).or_insert(i);
            }
            for o in std::iter::once(&f.flag)
                .chain(&f.aliases)
                .chain(&f.negatives)
            {
                by_option.insert(normalize_option(o), i);
            }
        }
        FlagTable {
            version,
            flags: raw.flags,
            by_key,
            by_option,
            registries: raw.registries,
        }
    }

    /// The flag a profile key names.
    pub fn get(&self, key: &str) -> Option<&Flag> {
        self.by_key.get(key).map(|i| &self.flags[*i])
    }

    /// The flag an option string names (`--max_model_len`, `-tp`, `--no-enable-x`), and
    /// whether it was a negative spelling.
    pub fn option(&self, option: &str) -> Option<(&Flag, bool)> {
        let norm = normalize_option(option);
        let flag = &self.flags[*self.by_option.get(&norm)?];
        let negative = flag.negatives.iter().any(|n| normalize_option(n) == norm);
        Some((flag, negative))
    }

    /// A key that is a negative spelling (`disable_log_requests` in 0.33): the key to use.
    pub fn negative_of(&self, key: &str) -> Option<&Flag> {
        let (flag, negative) = self.option(&format!("--{key}"))?;
        negative.then_some(flag)
    }

    /// The closest known key, for "did you mean".
    pub fn suggest(&self, key: &str) -> Option<&str> {
        if let Some(f) = self.negative_of(key) {
            return Some(&f.key);
        }
        did_you_mean(key, self.by_key.keys().map(String::as_str))
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.by_key.keys().map(String::as_str)
    }

    pub fn flags(&self) -> &[Flag] {
        &self.flags
    }

    pub fn registries(&self) -> &Registries {
        &self.registries
    }
}

/// `--max_model_len` and `--max-model-len` are the same option.
fn normalize_option(option: &str) -> String {
    match option.strip_prefix("--") {
        Some(rest) => format!("--{}", rest.replace('_', "-")),
        None => option.to_string(),
    }
}

/// The table of a version.
pub fn table(version: Version) -> &'static FlagTable {
    static V0_11: OnceLock<FlagTable> = OnceLock::new();
    static V0_33: OnceLock<FlagTable> = OnceLock::new();
    match version {
        Version::V0_11_0 => V0_11.get_or_init(|| {
            FlagTable::parse(version, include_str!("../../data/vllm/flags-0.11.0.json"))
        }),
        Version::V0_33_0 => V0_33.get_or_init(|| {
            FlagTable::parse(version, include_str!("../../data/vllm/flags-0.33.0.json"))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::{ValueKind, table};
    use crate::vllm::Version;

    #[test]
    fn both_tables_load_completely() {
        assert_eq!(table(Version::V0_11_0).flags().len(), 183);
        assert_eq!(table(Version::V0_33_0).flags().len(), 320);
        assert_eq!(
            table(Version::V0_33_0).registries().tool_call_parsers.len(),
            58
        );
    }

    #[test]
    fn keys_aliases_and_negatives() {
        let t = table(Version::V0_33_0);
        let f = t.get("device_memory_utilization").unwrap();
        assert_eq!(f.key, "gpu_memory_utilization");
        assert_eq!(
            t.get("max_model_len").unwrap().kind,
            ValueKind::HumanIntOrAuto
        );
        assert_eq!(
            table(Version::V0_11_0).get("max_model_len").unwrap().kind,
            ValueKind::HumanInt
        );
        let (flag, negative) = t.option("--disable_prefix_caching").unwrap();
        assert_eq!(
            (flag.key.as_str(), negative),
            ("enable_prefix_caching", true)
        );
        assert_eq!(t.option("-tp").unwrap().0.key, "tensor_parallel_size");
        assert_eq!(
            t.negative_of("disable_log_requests").unwrap().key,
            "enable_log_requests"
        );
        assert_eq!(
            t.suggest("gpu_memory_utilisation"),
            Some("gpu_memory_utilization")
        );
        assert_eq!(
            t.suggest("tensor_paralel_size"),
            Some("tensor_parallel_size")
        );
        for v in Version::ALL {
            let f = table(*v).get("enable_prefix_caching").unwrap();
            assert_eq!(f.negative.as_deref(), Some("--no-enable-prefix-caching"));
            assert_eq!(
                table(*v)
                    .get("enable_chunked_prefill")
                    .unwrap()
                    .negative
                    .as_deref(),
                Some("--no-enable-chunked-prefill")
            );
        }
    }
}
