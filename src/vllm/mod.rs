//! What vprof knows of vLLM: the `vllm serve` flag tables of every minor release from 0.8 to
//! 0.33 (embedded, derived from vLLM's own parser) and those a project adds, which table a
//! profile targets, and how profile values are checked and rendered as arguments (tests
//! read them back with the argparse emulation in `tests/support/argparse.rs`).

mod embedded;
mod removed;
mod table;
mod tables;
mod target;
mod values;
mod version;

pub use removed::{Removal, historic, removed};
pub use table::{Flag, FlagTable, RawTable, Registries, ValueKind, problems};
pub use tables::{Found, Tables};
pub use target::{Pinning, Problem, Source, Target, target};
pub use values::{ValueError, check_value, parse_human_int, render_arg};
pub use version::{Release, Version};

/// The program that prints the flag table of the vLLM it runs under (`vprof vllm dump-script`).
pub const DUMP_SCRIPT: &str = include_str!("../../tools/vllm/dump_table.py");

/// The table of a version.
pub fn table(version: Version) -> &'static FlagTable {
    version.table()
}

/// An embedded version's table in the file format, as `vprof vllm dump-script` prints it.
pub fn embedded_table(name: &str) -> Option<RawTable> {
    embedded::raw(name)
}

/// The JSON Schema of a table file (`schemas/vllm-table.schema.json`).
pub fn table_schema() -> serde_json::Value {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    serde_json::to_value(generator.into_root_schema_for::<RawTable>())
        .unwrap_or(serde_json::Value::Null)
}

/// vLLM's default of a top-level `[vllm]` key in a version, from its flag table;
/// `Value::Null` means the engine decides at start-up, `None` that the key is no flag.
pub fn flag_default(version: Version, key: &str) -> Option<&'static serde_json::Value> {
    table(version).get(key).map(|f| &f.default)
}
