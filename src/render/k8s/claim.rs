//! The `PersistentVolumeClaim` of the Hugging Face cache, when the profile names no existing
//! claim: `ReadWriteOnce` for one pod, `ReadWriteMany` when several pods (replicas, or the
//! nodes of a group) mount it, which the storage class must support.

use minijinja::Environment;
use serde::Serialize;

use super::layout::Layout;
use super::{Names, render_template};
use crate::error::Error;
use crate::profile::Profile;

pub const FILE: &str = "persistentvolumeclaim.yaml";
pub const DEFAULT_SIZE: &str = "200Gi";

#[derive(Serialize)]
struct Ctx<'a> {
    names: &'a Names,
    access_mode: &'static str,
    storage_class: Option<&'a str>,
    size: &'a str,
}

/// Pods that mount the cache at once.
pub fn pods(profile: &Profile, layout: &Layout) -> u32 {
    profile.k8s().replicas.unwrap_or(1).max(1) * layout.nodes
}

pub fn render(
    env: &Environment<'_>,
    profile: &Profile,
    names: &Names,
    layout: &Layout,
) -> Result<String, Error> {
    let k8s = profile.k8s();
    let ctx = Ctx {
        names,
        access_mode: if pods(profile, layout) > 1 {
            "ReadWriteMany"
        } else {
            "ReadWriteOnce"
        },
        storage_class: k8s.cache_storage_class.as_deref(),
        size: k8s.cache_size.as_deref().unwrap_or(DEFAULT_SIZE),
    };
    render_template(env, "k8s/persistentvolumeclaim.yaml.j2", &ctx)
}
