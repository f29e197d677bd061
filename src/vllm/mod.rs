//! What vprof knows of vLLM: the `vllm serve` flag tables of the supported versions
//! (embedded, derived from vLLM's own parser), how image tags select one, and how profile
//! values are checked, rendered as arguments and read back.

mod argparse;
mod removed;
mod table;
mod values;

pub use argparse::parse_args;
pub use removed::{Removal, historic, removed};
pub use table::{Flag, FlagTable, Registries, ValueKind, table};
pub use values::{ValueError, check_value, parse_human_int, render_arg};

/// A vLLM version vprof has a flag table for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Version {
    V0_11_0,
    V0_33_0,
}

impl Version {
    pub const ALL: &'static [Version] = &[Version::V0_11_0, Version::V0_33_0];

    pub fn newest() -> Version {
        Version::V0_33_0
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Version::V0_11_0 => "0.11.0",
            Version::V0_33_0 => "0.33.0",
        }
    }

    pub fn parse(s: &str) -> Option<Version> {
        let s = s.strip_prefix('v').unwrap_or(s);
        Version::ALL
            .iter()
            .copied()
            .find(|v| v.as_str() == s || v.as_str().strip_suffix(".0") == Some(s))
    }
}

/// What an image reference says about the vLLM version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageTarget {
    Pinned(Version),
    Floating { tag: String },
    Digest,
    Unsupported { tag: String },
}

pub fn image_target(image: &str) -> ImageTarget {
    let (name, digest) = match image.split_once('@') {
        Some((n, _)) => (n, true),
        None => (image, false),
    };
    let last = name.rsplit('/').next().unwrap_or(name);
    let tag = last.split_once(':').map(|(_, t)| t);
    match tag {
        Some(t) => match Version::parse(t) {
            Some(v) => ImageTarget::Pinned(v),
            None if t == "latest" || t.contains("nightly") => {
                ImageTarget::Floating { tag: t.into() }
            }
            None if digest => ImageTarget::Digest,
            None => ImageTarget::Unsupported { tag: t.into() },
        },
        None if digest => ImageTarget::Digest,
        None => ImageTarget::Floating { tag: String::new() },
    }
}

/// Where a profile's target vLLM version came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionSource {
    /// The image tag names a version with a flag table.
    ImageTag,
    /// `vllm_version` in `vprof.toml` (the tag does not name one).
    Project,
    /// Neither: the newest table.
    Newest,
}

impl VersionSource {
    /// How `vprof show` says where the version came from.
    pub fn describe(self) -> &'static str {
        match self {
            VersionSource::ImageTag => "image tag",
            VersionSource::Project => "vprof.toml vllm_version",
            VersionSource::Newest => "newest table (image tag is not a version)",
        }
    }
}

/// The one decision of the vLLM version a profile targets: the image tag's, else the
/// project's `vllm_version`, else the newest table.
pub fn target_version(target: &ImageTarget, project: Option<Version>) -> (Version, VersionSource) {
    match (target, project) {
        (ImageTarget::Pinned(v), _) => (*v, VersionSource::ImageTag),
        (_, Some(v)) => (v, VersionSource::Project),
        (_, None) => (Version::newest(), VersionSource::Newest),
    }
}

/// vLLM's default of a top-level `[vllm]` key in a version, from its flag table;
/// `Value::Null` means the engine decides at start-up, `None` that the key is no flag.
pub fn flag_default(version: Version, key: &str) -> Option<&'static serde_json::Value> {
    table(version).get(key).map(|f| &f.default)
}
