//! The `Service` in front of the API on the profile's port: the Deployment's pods, or the
//! leaders of the LeaderWorkerSet's groups.

use std::collections::BTreeMap;

use minijinja::Environment;
use serde::Serialize;

use super::layout::Layout;
use super::{COMPONENT_LABEL, Names, render_template};
use crate::error::Error;
use crate::profile::Profile;

pub const FILE: &str = "service.yaml";

#[derive(Serialize)]
struct Ctx<'a> {
    names: &'a Names,
    selector: BTreeMap<String, String>,
    port: u32,
}

pub fn render(
    env: &Environment<'_>,
    profile: &Profile,
    names: &Names,
    layout: &Layout,
) -> Result<String, Error> {
    let mut selector = names.selector.clone();
    if layout.multi_node() {
        selector.insert(COMPONENT_LABEL.into(), String::from("leader"));
    }
    let ctx = Ctx {
        names,
        selector,
        port: profile.port(),
    };
    render_template(env, "k8s/service.yaml.j2", &ctx)
}
