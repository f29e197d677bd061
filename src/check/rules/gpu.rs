//! `gpu-memory-ceiling` and `parallelism-gpu-count`.

use std::collections::BTreeMap;

use crate::diagnostics::{Check, Diagnostic, Diagnostics};
use crate::profile::Profile;
use crate::project::Project;

pub fn check(profile: &Profile, project: &Project, diags: &mut Diagnostics) {
    ceiling(profile, project, diags);
    parallelism(profile, diags);
}

fn ceiling(profile: &Profile, project: &Project, diags: &mut Diagnostics) {
    let Some(util) = profile.gpu_memory_utilization() else {
        return;
    };
    let limit = project.gpu_memory_ceiling;
    if util > limit {
        diags.push(
            Diagnostic::new(
                Check::GpuMemoryCeiling,
                format!("gpu_memory_utilization {util} is above the project ceiling of {limit}"),
            )
            .at(profile.label("vllm.gpu_memory_utilization", format!("above {limit}")))
            .with_help(format!(
                "vLLM needs memory outside its budget (CUDA context, NCCL buffers, other processes); use at most {limit}, or raise [policy] gpu_memory_ceiling in vprof.toml"
            )),
        );
    }
}

fn parallelism(profile: &Profile, diags: &mut Diagnostics) {
    // A Kubernetes-only profile has no GPU ids: pods get a GPU count (see rules::k8s).
    if profile.k8s_only() {
        return;
    }
    let tp = profile.tensor_parallel_size;
    let pp = profile.pipeline_parallel_size;
    let ids = &profile.gpu_ids;
    let needed = u64::from(tp) * u64::from(pp);
    if needed != ids.len() as u64 {
        let place = if profile.node("vllm.tensor_parallel_size").is_some() {
            "vllm.tensor_parallel_size"
        } else {
            "deploy.gpu_ids"
        };
        let mut d = Diagnostic::new(
            Check::ParallelismGpuCount,
            format!(
                "tensor_parallel_size x pipeline_parallel_size = {tp} x {pp} = {needed}, but {} GPU{} assigned in deploy.gpu_ids",
                ids.len(),
                if ids.len() == 1 { " is" } else { "s are" }
            ),
        )
        .at(profile.label(place, format!("needs {needed} GPU{}", if needed == 1 { "" } else { "s" })));
        if place != "deploy.gpu_ids" {
            d = d.with_secondary(
                profile
                    .origin("deploy.gpu_ids")
                    .value_label(format!("{} assigned here", ids.len())),
            );
        }
        diags.push(d.with_help("vLLM starts one worker per GPU: assign exactly TP x PP GPUs"));
    }
    let deploy = profile.deploy();
    if needed > 1 && deploy.ipc.is_none() && deploy.shm_size.is_none() {
        diags.push(
            Diagnostic::new(
                Check::SharedMemory,
                format!("{needed} GPU workers share tensors through /dev/shm, but the container keeps docker's 64 MB default"),
            )
            .at(profile.label("deploy.gpu_ids", "several workers"))
            .with_help("set ipc = \"host\" or shm_size = \"16gb\" in [deploy]; NCCL fails otherwise"),
        );
    }
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for (index, id) in ids.iter().enumerate() {
        let item = profile.origin(&format!("deploy.gpu_ids.{index}"));
        if let Some(first) = seen.insert(id.as_str(), index) {
            diags.push(
                Diagnostic::new(
                    Check::ParallelismGpuCount,
                    format!("GPU id \"{id}\" is assigned twice"),
                )
                .at(item.value_label("duplicate"))
                .with_secondary(
                    profile
                        .origin(&format!("deploy.gpu_ids.{first}"))
                        .value_label("first here"),
                )
                .with_help("each worker needs its own GPU"),
            );
        }
        match id.parse::<u32>() {
            Ok(n) => {
                if let Some(host) = &profile.host
                    && n >= host.gpu_count
                {
                    diags.push(
                            Diagnostic::new(
                                Check::ParallelismGpuCount,
                                format!(
                                    "GPU id \"{id}\" does not exist: the host has {} GPU{} (ids 0 to {})",
                                    host.gpu_count,
                                    if host.gpu_count == 1 { "" } else { "s" },
                                    host.gpu_count.saturating_sub(1)
                                ),
                            )
                            .at(item.value_label("beyond the host's GPUs"))
                            .with_secondary(profile.origin("host.gpu_count").value_label("host GPU count")),
                        );
                }
            }
            Err(_) if id.starts_with("GPU-") || id.starts_with("MIG-") => {}
            Err(_) => diags.push(
                Diagnostic::new(
                    Check::ParallelismGpuCount,
                    format!("GPU id \"{id}\" is neither an index nor a GPU UUID"),
                )
                .at(item.value_label("not a GPU id"))
                .with_help(
                    "use indices as nvidia-smi numbers them (\"0\", \"1\") or UUIDs (\"GPU-…\")",
                ),
            ),
        }
    }
}
