//! Which vLLM a profile targets, decided in one place: the image tag (`v0.27.1`), else
//! `vllm_version` of the profile (`[deploy]`) or of vprof.toml, looked up in the project's
//! and the embedded tables; a patch release without a table of its own uses its minor's.

use super::tables::{Found, Tables};
use super::{Release, Version};

/// What the image reference pins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pinning {
    /// `:v0.27.1`.
    VersionTag,
    /// `@sha256:...`.
    Digest,
    /// `:nightly-<sha>` (also `nightly-<sha>-patched1`).
    NightlySha,
    /// Any other tag (`qwen3-final`): pinned, but it does not say which vLLM it runs.
    CustomTag,
    /// `:latest`, `:nightly`, or no tag.
    Floating,
}

/// Where the version came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    ImageTag,
    /// `[deploy] vllm_version` of the profile.
    Profile,
    /// `vllm_version` of vprof.toml.
    Project,
    /// Nothing said which: the newest embedded table.
    Newest,
}

impl Source {
    pub fn describe(self) -> &'static str {
        match self {
            Source::ImageTag => "image tag",
            Source::Profile => "profile vllm_version",
            Source::Project => "vprof.toml vllm_version",
            Source::Newest => "newest table (nothing names the version)",
        }
    }
}

/// Why the table in use is not the one the profile asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The requested version has no table, embedded or project (checked against the newest).
    NoTable { requested: String },
    /// A nightly, digest or custom image and no `vllm_version` to say what it runs.
    NeedsVersion,
    /// The image tag and `vllm_version` disagree (the tag wins).
    Conflict { configured: String },
}

/// The decided target of one profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The table that applies.
    pub version: Version,
    pub source: Source,
    /// The version text asked for (`0.11.2`), when something asked.
    pub requested: Option<String>,
    /// The image's tag (empty when it has none).
    pub tag: String,
    pub pinning: Pinning,
    /// The table is its minor release's, not the requested version's own.
    pub minor_fallback: bool,
    pub problem: Option<Problem>,
}

/// The image tag and what it pins: `registry:5000/vllm/vllm-openai:v0.27.1@sha256:...`.
fn tag_of(image: &str) -> (String, Pinning) {
    let (name, digest) = match image.split_once('@') {
        Some((n, _)) => (n, true),
        None => (image, false),
    };
    let last = name.rsplit('/').next().unwrap_or(name);
    let tag = last.split_once(':').map_or("", |(_, t)| t);
    let pinning = if Release::parse(tag).is_some()
        && tag.starts_with(|c: char| c == 'v' || c.is_ascii_digit())
    {
        Pinning::VersionTag
    } else if digest {
        Pinning::Digest
    } else if tag.is_empty() || tag == "latest" || tag == "nightly" {
        Pinning::Floating
    } else if tag.strip_prefix("nightly-").is_some_and(|rest| {
        let sha = rest.split('-').next().unwrap_or("");
        sha.len() >= 7 && sha.chars().all(|c| c.is_ascii_hexdigit())
    }) {
        Pinning::NightlySha
    } else {
        Pinning::CustomTag
    };
    (tag.to_string(), pinning)
}

/// Decide the target: the image tag when it is a version, else the profile's `vllm_version`,
/// else vprof.toml's, else the newest embedded table.
pub fn target(
    image: &str,
    profile_version: Option<&str>,
    project_version: Option<&str>,
    tables: &Tables,
) -> Target {
    let (tag, pinning) = tag_of(image);
    let configured = profile_version
        .map(|v| (v, Source::Profile))
        .or(project_version.map(|v| (v, Source::Project)));
    let (requested, source) = match (&pinning, configured) {
        (Pinning::VersionTag, _) => (Some(tag.as_str()), Source::ImageTag),
        (_, Some((v, source))) => (Some(v), source),
        (_, None) => (None, Source::Newest),
    };
    let mut problem = None;
    let (version, minor_fallback) = match requested.map(|r| (r, tables.find(r))) {
        Some((_, Some(Found::Exact(v)))) => (v, false),
        Some((_, Some(Found::Minor(v)))) => (v, true),
        Some((r, None)) => {
            problem = Some(Problem::NoTable {
                requested: r.strip_prefix('v').unwrap_or(r).to_string(),
            });
            (Version::newest(), false)
        }
        None => {
            if matches!(
                pinning,
                Pinning::Digest | Pinning::NightlySha | Pinning::CustomTag
            ) {
                problem = Some(Problem::NeedsVersion);
            }
            (Version::newest(), false)
        }
    };
    // `vllm_version` that contradicts a version tag: the tag is what runs.
    if source == Source::ImageTag
        && problem.is_none()
        && let Some((v, _)) = configured
        && Release::parse(v) != Release::parse(&tag)
        && tables.find(v).map(|f| match f {
            Found::Exact(x) | Found::Minor(x) => x,
        }) != Some(version)
    {
        problem = Some(Problem::Conflict {
            configured: v.to_string(),
        });
    }
    Target {
        version,
        source,
        requested: requested.map(|r| r.strip_prefix('v').unwrap_or(r).to_string()),
        tag,
        pinning,
        minor_fallback,
        problem,
    }
}

