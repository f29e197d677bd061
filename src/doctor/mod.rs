//! `vprof doctor NAME`: a profile against the machine it is about to run on.
//!
//! The GPUs come from `nvidia-smi` ([`smi`]); the container tooling from `docker info` and
//! PATH ([`runtime`]). Each comparison is an [`Item`] with a status; the command prints them.
//!
//! The free-memory rule is vLLM's own start-up check (its V1 GPU worker): the free memory
//! of each GPU at start-up must cover `gpu_memory_utilization × total`, or vLLM stops with
//! "Free memory on device (…) on startup is less than desired GPU memory utilization (…)".

pub mod runtime;
pub mod smi;

use serde::Serialize;

use crate::diagnostics::SourceMap;
use crate::profile::Profile;
use smi::Gpu;

/// How one comparison came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    Warning,
    Error,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warning => "warning",
            Status::Error => "error",
        }
    }
}

/// One comparison of the profile with this machine.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Item {
    pub check: &'static str,
    pub status: Status,
    pub message: String,
    pub help: Option<String>,
}

fn item(check: &'static str, status: Status, message: String, help: Option<String>) -> Item {
    Item {
        check,
        status,
        message,
        help,
    }
}

const MIB_PER_GIB: f64 = 1024.0;

/// The effective gpu_memory_utilization: the profile's, else the target version's default.
pub fn utilization(p: &Profile) -> f64 {
    p.gpu_memory_utilization().unwrap_or_else(|| {
        crate::vllm::table(p.version)
            .get("gpu_memory_utilization")
            .and_then(|f| f.default.as_f64())
            .unwrap_or(0.9)
    })
}

/// `file:line` of a resolved key (the file it came from, through `extends` and `host`).
fn place(p: &Profile, sources: &SourceMap, dotted: &str) -> String {
    let origin = p.origin(dotted);
    let (line, _) = sources.line_col(origin.file, origin.span.start);
    format!("{}:{line}", sources.name(origin.file))
}

/// Compare the profile with the GPUs; the container tooling is [`runtime::check`].
pub fn check_gpus(p: &Profile, sources: &SourceMap, gpus: &[Gpu]) -> Vec<Item> {
    let mut items = vec![gpu_count(p, sources, gpus)];
    let assigned: Vec<&Gpu> = p
        .gpu_ids
        .iter()
        .filter_map(|id| gpus.iter().find(|g| &g.index == id))
        .collect();
    items.extend(host_memory(p, sources, gpus, &assigned));
    items.push(free_memory(p, sources, &assigned));
    items
}

