//! The embedded flag tables: `data/vllm/flags.json`, every supported version in one file
//! (derived from the parser dumps in `data/vllm/dumps/` by `tools/derive_flag_tables.py`).
//! Each flag fact and registry name is stored once with the range of versions it holds for;
//! `build.rs` turns the file into statics, and a version's table is expanded and indexed on
//! first use.

use std::sync::OnceLock;

use super::Version;
use super::table::{Flag, FlagTable, RawTable, Registries, ValueKind};

/// One flag fact of `data/vllm/flags.json` as `build.rs` writes it: strings borrowed from the
/// binary, `choices` and `default` kept as JSON text (parsed when a table is built).
struct StaticFlag {
    /// `[lo, hi]`: indices into `VERSIONS`, inclusive.
    range: [usize; 2],
    key: &'static str,
    flag: &'static str,
    aliases: &'static [&'static str],
    negatives: &'static [&'static str],
    negative: Option<&'static str>,
    kind: ValueKind,
    multiple: bool,
    append: bool,
    optional: bool,
    choices: Option<&'static str>,
    default: &'static str,
    deprecated: bool,
}

// VERSIONS, REGISTRIES (in the order of `Registries`' fields) and FLAGS.
include!(concat!(env!("OUT_DIR"), "/flags.rs"));

fn tables() -> &'static [OnceLock<FlagTable>] {
    static TABLES: OnceLock<Vec<OnceLock<FlagTable>>> = OnceLock::new();
    TABLES.get_or_init(|| VERSIONS.iter().map(|_| OnceLock::new()).collect())
}

fn holds(range: [usize; 2], i: usize) -> bool {
    range[0] <= i && i <= range[1]
}

fn json(text: &str) -> serde_json::Value {
    // build.rs wrote this text from a parsed JSON value: it parses.
    serde_json::from_str(text).unwrap_or(serde_json::Value::Null)
}

fn owned(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_string()).collect()
}

/// Version `i`'s table as the file format: what `vprof vllm dump-script` prints for it.
fn expand(i: usize) -> RawTable {
    let names = |rows: &[(&str, usize, usize)]| -> Vec<String> {
        rows.iter()
            .filter(|(_, lo, hi)| holds([*lo, *hi], i))
            .map(|(n, _, _)| (*n).to_string())
            .collect()
    };
    let [
        tools,
        reasoning,
        quantization,
        deprecated_quantization,
        kv_cache,
    ] = &REGISTRIES;
    RawTable {
        schema: None,
        version: VERSIONS[i].to_string(),
        registries: Registries {
            tool_call_parsers: names(tools),
            reasoning_parsers: names(reasoning),
            quantization_methods: names(quantization),
            deprecated_quantization_methods: names(deprecated_quantization),
            kv_cache_dtypes: names(kv_cache),
        },
        flags: FLAGS
            .iter()
            .filter(|f| holds(f.range, i))
            .map(|f| Flag {
                key: f.key.to_string(),
                flag: f.flag.to_string(),
                aliases: owned(f.aliases),
                negatives: owned(f.negatives),
                negative: f.negative.map(str::to_string),
                kind: f.kind,
                multiple: f.multiple,
                append: f.append,
                optional: f.optional,
                choices: f.choices.map(|c| match json(c) {
                    serde_json::Value::Array(items) => items,
                    _ => Vec::new(),
                }),
                default: json(f.default),
                deprecated: f.deprecated,
            })
            .collect(),
    }
}

fn version(i: usize) -> Version {
    Version(tables()[i].get_or_init(|| FlagTable::build(expand(i), None)))
}

/// The names of the embedded versions, oldest first, without building any table.
pub fn names() -> &'static [&'static str] {
    VERSIONS
}

/// Every embedded version, oldest first (builds every table: for error paths and tests).
pub fn versions() -> Vec<Version> {
    (0..VERSIONS.len()).map(version).collect()
}

/// The embedded version named exactly `name` (`0.33.0`), building only its table.
pub fn named(name: &str) -> Option<Version> {
    VERSIONS.iter().position(|n| *n == name).map(version)
}

/// The newest embedded version.
pub fn newest() -> Version {
    version(VERSIONS.len() - 1)
}

/// An embedded version's table in the file format (`vprof vllm table`, the tests).
pub fn raw(name: &str) -> Option<RawTable> {
    VERSIONS.iter().position(|n| *n == name).map(expand)
}

#[cfg(test)]
mod tests {
    use super::{names, raw};
    use crate::vllm::table::problems;

    #[test]
    fn every_embedded_version_loads_and_passes_the_table_checks() {
        assert_eq!(names().len(), 26);
        assert_eq!(names().first().copied(), Some("0.8.5.post1"));
        assert_eq!(names().last().copied(), Some("0.33.0"));
        for name in names() {
            let table = raw(name).unwrap();
            assert_eq!(problems(&table), Vec::<String>::new(), "{name}");
            assert!(table.flags.len() > 130, "{name}");
            assert!(!table.registries.quantization_methods.is_empty(), "{name}");
        }
    }

    #[test]
    fn flags_appear_and_change_between_versions() {
        let flag = |v: &str, key: &str| raw(v).unwrap().flags.into_iter().find(|f| f.key == key);
        // the counts of the dumps' README, less the positional and --help
        assert_eq!(raw("0.8.5.post1").unwrap().flags.len(), 137);
        assert_eq!(raw("0.11.0").unwrap().flags.len(), 183);
        assert_eq!(raw("0.33.0").unwrap().flags.len(), 320);
        assert!(flag("0.8.5.post1", "num_scheduler_steps").is_some());
        assert!(flag("0.11.0", "num_scheduler_steps").is_none());
        assert!(flag("0.11.0", "attention_backend").is_none());
        assert!(flag("0.33.0", "attention_backend").is_some());
        let gmu = |v| flag(v, "gpu_memory_utilization").unwrap().default;
        assert_eq!(gmu("0.11.0"), serde_json::json!(0.9));
        assert_eq!(gmu("0.33.0"), serde_json::json!(0.92));
    }
}
