//! `vprof list`: one row per profile with the settings people compare.

use serde_json::json;

use super::{Context, report, report_json};
use crate::cli::Format;
use crate::error::Error;
use crate::exit::Outcome;
use crate::profile::Profile;

fn tristate(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "on",
        Some(false) => "off",
        None => "default",
    }
}

fn context(p: &Profile) -> String {
    match &p.vllm().max_model_len {
        Some(crate::profile::raw::HumanInt::Int(n)) => n.to_string(),
        Some(crate::profile::raw::HumanInt::Text(t)) => t.clone(),
        None => String::from("model"),
    }
}

pub fn run(ctx: &Context) -> Result<Outcome, Error> {
    let mut run = super::open(ctx)?;
    let targets: Vec<_> = run
        .all_targets()
        .into_iter()
        .filter(|t| !t.is_partial())
        .collect();
    let profiles = run.load(&targets)?;
    match ctx.format {
        Format::Json => {
            let rows: Vec<_> = profiles
                .iter()
                .map(|p| {
                    let v = p.vllm();
                    json!({
                        "name": p.name,
                        "model": p.model,
                        "tensor_parallel_size": p.tensor_parallel_size,
                        "gpu_memory_utilization": v.gpu_memory_utilization,
                        "enable_prefix_caching": v.enable_prefix_caching,
                        "enable_chunked_prefill": v.enable_chunked_prefill,
                        "max_model_len": context(p),
                        "description": p.raw.description,
                    })
                })
                .collect();
            return Ok(report_json(ctx, &run, json!({ "profiles": rows })));
        }
        Format::Human => {
            let mut rows = vec![[
                "NAME".to_string(),
                "MODEL".into(),
                "TP".into(),
                "GPU MEM".into(),
                "PREFIX CACHE".into(),
                "CHUNKED PREFILL".into(),
                "CONTEXT".into(),
            ]];
            for p in &profiles {
                let v = p.vllm();
                rows.push([
                    p.name.clone(),
                    p.model.clone(),
                    p.tensor_parallel_size.to_string(),
                    v.gpu_memory_utilization
                        .map_or("default".into(), |g| format!("{g:.2}")),
                    tristate(v.enable_prefix_caching).into(),
                    tristate(v.enable_chunked_prefill).into(),
                    context(p),
                ]);
            }
            let widths: Vec<usize> = (0..7)
                .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
                .collect();
            let mut text = String::new();
            for r in &rows {
                let cells: Vec<String> = r
                    .iter()
                    .zip(&widths)
                    .map(|(c, w)| format!("{c:<w$}"))
                    .collect();
                text.push_str(cells.join("  ").trim_end());
                text.push('\n');
            }
            ctx.printer.out(&text);
        }
    }
    Ok(report(ctx, &run, None))
}