#[cfg(test)]
mod tests {
    use super::{Pinning, Problem, Source, target};
    use crate::vllm::Tables;

    fn t(image: &str, profile: Option<&str>) -> super::Target {
        target(image, profile, None, &Tables::default())
    }

    #[test]
    fn image_tags() {
        let v = t("vllm/vllm-openai:v0.27.1", None);
        assert_eq!(
            (v.version.as_str(), v.source, v.minor_fallback),
            ("0.27.1", Source::ImageTag, false)
        );
        let v = t("vllm/vllm-openai:v0.11.2", None);
        assert_eq!(
            (v.version.as_str(), v.minor_fallback, v.problem),
            ("0.11.0", true, None)
        );
        let v = t("vllm/vllm-openai:v0.8.5", None);
        assert_eq!(
            (v.version.as_str(), v.minor_fallback),
            ("0.8.5.post1", true)
        );
        let v = t("vllm/vllm-openai:v0.7.3", None);
        assert_eq!(
            v.problem,
            Some(Problem::NoTable {
                requested: "0.7.3".into()
            })
        );
        assert_eq!(v.version.as_str(), "0.33.0");
        assert_eq!(
            t("vllm/vllm-openai:latest", None).pinning,
            Pinning::Floating
        );
        assert_eq!(t("vllm/vllm-openai", None).pinning, Pinning::Floating);
        assert_eq!(t("vllm/vllm-openai:nightly", None).problem, None);
    }

    #[test]
    fn custom_nightly_and_digest_images_need_vllm_version() {
        for image in [
            "vllm/vllm-openai:qwen3-final",
            "vllm/vllm-openai:nightly-d106bf39f56cdc59d08a84094c0de41a0be9ad0f",
            "vllm-qwen36-shmpatched:nightly-f6983f01d-patched1",
            "vllm/vllm-openai@sha256:0123456789abcdef",
            "vllm-qwen36-genesis-tq:v7.72.5-vllm01d4d1ad3",
        ] {
            assert_eq!(
                t(image, None).problem,
                Some(Problem::NeedsVersion),
                "{image}"
            );
            let v = t(image, Some("0.19.1"));
            assert_eq!(
                (v.version.as_str(), v.source, v.problem),
                ("0.19.1", Source::Profile, None)
            );
        }
        assert_eq!(
            t("x:nightly-f6983f01d-patched1", None).pinning,
            Pinning::NightlySha
        );
        let v = target("x:qwen3-final", None, Some("0.27"), &Tables::default());
        assert_eq!(
            (v.version.as_str(), v.source, v.minor_fallback),
            ("0.27.1", Source::Project, true)
        );
        // the digest of a version tag: the tag says the version
        let v = t("vllm/vllm-openai:v0.19.1@sha256:0123", None);
        assert_eq!(
            (v.version.as_str(), v.pinning),
            ("0.19.1", Pinning::VersionTag)
        );
    }

    #[test]
    fn a_contradicting_vllm_version_is_a_problem() {
        let v = t("vllm/vllm-openai:v0.27.1", Some("0.19.1"));
        assert_eq!(
            v.problem,
            Some(Problem::Conflict {
                configured: "0.19.1".into()
            })
        );
        assert_eq!(t("vllm/vllm-openai:v0.27.1", Some("0.27.1")).problem, None);
    }
}
