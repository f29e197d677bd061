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
    if profile.raw.k8s.is_some() {
        rules::k8s::check(profile, diags);
    }
}

/// The Kubernetes target's rules, for `--target k8s` on a profile without a `[k8s]` table
/// (with one, [`profile`] runs them already; duplicates are removed when reporting).
pub fn k8s(profile: &Profile, diags: &mut Diagnostics) {
    rules::k8s::check(profile, diags);
}

/// Rules across profiles deployed on one host (`gpu-overlap`, `service-conflict`,
/// `port-conflict`).
pub fn together(profiles: &[Profile], diags: &mut Diagnostics) {
    rules::shared::check(profiles, diags);
}

/// What a render target adds: the k8s rules for `K8s`; for `Compose`, a profile without
/// `deploy.gpu_ids` (Kubernetes only) cannot render.
pub fn target(profile: &Profile, target: crate::render::Target, diags: &mut Diagnostics) {
    use crate::diagnostics::{Check, Diagnostic, Label};
    match target {
        crate::render::Target::K8s => k8s(profile, diags),
        crate::render::Target::Compose if profile.k8s_only() => diags.push(
            Diagnostic::new(Check::Schema, "missing `deploy.gpu_ids`")
                .at(Label::new(
                    profile.file(),
                    0..0,
                    "the compose target needs GPU ids; this profile only has a [k8s] table",
                ))
                .with_help(
                    "render it with --target k8s, or add gpu_ids = [\"0\", ...] to [deploy]",
                ),
        ),
        crate::render::Target::Compose => {}
    }
}
