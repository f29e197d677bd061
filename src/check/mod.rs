//! Checks: the schema stage runs per file while loading; the rules here run on resolved
//! profiles (one at a time, then across the profiles rendered together). Rules push findings
//! and never stop early, so one run shows every problem.

pub mod rules;
pub mod schema;

use crate::diagnostics::Diagnostics;
use crate::profile::Profile;
use crate::project::Project;

/// Every semantic rule on one resolved profile.
pub fn profile(profile: &Profile, project: &Project, diags: &mut Diagnostics) {
    rules::image::check(profile, diags);
    rules::gpu::check(profile, project, diags);
    rules::secrets::check(profile, diags);
    rules::env::check(profile, diags);
    rules::vllm_args::check(profile, diags);
    rules::model_fit::check(profile, diags);
}

/// Rules across profiles deployed on one host (`gpu-overlap`, `service-conflict`,
/// `port-conflict`).
pub fn together(profiles: &[Profile], diags: &mut Diagnostics) {
    rules::shared::check(profiles, diags);
}
