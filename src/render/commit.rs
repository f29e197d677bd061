//! Writing the generated files of one output directory as one unit.
//!
//! Under an advisory lock on the directory (`.vprof.lock`, held from reading the old `.env`
//! until the last rename, so two renders of one directory run one after the other), stale
//! temporary files of a killed run are removed (they may hold secrets), every new file is
//! written to a temporary file named `.vprof-tmp-*` and synced, and only then are they renamed
//! over the old ones: `.env` first, so that compose.yaml never references a variable the
//! `.env` beside it lacks (the new `.env` keeps every old line). A failure before the first
//! rename leaves every file old; a failure after it is reported naming the files written
//! and those still old.
//!
//! Debug builds (tests) read `VPROF_FAULT` to inject failures at each step; release builds
//! compile the hooks out.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::Kind;
use crate::error::Error;

/// The lock file in an output directory.
pub const LOCK_FILE: &str = ".vprof.lock";
/// The prefix of vprof's temporary files.
pub const TMP_PREFIX: &str = ".vprof-tmp-";

/// An exclusive (or shared) advisory lock on an output directory, released on drop.
#[derive(Debug)]
pub struct DirLock {
    _file: File,
}

/// Lock `dir` for writing (creating it), waiting for another vprof holding it.
pub fn lock_exclusive(dir: &Path) -> Result<DirLock, Error> {
    let failed = |source| Error::Write {
        path: dir.join(LOCK_FILE),
        source,
    };
    std::fs::create_dir_all(dir).map_err(failed)?;
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(LOCK_FILE))
        .map_err(failed)?;
    file.lock().map_err(failed)?;
    Ok(DirLock { _file: file })
}

/// Lock `dir` for reading, if vprof ever wrote there (nothing is created).
pub fn lock_shared(dir: &Path) -> Option<DirLock> {
    let file = File::open(dir.join(LOCK_FILE)).ok()?;
    file.lock_shared().ok()?;
    Some(DirLock { _file: file })
}

/// Remove the temporary files a killed run left in `dir` (call with the lock held).
pub fn remove_stale(dir: &Path) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let name = entry.file_name();
        if name.to_string_lossy().starts_with(TMP_PREFIX)
            && entry.file_type().is_ok_and(|t| t.is_file())
            && std::fs::remove_file(entry.path()).is_ok()
        {
            removed.push(entry.path());
        }
    }
    removed
}

/// Write `files` (path, text, kind) into their directories as one unit; see the module doc.
/// Every file must be in an existing directory locked by the caller.
pub fn commit(files: &[(PathBuf, &str, Kind)]) -> Result<Vec<PathBuf>, Error> {
    let mut temps = Vec::new();
    for (i, (path, text, kind)) in files.iter().enumerate() {
        let failed = |source| Error::Commit {
            failed: path.clone(),
            source,
            written: Vec::new(),
            old: files.iter().map(|f| f.0.clone()).collect(),
        };
        let dir = path.parent().unwrap_or(Path::new("."));
        fault::readonly().map_err(failed)?;
        let mut tmp = tempfile::Builder::new()
            .prefix(TMP_PREFIX)
            .tempfile_in(dir)
            .map_err(failed)?;
        set_mode(tmp.path(), *kind).map_err(failed)?;
        write_fully(tmp.as_file_mut(), text.as_bytes(), i + 1).map_err(failed)?;
        tmp.as_file().sync_all().map_err(failed)?;
        temps.push(tmp);
    }
    fault::pause_before_rename();
    // `.env` first: see the module doc.
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by_key(|&i| files[i].2 != Kind::Env);
    let mut temps: Vec<Option<tempfile::NamedTempFile>> = temps.into_iter().map(Some).collect();
    let mut written: Vec<PathBuf> = Vec::new();
    for (n, &i) in order.iter().enumerate() {
        let path = &files[i].0;
        let result = fault::rename(n + 1).and_then(|()| {
            temps[i]
                .take()
                .map_or(Ok(()), |t| t.persist(path).map(|_| ()).map_err(|e| e.error))
        });
        if let Err(source) = result {
            return Err(Error::Commit {
                failed: path.clone(),
                source,
                written,
                old: order[n..].iter().map(|&j| files[j].0.clone()).collect(),
            });
        }
        written.push(path.clone());
    }
    for dir in written.iter().filter_map(|p| p.parent()) {
        // Make the renames durable; a failure here loses nothing already visible.
        let _ = File::open(dir).and_then(|d| d.sync_all());
    }
    Ok(written)
}

