//! vLLM release numbers, and `Version`: a cheap handle on the flag table of one version
//! (embedded or project-local).

use std::cmp::Ordering;
use std::fmt;

use super::embedded;
use super::table::FlagTable;

/// A vLLM release number: `0.8.5.post1` is (0, 8, 5, post 1). Pre-release and local parts
/// (`0.11.1rc2.dev88+gabc`) are ignored: they count as their release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Release {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
    pub post: u32,
}

impl Release {
    /// `v0.27.1`, `0.27.1`, `0.8.5.post1`, `0.27` (patch 0), `0.11.1rc2.dev88+g1234`.
    pub fn parse(text: &str) -> Option<Release> {
        let text = text.strip_prefix('v').unwrap_or(text);
        let text = text.split('+').next().unwrap_or(text);
        let mut parts = text.split('.');
        let number = |s: Option<&str>| -> Option<u32> {
            let s = s?;
            let (digits, tail) =
                s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
            // `1rc2` is patch 1; `11-slim` or `final` is not a number
            let pre = ["rc", "dev", "a", "b"].iter().any(|p| tail.starts_with(p));
            if digits.is_empty() || !(tail.is_empty() || pre) {
                return None;
            }
            digits.parse().ok()
        };
        let major = number(parts.next())?;
        let minor = number(parts.next())?;
        let (patch, post) = match parts.next() {
            None => (0, 0),
            Some(p) => (number(Some(p))?, 0),
        };
        let post = parts
            .next()
            .and_then(|p| p.strip_prefix("post"))
            .and_then(|p| p.parse().ok())
            .unwrap_or(post);
        Some(Release {
            major,
            minor,
            patch,
            post,
        })
    }

    pub fn same_minor(self, other: Release) -> bool {
        (self.major, self.minor) == (other.major, other.minor)
    }
}

/// A vLLM version vprof has a flag table for: a handle on that table, compared by version.
#[derive(Clone, Copy)]
pub struct Version(pub(super) &'static FlagTable);

impl Version {
    /// The version as its table names it (`0.33.0`, `0.8.5.post1`, or a project table's).
    pub fn as_str(self) -> &'static str {
        &self.0.name
    }

    pub fn table(self) -> &'static FlagTable {
        self.0
    }

    pub fn release(self) -> Option<Release> {
        Release::parse(self.as_str())
    }

    /// Whether the table comes from the project (`vllm_tables_dir`), not the binary.
    pub fn is_project(self) -> bool {
        self.0.project_file.is_some()
    }

    /// Every embedded version, oldest first.
    pub fn embedded() -> Vec<Version> {
        embedded::versions()
    }

    /// The embedded version named exactly so (`0.33.0`, `v0.33.0`).
    pub fn embedded_named(text: &str) -> Option<Version> {
        let release = Release::parse(text)?;
        let name = embedded::names()
            .iter()
            .find(|n| Release::parse(n) == Some(release))?;
        embedded::named(name)
    }

    /// The newest embedded version.
    pub fn newest() -> Version {
        embedded::newest()
    }

    /// `0.8.5.post1 – 0.33.0`: the embedded range, for messages.
    pub fn embedded_range() -> String {
        let all = embedded::names();
        match (all.first(), all.last()) {
            (Some(a), Some(b)) => format!("{a} to {b}"),
            _ => String::new(),
        }
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.0, other.0)
    }
}

impl Eq for Version {}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.release(), self.as_str(), self.is_project()).cmp(&(
            other.release(),
            other.as_str(),
            other.is_project(),
        ))
    }
}

impl fmt::Debug for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Version({})", self.as_str())
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Release;

    #[test]
    fn releases() {
        let r = |s| Release::parse(s).map(|r| (r.major, r.minor, r.patch, r.post));
        assert_eq!(r("v0.27.1"), Some((0, 27, 1, 0)));
        assert_eq!(r("0.8.5.post1"), Some((0, 8, 5, 1)));
        assert_eq!(r("0.11"), Some((0, 11, 0, 0)));
        assert_eq!(r("0.11.1rc2.dev88+g1234abc"), Some((0, 11, 1, 0)));
        assert_eq!(r("nightly-1a2b3c4"), None);
        assert_eq!(r("latest"), None);
        assert_eq!(r("qwen3-final"), None);
        assert_eq!(r("v0"), None);
        assert_eq!(r("3.11-slim"), None);
    }
}
