//! The JSON document of every command: the contract `--format json` keeps. Each command
//! fills one of these; `schemas/output.schema.json` is generated from them ([`Output`]).
//! Every document carries `findings` (the same [`Finding`] shape everywhere); diffs are
//! strings inside the document.

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use super::Finding;
use crate::bench::BenchResult;
use crate::bench::compare::Row as BenchRow;
use crate::model::Plan;
use crate::verify::Row as VerifyRow;

/// Any document a vprof command prints on stdout with `--format json`.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum Output {
    Validate(FindingsReport),
    List(ListReport),
    Show(ShowReport),
    Plan(PlanReport),
    Diff(DiffReport),
    Sweep(SweepReport),
    Render(RenderReport),
    Init(InitReport),
    Doctor(DoctorReport),
    Verify(VerifyReport),
    Bench(BenchReport),
    BenchCompare(BenchCompareReport),
    Import(ImportReport),
    SchemaCheck(SchemaCheckReport),
    VllmVersions(VllmVersionsReport),
    VllmTable(VllmTableReport),
    VllmDumpScript(VllmDumpScriptReport),
    Error(ErrorReport),
}

/// `vllm versions`: the embedded flag tables and the project's.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VllmVersionsReport {
    /// Embedded versions, oldest first.
    pub embedded: Vec<String>,
    /// Tables from `vllm_tables_dir`.
    pub project: Vec<VllmProjectTable>,
    pub findings: Vec<Finding>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VllmProjectTable {
    pub version: String,
    pub file: String,
}

/// `vllm table VERSION`: the table in the file format (`schemas/vllm-table.schema.json`).
#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VllmTableReport {
    /// Set when the version has no table of its own and its minor's is shown.
    pub note: Option<String>,
    pub table: crate::vllm::RawTable,
    pub findings: Vec<Finding>,
}

/// `vllm dump-script`: the Python program that dumps a table from inside an image.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VllmDumpScriptReport {
    pub script: String,
    pub findings: Vec<Finding>,
}

/// `validate`, and every command that stops at findings before its own document.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FindingsReport {
    pub findings: Vec<Finding>,
}

/// A usage or I/O error (exit 2).
#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorReport {
    pub error: String,
    pub findings: Vec<Finding>,
}

/// `list`: one row per profile.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListReport {
    pub profiles: Vec<ListRow>,
    pub findings: Vec<Finding>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListRow {
    pub name: String,
    pub model: String,
    pub tensor_parallel_size: u32,
    /// As written (null: vLLM's default).
    pub gpu_memory_utilization: Option<f64>,
    pub enable_prefix_caching: Option<bool>,
    pub enable_chunked_prefill: Option<bool>,
    /// As written, or "model" (the model's own limit).
    pub max_model_len: String,
    pub description: Option<String>,
}

/// `show`: every value of the resolved profile with the file and line that set it.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ShowReport {
    pub profile: String,
    pub file: String,
    pub vllm_version: String,
    pub service: String,
    pub values: Vec<ShowValue>,
    pub findings: Vec<Finding>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ShowValue {
    /// Dotted key (`vllm.max_model_len`).
    pub key: String,
    pub value: Value,
    pub file: String,
    pub line: usize,
}

/// `plan`: the memory plan per GPU and the verdict.
#[derive(Debug, Serialize, JsonSchema)]
pub struct PlanReport {
    pub profile: String,
    pub model: String,
    /// Where the model facts came from (profile, HF cache, built-in catalog).
    pub facts_source: String,
    #[serde(flatten)]
    pub plan: Plan,
    pub findings: Vec<Finding>,
}

/// `diff A B`: differing keys, then the unified diff of the rendered files.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DiffReport {
    pub a: String,
    pub b: String,
    /// The render target of each side (`compose` or `k8s`; `--target`, `--b-target`).
    pub a_target: String,
    pub b_target: String,
    pub keys: Vec<KeyDiff>,
    /// Unified diff of the vLLM arguments each side's target runs, one argument per line.
    pub args_diff: String,
    /// Unified diff of the rendered bodies (empty when the targets differ).
    pub compose_diff: String,
    pub findings: Vec<Finding>,
}