fn gpu_count(p: &Profile, sources: &SourceMap, gpus: &[Gpu]) -> Item {
    let needed = p.tensor_parallel_size * p.pipeline_parallel_size;
    let indices: Vec<&str> = gpus.iter().map(|g| g.index.as_str()).collect();
    let missing: Vec<&str> = p
        .gpu_ids
        .iter()
        .map(String::as_str)
        .filter(|id| !indices.contains(id))
        .collect();
    let machine = format!(
        "this machine has {} (index {})",
        crate::commands::plural(gpus.len(), "GPU"),
        indices.join(", ")
    );
    if !missing.is_empty() {
        return item(
            "gpu-count",
            Status::Error,
            format!(
                "the profile assigns GPU {} ({}), {machine}",
                quoted(&missing),
                place(p, sources, "deploy.gpu_ids")
            ),
            Some(format!(
                "set deploy.gpu_ids to GPUs this machine has, e.g. gpu_ids = [{}]",
                indices[..indices.len().min(needed as usize)]
                    .iter()
                    .map(|i| format!("\"{i}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        );
    }
    if gpus.len() < needed as usize {
        return item(
            "gpu-count",
            Status::Error,
            format!(
                "TP {} x PP {} needs {needed} GPUs, {machine}",
                p.tensor_parallel_size, p.pipeline_parallel_size
            ),
            Some(String::from(
                "lower tensor_parallel_size or pipeline_parallel_size, or run on a larger host",
            )),
        );
    }
    item(
        "gpu-count",
        Status::Ok,
        format!(
            "GPU {} for TP {} x PP {}; {machine}",
            quoted(&p.gpu_ids.iter().map(String::as_str).collect::<Vec<_>>()),
            p.tensor_parallel_size,
            p.pipeline_parallel_size
        ),
        None,
    )
}

fn host_memory(p: &Profile, sources: &SourceMap, gpus: &[Gpu], assigned: &[&Gpu]) -> Vec<Item> {
    let Some(first) = assigned.first().copied().or(gpus.first()) else {
        return Vec::new();
    };
    let actual = first.total_mib;
    let suggestion = format!("gpu_memory_mib = {actual}");
    let mut items = Vec::new();
    let Some(host) = &p.host else {
        return vec![item(
            "host-memory",
            Status::Warning,
            format!(
                "the profile has no [host]; GPU {} has {actual} MiB ({})",
                first.index, first.name
            ),
            Some(format!(
                "describe this machine: [host] gpu_count = {}, {suggestion}, gpu_name = \"{}\"",
                gpus.len(),
                first.name
            )),
        )];
    };
    if host.gpu_count as usize != gpus.len() {
        items.push(item(
            "host-memory",
            Status::Warning,
            format!(
                "host.gpu_count = {} ({}), this machine has {}",
                host.gpu_count,
                place(p, sources, "host.gpu_count"),
                gpus.len()
            ),
            Some(format!(
                "set gpu_count = {} in {}",
                gpus.len(),
                file_of(p, sources, "host.gpu_count")
            )),
        ));
    }
    let key = if p.node("host.gpu_memory_mib").is_some() {
        "host.gpu_memory_mib"
    } else {
        "host.gpu_memory_gib"
    };
    match host.gpu_memory_gib {
        None => items.push(item(
            "host-memory",
            Status::Warning,
            format!(
                "the [host] table gives no GPU memory; GPU {} has {actual} MiB",
                first.index
            ),
            Some(format!(
                "add {suggestion} to {}",
                file_of(p, sources, "host.gpu_count")
            )),
        )),
        Some(gib) => {
            let declared = (gib * MIB_PER_GIB).round() as u64;
            if declared.abs_diff(actual) > 1 {
                // Less memory than the plan assumes can fail at start-up: an error.
                let status = if actual < declared {
                    Status::Error
                } else {
                    Status::Warning
                };
                items.push(item(
                    "host-memory",
                    status,
                    format!(
                        "{key} says {declared} MiB per GPU ({}), GPU {} ({}) has {actual} MiB",
                        place(p, sources, key),
                        first.index,
                        first.name
                    ),
                    Some(format!(
                        "set {suggestion} in {}{}, so that plan and the fit checks use this machine's memory",
                        file_of(p, sources, key),
                        if key == "host.gpu_memory_gib" {
                            " (replacing gpu_memory_gib)"
                        } else {
                            ""
                        }
                    )),
                ));
            } else {
                items.push(item(
                    "host-memory",
                    Status::Ok,
                    format!(
                        "{key} matches GPU {} ({}): {actual} MiB",
                        first.index, first.name
                    ),
                    None,
                ));
            }
        }
    }
    items
}

fn free_memory(p: &Profile, sources: &SourceMap, assigned: &[&Gpu]) -> Item {
    let util = utilization(p);
    let source = if p.gpu_memory_utilization().is_some() {
        place(p, sources, "vllm.gpu_memory_utilization")
    } else {
        format!("vLLM {}'s default", p.version.as_str())
    };
    let gib = |mib: f64| mib / MIB_PER_GIB;
    let mut short = Vec::new();
    for g in assigned {
        let requested = util * g.total_mib as f64;
        if (g.free_mib as f64) < requested {
            short.push(format!(
                "GPU {}: free {:.2} of {:.2} GiB is less than {util} x total = {:.2} GiB ({} MiB used by other processes)",
                g.index,
                gib(g.free_mib as f64),
                gib(g.total_mib as f64),
                gib(requested),
                g.used_mib
            ));
        }
    }
    if short.is_empty() {
        return item(
            "free-memory",
            Status::Ok,
            format!(
                "free memory covers gpu_memory_utilization {util} ({source}) on every assigned GPU"
            ),
            None,
        );
    }
    let most = assigned
        .iter()
        .map(|g| g.free_mib as f64 / g.total_mib as f64)
        .fold(f64::INFINITY, f64::min);
    let floor = (most * 100.0).floor() / 100.0;
    item(
        "free-memory",
        Status::Error,
        format!(
            "vLLM would refuse to start (\"Free memory on device ... on startup is less than desired GPU memory utilization\"): {}",
            short.join("; ")
        ),
        Some(format!(
            "stop what uses the GPU (nvidia-smi lists the processes), or lower gpu_memory_utilization ({source}) to at most {floor:.2}"
        )),
    )
}

fn quoted(ids: &[&str]) -> String {
    ids.join(", ")
}

/// The file a resolved key comes from (a host file, a partial or the profile).
fn file_of(p: &Profile, sources: &SourceMap, dotted: &str) -> String {
    sources.name(p.origin(dotted).file).to_string()
}
