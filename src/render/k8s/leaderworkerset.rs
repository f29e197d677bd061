//! The `LeaderWorkerSet` of a server across nodes: `size` = nodes per group, the leader serves
//! the API (`--node-rank 0`), the workers run `--headless` with their `LWS_WORKER_INDEX`, and a
//! failed pod recreates its group (`RecreateGroupOnPodRestart`).

use std::collections::BTreeMap;

use minijinja::Environment;
use serde::Serialize;

use super::layout::Layout;
use super::pod::{Role, pod_spec};
use super::{COMPONENT_LABEL, Names, indent, render_template};
use crate::error::Error;
use crate::profile::Profile;

pub const FILE: &str = "leaderworkerset.yaml";

#[derive(Serialize)]
struct Ctx<'a> {
    names: &'a Names,
    replicas: u32,
    size: u32,
    leader_labels: BTreeMap<String, String>,
    worker_labels: BTreeMap<String, String>,
    leader_spec: String,
    worker_spec: String,
}

/// The labels of a group's pods of one role.
pub fn role_labels(names: &Names, role: Role) -> BTreeMap<String, String> {
    let mut labels = names.labels.clone();
    let component = match role {
        Role::Server => "leader",
        Role::Worker => "worker",
    };
    labels.insert(COMPONENT_LABEL.into(), component.into());
    labels
}

pub fn render(
    env: &Environment<'_>,
    profile: &Profile,
    names: &Names,
    layout: &Layout,
) -> Result<String, Error> {
    let spec = |role| -> Result<String, Error> {
        let pod = pod_spec(profile, names, layout, role)?;
        let text = render_template(
            env,
            "k8s/pod.yaml.j2",
            &minijinja::context! { pod => minijinja::value::Serde(&pod) },
        )?;
        Ok(indent(&text, 8))
    };
    let ctx = Ctx {
        names,
        replicas: profile.k8s().replicas.unwrap_or(1),
        size: layout.nodes,
        leader_labels: role_labels(names, Role::Server),
        worker_labels: role_labels(names, Role::Worker),
        leader_spec: spec(Role::Server)?,
        worker_spec: spec(Role::Worker)?,
    };
    render_template(env, "k8s/leaderworkerset.yaml.j2", &ctx)
}
