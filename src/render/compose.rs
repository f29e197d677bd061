//! The template context of the compose file: one service per profile, values as plain
//! strings (the template quotes them), secrets as variable names.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::error::Error;
use crate::profile::Profile;
use crate::profile::raw::Secret;

/// Where the Hugging Face cache is mounted in the container.
pub const HF_CACHE_TARGET: &str = "/root/.cache/huggingface";
/// How long model loading may take before failing healthchecks count.
pub const DEFAULT_START_PERIOD: &str = "600s";
/// The variable vLLM reads its API key from.
pub const API_KEY_VAR: &str = "VLLM_API_KEY";

#[derive(Debug, Serialize)]
pub struct Context {
    pub services: Vec<Service>,
}

#[derive(Debug, Serialize)]
pub struct Service {
    pub name: String,
    pub image: String,
    pub container_name: Option<String>,
    pub command: Vec<String>,
    pub environment: Vec<EnvVar>,
    pub port: String,
    pub host_ip: Option<String>,
    pub volumes: Vec<String>,
    pub ipc: Option<String>,
    pub shm_size: Option<String>,
    pub device_ids: Vec<String>,
    pub start_period: String,
}

/// One environment entry; a secret's `value` is the name of the variable it is read from.
#[derive(Debug, Serialize)]
pub struct EnvVar {
    pub name: String,
    pub value: String,
    pub secret: bool,
}

fn render_error(profile: &Profile, message: String) -> Error {
    Error::Usage(format!("cannot render `{}`: {message}", profile.name))
}

/// The variable holding the API key, if the profile has one.
fn api_key_var(profile: &Profile) -> Result<Option<String>, Error> {
    match &profile.vllm().api_key {
        None => Ok(None),
        Some(Secret::Ref(r)) => Ok(Some(r.env.clone())),
        Some(Secret::Literal(_)) => Err(render_error(
            profile,
            String::from(
                "vllm.api_key must be an environment reference: { env = \"VLLM_API_KEY\" }",
            ),
        )),
    }
}

/// The container's environment: `deploy.env`, then the secrets (`deploy.secrets`, the API key)
/// as references by variable name.
pub fn environment(profile: &Profile) -> Result<Vec<EnvVar>, Error> {
    let api_key = api_key_var(profile)?;
    container_env(profile, api_key).map_err(|name| {
        render_error(
            profile,
            format!("the container variable `{name}` is set twice"),
        )
    })
}

/// The container's variables: `deploy.env`, then `deploy.secrets`, then the API key's;
/// `Err(name)` when one is set twice (the `env-conflict` check reports it, located, at
/// validate time).
pub fn container_env(profile: &Profile, api_key: Option<String>) -> Result<Vec<EnvVar>, String> {
    let deploy = profile.deploy();
    let mut vars: BTreeMap<String, EnvVar> = BTreeMap::new();
    let mut add = |var: EnvVar| -> Result<(), String> {
        if let Some(old) = vars.get(&var.name) {
            if old.secret && var.secret && old.value == var.value {
                return Ok(());
            }
            return Err(var.name);
        }
        vars.insert(var.name.clone(), var);
        Ok(())
    };
    for (name, value) in deploy.env.iter().flatten() {
        // The schema says so too; rendering never writes a key YAML or compose would misread.
        if !super::is_env_name(name) || name.len() > 256 {
            return Err(format!(
                "deploy.env: `{}` is not an environment variable name",
                crate::profile::name::shown(name)
            ));
        }
        add(EnvVar {
            name: name.clone(),
            value: value.clone(),
            secret: false,
        })?;
    }
    for name in deploy.secrets.iter().flatten() {
        add(EnvVar {
            name: name.0.clone(),
            value: name.0.clone(),
            secret: true,
        })?;
    }
    if let Some(var) = api_key {
        add(EnvVar {
            name: API_KEY_VAR.to_string(),
            value: var,
            secret: true,
        })?;
    }
    Ok(vars.into_values().collect())
}

/// The service of a profile whose compose file sits in the project root.
pub fn service(profile: &Profile) -> Result<Service, Error> {
    service_at(profile, ".")
}

/// The service of a profile; `anchor` is the project root seen from the compose file's
/// directory (relative volume paths are rewritten with it).
pub fn service_at(profile: &Profile, anchor: &str) -> Result<Service, Error> {
    let deploy = profile.deploy();
    let command = super::args::vllm_args(profile).map_err(|m| render_error(profile, m))?;
    let mut volumes = Vec::new();
    if let Some(cache) = &deploy.hf_cache {
        volumes.push(format!(
            "{}:{HF_CACHE_TARGET}",
            super::anchor::anchored(cache, anchor)
        ));
    }
    volumes.extend(
        deploy
            .volumes
            .iter()
            .flatten()
            .map(|v| match v.split_once(':') {
                Some((host, rest)) => format!("{}:{rest}", super::anchor::anchored(host, anchor)),
                None => v.clone(),
            }),
    );
    Ok(Service {
        name: profile.service.clone(),
        image: profile.image.clone(),
        container_name: deploy.container_name.clone(),
        command,
        environment: environment(profile)?,
        port: profile.port().to_string(),
        host_ip: deploy.bind_address.clone(),
        volumes,
        ipc: deploy.ipc.clone(),
        shm_size: deploy.shm_size.clone(),
        device_ids: profile.gpu_ids.clone(),
        start_period: deploy
            .start_period
            .clone()
            .unwrap_or_else(|| DEFAULT_START_PERIOD.to_string()),
    })
}

pub fn context(profiles: &[Profile], anchor: &str) -> Result<Context, Error> {
    let mut seen = BTreeSet::new();
    let mut services = Vec::new();
    for p in profiles {
        if !seen.insert(p.service.clone()) {
            return Err(render_error(
                p,
                format!(
                    "another profile already uses the service name `{}`",
                    p.service
                ),
            ));
        }
        services.push(service_at(p, anchor)?);
    }
    Ok(Context { services })
}

/// Every variable the compose file reads from `.env`, sorted.
pub fn secret_names(profiles: &[Profile]) -> Result<Vec<String>, Error> {
    let mut names = BTreeSet::new();
    for p in profiles {
        for s in p.deploy().secrets.iter().flatten() {
            names.insert(s.0.clone());
        }
        if let Some(var) = api_key_var(p)? {
            names.insert(var);
        }
    }
    Ok(names.into_iter().collect())
}
