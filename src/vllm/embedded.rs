//! The embedded flag tables: `data/vllm/flags.json`, every supported version in one file
//! (derived from the parser dumps in `data/vllm/dumps/` by `tools/derive_flag_tables.py`).
//! Each flag fact and registry name is stored once with the range of versions it holds for;
//! the file is parsed once, and a version's table is expanded and indexed on first use.

use std::sync::OnceLock;

use serde::Deserialize;

use super::Version;
use super::table::{Flag, FlagTable, RawTable, Registries};

const FLAGS_JSON: &str = include_str!("../../data/vllm/flags.json");

/// `[lo, hi]`: indices into `versions`, inclusive.
type Range = [usize; 2];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Merged {
    versions: Vec<String>,
    registries: MergedRegistries,
    flags: Vec<RangedFlag>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RangedFlag {
    #[serde(rename = "in")]
    range: Range,
    #[serde(flatten)]
    flag: Flag,
}

/// (name, lo, hi) per registry.
type Names = Vec<(String, usize, usize)>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MergedRegistries {
    tool_call_parsers: Names,
    reasoning_parsers: Names,
    quantization_methods: Names,
    deprecated_quantization_methods: Names,
    kv_cache_dtypes: Names,
}

struct Embedded {
    merged: Merged,
    tables: Vec<OnceLock<FlagTable>>,
    /// Why `data/vllm/flags.json` did not parse (then `merged` is empty).
    error: Option<String>,
}

fn embedded() -> &'static Embedded {
    static EMBEDDED: OnceLock<Embedded> = OnceLock::new();
    EMBEDDED.get_or_init(|| {
        let (merged, error) = match serde_json::from_str::<Merged>(FLAGS_JSON) {
            Ok(m) if m.versions.is_empty() => (m, Some("it names no version".to_string())),
            Ok(m) => (m, None),
            Err(e) => (
                Merged {
                    versions: Vec::new(),
                    registries: MergedRegistries {
                        tool_call_parsers: Vec::new(),
                        reasoning_parsers: Vec::new(),
                        quantization_methods: Vec::new(),
                        deprecated_quantization_methods: Vec::new(),
                        kv_cache_dtypes: Vec::new(),
                    },
                    flags: Vec::new(),
                },
                Some(e.to_string()),
            ),
        };
        let tables = merged.versions.iter().map(|_| OnceLock::new()).collect();
        Embedded {
            merged,
            tables,
            error,
        }
    })
}

/// The embedded tables load: checked once per run before any profile is resolved
/// (`Project::discover`), so a broken build is an internal error (exit 2), never a silent
/// empty table. The tests load every version through `problems`.
pub fn check() -> Result<(), String> {
    match &embedded().error {
        Some(e) => Err(format!("the embedded vLLM flag tables do not load: {e}")),
        None => Ok(()),
    }
}

fn holds(range: Range, i: usize) -> bool {
    range[0] <= i && i <= range[1]
}

/// Version `i`'s table as the file format: what `vprof vllm dump-script` prints for it.
fn expand(merged: &Merged, i: usize) -> RawTable {
    let names = |rows: &Names| -> Vec<String> {
        rows.iter()
            .filter(|(_, lo, hi)| holds([*lo, *hi], i))
            .map(|(n, _, _)| n.clone())
            .collect()
    };
    let r = &merged.registries;
    RawTable {
        schema: None,
        version: merged.versions[i].clone(),
        registries: Registries {
            tool_call_parsers: names(&r.tool_call_parsers),
            reasoning_parsers: names(&r.reasoning_parsers),
            quantization_methods: names(&r.quantization_methods),
            deprecated_quantization_methods: names(&r.deprecated_quantization_methods),
            kv_cache_dtypes: names(&r.kv_cache_dtypes),
        },
        flags: merged
            .flags
            .iter()
            .filter(|f| holds(f.range, i))
            .map(|f| f.flag.clone())
            .collect(),
    }
}

fn version(i: usize) -> Version {
    let e = embedded();
    Version(e.tables[i].get_or_init(|| FlagTable::build(expand(&e.merged, i), None)))
}

/// The names of the embedded versions, oldest first, without building any table.
pub fn names() -> &'static [String] {
    &embedded().merged.versions
}

/// Every embedded version, oldest first (builds every table: for error paths and tests).
pub fn versions() -> Vec<Version> {
    (0..names().len()).map(version).collect()
}

/// The embedded version named exactly `name` (`0.33.0`), building only its table.
pub fn named(name: &str) -> Option<Version> {
    names().iter().position(|n| n == name).map(version)
}

/// The newest embedded version.
pub fn newest() -> Version {
    version(names().len().saturating_sub(1))
}

/// An embedded version's table in the file format (`vprof vllm table`, the tests).
pub fn raw(name: &str) -> Option<RawTable> {
    let e = embedded();
    let i = e.merged.versions.iter().position(|n| n == name)?;
    Some(expand(&e.merged, i))
}

#[cfg(test)]
mod tests {
    use super::{names, raw};
    use crate::vllm::table::problems;

    #[test]
    fn every_embedded_version_loads_and_passes_the_table_checks() {
        assert_eq!(names().len(), 26);
        assert_eq!(names().first().map(String::as_str), Some("0.8.5.post1"));
        assert_eq!(names().last().map(String::as_str), Some("0.33.0"));
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
