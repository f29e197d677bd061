//! `kustomization.yaml`: the rendered objects as one kustomize base (`kubectl apply -k DIR`),
//! with the `kubectl create secret` command for the Secret vprof does not render.

use minijinja::Environment;
use serde::Serialize;

use super::{Names, render_template};
use crate::error::Error;
use crate::profile::Profile;
use crate::render::compose::environment;

pub const FILE: &str = "kustomization.yaml";

#[derive(Serialize)]
struct Ctx<'a> {
    names: &'a Names,
    resources: &'a [&'a str],
    secret_keys: Vec<String>,
}

/// The keys the Secret must hold: one per secret variable of the container.
pub fn secret_keys(profile: &Profile) -> Result<Vec<String>, Error> {
    let mut keys: Vec<String> = environment(profile)?
        .into_iter()
        .filter(|e| e.secret)
        .map(|e| e.value)
        .collect();
    keys.sort();
    keys.dedup();
    Ok(keys)
}

pub fn render(
    env: &Environment<'_>,
    profile: &Profile,
    names: &Names,
    resources: &[&str],
) -> Result<String, Error> {
    let ctx = Ctx {
        names,
        resources,
        secret_keys: secret_keys(profile)?,
    };
    render_template(env, "k8s/kustomization.yaml.j2", &ctx)
}