/// One differing key: each side as deployed, and whether it is vLLM's default (not set).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyDiff {
    pub key: String,
    /// null: not set and no known default; JSON null inside a default: the engine decides.
    pub a: Option<Value>,
    pub b: Option<Value>,
    pub a_default: bool,
    pub b_default: bool,
}

/// `sweep`: every point with its verdict and findings.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SweepReport {
    pub points: Vec<SweepPoint>,
    pub findings: Vec<Finding>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SweepPoint {
    pub name: String,
    /// No error finding: the profile was written.
    pub fits: bool,
    /// The written profile (null when it would not start).
    pub file: Option<String>,
    /// `check: message` of each error.
    pub reasons: Vec<String>,
    /// Every finding of the point (errors and warnings).
    pub findings: Vec<Finding>,
}

/// `render`: each file, its state and its diff against the disk.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RenderReport {
    pub files: Vec<RenderedFile>,
    /// `--check`: whether a file differs from what would be rendered.
    pub drift: bool,
    pub findings: Vec<Finding>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RenderedFile {
    pub path: String,
    /// "create", "update", "unchanged" or "refused".
    pub state: String,
    /// Unified diff against the file on disk (secrets masked); empty when unchanged.
    pub diff: String,
    pub written: bool,
}

/// `init`: the files scaffolded.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InitReport {
    pub created: Vec<String>,
    pub appended: Vec<String>,
    pub skipped: Vec<String>,
    pub findings: Vec<Finding>,
}

/// `doctor NAME`: the profile against this machine's GPUs and container tooling.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DoctorReport {
    pub profile: String,
    /// The GPUs as `nvidia-smi` reported them (memory in MiB).
    pub gpus: Vec<crate::doctor::smi::Gpu>,
    /// The effective value: the profile's, else the target vLLM version's default.
    pub gpu_memory_utilization: f64,
    /// Each comparison: `gpu-count`, `host-memory`, `free-memory`, `docker`, `nvidia-runtime`.
    pub checks: Vec<crate::doctor::Item>,
    pub findings: Vec<Finding>,
}

/// `schema --check` (without `--check`, `schema` prints the profile schema itself).
#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SchemaCheckReport {
    pub path: String,
    pub up_to_date: bool,
    pub findings: Vec<Finding>,
}

/// `verify NAME`: the profile against the running server.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyReport {
    pub profile: String,
    pub url: String,
    pub vllm_version: Option<String>,
    pub rows: Vec<VerifyRow>,
    pub findings: Vec<Finding>,
}

/// `bench NAME`: the measurements of one run and where they were saved.
#[derive(Debug, Serialize, JsonSchema)]
pub struct BenchReport {
    #[serde(flatten)]
    pub result: BenchResult,
    pub saved: String,
    pub findings: Vec<Finding>,
}

/// `bench --compare A.json B.json ...`: one row per saved run.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BenchCompareReport {
    pub runs: Vec<BenchRow>,
    pub findings: Vec<Finding>,
}

/// `import COMPOSE.yaml ...`: the profiles made, the services left alone, the files.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportReport {
    pub profiles: Vec<ImportedProfile>,
    pub partials: Vec<String>,
    pub other_services: Vec<OtherService>,
    pub files: Vec<ImportedFile>,
    pub findings: Vec<Finding>,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportedProfile {
    pub name: String,
    /// The compose file it came from.
    pub from: String,
    pub service: String,
}

/// A compose service that is not a vLLM server.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OtherService {
    pub file: String,
    pub line: usize,
    pub service: String,
    pub reason: String,
}

#[derive(Debug, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportedFile {
    pub file: String,
    /// "written", "unchanged", "refused", "dry-run" or "not written".
    pub state: String,
}