fn write_fully(file: &mut File, bytes: &[u8], nth: usize) -> std::io::Result<()> {
    if let Some(len) = fault::write_fails(nth, bytes.len()) {
        file.write_all(&bytes[..len])?;
        return Err(std::io::Error::new(
            std::io::ErrorKind::StorageFull,
            "No space left on device (injected)",
        ));
    }
    file.write_all(bytes)
}

/// Make an existing `.env` private (0600); returns whether its mode changed.
#[cfg(unix)]
pub fn make_private(path: &Path) -> std::io::Result<bool> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)?.permissions().mode() & 0o777;
    if mode & 0o077 == 0 {
        return Ok(false);
    }
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    Ok(true)
}

#[cfg(not(unix))]
pub fn make_private(_path: &Path) -> std::io::Result<bool> {
    Ok(false)
}

/// The mode of an existing file readable or writable by group or others.
#[cfg(unix)]
pub fn open_mode(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
    (mode & 0o077 != 0).then_some(mode)
}

#[cfg(not(unix))]
pub fn open_mode(_path: &Path) -> Option<u32> {
    None
}

#[cfg(unix)]
fn set_mode(path: &Path, kind: Kind) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = match kind {
        Kind::Env => 0o600,
        Kind::Compose | Kind::Manifest => 0o644,
    };
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _kind: Kind) -> std::io::Result<()> {
    Ok(())
}

/// Injected failures for the fault tests: `VPROF_FAULT` is `write:N` (the N-th temporary
/// file gets half its bytes, then "no space left"), `rename:N` (the N-th rename fails),
/// `pause` (between writing and renaming: print the `PAUSED` line to stderr, then sleep
/// 300 s, to be killed there) or `readonly` (creating files fails as on a read-only file
/// system). Debug builds only.
mod fault {
    /// The line `pause` prints when every temporary file is written and synced.
    pub const PAUSED: &str =
        "vprof: VPROF_FAULT=pause: temporary files written, paused before renaming";

    #[cfg(debug_assertions)]
    fn get() -> Option<(String, usize)> {
        let v = std::env::var("VPROF_FAULT").ok()?;
        let (what, n) = v.split_once(':').unwrap_or((&v, "0"));
        Some((what.to_string(), n.parse().unwrap_or(0)))
    }

    #[cfg(not(debug_assertions))]
    fn get() -> Option<(String, usize)> {
        None
    }

    pub fn write_fails(nth: usize, len: usize) -> Option<usize> {
        matches!(get(), Some((w, n)) if w == "write" && n == nth).then_some(len / 2)
    }

    pub fn rename(nth: usize) -> std::io::Result<()> {
        match get() {
            Some((w, n)) if w == "rename" && n == nth => Err(std::io::Error::new(
                std::io::ErrorKind::StorageFull,
                "No space left on device (injected)",
            )),
            _ => Ok(()),
        }
    }

    /// Says so on stderr once every temporary file is written and synced (a test waits
    /// for that line, not for a time), then sleeps long enough to be killed.
    pub fn pause_before_rename() {
        if matches!(get(), Some((w, _)) if w == "pause") {
            use std::io::Write;
            let _ = writeln!(std::io::stderr(), "{PAUSED}");
            std::thread::sleep(std::time::Duration::from_secs(300));
        }
    }

    pub fn readonly() -> std::io::Result<()> {
        match get() {
            Some((w, _)) if w == "readonly" => Err(std::io::Error::new(
                std::io::ErrorKind::ReadOnlyFilesystem,
                "Read-only file system (injected)",
            )),
            _ => Ok(()),
        }
    }
}
