//! `unpinned-image`, `vllm-version` and `vllm-table-fallback`: what the image and
//! `vllm_version` say about the vLLM that runs, and which flag table applies
//! (decided by `vllm::target`).

use crate::diagnostics::{Check, Diagnostic, Diagnostics, Label};
use crate::profile::Profile;
use crate::vllm::{Pinning, Problem, Source, Version};

pub fn check(profile: &Profile, diags: &mut Diagnostics) {
    let target = &profile.target;
    let version = profile.version.as_str();
    let image = |msg: &str| profile.origin("deploy.image").value_label(msg);
    // where the version that was asked for is written
    let asked = |msg: &str| -> Label {
        match target.source {
            Source::Profile => profile.origin("deploy.vllm_version").value_label(msg),
            _ => image(msg),
        }
    };
    let pin_help = format!(
        "pin a version, e.g. `vllm/vllm-openai:v{version}`; flags are checked against vLLM {version}"
    );
    match target.pinning {
        Pinning::Floating if target.tag.is_empty() => diags.push(
            Diagnostic::new(
                Check::UnpinnedImage,
                format!("image `{}` has no tag", profile.image),
            )
            .at(image(
                "no tag: docker pulls `latest`, whatever version that is today",
            ))
            .with_help(pin_help),
        ),
        Pinning::Floating => diags.push(
            Diagnostic::new(
                Check::UnpinnedImage,
                format!("image tag `{}` is not pinned", target.tag),
            )
            .at(image("floating tag: the vLLM version changes under you"))
            .with_help(pin_help),
        ),
        _ => {}
    }
    let embedded = Version::embedded_range();
    match &target.problem {
        None => {}
        Some(Problem::NoTable { requested }) => diags.push(
            Diagnostic::new(
                Check::VllmVersion,
                format!("vLLM {requested} is not a version vprof has a flag table for"),
            )
            .at(asked("no flag table for this version"))
            .with_help(format!(
                "embedded: every minor release from {embedded}; for another version add its table (`vprof vllm dump-script`, `vllm_tables_dir` in vprof.toml); checking against {version} for now"
            )),
        ),
        Some(Problem::NeedsVersion) => {
            let what = match target.pinning {
                Pinning::Digest => format!("image `{}` (pinned by digest)", profile.image),
                Pinning::NightlySha => format!("nightly image tag `{}`", target.tag),
                _ => format!("image tag `{}`", target.tag),
            };
            diags.push(
                Diagnostic::new(
                    Check::VllmVersion,
                    format!("{what} does not say which vLLM version it runs"),
                )
                .at(image("which vLLM is this?"))
                .with_help(format!(
                    "set `vllm_version = \"X.Y.Z\"` in [deploy] (or in vprof.toml) to the version this image runs; checking against {version} for now"
                )),
            );
        }
        Some(Problem::Conflict { configured }) => diags.push(
            Diagnostic::new(
                Check::VllmVersion,
                format!(
                    "vllm_version `{configured}` contradicts the image tag `{}`",
                    target.tag
                ),
            )
            .at(profile.label("deploy.vllm_version", "not what the tag says"))
            .with_secondary(image("this tag decides: flags are checked against it"))
            .with_help("drop vllm_version, or fix the tag"),
        ),
    }
    if target.minor_fallback
        && let Some(requested) = &target.requested
    {
        diags.push(
            Diagnostic::new(
                Check::VllmTableFallback,
                format!("vLLM {requested} uses the {version} table"),
            )
            .at(asked(&format!("checked against vLLM {version}")))
            .with_help(format!(
                "{requested} has no table of its own; patch releases rarely change flags. For an exact table add one with `vprof vllm dump-script`"
            )),
        );
    }
}
