//! `gpu-overlap`, `service-conflict` and `port-conflict`: profiles rendered together run on
//! one host, in one compose file.

use std::collections::BTreeMap;

use crate::diagnostics::{Check, Diagnostic, Diagnostics};
use crate::profile::Profile;

pub fn check(profiles: &[Profile], diags: &mut Diagnostics) {
    gpu_overlap(profiles, diags);
    service_conflict(profiles, diags);
    port_conflict(profiles, diags);
}

fn gpu_overlap(profiles: &[Profile], diags: &mut Diagnostics) {
    let mut by_gpu: BTreeMap<&str, Vec<(&Profile, usize)>> = BTreeMap::new();
    for p in profiles {
        for (i, id) in p.gpu_ids.iter().enumerate() {
            by_gpu.entry(id.as_str()).or_default().push((p, i));
        }
    }
    for (gpu, users) in &by_gpu {
        if users.len() < 2 {
            continue;
        }
        // Unset, vLLM's default of the profile's version (0.9 in 0.11, 0.92 in 0.33).
        let fraction = |p: &Profile| p.gpu_memory_fraction();
        let total: f64 = users.iter().map(|(p, _)| fraction(p)).sum();
        if total > 1.0 + 1e-9 {
            // Point at the fractions that add up (the GPU ids often come from a shared partial).
            let share = |p: &Profile| {
                let default = if p.gpu_memory_utilization().is_none() {
                    format!(" (vLLM {}'s default)", p.version.as_str())
                } else {
                    String::new()
                };
                p.label(
                    "vllm.gpu_memory_utilization",
                    format!("{} of GPU \"{gpu}\" for `{}`{default}", fraction(p), p.name),
                )
            };
            let mut d = Diagnostic::new(
                Check::GpuOverlap,
                format!(
                    "GPU \"{gpu}\" is shared by {} whose gpu_memory_utilization adds up to {:.2} (> 1.0)",
                    users.iter().map(|(p, _)| format!("`{}`", p.name)).collect::<Vec<_>>().join(", "),
                    total
                ),
            )
            .at(share(users[0].0));
            for (p, _) in &users[1..] {
                d = d.with_secondary(share(p));
            }
            diags.push(d.with_help(
                "each vLLM instance claims its fraction of the whole GPU at start-up and sees its neighbours' memory as used: keep the sum at most 1.0",
            ));
        }
    }
}

fn service_conflict(profiles: &[Profile], diags: &mut Diagnostics) {
    let mut by_service: BTreeMap<&str, Vec<&Profile>> = BTreeMap::new();
    for p in profiles {
        by_service.entry(p.service.as_str()).or_default().push(p);
    }
    for (service, users) in by_service {
        if users.len() < 2 {
            continue;
        }
        let mut d = Diagnostic::new(
            Check::ServiceConflict,
            format!(
                "the service name `{service}` is used by {}",
                users
                    .iter()
                    .map(|p| format!("`{}`", p.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
        .at(users[0].label("deploy.service", "named here"));
        for p in &users[1..] {
            d = d.with_secondary(p.label("deploy.service", "and here"));
        }
        diags.push(d.with_help("give each profile its own deploy.service"));
    }
}

fn port_conflict(profiles: &[Profile], diags: &mut Diagnostics) {
    let mut by_port: BTreeMap<u32, Vec<&Profile>> = BTreeMap::new();
    for p in profiles {
        by_port.entry(p.port()).or_default().push(p);
    }
    for (port, users) in by_port {
        if users.len() < 2 {
            continue;
        }
        let mut d = Diagnostic::new(
            Check::PortConflict,
            format!(
                "host port {port} is published by {}",
                users
                    .iter()
                    .map(|p| format!("`{}`", p.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
        .at(users[0].label("deploy.port", "published here"));
        for p in &users[1..] {
            d = d.with_secondary(p.label("deploy.port", "and here"));
        }
        diags.push(d.with_help("give each service its own deploy.port"));
    }
}
