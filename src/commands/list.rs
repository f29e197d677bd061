//! `vprof list`: one row per profile with the settings people compare.

use super::Context;
use crate::error::Error;
use crate::profile::Profile;
use crate::report::documents::{ListReport, ListRow};
use crate::report::{Align, Report, Table};

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

fn row(p: &Profile) -> ListRow {
    let v = p.vllm();
    ListRow {
        name: p.name.clone(),
        model: p.model.clone(),
        tensor_parallel_size: p.tensor_parallel_size,
        gpu_memory_utilization: v.gpu_memory_utilization,
        enable_prefix_caching: v.enable_prefix_caching,
        enable_chunked_prefill: v.enable_chunked_prefill,
        max_model_len: context(p),
        description: p.raw.description.clone(),
    }
}

fn human(rows: &[ListRow]) -> String {
    let mut table = Table::new(&[Align::Left; 7]);
    table.row([
        "NAME",
        "MODEL",
        "TP",
        "GPU MEM",
        "PREFIX CACHE",
        "CHUNKED PREFILL",
        "CONTEXT",
    ]);
    for r in rows {
        table.row([
            r.name.clone(),
            r.model.clone(),
            r.tensor_parallel_size.to_string(),
            r.gpu_memory_utilization
                .map_or("default".into(), |g| format!("{g:.2}")),
            tristate(r.enable_prefix_caching).into(),
            tristate(r.enable_chunked_prefill).into(),
            r.max_model_len.clone(),
        ]);
    }
    table.render()
}

pub fn run(ctx: &Context) -> Result<Report, Error> {
    let mut run = super::open(ctx)?;
    let targets: Vec<_> = run
        .all_targets()
        .into_iter()
        .filter(|t| !t.is_partial())
        .collect();
    let profiles = run.load(&targets)?;
    let doc = ListReport {
        profiles: profiles.iter().map(row).collect(),
        findings: run.finding_list(),
    };
    let text = human(&doc.profiles);
    Ok(Report::new(run, &doc).stdout(text))
}
