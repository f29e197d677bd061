//! `vprof doctor NAME`: the profile against this machine's GPUs (`nvidia-smi`), vLLM's
//! start-up free-memory rule, and the container tooling. Exit 0 when nothing is at error
//! level, 1 otherwise, 2 without `nvidia-smi` (or when it fails).

use super::{Context, plural};
use crate::doctor::{self, Item, Status, smi};
use crate::error::Error;
use crate::exit::Outcome;
use crate::report::Report;
use crate::report::documents::DoctorReport;

pub fn run(ctx: &Context, name: &str) -> Result<Report, Error> {
    let mut run = super::open(ctx)?;
    let Some(profile) = run.load_one(name)? else {
        // The profile cannot be built: its findings say why.
        return Ok(Report::findings(run).at_least(Outcome::Findings));
    };
    let gpus = match smi::query() {
        Ok(gpus) => gpus,
        Err(smi::SmiError::Missing) => {
            return Err(Error::Usage(String::from(
                "nvidia-smi is not on PATH: vprof doctor reads this machine's GPUs from it (it comes with the NVIDIA driver)",
            )));
        }
        Err(smi::SmiError::Failed(why)) => {
            return Err(Error::Usage(format!("cannot read the GPUs: {why}")));
        }
    };
    let mut items = doctor::check_gpus(&profile, &run.sources, &gpus);
    items.extend(doctor::runtime::check());
    let errors = items.iter().filter(|i| i.status == Status::Error).count();
    let warnings = items.iter().filter(|i| i.status == Status::Warning).count();
    let mut text = format!(
        "{}: {} on GPU {} (TP {} x PP {}), gpu_memory_utilization {}\n\n",
        profile.name,
        profile.model,
        profile.gpu_ids.join(", "),
        profile.tensor_parallel_size,
        profile.pipeline_parallel_size,
        doctor::utilization(&profile)
    );
    text.push_str(&gpu_table(&gpus));
    text.push('\n');
    for i in &items {
        text.push_str(&line(i));
    }
    text.push_str(&format!(
        "doctor: {}, {}\n",
        plural(errors, "error"),
        plural(warnings, "warning")
    ));
    let doc = DoctorReport {
        profile: profile.name.clone(),
        gpu_memory_utilization: doctor::utilization(&profile),
        gpus,
        checks: items,
        findings: run.finding_list(),
    };
    let outcome = if errors > 0 {
        Outcome::Findings
    } else {
        Outcome::Success
    };
    Ok(Report::new(run, &doc).stdout(text).at_least(outcome))
}

fn gpu_table(gpus: &[smi::Gpu]) -> String {
    let width = gpus.iter().map(|g| g.name.len()).max().unwrap_or(4).max(4);
    let mut text = format!("GPU  {:<width$}  TOTAL MiB  USED MiB  FREE MiB\n", "NAME");
    for g in gpus {
        text.push_str(&format!(
            "{:<3}  {:<width$}  {:>9}  {:>8}  {:>8}\n",
            g.index, g.name, g.total_mib, g.used_mib, g.free_mib
        ));
    }
    text
}

fn line(i: &Item) -> String {
    let mut text = format!("{:<7}  {:<14}  {}\n", i.status.as_str(), i.check, i.message);
    if let Some(help) = &i.help {
        text.push_str(&format!("{:<7}  {:<14}  help: {help}\n", "", ""));
    }
    text
}
