//! The `Deployment` of a server that fits one node.

use minijinja::Environment;
use serde::Serialize;

use super::layout::Layout;
use super::pod::{Role, pod_spec, startup_budget_secs};
use super::{Names, indent, render_template};
use crate::error::Error;
use crate::profile::Profile;

pub const FILE: &str = "deployment.yaml";
/// Time beyond the startup budget before a rollout counts as failed (image pulls, scheduling).
pub const PROGRESS_MARGIN_SECS: u64 = 300;

#[derive(Serialize)]
struct Ctx<'a> {
    names: &'a Names,
    replicas: u32,
    progress_deadline: u64,
    pod_spec: String,
}

pub fn render(
    env: &Environment<'_>,
    profile: &Profile,
    names: &Names,
    layout: &Layout,
) -> Result<String, Error> {
    let pod = pod_spec(profile, names, layout, Role::Server)?;
    let pod_text = render_template(
        env,
        "k8s/pod.yaml.j2",
        &minijinja::context! { pod => minijinja::value::Serde(&pod) },
    )?;
    let ctx = Ctx {
        names,
        replicas: profile.k8s().replicas.unwrap_or(1),
        progress_deadline: startup_budget_secs(profile).unwrap_or(0) + PROGRESS_MARGIN_SECS,
        pod_spec: indent(&pod_text, 6),
    };
    render_template(env, "k8s/deployment.yaml.j2", &ctx)
}
