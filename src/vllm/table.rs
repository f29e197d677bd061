//! One version's flag table: the file format (`RawTable`, shared by embedded and project
//! tables), its checks (`problems`) and the index (`FlagTable`).

use std::collections::BTreeMap;

use std::path::PathBuf;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Release;
use crate::diagnostics::did_you_mean;

/// How argparse converts the value of a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
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
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
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
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
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

/// One version's table as a file holds it: what `vprof vllm dump-script` prints, what a
/// project's `vllm_tables_dir` holds, and what every embedded version expands to
/// (`schemas/vllm-table.schema.json` is generated from this type).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTable {
    /// The schema of this file, for editors; ignored.
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    /// `vllm.__version__` of the vLLM the table was dumped from (`0.33.0`).
    pub version: String,
    /// Names vLLM checks at start-up rather than in argparse.
    pub registries: Registries,
    /// Every option of `vllm serve` but the positional model and `--help`.
    pub flags: Vec<Flag>,
}

/// The flags of one vLLM version.
#[derive(Debug)]
pub struct FlagTable {
    /// The version as the table names it (`0.33.0`).
    pub name: String,
    /// The file a project table was read from; `None` when embedded.
    pub project_file: Option<PathBuf>,
    flags: Vec<Flag>,
    /// Profile key (canonical and long aliases) → index.
    by_key: BTreeMap<String, usize>,
    /// Every option string (`--x`, `-tp`, negatives) → index, with `_` as `-`.
    by_option: BTreeMap<String, usize>,
    registries: Registries,
}

/// What is wrong with a table: the same checks for embedded and project tables.
pub fn problems(raw: &RawTable) -> Vec<String> {
    let mut out = Vec::new();
    if Release::parse(&raw.version).is_none() {
        out.push(format!(
            "version `{}` is not a vLLM release number such as 0.33.0",
            raw.version
        ));
    }
    let mut keys = BTreeMap::new();
    let mut options = BTreeMap::new();
    for f in &raw.flags {
        let name = &f.flag;
        if !name.starts_with("--") || f.key != name[2..].replace('-', "_") {
            out.push(format!(
                "flag `{name}`: key `{}` is not its long option in snake_case",
                f.key
            ));
        }
        if keys.insert(f.key.as_str(), ()).is_some() {
            out.push(format!("key `{}` appears twice", f.key));
        }
        for o in std::iter::once(name).chain(&f.aliases).chain(&f.negatives) {
            if !o.starts_with('-') {
                out.push(format!(
                    "flag `{name}`: option `{o}` does not start with '-'"
                ));
            }
            if let Some(other) = options.insert(normalize_option(o), name) {
                out.push(format!("option `{o}` names both `{other}` and `{name}`"));
            }
        }
        if !f.negatives.is_empty() && f.kind != ValueKind::Bool {
            out.push(format!(
                "flag `{name}`: only booleans have negative spellings"
            ));
        }
        if f.negative
            .as_ref()
            .is_some_and(|n| !f.negatives.contains(n))
        {
            out.push(format!(
                "flag `{name}`: `negative` is not one of `negatives`"
            ));
        }
        if f.append && !f.multiple {
            out.push(format!(
                "flag `{name}`: `append` flags take several values (`multiple`)"
            ));
        }
        if f.choices.as_ref().is_some_and(Vec::is_empty) {
            out.push(format!("flag `{name}`: an empty list of choices"));
        }
    }
    out
}

impl FlagTable {
    /// Index a table. Callers run `problems` first (project tables at load, embedded ones in
    /// the tests): on a duplicate option the first flag wins here.
    pub fn build(raw: RawTable, project_file: Option<PathBuf>) -> FlagTable {
        let mut by_key = BTreeMap::new();
        let mut by_option = BTreeMap::new();
        for (i, f) in raw.flags.iter().enumerate() {
            by_key.entry(f.key.clone()).or_insert(i);
            for a in f.aliases.iter().filter(|a| a.starts_with("--")) {
                by_key.entry(a[2..].replace('-', "_")).or_insert(i);
            }
            for o in std::iter::once(&f.flag)
                .chain(&f.aliases)
                .chain(&f.negatives)
            {
                by_option.entry(normalize_option(o)).or_insert(i);
            }
        }
        FlagTable {
            name: raw.version,
            project_file,
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

#[cfg(test)]
mod tests {
    use super::ValueKind;
    use crate::vllm::{Version, table};

    fn v(name: &str) -> Version {
        Version::embedded_named(name).unwrap()
    }

    #[test]
    fn keys_aliases_and_negatives() {
        let t = table(v("0.33.0"));
        let f = t.get("device_memory_utilization").unwrap();
        assert_eq!(f.key, "gpu_memory_utilization");
        assert_eq!(
            t.get("max_model_len").unwrap().kind,
            ValueKind::HumanIntOrAuto
        );
        assert_eq!(
            table(v("0.11.0")).get("max_model_len").unwrap().kind,
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
        for name in ["0.11.0", "0.33.0"] {
            let f = table(v(name)).get("enable_prefix_caching").unwrap();
            assert_eq!(f.negative.as_deref(), Some("--no-enable-prefix-caching"));
            assert_eq!(
                table(v(name))
                    .get("enable_chunked_prefill")
                    .unwrap()
                    .negative
                    .as_deref(),
                Some("--no-enable-chunked-prefill")
            );
        }
        assert_eq!(t.registries().tool_call_parsers.len(), 58);
    }
}
