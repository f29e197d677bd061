//! `vprof init`: the files of a new project. Nothing here overwrites a file: each entry is
//! created when absent and skipped (and reported) when present, except `.gitignore`, which
//! gets the `.env` line appended once.

use std::path::{Path, PathBuf};

use crate::error::Error;

/// The name of the partial and of the profile `init` writes.
pub const PARTIAL: &str = "_base";
pub const PROFILE: &str = "qwen3_8b";
pub const HOST: &str = "local";

/// What `init` will do with one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Create,
    /// The file exists; it is left as it is.
    Skip,
    /// `.gitignore` exists without an `.env` line: the line is appended.
    Append,
}

/// One file of the scaffold.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Relative to the project root, with `/` separators.
    pub path: String,
    pub text: String,
    pub action: Action,
}

/// The line that keeps rendered `.env` files (which hold secrets) out of version control.
pub const GITIGNORE_LINE: &str = ".env";

fn files() -> Result<Vec<(String, String)>, Error> {
    Ok(vec![
        ("vprof.toml".into(), include_str!("vprof.toml").into()),
        (
            format!("hosts/{HOST}.toml"),
            include_str!("host.toml").into(),
        ),
        (
            format!("profiles/{PARTIAL}.toml"),
            include_str!("partial.toml").into(),
        ),
        (
            format!("profiles/{PROFILE}.toml"),
            include_str!("profile.toml").into(),
        ),
        (
            "schemas/profile.schema.json".into(),
            crate::check::schema::profile_schema_text()?,
        ),
        (
            ".pre-commit-config.yaml".into(),
            include_str!("pre-commit-config.yaml").into(),
        ),
    ])
}

/// Decide, without writing, what `init` does in `root`.
pub fn plan(root: &Path) -> Result<Vec<Entry>, Error> {
    let mut entries: Vec<Entry> = files()?
        .into_iter()
        .map(|(path, text)| {
            let action = if root.join(&path).exists() {
                Action::Skip
            } else {
                Action::Create
            };
            Entry { path, text, action }
        })
        .collect();
    let gitignore = root.join(".gitignore");
    let (text, action) = match std::fs::read_to_string(&gitignore) {
        Ok(old) if ignores_env(&old) => (old, Action::Skip),
        Ok(old) => {
            let sep = if old.is_empty() || old.ends_with('\n') {
                ""
            } else {
                "\n"
            };
            (
                format!("{sep}# rendered .env files hold secrets\n{GITIGNORE_LINE}\n"),
                Action::Append,
            )
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => (
            format!("# rendered .env files hold secrets\n{GITIGNORE_LINE}\n"),
            Action::Create,
        ),
        Err(source) => {
            return Err(Error::Read {
                path: gitignore,
                source,
            });
        }
    };
    entries.push(Entry {
        path: ".gitignore".into(),
        text,
        action,
    });
    Ok(entries)
}

/// Whether a `.gitignore` already ignores `.env` files everywhere.
fn ignores_env(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .any(|l| matches!(l, ".env" | "**/.env" | "*.env" | ".env*"))
}

/// Open `path` with `options` and write `text` into it.
fn write_with(options: &std::fs::OpenOptions, path: &Path, text: &str) -> Result<(), Error> {
    let failed = |source| Error::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut file = options.open(path).map_err(failed)?;
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(failed)
}

/// Carry out the plan; returns the paths written.
pub fn apply(root: &Path, entries: &[Entry]) -> Result<Vec<PathBuf>, Error> {
    let mut written = Vec::new();
    for e in entries {
        let path = root.join(&e.path);
        match e.action {
            Action::Skip => continue,
            Action::Create => {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir).map_err(|source| Error::Write {
                        path: dir.to_path_buf(),
                        source,
                    })?;
                }
                // create_new: a file that appeared since the plan is still never overwritten.
                write_with(
                    std::fs::OpenOptions::new().write(true).create_new(true),
                    &path,
                    &e.text,
                )?;
            }
            Action::Append => {
                write_with(std::fs::OpenOptions::new().append(true), &path, &e.text)?;
            }
        }
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gitignore_line_is_appended_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".gitignore"), "target/").unwrap();
        let first = plan(dir.path()).unwrap();
        apply(dir.path(), &first).unwrap();
        let text = std::fs::read_to_string(dir.path().join(".gitignore")).unwrap();
        assert_eq!(text, "target/\n# rendered .env files hold secrets\n.env\n");
        let second = plan(dir.path()).unwrap();
        assert!(second.iter().all(|e| e.action == Action::Skip));
        apply(dir.path(), &second).unwrap();
        let again = std::fs::read_to_string(dir.path().join(".gitignore")).unwrap();
        assert_eq!(again, text);
    }

    #[test]
    fn existing_files_are_skipped_not_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("profiles")).unwrap();
        std::fs::write(dir.path().join("profiles/qwen3_8b.toml"), "mine").unwrap();
        let entries = plan(dir.path()).unwrap();
        let profile = entries
            .iter()
            .find(|e| e.path == "profiles/qwen3_8b.toml")
            .unwrap();
        assert_eq!(profile.action, Action::Skip);
        apply(dir.path(), &entries).unwrap();
        let text = std::fs::read_to_string(dir.path().join("profiles/qwen3_8b.toml")).unwrap();
        assert_eq!(text, "mine");
    }
}
