//! `unpinned-image` and `vllm-version`: the image tag decides which vLLM runs and which flag
//! table applies.

use crate::diagnostics::{Check, Diagnostic, Diagnostics};
use crate::profile::Profile;
use crate::vllm::{ImageTarget, Version};

pub fn check(profile: &Profile, diags: &mut Diagnostics) {
    let label = |msg: &str| profile.origin("deploy.image").value_label(msg);
    let version = profile.version.as_str();
    match &profile.image_target {
        ImageTarget::Pinned(_) | ImageTarget::Digest => {}
        ImageTarget::Floating { tag } if tag.is_empty() => diags.push(
            Diagnostic::new(Check::UnpinnedImage, format!("image `{}` has no tag", profile.image))
                .at(label("no tag: docker pulls `latest`, whatever version that is today"))
                .with_help(format!("pin a version, e.g. `vllm/vllm-openai:v{version}`; flags are checked against vLLM {version}")),
        ),
        ImageTarget::Floating { tag } => diags.push(
            Diagnostic::new(Check::UnpinnedImage, format!("image tag `{tag}` is not pinned"))
                .at(label("floating tag: the vLLM version changes under you"))
                .with_help(format!("pin a version, e.g. `vllm/vllm-openai:v{version}`; flags are checked against vLLM {version}")),
        ),
        ImageTarget::Unsupported { tag } => diags.push(
            Diagnostic::new(
                Check::VllmVersion,
                format!("image tag `{tag}` is not a vLLM version vprof has a flag table for"),
            )
            .at(label("unknown version"))
            .with_help(format!(
                "use one of {} or set `vllm_version` in vprof.toml (checking against {version} for now)",
                Version::ALL.iter().map(|v| format!("v{}", v.as_str())).collect::<Vec<_>>().join(", ")
            )),
        ),
    }
}
