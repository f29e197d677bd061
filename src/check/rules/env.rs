//! `env-conflict`: a container variable set twice (by `deploy.env`, `deploy.secrets` or the
//! API key's `VLLM_API_KEY`) would make render fail; found here, located, at validate time.

use crate::diagnostics::{Check, Diagnostic, Diagnostics};
use crate::profile::Profile;
use crate::profile::raw::Secret;
use crate::render::compose::{API_KEY_VAR, container_env};

pub fn check(profile: &Profile, diags: &mut Diagnostics) {
    let api_key = match &profile.vllm().api_key {
        Some(Secret::Ref(r)) => Some(r.env.clone()),
        _ => None,
    };
    let Err(name) = container_env(profile, api_key) else {
        return;
    };
    let in_env = profile.node(&format!("deploy.env.{name}")).is_some();
    let primary = if in_env {
        profile.label(&format!("deploy.env.{name}"), "set here")
    } else {
        profile.label("deploy.secrets", "listed here")
    };
    let secondary = if in_env && profile.node("deploy.secrets").is_some() {
        profile.label("deploy.secrets", "and read from .env here")
    } else {
        profile.label("vllm.api_key", "and set from the API key here")
    };
    let help = if name == API_KEY_VAR {
        format!(
            "vprof sets {API_KEY_VAR} from vllm.api_key: remove it from deploy.env and deploy.secrets"
        )
    } else {
        format!(
            "keep `{name}` in one place: deploy.secrets for secrets (the value goes in .env), deploy.env otherwise"
        )
    };
    diags.push(
        Diagnostic::new(
            Check::EnvConflict,
            format!("the container variable `{name}` is set twice"),
        )
        .at(primary)
        .with_secondary(secondary)
        .with_help(help),
    );
}
