//! How paths are shown to users: relative to the working directory when below it.

use std::path::Path;

/// `profiles/x.toml` rather than `/home/me/proj/profiles/x.toml`.
pub fn display(path: &Path, cwd: &Path) -> String {
    let shown = path.strip_prefix(cwd).unwrap_or(path);
    shown.to_string_lossy().replace('\\', "/")
}
