//! Relative host paths of volumes: profiles write them relative to the project root, while
//! compose resolves them against the compose file's directory (deploy/NAME/). vprof rewrites
//! them so that they point where the profile says.

/// The project root as seen from `dir` (where the compose file is): compose resolves a
/// relative host path against the compose file's directory, while profiles write paths
/// relative to the project root. `deploy/x` gives `../..`.
pub fn anchor(dir: &std::path::Path, root: &std::path::Path) -> String {
    let norm = |p: &std::path::Path| -> Vec<std::ffi::OsString> {
        let mut out: Vec<std::ffi::OsString> = Vec::new();
        for c in p.components() {
            match c {
                std::path::Component::CurDir => {}
                std::path::Component::ParentDir => {
                    out.pop();
                }
                other => out.push(other.as_os_str().to_os_string()),
            }
        }
        out
    };
    let (from, to) = (norm(dir), norm(root));
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec![String::from(".."); from.len() - common];
    parts.extend(
        to[common..]
            .iter()
            .map(|c| c.to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        String::from(".")
    } else {
        parts.join("/")
    }
}

/// A volume's host path as the compose file must say it: relative paths (compose reads every
/// source that starts with `.` as one: `.`, `./x`, `..`, `../x`, `.cache`) are re-anchored from
/// the project root to the compose file's directory; named volumes, absolute and `~` paths
/// are left as they are.
pub fn anchored(host: &str, anchor: &str) -> String {
    if anchor == "." || !host.starts_with('.') {
        return host.to_string();
    }
    if host == "." {
        return anchor.to_string();
    }
    match host.strip_prefix("./") {
        Some(rest) => format!("{anchor}/{rest}"),
        None => format!("{anchor}/{host}"),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::{anchor, anchored};

    #[test]
    fn anchor_from_the_compose_directory_to_the_root() {
        assert_eq!(anchor(Path::new("/p/deploy/x"), Path::new("/p")), "../..");
        assert_eq!(anchor(Path::new("/p"), Path::new("/p")), ".");
        assert_eq!(anchor(Path::new("/tmp/out"), Path::new("/p")), "../../p");
        assert_eq!(
            anchor(Path::new("/p/./deploy/../out"), Path::new("/p")),
            ".."
        );
    }

    #[test]
    fn only_relative_paths_move() {
        assert_eq!(anchored("./models", "../.."), "../../models");
        assert_eq!(anchored("../models", "../.."), "../../../models");
        assert_eq!(anchored(".", "../.."), "../..");
        assert_eq!(
            anchored("~/.cache/huggingface", "../.."),
            "~/.cache/huggingface"
        );
        assert_eq!(anchored("/srv/models", "../.."), "/srv/models");
        assert_eq!(anchored("cache-volume", "../.."), "cache-volume");
        assert_eq!(anchored("./models", "."), "./models");
        // Found by fuzz/render_roundtrip: compose reads these as relative paths too.
        assert_eq!(anchored("..", "../.."), "../../..");
        assert_eq!(anchored(".cache", "../.."), "../../.cache");
        assert_eq!(anchored("..data", "../.."), "../../..data");
    }
}
